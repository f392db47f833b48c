package timers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// Queue is the river queue of the hub's timers.
const Queue = "hub_timers"

// EscalateArgs is the job that scans for overdue tasks. Its arguments
// name the scan only: river's tables hold no personal data.
type EscalateArgs struct{}

// Kind is the job's kind in river_job.
func (EscalateArgs) Kind() string { return "hub_escalate_overdue_tasks" }

// RemindArgs is the job that scans for reminders due.
type RemindArgs struct{}

// Kind is the job's kind in river_job.
func (RemindArgs) Kind() string { return "hub_case_reminders" }

type escalateWorker struct {
	river.WorkerDefaults[EscalateArgs]
	s *Service
}

func (w *escalateWorker) Work(ctx context.Context, _ *river.Job[EscalateArgs]) error {
	res, err := w.s.EscalateOverdue(ctx)
	w.s.log.Info("overdue tasks scanned", "escalated", res.Escalated, "at_end_of_chain", res.AtEnd, "blocked_by_samtycke", res.Blocked)
	return err
}

type remindWorker struct {
	river.WorkerDefaults[RemindArgs]
	s *Service
}

func (w *remindWorker) Work(ctx context.Context, _ *river.Job[RemindArgs]) error {
	res, err := w.s.Remind(ctx)
	w.s.log.Info("reminders scanned", "written", res.Written, "meetings", res.Meetings)
	return err
}

// Config is how often the scans run.
type Config struct {
	// Interval between two scans of each kind (HUB_TIMER_INTERVAL).
	Interval time.Duration
	// JobTimeout bounds one scan.
	JobTimeout time.Duration
	Logger     *slog.Logger
}

// DefaultInterval is the scans' default cadence.
const DefaultInterval = 5 * time.Minute

// NewInserter returns an insert-only river client (no queues, no
// workers: it never runs a job), for the application's units of work to
// enqueue the jobs of the moments they create (app.App.Jobs) on every
// replica, whether or not it runs the timers.
func NewInserter(pool *pgxpool.Pool) (*river.Client[pgx.Tx], error) {
	return river.NewClient(riverpgxv5.New(pool), &river.Config{})
}

// NewClient returns a river client that works the timers' queue and, on
// the replica that is river's leader at the time, enqueues each scan
// every Interval (a periodic job; unique per interval, so a change of
// leader does not enqueue it twice). Every replica runs one: whichever
// fetches a job works it, and a job is fetched once (river locks it with
// FOR UPDATE SKIP LOCKED). It works the jobs of the moments units of
// work scheduled (moments.go) as well. Start it with Start, stop it with
// Stop.
func NewClient(pool *pgxpool.Pool, s *Service, cfg Config) (*river.Client[pgx.Tx], error) {
	if cfg.Interval <= 0 {
		return nil, fmt.Errorf("timers: the interval must be positive, got %s", cfg.Interval)
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = 10 * time.Minute
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &escalateWorker{s: s}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &remindWorker{s: s}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &escalateTaskWorker{s: s}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &waitEndedWorker{s: s}); err != nil {
		return nil, err
	}
	if err := river.AddWorkerSafely(workers, &meetingReminderWorker{s: s}); err != nil {
		return nil, err
	}
	every := func(args river.JobArgs, id string) *river.PeriodicJob {
		return river.NewPeriodicJob(river.PeriodicInterval(cfg.Interval),
			func() (river.JobArgs, *river.InsertOpts) {
				return args, &river.InsertOpts{Queue: Queue, MaxAttempts: maxAttempts,
					UniqueOpts: river.UniqueOpts{ByPeriod: cfg.Interval}}
			}, &river.PeriodicJobOpts{ID: id, RunOnStart: true})
	}
	return river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:       map[string]river.QueueConfig{Queue: {MaxWorkers: 2}},
		Workers:      workers,
		PeriodicJobs: []*river.PeriodicJob{every(EscalateArgs{}, "escalate"), every(RemindArgs{}, "remind")},
		JobTimeout:   cfg.JobTimeout,
		Logger:       cfg.Logger,
	})
}
