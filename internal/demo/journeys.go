package demo

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/routine"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// The demo's förbund at work in their routines: Samspelet runs the
// default routine (samverkan), Höglandet has adopted Lysekil's FMS as its
// own routine, and each has cases in several states, written by the
// municipalities' case workers step by step through the use cases, so
// that every case's history is real. These people have no samtycke: their
// cases stay the municipality's own, and what the other organisations see
// of the demo is the scenario's case alone. (So no case here gets past a
// step guarded by CONSENT_IN_FORCE: samverkan's UNDERLAG and FMS's
// UNDERLAG need a samtycke naming the invited parties.)

// Adoption is a förbund saving its own routine, version 1, following a
// routine shipped with the hub (its definition, read from the database),
// by its administrator from the command line.
type Adoption struct {
	ID, FederationID, OrgID uuid.UUID // the version it saves; the förbund and its organisation
	OrgKind                 tenancy.OrganizationKind
	Template                string // the key of the shipped routine it follows
	Name                    string
}

// Journey is a demo person's case: the person registered and the case
// opened by Case.Login, then moved through its routine by the same user,
// step by step.
type Journey struct {
	Person Person
	Case   Case
	Steps  []Step
}

// Step is one step of a journey: a screening (Answers set) or a
// transition of the case in its routine.
type Step struct {
	// ID is the step's entry in the case's history (uuid.Nil for a
	// screening that finds the person in the target group, which moves
	// nothing).
	ID uuid.UUID
	// Answers screen the case against its routine's criteria; with To
	// set, the screening finds the person outside the target group and
	// closes the case into To.
	Answers map[string]bool
	// To, Reason, Parties, Routes, Closure and Wait are the
	// transition's; a Forum is a decision of that forum taken on the day
	// the demo is loaded.
	To      string
	Reason  string
	Parties []routine.Party
	Routes  []routine.Route
	Closure *routine.Closure
	Wait    *routine.Wait
	Forum   string
}

// What each demo municipality owns, for tests that count what
// soc.karlstad and soc.eksjo see (internal/demo's tests check them
// against TheScenario): Karlstad the scenario's two people and its case,
// its journeys, and the story's person and case (story.go); Eksjö its
// journeys. No other organisation owns demo people or cases.
const (
	KarlstadPeople = 7
	KarlstadCases  = 6
	EksjoPeople    = 3
	EksjoCases     = 3
	People         = KarlstadPeople + EksjoPeople
	Cases          = KarlstadCases + EksjoCases
)

// IndividualIDs are the ids of every person of the scenario.
func (sc Scenario) IndividualIDs() []uuid.UUID {
	var out []uuid.UUID
	for _, p := range sc.People {
		out = append(out, p.ID)
	}
	for _, j := range sc.Journeys {
		out = append(out, j.Person.ID)
	}
	return append(out, sc.Story.Person.ID)
}

// CaseIDs are the ids of every case of the scenario.
func (sc Scenario) CaseIDs() []uuid.UUID {
	out := []uuid.UUID{sc.Case.ID}
	for _, j := range sc.Journeys {
		out = append(out, j.Case.ID)
	}
	return append(out, sc.Story.Case.ID)
}

// HoglandetRoutine is Höglandet's own routine, version 1: Lysekil's FMS.
var HoglandetRoutine = ID("routine/hoglandet/1")

// number is a valid personnummer for a demo person born on born
// (YYYYMMDD) with the serial 98x: the national generator uses 000–899,
// the tests' numbers are born 1977-07-07. The third digit of the serial
// is even for women.
func number(born string, serial int) string {
	nine := fmt.Sprintf("%s%03d", born[2:], serial)
	return fmt.Sprintf("%s-%03d%d", born, serial, personnummer.CheckDigit(nine))
}

// eligible answers the default routine's screening for a person in its
// target group.
func eligible() map[string]bool {
	return map[string]bool{"SGI_SAKNAS": true, "FORSORJNINGSSTOD": true, "SJUKSKRIVEN_ELLER_OHALSA": true, "MISSBRUK": false}
}

// adoptions are the routines the demo's förbund save of their own.
func adoptions() []Adoption {
	return []Adoption{{ID: HoglandetRoutine, FederationID: ID("federation/hoglandet"), OrgID: ID("org/hoglandet"),
		OrgKind: tenancy.Samordningsforbund, Template: routine.KeyFMS, Name: "FMS Höglandet (efter Lysekils processkarta)"}}
}

// journeys are the demo people whose cases move through their förbund's
// routines, in the order they are written.
func journeys() []Journey {
	journey := func(muni, key, login, lead, given, family, num string, c Case, steps ...Step) Journey {
		name := "/" + muni + "/" + key
		c.ID, c.IndividualID, c.Login, c.LeadName = ID("case"+name), ID("individual"+name), login, lead
		for i := range steps {
			if steps[i].Answers == nil || steps[i].To != "" {
				steps[i].ID = ID(fmt.Sprintf("case-transition%s/%d", name, i+1))
			}
		}
		return Journey{Person: Person{ID: c.IndividualID, Login: login, Number: num, Given: given, Family: family}, Case: c, Steps: steps}
	}
	samspelet, hoglandet := ID("federation/samspelet"), ID("federation/hoglandet")
	karlstad := func(key, given, family, num string, c Case, steps ...Step) Journey {
		c.FederationID = samspelet
		return journey("karlstad", key, "soc.karlstad", "Sara Lindqvist", given, family, num, c, steps...)
	}
	eksjo := func(key, given, family, num string, c Case, steps ...Step) Journey {
		c.FederationID = hoglandet
		return journey("eksjo", key, "soc.eksjo", "Elin Strand", given, family, num, c, steps...)
	}
	noSGI := Case{SGI: "NO", AFStatus: "INTE_INSKRIVEN", OnForsorjningsstod: true, HealthObstacle: true, CareContact: true}
	return []Journey{
		// Samspelet, the default routine.
		karlstad("johanna", "Johanna", "Eriksson", number("19880614", 984), noSGI,
			Step{Answers: eligible()},
			Step{To: routine.Screenad},
			Step{To: routine.Kartlaggning, Reason: "Kartläggning av arbetsförmåga, vårdkontakter och tidigare insatser påbörjad."}),
		karlstad("mattias", "Mattias", "Lindberg", number("19791102", 983),
			Case{SGI: "NO", AFStatus: "INSKRIVEN", OnForsorjningsstod: true, HealthObstacle: true},
			Step{Answers: eligible()},
			Step{To: routine.Screenad, Reason: "Inom målgruppen; kartläggning planeras efter nyår."}),
		karlstad("fatima", "Fatima", "Hassan", number("19930227", 986), noSGI,
			Step{Answers: eligible()},
			Step{To: routine.Screenad},
			Step{To: routine.Kartlaggning, Reason: "Kartläggning tillsammans med Arbetsmarknadsenheten."},
			Step{To: routine.Avslutad, Reason: "Anställd som lagerarbetare på heltid efter praktik; egen försörjning.",
				Closure: &routine.Closure{Reason: routine.ClosureArbete, Outcome: routine.OutcomeEgenForsorjning}}),
		// Outside the target group: the screening closes the case.
		karlstad("niklas", "Niklas", "Johansson", number("19750919", 985),
			Case{SGI: "UNKNOWN", AFStatus: "UNKNOWN", OnForsorjningsstod: true, HealthObstacle: true},
			Step{Answers: map[string]bool{"SGI_SAKNAS": true, "FORSORJNINGSSTOD": true, "SJUKSKRIVEN_ELLER_OHALSA": true, "MISSBRUK": true},
				To: routine.Avslutad}),
		// Höglandet, its own FMS: inclusion and closure from the
		// assessment are the basgrupp's decisions.
		eksjo("maria", "Maria", "Karlsson", number("19820408", 988), noSGI,
			Step{To: routine.FMSBedomning, Reason: "Aktualiserad på MIX-mötet; föreslås till basgruppen."}),
		eksjo("ahmed", "Ahmed", "Ali", number("19901203", 987),
			Case{SGI: "NO", AFStatus: "INSKRIVEN", OnForsorjningsstod: true, HealthObstacle: true, CareContact: true},
			Step{To: routine.FMSBedomning, Reason: "Aktualiserad av Arbetsförmedlingen Höglandet."},
			Step{To: routine.FMSInkluderad, Reason: "Behov av samordnade insatser från kommun, region och Arbetsförmedlingen: inkluderas i FMS.", Forum: "basgruppen"}),
		eksjo("lena", "Lena", "Svensson", number("19690721", 982),
			Case{SGI: "YES", AFStatus: "INTE_INSKRIVEN", OnForsorjningsstod: true, HealthObstacle: true, CareContact: true},
			Step{To: routine.FMSBedomning, Reason: "Aktualiserad av vårdcentralen Eksjö."},
			Step{To: routine.FMSAvslutad, Reason: "Behoven möts inom psykiatrins rehabilitering; ingen inkludering i FMS.", Forum: "basgruppen",
				Closure: &routine.Closure{Reason: routine.ClosureAnnanVag, Outcome: routine.OutcomeRattInsats}}),
	}
}
