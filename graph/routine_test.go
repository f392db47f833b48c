package graph_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// The shipped routines' ids (migration 022).
var (
	samverkanRoutine = uuid.MustParse("5e000000-0000-4000-8000-000000000001")
	fmsRoutine       = uuid.MustParse("5e000000-0000-4000-8000-000000000002")
)

// eligibleAnswers answers the default routine's screening for a person in
// the target group.
func eligibleAnswers() []map[string]any {
	return []map[string]any{
		{"key": "SGI_SAKNAS", "yes": true}, {"key": "FORSORJNINGSSTOD", "yes": true},
		{"key": "SJUKSKRIVEN_ELLER_OHALSA", "yes": true}, {"key": "MISSBRUK", "yes": false},
	}
}

// smallRoutine is a förbund's own routine: three states.
func smallRoutine() map[string]any {
	workers := []string{"SOCIALSEKRETERARE", "FORSTE_SOCIALSEKRETERARE"}
	return map[string]any{
		"initialState": "NY",
		"states": []map[string]any{
			{"name": "NY", "label": "Ny"}, {"name": "PAGAR", "label": "Pågår"}, {"name": "KLAR", "label": "Klar", "final": true},
		},
		"transitions": []map[string]any{
			{"from": []string{"NY"}, "to": "PAGAR", "roles": workers, "guards": []map[string]any{{"kind": "CONSENT_IN_FORCE", "purpose": "SIP"}}},
			{"from": []string{"NY", "PAGAR"}, "to": "KLAR", "roles": workers, "guards": []map[string]any{{"kind": "CLOSURE_RECORDED"}}},
		},
	}
}

const transitionMutation = `mutation($in: TransitionCaseInput!) { transitionCase(input: $in) {
	case { state }
	transition { from to reason routes closureReason outcome waitingFor expectedUntil decidedBy parties { organization { name } unit { name } } }
} }`

type transitionResult struct {
	TransitionCase struct {
		Case       struct{ State string }
		Transition struct {
			From          *string
			To            string
			Reason        *string
			Routes        []string
			ClosureReason *string
			Outcome       *string
			WaitingFor    *string
			ExpectedUntil *string
			DecidedBy     *string
			Parties       []struct {
				Organization struct{ Name string }
				Unit         *struct{ Name string }
			}
		}
	}
}

func day(offset int) string { return time.Now().AddDate(0, 0, offset).Format("2006-01-02") }

var (
	fkID     = relay.ID(relay.TypeOrganization, demo.ID("org/fk"))
	regionID = relay.ID(relay.TypeOrganization, demo.ID("org/region-varmland"))
	gripenID = relay.ID(relay.TypeUnit, demo.ID("unit/region-varmland/vc-gripen"))
)

// The demo case through the default routine, as soc.karlstad: screened,
// kartläggning, the samtycke, the underlag, joint planning with the
// parties a SIP samtycke names, a route, waiting for FK, follow-up and
// back to planning, and closure; every step in the case's history, with
// its details for whom KOMMUN_PLANERING is shared and no one else.
func TestRoutine_TheDemoCaseThroughTheDefaultRoutine(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	step := func(in map[string]any) transitionResult {
		t.Helper()
		in["caseId"] = demoCaseID
		var out transitionResult
		mustData(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": in}), &out)
		return out
	}
	refused := func(in map[string]any, code, msg string) {
		t.Helper()
		in["caseId"] = demoCaseID
		requireError(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": in}), code, msg)
	}

	refused(map[string]any{"to": "SCREENAD"}, "BAD_USER_INPUT", "ELIGIBLE: the case is not screened")
	var screened struct {
		ScreenCase struct {
			Case      struct{ State string }
			Screening struct {
				Eligible       bool
				FailedCriteria []string
				Answers        []struct {
					Key string
					Yes bool
				}
			}
			ClosedBy *struct{ To string }
		}
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: ScreenCaseInput!) { screenCase(input: $in) {
		case { state } screening { eligible failedCriteria answers { key yes } } closedBy { to } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "answers": eligibleAnswers()}}), &screened)
	require.True(t, screened.ScreenCase.Screening.Eligible)
	require.Empty(t, screened.ScreenCase.Screening.FailedCriteria)
	require.Nil(t, screened.ScreenCase.ClosedBy)
	require.Len(t, screened.ScreenCase.Screening.Answers, 4)
	require.Equal(t, "SGI_SAKNAS", screened.ScreenCase.Screening.Answers[0].Key, "in the routine's order")

	refused(map[string]any{"to": "GEMENSAM_PLANERING"}, "BAD_USER_INPUT",
		"to: the routine has no step from IDENTIFIERAD to GEMENSAM_PLANERING; from IDENTIFIERAD it goes to SCREENAD, AVSLUTAD")
	require.Equal(t, "SCREENAD", step(map[string]any{"to": "SCREENAD"}).TransitionCase.Case.State)
	require.Equal(t, "KARTLAGGNING", step(map[string]any{"to": "KARTLAGGNING", "reason": "Genomgång av vårdkontakt och AF-status"}).TransitionCase.Case.State)
	step(map[string]any{"to": "SAMTYCKE"})
	// The demo samtycke is for SAMORDNAD_REHABILITERING and names FK and
	// the vårdcentral Gripen (not the whole region), not AF.
	refused(map[string]any{"to": "UNDERLAG", "parties": []map[string]any{{"organizationId": regionID}}}, "BAD_USER_INPUT",
		"CONSENT_IN_FORCE: no samtycke in force for SAMORDNAD_REHABILITERING names Region Värmland")
	under := step(map[string]any{"to": "UNDERLAG", "parties": []map[string]any{{"organizationId": fkID}, {"organizationId": regionID, "unitId": gripenID}}})
	require.Len(t, under.TransitionCase.Transition.Parties, 2)
	require.Equal(t, "Vårdcentralen Gripen", under.TransitionCase.Transition.Parties[1].Unit.Name)

	// Joint planning needs a samtycke for SIP naming each invited party.
	planning := map[string]any{"to": "GEMENSAM_PLANERING", "parties": []map[string]any{{"organizationId": fkID}}}
	refused(planning, "BAD_USER_INPUT", "CONSENT_IN_FORCE: no samtycke in force for SIP names Försäkringskassan")
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"individualId": demoIndividualID, "kind": "OSL_SEKRETESSBRYTANDE", "purposes": []string{"SIP"},
			"grants":  []map[string]any{{"organizationId": fkID, "classes": []string{"KOMMUN_PLANERING"}}},
			"givenBy": "PERSON", "validFrom": day(-1), "validUntil": day(365), "evidence": "WRITTEN", "formReference": "SIP-samtycke 1",
			"requestedById": fkID}}), &struct{}{})
	require.Equal(t, "GEMENSAM_PLANERING", step(planning).TransitionCase.Case.State)

	refused(map[string]any{"to": "VAG_VALD"}, "BAD_USER_INPUT", "ROUTES_NAMED: name one or more routes")
	chosen := step(map[string]any{"to": "VAG_VALD", "routes": []string{"FK_SAMORDNING", "FORTSATT_BEHANDLING"}})
	require.Equal(t, []string{"FK_SAMORDNING", "FORTSATT_BEHANDLING"}, chosen.TransitionCase.Transition.Routes)

	refused(map[string]any{"to": "VANTAR"}, "BAD_USER_INPUT", "WAIT_STATED: say what is awaited and until when")
	refused(map[string]any{"to": "VANTAR", "wait": map[string]any{"what": "FK:s prövning", "expectedUntil": day(-3)}}, "BAD_USER_INPUT",
		"wait.expectedUntil: give a day after today")
	waiting := step(map[string]any{"to": "VANTAR", "wait": map[string]any{"what": "FK:s prövning av överklagandet", "expectedUntil": day(365)}})
	require.Equal(t, "FK:s prövning av överklagandet", *waiting.TransitionCase.Transition.WaitingFor)
	require.Equal(t, day(365), *waiting.TransitionCase.Transition.ExpectedUntil)

	step(map[string]any{"to": "UPPFOLJNING"})
	step(planning) // follow-up loops back to planning (Landskrona's S7 → S2)
	refused(map[string]any{"to": "AVSLUTAD"}, "BAD_USER_INPUT", "CLOSURE_RECORDED: give a closure reason and an outcome")
	closed := step(map[string]any{"to": "AVSLUTAD", "closure": map[string]any{"reason": "ERSATTNING_BEVILJAD", "outcome": "RATT_ERSATTNING"}})
	require.Equal(t, "ERSATTNING_BEVILJAD", *closed.TransitionCase.Transition.ClosureReason)
	refused(map[string]any{"to": "UPPFOLJNING"}, "BAD_USER_INPUT", "the case is AVSLUTAD, and no step leaves it")

	// The history, oldest first.
	history := func(login string) []struct {
		From           *string
		To             string
		DetailsVisible bool
		Reason         *string
		Routes         []string
		Routine        struct{ Key string }
	} {
		var got struct {
			Node *struct {
				Transitions []struct {
					From           *string
					To             string
					DetailsVisible bool
					Reason         *string
					Routes         []string
					Routine        struct{ Key string }
				}
			}
		}
		mustData(t, postFor(t, srv, login, rehab, `query($id: ID!) { node(id: $id) { ... on Case { transitions {
			from to detailsVisible reason routes routine { key } } } } }`, map[string]any{"id": demoCaseID}), &got)
		if got.Node == nil {
			return nil
		}
		return got.Node.Transitions
	}
	own := history("soc.karlstad")
	var path []string
	for _, h := range own {
		path = append(path, h.To)
	}
	require.Equal(t, []string{"IDENTIFIERAD", "SCREENAD", "KARTLAGGNING", "SAMTYCKE", "UNDERLAG", "GEMENSAM_PLANERING", "VAG_VALD",
		"VANTAR", "UPPFOLJNING", "GEMENSAM_PLANERING", "AVSLUTAD"}, path)
	require.Nil(t, own[0].From, "the opening")
	require.Equal(t, "samverkan", own[0].Routine.Key)
	require.Equal(t, "Genomgång av vårdkontakt och AF-status", *own[2].Reason)

	// FK sees the history; KOMMUN_PLANERING is shared with it, so the details too.
	fk := history("ph.fk")
	require.Len(t, fk, len(own))
	require.True(t, fk[6].DetailsVisible)
	require.Equal(t, []string{"FK_SAMORDNING", "FORTSATT_BEHANDLING"}, fk[6].Routes)
	// AF has no samtycke: the case does not exist for it.
	require.Nil(t, history("af.karlstad"))
}

// Who may move a case: its own organisation's case workers, under a
// declared purpose. Another party that sees the case may not; one that
// does not see it gets NOT_FOUND.
func TestRoutine_WhoMayMoveACase(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	in := map[string]any{"caseId": demoCaseID, "to": "AVSLUTAD", "closure": map[string]any{"reason": "FLYTTAT", "outcome": "INGET_UTFALL"}}
	for _, tc := range []struct {
		login, purpose, code, msg string
	}{
		{"ph.fk", rehab, "FORBIDDEN", "do not allow transition on case"},
		{"rehab.vc", rehab, "FORBIDDEN", "do not allow transition on case"},
		{"af.karlstad", rehab, "NOT_FOUND", "no such case"},
		{"soc.eksjo", rehab, "NOT_FOUND", "no such case"},
		{"soc.karlstad", "", "BAD_USER_INPUT", "declare the purpose"},
	} {
		t.Run(tc.login, func(t *testing.T) {
			requireError(t, postFor(t, srv, tc.login, tc.purpose, transitionMutation, map[string]any{"in": in}), tc.code, tc.msg)
		})
	}
	for _, m := range []string{
		`mutation($in: ScreenCaseInput!) { screenCase(input: $in) { case { state } } }`,
	} {
		requireError(t, postFor(t, srv, "af.karlstad", rehab, m, map[string]any{"in": map[string]any{"caseId": demoCaseID, "answers": eligibleAnswers()}}),
			"NOT_FOUND", "no such case")
		requireError(t, postFor(t, srv, "ph.fk", rehab, m, map[string]any{"in": map[string]any{"caseId": demoCaseID, "answers": eligibleAnswers()}}),
			"FORBIDDEN", "do not allow transition on case")
	}
	requireError(t, postFor(t, srv, "af.karlstad", rehab, `mutation($in: MoveCaseToRoutineInput!) { moveCaseToRoutine(input: $in) { case { state } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "routineId": relay.ID(relay.TypeRoutine, fmsRoutine), "state": "BEDOMNING", "reason": "x"}}),
		"NOT_FOUND", "no such case")
	// The koordinator of the municipality moves its cases too (the
	// routine's steps name SAMVERKANSKOORDINATOR).
	var moved transitionResult
	mustData(t, postFor(t, srv, "koord.karlstad", rehab, transitionMutation, map[string]any{"in": in}), &moved)
	require.Equal(t, "AVSLUTAD", moved.TransitionCase.Case.State)
}

// A screening outside the target group closes the case with the reason of
// the criterion that kept the person out; the screening itself is
// ekonomiskt bistånd's and hidden from parties it is not shared with.
func TestRoutine_ScreeningOutsideTheTargetGroupClosesTheCase(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	answers := eligibleAnswers()
	answers[3]["yes"] = true // missbruk
	var got struct {
		ScreenCase struct {
			Case      struct{ State string }
			Screening struct {
				Eligible       bool
				FailedCriteria []string
			}
			ClosedBy *struct {
				To            string
				ClosureReason string
				Outcome       string
			}
		}
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: ScreenCaseInput!) { screenCase(input: $in) {
		case { state } screening { eligible failedCriteria } closedBy { to closureReason outcome } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "answers": answers}}), &got)
	require.False(t, got.ScreenCase.Screening.Eligible)
	require.Equal(t, []string{"MISSBRUK"}, got.ScreenCase.Screening.FailedCriteria)
	require.Equal(t, "AVSLUTAD", got.ScreenCase.Case.State)
	require.Equal(t, "MISSBRUK", got.ScreenCase.ClosedBy.ClosureReason)
	require.Equal(t, "INGET_UTFALL", got.ScreenCase.ClosedBy.Outcome)

	// Screening a closed case again is refused.
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: ScreenCaseInput!) { screenCase(input: $in) { case { state } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "answers": eligibleAnswers()}}), "BAD_USER_INPUT", "the case is closed")
	// Incomplete answers name what is missing.
	bad := postFor(t, srv, "soc.karlstad", rehab, `mutation($in: ScreenCaseInput!) { screenCase(input: $in) { case { state } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "answers": []map[string]any{{"key": "SGI_SAKNAS", "yes": true}, {"key": "SGI_SAKNAS", "yes": false}}}})
	requireError(t, bad, "BAD_USER_INPUT", "answers[1]: SGI_SAKNAS is answered twice")

	// The vårdcentral is shared KOMMUN_EKONOMISKT_BISTAND by the demo
	// samtycke: it sees the screening. FK is too.
	var vc struct {
		Node *struct{ Screening *struct{ Eligible bool } }
	}
	mustData(t, postFor(t, srv, "rehab.vc", rehab, `query($id: ID!) { node(id: $id) { ... on Case { screening { eligible } } } }`,
		map[string]any{"id": demoCaseID}), &vc)
	require.NotNil(t, vc.Node)
	require.NotNil(t, vc.Node.Screening)
}

// A förbund's administrator saves its own routine: new cases start on it,
// open cases stay on theirs until moved explicitly.
func TestRoutine_AFörbundSavesItsOwnVersion(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	samspelet := relay.ID(relay.TypeFederation, demo.ID("federation/samspelet"))
	saveFor := func(login, federation string, def map[string]any) gqlResponse {
		return postFor(t, srv, login, "", `mutation($in: SaveRoutineInput!) { saveRoutine(input: $in) { id version current key federation { name } } }`,
			map[string]any{"in": map[string]any{"federationId": federation, "key": "samspelet", "name": "Samspelets rutin", "definition": def}})
	}
	save := func(login string, def map[string]any) gqlResponse { return saveFor(login, samspelet, def) }
	requireError(t, save("soc.karlstad", smallRoutine()), "FORBIDDEN", "do not allow create on routine")
	// Samspelet's administrator keeps Samspelet's routine, not Höglandet's.
	requireError(t, saveFor("admin.samspelet", relay.ID(relay.TypeFederation, demo.ID("federation/hoglandet")), smallRoutine()),
		"FORBIDDEN", "do not allow create on routine")
	broken := smallRoutine()
	broken["initialState"] = "START"
	broken["states"] = append(broken["states"].([]map[string]any), map[string]any{"name": "ÖN", "label": "Ön"})
	requireError(t, save("admin.samspelet", broken), "BAD_USER_INPUT",
		`the routine cannot be saved: definition.initial: "START" is not one of the states; definition.states[3].name: "ÖN" is not an UPPER_SNAKE name of at most 40 characters`)

	var saved struct {
		SaveRoutine struct {
			ID, Key    string
			Version    int
			Current    bool
			Federation struct{ Name string }
		}
	}
	mustData(t, save("admin.samspelet", smallRoutine()), &saved)
	require.Equal(t, 1, saved.SaveRoutine.Version)
	require.True(t, saved.SaveRoutine.Current)
	mustData(t, save("admin.samspelet", smallRoutine()), &saved)
	require.Equal(t, 2, saved.SaveRoutine.Version)

	var list struct {
		Routines []struct {
			Key     string
			Version int
			Current bool
		}
	}
	mustData(t, postFor(t, srv, "soc.eksjo", "", `query($f: ID!) { routines(federationId: $f) { key version current } }`,
		map[string]any{"f": samspelet}), &list)
	require.Equal(t, []struct {
		Key     string
		Version int
		Current bool
	}{{"samspelet", 2, true}, {"samspelet", 1, false}, {"fms", 1, false}, {"samverkan", 2, true}}, list.Routines, "samverkan (version 2 since migration 036) stays the default of förbund without their own")

	// The demo case stays on the default; a new case starts on version 2.
	var demoCase struct {
		Node struct {
			State   string
			Routine struct{ Key string }
		}
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `query($id: ID!) { node(id: $id) { ... on Case { state routine { key } } } }`,
		map[string]any{"id": demoCaseID}), &demoCase)
	require.Equal(t, "samverkan", demoCase.Node.Routine.Key)
	var opened struct {
		OpenCase struct {
			State   string
			Routine struct{ Version int }
		}
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: OpenCaseInput!) { openCase(input: $in) { state routine { version } } }`,
		map[string]any{"in": map[string]any{"individualId": demoIndividualID, "federationId": samspelet, "sgi": "NO", "onForsorjningsstod": true,
			"healthObstacle": true, "careContact": false, "afStatus": "UNKNOWN"}}), &opened)
	require.Equal(t, "NY", opened.OpenCase.State)
	require.Equal(t, 2, opened.OpenCase.Routine.Version)

	// Moved explicitly, the demo case continues on the förbund's version.
	move := func(routineID, state string) gqlResponse {
		return postFor(t, srv, "soc.karlstad", rehab, `mutation($in: MoveCaseToRoutineInput!) { moveCaseToRoutine(input: $in) {
			case { state routine { key version } } transition { from to reason } } }`,
			map[string]any{"in": map[string]any{"caseId": demoCaseID, "routineId": routineID, "state": state, "reason": "Förbundets nya rutin"}})
	}
	requireError(t, move(saved.SaveRoutine.ID, "KLAR"), "BAD_USER_INPUT", `state: "KLAR" is not an open state of that routine`)
	requireError(t, move(relay.ID(relay.TypeRoutine, samverkanRoutineV2), "SCREENAD"), "BAD_USER_INPUT", "the case follows this routine already")
	var movedOut struct {
		MoveCaseToRoutine struct {
			Case struct {
				State   string
				Routine struct {
					Key     string
					Version int
				}
			}
			Transition struct {
				From   *string
				To     string
				Reason string
			}
		}
	}
	mustData(t, move(saved.SaveRoutine.ID, "PAGAR"), &movedOut)
	require.Equal(t, "PAGAR", movedOut.MoveCaseToRoutine.Case.State)
	require.Equal(t, 2, movedOut.MoveCaseToRoutine.Case.Routine.Version)
	require.Equal(t, "IDENTIFIERAD", *movedOut.MoveCaseToRoutine.Transition.From)
}

// Lysekil's FMS: inclusion and closure are the basgrupp's decisions.
func TestRoutine_FMSNeedsTheBasgruppsDecision(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: MoveCaseToRoutineInput!) { moveCaseToRoutine(input: $in) { case { state } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "routineId": relay.ID(relay.TypeRoutine, fmsRoutine), "state": "BEDOMNING",
			"reason": "Föreslås till basgruppen efter MIX 2"}}), &struct{}{})
	include := map[string]any{"caseId": demoCaseID, "to": "INKLUDERAD"}
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": include}), "BAD_USER_INPUT",
		"DECISION_RECORDED: record the decision of basgruppen (who decided and when) and its reason")
	include["reason"] = "MIX 2 och arbetsterapeutens fördjupade bedömning: FMS"
	include["decision"] = map[string]any{"decidedBy": "basgruppen", "decidedOn": day(0)}
	var got transitionResult
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": include}), &got)
	require.Equal(t, "INKLUDERAD", got.TransitionCase.Case.State)
	require.Equal(t, "basgruppen", *got.TransitionCase.Transition.DecidedBy)
}

// A förbund's routine narrows who takes a step, says how long tasks give
// their recipients, and a step to a state it does not have is refused by
// name.
func TestRoutine_AFörbundsOwnStepsAndDuePeriods(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	def := smallRoutine()
	def["transitions"].([]map[string]any)[0]["roles"] = []string{"FORSTE_SOCIALSEKRETERARE"}
	def["taskDueDays"] = []map[string]any{{"kind": "SIGNAL_SJUKSKRIVNING", "workingDays": 3}, {"kind": "KALLELSE_SIP", "workingDays": 15}}
	save := func(def map[string]any) gqlResponse {
		return postFor(t, srv, "admin.samspelet", "", `mutation($in: SaveRoutineInput!) { saveRoutine(input: $in) { id taskDueDays { kind workingDays } } }`,
			map[string]any{"in": map[string]any{"federationId": relay.ID(relay.TypeFederation, demo.ID("federation/samspelet")), "key": "samspelet", "name": "Samspelets rutin", "definition": def}})
	}
	var saved struct {
		SaveRoutine struct {
			ID          string
			TaskDueDays []struct {
				Kind        string
				WorkingDays int
			}
		}
	}
	mustData(t, save(def), &saved)
	require.Equal(t, []struct {
		Kind        string
		WorkingDays int
	}{{"KALLELSE_SIP", 15}, {"SIGNAL_SJUKSKRIVNING", 3}}, saved.SaveRoutine.TaskDueDays)
	twice := smallRoutine()
	twice["taskDueDays"] = []map[string]any{{"kind": "KALLELSE_SIP", "workingDays": 15}, {"kind": "KALLELSE_SIP", "workingDays": 2}}
	requireError(t, save(twice), "BAD_USER_INPUT", "definition.taskDueDays[1]: KALLELSE_SIP is given twice")
	tooLong := smallRoutine()
	tooLong["taskDueDays"] = []map[string]any{{"kind": "KALLELSE_SIP", "workingDays": 0}}
	requireError(t, save(tooLong), "BAD_USER_INPUT", "taskDueDays.KALLELSE_SIP: give 1 to 120 working days")

	// The demo case moves onto it; only a förste socialsekreterare takes
	// the step NY → PAGAR.
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: MoveCaseToRoutineInput!) { moveCaseToRoutine(input: $in) { case { state } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "routineId": saved.SaveRoutine.ID, "state": "NY", "reason": "Förbundets rutin"}}), &struct{}{})
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": map[string]any{"caseId": demoCaseID, "to": "PAGAR"}}),
		"FORBIDDEN", "only FORSTE_SOCIALSEKRETERARE may move a case from NY to PAGAR")
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": map[string]any{"caseId": demoCaseID, "to": "KARTLAGGNING"}}),
		"BAD_USER_INPUT", `to: "KARTLAGGNING" is not a state of the case's routine`)
}

// Each förbund says which routine its new cases start on, for a whole
// list in one statement.
func TestRoutine_FederationsSayWhichRoutineNewCasesStartOn(t *testing.T) {
	t.Parallel()
	srv, b := setup(t, countingStatements)
	count := func(query string) int64 {
		before := b.db.Statements.Load()
		mustData(t, postFor(t, srv, "soc.eksjo", "", query, nil), &struct{}{})
		return b.db.Statements.Load() - before
	}
	count(`{ federations { nodes { name } } }`) // the first request of a token looks up its issuer
	require.Equal(t, count(`{ federations { nodes { name } } }`)+1, count(`{ federations { nodes { name routine { key } } } }`),
		"one more statement for every förbund's routine")
	var got struct {
		Federations struct {
			Nodes []struct {
				Name    string
				Routine struct{ Key string }
			}
		}
	}
	mustData(t, postFor(t, srv, "soc.eksjo", "", `{ federations { nodes { name routine { key } } } }`, nil), &got)
	keys := map[string]string{}
	for _, f := range got.Federations.Nodes {
		keys[f.Name] = f.Routine.Key
	}
	require.Equal(t, map[string]string{"Samordningsförbundet Samspelet": "samverkan", "Höglandets samordningsförbund": "fms"}, keys)
}
