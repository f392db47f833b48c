package seed_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app/seed"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
	"github.com/samverkanshub/hub/internal/routine"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The demo has cases in several states for both förbund: Samspelet's on
// the default routine, Höglandet's on its own FMS (the shipped fms's
// definition, saved as Höglandet's version 1). Every case's history starts
// with its opening in its routine's initial state, takes only steps its
// routine has, and ends in the case's state; the scenario's case is still
// where it opened. Seeding again adds no step to any history.
func TestDemo_CasesInSeveralStatesForBothFörbund(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, seed.Demo(ctx, d.Pool, demo.DevKeys(), "test"))

	samspelet, hoglandet := demo.ID("federation/samspelet"), demo.ID("federation/hoglandet")
	type demoCase struct {
		ID, OrgID, FederationID, RoutineID uuid.UUID
		State                              string
	}
	rows, err := d.Pool.Query(ctx, `SELECT id, org_id, federation_id, routine_id, state FROM cases ORDER BY id`)
	require.NoError(t, err)
	all, err := pgx.CollectRows(rows, pgx.RowToStructByPos[demoCase])
	require.NoError(t, err)
	var routineIDs []uuid.UUID
	for _, c := range all {
		routineIDs = append(routineIDs, c.RoutineID)
	}
	routines, err := routine.ByID(ctx, d.Pool, routineIDs)
	require.NoError(t, err)

	states := map[uuid.UUID]map[string]bool{samspelet: {}, hoglandet: {}}
	owned := map[uuid.UUID]int{}
	for _, c := range all {
		states[c.FederationID][c.State] = true
		owned[c.OrgID]++
		r := routines[c.RoutineID]
		switch c.FederationID {
		case samspelet:
			require.Nil(t, r.FederationID, "Samspelet runs the default routine")
			require.Equal(t, routine.KeySamverkan, r.Key)
		case hoglandet:
			require.Equal(t, demo.HoglandetRoutine, c.RoutineID, "Höglandet's cases follow its own routine")
			require.Equal(t, &hoglandet, r.FederationID)
			require.Equal(t, routine.KeyFMS, r.Key)
			require.Equal(t, 1, r.Version)
		}
	}
	require.GreaterOrEqual(t, len(states[samspelet]), 3, "Samspelet's cases are in %v", states[samspelet])
	require.GreaterOrEqual(t, len(states[hoglandet]), 2, "Höglandet's cases are in %v", states[hoglandet])
	require.Equal(t, demo.KarlstadCases, owned[demo.ID("org/karlstad")])
	require.Equal(t, demo.EksjoCases, owned[demo.ID("org/eksjo")])
	require.Len(t, all, demo.KarlstadCases+demo.EksjoCases, "no other organisation owns a demo case")

	// Höglandet's FMS is the shipped one, read from the database.
	var sameAsShipped bool
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT (SELECT definition FROM routines WHERE id = $1)
		= (SELECT definition FROM routines WHERE federation_id IS NULL AND key = 'fms' ORDER BY version DESC LIMIT 1)`,
		demo.HoglandetRoutine).Scan(&sameAsShipped))
	require.True(t, sameAsShipped)

	// Every history: the opening, steps of the routine, the case's state.
	history := func() map[uuid.UUID][][2]*string {
		rows, err := d.Pool.Query(ctx, `SELECT case_id, from_state, to_state FROM case_transitions ORDER BY case_id, at, id`)
		require.NoError(t, err)
		out := map[uuid.UUID][][2]*string{}
		for rows.Next() {
			var id uuid.UUID
			var from *string
			var to string
			require.NoError(t, rows.Scan(&id, &from, &to))
			out[id] = append(out[id], [2]*string{from, &to})
		}
		require.NoError(t, rows.Err())
		return out
	}
	before := history()
	for _, c := range all {
		def := routines[c.RoutineID].Definition
		h := before[c.ID]
		require.NotEmpty(t, h, "case %s has a history", c.ID)
		require.Nil(t, h[0][0], "case %s: its history starts with its opening", c.ID)
		require.Equal(t, def.Initial, *h[0][1], "case %s opened in its routine's initial state", c.ID)
		for i := 1; i < len(h); i++ {
			require.Equal(t, *h[i-1][1], *h[i][0], "case %s: step %d leaves the state the step before reached", c.ID, i)
			_, ok := def.Step(*h[i][0], *h[i][1])
			require.True(t, ok, "case %s: %s to %s is a step of its routine", c.ID, *h[i][0], *h[i][1])
		}
		require.Equal(t, c.State, *h[len(h)-1][1], "case %s: its history ends in its state", c.ID)
	}

	// Each journey ends where its last step leads; the scenario's case
	// is still where it opened.
	journeys := demo.TheScenario().Journeys
	for _, j := range journeys {
		i := 0
		for i < len(all) && all[i].ID != j.Case.ID {
			i++
		}
		require.Less(t, i, len(all), "%s %s has a case", j.Person.Given, j.Person.Family)
		last := j.Steps[len(j.Steps)-1]
		if last.To != "" {
			require.Equal(t, last.To, all[i].State, "%s %s", j.Person.Given, j.Person.Family)
		}
	}
	require.Len(t, before[demo.DemoCase], 1)
	require.Equal(t, routine.Identifierad, *before[demo.DemoCase][0][1])

	// The journeys' people have no samtycke: they stay the municipality's.
	var people []uuid.UUID
	for _, j := range journeys {
		people = append(people, j.Person.ID)
	}
	var samtycken int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM consents WHERE individual_id = ANY($1)`, people).Scan(&samtycken))
	require.Zero(t, samtycken)

	require.NoError(t, seed.Demo(ctx, d.Pool, demo.DevKeys(), "test"))
	require.Equal(t, before, history(), "seeding again adds no step")
	own, err := routine.OfFederation(ctx, d.Pool, hoglandet)
	require.NoError(t, err)
	require.Len(t, own, 1, "seeding again saves no second version")
}

// The story of issue 14 is told whole: Robin's case went every step from
// IDENTIFIERAD to AVSLUTAD with sjukersättning, the signal, the kallelser
// and the requests for the evidence were all worked to KLAR by their
// recipients, the SAMSIP meeting had everyone there, the plan has
// insatser of four parties and Robin's agreement, the checklist is
// complete and FK's repayment recorded. Each step left its audit record,
// as the API's mutation of the same name would. Seeding again tells
// nothing twice.
func TestDemo_TellsTheStoryOfOnePersonInKarlstad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, seed.Demo(ctx, d.Pool, demo.DevKeys(), "test"))
	story := demo.TheScenario().Story

	var state string
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT state FROM cases WHERE id = $1`, demo.StoryCase).Scan(&state))
	require.Equal(t, routine.Avslutad, state)
	var path []string
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT array_agg(to_state ORDER BY at, id) FROM case_transitions WHERE case_id = $1`,
		demo.StoryCase).Scan(&path))
	require.Equal(t, []string{"IDENTIFIERAD", "SCREENAD", "KARTLAGGNING", "SAMTYCKE", "UNDERLAG", "GEMENSAM_PLANERING", "VAG_VALD", "VANTAR", "AVSLUTAD"}, path)
	var closure, outcome, benefit string
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT closure_reason, outcome, benefit_kind FROM case_transitions
		WHERE case_id = $1 AND to_state = 'AVSLUTAD'`, demo.StoryCase).Scan(&closure, &outcome, &benefit))
	require.Equal(t, []string{"ERSATTNING_BEVILJAD", "RATT_ERSATTNING", "SJUKERSATTNING"}, []string{closure, outcome, benefit})

	var samtycken int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM consents WHERE individual_id = $1`, demo.StoryIndividual).Scan(&samtycken))
	require.Equal(t, 3, samtycken)
	rows, err := d.Pool.Query(ctx, `SELECT kind::text, state::text FROM tasks WHERE case_id = $1`, demo.StoryCase)
	require.NoError(t, err)
	kinds := map[string]int{}
	for rows.Next() {
		var kind, st string
		require.NoError(t, rows.Scan(&kind, &st))
		kinds[kind]++
		require.Equal(t, "KLAR", st, "every task of the story was worked to KLAR (%s)", kind)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, map[string]int{"SIGNAL_SJUKSKRIVNING": 1, "KALLELSE_SIP": 3, "FRAGA_MEDICINSKT_UNDERLAG": 1, "BEGARAN_GEMENSAM_KARTLAGGNING": 1}, kinds)

	var attendance []string
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT array_agg(attendance::text) FROM meeting_parties WHERE meeting_id = $1`,
		demo.StoryMeeting).Scan(&attendance))
	require.Equal(t, []string{"NARVARANDE", "NARVARANDE", "NARVARANDE", "NARVARANDE"}, attendance, "Karlstad, who called it, FK, AF and the region")
	var person string
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT person_attendance::text FROM meetings WHERE id = $1`, demo.StoryMeeting).Scan(&person))
	require.Equal(t, "NARVARANDE", person)

	var huvudmän, agreements int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(DISTINCT huvudman_org_id) FROM sip_plan_insatser WHERE plan_id = $1`, demo.StoryPlan).Scan(&huvudmän))
	require.Equal(t, 4, huvudmän, "Karlstad, FK, AF and the region")
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM sip_plan_agreements WHERE plan_id = $1`, demo.StoryPlan).Scan(&agreements))
	require.Equal(t, 1, agreements)
	var received int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM case_evidence WHERE case_id = $1 AND status = 'RECEIVED'`, demo.StoryCase).Scan(&received))
	require.Equal(t, 4, received)
	var kronor int64
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT amount_kronor FROM case_repayments WHERE id = $1`, demo.StoryRepayment).Scan(&kronor))
	require.EqualValues(t, demo.StoryRepaymentKronor, kronor)

	// One audit record per step, named after the API's mutation, in the
	// name of the demo user who took it.
	var records int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_records WHERE operation_name LIKE $1 || '%'
		AND user_id = ANY($2)`, seed.OperationPrefix, []string{"soc.karlstad", "rehab.vc", "ph.fk", "af.karlstad"}).Scan(&records))
	require.GreaterOrEqual(t, records, len(story.Steps)+2, "the story's steps, the registration and the opening left their records")

	written := func() map[string]int {
		out := map[string]int{}
		for _, table := range []string{"consents", "case_participants", "case_transitions", "case_screenings", "tasks", "task_events",
			"meetings", "sip_plans", "sip_plan_versions", "sip_plan_agreements", "case_evidence", "case_repayments"} {
			var n int
			require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n))
			out[table] = n
		}
		return out
	}
	before := written()
	require.NoError(t, seed.Demo(ctx, d.Pool, demo.DevKeys(), "test"))
	require.Equal(t, before, written(), "seeding again tells nothing twice")
}
