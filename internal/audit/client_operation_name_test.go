package audit_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/platform/migrate"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

func named(user, clientName string) audit.Record {
	r := record(user)
	r.ClientOperationName = &clientName
	return r
}

// setupNamed gives Karlstad's lane 0 three records (setupTrail) and a
// fourth and fifth that carry the client's operation name.
func setupNamed(t *testing.T) *pgtest.DB {
	t.Helper()
	ctx := context.Background()
	d := setupTrail(t)
	s := as(d, karlstad)
	for _, name := range []string{"directoryLookup", "another"} {
		pos, err := audit.Append(ctx, s, named("soc.karlstad", name))
		require.NoError(t, err)
		require.Equal(t, 0, pos.Lane)
	}
	require.NoError(t, s.Commit(ctx))
	return d
}

// The client's operation name is kept as given, and read back.
func TestClientOperationName_IsKeptApartFromWhatRan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := setupNamed(t)
	s := as(d, karlstad)
	defer s.Rollback(ctx)
	res, err := audit.List(ctx, s, karlstad, audit.Filter{}, page.Request{First: 10})
	require.NoError(t, err)
	require.Len(t, res.Items, 5)
	got := map[int64]*string{}
	for _, r := range res.Items {
		require.Equal(t, "test", r.OperationName)
		got[r.Seq] = r.ClientOperationName
	}
	require.Nil(t, got[1])
	require.Equal(t, "directoryLookup", *got[4])
	require.Equal(t, "another", *got[5])

	// The column is bounded.
	long := make([]byte, 101)
	for i := range long {
		long[i] = 'a'
	}
	_, err = audit.Append(ctx, s, named("soc.karlstad", string(long)))
	require.ErrorContains(t, err, "client_operation_name")
}

// The hash covers the client's operation name: setting it where there was
// none, changing it or clearing it is found by verify.
func TestVerify_FindsATamperedClientOperationName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name   string
		tamper string
		seq    int64
	}{
		{"changed", `UPDATE audit_records SET client_operation_name = 'innocentLookup' WHERE org_id = $1 AND seq = 4`, 4},
		{"cleared", `UPDATE audit_records SET client_operation_name = NULL WHERE org_id = $1 AND seq = 4`, 4},
		{"set where there was none", `UPDATE audit_records SET client_operation_name = 'directoryLookup' WHERE org_id = $1 AND seq = 2`, 2},
		{"moved to another record", `UPDATE audit_records SET client_operation_name = CASE seq WHEN 4 THEN 'another' ELSE 'directoryLookup' END
			WHERE org_id = $1 AND seq IN (4, 5)`, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := setupNamed(t)
			breaks, err := audit.Verify(ctx, d.Pool)
			require.NoError(t, err)
			require.Empty(t, breaks, "intact before tampering")

			_, err = d.Pool.Exec(ctx, tt.tamper, karlstad)
			require.NoError(t, err)
			breaks, err = audit.Verify(ctx, d.Pool)
			require.NoError(t, err)
			require.Len(t, breaks, 1, "%+v", breaks)
			require.Equal(t, karlstad, breaks[0].OrgID)
			require.Equal(t, 0, breaks[0].Lane)
			require.Equal(t, tt.seq, breaks[0].Seq)
			require.Contains(t, breaks[0].Problem, "content does not match its hash")
		})
	}
}

// Records written before migration 018 (in lane 0 and above) keep their
// hashes and still verify; records written after it, with and without a
// client operation name, verify too. The migration goes down while no
// record holds a client operation name, and is refused once one does.
func TestClientOperationName_RecordsFromBeforeTheMigrationStillVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewEmptyDatabase(t)
	conn, err := pgx.Connect(ctx, d.URL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	other, err := pgx.Connect(ctx, d.URL)
	require.NoError(t, err)
	defer other.Close(ctx)
	require.NoError(t, migrate.To(ctx, conn, 17))

	var org uuid.UUID
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO organizations (kind, name, org_number) VALUES ('KOMMUN', 'Gamla kommunen', '212000-0001') RETURNING id`).Scan(&org))
	actFor := func(c *pgx.Conn) {
		_, err := c.Exec(ctx, `SELECT set_config('hub.org_id', $1, false)`, org.String())
		require.NoError(t, err)
	}
	actFor(conn)
	actFor(other)
	// The 017 signature, in lane 0 and (while a transaction holds lane 0)
	// in lane 1.
	oldAppend := func(q interface {
		QueryRow(context.Context, string, ...any) pgx.Row
	}, user string) audit.Position {
		var pos audit.Position
		require.NoError(t, q.QueryRow(ctx, `SELECT lane, seq FROM audit_append(now(), 'r', $1, NULL, '{LOGGRANSKARE}', NULL, 'query', 'q', '{obj}', 'ALLOWED', NULL, NULL, NULL)`, user).Scan(&pos.Lane, &pos.Seq))
		return pos
	}
	require.Equal(t, audit.Position{Lane: 0, Seq: 1}, oldAppend(conn, "before"))
	holder, err := conn.Begin(ctx)
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 0, Seq: 2}, oldAppend(holder, "before"))
	require.Equal(t, audit.Position{Lane: 1, Seq: 1}, oldAppend(other, "before"))
	require.NoError(t, holder.Commit(ctx))

	hashes := func() [][]byte {
		rows, err := conn.Query(ctx, `SELECT hash FROM audit_records WHERE org_id = $1 AND user_id = 'before' ORDER BY lane, seq`, org)
		require.NoError(t, err)
		h, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
		require.NoError(t, err)
		return h
	}
	before := hashes()
	require.Len(t, before, 3)

	require.NoError(t, migrate.Up(ctx, conn))
	actFor(conn)
	breaks, err := audit.Verify(ctx, conn)
	require.NoError(t, err)
	require.Empty(t, breaks, "the old records verify")
	require.Equal(t, before, hashes(), "old records keep their hashes")

	// A replica of the previous release, still calling the 017 signature
	// during a rolling deploy, keeps auditing (without a client name).
	require.Equal(t, audit.Position{Lane: 0, Seq: 3}, oldAppend(conn, "rolling"))
	breaks, err = audit.Verify(ctx, conn)
	require.NoError(t, err)
	require.Empty(t, breaks)

	// Without a client operation name the record is what 017 would have
	// written: the migration still goes down, and the trail verifies.
	pos, err := audit.Append(ctx, conn, record("after"))
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 0, Seq: 4}, pos)
	require.NoError(t, migrate.To(ctx, conn, 17))
	breaks, err = audit.Verify(ctx, conn)
	require.NoError(t, err)
	require.Empty(t, breaks, "verify at 017")
	require.NoError(t, migrate.Up(ctx, conn))
	actFor(conn)

	pos, err = audit.Append(ctx, conn, named("after", "directoryLookup"))
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 0, Seq: 5}, pos)
	breaks, err = audit.Verify(ctx, conn)
	require.NoError(t, err)
	require.Empty(t, breaks)
	require.Equal(t, before, hashes())

	require.ErrorContains(t, migrate.To(ctx, conn, 17), "cannot undo migration 018")
	breaks, err = audit.Verify(ctx, conn)
	require.NoError(t, err)
	require.Empty(t, breaks, "the refused down step changed nothing")
}
