package app

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"
)

// Enqueue inserts a job (river) in the unit of work's transaction, so
// that the job exists if and only if the work commits: a moment the work
// creates (a task's due day, the end of a case's wait) and the job that
// acts on it then are written together. The job's arguments are ids, not
// personal data (river's tables have no row security). Without a queue
// (App.Jobs nil) nothing is enqueued.
func (w *Work) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if w.app.Jobs == nil {
		return nil
	}
	if _, err := w.app.Jobs.InsertTx(ctx, w.session.PgxTx(), args, opts); err != nil {
		return fmt.Errorf("enqueue the job %s: %w", args.Kind(), err)
	}
	return nil
}
