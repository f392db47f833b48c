package graph_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
)

// Who sees which part of a task (docs/tasks.md, "Who sees what"): each
// party sees what it wrote itself; the other party's text, and for a
// sender that does not own the case the case and person, only under the
// sharing rule, and the loggutdrag names the samtycke that allowed it.

func readTask(t *testing.T, srv *testServer, login, id string) *taskResult {
	t.Helper()
	var out struct{ Node *taskResult }
	mustData(t, postFor(t, srv, login, rehab, `query($id: ID!) { node(id: $id) { ... on Task { `+taskFields+` } } }`,
		map[string]any{"id": id}), &out)
	require.NotNil(t, out.Node, login)
	return out.Node
}

func revokeDemoConsent(t *testing.T, srv *testServer) {
	t.Helper()
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "Återkallat") { id } }`,
		map[string]any{"id": demoConsentID}), &struct{}{})
}

// noteOf is the note of the task's newest step to the state.
func noteOf(tr *taskResult, to string) *string {
	var note *string
	for _, e := range tr.History {
		if e.Kind == "STATE" && e.To == to {
			note = e.Note
		}
	}
	return note
}

type accessRow struct {
	Action    string
	ConsentID *uuid.UUID
}

// accessRows are the loggutdrag rows an organisation's reads and writes of
// the task left, oldest first.
func accessRows(t *testing.T, b *testBundle, org uuid.UUID, taskID string) []accessRow {
	t.Helper()
	rows, err := b.db.Pool.Query(context.Background(),
		`SELECT action, consent_id FROM personal_data_access WHERE actor_org_id = $1 AND object_id = $2 ORDER BY id`, org, taskID)
	require.NoError(t, err)
	defer rows.Close()
	var out []accessRow
	for rows.Next() {
		var r accessRow
		require.NoError(t, rows.Scan(&r.Action, &r.ConsentID))
		out = append(out, r)
	}
	require.NoError(t, rows.Err())
	return out
}

func lastAccess(t *testing.T, b *testBundle, org uuid.UUID, taskID string) accessRow {
	t.Helper()
	rows := accessRows(t, b, org, taskID)
	require.NotEmpty(t, rows)
	return rows[len(rows)-1]
}

// The vårdcentral sent a signal about a person of Karlstad's; Karlstad
// rejected it with a reason. The vårdcentral reads Karlstad's reason (and
// the case) only while the samtycke shares the person and Karlstad's
// classes with it; after the revocation it still sees what it wrote
// itself, and its loggutdrag rows name the samtycke, or none once it reads
// only its own text.
func TestTasks_TheSenderSeesTheRecipientsTextOnlyUnderTheSamtycke(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	vc := demo.ID("org/region-varmland")
	consentID := demo.DemoConsent
	reason := "Försörjningsstöd beviljat t.o.m. mars (KOMMUN_EKONOMISKT_BISTAND)"

	sent := createTask(t, srv, "rehab.vc", signal())
	updateTask(t, srv, "soc.karlstad", map[string]any{"taskId": sent.ID, "state": "MOTTAGEN"})
	updateTask(t, srv, "soc.karlstad", map[string]any{"taskId": sent.ID, "state": "AVVISAD", "reason": reason})

	before := readTask(t, srv, "rehab.vc", sent.ID)
	require.Equal(t, ptr(reason), before.RejectReason, "the samtycke shares KOMMUN_* with the vårdcentral")
	require.Equal(t, ptr(reason), noteOf(before, "AVVISAD"))
	require.NotNil(t, before.Case)
	read := lastAccess(t, b, vc, sent.ID)
	require.Equal(t, "READ", read.Action)
	require.NotNil(t, read.ConsentID, "the read of Karlstad's text names the samtycke that allowed it")
	require.Equal(t, consentID, *read.ConsentID)

	revokeDemoConsent(t, srv)

	after := readTask(t, srv, "rehab.vc", sent.ID)
	require.False(t, after.Withdrawn, "the sender's own text is not withdrawn from it")
	require.Equal(t, ptr("Begäran om sjukskrivning"), after.Subject, "the sender sees what it wrote")
	require.NotNil(t, after.Body)
	require.Nil(t, after.RejectReason, "Karlstad's reason is not the vårdcentral's to see without a samtycke")
	require.Nil(t, noteOf(after, "AVVISAD"), "nor is it in the history")
	require.Nil(t, after.Case, "nor the case and person of a municipality that no longer shares them")
	require.Equal(t, "AVVISAD", after.State)
	read = lastAccess(t, b, vc, sent.ID)
	require.Equal(t, "READ", read.Action)
	require.Nil(t, read.ConsentID, "it read only its own text: no samtycke to name")

	// The same through the sent box, and the filter by case finds nothing.
	box := listTasks(t, srv, "rehab.vc", "(box: SENT)")
	require.Equal(t, 1+demo.StorySent["rehab.vc"], box.Tasks.TotalCount, "this and the story's signal")
	require.Nil(t, box.Tasks.Nodes[0].RejectReason)
	require.Nil(t, box.Tasks.Nodes[0].Case)
	require.Zero(t, listTasks(t, srv, "rehab.vc", `(box: SENT, caseId: "`+demoCaseID+`")`).Tasks.TotalCount)

	// Karlstad, the recipient, keeps what it wrote, though the vårdcentral's
	// content is withdrawn from it.
	mine := readTask(t, srv, "soc.karlstad", sent.ID)
	require.True(t, mine.Withdrawn)
	require.Nil(t, mine.Subject)
	require.Equal(t, ptr(reason), mine.RejectReason)
	require.Equal(t, ptr(reason), noteOf(mine, "AVVISAD"))
}

// Karlstad owns the case and sent FK an application; FK rejects it after
// the revocation. FK keeps its own reason, and its change is a WRITE row of
// the person's loggutdrag though FK no longer sees the content; Karlstad
// sees its own text and its own case, never FK's reason without a
// samtycke.
func TestTasks_AChangeWhileTheContentIsHiddenIsInTheLoggutdrag(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	fk := demo.ID("org/fk")
	sent := createTask(t, srv, "soc.karlstad", ansokan())
	revokeDemoConsent(t, srv)

	updateTask(t, srv, "ph.fk", map[string]any{"taskId": sent.ID, "state": "MOTTAGEN"})
	reason := "Kim har redan sjukpenning beviljad (FK_BESLUT)"
	rejected := updateTask(t, srv, "ph.fk", map[string]any{"taskId": sent.ID, "state": "AVVISAD", "reason": reason})
	require.True(t, rejected.Withdrawn)
	require.Equal(t, ptr(reason), rejected.RejectReason, "FK sees what it wrote")

	rows := accessRows(t, b, fk, sent.ID)
	require.Len(t, rows, 2, "both changes are in the person's loggutdrag")
	for _, r := range rows {
		require.Equal(t, "WRITE", r.Action)
		require.Nil(t, r.ConsentID, "no samtycke allowed them")
	}

	mine := readTask(t, srv, "soc.karlstad", sent.ID)
	require.Equal(t, ptr("Ansökan om samordnad rehabilitering (7434)"), mine.Subject)
	require.NotNil(t, mine.Case, "its own case")
	require.Equal(t, demoCaseID, mine.Case.ID)
	require.Nil(t, mine.RejectReason, "FK's reason is not shared with Karlstad any more")
	require.Nil(t, noteOf(mine, "AVVISAD"))
}

func ptr(s string) *string { return &s }
