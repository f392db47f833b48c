package graph_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// The default routine's version 2 (migration 036): the step to VAG_VALD
// also runs EVIDENCE_COMPLETE.
var samverkanRoutineV2 = uuid.MustParse("5e000000-0000-4000-8000-000000000003")

const evidenceQuery = `query($id: ID!) { node(id: $id) { ... on Case { evidence {
	kind class status requestedAt request { kind } heldBy { name } receivedOn waiverReason } } } }`

type evidenceResult struct {
	Node *struct {
		Evidence []struct {
			Kind         string
			Class        string
			Status       string
			RequestedAt  *string
			Request      *struct{ Kind string }
			HeldBy       *struct{ Name string }
			ReceivedOn   *string
			WaiverReason *string
		}
	}
}

func readEvidence(t *testing.T, srv *testServer, login string) evidenceResult {
	t.Helper()
	var out evidenceResult
	mustData(t, postFor(t, srv, login, rehab, evidenceQuery, map[string]any{"id": demoCaseID}), &out)
	return out
}

// toPlanning takes the demo case, as soc.karlstad, to GEMENSAM_PLANERING
// (screened, a samtycke for SIP naming FK), as the routine tests do.
func toPlanning(t *testing.T, srv *testServer) {
	t.Helper()
	step := func(in map[string]any) {
		t.Helper()
		in["caseId"] = demoCaseID
		mustData(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": in}), &struct{}{})
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: ScreenCaseInput!) { screenCase(input: $in) { case { id } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "answers": eligibleAnswers()}}), &struct{}{})
	step(map[string]any{"to": "SCREENAD"})
	step(map[string]any{"to": "KARTLAGGNING"})
	step(map[string]any{"to": "SAMTYCKE"})
	step(map[string]any{"to": "UNDERLAG", "parties": []map[string]any{{"organizationId": fkID}, {"organizationId": regionID, "unitId": gripenID}}})
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"individualId": demoIndividualID, "kind": "OSL_SEKRETESSBRYTANDE", "purposes": []string{"SIP"},
			"grants":  []map[string]any{{"organizationId": fkID, "classes": []string{"KOMMUN_PLANERING"}}},
			"givenBy": "PERSON", "validFrom": day(-1), "validUntil": day(365), "evidence": "WRITTEN", "formReference": "SIP-samtycke 1",
			"requestedById": fkID}}), &struct{}{})
	step(map[string]any{"to": "GEMENSAM_PLANERING", "parties": []map[string]any{{"organizationId": fkID}}})
}

// The route to an application for sjuk- or aktivitetsersättning waits for
// the checklist: each item asked for (a task to the party that holds it),
// received or waived with the lead's reason; other routes do not wait.
func TestEvidence_TheApplicationRouteWaitsUntilTheChecklistIsComplete(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)

	var onRoutine struct {
		Node struct {
			Routine struct {
				ID      string
				Version int
			}
		}
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `query($id: ID!) { node(id: $id) { ... on Case { routine { id version } } } }`,
		map[string]any{"id": demoCaseID}), &onRoutine)
	require.Equal(t, relay.ID(relay.TypeRoutine, samverkanRoutineV2), onRoutine.Node.Routine.ID, "new cases start on the default's version 2")

	got := readEvidence(t, srv, "soc.karlstad")
	require.Len(t, got.Node.Evidence, 4, "the municipality sees the whole checklist")
	for _, it := range got.Node.Evidence {
		require.Equal(t, "MISSING", it.Status, it.Kind)
	}
	require.Equal(t, []string{"LAKARUTLATANDE", "AF_REHABILITERING", "SJUKSKRIVNINGSHISTORIK", "SOCIALTJANSTENS_YTTRANDE"},
		[]string{got.Node.Evidence[0].Kind, got.Node.Evidence[1].Kind, got.Node.Evidence[2].Kind, got.Node.Evidence[3].Kind})

	toPlanning(t, srv)
	application := map[string]any{"caseId": demoCaseID, "to": "VAG_VALD", "routes": []string{"ANSOKAN_ERSATTNING"}}
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": application}), "BAD_USER_INPUT",
		"the case cannot move from GEMENSAM_PLANERING to VAG_VALD: EVIDENCE_COMPLETE: the route ANSOKAN_ERSATTNING needs the evidence complete; "+
			"received or waived neither: LAKARUTLATANDE (missing), AF_REHABILITERING (missing), SJUKSKRIVNINGSHISTORIK (missing), SOCIALTJANSTENS_YTTRANDE (missing)")

	// The läkarutlåtande is asked of the vårdcentral with a task.
	var requested struct {
		RequestEvidence struct {
			Task struct {
				Kind                  string
				Subject               string
				RecipientOrganization struct{ Name string }
			}
		}
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RequestEvidenceInput!) { requestEvidence(input: $in) {
		case { id } task { kind subject recipientOrganization { name } } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "LAKARUTLATANDE"}}), &requested)
	require.Equal(t, "FRAGA_MEDICINSKT_UNDERLAG", requested.RequestEvidence.Task.Kind)
	require.Equal(t, "Region Värmland", requested.RequestEvidence.Task.RecipientOrganization.Name)
	got = readEvidence(t, srv, "soc.karlstad")
	lu := got.Node.Evidence[0]
	require.Equal(t, "REQUESTED", lu.Status)
	require.NotNil(t, lu.RequestedAt)
	require.Equal(t, "FRAGA_MEDICINSKT_UNDERLAG", lu.Request.Kind)
	require.Equal(t, "Region Värmland", lu.HeldBy.Name)
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RequestEvidenceInput!) { requestEvidence(input: $in) { case { id } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SOCIALTJANSTENS_YTTRANDE"}}), "BAD_USER_INPUT",
		"kind: SOCIALTJANSTENS_YTTRANDE is the municipality's own: record it with recordEvidence")

	record := func(kind string, heldBy any) {
		t.Helper()
		mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordEvidenceInput!) { recordEvidence(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": kind, "receivedOn": day(0), "heldBy": heldBy}}), &struct{}{})
	}
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordEvidenceInput!) { recordEvidence(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "LAKARUTLATANDE", "receivedOn": day(1)}}), "BAD_USER_INPUT",
		"receivedOn: it cannot arrive in the future")
	record("LAKARUTLATANDE", nil)
	record("SJUKSKRIVNINGSHISTORIK", regionID)
	record("SOCIALTJANSTENS_YTTRANDE", nil)
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": application}), "BAD_USER_INPUT",
		"EVIDENCE_COMPLETE: the route ANSOKAN_ERSATTNING needs the evidence complete; received or waived neither: AF_REHABILITERING (missing)")

	// Other routes do not wait for it.
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: WaiveEvidenceInput!) { waiveEvidence(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "AF_REHABILITERING", "reason": " "}}), "BAD_USER_INPUT",
		"reason: say why the application goes without it")
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: WaiveEvidenceInput!) { waiveEvidence(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "AF_REHABILITERING",
			"reason": "Personen har aldrig varit inskriven; läkarutlåtandet visar att arbetslivsinriktad rehabilitering inte är möjlig."}}), &struct{}{})
	var chosen transitionResult
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": application}), &chosen)
	require.Equal(t, "VAG_VALD", chosen.TransitionCase.Case.State)

	got = readEvidence(t, srv, "soc.karlstad")
	require.Equal(t, []string{"RECEIVED", "WAIVED", "RECEIVED", "RECEIVED"},
		[]string{got.Node.Evidence[0].Status, got.Node.Evidence[1].Status, got.Node.Evidence[2].Status, got.Node.Evidence[3].Status})
	require.Equal(t, day(0), *got.Node.Evidence[0].ReceivedOn)
	require.Equal(t, "Region Värmland", got.Node.Evidence[0].HeldBy.Name, "the holder stays from the request")
	require.Contains(t, *got.Node.Evidence[1].WaiverReason, "aldrig varit inskriven")

	// FK's samtycke shares VARD_SJUKSKRIVNING and KOMMUN_PLANERING, not
	// the care provider's medical underlag or AF's insatser: it sees those
	// two items, and does not keep the checklist.
	fk := readEvidence(t, srv, "ph.fk")
	require.Len(t, fk.Node.Evidence, 2)
	require.Equal(t, "SJUKSKRIVNINGSHISTORIK", fk.Node.Evidence[0].Kind)
	require.Equal(t, "SOCIALTJANSTENS_YTTRANDE", fk.Node.Evidence[1].Kind)
	requireError(t, postFor(t, srv, "ph.fk", rehab, `mutation($in: WaiveEvidenceInput!) { waiveEvidence(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "LAKARUTLATANDE", "reason": "FK"}}), "FORBIDDEN", "")
}

// A principal the samtycke does not name (AF), and one of another förbund,
// find neither the case's checklist nor the case to keep it in.
func TestEvidence_NotFoundToWhomTheSamtyckeDoesNotName(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	for _, login := range []string{"af.karlstad", "soc.eksjo"} {
		got := readEvidence(t, srv, login)
		require.Nil(t, got.Node, login)
		for _, m := range []struct{ query, input string }{
			{`mutation($in: RequestEvidenceInput!) { requestEvidence(input: $in) { case { id } } }`, `{"kind": "LAKARUTLATANDE"}`},
			{`mutation($in: RecordEvidenceInput!) { recordEvidence(input: $in) { id } }`, `{"kind": "LAKARUTLATANDE", "receivedOn": "` + day(0) + `"}`},
			{`mutation($in: WaiveEvidenceInput!) { waiveEvidence(input: $in) { id } }`, `{"kind": "LAKARUTLATANDE", "reason": "Behövs inte"}`},
		} {
			in := map[string]any{"caseId": demoCaseID}
			var extra map[string]any
			require.NoError(t, jsonUnmarshal(m.input, &extra))
			for k, v := range extra {
				in[k] = v
			}
			requireError(t, postFor(t, srv, login, rehab, m.query, map[string]any{"in": in}), "NOT_FOUND", "no such case")
		}
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

const repaymentMutation = `mutation($in: RecordRepaymentInput!) { recordRepayment(input: $in) { id } }`

// FK's repayments to the municipality are recorded by the municipality,
// several per case, and are ekonomiskt bistånd's information: FK, whose
// samtycke shares that class, sees them; AF and another förbund find
// neither them nor the case.
func TestOutcomes_RepaymentsAreTheMunicipalitysToRecord(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	repay := func(login string, amount int, paidOn string) gqlResponse {
		return postFor(t, srv, login, rehab, repaymentMutation,
			map[string]any{"in": map[string]any{"caseId": demoCaseID, "amountKronor": amount, "paidOn": paidOn}})
	}
	mustData(t, repay("soc.karlstad", 48_200, day(-30)), &struct{}{})
	mustData(t, repay("soc.karlstad", 12_500, day(-2)), &struct{}{})
	requireError(t, repay("soc.karlstad", 0, day(1)), "BAD_USER_INPUT",
		"the repayment cannot be recorded: amountKronor: 1 to 10000000 kronor; paidOn: a repayment cannot be paid in the future")
	requireError(t, repay("ph.fk", 100, day(0)), "FORBIDDEN", "")
	for _, login := range []string{"af.karlstad", "soc.eksjo"} {
		requireError(t, repay(login, 100, day(0)), "NOT_FOUND", "no such case")
	}

	read := func(login string) []struct {
		AmountKronor int
		PaidOn       string
	} {
		var out struct {
			Node *struct {
				Repayments []struct {
					AmountKronor int
					PaidOn       string
				}
			}
		}
		mustData(t, postFor(t, srv, login, rehab, `query($id: ID!) { node(id: $id) { ... on Case { repayments { amountKronor paidOn } } } }`,
			map[string]any{"id": demoCaseID}), &out)
		if out.Node == nil {
			return nil
		}
		return out.Node.Repayments
	}
	own := read("soc.karlstad")
	require.Len(t, own, 2)
	require.Equal(t, 48_200, own[0].AmountKronor, "in the order paid")
	require.Equal(t, day(-2), own[1].PaidOn)
	require.Len(t, read("ph.fk"), 2, "FK's samtycke shares KOMMUN_EKONOMISKT_BISTAND")
	require.Nil(t, read("af.karlstad"))
	require.Nil(t, read("soc.eksjo"))
}

// A person who comes back within a year of a closed case has the new case
// linked to the earlier one; a case of a person with no closed case is
// not linked.
func TestOutcomes_ANewCaseWithinAYearOfClosureReactualisesTheEarlier(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	open := func() string {
		t.Helper()
		var out struct{ OpenCase struct{ ID string } }
		mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: OpenCaseInput!) { openCase(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"individualId": demoIndividualID, "federationId": relay.ID(relay.TypeFederation, demo.ID("federation/samspelet")),
				"sgi": "NO", "onForsorjningsstod": true, "healthObstacle": true, "careContact": true, "afStatus": "UNKNOWN"}}), &out)
		return out.OpenCase.ID
	}
	reactualises := func(login, caseID string) *struct{ ID string } {
		t.Helper()
		var out struct {
			Node *struct{ Reactualises *struct{ ID string } }
		}
		mustData(t, postFor(t, srv, login, rehab, `query($id: ID!) { node(id: $id) { ... on Case { reactualises { id } } } }`,
			map[string]any{"id": caseID}), &out)
		if out.Node == nil {
			return nil
		}
		return out.Node.Reactualises
	}
	require.Nil(t, reactualises("soc.karlstad", demoCaseID), "the demo case re-actualises nothing")

	mustData(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": map[string]any{
		"caseId": demoCaseID, "to": "AVSLUTAD", "closure": map[string]any{"reason": "ARBETE", "outcome": "EGEN_FORSORJNING"}}}), &struct{}{})
	again := open()
	got := reactualises("soc.karlstad", again)
	require.NotNil(t, got)
	require.Equal(t, demoCaseID, got.ID)
	fk := reactualises("ph.fk", again)
	require.NotNil(t, fk, "FK's samtycke shares the person, and so both cases")
	require.Equal(t, demoCaseID, fk.ID)
	var logged int
	require.NoError(t, b.db.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM personal_data_access WHERE user_id = 'ph.fk' AND object_id = $1`, demoCaseID).Scan(&logged))
	require.Positive(t, logged, "FK's read of the earlier case is a row of the person's loggutdrag")
	require.Nil(t, reactualises("af.karlstad", again), "AF sees neither case")
}

// The closing step records the benefit granted; Case.outcome sums up the
// closure with every route the case took, for whom the step's details
// (KOMMUN_PLANERING) are shared.
func TestOutcomes_TheClosureRecordsTheBenefitAndTheRoutesTaken(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	toPlanning(t, srv)
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": map[string]any{
		"caseId": demoCaseID, "to": "VAG_VALD", "routes": []string{"FK_SAMORDNING", "FORTSATT_BEHANDLING"}}}), &struct{}{})
	closing := map[string]any{"caseId": demoCaseID, "to": "AVSLUTAD", "closure": map[string]any{
		"reason": "ERSATTNING_BEVILJAD", "outcome": "RATT_ERSATTNING", "benefit": map[string]any{"kind": "AKTIVITETSERSATTNING", "from": day(10)}}}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": closing}), &struct{}{})

	read := func(login string) *struct {
		Reason      string
		Outcome     string
		RoutesTaken []string
		Benefit     *struct{ Kind, From string }
	} {
		var out struct {
			Node *struct {
				Outcome *struct {
					Reason      string
					Outcome     string
					RoutesTaken []string
					Benefit     *struct{ Kind, From string }
				}
			}
		}
		mustData(t, postFor(t, srv, login, rehab, `query($id: ID!) { node(id: $id) { ... on Case {
			outcome { reason outcome routesTaken benefit { kind from } } } } }`, map[string]any{"id": demoCaseID}), &out)
		if out.Node == nil {
			return nil
		}
		return out.Node.Outcome
	}
	own := read("soc.karlstad")
	require.NotNil(t, own)
	require.Equal(t, "ERSATTNING_BEVILJAD", own.Reason)
	require.Equal(t, "RATT_ERSATTNING", own.Outcome)
	require.Equal(t, []string{"FK_SAMORDNING", "FORTSATT_BEHANDLING"}, own.RoutesTaken)
	require.Equal(t, "AKTIVITETSERSATTNING", own.Benefit.Kind)
	require.Equal(t, day(10), own.Benefit.From)
	require.Equal(t, own, read("ph.fk"), "FK's samtycke shares KOMMUN_PLANERING")
	require.Nil(t, read("af.karlstad"))
	require.Nil(t, read("soc.eksjo"))
}
