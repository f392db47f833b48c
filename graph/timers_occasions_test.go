package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// stockholmDay is the Swedish calendar day offset days from today, as
// the hub's SQL (hub_today()) counts days.
func stockholmDay(offset int) string {
	return tenancy.DayOf(time.Now()).AddDate(0, 0, offset).Format(time.DateOnly)
}

// jobRecords counts the audit records of the timers' operation name,
// read as the tables' owner.
func jobRecords(t *testing.T, b *testBundle, name string) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM audit_records WHERE operation_type = 'job' AND operation_name = $1`, name).Scan(&n))
	return n
}

// reminders is the lead unit's inbox of reminders, as soc.karlstad
// (Ekonomiskt bistånd, the lead unit of the cases opened there) sees it.
func reminders(t *testing.T, srv *testServer) []taskResult {
	t.Helper()
	return listTasks(t, srv, "soc.karlstad", `(kind: PAMINNELSE)`).Tasks.Nodes
}

// caseKey is the uuid of a case's global id.
func caseKey(t *testing.T, id string) uuid.UUID {
	t.Helper()
	_, key, err := relay.ParseID(id)
	require.NoError(t, err)
	return key
}

// stepDemoCase moves the demo case one step, as soc.karlstad.
func stepDemoCase(t *testing.T, srv *testServer, in map[string]any) {
	t.Helper()
	in["caseId"] = demoCaseID
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, transitionMutation, map[string]any{"in": in}), &transitionResult{})
}

// demoCaseToVantar takes the demo case through the default routine to
// VANTAR, waiting for what until the day until.
func demoCaseToVantar(t *testing.T, srv *testServer, what, until string) {
	t.Helper()
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: ScreenCaseInput!) { screenCase(input: $in) { case { state } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "answers": eligibleAnswers()}}), &struct{}{})
	for _, to := range []string{"SCREENAD", "KARTLAGGNING", "SAMTYCKE"} {
		stepDemoCase(t, srv, map[string]any{"to": to})
	}
	stepDemoCase(t, srv, map[string]any{"to": "UNDERLAG", "parties": []map[string]any{{"organizationId": fkID}}})
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"individualId": demoIndividualID, "kind": "OSL_SEKRETESSBRYTANDE", "purposes": []string{"SIP"},
			"grants":  []map[string]any{{"organizationId": fkID, "classes": []string{"KOMMUN_PLANERING"}}},
			"givenBy": "PERSON", "validFrom": day(-1), "validUntil": day(365), "evidence": "WRITTEN", "formReference": "SIP-samtycke 1",
			"requestedById": fkID}}), &struct{}{})
	stepDemoCase(t, srv, map[string]any{"to": "GEMENSAM_PLANERING", "parties": []map[string]any{{"organizationId": fkID}}})
	stepDemoCase(t, srv, map[string]any{"to": "VAG_VALD", "routes": []string{"FK_SAMORDNING"}})
	stepDemoCase(t, srv, map[string]any{"to": "VANTAR", "wait": map[string]any{"what": what, "expectedUntil": until}})
}

// The end of a wait: the demo case, through the default routine to
// VANTAR with what it waits for and until when, reminds its lead unit
// once when that day has passed, naming the wait, however often the scan
// runs; a new wait is a new occasion, reminded of once in turn.
func TestTimers_TheEndOfAWaitRemindsOncePerWait(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	s := timerService(t, b)
	step := func(in map[string]any) { t.Helper(); stepDemoCase(t, srv, in) }
	// endWait makes the case's latest wait end on day (the API takes only
	// days after today).
	endWait := func(day string) {
		t.Helper()
		tag, err := b.db.Pool.Exec(ctx, `UPDATE case_transitions SET wait_until = $2::date WHERE id = (
			SELECT id FROM case_transitions WHERE case_id = $1 AND to_state = 'VANTAR' ORDER BY at DESC, id DESC LIMIT 1)`,
			demo.DemoCase, day)
		require.NoError(t, err)
		require.EqualValues(t, 1, tag.RowsAffected())
	}

	demoCaseToVantar(t, srv, "FK:s beslut om samordning", day(30))

	none, err := s.Remind(ctx)
	require.NoError(t, err)
	require.Zero(t, none.Written, "the wait has not ended")

	// The wait ends.
	endWait(stockholmDay(-3))
	runJob(t, b, s, timers.RemindArgs{})
	again, err := s.Remind(ctx)
	require.NoError(t, err)
	require.Zero(t, again.Written, "each wait reminds once")

	inbox := reminders(t, srv)
	require.Len(t, inbox, 1)
	r := inbox[0]
	require.Equal(t, demoCaseID, r.Case.ID)
	require.Equal(t, "SKICKAD", r.State)
	require.Equal(t, "Ekonomiskt bistånd", r.RecipientUnit.Name, "the case's lead unit")
	require.Equal(t, "Den förväntade väntetiden har gått ut", *r.Subject)
	require.Contains(t, *r.Body, "Ärendet väntar på FK:s beslut om samordning, som väntades vara klart senast "+stockholmDay(-3))
	require.Equal(t, "job:"+timers.RemindJob, r.History[0].UserID)
	require.Equal(t, 1, jobRecords(t, b, timers.RemindJob+" WAIT_ENDED"), "the reminder is audited")

	// Follow-up, and a new wait: a new occasion once it ends, and only then.
	step(map[string]any{"to": "UPPFOLJNING"})
	step(map[string]any{"to": "VANTAR", "wait": map[string]any{"what": "Läkarintyg från vårdcentralen", "expectedUntil": day(20)}})
	none, err = s.Remind(ctx)
	require.NoError(t, err)
	require.Zero(t, none.Written, "the new wait has not ended, and the old one was reminded of")
	endWait(stockholmDay(-1))
	runJob(t, b, s, timers.RemindArgs{})
	again, err = s.Remind(ctx)
	require.NoError(t, err)
	require.Zero(t, again.Written)

	inbox = reminders(t, srv)
	require.Len(t, inbox, 2)
	require.Contains(t, *inbox[0].Body, "Ärendet väntar på Läkarintyg från vårdcentralen, som väntades vara klart senast "+stockholmDay(-1),
		"newest first: the new wait's reminder")
	require.Equal(t, 2, jobRecords(t, b, timers.RemindJob+" WAIT_ENDED"))
}

// AF's deregistration warning: a case whose person is INSKRIVEN at AF,
// with a sick-leave item the vårdcentral recorded under the demo
// samtycke, reminds the lead unit once the item is 30 days old, once; not
// before, and never for a person not INSKRIVEN (the demo case, whose own
// sick-leave item is as old).
func TestTimers_AFsDeregistrationWarningAfter30DaysOfSickLeave(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	s := timerService(t, b)
	// recordedOn dates an item's recording at noon of a Swedish day.
	recordedOn := func(itemID uuid.UUID, day string) {
		t.Helper()
		tag, err := b.db.Pool.Exec(ctx, `UPDATE case_items SET recorded_at = ($2::date + time '12:00') AT TIME ZONE 'Europe/Stockholm' WHERE id = $1`,
			itemID, day)
		require.NoError(t, err)
		require.EqualValues(t, 1, tag.RowsAffected())
	}

	// The demo case: AF status INTE_INSKRIVEN, a sick-leave item of 31 days.
	recordedOn(demo.ID("case-item/karlstad/kim/vc"), stockholmDay(-31))

	// A case of the same person, INSKRIVEN at AF.
	var opened struct{ OpenCase struct{ ID string } }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: OpenCaseInput!) { openCase(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"individualId": demoIndividualID, "federationId": relay.ID(relay.TypeFederation, demo.ID("federation/samspelet")),
			"sgi": "NO", "onForsorjningsstod": true, "healthObstacle": true, "careContact": true, "afStatus": "INSKRIVEN"}}), &opened)
	inskriven := opened.OpenCase.ID
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!, $o: ID!, $u: ID) { addCaseParticipant(caseId: $id, organizationId: $o, unitId: $u) { id } }`,
		map[string]any{"id": inskriven, "o": regionID, "u": gripenID}), &struct{}{})
	var added struct{ AddCaseItem struct{ ID string } }
	mustData(t, postFor(t, srv, "rehab.vc", rehab, `mutation($id: ID!) { addCaseItem(caseId: $id, class: VARD_SJUKSKRIVNING, summary: "Sjukskrivning 100 % från och med besöket.") { id } }`,
		map[string]any{"id": inskriven}), &added)
	item := caseKey(t, added.AddCaseItem.ID)

	// 10 days of sick leave: nothing yet, for either case.
	recordedOn(item, stockholmDay(-10))
	none, err := s.Remind(ctx)
	require.NoError(t, err)
	require.Zero(t, none.Written, "10 days is not 30, and the demo case's person is not INSKRIVEN")

	// 31 days: one warning, about the INSKRIVEN case.
	recordedOn(item, stockholmDay(-31))
	runJob(t, b, s, timers.RemindArgs{})
	again, err := s.Remind(ctx)
	require.NoError(t, err)
	require.Zero(t, again.Written, "the warning is given once")

	inbox := reminders(t, srv)
	require.Len(t, inbox, 1, "none for the demo case, whose person is not INSKRIVEN")
	r := inbox[0]
	require.Equal(t, inskriven, r.Case.ID)
	require.Equal(t, "Ekonomiskt bistånd", r.RecipientUnit.Name)
	require.Equal(t, "Inskriven hos Arbetsförmedlingen och sjukskriven i mer än 30 dagar", *r.Subject)
	require.Contains(t, *r.Body, "har en sjukskrivning registrerad i ärendet sedan "+stockholmDay(-31))
	require.NotContains(t, *r.Body, "Sjukskrivning 100 %", "the vårdcentral's item is not repeated")
	require.Equal(t, 1, jobRecords(t, b, timers.RemindJob+" AF_DEREGISTRATION"), "the reminder is audited")
	require.Zero(t, jobRecords(t, b, timers.RemindJob+" WAIT_ENDED")+jobRecords(t, b, timers.RemindJob+" NO_JOINT_PLANNING")+
		jobRecords(t, b, timers.RemindJob+" YEARLY_REVIEW"), "nothing else was due")
}

// An escalation no samtycke allows: FK Karlstad's entry falls back to AF
// Karlstad's, which no samtycke of the person names. The overdue
// application stays at FK Karlstad, overdue, with no ESCALATED step;
// AF sees nothing; the job's audit record (once, however often it scans)
// says why.
func TestTimers_AnEscalationNoSamtyckeAllowsStaysAndIsAuditedOnce(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	s := timerService(t, b)
	_, err := b.db.Pool.Exec(ctx, `UPDATE directory_entries SET fallback_entry_id = $2 WHERE id = $1`,
		demo.ID("entry/fk-samspelet"), demo.ID("entry/af-samspelet"))
	require.NoError(t, err)

	sent := createTask(t, srv, "soc.karlstad", ansokan())
	require.Equal(t, "Försäkringskassan Karlstad", sent.RecipientUnit.Name)
	_, err = b.db.Pool.Exec(ctx, `UPDATE tasks SET due_on = current_date - 3 WHERE id = $1`, caseKey(t, sent.ID))
	require.NoError(t, err)

	runJob(t, b, s, timers.EscalateArgs{})

	var got escalatedTask
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, escalatedQuery, map[string]any{"id": sent.ID}), &got)
	require.Zero(t, got.Node.EscalationLevel)
	require.Equal(t, "SKICKAD", got.Node.State)
	require.True(t, got.Node.Overdue, "the sender sees it still overdue")
	require.Equal(t, "Försäkringskassan Karlstad", got.Node.RecipientUnit.Name, "where it was")
	require.Equal(t, "Samordning av rehabilitering för personer utan SGI", got.Node.RoutedTo.FunctionName)
	for _, h := range got.Node.History {
		require.NotEqual(t, "ESCALATED", h.Kind)
	}
	require.Equal(t, demo.StoryInbox["af.karlstad"], listTasks(t, srv, "af.karlstad", "").Tasks.TotalCount, "AF sees nothing but the story's tasks")

	type record struct {
		OrgID     uuid.UUID
		UserID    string
		Decision  string
		Reason    *string
		ObjectIDs []string
	}
	records := func() []record {
		t.Helper()
		rows, err := b.db.Pool.Query(ctx, `SELECT org_id, user_id, decision, reason, object_ids FROM audit_records
			WHERE operation_type = 'job' AND operation_name = $1 ORDER BY at`, timers.EscalateJob)
		require.NoError(t, err)
		defer rows.Close()
		var out []record
		for rows.Next() {
			var r record
			require.NoError(t, rows.Scan(&r.OrgID, &r.UserID, &r.Decision, &r.Reason, &r.ObjectIDs))
			out = append(out, r)
		}
		require.NoError(t, rows.Err())
		return out
	}
	recs := records()
	require.Len(t, recs, 1, "the job says why, once")
	require.Equal(t, demo.ID("org/karlstad"), recs[0].OrgID, "as the sender")
	require.Equal(t, "job:"+timers.EscalateJob, recs[0].UserID)
	require.Equal(t, "DENIED", recs[0].Decision)
	require.Equal(t, []string{sent.ID}, recs[0].ObjectIDs)
	require.NotNil(t, recs[0].Reason)
	require.True(t, strings.HasPrefix(*recs[0].Reason, "not escalated to level 1, Arbetslivsinriktad rehabilitering, Arbetsförmedlingen Karlstad"), *recs[0].Reason)
	require.Contains(t, *recs[0].Reason, "no samtycke in force shares the person and KOMMUN_EKONOMISKT_BISTAND, KOMMUN_PLANERING with it for SAMORDNAD_REHABILITERING")

	// The next scans find it blocked again, and say nothing new.
	res, err := s.EscalateOverdue(ctx)
	require.NoError(t, err)
	require.Equal(t, timers.Escalation{Blocked: 1}, res)
	require.Len(t, records(), 1)
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, escalatedQuery, map[string]any{"id": sent.ID}), &got)
	require.Zero(t, got.Node.EscalationLevel)
	require.True(t, got.Node.Overdue)
}
