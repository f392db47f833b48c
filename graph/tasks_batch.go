package graph

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/internal/tasks"
)

// entriesOf resolves the directory entries n parents were routed to
// (keyOf(i) is parent i's, nil for none), as the viewer may see them.
func (r *Resolver) entriesOf(ctx context.Context, n int, keyOf func(int) *uuid.UUID) ([]*model.DirectoryEntry, error) {
	var ids []uuid.UUID
	for i := range n {
		if k := keyOf(i); k != nil {
			ids = append(ids, *k)
		}
	}
	found, err := loaders(ctx).directoryEntries.load(ctx, distinct(ids))
	if err != nil {
		return nil, err
	}
	now, err := work(ctx).Now(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*model.DirectoryEntry, n)
	for i := range n {
		if k := keyOf(i); k != nil {
			if e, ok := found[*k]; ok {
				out[i] = model.FromEntry(e, now)
			}
		}
	}
	return out, nil
}

// jointWith resolves Task.jointWith of a batch of tasks: the other tasks
// of each one's joint request that the viewer is a party to (the use case
// lists a group's tasks as the viewer may see them; the task itself is
// left out here).
func (r *Resolver) jointWith(ctx context.Context, objs []*model.Task) ([][]*model.Task, error) {
	var keys []uuid.UUID
	for _, t := range objs {
		if t.JointKey != nil {
			keys = append(keys, *t.JointKey)
		}
	}
	var found map[uuid.UUID][]tasks.Task
	if len(keys) > 0 {
		var err error
		if found, err = r.personal(ctx).jointTasks.load(ctx, distinct(keys)); err != nil {
			return nil, err
		}
	}
	day, err := today(ctx)
	if err != nil {
		return nil, err
	}
	out := make([][]*model.Task, len(objs))
	for i, t := range objs {
		out[i] = []*model.Task{}
		if t.JointKey == nil {
			continue
		}
		for _, other := range found[*t.JointKey] {
			if other.ID != t.Key {
				out[i] = append(out[i], model.FromTask(other, day))
			}
		}
	}
	return out, nil
}
