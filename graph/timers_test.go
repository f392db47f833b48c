package graph_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/demo"
)

// timerService is the timers of the test's hub, acting through the
// application role as the served hub does.
func timerService(t *testing.T, b *testBundle) *timers.Service {
	return timers.New(b.app, vagin.New(b.app, nil), slog.New(slog.DiscardHandler))
}

// runJob works one job of args on a real river client over the test's
// database (as the application role) and waits for it to complete.
func runJob(t *testing.T, b *testBundle, s *timers.Service, args river.JobArgs) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client, err := timers.NewClient(b.db.AppPool, s, timers.Config{Interval: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	events, stop := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer stop()
	require.NoError(t, client.Start(ctx))
	defer func() { require.NoError(t, client.Stop(context.WithoutCancel(ctx))) }()
	inserted, err := client.Insert(ctx, args, &river.InsertOpts{Queue: timers.Queue})
	require.NoError(t, err)
	for {
		select {
		case e := <-events:
			if e.Job.ID != inserted.Job.ID {
				continue // the periodic scans started with the client
			}
			require.Equal(t, river.EventKindJobCompleted, e.Kind, "the job failed: %v", e.Job.Errors)
			return
		case <-ctx.Done():
			t.Fatal("the job did not complete in time")
		}
	}
}

type escalatedTask struct {
	Node struct {
		State                 string
		Overdue               bool
		EscalationLevel       int
		RecipientOrganization struct{ Name string }
		RecipientUnit         *struct{ Name string }
		RoutedTo              *struct{ FunctionName string }
		History               []struct {
			Kind     string
			UserID   string
			RoutedTo *struct{ FunctionName string }
		}
	}
}

const escalatedQuery = `query($id: ID!) { node(id: $id) { ... on Task { state overdue escalationLevel
	recipientOrganization { name } recipientUnit { name } routedTo { functionName }
	history { kind userId routedTo { functionName } } } } }`

// Issue 13 §4: an overdue task escalates to the fallback. Ekonomiskt
// bistånd's application goes to FK Karlstad's queue; nobody there takes
// it before its due day; the timer moves it to the entry's fallback, FK's
// national samverkanspartner, with an ESCALATED step the sender sees; at
// the end of the chain it stays, overdue.
func TestTimers_AnOverdueTaskEscalatesToTheFallback(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	s := timerService(t, b)

	sent := createTask(t, srv, "soc.karlstad", ansokan())
	require.Equal(t, "Försäkringskassan Karlstad", sent.RecipientUnit.Name)
	_, err := b.db.Pool.Exec(ctx, `UPDATE tasks SET due_on = current_date - 3 WHERE kind = 'ANSOKAN_SAMORDNAD_REHABILITERING'`)
	require.NoError(t, err)

	runJob(t, b, s, timers.EscalateArgs{})

	var got escalatedTask
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, escalatedQuery, map[string]any{"id": sent.ID}), &got)
	require.Equal(t, 1, got.Node.EscalationLevel)
	require.Equal(t, "SKICKAD", got.Node.State)
	require.False(t, got.Node.Overdue, "the fallback gets working days of its own")
	require.Equal(t, "Försäkringskassan", got.Node.RecipientOrganization.Name)
	require.Nil(t, got.Node.RecipientUnit, "the national entry names no unit: FK's whole queue")
	require.Equal(t, "Försäkringskassan, samverkanspartner (nationellt)", got.Node.RoutedTo.FunctionName)
	last := got.Node.History[len(got.Node.History)-1]
	require.Equal(t, "ESCALATED", last.Kind)
	require.Equal(t, "job:"+timers.EscalateJob, last.UserID)
	require.Equal(t, "Försäkringskassan, samverkanspartner (nationellt)", last.RoutedTo.FunctionName, "the sender sees where it went")

	fk := listTasks(t, srv, "ph.fk", "")
	require.Equal(t, 1+demo.StoryInbox["ph.fk"], fk.Tasks.TotalCount, "FK's organisation queue, which the Karlstad unit is part of, has it (and the story's kallelse)")
	require.False(t, fk.Tasks.Nodes[0].Withdrawn, "the samtycke shares it with FK")

	var n int
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_records WHERE operation_type = 'job' AND operation_name = $1`,
		timers.EscalateJob).Scan(&n))
	require.Equal(t, 1, n, "the escalation is audited")

	// The end of the chain: overdue again, nothing further to go to.
	_, err = b.db.Pool.Exec(ctx, `UPDATE tasks SET due_on = current_date - 1 WHERE kind = 'ANSOKAN_SAMORDNAD_REHABILITERING'`)
	require.NoError(t, err)
	res, err := s.EscalateOverdue(ctx)
	require.NoError(t, err)
	require.Equal(t, timers.Escalation{AtEnd: 1}, res)
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, escalatedQuery, map[string]any{"id": sent.ID}), &got)
	require.Equal(t, 1, got.Node.EscalationLevel)
	require.True(t, got.Node.Overdue, "kept visible as overdue")
}

// A reminder is a PAMINNELSE to the case's lead unit, once per occasion:
// the demo case, opened over a year ago and never in joint planning, is
// reminded of both, once, however often the scan runs.
func TestTimers_RemindersReachTheLeadUnitOncePerOccasion(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	s := timerService(t, b)
	_, err := b.db.Pool.Exec(ctx, `UPDATE cases SET opened_at = now() - interval '400 days' WHERE id = $1`, demo.DemoCase)
	require.NoError(t, err)

	runJob(t, b, s, timers.RemindArgs{})
	again, err := s.Remind(ctx)
	require.NoError(t, err)
	require.Zero(t, again.Written, "each occasion reminds once")

	inbox := listTasks(t, srv, "soc.karlstad", `(kind: PAMINNELSE)`)
	subjects := map[string]bool{}
	for _, n := range inbox.Tasks.Nodes {
		require.Equal(t, demoCaseID, n.Case.ID)
		subjects[*n.Subject] = true
	}
	require.Equal(t, map[string]bool{
		"Ingen gemensam planering två månader efter att ärendet öppnades": true,
		"Årlig genomgång av ärendet":                                      true,
	}, subjects)
	require.Equal(t, 2, inbox.Tasks.TotalCount)

	// The lead unit works it like any task in its queue.
	done := updateTask(t, srv, "soc.karlstad", map[string]any{"taskId": inbox.Tasks.Nodes[0].ID, "state": "MOTTAGEN"})
	require.Equal(t, "MOTTAGEN", done.State)
	require.Zero(t, listTasks(t, srv, "ph.fk", `(kind: PAMINNELSE)`).Tasks.TotalCount, "nobody else sees it")
}
