package routine

import (
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
)

// The routines shipped with the hub. A förbund without a routine of its
// own runs Samverkan; FMS is Lysekil's process, a template a förbund may
// adopt (the demo's Höglandet does).
const (
	KeySamverkan = "samverkan"
	KeyFMS       = "fms"
)

// The states of the default routine (DESIGN.md's vocabulary).
const (
	Identifierad      = "IDENTIFIERAD"
	Screenad          = "SCREENAD"
	Kartlaggning      = "KARTLAGGNING"
	Samtycke          = "SAMTYCKE"
	Underlag          = "UNDERLAG"
	GemensamPlanering = "GEMENSAM_PLANERING"
	VagVald           = "VAG_VALD"
	Vantar            = "VANTAR"
	Uppfoljning       = "UPPFOLJNING"
	Avslutad          = "AVSLUTAD"
)

// caseWorkers are the municipality's roles that move its cases.
var caseWorkers = []identity.Role{identity.Socialsekreterare, identity.ForsteSocialsekreterare, identity.Samverkanskoordinator}

// Samverkan is the common lifecycle, after Landskrona's routine S0–S8:
// identified (a trigger: an application, a vårdcentral's signal, a
// review), screened against the target group, the socialsekreterare's
// kartläggning, the samtycke, the underlag gathered, joint planning (SIP),
// a route chosen, waiting where a decision or treatment takes time,
// follow-up that loops back to planning (S7 → S2), and closure with a
// reason and an outcome, possible from every open state.
func Samverkan() Definition {
	open := []string{Identifierad, Screenad, Kartlaggning, Samtycke, Underlag, GemensamPlanering, VagVald, Vantar, Uppfoljning}
	return Definition{
		Initial: Identifierad,
		States: []State{
			{Name: Identifierad, Label: "Identifierad"},
			{Name: Screenad, Label: "Screenad"},
			{Name: Kartlaggning, Label: "Kartläggning"},
			{Name: Samtycke, Label: "Samtycke inhämtat"},
			{Name: Underlag, Label: "Underlag"},
			{Name: GemensamPlanering, Label: "Gemensam planering"},
			{Name: VagVald, Label: "Väg vald"},
			{Name: Vantar, Label: "Väntar", Waiting: true},
			{Name: Uppfoljning, Label: "Uppföljning"},
			{Name: Avslutad, Label: "Avslutad", Final: true},
		},
		Transitions: []Transition{
			{From: []string{Identifierad}, To: Screenad, Roles: caseWorkers},
			{From: []string{Screenad}, To: Kartlaggning, Roles: caseWorkers, Guards: []Guard{{Kind: Eligible}}},
			{From: []string{Kartlaggning}, To: Samtycke, Roles: caseWorkers},
			{From: []string{Samtycke}, To: Underlag, Roles: caseWorkers,
				Guards: []Guard{{Kind: ConsentInForce, Purpose: consent.SamordnadRehabilitering}}},
			{From: []string{Underlag, Uppfoljning}, To: GemensamPlanering, Roles: caseWorkers,
				Guards: []Guard{{Kind: ConsentInForce, Purpose: consent.SIP}}},
			{From: []string{GemensamPlanering}, To: VagVald, Roles: caseWorkers, Guards: []Guard{{Kind: RoutesNamed}}},
			{From: []string{VagVald, Uppfoljning}, To: Vantar, Roles: caseWorkers, Guards: []Guard{{Kind: WaitStated}}},
			{From: []string{VagVald, Vantar}, To: Uppfoljning, Roles: caseWorkers},
			{From: open, To: Avslutad, Roles: caseWorkers, Guards: []Guard{{Kind: ClosureRecorded}}},
		},
	}
}

// The states of FMS.
const (
	FMSForarbete   = "FORARBETE"
	FMSBedomning   = "BEDOMNING"
	FMSInkluderad  = "INKLUDERAD"
	FMSUnderlag    = "UNDERLAG"
	FMSUtredning   = "UTREDNING"
	FMSInsats      = "INSATS"
	FMSUtvardering = "UTVARDERING"
	FMSAvslutad    = "AVSLUTAD"
)

// basgruppen is the forum that decides inclusion and closure in FMS.
const basgruppen = "basgruppen"

// FMS is Lysekil's process map (preparation and six steps): the
// socialsekreterare's preparation (MIX 2 with self-assessment, a
// handlingsplan), assessment before inclusion, where the basgrupp decides
// FMS or another path, inclusion with the samtycke for SIP, gathering the
// underlag, investigation (the first SIP meeting decides the insatser),
// intervention and collaboration, and evaluation, which revises the SIP
// (back to intervention) or closes FMS on the basgrupp's decision.
func FMS() Definition {
	return Definition{
		Initial: FMSForarbete,
		States: []State{
			{Name: FMSForarbete, Label: "Förarbete"},
			{Name: FMSBedomning, Label: "1. Bedömning inför inkludering"},
			{Name: FMSInkluderad, Label: "2. Inkludering"},
			{Name: FMSUnderlag, Label: "3. Insamling av underlag"},
			{Name: FMSUtredning, Label: "4. Utredning"},
			{Name: FMSInsats, Label: "5. Insats och samverkan"},
			{Name: FMSUtvardering, Label: "6. Utvärdering"},
			{Name: FMSAvslutad, Label: "Avslutad", Final: true},
		},
		Transitions: []Transition{
			{From: []string{FMSForarbete}, To: FMSBedomning, Roles: caseWorkers},
			{From: []string{FMSBedomning}, To: FMSInkluderad, Roles: caseWorkers,
				Guards: []Guard{{Kind: DecisionRecorded, Forum: basgruppen}}},
			{From: []string{FMSInkluderad}, To: FMSUnderlag, Roles: caseWorkers,
				Guards: []Guard{{Kind: ConsentInForce, Purpose: consent.SIP}}},
			{From: []string{FMSUnderlag}, To: FMSUtredning, Roles: caseWorkers},
			{From: []string{FMSUtredning}, To: FMSInsats, Roles: caseWorkers, Guards: []Guard{{Kind: RoutesNamed}}},
			{From: []string{FMSInsats}, To: FMSUtvardering, Roles: caseWorkers},
			{From: []string{FMSUtvardering}, To: FMSInsats, Roles: caseWorkers},
			{From: []string{FMSBedomning, FMSUtvardering}, To: FMSAvslutad, Roles: caseWorkers,
				Guards: []Guard{{Kind: DecisionRecorded, Forum: basgruppen}, {Kind: ClosureRecorded}}},
			{From: []string{FMSForarbete, FMSInkluderad, FMSUnderlag, FMSUtredning, FMSInsats}, To: FMSAvslutad, Roles: caseWorkers,
				Guards: []Guard{{Kind: ClosureRecorded}}},
		},
	}
}
