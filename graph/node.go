package graph

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// maxNodes bounds the ids one `nodes` call takes.
const maxNodes = 100

// loadNodes resolves global ids to objects, one query per object type. An id
// of an unknown type or of an object that does not exist (or that the caller
// may not see) yields nil, exactly like a missing object.
func (r *Resolver) loadNodes(ctx context.Context, ids []string) ([]model.Node, error) {
	type ref struct {
		typ string
		id  uuid.UUID
	}
	refs := make([]ref, len(ids))
	byType := map[string][]uuid.UUID{}
	for i, gid := range ids {
		typ, id, err := relay.ParseID(gid)
		if err != nil {
			return nil, err
		}
		refs[i] = ref{typ, id}
		byType[typ] = append(byType[typ], id)
	}
	found := map[ref]model.Node{}
	w := work(ctx)
	// The catalogue is open to every principal, but the entry point decides:
	// a type the principal may not read yields nulls, as if nothing existed.
	readable := func(kind authz.ObjectKind) bool { return r.Orgs.Readable(ctx, w, kind) }
	if ids := byType[relay.TypeOrganization]; len(ids) > 0 && readable(authz.Organization) {
		orgs, err := r.Orgs.Organizations(ctx, w, ids)
		if err != nil {
			return nil, err
		}
		for id, o := range orgs {
			found[ref{relay.TypeOrganization, id}] = model.FromOrganization(o)
		}
	}
	if ids := byType[relay.TypeUnit]; len(ids) > 0 && readable(authz.Unit) {
		units, err := r.Orgs.Units(ctx, w, ids)
		if err != nil {
			return nil, err
		}
		for id, u := range units {
			found[ref{relay.TypeUnit, id}] = model.FromUnit(u)
		}
	}
	if ids := byType[relay.TypeFederation]; len(ids) > 0 && readable(authz.Federation) {
		feds, err := r.Orgs.Federations(ctx, w, ids)
		if err != nil {
			return nil, err
		}
		for id, f := range feds {
			found[ref{relay.TypeFederation, id}] = model.FromFederation(f)
		}
	}
	if ids := byType[relay.TypeDirectoryEntry]; len(ids) > 0 && readable(authz.DirectoryEntry) {
		entries, err := loaders(ctx).directoryEntries.load(ctx, ids) // only those visible to the viewer
		if err != nil {
			return nil, err
		}
		now, err := w.Now(ctx)
		if err != nil {
			return nil, err
		}
		for id, e := range entries {
			found[ref{relay.TypeDirectoryEntry, id}] = model.FromEntry(e, now)
		}
	}
	if ids := byType[relay.TypeRoutine]; len(ids) > 0 && readable(authz.Routine) {
		found2, err := loaders(ctx).routines.load(ctx, ids)
		if err != nil {
			return nil, err
		}
		for id, rt := range found2 {
			found[ref{relay.TypeRoutine, id}] = model.FromRoutine(rt)
		}
	}
	if ids := byType[relay.TypeScreeningCohort]; len(ids) > 0 {
		// A cohort is its municipality's alone: anyone else finds nothing
		// (the refusal is audited as any other).
		ks, err := r.Casework.Cohorts(ctx, w, nil, ids)
		if err != nil && apperr.CodeOf(err) != apperr.Forbidden {
			return nil, err
		}
		for _, k := range ks {
			found[ref{relay.TypeScreeningCohort, k.ID}] = model.FromCohort(k)
		}
	}
	if err := r.loadPersonalNodes(ctx, byType, func(typ string, id uuid.UUID, n model.Node) { found[ref{typ, id}] = n }); err != nil {
		return nil, err
	}
	out := make([]model.Node, len(ids))
	for i, rf := range refs {
		if n, ok := found[rf]; ok {
			out[i] = n
		}
	}
	return out, nil
}
