package graph_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// countAs counts the rows of table hub_app sees, with no WHERE clause at
// all, as the organisation (and unit) under the purpose.
func countAs(t *testing.T, b *testBundle, org, unit uuid.UUID, purpose, table string) (n int) {
	t.Helper()
	inSession(t, b, session{org: org, unit: &unit, user: "rls-test"}, purpose, func(ctx context.Context, tx pgx.Tx) {
		require.NoError(t, tx.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n))
	})
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

// inSIPSession is inSession as the organisation (and unit, if not
// uuid.Nil) and user under the purpose SIP.
func inSIPSession(t *testing.T, b *testBundle, org, unit uuid.UUID, user string, fn func(ctx context.Context, tx pgx.Tx)) {
	t.Helper()
	inSession(t, b, session{org: org, unit: &unit, user: user}, sipPurpose, fn)
}

// savepoint runs sql in a savepoint of tx, so that a refused statement
// leaves the transaction usable, and returns its error.
func savepoint(ctx context.Context, tx pgx.Tx, sql string, args ...any) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	defer sp.Rollback(ctx)
	if _, err := sp.Exec(ctx, sql, args...); err != nil {
		return err
	}
	return sp.Commit(ctx)
}

// hub_sip_samtycke says whether a samtycke for SIP names a party. It
// answers the case owner about anyone, but a party that does not own the
// case only about its own organisation and the parties the plan's current
// version shows it (its overall responsibility, the huvudmän of the
// insatser it sees): anything else is refused, so that FK cannot learn
// through it that the samtycke names the vårdcentral Gripen, which row
// security hides from FK.
func TestPlans_SIPSamtyckeAnswersANonOwnerOnlyAboutItselfAndThePartiesItsPlanShowsIt(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	planGID := createSAMSIP(t, srv)
	_, plan, err := relay.ParseID(planGID)
	require.NoError(t, err)
	fk, fkUnit := demo.ID("org/fk"), demo.ID("unit/fk/karlstad")
	region, gripen := demo.ID("org/region-varmland"), demo.ID("unit/region-varmland/vc-gripen")
	karlstad, af := demo.ID("org/karlstad"), demo.ID("org/af")

	ask := func(org, unit uuid.UUID, user string, party, partyUnit uuid.UUID, plan *uuid.UUID) (named *uuid.UUID, err error) {
		inSIPSession(t, b, org, unit, user, func(ctx context.Context, tx pgx.Tx) {
			var u *uuid.UUID
			if partyUnit != uuid.Nil {
				u = &partyUnit
			}
			err = tx.QueryRow(ctx, `SELECT hub_sip_samtycke($1, $2, $3, $4)`, demo.DemoIndividual, party, u, plan).Scan(&named)
		})
		return named, err
	}
	inSIPSession(t, b, fk, fkUnit, "ph.fk", func(ctx context.Context, tx pgx.Tx) {
		var visibleGrants int
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM consent_grants WHERE grantee_org_id = $1`, region).Scan(&visibleGrants))
		require.Zero(t, visibleGrants, "row security hides the region's grants from FK")
		require.Error(t, savepoint(ctx, tx, `SELECT hub_sip_samtycke($1, $2, $3)`, demo.DemoIndividual, region, gripen),
			"the function of migration 034, which answered anyone who sees the person, is gone")
	})

	_, err = ask(fk, fkUnit, "ph.fk", region, gripen, nil)
	requireRefused(t, "FK asks about the vårdcentral with no plan", err)
	_, err = ask(fk, fkUnit, "ph.fk", region, gripen, &plan)
	requireRefused(t, "FK asks about the vårdcentral, whose insats in the plan it does not see", err)
	_, err = ask(fk, fkUnit, "ph.fk", af, uuid.Nil, &plan)
	requireRefused(t, "FK asks about AF, whom the plan does not name", err)

	named, err := ask(fk, fkUnit, "ph.fk", fk, fkUnit, nil)
	require.NoError(t, err)
	require.NotNil(t, named, "FK asks about itself")
	named, err = ask(region, gripen, "rehab.vc", fk, fkUnit, &plan)
	require.NoError(t, err)
	require.NotNil(t, named, "the vårdcentral asks about FK, whose insats it sees in the plan")
	named, err = ask(karlstad, uuid.Nil, "soc.karlstad", af, uuid.Nil, nil)
	require.NoError(t, err)
	require.Nil(t, named, "the case owner asks about anyone: no samtycke names AF")

	// Once the owner makes the vårdcentral hold the overall
	// responsibility, FK sees it named in the plan and may ask.
	content := samsipContent()
	content["overallResponsibilityOrganizationId"] = orgID("region-varmland")
	content["overallResponsibilityUnitId"] = unitID("region-varmland/vc-gripen")
	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, revisePlanMutation, reviseVars(planGID, 1, content)), &struct{}{})
	named, err = ask(fk, fkUnit, "ph.fk", region, gripen, &plan)
	require.NoError(t, err)
	require.NotNil(t, named, "FK asks about the overall responsibility it reads in the plan")
}

// Row-level security, the second line, keeps every version as it was
// written, whatever a party named by the samtycke sends as hub_app: no
// insats is added to an earlier version (one the person agreed to), no
// version skips a number, the plan points only at its next version, which
// must exist when the transaction commits, and the insatser a reviser
// cannot see are carried into its version once, by a function that tells
// it nothing about them.
func TestPlans_RowLevelSecurityKeepsEveryVersionAsWritten(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	planGID := createSAMSIP(t, srv)
	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, agreementMutation,
		map[string]any{"in": map[string]any{"planId": planGID, "version": 1, "how": "WRITTEN"}}), &struct{}{})
	_, plan, err := relay.ParseID(planGID)
	require.NoError(t, err)
	karlstad, fk, fkUnit := demo.ID("org/karlstad"), demo.ID("org/fk"), demo.ID("unit/fk/karlstad")

	insats := func(version, position int) string {
		return fmt.Sprintf(`INSERT INTO sip_plan_insatser (plan_id, version, position, org_id, individual_id, huvudman_org_id,
			huvudman_unit_id, class, what, first_activity, start_on, status)
			VALUES ($1, %d, %d, $2, $3, $4, NULL, 'FK_SAMORDNING', 'Tillagd i efterhand', 'Ingen', hub_today(), 'PLANERAD')`, version, position)
	}
	version := func(v int) string {
		return fmt.Sprintf(`INSERT INTO sip_plan_versions (plan_id, version, org_id, individual_id, goals, what_matters, overall_org_id,
			next_follow_up, participants, reason, author_org_id, author_user_id, authored_at)
			VALUES ($1, %d, $2, $3, '{mål}', 'x', $2, hub_today() + 30, '{FK}', 'x', $4, 'ph.fk', hub_now())`, v)
	}
	inSIPSession(t, b, fk, fkUnit, "ph.fk", func(ctx context.Context, tx pgx.Tx) {
		requireRefused(t, "FK adds an insats to version 1, which the person has agreed to",
			savepoint(ctx, tx, insats(1, 99), plan, karlstad, demo.DemoIndividual, fk))
		requireRefused(t, "FK points the plan at a version that does not exist",
			savepoint(ctx, tx, `UPDATE sip_plans SET current_version = 42 WHERE id = $1`, plan))
		requireRefused(t, "FK points the plan back at its own version",
			savepoint(ctx, tx, `UPDATE sip_plans SET current_version = 1 WHERE id = $1`, plan))
		requireRefused(t, "FK writes version 7 of a plan at version 1",
			savepoint(ctx, tx, version(7), plan, karlstad, demo.DemoIndividual, fk))
		requireRefused(t, "FK writes version 2 of a plan at version 1 without advancing it",
			savepoint(ctx, tx, version(2), plan, karlstad, demo.DemoIndividual, fk))

		// The application's way: advance, write the version and the
		// insatser FK sees, carry the rest, once.
		require.NoError(t, savepoint(ctx, tx, `UPDATE sip_plans SET current_version = 2 WHERE id = $1`, plan))
		require.NoError(t, savepoint(ctx, tx, version(2), plan, karlstad, demo.DemoIndividual, fk))
		require.NoError(t, savepoint(ctx, tx, insats(2, 1), plan, karlstad, demo.DemoIndividual, fk))
		var result string
		require.NoError(t, tx.QueryRow(ctx, `SELECT pg_get_function_result('hub_sip_carry_insatser(uuid, integer, integer, integer)'::regprocedure)`).Scan(&result))
		require.Equal(t, "void", result, "the carrying function counts nothing the caller cannot see")
		require.NoError(t, savepoint(ctx, tx, `SELECT hub_sip_carry_insatser($1, 1, 2, 2)`, plan))
		requireRefused(t, "FK carries the insatser it cannot see a second time",
			savepoint(ctx, tx, `SELECT hub_sip_carry_insatser($1, 1, 2, 10)`, plan))
		requireRefused(t, "FK carries them over its own",
			savepoint(ctx, tx, `SELECT hub_sip_carry_insatser($1, 1, 2, 1)`, plan))
		require.NoError(t, savepoint(ctx, tx, `SET CONSTRAINTS ALL IMMEDIATE`))
	})
	inSIPSession(t, b, fk, fkUnit, "ph.fk", func(ctx context.Context, tx pgx.Tx) {
		// Advancing without writing the version fails at commit.
		_, err := tx.Exec(ctx, `UPDATE sip_plans SET current_version = 2 WHERE id = $1`, plan)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `SET CONSTRAINTS ALL IMMEDIATE`)
		var pgErr *pgconn.PgError
		require.True(t, errors.As(err, &pgErr), "the plan at a version never written: %v", err)
		require.Equal(t, "23503", pgErr.Code, "%v", err)
	})
	inSIPSession(t, b, karlstad, uuid.Nil, "soc.karlstad", func(ctx context.Context, tx pgx.Tx) {
		requireRefused(t, "the case owner adds an insats to version 1, which the person has agreed to",
			savepoint(ctx, tx, insats(1, 99), plan, karlstad, demo.DemoIndividual, fk))
	})
}

// An insats whose huvudman names a unit is that unit's own: another unit
// of the same organisation (the vårdcentral, beside the psychiatry of the
// same region) sees it only when a samtycke shares its class with it. Row
// security and the application's own rule agree.
func TestPlans_AUnitSeesItsOwnInsatserNotThoseOfTheOrganisationsOtherUnits(t *testing.T) {
	t.Parallel()
	srv, b := setupWith(t, true)
	recordSamtyckeForSIP(t, srv, "OSL_SEKRETESSBRYTANDE", []map[string]any{
		{"organizationId": orgID("fk"), "classes": []string{"KOMMUN_PLANERING"}},
		{"organizationId": orgID("region-varmland"), "unitId": unitID("region-varmland/vc-gripen"), "classes": []string{"KOMMUN_PLANERING", "FK_SAMORDNING"}},
		{"organizationId": orgID("region-varmland"), "unitId": unitID("region-varmland/psyk-karlstad"), "classes": []string{"KOMMUN_PLANERING"}},
	})
	content := samsipContent()
	content["insatser"] = append(content["insatser"].([]map[string]any), map[string]any{
		"huvudmanOrganizationId": orgID("region-varmland"), "huvudmanUnitId": unitID("region-varmland/psyk-karlstad"),
		"what": "Samtal med psykiatrisjuksköterska", "firstActivity": "Bedömningssamtal", "startOn": "2026-03-01"})
	var out struct{ CreatePlan planView }
	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": content}}), &out)

	region := demo.ID("org/region-varmland")
	gripen, psyk := demo.ID("unit/region-varmland/vc-gripen"), demo.ID("unit/region-varmland/psyk-karlstad")
	// The vårdcentral also sees 3 of the insatser of the demo story's plan
	// (Robin's: Karlstad's and FK's shared with it, and its own); the
	// psychiatry, which Robin's samtycke does not name, none of them.
	require.Equal(t, 3+3, countAs(t, b, region, gripen, sipPurpose, "sip_plan_insatser"),
		"the vårdcentral: Karlstad's and FK's (shared) and its own, not the psychiatry's")
	require.Equal(t, 2, countAs(t, b, region, psyk, sipPurpose, "sip_plan_insatser"),
		"the psychiatry: Karlstad's (shared) and its own, not the vårdcentral's")

	vc, ok := plansAs(t, srv, "rehab.vc")
	require.True(t, ok)
	whats := []string{}
	for _, in := range vc[0].Current.Insatser {
		whats = append(whats, in.What)
	}
	require.Equal(t, []string{"Försörjningsstöd och stöd att strukturera vardagen", "Samordning av rehabilitering", "Fysioterapi och samtalsstöd"}, whats,
		"the application shows the vårdcentral no insats of the psychiatry")

	// The vårdcentral revises what it sees; the psychiatry's insats is
	// kept, and the vårdcentral cannot write one in the psychiatry's name.
	seen := content["insatser"].([]map[string]any)[:3]
	revised := samsipContent()
	revised["insatser"] = seen
	mustData(t, postFor(t, srv, "rehab.vc", sipPurpose, revisePlanMutation, reviseVars(out.CreatePlan.ID, 1, revised)), &struct{}{})
	owner, _ := plansAs(t, srv, "soc.karlstad")
	require.Len(t, owner[0].Current.Insatser, 4, "the psychiatry's insats is carried into the vårdcentral's version")
	revised["insatser"] = content["insatser"]
	requireError(t, postFor(t, srv, "rehab.vc", sipPurpose, revisePlanMutation, reviseVars(out.CreatePlan.ID, 2, revised)),
		"BAD_USER_INPUT", "insatser[3]: an insats of another party")
}
