package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/tasks"
)

// Sending and working a task: who asks and why decides; every attempt on
// a person is audited, a task sent or changed is a WRITE row of the
// person's loggutdrag, and a refused or failed one leaves no task and no
// row behind.
func TestTasks_CreateAndUpdate(t *testing.T) {
	t.Parallel()
	e := setup(t)
	soc := e.actor("soc.karlstad", rehab)
	ind := e.person(soc)
	c := e.openCase(soc, ind)
	e.share(soc, ind, "fk", consent.KommunPlanering)

	var sent uuid.UUID
	create := func(kind tasks.Kind, classes ...consent.Class) func(app.Actor) error {
		return func(a app.Actor) error {
			return e.do(a, "createTask", func(ctx context.Context, w *app.Work) error {
				t, err := e.tasks.Create(ctx, w, tasks.NewTask{Kind: kind, CaseID: &c.ID, Classes: classes, Subject: "Ärende"})
				if err == nil {
					sent = t.ID
				}
				return err
			})
		}
	}
	update := func(to tasks.State) func(app.Actor) error {
		return func(a app.Actor) error {
			return e.do(a, "updateTask", func(ctx context.Context, w *app.Work) error {
				_, err := e.tasks.Update(ctx, w, sent, tasks.Change{State: &to})
				return err
			})
		}
	}
	for _, tc := range []struct {
		name, login string
		purpose     consent.Purpose
		op          string
		run         func(app.Actor) error
		code        string
		decision    string // of the newest audit record of op; "" for none allowed
		wrote       bool   // a WRITE row of the loggutdrag
	}{
		{"no purpose declared", "soc.karlstad", "", "createTask", create(tasks.AnsokanSamordnadRehabilitering, consent.KommunPlanering), "BAD_USER_INPUT", "", false},
		{"AF is named by no samtycke: refused, naming it", "soc.karlstad", rehab, "createTask", create(tasks.AFInskrivning, consent.KommunPlanering), "FORBIDDEN", "DENIED", false},
		{"a class the samtycke does not share with FK", "soc.karlstad", rehab, "createTask", create(tasks.AnsokanSamordnadRehabilitering, consent.KommunEkonomisktBistand), "FORBIDDEN", "DENIED", false},
		{"AF does not see the case", "af.karlstad", rehab, "createTask", create(tasks.AFInskrivning, consent.AFInskrivningsstatus), "NOT_FOUND", "", false},
		{"the municipality applies to FK", "soc.karlstad", rehab, "createTask", create(tasks.AnsokanSamordnadRehabilitering, consent.KommunPlanering), "", "ALLOWED", true},
		{"AF cannot touch it", "af.karlstad", rehab, "updateTask", update(tasks.Mottagen), "NOT_FOUND", "", false},
		{"the sender does not receive it", "soc.karlstad", rehab, "updateTask", update(tasks.Mottagen), "BAD_USER_INPUT", "", false},
		{"FK receives it", "ph.fk", rehab, "updateTask", update(tasks.Mottagen), "", "ALLOWED", true},
		{"FK accepts it", "ph.fk", rehab, "updateTask", update(tasks.Accepterad), "", "ALLOWED", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			actor := e.actor(tc.login, tc.purpose)
			before := e.loggutdrag(actor, tc.op, ind.ID)
			err := tc.run(actor)
			require.Equal(t, tc.code, code(err), "%v", err)
			rec, ok := e.lastRecord(actor, tc.op)
			if tc.decision == "" {
				require.False(t, ok && rec.Decision == "ALLOWED" && tc.code != "", "no record of a change")
			} else {
				require.True(t, ok)
				require.Equal(t, tc.decision, rec.Decision)
			}
			if tc.decision == "DENIED" {
				require.Contains(t, *rec.Reason, "no samtycke in force shares the person and")
			}
			wrote := e.loggutdrag(actor, tc.op, ind.ID) - before
			if tc.wrote {
				require.Positive(t, wrote)
			} else {
				require.Zero(t, wrote)
			}
		})
	}
	var n, events int
	require.NoError(t, e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM tasks WHERE case_id = $1`, c.ID).Scan(&n))
	require.Equal(t, 1, n, "the refused tasks left nothing behind")
	require.NoError(t, e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM task_events WHERE task_id = $1`, sent).Scan(&events))
	require.Equal(t, 3, events, "sent, received, accepted")
	var consentID *uuid.UUID
	require.NoError(t, e.db.Pool.QueryRow(context.Background(), `SELECT consent_id FROM tasks WHERE id = $1`, sent).Scan(&consentID))
	require.NotNil(t, consentID, "the task names the samtycke it was sent under")
}

// The database's state machine of tasks (migration 029, hub_task_step,
// which row security holds hub_app to) is the domain's (tasks.Decide).
func TestTasks_TheDatabaseKnowsTheStateMachine(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, from := range tasks.States {
		for _, to := range tasks.States {
			var side *string
			require.NoError(t, e.db.Pool.QueryRow(context.Background(), `SELECT hub_task_step($1, $2)`, string(from), string(to)).Scan(&side))
			for _, s := range []tasks.Side{tasks.Sender, tasks.Recipient} {
				db := side != nil && ((*side == "SENDER") == (s == tasks.Sender))
				require.Equal(t, tasks.Decide(from, to, s) == nil, db, "%s → %s as %s", from, to, s)
			}
		}
	}
}

// A task's escalation is enqueued in the transaction that sends it
// (river's InsertTx in the unit of work): a sent task has its job,
// scheduled for the end of its due day; a sending rolled back leaves
// neither the task nor its job.
func TestTasks_TheEscalationJobIsCommittedWithTheTaskOrNotAtAll(t *testing.T) {
	t.Parallel()
	e := setup(t)
	soc := e.actor("soc.karlstad", rehab)
	ind := e.person(soc)
	c := e.openCase(soc, ind)
	e.share(soc, ind, "fk", consent.KommunPlanering)
	send := func(ctx context.Context, w *app.Work) (tasks.Task, error) {
		return e.tasks.Create(ctx, w, tasks.NewTask{Kind: tasks.AnsokanSamordnadRehabilitering, CaseID: &c.ID,
			Classes: []consent.Class{consent.KommunPlanering}, Subject: "Ärende"})
	}
	jobs := func(id uuid.UUID) (n int, at time.Time) {
		err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*), coalesce(max(scheduled_at), 'epoch') FROM river_job
			WHERE kind = 'hub_escalate_task' AND args->>'task_id' = $1`, id.String()).Scan(&n, &at)
		require.NoError(t, err)
		return n, at
	}
	tasksOf := func(id uuid.UUID) (n int) {
		require.NoError(t, e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM tasks WHERE id = $1`, id).Scan(&n))
		return n
	}

	var sent tasks.Task
	require.NoError(t, e.do(soc, "createTask", func(ctx context.Context, w *app.Work) (err error) {
		sent, err = send(ctx, w)
		return err
	}))
	n, at := jobs(sent.ID)
	require.Equal(t, 1, n)
	require.True(t, timers.At(sent.DueOn).Equal(at), "scheduled at the end of the due day: %s", at)

	ctx := context.Background()
	w := e.app.Begin(soc)
	rolledBack, err := send(ctx, w)
	require.NoError(t, err)
	var inTx int
	require.NoError(t, w.Tx().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'hub_escalate_task' AND args->>'task_id' = $1`,
		rolledBack.ID.String()).Scan(&inTx))
	require.Equal(t, 1, inTx, "enqueued in the work's transaction")
	n, _ = jobs(rolledBack.ID)
	require.Zero(t, n, "and visible only there until it commits")
	require.NoError(t, w.Finish(ctx, app.Operation{Type: "mutation", Name: "createTask"}, true, "a later step failed"))
	require.Zero(t, tasksOf(rolledBack.ID))
	n, _ = jobs(rolledBack.ID)
	require.Zero(t, n, "the job went with the task")
}
