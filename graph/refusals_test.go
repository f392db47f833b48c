package graph_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
)

// Finding: a Hub-Purpose the role does not hold, or an unknown one, over
// HTTP or WebSocket, left no audit record. Each such refusal is now a
// DENIED record in the person's organisation's trail, up to a limit per
// person and minute, so that a flood cannot fill the trail.
func TestRefusedPurposesAreAudited_UpToALimitPerPerson(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	fk := demo.ID("org/fk")
	refusals := func() []string {
		t.Helper()
		rows, err := b.db.Pool.Query(ctx, `SELECT operation_type || ' ' || operation_name || ' ' || coalesce(reason, '') FROM audit_records
			WHERE org_id = $1 AND user_id = 'ph.fk' AND decision = 'DENIED' ORDER BY at, lane, seq`, fk)
		require.NoError(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			out = append(out, s)
		}
		require.NoError(t, rows.Err())
		return out
	}

	// Over HTTP: a purpose FK's roles do not act under, and an unknown one.
	r := postFor(t, srv, "ph.fk", "ARBETSLIVSINRIKTAD_REHABILITERING", `{ cases { totalCount } }`, nil)
	requireError(t, r, "FORBIDDEN", "do not act under")
	r = postFor(t, srv, "ph.fk", "SNOOPING", `{ cases { totalCount } }`, nil)
	requireError(t, r, "BAD_USER_INPUT", "unknown purpose")
	// Over WebSocket, at connection_init.
	ws, code, _ := wsOpen(t, srv, map[string]any{"Authorization": "Bearer " + srv.token(t, "ph.fk"), "Hub-Purpose": "UPPFOLJNING"})
	require.Nil(t, ws)
	require.EqualValues(t, 4403, code)

	got := refusals()
	require.Len(t, got, 3)
	require.True(t, strings.HasPrefix(got[0], "query ") && strings.Contains(got[0], "ARBETSLIVSINRIKTAD_REHABILITERING"), got[0])
	require.True(t, strings.HasPrefix(got[1], "query ") && strings.Contains(got[1], "SNOOPING"), got[1])
	require.True(t, strings.HasPrefix(got[2], "http GET /graphql (WebSocket connection_init)") && strings.Contains(got[2], "UPPFOLJNING"), got[2])

	// A flood: 50 more refusals in the same minute write only up to the
	// limit of 10 per person and minute.
	for range 50 {
		r := do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"{ cases { totalCount } }"}`), map[string]string{
			"Content-Type": "application/json", "Authorization": "Bearer " + srv.token(t, "ph.fk"), "Hub-Purpose": "SNOOPING",
		})
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, "BAD_USER_INPUT", r.code(0))
	}
	require.Len(t, refusals(), 10, "at most 10 records per person and minute")
	// Another person's refusals are recorded as before.
	requireError(t, postFor(t, srv, "af.karlstad", "UPPFOLJNING", `{ cases { totalCount } }`, nil), "FORBIDDEN", "do not act under")
	var af int
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_records WHERE org_id = $1 AND decision = 'DENIED'`, demo.ID("org/af")).Scan(&af))
	require.Equal(t, 1, af)
}
