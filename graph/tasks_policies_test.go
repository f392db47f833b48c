package graph_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// Row-level security on tasks is a second line: what the application
// would never write, a statement straight through hub_app cannot write
// either (migration 029). Each statement runs in its own transaction of
// hub_app, with the settings a request of that person would have.

type session struct {
	org  uuid.UUID
	unit *uuid.UUID
	user string
}

// inSession runs fn in a transaction of hub_app as s (a nil or uuid.Nil
// unit: none) under the purpose, and rolls it back.
func inSession(t *testing.T, b *testBundle, s session, purpose string, fn func(ctx context.Context, tx pgx.Tx)) {
	t.Helper()
	ctx := context.Background()
	tx, err := b.db.AppPool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	unit := ""
	if s.unit != nil && *s.unit != uuid.Nil {
		unit = s.unit.String()
	}
	_, err = tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.unit_id', $2, true),
		set_config('hub.user_id', $3, true), set_config('hub.purpose', $4, true)`, s.org.String(), unit, s.user, purpose)
	require.NoError(t, err)
	fn(ctx, tx)
}

// asSession runs sql in a transaction of hub_app under s and rolls it back.
func asSession(t *testing.T, b *testBundle, s session, sql string, args ...any) (tag pgconn.CommandTag, err error) {
	t.Helper()
	inSession(t, b, s, rehab, func(ctx context.Context, tx pgx.Tx) { tag, err = tx.Exec(ctx, sql, args...) })
	return tag, err
}

// requireRefused asserts that row security (or its trigger) refused the
// statement: insufficient privilege, never a malformed statement, nor a
// column hub_app may not read.
func requireRefused(t *testing.T, what string, err error) {
	t.Helper()
	var pgErr *pgconn.PgError
	require.Error(t, err, what)
	require.True(t, errors.As(err, &pgErr), "%s: %v", what, err)
	require.Equal(t, "42501", pgErr.Code, "%s: %v", what, err)
	require.NotContains(t, pgErr.Message, "permission denied for table", "%s: refused for reading a column hub_app may not read, not by the check: %v", what, err)
}

// copyTask inserts a copy of the task with some columns' values replaced.
// hub_app may not read the task's content (migration 030): the copy's
// case, subject, body and reason are the original's, read by the owner and
// passed in.
func copyTask(t *testing.T, b *testBundle, s session, id uuid.UUID, set map[string]string) error {
	t.Helper()
	_, err := asSession(t, b, s, copyTaskSQL(set), copyTaskArgs(t, b, id)...)
	return err
}

// copyTaskSQL is copyTask's statement: set replaces columns' values (the
// id is a new random one unless set names one).
func copyTaskSQL(set map[string]string) string {
	cols := []string{"id", "kind", "state", "purpose", "classes", "case_id", "individual_id", "case_org_id", "sender_org_id",
		"sender_unit_id", "sender_user_id", "topic", "municipality_code", "routed_entry_id", "recipient_org_id", "recipient_unit_id",
		"assignee_user_id", "assignee_name", "subject", "body", "due_on", "escalation_level", "reject_reason", "consent_id",
		"joint_id", "created_at", "updated_at"}
	content := map[string]string{"id": "gen_random_uuid()", "case_id": "$2::uuid", "subject": "$3::text", "body": "$4::text", "reject_reason": "$5::text"}
	vals := make([]string, len(cols))
	for i, c := range cols {
		vals[i] = "t." + c
		if v, ok := content[c]; ok {
			vals[i] = v
		}
		if v, ok := set[c]; ok {
			vals[i] = v
		}
	}
	return fmt.Sprintf(`INSERT INTO tasks (%s) SELECT %s FROM tasks t WHERE t.id = $1`, strings.Join(cols, ", "), strings.Join(vals, ", "))
}

// copyTaskArgs are copyTaskSQL's arguments for a copy of the task id.
func copyTaskArgs(t *testing.T, b *testBundle, id uuid.UUID) []any {
	t.Helper()
	var caseID *uuid.UUID
	var subject, body string
	var reason *string
	require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT case_id, subject, body, reject_reason FROM tasks WHERE id = $1`, id).
		Scan(&caseID, &subject, &body, &reason))
	return []any{id, caseID, subject, body, reason}
}

func TestTasks_RowSecurityRefusesForgedWrites(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	sent := createTask(t, srv, "soc.karlstad", ansokan())
	_, id, err := relay.ParseID(sent.ID)
	require.NoError(t, err)
	var senderUnit, recipientUnit *uuid.UUID
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT sender_unit_id, recipient_unit_id FROM tasks WHERE id = $1`, id).
		Scan(&senderUnit, &recipientUnit))
	karlstad := session{org: demo.ID("org/karlstad"), unit: senderUnit, user: "soc.karlstad"}
	fk := session{org: demo.ID("org/fk"), unit: recipientUnit, user: "ph.fk"}
	af := session{org: demo.ID("org/af"), user: "af.karlstad"}

	// The sender's inserts. A faithful copy is allowed (the statement is
	// sound); each forgery is refused.
	require.NoError(t, copyTask(t, b, karlstad, id, map[string]string{"created_at": "hub_now()", "updated_at": "hub_now()"}),
		"a copy sent now, as the sender, passes")
	for what, set := range map[string]map[string]string{
		"in a later state":               {"state": "'KLAR'"},
		"by another user":                {"sender_user_id": "'someone.else'"},
		"from another unit":              {"sender_unit_id": "NULL"},
		"escalated":                      {"escalation_level": "7"},
		"back-dated":                     {"created_at": "'2020-01-01'", "updated_at": "'2020-01-01'"},
		"already assigned":               {"assignee_user_id": "'x'", "assignee_name": "'y'"},
		"under another purpose":          {"purpose": "'SIP'"},
		"of another party's classes":     {"classes": "'{FK_BESLUT}'"},
		"naming no samtycke":             {"consent_id": "NULL"},
		"to AF, which none names":        {"recipient_org_id": fmt.Sprintf("'%s'", demo.ID("org/af")), "recipient_unit_id": "NULL"},
		"due long ago":                   {"due_on": "'2020-01-01'"},
		"in another organisation's name": {"sender_org_id": fmt.Sprintf("'%s'", demo.ID("org/region-varmland"))},
	} {
		if _, ok := set["created_at"]; !ok {
			set["created_at"], set["updated_at"] = "hub_now()", "hub_now()"
		}
		requireRefused(t, "a task "+what, copyTask(t, b, karlstad, id, set))
	}

	// The history: only now, in the writer's own name, an escalation only by the sender,
	// never a step the writer's side does not take.
	event := `INSERT INTO task_events (id, task_id, at, actor_org_id, actor_unit_id, actor_user_id, kind, from_state, to_state)
		VALUES (gen_random_uuid(), $1, %s, $2, $3, %s, %s, %s, %s)`
	for what, parts := range map[string][]string{
		"back-dated":                      {"'2019-01-01'", "'soc.karlstad'", "'STATE'", "'SKICKAD'", "'AVBRUTEN'"},
		"in another user's name":          {"hub_now()", "'forged.user'", "'STATE'", "'SKICKAD'", "'AVBRUTEN'"},
		"a step only the recipient takes": {"hub_now()", "'soc.karlstad'", "'STATE'", "'PAGAENDE'", "'KLAR'"},
		"a second creation":               {"hub_now()", "'soc.karlstad'", "'CREATED'", "NULL", "'SKICKAD'"},
	} {
		_, err := asSession(t, b, karlstad, fmt.Sprintf(event, parts[0], parts[1], parts[2], parts[3], parts[4]), id, karlstad.org, karlstad.unit)
		requireRefused(t, "an event "+what, err)
	}
	_, err = asSession(t, b, af, fmt.Sprintf(event, "hub_now()", "'af.karlstad'", "'STATE'", "'SKICKAD'", "'MOTTAGEN'"), id, af.org, nil)
	requireRefused(t, "an event by a third party", err)
	_, err = asSession(t, b, fk, fmt.Sprintf(event, "hub_now()", "'ph.fk'", "'ESCALATED'", "'SKICKAD'", "'SKICKAD'"), id, fk.org, fk.unit)
	requireRefused(t, "an escalation by the recipient", err)

	// Updates: each side only its own steps and columns, stamped now.
	for _, tc := range []struct {
		what string
		s    session
		set  string
	}{
		{"the sender completes it", karlstad, "state = 'KLAR', updated_at = hub_now()"},
		{"the sender assigns it", karlstad, "assignee_user_id = 'x', assignee_name = 'y', updated_at = hub_now()"},
		{"the recipient skips a step", fk, "state = 'KLAR', updated_at = hub_now()"},
		{"the recipient cancels it", fk, "state = 'AVBRUTEN', updated_at = hub_now()"},
		{"the recipient rejects it without a step", fk, "state = 'AVVISAD', reject_reason = 'x', updated_at = hub_now()"},
		{"the recipient back-dates it", fk, "state = 'MOTTAGEN', updated_at = '2020-01-01'"},
	} {
		_, err := asSession(t, b, tc.s, `UPDATE tasks SET `+tc.set+` WHERE id = $1`, id)
		requireRefused(t, tc.what, err)
	}
	_, err = asSession(t, b, karlstad, `UPDATE tasks SET recipient_org_id = $2 WHERE id = $1`, id, af.org)
	requireRefused(t, "the sender re-routes it", err)
	tag, err := asSession(t, b, af, `UPDATE tasks SET state = 'MOTTAGEN', updated_at = hub_now() WHERE id = $1`, id)
	require.NoError(t, err)
	require.Zero(t, tag.RowsAffected(), "a third party updates nothing")

	// Escalation through hub_app, once it is granted the routing columns
	// (the escalation job acting as the sender): only the sender, one
	// level on, to an entry a samtycke allows.
	_, err = b.db.Pool.Exec(ctx, `GRANT UPDATE (routed_entry_id, recipient_org_id, recipient_unit_id, escalation_level, due_on, consent_id) ON tasks TO hub_app`)
	require.NoError(t, err)
	escalate := `UPDATE tasks SET routed_entry_id = %s, recipient_org_id = %s, recipient_unit_id = %s, escalation_level = %s,
		due_on = hub_today() + 5, consent_id = %s, updated_at = hub_now() WHERE id = $1`
	afEntry := fmt.Sprintf("'%s'", demo.ID("entry/af-samspelet"))
	toAF := func(level, consent string) []any {
		return []any{afEntry, fmt.Sprintf("'%s'", af.org), fmt.Sprintf("'%s'", demo.ID("unit/af/karlstad")), level, consent}
	}
	type escalation struct {
		s    session
		args []any
	}
	stay := func(s session, level string) escalation {
		return escalation{s, []any{"routed_entry_id", "recipient_org_id", "recipient_unit_id", level, "consent_id"}}
	}
	for what, tc := range map[string]escalation{
		"to AF, which no samtycke names":  {karlstad, toAF("1", "NULL")},
		"to AF, naming FK's samtycke":     {karlstad, toAF("1", "consent_id")},
		"to another organisation's entry": {karlstad, []any{afEntry, "recipient_org_id", "recipient_unit_id", "1", "consent_id"}},
		"two levels on":                   stay(karlstad, "2"),
		"by the recipient":                stay(fk, "1"),
	} {
		_, err := asSession(t, b, tc.s, fmt.Sprintf(escalate, tc.args...), id)
		requireRefused(t, "an escalation "+what, err)
	}
	tag, err = asSession(t, b, karlstad, fmt.Sprintf(escalate, stay(karlstad, "1").args...), id)
	require.NoError(t, err, "the sender escalates one level on, under the samtycke")
	require.EqualValues(t, 1, tag.RowsAffected())

	// The steps the application takes pass.
	tag, err = asSession(t, b, fk, `UPDATE tasks SET state = 'MOTTAGEN', assignee_user_id = 'ph.fk', assignee_name = 'P H', updated_at = hub_now() WHERE id = $1`, id)
	require.NoError(t, err)
	require.EqualValues(t, 1, tag.RowsAffected())
	tag, err = asSession(t, b, karlstad, `UPDATE tasks SET state = 'AVBRUTEN', updated_at = hub_now() WHERE id = $1`, id)
	require.NoError(t, err)
	require.EqualValues(t, 1, tag.RowsAffected())

	// The owner (a job's connection, or a SECURITY DEFINER function owned
	// by it: the escalation timer) is not held by these checks.
	_, err = b.db.Pool.Exec(ctx, `UPDATE tasks SET escalation_level = 1, updated_at = now() WHERE id = $1`, id)
	require.NoError(t, err)
}

// hub_task_samtycke (SECURITY DEFINER) answers only the question a sender
// asks before sending: about the purpose it declared, for its own
// organisation's classes, and a person it may see.
func TestTasks_TheSamtyckeQuestionIsOnlyTheSendersOwn(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	ctx := context.Background()
	fkUnit := demo.ID("unit/fk/karlstad")
	gripen := demo.ID("unit/region-varmland/vc-gripen")
	fk := session{org: demo.ID("org/fk"), unit: &fkUnit, user: "ph.fk"}
	ask := func(org uuid.UUID, unit *uuid.UUID, purpose string, classes []string) (*uuid.UUID, error) {
		ctx := context.Background()
		tx, err := b.db.AppPool.Begin(ctx)
		require.NoError(t, err)
		defer tx.Rollback(ctx)
		_, err = tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.unit_id', $2, true),
			set_config('hub.user_id', 'ph.fk', true), set_config('hub.purpose', $3, true)`, fk.org.String(), fkUnit.String(), rehab)
		require.NoError(t, err)
		var id *uuid.UUID
		err = tx.QueryRow(ctx, `SELECT hub_task_samtycke($1, $2, $3, $4::consent_purpose, $5::information_class[])`,
			demo.DemoIndividual, org, unit, purpose, classes).Scan(&id)
		return id, err
	}
	// The question FK asks before sending the vårdcentral its own information.
	id, err := ask(demo.ID("org/region-varmland"), &gripen, rehab, []string{"FK_SAMORDNING"})
	require.NoError(t, err)
	require.NotNil(t, id)
	require.Equal(t, demo.DemoConsent, *id)
	for what, q := range map[string]struct {
		purpose string
		classes []string
	}{
		"about another party's classes":     {rehab, []string{"KOMMUN_EKONOMISKT_BISTAND"}},
		"about no class (the person alone)": {rehab, []string{}},
		"for a purpose it did not declare":  {"SIP", []string{"FK_SAMORDNING"}},
	} {
		_, err := ask(demo.ID("org/region-varmland"), &gripen, q.purpose, q.classes)
		requireRefused(t, what, err)
	}
	// A person FK does not see: no answer, as if there were no samtycke.
	tx, err := b.db.AppPool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.purpose', $2, true)`, fk.org.String(), rehab)
	require.NoError(t, err)
	var none *uuid.UUID
	require.NoError(t, tx.QueryRow(ctx, `SELECT hub_task_samtycke($1, $2, NULL, $3::consent_purpose, '{FK_BESLUT}')`,
		demo.DemoProtectedIndividual, demo.ID("org/karlstad"), rehab).Scan(&none))
	require.Nil(t, none)
}
