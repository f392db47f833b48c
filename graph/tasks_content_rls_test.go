package graph_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// A task's personal content is behind the database itself (migration
// 030): hub_app may not read the subject, body, reason, case nor a step's
// note, and hub_task_content and hub_task_event_note give each party only
// what the sharing rule shows it, so a query that forgot the rule could
// not hand a recipient whose samtycke was revoked the text.

// queryAs runs sql in a transaction of hub_app under s, scans its one row
// into dest (pgx.ErrNoRows: none) and rolls back.
func queryAs(t *testing.T, b *testBundle, s session, sql string, args []any, dest ...any) (err error) {
	t.Helper()
	inSession(t, b, s, rehab, func(ctx context.Context, tx pgx.Tx) { err = tx.QueryRow(ctx, sql, args...).Scan(dest...) })
	return err
}

// requireNotReadable asserts that hub_app was refused the read for want of
// the column privilege.
func requireNotReadable(t *testing.T, what string, err error) {
	t.Helper()
	var pgErr *pgconn.PgError
	require.True(t, errors.As(err, &pgErr), "%s: %v", what, err)
	require.Equal(t, "42501", pgErr.Code, "%s: %v", what, err)
	require.Contains(t, pgErr.Message, "permission denied for table", what)
}

type taskContent struct {
	shown                 bool
	caseID, individualID  *uuid.UUID
	subject, body, reason *string
	consentID             *uuid.UUID
}

func contentAs(t *testing.T, b *testBundle, s session, id uuid.UUID, own, consented bool) (taskContent, error) {
	t.Helper()
	var c taskContent
	err := queryAs(t, b, s, `SELECT shown, case_id, individual_id, subject, body, reject_reason, consent_id
		FROM hub_task_content($1, $2, $3)`, []any{id, own, consented},
		&c.shown, &c.caseID, &c.individualID, &c.subject, &c.body, &c.reason, &c.consentID)
	return c, err
}

func noteAs(t *testing.T, b *testBundle, s session, event uuid.UUID) *string {
	t.Helper()
	var note *string
	require.NoError(t, queryAs(t, b, s, `SELECT hub_task_event_note($1, true, true)`, []any{event}, &note))
	return note
}

func TestTasks_TheDatabaseMasksATasksContent(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	sent := createTask(t, srv, "soc.karlstad", ansokan())
	_, id, err := relay.ParseID(sent.ID)
	require.NoError(t, err)
	reason := "Kim har redan sjukpenning beviljad (FK_BESLUT)"
	updateTask(t, srv, "ph.fk", map[string]any{"taskId": sent.ID, "state": "MOTTAGEN"})
	updateTask(t, srv, "ph.fk", map[string]any{"taskId": sent.ID, "state": "AVVISAD", "reason": reason})

	var senderUnit, recipientUnit *uuid.UUID
	var caseID uuid.UUID
	var rejected uuid.UUID
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT sender_unit_id, recipient_unit_id, case_id FROM tasks WHERE id = $1`, id).
		Scan(&senderUnit, &recipientUnit, &caseID))
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT id FROM task_events WHERE task_id = $1 AND to_state = 'AVVISAD'`, id).Scan(&rejected))
	karlstad := session{org: demo.ID("org/karlstad"), unit: senderUnit, user: "soc.karlstad"}
	fk := session{org: demo.ID("org/fk"), unit: recipientUnit, user: "ph.fk"}
	af := session{org: demo.ID("org/af"), user: "af.karlstad"}
	subject := "Ansökan om samordnad rehabilitering (7434)"

	// hub_app reads none of the content columns itself, whoever it acts for.
	refused := func(when string) {
		t.Helper()
		for _, s := range []session{karlstad, fk} {
			var x any
			for _, sql := range []string{
				`SELECT subject, body, reject_reason, case_id FROM tasks WHERE id = $1`,
				`SELECT subject FROM tasks WHERE id = $1`,
				`SELECT body FROM tasks WHERE id = $1`,
				`SELECT reject_reason FROM tasks WHERE id = $1`,
				`SELECT case_id FROM tasks WHERE id = $1`,
				`SELECT t FROM tasks t WHERE id = $1`,
				`SELECT count(*) FROM tasks WHERE id = $1 AND subject LIKE 'Ans%'`,
				`SELECT note FROM task_events WHERE task_id = $1`,
			} {
				requireNotReadable(t, when+": "+sql, queryAs(t, b, s, sql, []any{id}, &x))
			}
		}
	}
	refused("under the samtycke")

	// What it reads of the task itself: not the content, but the person
	// and its municipality for the loggutdrag.
	var state string
	var individual *uuid.UUID
	require.NoError(t, queryAs(t, b, fk, `SELECT state, individual_id FROM tasks WHERE id = $1`, []any{id}, &state, &individual))
	require.Equal(t, "AVVISAD", state)
	require.Equal(t, demo.DemoIndividual, *individual)

	// Under the samtycke FK sees Karlstad's text and case, Karlstad FK's
	// reason, each naming the samtycke.
	c, err := contentAs(t, b, fk, id, true, true)
	require.NoError(t, err)
	require.True(t, c.shown)
	require.Equal(t, ptr(subject), c.subject)
	require.NotNil(t, c.body)
	require.Equal(t, &caseID, c.caseID)
	require.Equal(t, ptr(reason), c.reason)
	require.Equal(t, &demo.DemoConsent, c.consentID)
	c, err = contentAs(t, b, karlstad, id, true, true)
	require.NoError(t, err)
	require.Equal(t, ptr(reason), c.reason, "the samtycke shares FK's classes with Karlstad")
	require.Equal(t, &demo.DemoConsent, c.consentID)
	require.Equal(t, ptr(reason), noteAs(t, b, karlstad, rejected))
	// The scope only narrows: without samtycken Karlstad sees its own.
	c, err = contentAs(t, b, karlstad, id, true, false)
	require.NoError(t, err)
	require.Equal(t, ptr(subject), c.subject)
	require.Nil(t, c.reason)
	require.Nil(t, c.consentID)
	c, err = contentAs(t, b, fk, id, false, true)
	require.NoError(t, err)
	require.Nil(t, c.reason, "without its own scope FK does not see even its own reason")

	revokeDemoConsent(t, srv)
	refused("after the revocation")

	// FK, the recipient: its own reason, nothing of Karlstad's.
	c, err = contentAs(t, b, fk, id, true, true)
	require.NoError(t, err)
	require.False(t, c.shown, "withdrawn")
	require.Nil(t, c.subject)
	require.Nil(t, c.body)
	require.Nil(t, c.caseID)
	require.Nil(t, c.individualID)
	require.Equal(t, ptr(reason), c.reason, "its own")
	require.Nil(t, c.consentID)
	require.Equal(t, ptr(reason), noteAs(t, b, fk, rejected))

	// Karlstad, the sender: its own text and case, not FK's reason.
	c, err = contentAs(t, b, karlstad, id, true, true)
	require.NoError(t, err)
	require.True(t, c.shown)
	require.Equal(t, ptr(subject), c.subject)
	require.Equal(t, &caseID, c.caseID, "its own case")
	require.Nil(t, c.reason)
	require.Nil(t, c.consentID)
	require.Nil(t, noteAs(t, b, karlstad, rejected))

	// AF, no party: nothing at all.
	_, err = contentAs(t, b, af, id, true, true)
	require.ErrorIs(t, err, pgx.ErrNoRows)
	require.Nil(t, noteAs(t, b, af, rejected))
	var x any
	require.ErrorIs(t, queryAs(t, b, af, `SELECT id FROM tasks WHERE id = $1`, []any{id}, &x), pgx.ErrNoRows)

	// Nor is the function anyone else's to call.
	var granted bool
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT has_function_privilege('public', 'hub_task_content(uuid, boolean, boolean)', 'EXECUTE')
		OR has_function_privilege('public', 'hub_task_event_note(uuid, boolean, boolean)', 'EXECUTE')
		OR has_function_privilege('hub_app', 'hub_task_text_shown(uuid, uuid, uuid, information_class[], uuid, uuid, boolean, boolean)', 'EXECUTE')`).
		Scan(&granted))
	require.False(t, granted, "only hub_app calls the content's functions, and not the rule's helper")
}
