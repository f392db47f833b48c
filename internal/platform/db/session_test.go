package db_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
	require.ErrorIs(t, s.Commit(ctx), db.ErrSessionClosed, "a rolled-back session never reports a commit")

	s = db.NewSession(d.Pool, db.Settings{})
	_, err = s.Exec(ctx, `INSERT INTO notes VALUES ('a'), ('b')`)
	require.NoError(t, err)
	require.NoError(t, s.Commit(ctx))
	require.Equal(t, 2, count())
	require.ErrorIs(t, s.Commit(ctx), db.ErrSessionClosed)
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

// A transaction that failed is not committed: Commit says so, and nothing
// of it is kept.
func TestSession_CommitAfterAFailedStatementKeepsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	_, err := d.Pool.Exec(ctx, `CREATE TABLE notes (body text NOT NULL)`)
	require.NoError(t, err)

	s := db.NewSession(d.Pool, db.Settings{})
	_, err = s.Exec(ctx, `INSERT INTO notes VALUES ('a')`)
	require.NoError(t, err)
	_, err = s.Exec(ctx, `INSERT INTO notes VALUES (NULL)`)
	require.ErrorContains(t, err, "null value")
	require.ErrorIs(t, s.Commit(ctx), pgx.ErrTxCommitRollback)
	var n int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM notes`).Scan(&n))
	require.Zero(t, n)
}

// Connections go back to the pool outside any transaction and without the
// request's settings, whether the session committed, rolled back, or failed
// to begin; a read-only session refuses writes.
func TestSession_ConnectionsReturnClean(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	_, err := d.Pool.Exec(ctx, `CREATE TABLE notes (body text)`)
	require.NoError(t, err)
	settings := db.Settings{Values: map[string]string{"hub.org_id": "org-a"}}

	committed := db.NewSession(d.Pool, settings)
	require.NoError(t, committed.QueryRow(ctx, `SELECT 1`).Scan(new(int)))
	require.NoError(t, committed.Commit(ctx))

	rolledBack := db.NewSession(d.Pool, settings)
	require.NoError(t, rolledBack.QueryRow(ctx, `SELECT 1`).Scan(new(int)))
	require.NoError(t, rolledBack.Rollback(ctx))

	// An unknown setting value fails the settings statement of the pipeline.
	badSettings := db.NewSession(d.Pool, db.Settings{Values: map[string]string{"hub.org_id": "org-a", "statement_timeout": "not a duration"}})
	_, err = badSettings.Exec(ctx, `SELECT 1`)
	require.ErrorContains(t, err, "begin transaction")
	require.NoError(t, badSettings.Rollback(ctx))

	readOnly := db.NewSession(d.Pool, db.Settings{ReadOnly: true})
	_, err = readOnly.Exec(ctx, `INSERT INTO notes VALUES ('a')`)
	require.ErrorContains(t, err, "read-only transaction")
	require.NoError(t, readOnly.Rollback(ctx))

	// Every connection of the pool, in turn.
	conns := make([]*pgxpool.Conn, 0, d.Pool.Stat().TotalConns())
	for range d.Pool.Stat().TotalConns() {
		c, err := d.Pool.Acquire(ctx)
		require.NoError(t, err)
		t.Cleanup(c.Release)
		conns = append(conns, c)
	}
	for _, c := range conns {
		require.Equal(t, byte('I'), c.Conn().PgConn().TxStatus())
		var orgID string
		require.NoError(t, c.QueryRow(ctx, `SELECT coalesce(current_setting('hub.org_id', true), '')`).Scan(&orgID))
		require.Empty(t, orgID, "no request's settings outlive its transaction")
	}
}
