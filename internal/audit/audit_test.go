package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var (
	karlstad = demo.ID("org/karlstad")
	eksjo    = demo.ID("org/eksjo")
)

// as opens a session of the application role acting for org.
func as(d *pgtest.DB, org uuid.UUID) *db.Session {
	return db.NewSession(d.AppPool, db.Settings{Values: map[string]string{"hub.org_id": org.String()}})
}

func appendN(t *testing.T, d *pgtest.DB, org uuid.UUID, n int) {
	t.Helper()
	ctx := context.Background()
	s := as(d, org)
	for i := 0; i < n; i++ {
		_, err := audit.Append(ctx, s, audit.Record{
			At: time.Now(), RequestID: "req", UserID: "user", Roles: []string{"LOGGRANSKARE"},
			OperationType: "query", OperationName: "test", ObjectIDs: []string{"obj"}, Decision: audit.Allowed,
		})
		require.NoError(t, err)
	}
	require.NoError(t, s.Commit(ctx))
}

func setupTrail(t *testing.T) *pgtest.DB {
	t.Helper()
	d := pgtest.NewDatabase(t)
	require.NoError(t, demo.LoadReference(context.Background(), d.Pool))
	appendN(t, d, karlstad, 3)
	appendN(t, d, eksjo, 2)
	return d
}

func TestVerify_FindsTheFirstBrokenRecordOfEachChain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name    string
		tamper  string
		seq     int64
		problem string
	}{
		{"changed content", `UPDATE audit_records SET user_id = 'someone else' WHERE org_id = $1 AND seq = 2`, 2, "content does not match its hash"},
		{"removed record", `DELETE FROM audit_records WHERE org_id = $1 AND seq = 2`, 3, "a record before this one is missing"},
		{"newest record cut off", `DELETE FROM audit_records WHERE org_id = $1 AND seq = 3`, 3, "the newest records are missing"},
		{"relinked record", `UPDATE audit_records SET prev_hash = '\x00' WHERE org_id = $1 AND seq = 3`, 3, "does not link to the record before it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := setupTrail(t)
			breaks, err := audit.Verify(ctx, d.Pool)
			require.NoError(t, err)
			require.Empty(t, breaks, "intact before tampering")

			// Someone with the owner's rights edits the table directly.
			_, err = d.Pool.Exec(ctx, tt.tamper, karlstad)
			require.NoError(t, err)
			breaks, err = audit.Verify(ctx, d.Pool)
			require.NoError(t, err)
			require.Len(t, breaks, 1, "only Karlstad's chain is broken")
			require.Equal(t, karlstad, breaks[0].OrgID)
			require.Equal(t, tt.seq, breaks[0].Seq)
			require.Contains(t, breaks[0].Problem, tt.problem)
		})
	}
}

// The application role can only append; it can neither change nor remove a
// record, nor append to another organisation's chain.
func TestAppendOnly_ForTheApplicationRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := setupTrail(t)
	for name, stmt := range map[string]string{
		"update":        `UPDATE audit_records SET user_id = 'x'`,
		"delete":        `DELETE FROM audit_records`,
		"direct insert": `INSERT INTO audit_records (org_id, seq, at, request_id, user_id, roles, operation_type, operation_name, decision, prev_hash, hash) VALUES ('` + karlstad.String() + `', 99, now(), 'r', 'u', '{}', 'query', 'x', 'ALLOWED', '\x', '\x')`,
		"chain head":    `UPDATE audit_chain_heads SET seq = 0`,
	} {
		t.Run(name, func(t *testing.T) {
			s := as(d, karlstad)
			defer s.Rollback(ctx)
			_, err := s.Exec(ctx, stmt)
			require.ErrorContains(t, err, "permission denied")
		})
	}
	t.Run("append without an organisation", func(t *testing.T) {
		s := db.NewSession(d.AppPool, db.Settings{})
		defer s.Rollback(ctx)
		_, err := audit.Append(ctx, s, audit.Record{At: time.Now(), RequestID: "r", UserID: "u", Roles: []string{},
			OperationType: "query", OperationName: "x", Decision: audit.Allowed})
		require.ErrorContains(t, err, "no organisation set")
	})
}

// Row-level security as the second line: a query that forgets its WHERE
// clause still cannot read, change or delete another organisation's rows.
func TestRowLevelSecurity_AQueryWithoutWhereStaysInsideTheOrganisation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := setupTrail(t)

	s := as(d, karlstad)
	defer s.Rollback(ctx)
	var orgs []uuid.UUID
	rows, err := s.Query(ctx, `SELECT DISTINCT org_id FROM audit_records`)
	require.NoError(t, err)
	for rows.Next() {
		var id uuid.UUID
		require.NoError(t, rows.Scan(&id))
		orgs = append(orgs, id)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []uuid.UUID{karlstad}, orgs, "Karlstad reads its own audit records only")

	tag, err := s.Exec(ctx, `UPDATE units SET name = name || ' (ändrad)'`)
	require.NoError(t, err)
	var karlstadUnits int64
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM units WHERE org_id = $1`, karlstad).Scan(&karlstadUnits))
	require.Equal(t, karlstadUnits, tag.RowsAffected(), "only Karlstad's units are updated")

	tag, err = s.Exec(ctx, `DELETE FROM federation_memberships`)
	require.NoError(t, err)
	require.Zero(t, tag.RowsAffected(), "memberships belong to the förbund, not to Karlstad")

	_, err = s.Exec(ctx, `INSERT INTO units (org_id, kind, name) VALUES ($1, 'ANNAN', 'Smuggled')`, eksjo)
	require.ErrorContains(t, err, "row-level security", "no rows written for another organisation")

	t.Run("without an organisation setting nothing personal is visible", func(t *testing.T) {
		s := db.NewSession(d.AppPool, db.Settings{})
		defer s.Rollback(ctx)
		var n int
		require.NoError(t, s.QueryRow(ctx, `SELECT count(*) FROM audit_records`).Scan(&n))
		require.Zero(t, n)
	})
	t.Run("the owner sees everything, which is why the application never connects as it", func(t *testing.T) {
		var n int
		require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(DISTINCT org_id) FROM audit_records`).Scan(&n))
		require.Equal(t, 2, n)
	})
}
