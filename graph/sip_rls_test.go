package graph_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
)

// countAs counts the rows of table hub_app sees, with no WHERE clause at
// all, as the organisation (and unit) under the purpose.
func countAs(t *testing.T, b *testBundle, org, unit uuid.UUID, purpose, table string) int {
	t.Helper()
	ctx := context.Background()
	tx, err := b.db.AppPool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.unit_id', $2, true),
		set_config('hub.user_id', 'rls-test', true), set_config('hub.purpose', $3, true)`, org.String(), unit.String(), purpose)
	require.NoError(t, err)
	var n int
	require.NoError(t, tx.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n))
	return n
}

// Row-level security, the second line, shows each party exactly what the
// application shows it: a statement that forgot the rule reads no more.
func TestPlans_RowLevelSecurityShowsEachPartyItsShare(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	createSAMSIP(t, srv)
	fk, fkUnit := demo.ID("org/fk"), demo.ID("unit/fk/karlstad")
	region, gripen := demo.ID("org/region-varmland"), demo.ID("unit/region-varmland/vc-gripen")
	af, afUnit := demo.ID("org/af"), demo.ID("unit/af/karlstad")
	karlstad := demo.ID("org/karlstad")
	// Each count is Kim's plan (this test's) + Robin's (the demo story's
	// SAMSIP, with an insats of Karlstad, FK, AF and the vårdcentral, whose
	// samtycke for SIP names FK, the vårdcentral and AF: FK sees
	// KOMMUN_PLANERING and its own, the vårdcentral those and its own, AF
	// KOMMUN_PLANERING and its own).
	for _, tc := range []struct {
		who                   string
		org, unit             uuid.UUID
		purpose               string
		plans, insatser, vers int
	}{
		{"the case owner", karlstad, uuid.Nil, sipPurpose, 1 + 1, 3 + 4, 1 + 1},
		{"FK under SIP: its own insats and the shared KOMMUN_PLANERING", fk, fkUnit, sipPurpose, 1 + 1, 2 + 2, 1 + 1},
		{"FK under another purpose", fk, fkUnit, rehab, 0, 0, 0},
		{"the vårdcentral under SIP", region, gripen, sipPurpose, 1 + 1, 3 + 3, 1 + 1},
		{"AF, whom Kim's samtycke does not name", af, afUnit, sipPurpose, 0 + 1, 0 + 2, 0 + 1},
	} {
		require.Equal(t, tc.plans, countAs(t, b, tc.org, tc.unit, tc.purpose, "sip_plans"), "%s: plans", tc.who)
		require.Equal(t, tc.vers, countAs(t, b, tc.org, tc.unit, tc.purpose, "sip_plan_versions"), "%s: versions", tc.who)
		require.Equal(t, tc.insatser, countAs(t, b, tc.org, tc.unit, tc.purpose, "sip_plan_insatser"), "%s: insatser", tc.who)
	}
}

// The application's own rule holds without row-level security behind it
// (the API run as the tables' owner).
func TestPlans_TheApplicationFiltersInsatserWithoutRowLevelSecurity(t *testing.T) {
	t.Parallel()
	srv, _ := setupWith(t, true)
	createSAMSIP(t, srv)
	fk, ok := plansAs(t, srv, "ph.fk")
	require.True(t, ok)
	require.Equal(t, []string{"KOMMUN_PLANERING", "FK_SAMORDNING"}, insatsClasses(fk[0].Current))
	_, ok = plansAs(t, srv, "af.karlstad")
	require.False(t, ok)
}
