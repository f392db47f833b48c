package graph_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// A joint request (docs/tasks.md, "A joint request"): a
// BEGARAN_GEMENSAM_KARTLAGGNING that names no organisation kind goes to
// Försäkringskassan and Arbetsförmedlingen, one task each, all or nothing;
// the sender sees both linked (jointWith), each recipient only its own.

const jointFields = `id recipientOrganization { name } subject withdrawn
	jointWith { id kind recipientOrganization { name } recipientUnit { name } subject withdrawn case { id } jointWith { id } }`

type jointTask struct {
	ID                    string
	RecipientOrganization struct{ Name string }
	Subject               *string
	Withdrawn             bool
	JointWith             []struct {
		ID                    string
		Kind                  string
		RecipientOrganization struct{ Name string }
		RecipientUnit         *struct{ Name string }
		Subject               *string
		Withdrawn             bool
		Case                  *struct{ ID string }
		JointWith             []struct{ ID string }
	}
}

func kartlaggning() map[string]any {
	return map[string]any{"kind": "BEGARAN_GEMENSAM_KARTLAGGNING", "caseId": demoCaseID, "classes": []string{"KOMMUN_PLANERING"},
		"subject": "Begäran om gemensam kartläggning", "body": "Vi vill kartlägga Kims förutsättningar för arbete tillsammans med FK och AF."}
}

func sendJoint(t *testing.T, srv *testServer, in map[string]any) jointTask {
	t.Helper()
	var out struct{ CreateTask jointTask }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: CreateTaskInput!) { createTask(input: $in) { `+jointFields+` } }`,
		map[string]any{"in": in}), &out)
	return out.CreateTask
}

// inboxWithJoint lists the tasks about Kim's case in login's box (the
// demo story's tasks about Robin's are in FK's and AF's inboxes and in
// Karlstad's sent box too).
func inboxWithJoint(t *testing.T, srv *testServer, login, box string) []jointTask {
	t.Helper()
	var out struct{ Tasks struct{ Nodes []jointTask } }
	mustData(t, postFor(t, srv, login, rehab, `query($case: ID!) { tasks(box: `+box+`, caseId: $case) { nodes { `+jointFields+` } } }`,
		map[string]any{"case": demoCaseID}), &out)
	return out.Tasks.Nodes
}

// recordAFSamtycke records Kim's samtycke sharing KOMMUN_PLANERING with AF
// under SAMORDNAD_REHABILITERING (the demo's names FK, not AF), and
// returns its id.
func recordAFSamtycke(t *testing.T, srv *testServer) uuid.UUID {
	t.Helper()
	var rec struct{ RecordConsent struct{ ID string } }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"individualId": demoIndividualID, "kind": "OSL_SEKRETESSBRYTANDE", "purposes": []string{rehab},
			"grants":  []map[string]any{{"organizationId": relay.ID(relay.TypeOrganization, demo.ID("org/af")), "classes": []string{"KOMMUN_PLANERING"}}},
			"givenBy": "PERSON", "validFrom": time.Now().AddDate(0, 0, -1).Format("2006-01-02"), "validUntil": time.Now().AddDate(1, 0, 0).Format("2006-01-02"),
			"evidence": "ORAL", "witnessedBy": "Sara Lindqvist", "requestedById": relay.ID(relay.TypeOrganization, demo.ID("org/karlstad"))}}), &rec)
	_, id, err := relay.ParseID(rec.RecordConsent.ID)
	require.NoError(t, err)
	return id
}

// countTasks counts the tasks the test sent: all but the demo story's.
func countTasks(t *testing.T, b *testBundle) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM tasks WHERE case_id IS DISTINCT FROM $1`,
		demo.StoryCase).Scan(&n))
	return n
}

// Without a samtycke naming AF the joint request is refused as a whole,
// naming AF, and audited as DENIED; nothing reaches FK. With one, one task
// reaches FK's queue and one AF's, each live, each with its own samtycke
// in the loggutdrag, linked for the sender and for nobody else.
func TestTasks_AJointKartlaggningReachesFKAndAFOrNeither(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()

	requireError(t, postFor(t, srv, "soc.karlstad", rehab, createTaskMutation, map[string]any{"in": kartlaggning()}), "FORBIDDEN",
		"the task cannot be sent to AF: no samtycke in force shares the person and KOMMUN_PLANERING with Arbetsförmedlingen "+
			"(Arbetsförmedlingen Karlstad) for SAMORDNAD_REHABILITERING (a joint request goes to FK and AF together or not at all: nothing was sent)")
	require.Zero(t, countTasks(t, b), "nothing was written, not even FK's task")
	require.Empty(t, inboxWithJoint(t, srv, "ph.fk", "INBOX"))
	var decision, reason string
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT decision, reason FROM audit_records
		WHERE org_id = $1 AND operation_name = 'createTask' ORDER BY at DESC LIMIT 1`, demo.ID("org/karlstad")).Scan(&decision, &reason))
	require.Equal(t, "DENIED", decision)
	require.Contains(t, reason, "the task cannot be sent to AF: no samtycke in force")

	// A party en väg in has no function of for the topic refuses it too.
	in := kartlaggning()
	in["topic"] = "SJUKERSATTNING" // FK's, not AF's
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, createTaskMutation, map[string]any{"in": in}), "BAD_USER_INPUT",
		"the task cannot be sent to AF: en väg in has no function of another organisation for SJUKERSATTNING in municipality 1780")
	require.Zero(t, countTasks(t, b))

	afConsent := recordAFSamtycke(t, srv)
	fkFollows, afFollows := followTasks(t, srv, "ph.fk", "INBOX"), followTasks(t, srv, "af.karlstad", "INBOX")
	time.Sleep(300 * time.Millisecond) // the subscriptions are registered

	sent := sendJoint(t, srv, kartlaggning())
	require.Equal(t, "Försäkringskassan", sent.RecipientOrganization.Name, "createTask returns FK's task")
	require.Len(t, sent.JointWith, 1, "the sender sees the other task of its request")
	afTask := sent.JointWith[0]
	require.Equal(t, "BEGARAN_GEMENSAM_KARTLAGGNING", afTask.Kind)
	require.Equal(t, "Arbetsförmedlingen", afTask.RecipientOrganization.Name)
	require.Equal(t, "Arbetsförmedlingen Karlstad", afTask.RecipientUnit.Name, "routed through AF's entry")
	require.Equal(t, "Begäran om gemensam kartläggning", *afTask.Subject)
	require.Equal(t, demoCaseID, afTask.Case.ID)
	require.Equal(t, []struct{ ID string }{{sent.ID}}, afTask.JointWith, "and from there, FK's")
	require.Equal(t, 2, countTasks(t, b))

	// Each recipient hears of its own task as it is sent.
	for _, tc := range []struct {
		ws   *wsClient
		want string
	}{{fkFollows, sent.ID}, {afFollows, afTask.ID}} {
		ch, ok := taskEvent(t, tc.ws, 5*time.Second)
		require.True(t, ok)
		require.Equal(t, "CREATED", ch.Kind)
		require.Equal(t, tc.want, ch.Task.ID)
		require.Equal(t, "Begäran om gemensam kartläggning", *ch.Task.Subject)
		_, more := taskEvent(t, tc.ws, 300*time.Millisecond)
		require.False(t, more, "and of nothing else")
	}

	// Each recipient finds its own task in its inbox, with its content,
	// and nothing of the other party's.
	for login, want := range map[string]string{"ph.fk": sent.ID, "af.karlstad": afTask.ID} {
		inbox := inboxWithJoint(t, srv, login, "INBOX")
		require.Len(t, inbox, 1, login)
		require.Equal(t, want, inbox[0].ID, login)
		require.False(t, inbox[0].Withdrawn, login)
		require.Equal(t, "Begäran om gemensam kartläggning", *inbox[0].Subject, login)
		require.Empty(t, inbox[0].JointWith, "%s learns nothing of the other party's task", login)
	}
	for login, other := range map[string]string{"ph.fk": afTask.ID, "af.karlstad": sent.ID} {
		var none struct{ Node *struct{ ID string } }
		mustData(t, postFor(t, srv, login, rehab, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": other}), &none)
		require.Nil(t, none.Node, "%s cannot read the other party's task", login)
		requireError(t, postFor(t, srv, login, rehab, `mutation($id: ID!) { updateTask(input: {taskId: $id, state: MOTTAGEN}) { id } }`,
			map[string]any{"id": other}), "NOT_FOUND", "no such task")
	}
	var fkNode struct{ Node *jointTask }
	mustData(t, postFor(t, srv, "ph.fk", rehab, `query($id: ID!) { node(id: $id) { ... on Task { `+jointFields+` } } }`,
		map[string]any{"id": sent.ID}), &fkNode)
	require.Empty(t, fkNode.Node.JointWith, "nor through its own task read by id")

	// The sender's SENT box holds both, each linked to the other.
	sentBox := inboxWithJoint(t, srv, "soc.karlstad", "SENT")
	require.Len(t, sentBox, 2)
	for _, s := range sentBox {
		require.Len(t, s.JointWith, 1)
		require.NotEqual(t, s.ID, s.JointWith[0].ID)
	}

	// The audit: one record of the send naming both tasks, and a WRITE row
	// of Kim's loggutdrag for each, naming the samtycke it was sent under.
	var objectIDs []string
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT object_ids FROM audit_records
		WHERE org_id = $1 AND operation_name = 'createTask' AND decision = 'ALLOWED'`, demo.ID("org/karlstad")).Scan(&objectIDs))
	require.Subset(t, objectIDs, []string{sent.ID, afTask.ID})
	karlstad := demo.ID("org/karlstad")
	require.Equal(t, accessRow{Action: "WRITE", ConsentID: &demo.DemoConsent}, accessRows(t, b, karlstad, sent.ID)[0])
	require.Equal(t, accessRow{Action: "WRITE", ConsentID: &afConsent}, accessRows(t, b, karlstad, afTask.ID)[0])
}

// With organizationKind the request is a single task, as before, linked
// to nothing.
func TestTasks_AKartlaggningNamingAnOrganizationKindIsOneTask(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	in := kartlaggning()
	in["organizationKind"] = "FK"
	toFK := sendJoint(t, srv, in)
	require.Equal(t, "Försäkringskassan", toFK.RecipientOrganization.Name)
	require.Empty(t, toFK.JointWith)
	require.Equal(t, 1, countTasks(t, b), "AF, which no samtycke names, was not asked")

	in["organizationKind"] = "AF"
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, createTaskMutation, map[string]any{"in": in}), "FORBIDDEN",
		"the task cannot be sent: no samtycke in force shares the person and KOMMUN_PLANERING with Arbetsförmedlingen (Arbetsförmedlingen Karlstad) for SAMORDNAD_REHABILITERING")
	recordAFSamtycke(t, srv)
	toAF := sendJoint(t, srv, in)
	require.Equal(t, "Arbetsförmedlingen", toAF.RecipientOrganization.Name)
	require.Empty(t, toAF.JointWith)
	require.Len(t, inboxWithJoint(t, srv, "ph.fk", "INBOX"), 1)
	require.Len(t, inboxWithJoint(t, srv, "af.karlstad", "INBOX"), 1)
	require.Equal(t, 2, countTasks(t, b))
}

// Row security holds a task's group to what the application writes: a
// task joins only the group its own sender started in the same request, one
// task per recipient (migration 032, hub_task_joins).
func TestTasks_RowSecurityRefusesForgedJointRequests(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	recordAFSamtycke(t, srv)
	first := sendJoint(t, srv, kartlaggning())
	_, firstID, err := relay.ParseID(first.ID)
	require.NoError(t, err)
	single := createTask(t, srv, "soc.karlstad", ansokan())
	_, singleID, err := relay.ParseID(single.ID)
	require.NoError(t, err)
	var senderUnit *uuid.UUID
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT sender_unit_id FROM tasks WHERE id = $1`, firstID).Scan(&senderUnit))
	karlstad := session{org: demo.ID("org/karlstad"), unit: senderUnit, user: "soc.karlstad"}
	now := map[string]string{"created_at": "hub_now()", "updated_at": "hub_now()"}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range now {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}

	require.NoError(t, copyTask(t, b, karlstad, firstID, with(map[string]string{"joint_id": "NULL"})), "a copy sent alone passes")
	requireRefused(t, "a task joining an earlier request's group", copyTask(t, b, karlstad, firstID, with(nil)))
	requireRefused(t, "a task joining a task sent alone", copyTask(t, b, karlstad, firstID,
		with(map[string]string{"joint_id": fmt.Sprintf("'%s'", singleID)})))

	// In one request: a group's first task (a copy of FK's) passes, and a
	// copy of AF's task joins it; a second task to FK, or a task of another
	// kind, does not.
	_, afID, err := relay.ParseID(first.JointWith[0].ID)
	require.NoError(t, err)
	inOneRequest := func(base uuid.UUID, second map[string]string) error {
		t.Helper()
		tx, err := b.db.AppPool.Begin(ctx)
		require.NoError(t, err)
		defer tx.Rollback(ctx)
		_, err = tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.unit_id', $2, true),
			set_config('hub.user_id', $3, true), set_config('hub.purpose', $4, true)`, karlstad.org.String(), karlstad.unit.String(), karlstad.user, rehab)
		require.NoError(t, err)
		group := fmt.Sprintf("'%s'", uuid.New())
		_, err = tx.Exec(ctx, copyTaskSQL(with(map[string]string{"id": group, "joint_id": group})), copyTaskArgs(t, b, firstID)...)
		require.NoError(t, err, "a group's first task names itself")
		second["joint_id"] = group
		_, err = tx.Exec(ctx, copyTaskSQL(with(second)), copyTaskArgs(t, b, base)...)
		return err
	}
	require.NoError(t, inOneRequest(afID, map[string]string{}), "the other party's task joins the group")
	requireRefused(t, "a second task of the group to the same recipient", inOneRequest(firstID, map[string]string{}))
	requireRefused(t, "a task of another kind joining the group", inOneRequest(afID, map[string]string{"kind": "'ANSOKAN_SAMORDNAD_REHABILITERING'"}))
	require.NoError(t, copyTask(t, b, karlstad, afID, with(map[string]string{"kind": "'ANSOKAN_SAMORDNAD_REHABILITERING'", "joint_id": "NULL"})),
		"(sent alone, that task passes: the group refused it)")
	// hub_app never moves a task into another group.
	_, err = asSession(t, b, karlstad, `UPDATE tasks SET joint_id = NULL, updated_at = hub_now() WHERE id = $1`, firstID)
	require.ErrorContains(t, err, "permission denied")
}
