package graph

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
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
