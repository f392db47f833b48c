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
	people = append(people, sc.Story.Person)
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
	registered[sc.Story.Person.Login]++
	require.Equal(t, map[string]int{"soc.karlstad": KarlstadPeople, "soc.eksjo": EksjoPeople}, registered)
	require.Len(t, sc.IndividualIDs(), People)
	require.Len(t, sc.CaseIDs(), Cases)
	owned := map[string]int{sc.Case.Login: 1}
	owned[sc.Story.Case.Login]++
	ids := map[uuid.UUID]bool{sc.Case.ID: true, sc.Story.Person.ID: true, sc.Story.Case.ID: true}
	require.Equal(t, sc.Story.Person.ID, sc.Story.Case.IndividualID)
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

// Every id the story fixes is its own: no two steps write the same row,
// and none is a journey's.
func TestStory_IdsAreDistinct(t *testing.T) {
	t.Parallel()
	story := TheStory(time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC))
	seen := map[uuid.UUID]string{story.Person.ID: "the person", story.Case.ID: "the case"}
	fixed := func(step StoryStep, list ...uuid.UUID) {
		for _, id := range list {
			require.NotEqual(t, uuid.Nil, id, step.String())
			require.Empty(t, seen[id], "%s: %s is %s's too", step, id, seen[id])
			seen[id] = step.String()
		}
	}
	for _, step := range story.Steps {
		switch a := step.Act.(type) {
		case Samtycke:
			fixed(step, a.ID)
		case Step:
			if a.Answers == nil {
				fixed(step, a.ID)
			}
		case SendTask:
			fixed(step, a.ID, a.EventID)
		case TaskStep:
			fixed(step, a.ID)
		case CallMeeting:
			fixed(step, a.ID)
			for _, k := range a.Kallelser {
				fixed(step, k[0], k[1])
			}
			require.Len(t, a.Kallelser, len(a.Invited), "a kallelse for each party invited")
		case DrawPlan:
			fixed(step, a.ID)
		case RequestEvidence:
			fixed(step, a.TaskID, a.EventID)
		case Repayment:
			fixed(step, a.ID)
		}
	}
}
