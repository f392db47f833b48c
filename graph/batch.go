package graph

import (
	"context"

	"github.com/google/uuid"
)

// keysOf returns the distinct keys of a batch of parents, for one IN-list
// query per batch.
func keysOf[T any](objs []*T, key func(*T) uuid.UUID) []uuid.UUID {
	seen := make(map[uuid.UUID]struct{}, len(objs))
	out := make([]uuid.UUID, 0, len(objs))
	for _, o := range objs {
		k := key(o)
		if _, ok := seen[k]; !ok {
			seen[k] = struct{}{}
			out = append(out, k)
		}
	}
	return out
}

// mapEach converts a batch of domain slices back into per-parent GraphQL
// slices, in the parents' order; parents without entries get an empty list.
func mapEach[P, D, G any](objs []*P, key func(*P) uuid.UUID, byKey map[uuid.UUID][]D, conv func(D) *G) [][]*G {
	out := make([][]*G, len(objs))
	for i, o := range objs {
		items := byKey[key(o)]
		out[i] = make([]*G, len(items))
		for j, it := range items {
			out[i][j] = conv(it)
		}
	}
	return out
}

// mapOne converts a batch of domain objects into per-parent GraphQL objects;
// a parent whose object is missing gets nil.
func mapOne[P, D, G any](objs []*P, key func(*P) uuid.UUID, byKey map[uuid.UUID]D, conv func(D) *G) []*G {
	out := make([]*G, len(objs))
	for i, o := range objs {
		if d, ok := byKey[key(o)]; ok {
			out[i] = conv(d)
		}
	}
	return out
}

// mapOptional is mapOne for parents whose key may be absent (a unit's
// parent, a principal's unit): it loads the present keys through rel and
// gives nil where the key is absent or nothing was found.
func mapOptional[P, D, G any](ctx context.Context, objs []*P, key func(*P) *uuid.UUID, rel *relation[D], conv func(D) *G) ([]*G, error) {
	var ids []uuid.UUID
	for _, o := range objs {
		if k := key(o); k != nil {
			ids = append(ids, *k)
		}
	}
	found, err := rel.load(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*G, len(objs))
	for i, o := range objs {
		if k := key(o); k != nil {
			if d, ok := found[*k]; ok {
				out[i] = conv(d)
			}
		}
	}
	return out, nil
}
