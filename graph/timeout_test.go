package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/graph"
)

// A statement that runs past the statement timeout stops the request with
// a message the client can act on (INTERNAL, the closed set has no other
// code for it), nothing of it is kept, and the next request is served.
// The slow statement is a read of cases waiting behind a lock the test
// holds: a wait is the one slowness a test can make deterministic.
func TestStatementTimeout_IsToldInWordsAndNothingIsKept(t *testing.T) {
	srv, b := setup(t, func(o *graph.Options) { o.App.StatementTimeout = 300 * time.Millisecond })
	ctx := context.Background()
	const q = `{ cases(first: 1) { totalCount } }`

	lock, err := b.db.Pool.Begin(ctx)
	require.NoError(t, err)
	_, err = lock.Exec(ctx, "LOCK TABLE cases IN ACCESS EXCLUSIVE MODE")
	require.NoError(t, err)
	start := time.Now()
	r := postFor(t, srv, "soc.karlstad", rehab, q, nil)
	require.NoError(t, lock.Rollback(ctx))

	require.Less(t, time.Since(start), 5*time.Second, "the statement was stopped at its timeout")
	require.Equal(t, 200, r.Status)
	requireError(t, r, "INTERNAL", "ran past the hub's statement timeout and was stopped; nothing was changed")
	require.JSONEq(t, "null", string(r.Data), "a failed operation delivers nothing")
	require.Contains(t, b.logs.String(), "statement timeout", "the log has the database's own words")

	var ok struct {
		Cases struct{ TotalCount int } `json:"cases"`
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, q, nil), &ok)
	require.Positive(t, ok.Cases.TotalCount)
}
