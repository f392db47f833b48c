// Package routines holds the use cases of samverkansrutiner as a förbund
// keeps them: reading the routines (open to everyone: they say how the
// work goes, nothing about anyone) and saving a new version of a förbund's
// routine, which its FORBUNDSADMINISTRATOR does and the audit trail
// records. Moving cases through a routine is case work (casework).
package routines

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/routine"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Service is the routines of one hub.
type Service struct{}

// New returns the service.
func New() *Service { return &Service{} }

// ByID loads routine versions by id.
func (s *Service) ByID(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]routine.Routine, error) {
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.Routine}); err != nil {
		return nil, err
	}
	return routine.ByID(ctx, w.Tx(), ids)
}

// List is the versions of a förbund's own routine, the latest first
// (none when federationID is nil or it runs the default), followed by
// the routines shipped with the hub.
func (s *Service) List(ctx context.Context, w *app.Work, federationID *uuid.UUID) ([]routine.Routine, error) {
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.Routine}); err != nil {
		return nil, err
	}
	var out []routine.Routine
	if federationID != nil {
		own, err := routine.OfFederation(ctx, w.Tx(), *federationID)
		if err != nil {
			return nil, err
		}
		out = own
	}
	templates, err := routine.Templates(ctx, w.Tx())
	if err != nil {
		return nil, err
	}
	return append(out, templates...), nil
}

// CurrentOf is Current for several förbund at once, by förbund.
func (s *Service) CurrentOf(ctx context.Context, w *app.Work, federationIDs []uuid.UUID) (map[uuid.UUID]routine.Routine, error) {
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.Routine}); err != nil {
		return nil, err
	}
	return routine.CurrentOf(ctx, w.Tx(), federationIDs)
}

// Save makes the next version of a förbund's routine, for the förbund's
// administrator; new cases start on it, open cases stay on theirs.
func (s *Service) Save(ctx context.Context, w *app.Work, in routine.NewVersion) (routine.Routine, error) {
	feds, err := tenancy.FederationsByID(ctx, w.Tx(), []uuid.UUID{in.FederationID})
	if err != nil {
		return routine.Routine{}, err
	}
	fed, ok := feds[in.FederationID]
	if !ok {
		return routine.Routine{}, apperr.NotFoundf("no such federation")
	}
	if err := w.Allow(ctx, authz.Create, authz.Object{Kind: authz.Routine, OwnerOrgID: fed.OrgID, ID: relay.ID(relay.TypeFederation, fed.ID)}); err != nil {
		return routine.Routine{}, err
	}
	saved, err := routine.Save(ctx, w.Tx(), routine.Author{UserID: w.Principal().UserID}, in)
	if err != nil {
		return routine.Routine{}, err
	}
	w.Touch(relay.ID(relay.TypeRoutine, saved.ID), relay.ID(relay.TypeFederation, fed.ID))
	return saved, nil
}
