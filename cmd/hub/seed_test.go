package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

// `hub seed demo` writes the demo's personal data as the demo users
// through the use cases, so every step is in the acting organisation's
// trail like the API's mutation of the same name (operation type cli, the
// operator as the client) with its loggutdrag rows; the reference data
// leaves one record per organisation. Seeding again writes no case,
// samtycke or item twice, and the chains verify.
func TestSeedDemo_IsAuditedLikeTheAPI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	seedDemo := []string{"seed", "--database-url", d.URL, "--as", "eva.operator", "demo"}
	require.NoError(t, run(ctx, seedDemo))

	type step struct{ Org, User, Operation string }
	rows, err := d.Pool.Query(ctx, `SELECT o.org_number, r.user_id, r.operation_name FROM audit_records r
		JOIN organizations o ON o.id = r.org_id
		WHERE r.operation_type = 'cli' AND r.operation_name NOT LIKE 'seedDemo: reference data%'
		  AND r.decision = 'ALLOWED' AND r.purpose = 'SAMORDNAD_REHABILITERING' AND r.client_id = 'cli:eva.operator'
		ORDER BY r.at, r.lane, r.seq`)
	require.NoError(t, err)
	steps, err := pgx.CollectRows(rows, pgx.RowToStructByPos[step])
	require.NoError(t, err)
	karlstad, fk, region := "212000-1835", "202100-5521", "232100-0156"
	require.Equal(t, []step{
		{karlstad, "soc.karlstad", "seedDemo: registerIndividual"},
		{karlstad, "soc.karlstad", "seedDemo: registerIndividual"},
		{karlstad, "soc.karlstad", "seedDemo: openCase"},
		{karlstad, "soc.karlstad", "seedDemo: addCaseParticipant"},
		{karlstad, "soc.karlstad", "seedDemo: addCaseParticipant"},
		{karlstad, "soc.karlstad", "seedDemo: recordConsent"},
		{karlstad, "soc.karlstad", "seedDemo: addCaseItem"},
		{karlstad, "soc.karlstad", "seedDemo: addCaseItem"},
		{region, "rehab.vc", "seedDemo: addCaseItem"},
		{fk, "ph.fk", "seedDemo: addCaseItem"},
	}, steps)

	var orgs, referenceRecords, writes int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM organizations),
		(SELECT count(*) FROM audit_records WHERE operation_type = 'cli' AND user_id = 'cli:eva.operator'
		   AND operation_name LIKE 'seedDemo: reference data%' AND cardinality(object_ids) > 0),
		(SELECT count(*) FROM personal_data_access WHERE individual_id = $1 AND action = 'WRITE' AND operation LIKE 'seedDemo: %')`,
		demo.DemoIndividual).Scan(&orgs, &referenceRecords, &writes))
	require.Equal(t, orgs, referenceRecords, "one record of the reference data per organisation")
	require.Positive(t, writes, "the person's loggutdrag shows who wrote about them")

	require.NoError(t, run(ctx, seedDemo))
	var people, cases, participants, samtycken, items, steps2 int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM individuals), (SELECT count(*) FROM cases),
		(SELECT count(*) FROM case_participants), (SELECT count(*) FROM consents), (SELECT count(*) FROM case_items),
		(SELECT count(*) FROM audit_records WHERE operation_name LIKE 'seedDemo: %' AND operation_name NOT LIKE 'seedDemo: reference data%')`).
		Scan(&people, &cases, &participants, &samtycken, &items, &steps2))
	require.Equal(t, []int{2, 1, 2, 1, 4, len(steps)}, []int{people, cases, participants, samtycken, items, steps2},
		"seeding again writes nothing twice and audits no step again")
	require.NoError(t, run(ctx, []string{"audit", "--database-url", d.URL, "verify"}))
}
