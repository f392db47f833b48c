package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/routine"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// How related objects are fetched without N+1:
//
// Every resolved field is a gqlgen batch resolver: it receives all parents
// of one list at once and fetches their related rows with one IN-list
// query. That is exact and timer-free while the parents form a single list
// (organizations.nodes[*].units). Below a second list level, though, each
// inner list makes its own batch call (one per organisation for
// organizations.nodes[*].units[*].parent), and so does each object that
// hangs off a list element (one per way in for waysIn[*].entry.channels),
// so those calls go through a
// request-scoped dataloader that merges the concurrent calls of one level
// into one query after a short wait. The number of statements a request
// runs is thus bounded by the shape of the query, never by page sizes.

// relation fetches values of type V by key, through a use case of the
// application layer in the request's unit of work.
type relation[V any] struct {
	fetch  func(ctx context.Context, keys []uuid.UUID) (map[uuid.UUID]V, error)
	loader *dataloadgen.Loader[uuid.UUID, V]
}

func newRelation[V any](wait time.Duration, fetch func(context.Context, []uuid.UUID) (map[uuid.UUID]V, error)) *relation[V] {
	r := &relation[V]{fetch: fetch}
	r.loader = dataloadgen.NewMappedLoader(fetch, dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(1000))
	return r
}

// fetcher adapts a use case of the form (ctx, work, keys) to a relation's
// fetch, taking the request's unit of work from ctx (the dataloader calls
// it with the context of the first caller of a batch).
func fetcher[V any](useCase func(context.Context, *app.Work, []uuid.UUID) (map[uuid.UUID]V, error)) func(context.Context, []uuid.UUID) (map[uuid.UUID]V, error) {
	return func(ctx context.Context, keys []uuid.UUID) (map[uuid.UUID]V, error) {
		return useCase(ctx, work(ctx), keys)
	}
}

// load returns the values for keys; keys without a value are absent.
func (r *relation[V]) load(ctx context.Context, keys []uuid.UUID) (map[uuid.UUID]V, error) {
	if len(keys) == 0 {
		return map[uuid.UUID]V{}, nil
	}
	if !nestedInList(ctx) {
		return r.fetch(ctx, keys)
	}
	vals, err := r.loader.LoadAll(ctx, keys)
	var perKey dataloadgen.ErrorSlice
	if err != nil && !errors.As(err, &perKey) {
		return nil, err
	}
	out := make(map[uuid.UUID]V, len(keys))
	for i, k := range keys {
		if perKey != nil && perKey[i] != nil {
			if errors.Is(perKey[i], dataloadgen.ErrNotFound) {
				continue
			}
			return nil, fmt.Errorf("load %s: %w", k, perKey[i])
		}
		out[k] = vals[i]
	}
	return out, nil
}

// prime fetches the values for keys now, in one query, and caches them in
// the request's dataloader (keys without a value cache the zero value), so
// that later loads of these keys answer at once instead of waiting for a
// batch. A list resolver uses it for relations it knows will be asked for
// one object at a time (waysIn[*].entry.channels).
func (r *relation[V]) prime(ctx context.Context, keys []uuid.UUID) error {
	if len(keys) == 0 {
		return nil
	}
	vals, err := r.fetch(ctx, keys)
	if err != nil {
		return err
	}
	for _, k := range keys {
		r.loader.Prime(k, vals[k])
	}
	return nil
}

// primeWith caches values already read (keys of vals only) in the
// request's dataloader, so that loads of these keys answer at once.
func (r *relation[V]) primeWith(vals map[uuid.UUID]V) {
	for k, v := range vals {
		r.loader.Prime(k, v)
	}
}

// waysFromMemory converts an answer of the resident directory and primes
// the request's loaders with the relations its query selects (channels,
// organisations, units, of the ways' entries and of their fallback
// chains), read from the same view: with them the whole answer costs no
// statement.
func waysFromMemory(ctx context.Context, answer vagin.WaysAnswer, now time.Time) []*model.WayIn {
	view := answer.Memory
	wantFallbacks := selects(ctx, "fallbackChain")
	entries := make([]directory.Entry, 0, len(answer.Ways))
	out := make([]*model.WayIn, len(answer.Ways))
	for i, way := range answer.Ways {
		out[i] = &model.WayIn{Match: way.Match, Entry: model.FromEntry(way.Entry, now), FallbacksKnown: true,
			Fallbacks: []*model.DirectoryEntry{}}
		entries = append(entries, way.Entry)
		if wantFallbacks {
			for _, e := range view.FallbackChain(&answer.Ways[i].Entry, vagin.MaxFallbacks) {
				out[i].Fallbacks = append(out[i].Fallbacks, model.FromEntry(e, now))
				entries = append(entries, e)
			}
		}
	}
	l := loaders(ctx)
	if selects(ctx, "entry", "channels") || selects(ctx, "entry", "openNow") ||
		(wantFallbacks && (selects(ctx, "fallbackChain", "channels") || selects(ctx, "fallbackChain", "openNow"))) {
		channels := make(map[uuid.UUID][]directory.Channel, len(entries))
		for _, e := range entries {
			channels[e.ID] = view.Channels(e.ID)
		}
		l.directoryChannels.primeWith(channels)
	}
	orgs := map[uuid.UUID]tenancy.Organization{}
	units := map[uuid.UUID]tenancy.Unit{}
	for _, e := range entries {
		if o, ok := view.Organization(e.OrgID); ok {
			orgs[e.OrgID] = o
		}
		if e.UnitID != nil {
			if u, ok := view.Unit(*e.UnitID); ok {
				units[u.ID] = u
			}
		}
	}
	l.organizations.primeWith(orgs)
	l.units.primeWith(units)
	return out
}

// selects reports whether the field being resolved selects the sub-field
// at path (through fragments too), e.g. selects(ctx, "entry", "channels").
func selects(ctx context.Context, path ...string) bool {
	oc := graphql.GetOperationContext(ctx)
	fields := graphql.CollectFieldsCtx(ctx, nil)
	for i, name := range path {
		var next *graphql.CollectedField
		for j := range fields {
			if fields[j].Name == name {
				next = &fields[j]
				break
			}
		}
		if next == nil {
			return false
		}
		if i < len(path)-1 {
			fields = graphql.CollectFields(oc, next.Selections, nil)
		}
	}
	return true
}

// nestedInList reports whether sibling calls of the field being resolved
// can be separate batch calls that need merging: when the field sits below
// two or more list levels, or below a list through an object that is not
// itself the list element (waysIn[*].entry.channels, where each entry is
// its own batch of one).
func nestedInList(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	// The field contexts from here to the root, counting list elements
	// (contexts with an index), without building the path: this runs for
	// every related object of every answer.
	lists := 0
	for it := fc; it != nil; it = it.Parent {
		if it.Index != nil {
			lists++
		}
	}
	if lists == 0 {
		return false
	}
	if lists >= 2 {
		return true
	}
	// The path's element before this field: the nearest context that is
	// a list element or a field (as FieldContext.Path counts them).
	parent := fc.Parent
	for parent != nil && parent.Index == nil && parent.Field.Field == nil {
		parent = parent.Parent
	}
	parentIsElement := parent != nil && parent.Index != nil
	return !parentIsElement
}

// requestLoaders are the relations of one request.
type requestLoaders struct {
	organizations             *relation[tenancy.Organization]
	units                     *relation[tenancy.Unit]
	federations               *relation[tenancy.Federation]
	unitsOfOrganization       *relation[[]tenancy.Unit]
	childUnits                *relation[[]tenancy.Unit]
	orgMunicipalities         *relation[[]tenancy.Municipality]
	unitMunicipalities        *relation[[]tenancy.Municipality]
	fedMunicipalities         *relation[[]tenancy.Municipality]
	membersOfFederation       *relation[[]tenancy.Membership]
	membershipsOfOrganization *relation[[]tenancy.Membership]
	routines                  *relation[routine.Routine]
	currentRoutines           *relation[routine.Routine] // by förbund
	cohortCounts              *relation[cases.CohortCount]
	// Directory relations apply the viewer's visibility.
	directoryEntries  *relation[directory.Entry]
	directoryChannels *relation[[]directory.Channel]
	// Personal data relations apply the sharing rule.
	personal *personalLoaders
}

func newRequestLoaders(wait time.Duration, r *Resolver) *requestLoaders {
	return &requestLoaders{
		organizations:             newRelation(wait, fetcher(r.Orgs.Organizations)),
		units:                     newRelation(wait, fetcher(r.Orgs.Units)),
		federations:               newRelation(wait, fetcher(r.Orgs.Federations)),
		unitsOfOrganization:       newRelation(wait, fetcher(r.Orgs.UnitsOfOrganizations)),
		childUnits:                newRelation(wait, fetcher(r.Orgs.ChildUnits)),
		orgMunicipalities:         newRelation(wait, fetcher(r.Orgs.MunicipalitiesOfOrganizations)),
		unitMunicipalities:        newRelation(wait, fetcher(r.Orgs.MunicipalitiesOfUnits)),
		fedMunicipalities:         newRelation(wait, fetcher(r.Orgs.MunicipalitiesOfFederations)),
		membersOfFederation:       newRelation(wait, fetcher(r.Orgs.MembersOfFederations)),
		membershipsOfOrganization: newRelation(wait, fetcher(r.Orgs.MembershipsOfOrganizations)),
		routines:                  newRelation(wait, fetcher(r.RoutineService.ByID)),
		currentRoutines:           newRelation(wait, fetcher(r.RoutineService.CurrentOf)),
		cohortCounts:              newRelation(wait, fetcher(r.Casework.CohortCounts)),
		directoryEntries:          newRelation(wait, fetcher(r.Directory.Entries)),
		directoryChannels:         newRelation(wait, fetcher(r.Directory.Channels)),
		personal:                  newPersonalLoaders(wait, r),
	}
}

type loadersKey struct{}

// loaders returns the request's loaders; every query and mutation has them
// (batching).
func loaders(ctx context.Context) *requestLoaders {
	if l, ok := ctx.Value(loadersKey{}).(*requestLoaders); ok {
		return l
	}
	panic("graph: a resolver ran without the request's loaders")
}

// defaultBatchWait is how long a dataloader collects keys from concurrent
// batch calls of one level before it queries. Every request with nested
// single objects (a case's lead unit) waits it once per level, so it is
// short: the sibling calls of one level arrive within microseconds. Under
// heavy load some may miss it and cost a statement more; the tests that
// count statements set a long wait (Options.BatchWait).
const defaultBatchWait = 500 * time.Microsecond

// batching installs the request's loaders for queries and mutations, and
// fresh ones for each event of a subscription (nothing loaded for one
// event answers for the next).
type batching struct {
	wait     time.Duration
	resolver *Resolver
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = batching{}

func (batching) ExtensionName() string                   { return "Batching" }
func (batching) Validate(graphql.ExecutableSchema) error { return nil }
func (b batching) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		responses := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			return responses(context.WithValue(ctx, loadersKey{}, newRequestLoaders(b.wait, b.resolver)))
		}
	}
	return next(context.WithValue(ctx, loadersKey{}, newRequestLoaders(b.wait, b.resolver)))
}

// primeWayRelations loads the relations of the entries of ways that the
// query asks for, in one statement each. Every way's entry is its own
// parent object, so without this each would resolve its channels and
// organisation in a batch of one, merged only after the dataloader's wait.
func primeWayRelations(ctx context.Context, ways []directory.WayIn) error {
	entries := make([]uuid.UUID, len(ways))
	var orgs, units []uuid.UUID
	for i, w := range ways {
		entries[i] = w.ID
		orgs = append(orgs, w.OrgID)
		if w.UnitID != nil {
			units = append(units, *w.UnitID)
		}
	}
	l := loaders(ctx)
	if selects(ctx, "entry", "channels") || selects(ctx, "entry", "openNow") {
		if err := l.directoryChannels.prime(ctx, entries); err != nil {
			return err
		}
	}
	if selects(ctx, "entry", "organization") {
		if err := l.organizations.prime(ctx, distinct(orgs)); err != nil {
			return err
		}
	}
	if selects(ctx, "entry", "unit") {
		if err := l.units.prime(ctx, distinct(units)); err != nil {
			return err
		}
	}
	return nil
}

func distinct(ids []uuid.UUID) []uuid.UUID {
	return slices.Compact(slices.SortedFunc(slices.Values(ids), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }))
}
