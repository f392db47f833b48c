package timers

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/samverkanshub/hub/internal/app"
	task "github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// The jobs of one moment. The work that creates a moment (a task's due
// day, the end of a case's wait) enqueues, in its own transaction, a job
// scheduled then, which acts on that one task or case as the scans would:
// through the same code, as the same organisation, audited alike, and
// once (what the scans rely on makes it once here too). The scans stay,
// as the catch-up for rows written without a job (the national
// generator's bulk load, the command-line tools) and as a safety net.

// clockMargin is how long after its moment a job runs. river runs a job
// by the database's clock, a unit of work acts by its replica's, and
// hub_now() follows the replica's only within 30 seconds of the
// database's (migration 019): a minute later, the work's day has turned
// on every replica, so the task is overdue and the wait has ended.
const clockMargin = time.Minute

// maxAttempts is how often river tries a timer job before discarding it
// (the scans take over a discarded one's work).
const maxAttempts = 3

// EscalateTaskArgs is the job scheduled at a task's due moment: it
// escalates the task if it is still overdue, open and at the level it
// was scheduled for. Ids only: river's tables hold no personal data.
type EscalateTaskArgs struct {
	TaskID uuid.UUID `json:"task_id"`
	// SenderID is the task's sender organisation, which the job acts as.
	SenderID uuid.UUID `json:"sender_id"`
	// Level is the task's escalation level the job was scheduled at.
	Level int `json:"level"`
}

// Kind is the job's kind in river_job.
func (EscalateTaskArgs) Kind() string { return "hub_escalate_task" }

// InsertOpts puts the job in the timers' queue, once per task and level.
func (EscalateTaskArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: maxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// WaitEndedArgs is the job scheduled at the end of a case's wait (a step
// to VANTAR stating until when): it reminds the case's lead unit that the
// wait ended, if the case still waits and was not reminded of that wait.
type WaitEndedArgs struct {
	CaseID uuid.UUID `json:"case_id"`
	// OwnerID is the case's organisation (a municipality), which the job
	// acts as.
	OwnerID uuid.UUID `json:"owner_id"`
}

// Kind is the job's kind in river_job.
func (WaitEndedArgs) Kind() string { return "hub_case_wait_ended" }

// InsertOpts puts the job in the timers' queue.
func (WaitEndedArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: maxAttempts}
}

// At is when the job of the moment a day ends runs: once the day has
// ended for the hub (hub_today() after it) on every replica.
func At(day time.Time) time.Time { return tenancy.DayEnds(day).Add(clockMargin) }

// ScheduleEscalation enqueues, in w's transaction, the escalation of the
// task id (sent by the organisation sender, at escalation level level)
// for the moment it falls overdue: the end of its due day. A task at the
// highest level has none.
func ScheduleEscalation(ctx context.Context, w *app.Work, id, sender uuid.UUID, level int, dueOn time.Time) error {
	if level >= task.MaxEscalationLevel {
		return nil
	}
	return w.Enqueue(ctx, EscalateTaskArgs{TaskID: id, SenderID: sender, Level: level}, &river.InsertOpts{ScheduledAt: At(dueOn)})
}

// ScheduleWaitEnded enqueues, in w's transaction, the reminder of the
// end of the wait of the case id (of the organisation owner) that is
// expected to end on until.
func ScheduleWaitEnded(ctx context.Context, w *app.Work, id, owner uuid.UUID, until time.Time) error {
	return w.Enqueue(ctx, WaitEndedArgs{CaseID: id, OwnerID: owner}, &river.InsertOpts{ScheduledAt: At(until)})
}

// EscalateTask escalates, as its sender, the task id if it is overdue,
// not yet accepted and still at the escalation level level: the job of
// its due moment. A task closed, accepted or escalated meanwhile, or one
// whose due day moved later, is left as it is.
func (s *Service) EscalateTask(ctx context.Context, sender, id uuid.UUID, level int) (Escalation, error) {
	var res Escalation
	p, err := s.party(ctx, sender)
	if err != nil {
		return res, err
	}
	w := s.app.Begin(app.JobActor(p.ID, p.Kind, EscalateJob, ""))
	o, ok, err := task.OverdueTask(ctx, w.Tx(), id)
	w.Abandon(ctx) // a read of the organisation's own task: nothing to audit
	if err != nil || !ok || o.EscalationLevel != level {
		return res, err
	}
	return res, s.escalateOne(ctx, p, o, &res)
}

// RemindWaitEnded writes, as the case's owner, the reminder that the
// wait of the case id ended, if the case is due it and has not had it
// (the end of its latest wait is the occasion): the job of that end.
func (s *Service) RemindWaitEnded(ctx context.Context, owner, id uuid.UUID) (Reminding, error) {
	var res Reminding
	p, err := s.party(ctx, owner)
	if err != nil {
		return res, err
	}
	w := s.app.Begin(app.JobActor(p.ID, p.Kind, RemindJob, reminderPurpose))
	due, err := task.WaitEndedDue(ctx, w.Tx(), id)
	w.Abandon(ctx) // ids and days of the organisation's own case: the reminder written is audited
	if err != nil {
		return res, err
	}
	for _, r := range due {
		if err := s.remind(ctx, p, r, &res); err != nil {
			return res, fmt.Errorf("case %s: %w", r.CaseID, err)
		}
	}
	return res, nil
}

// party is the organisation id, as the timers act as it.
func (s *Service) party(ctx context.Context, id uuid.UUID) (task.Party, error) {
	w := s.app.Begin(app.Actor{})
	defer w.Abandon(ctx)
	orgs, err := tenancy.OrganizationsByID(ctx, w.Tx(), []uuid.UUID{id})
	if err != nil {
		return task.Party{}, err
	}
	o, ok := orgs[id]
	if !ok {
		return task.Party{}, fmt.Errorf("no organisation %s", id)
	}
	return task.Party{ID: o.ID, Kind: o.Kind}, nil
}

type escalateTaskWorker struct {
	river.WorkerDefaults[EscalateTaskArgs]
	s *Service
}

func (w *escalateTaskWorker) Work(ctx context.Context, j *river.Job[EscalateTaskArgs]) error {
	res, err := w.s.EscalateTask(ctx, j.Args.SenderID, j.Args.TaskID, j.Args.Level)
	w.s.log.Info("a task's due moment", "task", j.Args.TaskID, "escalated", res.Escalated, "at_end_of_chain", res.AtEnd, "blocked_by_samtycke", res.Blocked)
	return err
}

type waitEndedWorker struct {
	river.WorkerDefaults[WaitEndedArgs]
	s *Service
}

func (w *waitEndedWorker) Work(ctx context.Context, j *river.Job[WaitEndedArgs]) error {
	res, err := w.s.RemindWaitEnded(ctx, j.Args.OwnerID, j.Args.CaseID)
	w.s.log.Info("a case's wait ended", "case", j.Args.CaseID, "written", res.Written)
	return err
}
