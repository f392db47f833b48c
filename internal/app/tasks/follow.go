package tasks

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	task "github.com/samverkanshub/hub/internal/tasks"
)

// Follower is the use case of the live inbox (the taskEvents
// subscription): it decides, for each step of a task's history announced
// on the database's channel and for each subscriber, what the subscriber
// may know of it.
type Follower struct {
	app   *app.App
	tasks *Service
}

// NewFollower returns the live inbox's use case; it reads tasks with the
// service's own read (ByID), so the same rule decides as for a query.
func NewFollower(a *app.App, s *Service) *Follower { return &Follower{app: a, tasks: s} }

// FollowOperation is what the audit record of a delivered step says ran.
var FollowOperation = app.Operation{Type: "subscription", Name: "taskEvents"}

// MayFollow reports whether the actor may subscribe to task events at
// all: a declared purpose, and a role that reads its own organisation's
// tasks.
func (f *Follower) MayFollow(actor app.Actor) error {
	if actor.Principal == nil {
		return apperr.New(apperr.Unauthenticated, "authentication required")
	}
	if _, err := actor.RequirePurpose(); err != nil {
		return err
	}
	if !f.app.Authz.Scope(actor.Principal, authz.Read, authz.Task).Own {
		return apperr.New(apperr.Forbidden, "your roles do not allow read on task")
	}
	return nil
}

// Followed is a step the subscriber may know of, with the task as the
// subscriber sees it now.
type Followed struct {
	Notice task.Notice
	// Task is the task read under the subscriber's principal and purpose:
	// its personal content is nil when the rule hides it (Withdrawn).
	Task task.Task
	// Step is the announced step of its history, its note masked alike.
	Step task.Event
	// Boxes are the subscriber's boxes the task is in, among those asked.
	Boxes []task.Box
	// Today is the day of the read, for what depends on it (overdue).
	Today time.Time
}

// Check decides, in a unit of work of its own begun now, whether the
// actor may know of the announced step, and audits the delivery: the
// task is re-read with the service's read under the actor's principal
// and declared purpose (a task the actor's organisation and unit are not
// a party to is not found; content a samtycke no longer shares is
// hidden), it must be in one of the boxes asked for, and the read is
// noted for the audit record and, when its content is shown, the
// person's loggutdrag. nil: nothing for the actor (nothing is audited).
func (f *Follower) Check(ctx context.Context, actor app.Actor, n task.Notice, boxes []task.Box) (*Followed, error) {
	if actor.Principal == nil || len(boxes) == 0 {
		return nil, nil
	}
	w := f.app.Begin(actor)
	found, err := f.tasks.ByID(ctx, w, []uuid.UUID{n.TaskID})
	if err != nil {
		w.Abandon(ctx)
		return nil, err
	}
	t, ok := found[n.TaskID]
	if !ok {
		w.Abandon(ctx)
		return nil, nil
	}
	p := actor.Principal
	var in []task.Box
	for _, b := range boxes {
		if task.InBox(t, b, p.OrgID, p.UnitID) {
			in = append(in, b)
		}
	}
	if len(in) == 0 {
		w.Abandon(ctx)
		return nil, nil
	}
	history, err := f.tasks.Events(ctx, w, []uuid.UUID{t.ID})
	if err != nil {
		w.Abandon(ctx)
		return nil, err
	}
	var step *task.Event
	for i, e := range history[t.ID] {
		if e.ID == n.EventID {
			step = &history[t.ID][i]
			break
		}
	}
	if step == nil {
		w.Abandon(ctx)
		return nil, nil
	}
	today, err := w.Today(ctx)
	if err != nil {
		w.Abandon(ctx)
		return nil, err
	}
	if err := w.Finish(ctx, FollowOperation, false, ""); err != nil {
		return nil, err
	}
	return &Followed{Notice: n, Task: t, Step: *step, Boxes: in, Today: today}, nil
}
