package demo

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/personnummer"
)

// The demo people's numbers are valid personnummer, each once, with the
// demo's serials 98x (the national generator uses 000–899).
func TestScenario_NumbersAreValidAndDistinct(t *testing.T) {
	t.Parallel()
	sc := TheScenario()
	people := sc.People
	for _, j := range sc.Journeys {
		people = append(people, j.Person)
	}
	seen := map[string]string{}
	for _, p := range people {
		n, err := personnummer.Parse(p.Number, time.Now())
		require.NoError(t, err, "%s %s", p.Given, p.Family)
		require.Equal(t, personnummer.Personnummer, n.Kind())
		require.Equal(t, "98", n.Digits()[8:10], "%s %s: a demo serial", p.Given, p.Family)
		require.Empty(t, seen[n.Digits()], "%s %s has %s's number", p.Given, p.Family, seen[n.Digits()])
		seen[n.Digits()] = p.Given
	}
	require.Equal(t, DemoPersonnummer, number("19850312", 980), "number makes the scenario's numbers too")
}

// The counts of people and cases per municipality are the scenario's, and
// every journey's ids are its own.
func TestScenario_CaseCountsAndIds(t *testing.T) {
	t.Parallel()
	sc := TheScenario()
	registered := map[string]int{}
	for _, p := range sc.People {
		registered[p.Login]++
	}
	for _, j := range sc.Journeys {
		registered[j.Person.Login]++
	}
	require.Equal(t, map[string]int{"soc.karlstad": KarlstadPeople, "soc.eksjo": EksjoPeople}, registered)
	require.Len(t, sc.IndividualIDs(), People)
	require.Len(t, sc.CaseIDs(), Cases)
	owned := map[string]int{sc.Case.Login: 1}
	ids := map[uuid.UUID]bool{sc.Case.ID: true}
	for _, j := range sc.Journeys {
		owned[j.Case.Login]++
		require.Equal(t, j.Person.ID, j.Case.IndividualID)
		require.Equal(t, j.Person.Login, j.Case.Login)
		for _, id := range []uuid.UUID{j.Person.ID, j.Case.ID} {
			require.False(t, ids[id], "%s is used twice", id)
			ids[id] = true
		}
		for _, st := range j.Steps {
			if st.ID != uuid.Nil {
				require.False(t, ids[st.ID], "%s is used twice", st.ID)
				ids[st.ID] = true
			}
		}
	}
	require.Equal(t, map[string]int{"soc.karlstad": KarlstadCases, "soc.eksjo": EksjoCases}, owned)
}
