package graph

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/evidence"
	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/outcomes"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/sip"
	"github.com/samverkanshub/hub/internal/tasks"
)

// personalLoaders are the request's relations over personal data. The use
// cases behind them apply the sharing rule in SQL and note every read for
// the audit record and the loggutdrag.
type personalLoaders struct {
	wait                 time.Duration
	r                    *Resolver
	individuals          *relation[individuals.Individual]
	casesOfIndividual    *relation[[]cases.Case]
	participants         *relation[[]cases.Participant]
	sharedClasses        *relation[[]consent.Class]
	consentsOfIndividual *relation[[]consent.Consent]
	transitions          *relation[[]cases.Transition]
	screenings           *relation[cases.Screening]
	cases                *relation[cases.Case]
	taskEvents           *relation[[]tasks.Event]
	jointTasks           *relation[[]tasks.Task] // by the first task of a joint request
	planVersions         *relation[[]sip.Version]
	tasks                *relation[tasks.Task]
	evidence             *relation[[]evidence.Item]
	repayments           *relation[[]outcomes.Repayment]
	reactualisations     *relation[outcomes.Reactualisation]

	mu    sync.Mutex
	items map[string]*relation[[]cases.Item] // by the classes asked for
}

func newPersonalLoaders(wait time.Duration, r *Resolver) *personalLoaders {
	return &personalLoaders{
		wait: wait, r: r,
		individuals:          newRelation(wait, fetcher(r.Casework.Individuals)),
		casesOfIndividual:    newRelation(wait, fetcher(r.Casework.CasesOfIndividuals)),
		participants:         newRelation(wait, fetcher(r.Casework.Participants)),
		sharedClasses:        newRelation(wait, fetcher(r.Casework.SharedClasses)),
		consentsOfIndividual: newRelation(wait, fetcher(r.Samtycke.OfIndividuals)),
		transitions:          newRelation(wait, fetcher(r.Casework.Transitions)),
		screenings:           newRelation(wait, fetcher(r.Casework.Screenings)),
		cases:                newRelation(wait, fetcher(r.Casework.Cases)),
		taskEvents:           newRelation(wait, fetcher(r.TaskWork.Events)),
		jointTasks:           newRelation(wait, fetcher(r.TaskWork.Joint)),
		planVersions:         newRelation(wait, fetcher(r.PlanWork.Versions)),
		tasks:                newRelation(wait, fetcher(r.TaskWork.ByID)),
		evidence:             newRelation(wait, fetcher(r.Evidence.Checklists)),
		repayments:           newRelation(wait, fetcher(r.Casework.Repayments)),
		reactualisations:     newRelation(wait, fetcher(r.Casework.Reactualisations)),
		items:                map[string]*relation[[]cases.Item]{},
	}
}

// itemsOf is the relation of cases to their items of the given classes
// (all when none): the classes are filtered in SQL.
func (l *personalLoaders) itemsOf(classes []consent.Class) *relation[[]cases.Item] {
	names := make([]string, len(classes))
	for i, c := range classes {
		names[i] = string(c)
	}
	slices.Sort(names)
	key := strings.Join(names, ",")
	l.mu.Lock()
	defer l.mu.Unlock()
	rel, ok := l.items[key]
	if !ok {
		rel = newRelation(l.wait, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]cases.Item, error) {
			return l.r.Casework.Items(ctx, work(ctx), ids, classes)
		})
		l.items[key] = rel
	}
	return rel
}

func (r *Resolver) personal(ctx context.Context) *personalLoaders { return loaders(ctx).personal }

// parseKey reads a global id of the given type; anything else is NOT_FOUND
// for what, exactly like a missing object.
func parseKey(gid, typ, what string) (uuid.UUID, error) {
	t, id, err := relay.ParseID(gid)
	if err != nil || t != typ {
		return uuid.Nil, apperr.NotFoundf("no such %s", what)
	}
	return id, nil
}

func parseOptionalKey(gid *string, typ, what string) (*uuid.UUID, error) {
	if gid == nil {
		return nil, nil
	}
	id, err := parseKey(*gid, typ, what)
	if err != nil {
		return nil, apperr.Invalidf("%s: no such %s", *gid, what)
	}
	return &id, nil
}

// orgsOf resolves an Organization field of a batch of parents.
func orgsOf[P any](ctx context.Context, objs []*P, key func(*P) uuid.UUID) ([]*model.Organization, error) {
	orgs, err := loaders(ctx).organizations.load(ctx, keysOf(objs, key))
	if err != nil {
		return nil, err
	}
	return mapOne(objs, key, orgs, model.FromOrganization), nil
}

// unitsOf resolves a non-null Unit field of a batch of parents.
func unitsOf[P any](ctx context.Context, objs []*P, key func(*P) uuid.UUID) ([]*model.Unit, error) {
	units, err := loaders(ctx).units.load(ctx, keysOf(objs, key))
	if err != nil {
		return nil, err
	}
	return mapOne(objs, key, units, model.FromUnit), nil
}

// loadPersonalNodes resolves `node`/`nodes` ids of personal data under the
// rule; what the principal may not see stays absent (null). Such reads
// declare a purpose like every other.
func (r *Resolver) loadPersonalNodes(ctx context.Context, byType map[string][]uuid.UUID, put func(string, uuid.UUID, model.Node)) error {
	personal := 0
	for _, typ := range []string{relay.TypeIndividual, relay.TypeCase, relay.TypeCaseItem, relay.TypeConsent, relay.TypeTask, relay.TypeMeeting} {
		personal += len(byType[typ])
	}
	if personal == 0 {
		return nil
	}
	w := work(ctx)
	if ids := byType[relay.TypeIndividual]; len(ids) > 0 {
		found, err := r.personal(ctx).individuals.load(ctx, ids)
		if err != nil {
			return err
		}
		for id, ind := range found {
			put(relay.TypeIndividual, id, model.FromIndividual(ind))
		}
	}
	if ids := byType[relay.TypeCase]; len(ids) > 0 {
		found, err := r.Casework.Cases(ctx, w, ids)
		if err != nil {
			return err
		}
		for id, c := range found {
			put(relay.TypeCase, id, model.FromCase(c))
		}
	}
	if ids := byType[relay.TypeCaseItem]; len(ids) > 0 {
		found, err := r.Casework.ItemsByID(ctx, w, ids)
		if err != nil {
			return err
		}
		for id, it := range found {
			put(relay.TypeCaseItem, id, model.FromItem(it))
		}
	}
	if ids := byType[relay.TypeTask]; len(ids) > 0 {
		found, err := r.TaskWork.ByID(ctx, w, ids)
		if err != nil {
			return err
		}
		day, err := w.Today(ctx)
		if err != nil {
			return err
		}
		for id, t := range found {
			put(relay.TypeTask, id, model.FromTask(t, day))
		}
	}
	if ids := byType[relay.TypeMeeting]; len(ids) > 0 {
		found, err := r.MeetingWork.ByID(ctx, w, ids)
		if err != nil {
			return err
		}
		for id, m := range found {
			put(relay.TypeMeeting, id, model.FromMeeting(m))
		}
	}
	if ids := byType[relay.TypeConsent]; len(ids) > 0 {
		found, err := r.Samtycke.ByID(ctx, w, ids)
		if err != nil {
			return err
		}
		day, err := w.Today(ctx)
		if err != nil {
			return err
		}
		for id, c := range found {
			put(relay.TypeConsent, id, model.FromConsent(c, day))
		}
	}
	return nil
}

// individualsOf resolves the non-null individual of n parents (keyOf(i) is
// parent i's) under the rule. A parent the principal can see has a person
// they can see; should the two ever disagree, the answer is NOT_FOUND
// rather than a person.
func (r *Resolver) individualsOf(ctx context.Context, keys []uuid.UUID, keyOf func(int) uuid.UUID, n int) ([]*model.Individual, error) {
	found, err := r.personal(ctx).individuals.load(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Individual, n)
	for i := range n {
		ind, ok := found[keyOf(i)]
		if !ok {
			return nil, apperr.NotFoundf("no such individual")
		}
		out[i] = model.FromIndividual(ind)
	}
	return out, nil
}

// today is the Swedish day of the request's clock.
func today(ctx context.Context) (time.Time, error) { return work(ctx).Today(ctx) }

// screeningsOf converts the screenings of cases, each with its answers in
// the order of its routine's criteria.
func (r *Resolver) screeningsOf(ctx context.Context, objs []*model.Case, found map[uuid.UUID]cases.Screening) ([]*model.CaseScreening, error) {
	var routineIDs []uuid.UUID
	for _, sc := range found {
		routineIDs = append(routineIDs, sc.RoutineID)
	}
	routines, err := loaders(ctx).routines.load(ctx, distinct(routineIDs))
	if err != nil {
		return nil, err
	}
	out := make([]*model.CaseScreening, len(objs))
	for i, c := range objs {
		if sc, ok := found[c.Key]; ok {
			out[i] = model.FromScreening(sc, routines[sc.RoutineID].Definition)
		}
	}
	return out, nil
}
