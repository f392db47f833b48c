package graph_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/demo"
)

// startTimers runs the timers' river client of a replica of the test's
// hub until the test ends, and returns the events of the jobs it works,
// once the scans it starts with have run: the scans' next run is an hour
// away, so what happens after is the scheduled jobs' doing.
func startTimers(t *testing.T, b *testBundle, s *timers.Service) <-chan *river.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client, err := timers.NewClient(b.db.AppPool, s, timers.Config{Interval: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	events, stop := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	t.Cleanup(stop)
	require.NoError(t, client.Start(context.Background()))
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, client.Stop(stopCtx))
	})
	scans := map[string]bool{}
	for len(scans) < 2 {
		select {
		case e := <-events:
			require.Equal(t, river.EventKindJobCompleted, e.Kind, "the scan failed: %v", e.Job.Errors)
			scans[e.Job.Kind] = true
		case <-ctx.Done():
			t.Fatal("the scans the client starts with did not run")
		}
	}
	return events
}

// awaitJob waits for the job id to be worked, and requires it completed.
func awaitJob(t *testing.T, events <-chan *river.Event, id int64) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case e := <-events:
			if e.Job.ID != id {
				continue
			}
			require.Equal(t, river.EventKindJobCompleted, e.Kind, "the job failed: %v", e.Job.Errors)
			return
		case <-timeout:
			t.Fatal("the job was not worked in time")
		}
	}
}

// scheduledJob is a job of kind whose argument key is id, as river holds
// it.
type scheduledJob struct {
	ID          int64
	State       string
	ScheduledAt time.Time
}

// jobsFor lists the jobs of kind whose argument key is id, oldest first.
func jobsFor(t *testing.T, b *testBundle, kind, key string, id uuid.UUID) []scheduledJob {
	t.Helper()
	rows, err := b.db.Pool.Query(context.Background(), `SELECT id, state, scheduled_at FROM river_job
		WHERE kind = $1 AND args->>$2 = $3 ORDER BY id`, kind, key, id.String())
	require.NoError(t, err)
	defer rows.Close()
	var out []scheduledJob
	for rows.Next() {
		var j scheduledJob
		require.NoError(t, rows.Scan(&j.ID, &j.State, &j.ScheduledAt))
		out = append(out, j)
	}
	require.NoError(t, rows.Err())
	return out
}

// comeDue makes the scheduled job id due now, as if its moment had come.
// runOverdue starts the timers, makes the task id overdue and its job
// come due, and waits until the job has run.
func runOverdue(t *testing.T, b *testBundle, s *timers.Service, id uuid.UUID, job int64) {
	t.Helper()
	events := startTimers(t, b, s)
	_, err := b.db.Pool.Exec(context.Background(), `UPDATE tasks SET due_on = current_date - 2 WHERE id = $1`, id)
	require.NoError(t, err)
	comeDue(t, b, job)
	awaitJob(t, events, job)
}

func comeDue(t *testing.T, b *testBundle, id int64) {
	t.Helper()
	tag, err := b.db.Pool.Exec(context.Background(),
		`UPDATE river_job SET state = 'available', scheduled_at = now() WHERE id = $1 AND state = 'scheduled'`, id)
	require.NoError(t, err)
	require.EqualValues(t, 1, tag.RowsAffected(), "the job is scheduled")
}

// dueDay is a day of a task or wait (YYYY-MM-DD) as a date.
func dueDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	require.NoError(t, err)
	return d
}

// A task escalates at its due moment, by the job its creation scheduled,
// without waiting for a scan: createTask enqueues, in its transaction,
// the task's escalation at the end of its due day; when that comes (here:
// the due day moved into the past and the job made due), the job moves
// the task to its entry's fallback, as the scan would (an ESCALATED step
// by the same job user, audited alike), and schedules the escalation
// from there at the new due day's end. A job of a level the task has left
// does nothing.
func TestTimers_ATaskEscalatesAtItsDueMomentByItsOwnJob(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	s := timerService(t, b)

	sent := createTask(t, srv, "soc.karlstad", ansokan())
	id := caseKey(t, sent.ID) // a task's key, as a case's
	jobs := jobsFor(t, b, timers.EscalateTaskArgs{}.Kind(), "task_id", id)
	require.Len(t, jobs, 1, "createTask enqueued the task's escalation")
	require.Equal(t, "scheduled", jobs[0].State)
	require.True(t, timers.At(dueDay(t, sent.DueOn)).Equal(jobs[0].ScheduledAt),
		"at the end of the due day %s in Stockholm (and the minute the clocks may differ by): %s", sent.DueOn, jobs[0].ScheduledAt)

	runOverdue(t, b, s, id, jobs[0].ID)

	var got escalatedTask
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, escalatedQuery, map[string]any{"id": sent.ID}), &got)
	require.Equal(t, 1, got.Node.EscalationLevel)
	require.False(t, got.Node.Overdue)
	require.Equal(t, "Försäkringskassan, samverkanspartner (nationellt)", got.Node.RoutedTo.FunctionName)
	last := got.Node.History[len(got.Node.History)-1]
	require.Equal(t, "ESCALATED", last.Kind)
	require.Equal(t, "job:"+timers.EscalateJob, last.UserID)
	require.Equal(t, 1, jobRecords(t, b, timers.EscalateJob), "the escalation is audited as the scan's is")

	var due time.Time
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT due_on FROM tasks WHERE id = $1`, id).Scan(&due))
	jobs = jobsFor(t, b, timers.EscalateTaskArgs{}.Kind(), "task_id", id)
	require.Len(t, jobs, 2, "the escalation scheduled the next")
	require.Equal(t, "completed", jobs[0].State)
	require.Equal(t, "scheduled", jobs[1].State)
	require.True(t, timers.At(due).Equal(jobs[1].ScheduledAt), "at the end of the new due day")

	// The first job again (a retry, a duplicate): the task has left its
	// level, even overdue again.
	_, err := b.db.Pool.Exec(ctx, `UPDATE tasks SET due_on = current_date - 2 WHERE id = $1`, id)
	require.NoError(t, err)
	res, err := s.EscalateTask(ctx, demo.ID("org/karlstad"), id, 0)
	require.NoError(t, err)
	require.Equal(t, timers.Escalation{}, res)
	require.Equal(t, 1, jobRecords(t, b, timers.EscalateJob))
}

// A task closed before its due moment is left be: the sender withdraws
// the application; its job, come due, finds nothing overdue to escalate.
func TestTimers_ATaskClosedBeforeItsDueMomentIsNotEscalated(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	s := timerService(t, b)

	sent := createTask(t, srv, "soc.karlstad", ansokan())
	id := caseKey(t, sent.ID)
	updateTask(t, srv, "soc.karlstad", map[string]any{"taskId": sent.ID, "state": "AVBRUTEN"})
	jobs := jobsFor(t, b, timers.EscalateTaskArgs{}.Kind(), "task_id", id)
	require.Len(t, jobs, 1)

	runOverdue(t, b, s, id, jobs[0].ID)

	var got escalatedTask
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, escalatedQuery, map[string]any{"id": sent.ID}), &got)
	require.Equal(t, "AVBRUTEN", got.Node.State)
	require.Zero(t, got.Node.EscalationLevel)
	require.NotEqual(t, "ESCALATED", got.Node.History[len(got.Node.History)-1].Kind)
	require.Zero(t, jobRecords(t, b, timers.EscalateJob), "nothing done, nothing audited")
	require.Len(t, jobsFor(t, b, timers.EscalateTaskArgs{}.Kind(), "task_id", id), 1, "and nothing scheduled")
}

// The end of a wait reminds at its moment, by the job the step to VANTAR
// scheduled: the step enqueues, in its transaction, the reminder at the
// end of the expected day; when it comes, the job writes the PAMINNELSE
// to the lead unit, once (a second run of it, or the scan, finds the
// occasion claimed).
func TestTimers_TheEndOfAWaitRemindsByItsOwnJob(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	s := timerService(t, b)

	until := day(30)
	demoCaseToVantar(t, srv, "FK:s beslut om samordning", until)
	jobs := jobsFor(t, b, timers.WaitEndedArgs{}.Kind(), "case_id", demo.DemoCase)
	require.Len(t, jobs, 1, "the step to VANTAR enqueued the end of its wait")
	require.Equal(t, "scheduled", jobs[0].State)
	require.True(t, timers.At(dueDay(t, until)).Equal(jobs[0].ScheduledAt), "at the end of the day the wait is expected until")

	events := startTimers(t, b, s)
	tag, err := b.db.Pool.Exec(ctx, `UPDATE case_transitions SET wait_until = $2::date WHERE id = (
		SELECT id FROM case_transitions WHERE case_id = $1 AND to_state = 'VANTAR' ORDER BY at DESC, id DESC LIMIT 1)`,
		demo.DemoCase, stockholmDay(-3))
	require.NoError(t, err)
	require.EqualValues(t, 1, tag.RowsAffected())
	comeDue(t, b, jobs[0].ID)
	awaitJob(t, events, jobs[0].ID)

	inbox := reminders(t, srv)
	require.Len(t, inbox, 1)
	require.Equal(t, demoCaseID, inbox[0].Case.ID)
	require.Equal(t, "Den förväntade väntetiden har gått ut", *inbox[0].Subject)
	require.Contains(t, *inbox[0].Body, "Ärendet väntar på FK:s beslut om samordning, som väntades vara klart senast "+stockholmDay(-3))
	require.Equal(t, 1, jobRecords(t, b, timers.RemindJob+" WAIT_ENDED"), "the reminder is audited as the scan's is")

	again, err := s.RemindWaitEnded(ctx, demo.ID("org/karlstad"), demo.DemoCase)
	require.NoError(t, err)
	require.Zero(t, again.Written, "each wait reminds once")
	scanned, err := s.Remind(ctx)
	require.NoError(t, err)
	require.Zero(t, scanned.Written, "the scan finds the occasion claimed")
	require.Len(t, reminders(t, srv), 1)
}
