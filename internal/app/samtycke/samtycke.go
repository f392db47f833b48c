// Package samtycke holds the use cases of samtycken: the municipality
// records and revokes them on the person's behalf and reads them; grantees
// are told, as events, that a person was shared with them. Every method
// runs in a unit of work, in the lawful order: purpose, authorization, the
// domain call, and the notes for the audit record and the loggutdrag.
package samtycke

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/casework"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// Service is the samtycke capability of one hub.
type Service struct {
	app    *app.App
	people *casework.Service
}

// New returns the service; it finds people through casework.
func New(a *app.App, people *casework.Service) *Service { return &Service{app: a, people: people} }

// Record records a samtycke for one of the municipality's people.
func (s *Service) Record(ctx context.Context, w *app.Work, in consent.Input) (consent.Consent, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return consent.Consent{}, err
	}
	ind, err := s.people.VisibleIndividual(ctx, w, in.IndividualID)
	if err != nil {
		return consent.Consent{}, err
	}
	if err := w.Allow(ctx, authz.Create, authz.Object{Kind: authz.Consent, OwnerOrgID: ind.OrgID,
		ID: relay.ID(relay.TypeIndividual, ind.ID), IndividualID: &ind.ID}); err != nil {
		return consent.Consent{}, err
	}
	c, err := consent.Record(ctx, w.Tx(), w.Principal(), in)
	if err != nil {
		return consent.Consent{}, err
	}
	w.Accessed(access(c, true))
	return c, nil
}

// Revoke revokes a samtycke now: it stops sharing for the very next
// statement, on every replica.
func (s *Service) Revoke(ctx context.Context, w *app.Work, id uuid.UUID, reason string) (consent.Consent, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return consent.Consent{}, err
	}
	found, err := consent.ByID(ctx, w.Tx(), []uuid.UUID{id})
	if err != nil {
		return consent.Consent{}, err
	}
	existing, ok := found[id]
	if !ok {
		return consent.Consent{}, apperr.NotFoundf("no such samtycke")
	}
	if err := w.Allow(ctx, authz.Update, authz.Object{Kind: authz.Consent, OwnerOrgID: existing.OrgID,
		ID: relay.ID(relay.TypeConsent, id), IndividualID: &existing.IndividualID}); err != nil {
		return consent.Consent{}, err
	}
	c, err := consent.Revoke(ctx, w.Tx(), w.Principal(), id, reason)
	if err != nil {
		return consent.Consent{}, err
	}
	w.Accessed(access(c, true))
	return c, nil
}

// ByID loads the samtycken among ids the actor may read (their own
// organisation's only), noting each read.
func (s *Service) ByID(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]consent.Consent, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return nil, err
	}
	if !w.Scope(authz.Read, authz.Consent).Own {
		return map[uuid.UUID]consent.Consent{}, nil
	}
	found, err := consent.ByID(ctx, w.Tx(), ids)
	if err != nil {
		return nil, err
	}
	for _, c := range found {
		w.Accessed(access(c, false))
	}
	return found, nil
}

// OfIndividuals lists, per person, the samtycken the actor may read,
// noting each read.
func (s *Service) OfIndividuals(ctx context.Context, w *app.Work, individualIDs []uuid.UUID) (map[uuid.UUID][]consent.Consent, error) {
	if !w.Scope(authz.Read, authz.Consent).Own {
		return map[uuid.UUID][]consent.Consent{}, nil
	}
	found, err := consent.ForIndividuals(ctx, w.Tx(), individualIDs)
	if err != nil {
		return nil, err
	}
	for _, list := range found {
		for _, c := range list {
			w.Accessed(access(c, false))
		}
	}
	return found, nil
}

// MayFollow reports whether the actor may subscribe to samtycke events at
// all: the municipality that records them, or a grantee that reads people
// under a samtycke.
func (s *Service) MayFollow(actor app.Actor) error {
	if actor.Principal == nil {
		return apperr.New(apperr.Unauthenticated, "authentication required")
	}
	if _, err := actor.RequirePurpose(); err != nil {
		return err
	}
	if !s.readsOwn(actor) && !s.readsShared(actor) {
		return apperr.New(apperr.Forbidden, "your roles do not allow read on consent events")
	}
	return nil
}

func (s *Service) readsOwn(actor app.Actor) bool {
	return s.app.Authz.Scope(actor.Principal, authz.Read, authz.Consent).Own
}

func (s *Service) readsShared(actor app.Actor) bool {
	return s.app.Authz.Scope(actor.Principal, authz.Read, authz.Individual).Consented
}

// Event is what a subscriber is told of a samtycke event. ConsentID is set
// for the municipality that recorded it; a grantee never sees the
// samtycke itself.
type Event struct {
	Kind         consent.EventKind
	IndividualID uuid.UUID
	ConsentID    *uuid.UUID
	Event        consent.Event
}

// CheckEvent decides, in a unit of work of its own, whether the actor may
// know of e, and audits the delivery. nil: not theirs.
//
// The municipality that recorded a samtycke hears everything of it. A
// grantee hears that a samtycke was recorded only when that very samtycke
// names it (or its unit), shares the person, and is in force today for the
// purpose the actor declared; the audit record names that samtycke.
// Another samtycke the grantee already holds for the person says nothing
// about this one.
func (s *Service) CheckEvent(ctx context.Context, actor app.Actor, e consent.Event) (*Event, error) {
	w := s.app.Begin(actor)
	ev := &Event{Kind: e.Kind, IndividualID: e.IndividualID, Event: e}
	switch {
	case s.readsOwn(actor) && e.OrgID == actor.Principal.OrgID:
		found, err := consent.ByID(ctx, w.Tx(), []uuid.UUID{e.ConsentID}) // the own organisation's only
		if err != nil || len(found) == 0 {
			w.Abandon(ctx)
			return nil, err
		}
		c := found[e.ConsentID]
		ev.ConsentID = &c.ID
		w.Accessed(access(c, false))
	case s.readsShared(actor) && e.Kind == consent.EventRecorded && e.OrgID != actor.Principal.OrgID:
		inForce, err := consent.SharesPersonWith(ctx, w.Tx(), e.ConsentID, e.IndividualID)
		if err != nil || !inForce {
			w.Abandon(ctx)
			return nil, err
		}
		w.Accessed(audit.Access{IndividualID: e.IndividualID, OwnerOrgID: e.OrgID,
			ObjectID: relay.ID(relay.TypeIndividual, e.IndividualID), ConsentID: &e.ConsentID})
	default:
		w.Abandon(ctx)
		return nil, nil
	}
	if err := w.Finish(ctx, app.Operation{Type: "subscription", Name: "consentEvents"}, false, ""); err != nil {
		return nil, err
	}
	return ev, nil
}

func access(c consent.Consent, write bool) audit.Access {
	return audit.Access{IndividualID: c.IndividualID, OwnerOrgID: c.OrgID,
		ObjectID: relay.ID(relay.TypeConsent, c.ID), Write: write}
}
