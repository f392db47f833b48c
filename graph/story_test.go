package graph_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// The story of the sources for one person in Karlstad, as issue 14's
// "done when" tells it, walked through the API as each party: the
// vårdcentral's signal → ekonomiskt bistånd's screening → the samtycke →
// a SAMSIP meeting with FK, AF and the vårdcentral (AF joining only once a
// samtycke names it) → a plan with insatser of three parties → the
// checklist behind an application for sjukersättning → the route chosen →
// closed with an outcome and FK's repayment. At each step the test asserts
// what each party sees and what it does not: Eksjö, in another förbund,
// never finds anything, and AF finds nothing until the person's samtycke
// names it.
//
// The hub lets no personal data travel without a samtycke, so the story
// starts where the sources' does in practice: the person, on
// försörjningsstöd, agrees that ekonomiskt bistånd and the vårdcentral may
// tell each other about the sick leave (a narrow samtycke), which is what
// the vårdcentral's signal needs.
func TestStory_OnePersonInKarlstadFromTheSignalToAnFKRepayment(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	s := &story{t: t, srv: srv}
	afID := relay.ID(relay.TypeOrganization, demo.ID("org/af"))
	karlstadID := relay.ID(relay.TypeOrganization, demo.ID("org/karlstad"))

	// 1. Ekonomiskt bistånd knows the person (försörjningsstöd) and opens
	//    a case; the narrow samtycke lets the vårdcentral see that there is
	//    a case and send its signal.
	dashed, _ := testNumber(955)
	var reg struct{ RegisterIndividual struct{ ID string } }
	s.do("soc.karlstad", rehab, registerMutation, map[string]any{"in": map[string]any{
		"personnummer": dashed, "givenName": "Robin", "familyName": "Nilsson"}}, &reg)
	s.person = reg.RegisterIndividual.ID
	var opened struct{ OpenCase struct{ ID, State string } }
	s.do("soc.karlstad", rehab, `mutation($in: OpenCaseInput!) { openCase(input: $in) { id state } }`, map[string]any{"in": map[string]any{
		"individualId": s.person, "federationId": samspeletID, "sgi": "NO", "onForsorjningsstod": true,
		"healthObstacle": true, "careContact": true, "afStatus": "INTE_INSKRIVEN"}}, &opened)
	s.caseID = opened.OpenCase.ID
	require.Equal(t, "IDENTIFIERAD", opened.OpenCase.State)
	for _, login := range []string{"ph.fk", "af.karlstad", "rehab.vc", "soc.eksjo"} {
		s.requireNoCase(login, rehab)
	}
	s.samtycke("Samtycke vid ansökan om försörjningsstöd", []string{rehab}, []map[string]any{
		{"organizationId": regionID, "unitId": gripenID, "classes": []string{"KOMMUN_PLANERING"}},
		{"organizationId": karlstadID, "classes": []string{"VARD_SJUKSKRIVNING"}},
	})
	s.participant(regionID, gripenID)
	require.Equal(t, "IDENTIFIERAD", s.view("rehab.vc", rehab).State, "the vårdcentral sees the case the samtycke names it for")
	s.requireNoCase("ph.fk", rehab)
	s.requireNoCase("af.karlstad", rehab)

	// 2. The vårdcentral's signal reaches ekonomiskt bistånd's queue
	//    through en väg in; ekonomiskt bistånd takes it.
	var signal struct {
		CreateTask struct {
			ID                    string
			RecipientOrganization struct{ Name string }
			RecipientUnit         struct{ Name string }
		}
	}
	s.do("rehab.vc", rehab, `mutation($in: CreateTaskInput!) { createTask(input: $in) { id recipientOrganization { name } recipientUnit { name } } }`,
		map[string]any{"in": map[string]any{"kind": "SIGNAL_SJUKSKRIVNING", "caseId": s.caseID, "classes": []string{"VARD_SJUKSKRIVNING"},
			"subject": "Begäran om sjukskrivning", "body": "Patienten har försörjningsstöd och har begärt sjukskrivning."}}, &signal)
	require.Equal(t, "Karlstads kommun", signal.CreateTask.RecipientOrganization.Name)
	require.Equal(t, "Ekonomiskt bistånd", signal.CreateTask.RecipientUnit.Name)
	for _, st := range []string{"MOTTAGEN", "ACCEPTERAD", "PAGAENDE", "KLAR"} {
		s.do("soc.karlstad", rehab, `mutation($in: UpdateTaskInput!) { updateTask(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"taskId": signal.CreateTask.ID, "state": st}}, &struct{}{})
	}
	var signalSeen struct{ Node *struct{ State string } }
	s.do("rehab.vc", rehab, `query($id: ID!) { node(id: $id) { ... on Task { state } } }`, map[string]any{"id": signal.CreateTask.ID}, &signalSeen)
	require.Equal(t, "KLAR", signalSeen.Node.State, "the vårdcentral sees its signal handled")
	s.do("af.karlstad", rehab, `query($id: ID!) { node(id: $id) { ... on Task { state } } }`, map[string]any{"id": signal.CreateTask.ID}, &signalSeen)
	require.Nil(t, signalSeen.Node, "AF does not see the signal")

	// 3. Ekonomiskt bistånd screens the case: the person is in the
	//    target group; the kartläggning starts.
	s.do("soc.karlstad", rehab, `mutation($in: ScreenCaseInput!) { screenCase(input: $in) { case { id } } }`,
		map[string]any{"in": map[string]any{"caseId": s.caseID, "answers": eligibleAnswers()}}, &struct{}{})
	s.step(map[string]any{"to": "SCREENAD"})
	s.step(map[string]any{"to": "KARTLAGGNING", "reason": "Kartläggning av arbetsförmåga och vårdkontakter."})
	s.step(map[string]any{"to": "SAMTYCKE"})

	// 4. The samtycke for the joint work, for samordnad rehabilitering and
	//    SIP, names FK and the vårdcentral, not AF.
	s.samtycke("Samtycke samverkan och SAMSIP", []string{rehab, sipPurpose}, []map[string]any{
		{"organizationId": fkID, "classes": []string{"KOMMUN_EKONOMISKT_BISTAND", "KOMMUN_PLANERING", "VARD_SJUKSKRIVNING"}},
		{"organizationId": regionID, "unitId": gripenID, "classes": []string{"KOMMUN_PLANERING", "FK_SAMORDNING"}},
		{"organizationId": karlstadID, "classes": []string{"FK_SAMORDNING", "FK_BESLUT", "VARD_SJUKSKRIVNING", "VARD_REHABILITERING", "VARD_MEDICINSKT_UNDERLAG", "AF_INSATSER"}},
	})
	s.participant(fkID, "")
	s.step(map[string]any{"to": "UNDERLAG", "parties": []map[string]any{{"organizationId": fkID}, {"organizationId": regionID, "unitId": gripenID}}})
	require.Equal(t, "UNDERLAG", s.view("ph.fk", rehab).State)
	s.requireNoCase("af.karlstad", rehab)
	s.requireNoCase("af.karlstad", sipPurpose)

	// 5. A SAMSIP meeting inviting AF cannot be called while no samtycke
	//    names AF: refused, and not even FK's or the vårdcentral's kallelse
	//    is sent.
	meeting := map[string]any{"kind": "SIP_MOTE", "caseId": s.caseID, "subject": "SAMSIP för Robin",
		"agenda": "1. Robins mål\n2. Vem gör vad\n3. Uppföljning", "remoteUrl": "https://mote.example.se/samsip/robin",
		"role": "socialsekreterare", "invited": []map[string]any{
			{"organizationKind": "FK", "role": "personlig handläggare"},
			{"organizationKind": "AF", "role": "arbetsförmedlare"},
			{"organizationKind": "REGION", "role": "rehabkoordinator"}}}
	// startsIn has the meeting start d from now (whole seconds, later) and
	// last an hour.
	startsIn := func(d time.Duration) time.Time {
		start := time.Now().Add(d).Truncate(time.Second).Add(time.Second)
		meeting["startsAt"], meeting["endsAt"] = start.UTC().Format(time.RFC3339), start.Add(time.Hour).UTC().Format(time.RFC3339)
		return start
	}
	startsIn(time.Hour)
	r := postFor(t, srv, "soc.karlstad", sipPurpose, `mutation($in: ScheduleMeetingInput!) { scheduleMeeting(input: $in) { id } }`, map[string]any{"in": meeting})
	requireError(t, r, "FORBIDDEN", "invited[1] (AF)")
	require.Contains(t, r.Errors[0].Message, "nothing was sent")
	require.Empty(t, s.kallelser("ph.fk"), "FK got no kallelse from the refused meeting")
	require.Empty(t, s.kallelser("rehab.vc"))

	// The person agrees that AF joins: a samtycke naming AF. From now AF
	// sees the case, and the meeting is called with all three.
	s.samtycke("Samtycke SAMSIP, Arbetsförmedlingen", []string{rehab, sipPurpose}, []map[string]any{
		{"organizationId": afID, "classes": []string{"KOMMUN_PLANERING"}},
	})
	s.participant(afID, "")
	require.Equal(t, "UNDERLAG", s.view("af.karlstad", rehab).State)
	var called struct {
		ScheduleMeeting struct {
			ID      string
			Parties []struct {
				OrganizationName string
				KallelseTaskID   *string
			}
		}
	}
	// It starts in a few seconds, so that the story can record who came
	// (only once it has started) without waiting long.
	start := startsIn(3 * time.Second)
	s.do("soc.karlstad", sipPurpose, `mutation($in: ScheduleMeetingInput!) { scheduleMeeting(input: $in) { id parties { organizationName kallelseTaskId } } }`,
		map[string]any{"in": meeting}, &called)
	require.Len(t, called.ScheduleMeeting.Parties, 4, "Karlstad calls, FK, AF and the region are invited")
	for _, p := range called.ScheduleMeeting.Parties[1:] {
		require.NotNil(t, p.KallelseTaskID, p.OrganizationName)
	}
	for _, login := range []string{"ph.fk", "af.karlstad", "rehab.vc"} {
		require.Len(t, s.kallelser(login), 1, "%s has its kallelse in its queue", login)
		require.Equal(t, []string{"SIP_MOTE"}, s.meetingKinds(login), "%s sees the meeting", login)
	}
	s.step(map[string]any{"to": "GEMENSAM_PLANERING", "parties": []map[string]any{
		{"organizationId": fkID}, {"organizationId": afID}, {"organizationId": regionID, "unitId": gripenID}}})

	// Who came is recorded once the meeting has started, not before.
	attendance := map[string]any{"meetingId": called.ScheduleMeeting.ID, "person": "NARVARANDE", "parties": []map[string]any{
		{"organizationId": fkID, "attendance": "NARVARANDE"}, {"organizationId": afID, "attendance": "NARVARANDE"},
		{"organizationId": regionID, "attendance": "NARVARANDE"}}}
	if time.Now().Before(start) {
		requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, `mutation($in: RecordAttendanceInput!) { recordAttendance(input: $in) { id } }`,
			map[string]any{"in": attendance}), "BAD_USER_INPUT", "has not started")
	}
	time.Sleep(time.Until(start) + 100*time.Millisecond)
	s.do("soc.karlstad", sipPurpose, `mutation($in: RecordAttendanceInput!) { recordAttendance(input: $in) { id } }`,
		map[string]any{"in": attendance}, &struct{}{})

	// 6. The SAMSIP: the person's goals, insatser of Karlstad, FK, AF and
	//    the vårdcentral; the person agrees to it.
	var plan struct{ CreatePlan struct{ ID string } }
	s.do("soc.karlstad", sipPurpose, `mutation($in: CreatePlanInput!) { createPlan(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"caseId": s.caseID, "kind": "SAMSIP", "content": map[string]any{
			"goals":                               []string{"Jag vill få rätt ersättning och slippa söka försörjningsstöd varje månad.", "Jag vill må bättre i kroppen."},
			"whatMatters":                         "Att jag inte behöver berätta allt för varje myndighet.",
			"overallResponsibilityOrganizationId": karlstadID,
			"nextFollowUp":                        day(60),
			"participants":                        []string{"Robin Nilsson (personen)", "Ekonomiskt bistånd, Karlstad", "FK Karlstad", "Arbetsförmedlingen Karlstad", "Vårdcentralen Gripen"},
			"insatser": []map[string]any{
				{"huvudmanOrganizationId": karlstadID, "what": "Försörjningsstöd under utredningen", "firstActivity": "Månadsuppföljning", "startOn": day(0)},
				{"huvudmanOrganizationId": fkID, "what": "Samordning och utredning av rätten till sjukersättning", "firstActivity": "Avstämningsmöte", "startOn": day(7)},
				{"huvudmanOrganizationId": afID, "what": "Kartläggning av arbetsförmåga", "firstActivity": "Inskrivningssamtal", "startOn": day(14)},
				{"huvudmanOrganizationId": regionID, "huvudmanUnitId": gripenID, "what": "Läkarutlåtande och fysioterapi", "firstActivity": "Läkarbesök", "startOn": day(3)},
			}}}}, &plan)
	s.do("soc.karlstad", sipPurpose, `mutation($in: RecordPlanAgreementInput!) { recordPlanAgreement(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"planId": plan.CreatePlan.ID, "version": 1, "how": "ORAL"}}, &struct{}{})
	// Each party sees the insatser of its own and those whose class the
	// samtycke shares with it; the person's agreement stands for all.
	for _, c := range []struct {
		login   string
		classes []string
	}{
		{"soc.karlstad", []string{"KOMMUN_PLANERING", "FK_SAMORDNING", "AF_INSATSER", "VARD_REHABILITERING"}},
		{"ph.fk", []string{"KOMMUN_PLANERING", "FK_SAMORDNING"}},
		{"af.karlstad", []string{"KOMMUN_PLANERING", "AF_INSATSER"}},
		{"rehab.vc", []string{"KOMMUN_PLANERING", "FK_SAMORDNING", "VARD_REHABILITERING"}},
	} {
		v := s.view(c.login, sipPurpose)
		require.Len(t, v.Plans, 1, c.login)
		require.ElementsMatch(t, c.classes, v.Plans[0].Current.insatsClasses(), "the insatser %s sees", c.login)
		require.NotNil(t, v.Plans[0].Current.Agreement, c.login)
	}
	s.requireNoCase("soc.eksjo", sipPurpose)

	// 7. The checklist behind the application for sjukersättning: the
	//    läkarutlåtande asked of the vårdcentral, AF's record of
	//    rehabilitation asked of AF, all four received.
	application := map[string]any{"to": "VAG_VALD", "routes": []string{"ANSOKAN_ERSATTNING", "FK_SAMORDNING"}}
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": s.withCase(application)}),
		"BAD_USER_INPUT", "EVIDENCE_COMPLETE")
	var asked struct {
		RequestEvidence struct {
			Task struct{ RecipientOrganization struct{ Name string } }
		}
	}
	for kind, to := range map[string]string{"LAKARUTLATANDE": "Region Värmland", "AF_REHABILITERING": "Arbetsförmedlingen"} {
		s.do("soc.karlstad", rehab, `mutation($in: RequestEvidenceInput!) { requestEvidence(input: $in) { task { recipientOrganization { name } } } }`,
			map[string]any{"in": map[string]any{"caseId": s.caseID, "kind": kind}}, &asked)
		require.Equal(t, to, asked.RequestEvidence.Task.RecipientOrganization.Name, kind)
	}
	for _, kind := range []string{"LAKARUTLATANDE", "AF_REHABILITERING", "SJUKSKRIVNINGSHISTORIK", "SOCIALTJANSTENS_YTTRANDE"} {
		s.do("soc.karlstad", rehab, `mutation($in: RecordEvidenceInput!) { recordEvidence(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"caseId": s.caseID, "kind": kind, "receivedOn": day(0)}}, &struct{}{})
	}
	// FK sees the items of the classes shared with it (the sick-leave
	// history, the socialtjänst's statement), not that a läkarutlåtande
	// exists; AF and the vårdcentral the statement only.
	require.Equal(t, []string{"LAKARUTLATANDE:RECEIVED", "AF_REHABILITERING:RECEIVED", "SJUKSKRIVNINGSHISTORIK:RECEIVED", "SOCIALTJANSTENS_YTTRANDE:RECEIVED"},
		s.view("soc.karlstad", rehab).evidence())
	require.Equal(t, []string{"SJUKSKRIVNINGSHISTORIK:RECEIVED", "SOCIALTJANSTENS_YTTRANDE:RECEIVED"}, s.view("ph.fk", rehab).evidence())
	require.Equal(t, []string{"SOCIALTJANSTENS_YTTRANDE:RECEIVED"}, s.view("af.karlstad", rehab).evidence())
	require.Equal(t, []string{"SOCIALTJANSTENS_YTTRANDE:RECEIVED"}, s.view("rehab.vc", rehab).evidence())

	// 8. The route: the application for sjukersättning and FK's
	//    samordning; waiting for FK's decision; closed with sjukersättning
	//    granted, and FK's repayment of the försörjningsstöd paid meanwhile.
	s.step(application)
	s.step(map[string]any{"to": "VANTAR", "wait": map[string]any{"what": "Försäkringskassans beslut om sjukersättning", "expectedUntil": day(120)}})
	benefitFrom := time.Now().AddDate(0, 1, 0).Format("2006-01") + "-01"
	s.step(map[string]any{"to": "AVSLUTAD", "reason": "Sjukersättning beviljad.", "closure": map[string]any{
		"reason": "ERSATTNING_BEVILJAD", "outcome": "RATT_ERSATTNING", "benefit": map[string]any{"kind": "SJUKERSATTNING", "from": benefitFrom}}})
	s.do("soc.karlstad", rehab, `mutation($in: RecordRepaymentInput!) { recordRepayment(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"caseId": s.caseID, "amountKronor": 48200, "paidOn": day(0)}}, &struct{}{})

	own := s.view("soc.karlstad", rehab)
	require.Equal(t, "AVSLUTAD", own.State)
	require.NotNil(t, own.Outcome)
	require.Equal(t, "ERSATTNING_BEVILJAD", own.Outcome.Reason)
	require.Equal(t, "RATT_ERSATTNING", own.Outcome.Outcome)
	require.Equal(t, []string{"ANSOKAN_ERSATTNING", "FK_SAMORDNING"}, own.Outcome.RoutesTaken)
	require.Equal(t, "SJUKERSATTNING", own.Outcome.Benefit.Kind)
	require.Equal(t, benefitFrom, own.Outcome.Benefit.From)
	require.Equal(t, []int{48200}, own.repayments())
	require.Equal(t, []string{"IDENTIFIERAD", "SCREENAD", "KARTLAGGNING", "SAMTYCKE", "UNDERLAG", "GEMENSAM_PLANERING", "VAG_VALD", "VANTAR", "AVSLUTAD"},
		own.path())

	// At the end: FK sees the outcome and the repayment (ekonomiskt
	// bistånd's class is shared with it); AF and the vårdcentral see the
	// outcome (the municipality's planning) but not the repayment; Eksjö
	// finds nothing at all.
	fk := s.view("ph.fk", rehab)
	require.Equal(t, "AVSLUTAD", fk.State)
	require.NotNil(t, fk.Outcome)
	require.Equal(t, []int{48200}, fk.repayments())
	for _, login := range []string{"af.karlstad", "rehab.vc"} {
		v := s.view(login, rehab)
		require.Equal(t, "AVSLUTAD", v.State, login)
		require.NotNil(t, v.Outcome, login)
		require.Empty(t, v.repayments(), "%s does not see ekonomiskt bistånd's repayments", login)
	}
	s.requireNoCase("soc.eksjo", rehab)
	var eksjoMeetings meetingList
	s.do("soc.eksjo", sipPurpose, `{ meetings(first: 50) { totalCount nodes { id } } }`, nil, &eksjoMeetings)
	require.Zero(t, eksjoMeetings.Meetings.TotalCount)
}

// story is the state of TestStory and the steps it takes.
type story struct {
	t              *testing.T
	srv            *testServer
	person, caseID string
}

func (s *story) do(login, purpose, query string, vars map[string]any, out any) {
	s.t.Helper()
	mustData(s.t, postFor(s.t, s.srv, login, purpose, query, vars), out)
}

func (s *story) withCase(in map[string]any) map[string]any {
	in["caseId"] = s.caseID
	return in
}

// step moves the case as its lead, ekonomiskt bistånd.
func (s *story) step(in map[string]any) {
	s.t.Helper()
	var out transitionResult
	s.do("soc.karlstad", rehab, transitionMutation, map[string]any{"in": s.withCase(in)}, &out)
	require.Equal(s.t, in["to"], out.TransitionCase.Case.State)
}

// samtycke records, as Karlstad, a written samtycke given by the person.
func (s *story) samtycke(form string, purposes []string, grants []map[string]any) {
	s.t.Helper()
	s.do("soc.karlstad", rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"individualId": s.person, "kind": "OSL_SEKRETESSBRYTANDE", "purposes": purposes, "grants": grants,
		"givenBy": "PERSON", "validFrom": day(0), "validUntil": day(365), "evidence": "WRITTEN", "formReference": form,
		"requestedById": relay.ID(relay.TypeOrganization, demo.ID("org/karlstad"))}}, &struct{}{})
}

func (s *story) participant(org, unit string) {
	s.t.Helper()
	vars := map[string]any{"c": s.caseID, "o": org}
	q := `mutation($c: ID!, $o: ID!) { addCaseParticipant(caseId: $c, organizationId: $o) { id } }`
	if unit != "" {
		vars["u"] = unit
		q = `mutation($c: ID!, $o: ID!, $u: ID) { addCaseParticipant(caseId: $c, organizationId: $o, unitId: $u) { id } }`
	}
	s.do("soc.karlstad", rehab, q, vars, &struct{}{})
}

// storyView is what a party sees of the case under one purpose.
type storyView struct {
	State       string
	Transitions []struct{ To string }
	Plans       []struct{ Current storyPlanVersion }
	Evidence    []struct{ Kind, Status string }
	Repayments  []struct{ AmountKronor int }
	Outcome     *struct {
		Reason, Outcome string
		RoutesTaken     []string
		Benefit         *struct{ Kind, From string }
	}
}

type storyPlanVersion struct {
	Insatser  []struct{ Class string }
	Agreement *struct{ How string }
}

func (v storyPlanVersion) insatsClasses() []string {
	var out []string
	for _, in := range v.Insatser {
		out = append(out, in.Class)
	}
	return out
}

func (v *storyView) evidence() []string {
	var out []string
	for _, it := range v.Evidence {
		out = append(out, it.Kind+":"+it.Status)
	}
	return out
}

func (v *storyView) repayments() []int {
	var out []int
	for _, r := range v.Repayments {
		out = append(out, r.AmountKronor)
	}
	return out
}

func (v *storyView) path() []string {
	var out []string
	for _, tr := range v.Transitions {
		out = append(out, tr.To)
	}
	return out
}

// storyCaseQuery is what a party reads of the case under each purpose:
// plans are read under SIP only.
var storyCaseQuery = map[string]string{
	rehab: `query($id: ID!) { node(id: $id) { ... on Case { state transitions { to }
	evidence { kind status } repayments { amountKronor }
	outcome { reason outcome routesTaken benefit { kind from } } } } }`,
	sipPurpose: `query($id: ID!) { node(id: $id) { ... on Case { state plans { current { insatser { class } agreement { how } } } } } }`,
}

// view reads the case as login under purpose; the case must be visible.
func (s *story) view(login, purpose string) *storyView {
	s.t.Helper()
	var out struct{ Node *storyView }
	s.do(login, purpose, storyCaseQuery[purpose], map[string]any{"id": s.caseID}, &out)
	require.NotNil(s.t, out.Node, "%s should see the case under %s", login, purpose)
	return out.Node
}

// requireNoCase requires that login does not find the case: node(id) is
// null and no list holds it, exactly as if it did not exist.
func (s *story) requireNoCase(login, purpose string) {
	s.t.Helper()
	var out struct{ Node *storyView }
	s.do(login, purpose, storyCaseQuery[purpose], map[string]any{"id": s.caseID}, &out)
	require.Nil(s.t, out.Node, "%s must not see the case under %s", login, purpose)
	var cases struct {
		Cases struct{ Nodes []struct{ ID string } }
	}
	s.do(login, purpose, `{ cases(first: 100) { nodes { id } } }`, nil, &cases)
	require.False(s.t, slices.ContainsFunc(cases.Cases.Nodes, func(c struct{ ID string }) bool { return c.ID == s.caseID }),
		"%s must not list the case", login)
}

// kallelser are the KALLELSE_SIP tasks about the case in login's inbox
// (the demo's story has a kallelse of its own in each party's inbox).
func (s *story) kallelser(login string) []string {
	s.t.Helper()
	var out struct {
		Tasks struct{ Nodes []struct{ ID string } }
	}
	s.do(login, sipPurpose, `query($case: ID!) { tasks(box: INBOX, kind: KALLELSE_SIP, caseId: $case, first: 50) { nodes { id } } }`,
		map[string]any{"case": s.caseID}, &out)
	var ids []string
	for _, n := range out.Tasks.Nodes {
		ids = append(ids, n.ID)
	}
	return ids
}

// meetingKinds are the kinds of the case's meetings that login sees under
// the purpose SIP.
func (s *story) meetingKinds(login string) []string {
	s.t.Helper()
	var out struct {
		Node *struct{ Meetings []struct{ Kind string } }
	}
	s.do(login, sipPurpose, `query($id: ID!) { node(id: $id) { ... on Case { meetings { kind } } } }`, map[string]any{"id": s.caseID}, &out)
	require.NotNil(s.t, out.Node, login)
	var kinds []string
	for _, m := range out.Node.Meetings {
		kinds = append(kinds, m.Kind)
	}
	return kinds
}
