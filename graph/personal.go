package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/graph/relay"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// personalLoaders are the request's relations over personal data. Each
// applies the consent rule for the principal's scope, in SQL.
type personalLoaders struct {
	individuals          *relation[individuals.Individual]
	casesOfIndividual    *relation[[]cases.Case]
	participants         *relation[[]cases.Participant]
	items                *relation[[]cases.Item]
	sharedClasses        *relation[[]consent.Class]
	consentsOfIndividual *relation[[]consent.Consent]
}

func (r *Resolver) personal(ctx context.Context) *personalLoaders {
	l := loaders(ctx)
	l.personalOnce.Do(func() {
		p := identity.FromContext(ctx)
		store := individuals.Store{Keys: r.Keys}
		individualScope := r.Authz.Scope(p, authz.Read, authz.Individual)
		caseScope := r.Authz.Scope(p, authz.Read, authz.Case)
		itemScope := r.Authz.Scope(p, authz.Read, authz.CaseItem)
		readsConsents := r.Authz.Scope(p, authz.Read, authz.Consent).Own
		l.personal = &personalLoaders{
			individuals: newRelation(l.wait, func(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]individuals.Individual, error) {
				return store.ByID(ctx, q, individualScope, ids)
			}),
			casesOfIndividual: newRelation(l.wait, func(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID][]cases.Case, error) {
				return cases.ForIndividuals(ctx, q, caseScope, ids)
			}),
			participants: newRelation(l.wait, func(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID][]cases.Participant, error) {
				return cases.Participants(ctx, q, caseScope, ids)
			}),
			items: newRelation(l.wait, func(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID][]cases.Item, error) {
				return cases.Items(ctx, q, itemScope, ids, nil)
			}),
			sharedClasses: newRelation(l.wait, cases.SharedClasses),
			consentsOfIndividual: newRelation(l.wait, func(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID][]consent.Consent, error) {
				if !readsConsents {
					return map[uuid.UUID][]consent.Consent{}, nil
				}
				return consent.ForIndividuals(ctx, q, ids)
			}),
		}
	})
	return l.personal
}

// scopeFor is what the principal may read of a kind of personal data; a
// principal who may read none of it is refused (and the refusal audited).
func (r *Resolver) scopeFor(ctx context.Context, kind authz.ObjectKind) (consent.Scope, error) {
	p := identity.FromContext(ctx)
	if p == nil {
		return consent.Scope{}, apperr.New(apperr.Unauthenticated, "authentication required")
	}
	s := r.Authz.Scope(p, authz.Read, kind)
	if !s.Own && !s.Consented {
		reason := fmt.Sprintf("your roles do not allow read on %s", kind)
		audit.Deny(ctx, reason)
		return s, apperr.New(apperr.Forbidden, reason)
	}
	return s, nil
}

// Loggutdrag rows for what a request read or wrote.

func recordIndividuals(ctx context.Context, write bool, list ...individuals.Individual) {
	for _, i := range list {
		audit.RecordAccess(ctx, audit.Access{IndividualID: i.ID, OwnerOrgID: i.OrgID,
			ObjectID: relay.ID(relay.TypeIndividual, i.ID), ConsentID: i.ConsentID, Write: write})
	}
}

func recordCases(ctx context.Context, write bool, list ...cases.Case) {
	for _, c := range list {
		audit.RecordAccess(ctx, audit.Access{IndividualID: c.IndividualID, OwnerOrgID: c.OrgID,
			ObjectID: relay.ID(relay.TypeCase, c.ID), ConsentID: c.ConsentID, Write: write})
	}
}

// recordItems notes items read; the person's municipality is the case's
// owner, which the caller passes per case.
func recordItems(ctx context.Context, write bool, owner map[uuid.UUID]uuid.UUID, list ...cases.Item) {
	for _, it := range list {
		audit.RecordAccess(ctx, audit.Access{IndividualID: it.IndividualID, OwnerOrgID: owner[it.CaseID],
			ObjectID: relay.ID(relay.TypeCaseItem, it.ID), ConsentID: it.ConsentID, Write: write})
	}
}

func recordConsents(ctx context.Context, write bool, list ...consent.Consent) {
	for _, c := range list {
		audit.RecordAccess(ctx, audit.Access{IndividualID: c.IndividualID, OwnerOrgID: c.OrgID,
			ObjectID: relay.ID(relay.TypeConsent, c.ID), Write: write})
	}
}

// recordAccessLogRead notes that the loggutdrag of ind was read: reading
// the log is itself a read of the person's data, and the person has a
// right to know who read it. The object is the log, the id of type
// AccessLog with the person's id (relay.TypeAccessLog).
func recordAccessLogRead(ctx context.Context, ind individuals.Individual) {
	audit.RecordAccess(ctx, audit.Access{IndividualID: ind.ID, OwnerOrgID: ind.OrgID,
		ObjectID: relay.ID(relay.TypeAccessLog, ind.ID)})
}

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

// today is the Swedish calendar day of the request.
func today() time.Time { return tenancy.Today() }

// visibleIndividual loads one individual by global id under the rule:
// NOT_FOUND unless the principal may see them.
func (r *Resolver) visibleIndividual(ctx context.Context, gid string) (individuals.Individual, error) {
	key, err := parseKey(gid, relay.TypeIndividual, "individual")
	if err != nil {
		return individuals.Individual{}, err
	}
	p := identity.FromContext(ctx)
	found, err := individuals.Store{Keys: r.Keys}.ByID(ctx, querier(ctx), r.Authz.Scope(p, authz.Read, authz.Individual), []uuid.UUID{key})
	if err != nil {
		return individuals.Individual{}, err
	}
	ind, ok := found[key]
	if !ok {
		return individuals.Individual{}, apperr.NotFoundf("no such individual")
	}
	return ind, nil
}

// visibleCase loads one case by global id under the rule: NOT_FOUND unless
// the principal may see it.
func (r *Resolver) visibleCase(ctx context.Context, gid string) (cases.Case, error) {
	key, err := parseKey(gid, relay.TypeCase, "case")
	if err != nil {
		return cases.Case{}, err
	}
	p := identity.FromContext(ctx)
	found, err := cases.ByID(ctx, querier(ctx), r.Authz.Scope(p, authz.Read, authz.Case), []uuid.UUID{key})
	if err != nil {
		return cases.Case{}, err
	}
	c, ok := found[key]
	if !ok {
		return cases.Case{}, apperr.NotFoundf("no such case")
	}
	return c, nil
}

// loadPersonalNodes resolves `node`/`nodes` ids of personal data under the
// rule; what the principal may not see stays absent (null). Such reads
// declare a purpose like every other.
func (r *Resolver) loadPersonalNodes(ctx context.Context, byType map[string][]uuid.UUID, put func(string, uuid.UUID, model.Node)) error {
	personal := 0
	for _, typ := range []string{relay.TypeIndividual, relay.TypeCase, relay.TypeCaseItem, relay.TypeConsent} {
		personal += len(byType[typ])
	}
	if personal == 0 {
		return nil
	}
	if _, err := requirePurpose(ctx); err != nil {
		return err
	}
	p := identity.FromContext(ctx)
	q := querier(ctx)
	if ids := byType[relay.TypeIndividual]; len(ids) > 0 {
		found, err := r.personal(ctx).individuals.load(ctx, ids)
		if err != nil {
			return err
		}
		for id, ind := range found {
			recordIndividuals(ctx, false, ind)
			put(relay.TypeIndividual, id, model.FromIndividual(ind))
		}
	}
	if ids := byType[relay.TypeCase]; len(ids) > 0 {
		found, err := cases.ByID(ctx, q, r.Authz.Scope(p, authz.Read, authz.Case), ids)
		if err != nil {
			return err
		}
		for id, c := range found {
			recordCases(ctx, false, c)
			put(relay.TypeCase, id, model.FromCase(c))
		}
	}
	if ids := byType[relay.TypeCaseItem]; len(ids) > 0 {
		found, owners, err := cases.ItemsByID(ctx, q, r.Authz.Scope(p, authz.Read, authz.CaseItem), ids)
		if err != nil {
			return err
		}
		for id, it := range found {
			recordItems(ctx, false, owners, it)
			put(relay.TypeCaseItem, id, model.FromItem(it))
		}
	}
	if ids := byType[relay.TypeConsent]; len(ids) > 0 && r.Authz.Scope(p, authz.Read, authz.Consent).Own {
		found, err := consent.ByID(ctx, q, ids)
		if err != nil {
			return err
		}
		day := today()
		for id, c := range found {
			recordConsents(ctx, false, c)
			put(relay.TypeConsent, id, model.FromConsent(c, day))
		}
	}
	return nil
}

// individualsOf resolves the non-null individual of n parents (keyOf(i) is
// parent i's) under the rule, noting each read for the loggutdrag. A parent
// the principal can see has a person they can see; should the two ever
// disagree, the answer is NOT_FOUND rather than a person.
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
		recordIndividuals(ctx, false, ind)
		out[i] = model.FromIndividual(ind)
	}
	return out, nil
}
