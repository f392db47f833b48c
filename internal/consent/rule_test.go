package consent_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app/seed"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

// What the predicates render: calls of the rule's functions (migration
// 021), never a restatement of the rule.
func TestRule_RendersCallsOfTheRulesFunctions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, got, want string }{
		{"Visible, own and consented", consent.Visible(consent.Scope{Own: true, Consented: true}, "c.org_id", "c.individual_id"),
			`(c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id)))`},
		{"Visible, consented only", consent.Visible(consent.Scope{Consented: true}, "c.org_id", "c.individual_id"),
			`(false OR EXISTS (SELECT 1 FROM hub_shares_person(c.individual_id)))`},
		{"Visible, own only", consent.Visible(consent.Scope{Own: true}, "i.org_id", "i.id"),
			`(i.org_id = hub_current_org() OR false)`},
		{"Visible, nothing", consent.Visible(consent.Scope{}, "i.org_id", "i.id"),
			`(false OR false)`},
		{"ClassVisible", consent.ClassVisible(consent.Scope{Own: true, Consented: true}, "it.org_id", "it.individual_id", "it.class"),
			`(it.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(it.individual_id, it.class::information_class)))`},
		{"ClassShared", consent.ClassShared("c.org_id", "c.individual_id", consent.KommunPlanering),
			`(c.org_id = hub_current_org() OR EXISTS (SELECT 1 FROM hub_shares_class(c.individual_id, 'KOMMUN_PLANERING'::information_class)))`},
		{"AllowingConsent, the person", consent.AllowingConsent("c.org_id", "c.individual_id", ""),
			`CASE WHEN c.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_person(c.individual_id) s ORDER BY s.consent_id LIMIT 1) END`},
		{"AllowingConsent, a class", consent.AllowingConsent("it.org_id", "it.individual_id", "it.class"),
			`CASE WHEN it.org_id = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM hub_shares_class(it.individual_id, it.class::information_class) s ORDER BY s.consent_id LIMIT 1) END`},
	} {
		require.Equal(t, tc.want, tc.got, tc.name)
	}
}

// The rule probes each row: every use of it, in the application's queries
// and in the row-security policies, is a subplan run per row with the
// function inlined, never a join against the grants and never a hash of
// every grant in force for the organisation. At national scale either of
// those read FK's 176,000 grants before the first row of a page
// (docs/samtycke-benchmarks.md); here the tables are small, so the planner
// would choose them readily if it could.
func TestRule_ProbesEachRowWithTheFunctionsInlined(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, seed.Demo(ctx, d.Pool, demo.DevKeys(), "test"))
	both := consent.Scope{Own: true, Consented: true}
	shared := consent.Scope{Consented: true}

	for _, q := range []string{
		`SELECT c.id FROM cases c WHERE ` + consent.Visible(both, "c.org_id", "c.individual_id"),
		`SELECT c.id FROM cases c WHERE ` + consent.Visible(shared, "c.org_id", "c.individual_id"),
		`SELECT i.id FROM individuals i WHERE ` + consent.Visible(shared, "i.org_id", "i.id"),
		`SELECT it.id FROM case_items it WHERE ` + consent.ClassVisible(both, "it.org_id", "it.individual_id", "it.class"),
		`SELECT ` + consent.ClassShared("c.org_id", "c.individual_id", consent.KommunPlanering) + ` FROM cases c`,
		`SELECT ` + consent.AllowingConsent("c.org_id", "c.individual_id", "") + ` FROM cases c`,
		`SELECT ` + consent.AllowingConsent("it.org_id", "it.individual_id", "it.class") + ` FROM case_items it`,
		// Row-level security alone.
		`SELECT id FROM individuals`,
		`SELECT id FROM cases`,
		`SELECT case_id FROM case_participants`,
		`SELECT id FROM case_items`,
	} {
		plan := explain(t, d, q)
		if !strings.Contains(plan, "SubPlan") {
			t.Errorf("%s\nprobes no row (no subplan):\n%s", q, plan)
		}
		for _, bad := range []string{"hashed SubPlan", "Semi Join", "Hash Join", "Merge Join", "Nested Loop", "Function Scan"} {
			if strings.Contains(plan, bad) {
				t.Errorf("%s\nhas a %s:\n%s", q, bad, plan)
			}
		}
	}
}

// explain returns the plan of q as the application role acting for FK
// (a grantee of the demo samtycke), one line per node.
func explain(t *testing.T, d *pgtest.DB, q string) string {
	t.Helper()
	ctx := context.Background()
	var plan []string
	require.NoError(t, pgx.BeginFunc(ctx, d.AppPool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.unit_id', $2, true), set_config('hub.purpose', 'SAMORDNAD_REHABILITERING', true)`,
			demo.ID("org/fk").String(), demo.ID("unit/fk/karlstad").String()); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "EXPLAIN (COSTS OFF) "+q)
		if err != nil {
			return err
		}
		plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	}))
	return strings.Join(plan, "\n")
}

// Who takes part in a case is the municipality's planning: a grantee sees
// the participants where a samtycke in force shares KOMMUN_PLANERING with
// it, through row-level security alone and through the application's
// predicate alike; a secrecy waiver without that class shows the case but
// not its parties, and a PDL samtycke (health care items between care
// providers) shows neither.
func TestRule_ParticipantsFollowKommunPlanering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, seed.Demo(ctx, d.Pool, demo.DevKeys(), "test"))
	grant := func(kind, grantee, unit, classes string) {
		t.Helper()
		var unitID any
		if unit != "" {
			unitID = demo.ID("unit/" + grantee + "/" + unit)
		}
		_, err := d.Pool.Exec(ctx, `WITH c AS (
			INSERT INTO consents (id, org_id, individual_id, kind, purposes, given_by, valid_from, valid_until, evidence, form_reference,
				requested_by_org_id, registered_at, registered_by, registered_by_name)
			VALUES (gen_random_uuid(), $1, $2, $3, '{SAMORDNAD_REHABILITERING}', 'PERSON', hub_today() - 1, hub_today() + 10, 'WRITTEN', 'F',
				$1, now(), 'test', 'test')
			RETURNING *)
			INSERT INTO consent_grants (consent_id, org_id, individual_id, grantee_org_id, grantee_unit_id, classes, kind, purposes, valid_from, valid_until)
			SELECT c.id, c.org_id, c.individual_id, $4, $5, $6::information_class[], c.kind, c.purposes, c.valid_from, c.valid_until FROM c`,
			demo.ID("org/karlstad"), demo.DemoIndividual, kind, demo.ID("org/"+grantee), unitID, classes)
		require.NoError(t, err)
	}
	grant("OSL_SEKRETESSBRYTANDE", "af", "", "{KOMMUN_EKONOMISKT_BISTAND}")
	grant("PDL_SAMMANHALLEN_JOURNALFORING", "region-varmland", "vc-herrhagen", "{VARD_REHABILITERING}")

	participants := consent.ClassVisible(consent.Scope{Own: true, Consented: true}, "p.org_id", "p.individual_id", "'"+string(consent.KommunPlanering)+"'")
	count := func(pool interface {
		Begin(context.Context) (pgx.Tx, error)
	}, org, unit, purpose, sql string) int {
		t.Helper()
		var n int
		require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.unit_id', $2, true), set_config('hub.purpose', $3, true)`,
				demo.ID("org/"+org).String(), demo.ID("unit/"+org+"/"+unit).String(), purpose); err != nil {
				return err
			}
			return tx.QueryRow(ctx, sql).Scan(&n)
		}))
		return n
	}
	// Each count is Kim's case (the demo's, with the grants above) + Robin's
	// (the demo's story: its samtycken share KOMMUN_PLANERING with FK and
	// AF, for SAMORDNAD_REHABILITERING and SIP, and its case has three
	// parties).
	for _, tc := range []struct {
		who, org, unit, purpose string
		cases, participants     int
	}{
		{"FK: a secrecy waiver with KOMMUN_PLANERING", "fk", "karlstad", "SAMORDNAD_REHABILITERING", 1 + 1, 2 + 3},
		{"FK under another purpose", "fk", "karlstad", "SIP", 0 + 1, 0 + 3},
		{"AF: a secrecy waiver without KOMMUN_PLANERING", "af", "karlstad", "SAMORDNAD_REHABILITERING", 1 + 1, 0 + 3},
		{"a vårdcentral with a PDL samtycke only", "region-varmland", "vc-herrhagen", "SAMORDNAD_REHABILITERING", 0, 0},
		{"the owning municipality: the demo case and its others", "karlstad", "eb", "", demo.KarlstadCases, 2 + 3},
	} {
		require.Equal(t, tc.cases, count(d.AppPool, tc.org, tc.unit, tc.purpose, `SELECT count(*) FROM cases`), "%s: cases, row-level security", tc.who)
		require.Equal(t, tc.participants, count(d.AppPool, tc.org, tc.unit, tc.purpose, `SELECT count(*) FROM case_participants`),
			"%s: participants, row-level security", tc.who)
		require.Equal(t, tc.participants, count(d.Pool, tc.org, tc.unit, tc.purpose, `SELECT count(*) FROM case_participants p WHERE `+participants),
			"%s: participants, the application's predicate (as the owner, without row-level security)", tc.who)
	}
}
