package demo

import (
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// The demo scenario of the samtycke capability (DESIGN §4, issue 5): a
// person in Karlstad on försörjningsstöd without SGI, with a case in
// Samspelet's routine and a samtycke for FK and Vårdcentralen Gripen under
// SAMORDNAD_REHABILITERING, none for AF. A second person has skyddade
// personuppgifter. The numbers are Luhn-valid test numbers (serials 98xx).
var (
	DemoIndividual          = ID("individual/karlstad/kim")
	DemoProtectedIndividual = ID("individual/karlstad/skyddad")
	DemoCase                = ID("case/karlstad/kim")
	DemoConsent             = ID("consent/karlstad/kim/osl")
	DemoPersonnummer        = "19850312-9804"
	DemoProtectedNumber     = "19920817-9821"
)

// ScenarioPurpose is the purpose every step of the scenario declares.
const ScenarioPurpose = consent.SamordnadRehabilitering

// Person is a demo person, registered by Login.
type Person struct {
	ID                    uuid.UUID
	Login                 string
	Number, Given, Family string
	Protected             bool
}

// Case is the demo case, opened by Login in their unit.
type Case struct {
	ID, IndividualID, FederationID uuid.UUID
	Login, LeadName                string
	SGI, AFStatus                  string
	OnForsorjningsstod             bool
	HealthObstacle, CareContact    bool
}

// Participant is a party Login adds to the case.
type Participant struct {
	Login         string
	OrgID, UnitID uuid.UUID
}

// Samtycke is a demo samtycke, a written secrecy waiver given by the
// person, recorded by Login on the person's behalf, for Purposes (none:
// ScenarioPurpose).
type Samtycke struct {
	ID, IndividualID, RequestedBy uuid.UUID
	Login                         string
	ValidFrom, ValidUntil         string // dates
	FormReference                 string
	Purposes                      []consent.Purpose
	Grants                        []consent.Grant
}

// Item is an item Login records in the case.
type Item struct {
	ID      uuid.UUID
	Login   string
	Class   consent.Class
	Summary string
}

// Scenario is the case work of the demo, in the order it is done: who
// registers whom, opens the case, adds the parties, records the samtycke,
// and writes which items; then the förbund that adopt a routine of their
// own do, the journeys of the people whose cases move through the
// routines (journeys.go), and the story of issue 14 (story.go).
type Scenario struct {
	People       []Person
	Case         Case
	Participants []Participant
	Samtycke     Samtycke
	Items        []Item
	Adoptions    []Adoption
	Journeys     []Journey
	Story        Story
}

// TheScenario returns the demo scenario, its story told today.
func TheScenario() Scenario {
	gripen := ID("unit/region-varmland/vc-gripen")
	item := func(key, login string, class consent.Class, summary string) Item {
		return Item{ID: ID("case-item/karlstad/kim/" + key), Login: login, Class: class, Summary: summary}
	}
	return Scenario{
		People: []Person{
			{ID: DemoIndividual, Login: "soc.karlstad", Number: DemoPersonnummer, Given: "Kim", Family: "Andersson"},
			{ID: DemoProtectedIndividual, Login: "soc.karlstad", Number: DemoProtectedNumber, Given: "Alex", Family: "Berg", Protected: true},
		},
		Case: Case{ID: DemoCase, IndividualID: DemoIndividual, FederationID: ID("federation/samspelet"),
			Login: "soc.karlstad", LeadName: "Sara Lindqvist", SGI: "NO", AFStatus: "INTE_INSKRIVEN",
			OnForsorjningsstod: true, HealthObstacle: true, CareContact: true},
		Participants: []Participant{
			{Login: "soc.karlstad", OrgID: ID("org/fk"), UnitID: ID("unit/fk/karlstad")},
			{Login: "soc.karlstad", OrgID: ID("org/region-varmland"), UnitID: gripen},
		},
		// The samtycke: written form, for FK and the vårdcentral, not AF.
		Samtycke: Samtycke{ID: DemoConsent, IndividualID: DemoIndividual, RequestedBy: ID("org/fk"), Login: "soc.karlstad",
			ValidFrom: "2026-01-12", ValidUntil: "2028-01-11",
			FormReference: "Samtyckesblankett Samspelet 2026-01-12, diarienr AMF 2026/0113",
			Grants: []consent.Grant{
				{OrgID: ID("org/fk"), Classes: []consent.Class{consent.KommunEkonomisktBistand, consent.KommunPlanering, consent.VardSjukskrivning}},
				{OrgID: ID("org/region-varmland"), UnitID: &gripen, Classes: []consent.Class{consent.KommunEkonomisktBistand, consent.KommunPlanering, consent.FKSamordning}},
				{OrgID: ID("org/karlstad"), Classes: []consent.Class{consent.FKBeslut, consent.FKSamordning, consent.VardSjukskrivning, consent.VardRehabilitering}},
			}},
		Items: []Item{
			item("eb", "soc.karlstad", consent.KommunEkonomisktBistand, "Försörjningsstöd sedan mars 2025. Ingen SGI (nollplacerad). Läkarintyg inlämnat till ekonomiskt bistånd."),
			item("plan", "soc.karlstad", consent.KommunPlanering, "Planerat trepartsmöte med FK och vårdcentralen i februari; SIP övervägs."),
			item("vc", "rehab.vc", consent.VardSjukskrivning, "Sjukskrivning 100 % utfärdad 2026-01-15 till 2026-03-15 (intyg finns hos vårdcentralen)."),
			item("fk", "ph.fk", consent.FKSamordning, "Samordningsansvar bekräftat. Avstämningsmöte bokat 2026-02-10."),
		},
		Adoptions: adoptions(),
		Journeys:  journeys(),
		Story:     TheStory(tenancy.DayOf(time.Now())),
	}
}
