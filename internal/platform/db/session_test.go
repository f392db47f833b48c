package db_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// gqlgen runs sibling resolvers in parallel goroutines; all of them share
// the request's one transaction.
func TestSession_ConcurrentStatementsShareOneTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	s := db.NewSession(d.Pool, db.Settings{Values: map[string]string{"hub.org_id": "test-org"}})
	t.Cleanup(func() { _ = s.Rollback(ctx) })

	var wg sync.WaitGroup
	txids := make([]int64, 40)
	settings := make([]string, 40)
	errs := make([]error, 40)
	for i := range txids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				rows, err := s.Query(ctx, `SELECT txid_current(), current_setting('hub.org_id') FROM generate_series(1, 50)`)
				if err != nil {
					errs[i] = err
					return
				}
				type row struct {
					Txid    int64  `db:"txid_current"`
					Setting string `db:"current_setting"`
				}
				got, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
				if err == nil {
					txids[i], settings[i] = got[0].Txid, got[0].Setting
				}
				errs[i] = err
				return
			}
			errs[i] = s.QueryRow(ctx, `SELECT txid_current(), current_setting('hub.org_id')`).Scan(&txids[i], &settings[i])
		}()
	}
	wg.Wait()
	for i := range txids {
		require.NoError(t, errs[i])
		require.Equal(t, txids[0], txids[i], "one transaction")
		require.Equal(t, "test-org", settings[i], "transaction settings apply to every statement")
	}
}

func TestSession_RollbackLeavesNothingAndCommitKeepsAll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	_, err := d.Pool.Exec(ctx, `CREATE TABLE notes (body text)`)
	require.NoError(t, err)
	count := func() (n int) {
		require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM notes`).Scan(&n))
		return n
	}

	s := db.NewSession(d.Pool, db.Settings{})
	_, err = s.Exec(ctx, `INSERT INTO notes VALUES ('a'), ('b')`)
	require.NoError(t, err)
	require.NoError(t, s.Rollback(ctx))
	require.Zero(t, count())
	_, err = s.Exec(ctx, `SELECT 1`)
	require.ErrorIs(t, err, db.ErrSessionClosed)

	s = db.NewSession(d.Pool, db.Settings{})
	_, err = s.Exec(ctx, `INSERT INTO notes VALUES ('a'), ('b')`)
	require.NoError(t, err)
	require.NoError(t, s.Commit(ctx))
	require.Equal(t, 2, count())
}

func TestSession_StatementTimeoutApplies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	s := db.NewSession(d.Pool, db.Settings{StatementTimeout: 50 * time.Millisecond})
	t.Cleanup(func() { _ = s.Rollback(ctx) })
	_, err := s.Exec(ctx, `SELECT pg_sleep(1)`)
	require.ErrorContains(t, err, "statement timeout")
}

func TestSession_NowIsFixedForTheTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	s := db.NewSession(d.Pool, db.Settings{})
	t.Cleanup(func() { _ = s.Rollback(ctx) })
	a, err := s.Now(ctx)
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond)
	var b time.Time
	require.NoError(t, s.QueryRow(ctx, `SELECT now()`).Scan(&b))
	require.True(t, a.Equal(b))
}
