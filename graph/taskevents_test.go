package graph_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
)

const taskEventsSubscription = `subscription($box: TaskBox) { taskEvents(box: $box) {
	kind at box
	task { id kind state subject body withdrawn case { id } senderOrganization { name } recipientUnit { name } }
	step { kind from to userId note organization { name } }
} }`

type taskChange struct {
	Kind string
	At   string
	Box  string
	Task struct {
		ID                 string
		Kind               string
		State              string
		Subject            *string
		Body               *string
		Withdrawn          bool
		Case               *struct{ ID string }
		SenderOrganization struct{ Name string }
		RecipientUnit      *struct{ Name string }
	}
	Step struct {
		Kind         string
		From         *string
		To           string
		UserID       string
		Note         *string
		Organization struct{ Name string }
	}
}

// followTasks opens a connection as login and subscribes to box.
func followTasks(t *testing.T, srv *testServer, login, box string) *wsClient {
	t.Helper()
	ws := wsAs(t, srv, login, rehab)
	ws.startWith("1", taskEventsSubscription, map[string]any{"box": box})
	return ws
}

// taskEvent returns the next taskEvents change on ws within wait; ok is
// false when none came.
func taskEvent(t *testing.T, ws *wsClient, wait time.Duration) (taskChange, bool) {
	t.Helper()
	m, ok, _ := ws.read(wait)
	if !ok {
		return taskChange{}, false
	}
	require.Equal(t, "next", m.Type, string(m.Payload))
	var payload struct {
		Data   struct{ TaskEvents taskChange }
		Errors []gqlError
	}
	require.NoError(t, json.Unmarshal(m.Payload, &payload))
	require.Empty(t, payload.Errors, string(m.Payload))
	return payload.Data.TaskEvents, true
}

// The live inbox (issue 13 §5): the vårdcentral's signal reaches the
// subscriber in Karlstad's ekonomiskt bistånd as it is sent, with its
// content; ekonomiskt bistånd's application reaches FK's subscriber; the
// sender's SENT subscription follows its task as the recipient works it;
// AF, no party to either, hears nothing.
func TestTaskEvents_ReachTheQueuesThatSeeTheTaskAndNobodyElse(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	eb := followTasks(t, srv, "soc.karlstad", "INBOX")
	fk := followTasks(t, srv, "ph.fk", "INBOX")
	af := followTasks(t, srv, "af.karlstad", "INBOX")
	afSent := followTasks(t, srv, "af.karlstad", "SENT")
	vc := followTasks(t, srv, "rehab.vc", "SENT")
	koord := followTasks(t, srv, "koord.karlstad", "INBOX") // Karlstad, another unit's queue
	time.Sleep(300 * time.Millisecond)                      // the subscriptions are registered

	sent := createTask(t, srv, "rehab.vc", signal())
	ev, ok := taskEvent(t, eb, 5*time.Second)
	require.True(t, ok, "Karlstad's ekonomiskt bistånd receives the signal")
	require.Equal(t, "CREATED", ev.Kind)
	require.Equal(t, "INBOX", ev.Box)
	require.Equal(t, sent.ID, ev.Task.ID)
	require.Equal(t, "SIGNAL_SJUKSKRIVNING", ev.Task.Kind)
	require.False(t, ev.Task.Withdrawn)
	require.Equal(t, "Begäran om sjukskrivning", *ev.Task.Subject)
	require.Equal(t, demoCaseID, ev.Task.Case.ID)
	require.Equal(t, "Region Värmland", ev.Task.SenderOrganization.Name)
	require.Equal(t, "Ekonomiskt bistånd", ev.Task.RecipientUnit.Name)
	require.Equal(t, "rehab.vc", ev.Step.UserID)
	require.Equal(t, "SKICKAD", ev.Step.To)
	require.NotEmpty(t, ev.At)
	ev, ok = taskEvent(t, vc, 5*time.Second)
	require.True(t, ok, "the sender follows what it sent")
	require.Equal(t, "CREATED", ev.Kind)
	require.Equal(t, "SENT", ev.Box)

	updateTask(t, srv, "soc.karlstad", map[string]any{"taskId": sent.ID, "state": "MOTTAGEN"})
	for _, ws := range []*wsClient{eb, vc} {
		ev, ok = taskEvent(t, ws, 5*time.Second)
		require.True(t, ok)
		require.Equal(t, "STATE", ev.Kind)
		require.Equal(t, "SKICKAD", *ev.Step.From)
		require.Equal(t, "MOTTAGEN", ev.Step.To)
		require.Equal(t, "MOTTAGEN", ev.Task.State)
		require.Equal(t, "Karlstads kommun", ev.Step.Organization.Name)
	}

	app := createTask(t, srv, "soc.karlstad", ansokan())
	ev, ok = taskEvent(t, fk, 5*time.Second)
	require.True(t, ok, "FK's handläggare receives the application")
	require.Equal(t, app.ID, ev.Task.ID)
	require.Equal(t, "Ansökan om samordnad rehabilitering (7434)", *ev.Task.Subject)
	require.Equal(t, "Försäkringskassan Karlstad", ev.Task.RecipientUnit.Name)

	_, ok = taskEvent(t, af, 500*time.Millisecond)
	require.False(t, ok, "AF is no party: it hears nothing")
	_, ok = taskEvent(t, afSent, 100*time.Millisecond)
	require.False(t, ok, "nor in its sent box")
	_, ok = taskEvent(t, koord, 100*time.Millisecond)
	require.False(t, ok, "another unit of Karlstad hears nothing of ekonomiskt bistånd's queue")
	_, ok = taskEvent(t, eb, 100*time.Millisecond)
	require.False(t, ok, "what ekonomiskt bistånd sent is not in its inbox")
	_, ok = taskEvent(t, fk, 100*time.Millisecond)
	require.False(t, ok, "FK heard of nothing else")
}

// A revoked samtycke stops a task's content from reaching the recipient:
// the next change of the task reaches FK's queue as a withdrawn task,
// without its subject, text, case or a rejection's reason.
func TestTaskEvents_ARevokedSamtyckeStopsTheContent(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	fk := followTasks(t, srv, "ph.fk", "INBOX")
	time.Sleep(300 * time.Millisecond)
	app := createTask(t, srv, "soc.karlstad", ansokan())
	ev, ok := taskEvent(t, fk, 5*time.Second)
	require.True(t, ok)
	require.NotNil(t, ev.Task.Body)

	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "Personen återkallade samtycket") { id } }`,
		map[string]any{"id": demoConsentID}), &struct{}{})
	updateTask(t, srv, "soc.karlstad", map[string]any{"taskId": app.ID, "state": "AVBRUTEN"})
	ev, ok = taskEvent(t, fk, 5*time.Second)
	require.True(t, ok, "the recipient learns that the task changed")
	require.Equal(t, "STATE", ev.Kind)
	require.Equal(t, "AVBRUTEN", ev.Task.State)
	require.True(t, ev.Task.Withdrawn)
	require.Nil(t, ev.Task.Subject)
	require.Nil(t, ev.Task.Body)
	require.Nil(t, ev.Task.Case)
}

// The subscriptions of one connection share one check per step: a step
// that two subscriptions receive leaves one audit record, and one row of
// the person's loggutdrag, for the connection.
func TestTaskEvents_AStepIsCheckedAndAuditedOncePerConnection(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ws := wsAs(t, srv, "ph.fk", rehab)
	ws.startWith("1", `subscription { taskEvents { kind task { id subject } } }`, nil)
	ws.startWith("2", `subscription { taskEvents(box: INBOX) { kind } }`, nil)
	time.Sleep(300 * time.Millisecond)
	createTask(t, srv, "soc.karlstad", ansokan())
	got := map[string]bool{}
	for len(got) < 2 {
		m, ok, _ := ws.read(5 * time.Second)
		require.True(t, ok, "each subscription receives the step")
		require.Equal(t, "next", m.Type, string(m.Payload))
		got[m.ID] = true
	}
	var records, rows int
	require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_records
		WHERE org_id = $1 AND operation_name = 'taskEvents'`, demo.ID("org/fk")).Scan(&records))
	require.Equal(t, 1, records, "one audit record for the connection")
	require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM personal_data_access
		WHERE user_id = 'ph.fk' AND operation = 'taskEvents'`).Scan(&rows))
	require.Equal(t, 1, rows, "one loggutdrag row")
}

func TestTaskEvents_ASubscriptionNeedsAPurpose(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	ws := wsAs(t, srv, "ph.fk", "")
	ws.start("1", `subscription { taskEvents { kind } }`)
	m, ok, _ := ws.read(5 * time.Second)
	require.True(t, ok)
	require.Equal(t, "next", m.Type)
	var payload struct {
		Data   any
		Errors []gqlError
	}
	require.NoError(t, json.Unmarshal(m.Payload, &payload))
	require.Len(t, payload.Errors, 1)
	require.Contains(t, payload.Errors[0].Message, "Hub-Purpose")
	require.Equal(t, "BAD_USER_INPUT", payload.Errors[0].Extensions["code"])
}

// startWith subscribes with variables.
func (w *wsClient) startWith(id, query string, vars map[string]any) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(w.t, wsjson.Write(ctx, w.c, wsMessage{ID: id, Type: "subscribe",
		Payload: map[string]any{"query": query, "variables": vars}}))
}
