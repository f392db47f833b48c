package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

const createTaskMutation = `mutation($in: CreateTaskInput!) { createTask(input: $in) {
	id kind state subject body withdrawn dueOn overdue classes topic municipalityCode
	case { id }
	senderOrganization { name } recipientOrganization { name } recipientUnit { name }
	routedTo { id functionName }
	history { kind from to userId routedTo { functionName } }
} }`

const taskFields = `id kind state subject body withdrawn rejectReason case { id } recipientUnit { name }
	assignee { userId name } history { kind from to userId note }`

type taskResult struct {
	ID                    string
	Kind                  string
	State                 string
	Subject               *string
	Body                  *string
	Withdrawn             bool
	RejectReason          *string
	DueOn                 string
	Classes               []string
	Topic                 string
	MunicipalityCode      string
	Case                  *struct{ ID string }
	SenderOrganization    struct{ Name string }
	RecipientOrganization struct{ Name string }
	RecipientUnit         *struct{ Name string }
	RoutedTo              *struct{ ID, FunctionName string }
	Assignee              *struct{ UserID, Name string }
	History               []struct {
		Kind     string
		From     *string
		To       string
		UserID   string
		Note     *string
		RoutedTo *struct{ FunctionName string }
	}
}

func createTask(t *testing.T, srv *testServer, login string, in map[string]any) taskResult {
	t.Helper()
	var out struct{ CreateTask taskResult }
	mustData(t, postFor(t, srv, login, rehab, createTaskMutation, map[string]any{"in": in}), &out)
	return out.CreateTask
}

func updateTask(t *testing.T, srv *testServer, login string, in map[string]any) taskResult {
	t.Helper()
	var out struct{ UpdateTask taskResult }
	mustData(t, postFor(t, srv, login, rehab, `mutation($in: UpdateTaskInput!) { updateTask(input: $in) { `+taskFields+` } }`,
		map[string]any{"in": in}), &out)
	return out.UpdateTask
}

type taskList struct {
	Tasks struct {
		TotalCount int
		Nodes      []taskResult
	}
}

func listTasks(t *testing.T, srv *testServer, login, args string) taskList {
	t.Helper()
	var out taskList
	mustData(t, postFor(t, srv, login, rehab, `{ tasks`+args+` { totalCount nodes { `+taskFields+` } } }`, nil), &out)
	return out
}

func signal() map[string]any {
	return map[string]any{"kind": "SIGNAL_SJUKSKRIVNING", "caseId": demoCaseID, "classes": []string{"VARD_SJUKSKRIVNING"},
		"subject": "Begäran om sjukskrivning", "body": "Patienten har begärt sjukskrivning vid besök 2026-12-01."}
}

func ansokan() map[string]any {
	return map[string]any{"kind": "ANSOKAN_SAMORDNAD_REHABILITERING", "caseId": demoCaseID,
		"classes": []string{"KOMMUN_EKONOMISKT_BISTAND", "KOMMUN_PLANERING"},
		"subject": "Ansökan om samordnad rehabilitering (7434)", "body": "Försörjningsstöd sedan mars 2025, ingen SGI."}
}

// The done-when scenario of issue 13 §3, end to end through GraphQL: the
// vårdcentral's signal reaches Karlstad's ekonomiskt bistånd through en
// väg in, is received and accepted there; ekonomiskt bistånd's application
// reaches FK Karlstad's queue; AF, which no samtycke names, can neither
// see them nor be sent one.
func TestTasks_TheDemoSignalAndApplicationReachTheirQueuesAndAFSeesNothing(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)

	sent := createTask(t, srv, "rehab.vc", signal())
	require.Equal(t, "SKICKAD", sent.State)
	require.Equal(t, "EKONOMISKT_BISTAND", sent.Topic, "the kind's topic")
	require.Equal(t, "1780", sent.MunicipalityCode, "the case's municipality")
	require.Equal(t, "Karlstads kommun", sent.RecipientOrganization.Name)
	require.Equal(t, "Ekonomiskt bistånd", sent.RecipientUnit.Name)
	require.Equal(t, relay.ID(relay.TypeDirectoryEntry, demo.ID("entry/eb-karlstad")), sent.RoutedTo.ID, "routed to a function, never a person")
	require.Equal(t, "Region Värmland", sent.SenderOrganization.Name)
	require.Len(t, sent.History, 1)
	require.Equal(t, "CREATED", sent.History[0].Kind)
	require.Equal(t, "rehab.vc", sent.History[0].UserID)
	require.NotEmpty(t, sent.DueOn)

	inbox := listTasks(t, srv, "soc.karlstad", "")
	require.Equal(t, 1+demo.StoryInbox["soc.karlstad"], inbox.Tasks.TotalCount, "the signal, and the story's (done) before it")
	got := inbox.Tasks.Nodes[0]
	require.Equal(t, sent.ID, got.ID)
	require.False(t, got.Withdrawn)
	require.Equal(t, "Begäran om sjukskrivning", *got.Subject)
	require.Equal(t, demoCaseID, got.Case.ID)

	updateTask(t, srv, "soc.karlstad", map[string]any{"taskId": sent.ID, "state": "MOTTAGEN"})
	accepted := updateTask(t, srv, "soc.karlstad", map[string]any{"taskId": sent.ID, "state": "ACCEPTERAD", "assignToMe": true})
	require.Equal(t, "ACCEPTERAD", accepted.State)
	require.Equal(t, "soc.karlstad", accepted.Assignee.UserID)
	var kinds []string
	for _, e := range accepted.History {
		kinds = append(kinds, e.Kind+":"+e.To)
	}
	require.Equal(t, []string{"CREATED:SKICKAD", "STATE:MOTTAGEN", "STATE:ACCEPTERAD", "ASSIGNED:ACCEPTERAD"}, kinds)

	var seen struct{ Node *taskResult }
	mustData(t, postFor(t, srv, "rehab.vc", rehab, `query($id: ID!) { node(id: $id) { ... on Task { state history { kind } } } }`,
		map[string]any{"id": sent.ID}), &seen)
	require.Equal(t, "ACCEPTERAD", seen.Node.State, "the sender sees where its task is")

	app := createTask(t, srv, "soc.karlstad", ansokan())
	require.Equal(t, "Försäkringskassan", app.RecipientOrganization.Name)
	require.Equal(t, "Försäkringskassan Karlstad", app.RecipientUnit.Name)
	fk := listTasks(t, srv, "ph.fk", "")
	require.Equal(t, 1+demo.StoryInbox["ph.fk"], fk.Tasks.TotalCount)
	require.Equal(t, app.ID, fk.Tasks.Nodes[0].ID)
	require.Equal(t, "Ansökan om samordnad rehabilitering (7434)", *fk.Tasks.Nodes[0].Subject)
	sentByKarlstad := listTasks(t, srv, "soc.karlstad", "(box: SENT)")
	require.Equal(t, 1+demo.StorySent["soc.karlstad"], sentByKarlstad.Tasks.TotalCount)

	// AF: nothing about Kim in its inbox (only the story's tasks about
	// Robin, whose samtycke names AF), neither task by id, and no task
	// about Kim can be sent to it.
	require.Equal(t, demo.StoryInbox["af.karlstad"], listTasks(t, srv, "af.karlstad", "").Tasks.TotalCount)
	require.Zero(t, listTasks(t, srv, "af.karlstad", `(caseId: "`+demoCaseID+`")`).Tasks.TotalCount)
	require.Zero(t, listTasks(t, srv, "af.karlstad", "(box: SENT)").Tasks.TotalCount)
	for _, id := range []string{sent.ID, app.ID} {
		var none struct{ Node *struct{ ID string } }
		mustData(t, postFor(t, srv, "af.karlstad", rehab, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}), &none)
		require.Nil(t, none.Node)
		requireError(t, postFor(t, srv, "af.karlstad", rehab, `mutation($id: ID!) { updateTask(input: {taskId: $id, state: MOTTAGEN}) { id } }`,
			map[string]any{"id": id}), "NOT_FOUND", "no such task")
	}
	toAF := map[string]any{"kind": "AF_INSKRIVNING", "caseId": demoCaseID, "classes": []string{"KOMMUN_PLANERING"}, "subject": "Inskrivning"}
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, createTaskMutation, map[string]any{"in": toAF}), "FORBIDDEN",
		"no samtycke in force shares the person and KOMMUN_PLANERING with Arbetsförmedlingen (Arbetsförmedlingen Karlstad) for SAMORDNAD_REHABILITERING")
	// Others outside the task: a kommun of another förbund, another unit of the sender's region.
	require.Zero(t, listTasks(t, srv, "soc.eksjo", "").Tasks.TotalCount)
	require.Zero(t, listTasks(t, srv, "koord.karlstad", "").Tasks.TotalCount, "another unit's queue")
}

// A revoked samtycke hides a task's personal content from the recipient
// on the very next request; what is left says a task was withdrawn.
func TestTasks_RevocationHidesTheContentAtOnceAndLeavesTheRemainder(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	app := createTask(t, srv, "soc.karlstad", ansokan())
	before := listTasks(t, srv, "ph.fk", "")
	require.False(t, before.Tasks.Nodes[0].Withdrawn)
	require.NotNil(t, before.Tasks.Nodes[0].Body)

	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "Personen återkallade samtycket") { id } }`,
		map[string]any{"id": demoConsentID}), &struct{}{})

	after := listTasks(t, srv, "ph.fk", "")
	require.Equal(t, 1+demo.StoryInbox["ph.fk"], after.Tasks.TotalCount, "the task is still there (and the story's kallelse)")
	got := after.Tasks.Nodes[0]
	require.Equal(t, app.ID, got.ID)
	require.True(t, got.Withdrawn)
	require.Nil(t, got.Subject)
	require.Nil(t, got.Body)
	require.Nil(t, got.Case)
	require.Equal(t, "ANSOKAN_SAMORDNAD_REHABILITERING", got.Kind)
	require.Equal(t, "SKICKAD", got.State)
	require.Zero(t, listTasks(t, srv, "ph.fk", `(caseId: "`+demoCaseID+`")`).Tasks.TotalCount, "a hidden task names no case")

	// The sender still sees what it wrote; the recipient can still answer it.
	mine := listTasks(t, srv, "soc.karlstad", "(box: SENT)").Tasks.Nodes[0]
	require.False(t, mine.Withdrawn)
	require.NotNil(t, mine.Body)
	updateTask(t, srv, "ph.fk", map[string]any{"taskId": app.ID, "state": "MOTTAGEN"})
	rejected := updateTask(t, srv, "ph.fk", map[string]any{"taskId": app.ID, "state": "AVVISAD", "reason": "Samtycket återkallat"})
	require.Equal(t, "AVVISAD", rejected.State)
	require.Equal(t, "Samtycket återkallat", *rejected.RejectReason, "the recipient sees what it wrote itself")
	require.True(t, rejected.Withdrawn, "though the sender's content stays hidden from it")
	// And a new task about the person cannot be sent.
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, createTaskMutation, map[string]any{"in": ansokan()}), "FORBIDDEN", "no samtycke in force")
}

// A KONSULTATION is de-identified: no case, no classes, no personnummer.
func TestTasks_KonsultationIsDeIdentified(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	in := map[string]any{"kind": "KONSULTATION", "topic": "ARBETSLIVSINRIKTAD_REHABILITERING", "municipalityCode": "1780",
		"subject": "Ärendedragning", "body": "Gäller 19850312-9804, kvinna 40 år"}
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, createTaskMutation, map[string]any{"in": in}), "BAD_USER_INPUT",
		"body: a KONSULTATION is de-identified: remove the personnummer")
	in["caseId"] = demoCaseID
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, createTaskMutation, map[string]any{"in": in}), "BAD_USER_INPUT",
		"caseId: a KONSULTATION is de-identified: it names no case or person")
	require.Zero(t, countTasks(t, b), "nothing half-written")

	delete(in, "caseId")
	in["body"] = "Kvinna 40 år, sjukskriven sedan mars, vill pröva arbetsträning. Vad kan AF erbjuda?"
	k := createTask(t, srv, "soc.karlstad", in)
	require.Equal(t, "Arbetsförmedlingen", k.RecipientOrganization.Name, "no samtycke needed")
	require.Nil(t, k.Case)
	inbox := listTasks(t, srv, "af.karlstad", "")
	require.Equal(t, 1+demo.StoryInbox["af.karlstad"], inbox.Tasks.TotalCount)
	require.False(t, inbox.Tasks.Nodes[0].Withdrawn)
	require.Equal(t, in["body"], *inbox.Tasks.Nodes[0].Body)
}

// An invalid change names the allowed ones; a change from the wrong side
// or of a task one cannot see is refused.
func TestTasks_AnInvalidChangeNamesTheAllowedOnes(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	sent := createTask(t, srv, "rehab.vc", signal())
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { updateTask(input: {taskId: $id, state: KLAR}) { id } }`,
		map[string]any{"id": sent.ID}), "BAD_USER_INPUT",
		"state: the task cannot go from SKICKAD to KLAR as the recipient: from SKICKAD it goes to MOTTAGEN (the recipient), AVBRUTEN (the sender)")
	requireError(t, postFor(t, srv, "rehab.vc", rehab, `mutation($id: ID!) { updateTask(input: {taskId: $id, state: MOTTAGEN}) { id } }`,
		map[string]any{"id": sent.ID}), "BAD_USER_INPUT", "as the sender")
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { updateTask(input: {taskId: $id, state: MOTTAGEN, reason: "x"}) { id } }`,
		map[string]any{"id": sent.ID}), "BAD_USER_INPUT", "reason: only a rejection (AVVISAD) takes a reason")
	cancelled := updateTask(t, srv, "rehab.vc", map[string]any{"taskId": sent.ID, "state": "AVBRUTEN"})
	require.Equal(t, "AVBRUTEN", cancelled.State)
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { updateTask(input: {taskId: $id, state: MOTTAGEN}) { id } }`,
		map[string]any{"id": sent.ID}), "BAD_USER_INPUT", "the task is AVBRUTEN, which is final")
}

// A principal of another organisation, or one a samtycke does not share
// the case with, gets NOT_FOUND from every task field.
func TestTasks_OthersGetNotFound(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	// soc.eksjo cannot see the demo case: sending about it is NOT_FOUND.
	requireError(t, postFor(t, srv, "soc.eksjo", rehab, createTaskMutation, map[string]any{"in": ansokan()}), "NOT_FOUND", "no such case")
	// af.karlstad may not see the demo case either.
	in := signal()
	in["classes"] = []string{"AF_INSKRIVNINGSSTATUS"}
	requireError(t, postFor(t, srv, "af.karlstad", rehab, createTaskMutation, map[string]any{"in": in}), "NOT_FOUND", "no such case")
	sent := createTask(t, srv, "rehab.vc", signal())
	for _, login := range []string{"soc.eksjo", "af.karlstad", "ph.fk"} {
		requireError(t, postFor(t, srv, login, rehab, `mutation($id: ID!) { updateTask(input: {taskId: $id, state: AVBRUTEN}) { id } }`,
			map[string]any{"id": sent.ID}), "NOT_FOUND", "no such task")
		var none struct{ Node *struct{ ID string } }
		mustData(t, postFor(t, srv, login, rehab, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": sent.ID}), &none)
		require.Nil(t, none.Node, login)
		require.Zero(t, listTasks(t, srv, login, "(box: SENT)").Tasks.TotalCount, login)
	}
}
