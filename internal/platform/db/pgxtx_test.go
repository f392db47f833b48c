package db_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

// A library writing through the session's pgx.Tx writes in the session's
// transaction, under its settings, and cannot end it: what it wrote is
// committed or rolled back with the rest.
func TestSession_PgxTxWritesInTheSessionsTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	_, err := d.Pool.Exec(ctx, `CREATE TABLE notes (txid bigint, setting text)`)
	require.NoError(t, err)

	for _, commit := range []bool{true, false} {
		s := db.NewSession(d.Pool, db.Settings{Values: map[string]string{"hub.org_id": "test-org"}})
		var txid int64
		require.NoError(t, s.QueryRow(ctx, `SELECT txid_current()`).Scan(&txid))
		tx := s.PgxTx()
		_, err := tx.Exec(ctx, `INSERT INTO notes SELECT txid_current(), current_setting('hub.org_id')`)
		require.NoError(t, err)
		var setting string
		require.NoError(t, tx.QueryRow(ctx, `SELECT setting FROM notes WHERE txid = $1`, txid).Scan(&setting))
		require.Equal(t, "test-org", setting, "one transaction, its settings")
		require.ErrorIs(t, tx.Commit(ctx), db.ErrNotTheSessionsOwner)
		require.ErrorIs(t, tx.Rollback(ctx), db.ErrNotTheSessionsOwner)
		_, err = tx.Begin(ctx)
		require.ErrorIs(t, err, db.ErrNotTheSessionsOwner)

		if commit {
			require.NoError(t, s.Commit(ctx))
		} else {
			require.NoError(t, s.Rollback(ctx))
		}
		var n int
		require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM notes WHERE txid = $1`, txid).Scan(&n))
		require.Equal(t, map[bool]int{true: 1, false: 0}[commit], n, "committed: %v", commit)
	}
}
