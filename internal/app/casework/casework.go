// Package casework holds the use cases of the case work on people: the
// municipality registers individuals and opens samverkansärenden, the
// parties add themselves and their items, and everyone reads what the
// sharing rule lets them see. Every method runs in the caller's unit of
// work, in the lawful order: purpose, authorization, the domain call, and
// the notes for the audit record and the person's loggutdrag.
package casework

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// Service is the case work of one hub.
type Service struct {
	people individuals.Store
}

// New returns the service.
func New(a *app.App) *Service { return &Service{people: individuals.Store{Keys: a.Keys}} }

// Individuals loads the people among ids the actor may see (absent ones
// are not), noting each read.
func (s *Service) Individuals(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]individuals.Individual, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return nil, err
	}
	found, err := s.people.ByID(ctx, w.Tx(), w.Scope(authz.Read, authz.Individual), ids)
	if err != nil {
		return nil, err
	}
	for _, ind := range found {
		readIndividual(w, ind)
	}
	return found, nil
}

// VisibleIndividual loads one person the actor may see; NOT_FOUND
// otherwise, exactly as if they did not exist. The read is not noted: the
// caller decides whether it is a read or the target of a change (recording
// a samtycke, opening a case).
func (s *Service) VisibleIndividual(ctx context.Context, w *app.Work, id uuid.UUID) (individuals.Individual, error) {
	found, err := s.people.ByID(ctx, w.Tx(), w.Scope(authz.Read, authz.Individual), []uuid.UUID{id})
	if err != nil {
		return individuals.Individual{}, err
	}
	ind, ok := found[id]
	if !ok {
		return individuals.Individual{}, apperr.NotFoundf("no such individual")
	}
	return ind, nil
}

// ListIndividuals is a page of the people the actor may see.
func (s *Service) ListIndividuals(ctx context.Context, w *app.Work, pr page.Request) (page.Result[individuals.Individual], error) {
	if _, err := w.RequirePurpose(); err != nil {
		return page.Result[individuals.Individual]{}, err
	}
	scope, err := w.ReadScope(authz.Individual)
	if err != nil {
		return page.Result[individuals.Individual]{}, err
	}
	res, err := s.people.List(ctx, w.Tx(), scope, pr)
	if err != nil {
		return res, err
	}
	for _, ind := range res.Items {
		readIndividual(w, ind)
	}
	return res, nil
}

// CountIndividuals counts the people the actor may see, up to
// page.MaxCount.
func (s *Service) CountIndividuals(ctx context.Context, w *app.Work) (int, error) {
	scope, err := w.ReadScope(authz.Individual)
	if err != nil {
		return 0, err
	}
	return individuals.Count(ctx, w.Tx(), scope)
}

// IndividualByNumber finds a person by personnummer or samordningsnummer
// (nil: nobody the actor may see). Every number tried is in the audit
// record, as its blind index, found or not: a lookup is a probe of the
// register.
func (s *Service) IndividualByNumber(ctx context.Context, w *app.Work, number string) (*individuals.Individual, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return nil, err
	}
	scope, err := w.ReadScope(authz.Individual)
	if err != nil {
		return nil, err
	}
	today, err := w.Today(ctx)
	if err != nil {
		return nil, err
	}
	w.Touch(s.people.LookupTrace(number, today))
	ind, err := s.people.ByNumber(ctx, w.Tx(), scope, number, today)
	if err != nil || ind == nil {
		return nil, err
	}
	readIndividual(w, *ind)
	return ind, nil
}

// RegisterIndividual adds a person to the actor's municipality. It is
// audited even when it fails: a refused registration says whether the
// number is known, so probing shows in the trail.
func (s *Service) RegisterIndividual(ctx context.Context, w *app.Work, in individuals.RegisterInput) (individuals.Individual, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return individuals.Individual{}, err
	}
	p := w.Principal()
	if err := w.Allow(ctx, authz.Create, authz.Object{Kind: authz.Individual, OwnerOrgID: p.OrgID}); err != nil {
		return individuals.Individual{}, err
	}
	today, err := w.Today(ctx)
	if err != nil {
		return individuals.Individual{}, err
	}
	w.Touch()
	ind, err := s.people.Register(ctx, w.Tx(), p, in, today)
	if apperr.CodeOf(err) == apperr.Conflict {
		w.Deny("registration of a number already registered")
	}
	if err != nil {
		return individuals.Individual{}, err
	}
	w.Accessed(individualAccess(ind, true))
	return ind, nil
}

// CasesOfIndividuals lists, per person, the cases the actor may see,
// noting each read.
func (s *Service) CasesOfIndividuals(ctx context.Context, w *app.Work, individualIDs []uuid.UUID) (map[uuid.UUID][]cases.Case, error) {
	found, err := cases.ForIndividuals(ctx, w.Tx(), w.Scope(authz.Read, authz.Case), individualIDs)
	if err != nil {
		return nil, err
	}
	for _, list := range found {
		for _, c := range list {
			w.Accessed(caseAccess(c, false))
		}
	}
	return found, nil
}

// Cases loads the cases among ids the actor may see, noting each read.
func (s *Service) Cases(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]cases.Case, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return nil, err
	}
	found, err := cases.ByID(ctx, w.Tx(), w.Scope(authz.Read, authz.Case), ids)
	if err != nil {
		return nil, err
	}
	for _, c := range found {
		w.Accessed(caseAccess(c, false))
	}
	return found, nil
}

// ListCases is a page of the cases the actor may see.
func (s *Service) ListCases(ctx context.Context, w *app.Work, f cases.Filter, pr page.Request) (page.Result[cases.Case], error) {
	if _, err := w.RequirePurpose(); err != nil {
		return page.Result[cases.Case]{}, err
	}
	scope, err := w.ReadScope(authz.Case)
	if err != nil {
		return page.Result[cases.Case]{}, err
	}
	res, err := cases.List(ctx, w.Tx(), scope, f, pr)
	if err != nil {
		return res, err
	}
	for _, c := range res.Items {
		w.Accessed(caseAccess(c, false))
	}
	return res, nil
}

// CountCases counts the cases the actor may see, up to page.MaxCount.
func (s *Service) CountCases(ctx context.Context, w *app.Work, f cases.Filter) (int, error) {
	scope, err := w.ReadScope(authz.Case)
	if err != nil {
		return 0, err
	}
	return cases.Count(ctx, w.Tx(), scope, f)
}

// OpenCase opens a samverkansärende for one of the municipality's people.
func (s *Service) OpenCase(ctx context.Context, w *app.Work, in cases.OpenInput) (cases.Case, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return cases.Case{}, err
	}
	ind, err := s.VisibleIndividual(ctx, w, in.IndividualID)
	if err != nil {
		return cases.Case{}, err
	}
	if err := w.Allow(ctx, authz.Create, authz.Object{Kind: authz.Case, OwnerOrgID: ind.OrgID, IndividualID: &ind.ID}); err != nil {
		return cases.Case{}, err
	}
	c, err := cases.Open(ctx, w.Tx(), author(w), in)
	if err != nil {
		return cases.Case{}, err
	}
	w.Accessed(caseAccess(c, true))
	return c, nil
}

// AddParticipant adds an organisation (or one of its units) as a party to
// a case.
func (s *Service) AddParticipant(ctx context.Context, w *app.Work, in cases.NewParticipant) (cases.Case, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return cases.Case{}, err
	}
	c, err := w.VisibleCase(ctx, in.CaseID)
	if err != nil {
		return cases.Case{}, err
	}
	if err := w.Allow(ctx, authz.Update, authz.Object{Kind: authz.Case, OwnerOrgID: c.OrgID, ID: relay.ID(relay.TypeCase, c.ID), IndividualID: &c.IndividualID}); err != nil {
		return cases.Case{}, err
	}
	if err := cases.AddParticipant(ctx, w.Tx(), author(w), in); err != nil {
		return cases.Case{}, err
	}
	w.Accessed(caseAccess(c, true))
	return c, nil
}

// AddItem records an item of the actor's own information classes in a
// case they can see: their own case, or one a samtycke shares with them
// (any class: what a party writes is its own information).
func (s *Service) AddItem(ctx context.Context, w *app.Work, in cases.NewItem) (cases.Item, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return cases.Item{}, err
	}
	c, err := w.VisibleCase(ctx, in.CaseID)
	if err != nil {
		return cases.Item{}, err
	}
	if err := w.Allow(ctx, authz.Create, authz.Object{Kind: authz.CaseItem, OwnerOrgID: c.OrgID, ID: relay.ID(relay.TypeCase, c.ID), IndividualID: &c.IndividualID}); err != nil {
		return cases.Item{}, err
	}
	it, err := cases.AddItem(ctx, w.Tx(), author(w), w.Scope(authz.Read, authz.Case), in)
	if err != nil {
		return cases.Item{}, err
	}
	it.ConsentID = c.ConsentID
	w.Accessed(itemAccess(it, true))
	return it, nil
}

// Participants lists the parties of the cases the actor may see (the
// municipality's planning: visible under KOMMUN_PLANERING).
func (s *Service) Participants(ctx context.Context, w *app.Work, caseIDs []uuid.UUID) (map[uuid.UUID][]cases.Participant, error) {
	return cases.Participants(ctx, w.Tx(), w.Scope(authz.Read, authz.Case), caseIDs)
}

// Items lists, per case, the items the actor may see, narrowed to classes
// when given, noting each read.
func (s *Service) Items(ctx context.Context, w *app.Work, caseIDs []uuid.UUID, classes []consent.Class) (map[uuid.UUID][]cases.Item, error) {
	found, err := cases.Items(ctx, w.Tx(), w.Scope(authz.Read, authz.CaseItem), caseIDs, classes)
	if err != nil {
		return nil, err
	}
	for _, list := range found {
		for _, it := range list {
			w.Accessed(itemAccess(it, false))
		}
	}
	return found, nil
}

// ItemsByID loads the items among ids the actor may see, noting each read.
func (s *Service) ItemsByID(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]cases.Item, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return nil, err
	}
	found, err := cases.ItemsByID(ctx, w.Tx(), w.Scope(authz.Read, authz.CaseItem), ids)
	if err != nil {
		return nil, err
	}
	for _, it := range found {
		w.Accessed(itemAccess(it, false))
	}
	return found, nil
}

// SharedClasses lists, per person, the information classes a samtycke in
// force shares with the actor under the declared purpose.
func (s *Service) SharedClasses(ctx context.Context, w *app.Work, individualIDs []uuid.UUID) (map[uuid.UUID][]consent.Class, error) {
	return cases.SharedClasses(ctx, w.Tx(), individualIDs)
}

// author is the actor as the author of what a use case writes in a case:
// who, of which organisation and unit, under the declared purpose.
func author(w *app.Work) cases.Author {
	a := w.Actor()
	p := a.Principal
	return cases.Author{OrgID: p.OrgID, OrgKind: p.OrgKind, UnitID: p.UnitID, UserID: p.UserID, Purpose: a.Purpose}
}

// Loggutdrag rows for what a use case read or wrote.

func readIndividual(w *app.Work, ind individuals.Individual) {
	w.Accessed(individualAccess(ind, false))
}

func individualAccess(ind individuals.Individual, write bool) audit.Access {
	return audit.Access{IndividualID: ind.ID, OwnerOrgID: ind.OrgID,
		ObjectID: relay.ID(relay.TypeIndividual, ind.ID), ConsentID: ind.ConsentID, Write: write}
}

func caseAccess(c cases.Case, write bool) audit.Access {
	return audit.Access{IndividualID: c.IndividualID, OwnerOrgID: c.OrgID,
		ObjectID: relay.ID(relay.TypeCase, c.ID), ConsentID: c.ConsentID, Write: write}
}

func itemAccess(it cases.Item, write bool) audit.Access {
	return audit.Access{IndividualID: it.IndividualID, OwnerOrgID: it.CaseOrgID,
		ObjectID: relay.ID(relay.TypeCaseItem, it.ID), ConsentID: it.ConsentID, Write: write}
}
