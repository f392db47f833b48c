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
