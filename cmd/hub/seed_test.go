package main

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// `hub seed demo` writes the demo's personal data as the demo users
// through the use cases, so every step is in the acting organisation's
// trail like the API's mutation of the same name (operation type cli, the
// operator as the client) with its loggutdrag rows; the reference data
// leaves one record per organisation; Höglandet's own routine is saved by
// its förbund administrator. Seeding again writes no case, samtycke, item,
// routine or step of a case's history twice, and the chains verify.
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
		  AND r.decision = 'ALLOWED' AND r.purpose IS NOT NULL AND r.client_id = 'cli:eva.operator'
		ORDER BY r.at, r.lane, r.seq`)
	require.NoError(t, err)
	steps, err := pgx.CollectRows(rows, pgx.RowToStructByPos[step])
	require.NoError(t, err)
	karlstad, fk, region, eksjo, af := "212000-1835", "202100-5521", "232100-0156", "212000-0548", "202100-2114"
	want := []step{
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
	}
	// Then each demo person's case, moved through its förbund's routine
	// step by step by the municipality's case worker.
	orgOf := map[string]string{"soc.karlstad": karlstad, "soc.eksjo": eksjo, "ph.fk": fk, "rehab.vc": region, "af.karlstad": af}
	journeys := demo.TheScenario().Journeys
	for _, j := range journeys {
		org := orgOf[j.Case.Login]
		want = append(want, step{org, j.Case.Login, "seedDemo: registerIndividual"}, step{org, j.Case.Login, "seedDemo: openCase"})
		for _, st := range j.Steps {
			op := "seedDemo: transitionCase"
			if st.Answers != nil {
				op = "seedDemo: screenCase"
			}
			want = append(want, step{org, j.Case.Login, op})
		}
	}
	// Then the story of issue 14, each step by the party who takes it,
	// under the purpose it declares (the meeting and the plan under SIP).
	story := demo.TheScenario().Story
	want = append(want, step{karlstad, story.Case.Login, "seedDemo: registerIndividual"}, step{karlstad, story.Case.Login, "seedDemo: openCase"})
	storyMoves, storyParticipants, storySamtycken := 0, 0, 0
	for _, st := range story.Steps {
		want = append(want, step{orgOf[st.Login], st.Login, "seedDemo: " + st.Act.Mutation()})
		switch st.Act.(type) {
		case demo.Step:
			if st.Act.Mutation() == "transitionCase" {
				storyMoves++
			}
		case demo.Participant:
			storyParticipants++
		case demo.Samtycke:
			storySamtycken++
		}
	}
	require.Equal(t, want, steps)

	// Höglandet's routine is saved by its förbund administrator: the
	// operator from the command line, in that role, declaring no purpose
	// (a routine is no one's personal data).
	var savedBy struct {
		Org, User string
		Roles     []string
		Purpose   *string
		Objects   []string
	}
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT o.org_number, r.user_id, r.roles, r.purpose, r.object_ids FROM audit_records r
		JOIN organizations o ON o.id = r.org_id WHERE r.operation_type = 'cli' AND r.operation_name = 'seedDemo: saveRoutine'
		  AND r.decision = 'ALLOWED'`).Scan(&savedBy.Org, &savedBy.User, &savedBy.Roles, &savedBy.Purpose, &savedBy.Objects))
	require.Equal(t, "222000-1719", savedBy.Org, "Höglandets samordningsförbund")
	require.Equal(t, "cli:eva.operator", savedBy.User)
	require.Equal(t, []string{"FORBUNDSADMINISTRATOR"}, savedBy.Roles)
	require.Nil(t, savedBy.Purpose)
	require.Contains(t, savedBy.Objects, relay.ID(relay.TypeRoutine, demo.HoglandetRoutine))

	var orgs, referenceRecords, writes int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM organizations),
		(SELECT count(*) FROM audit_records WHERE operation_type = 'cli' AND user_id = 'cli:eva.operator'
		   AND operation_name LIKE 'seedDemo: reference data%' AND cardinality(object_ids) > 0),
		(SELECT count(*) FROM personal_data_access WHERE individual_id = $1 AND action = 'WRITE' AND operation LIKE 'seedDemo: %')`,
		demo.DemoIndividual).Scan(&orgs, &referenceRecords, &writes))
	require.Equal(t, orgs, referenceRecords, "one record of the reference data per organisation")
	require.Positive(t, writes, "the person's loggutdrag shows who wrote about them")

	require.NoError(t, run(ctx, seedDemo))
	var people, cases, participants, samtycken, items, routines, history, screenings, steps2 int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM individuals), (SELECT count(*) FROM cases),
		(SELECT count(*) FROM case_participants), (SELECT count(*) FROM consents), (SELECT count(*) FROM case_items),
		(SELECT count(*) FROM routines WHERE federation_id IS NOT NULL), (SELECT count(*) FROM case_transitions),
		(SELECT count(*) FROM case_screenings),
		(SELECT count(*) FROM audit_records WHERE operation_name LIKE 'seedDemo: %' AND operation_name NOT LIKE 'seedDemo: reference data%')`).
		Scan(&people, &cases, &participants, &samtycken, &items, &routines, &history, &screenings, &steps2))
	moves, screened := 0, 0
	for _, j := range journeys {
		for _, st := range j.Steps {
			if st.Answers != nil {
				screened++
			}
			if st.ID != uuid.Nil {
				moves++
			}
		}
	}
	require.Equal(t, []int{2 + len(journeys) + 1, 1 + len(journeys) + 1, 2 + storyParticipants, 1 + storySamtycken, 4, 1,
		1 + len(journeys) + moves + 1 + storyMoves, screened + 1, len(steps) + 1},
		[]int{people, cases, participants, samtycken, items, routines, history, screenings, steps2},
		"seeding again writes nothing twice and audits no step again")
	require.NoError(t, run(ctx, []string{"audit", "--database-url", d.URL, "verify"}))
}
