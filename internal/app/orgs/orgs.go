// Package orgs holds the use cases of the catalogue of who is who:
// organisations, their units and municipalities, samordningsförbund and
// their members. It is open to every signed-in person (the policy says
// so), holds no personal data and is not audited.
package orgs

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Service is the catalogue of one hub.
type Service struct{}

// New returns the service.
func New() *Service { return &Service{} }

// Readable reports whether the actor may read objects of kind (the
// catalogue's kinds are open to everyone, but the entry point decides).
func (s *Service) Readable(ctx context.Context, w *app.Work, kind authz.ObjectKind) bool {
	return w.Allow(ctx, authz.Read, authz.Object{Kind: kind}) == nil
}

// ListOrganizations is a page of organisations matching f. A zero
// f.ActiveOn means today.
func (s *Service) ListOrganizations(ctx context.Context, w *app.Work, f tenancy.OrganizationFilter, pr page.Request) (page.Result[tenancy.Organization], tenancy.OrganizationFilter, error) {
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.Organization}); err != nil {
		return page.Result[tenancy.Organization]{}, f, err
	}
	if f.ActiveOn.IsZero() {
		today, err := w.Today(ctx)
		if err != nil {
			return page.Result[tenancy.Organization]{}, f, err
		}
		f.ActiveOn = today
	}
	if err := f.Validate(); err != nil {
		return page.Result[tenancy.Organization]{}, f, err
	}
	res, err := tenancy.ListOrganizations(ctx, w.Tx(), f, pr)
	return res, f, err
}

// CountOrganizations counts the organisations matching f.
func (s *Service) CountOrganizations(ctx context.Context, w *app.Work, f tenancy.OrganizationFilter) (int, error) {
	return tenancy.CountOrganizations(ctx, w.Tx(), f)
}

// ListFederations is a page of the samordningsförbund.
func (s *Service) ListFederations(ctx context.Context, w *app.Work, pr page.Request) (page.Result[tenancy.Federation], error) {
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.Federation}); err != nil {
		return page.Result[tenancy.Federation]{}, err
	}
	return tenancy.ListFederations(ctx, w.Tx(), pr)
}

// CountFederations counts the samordningsförbund.
func (s *Service) CountFederations(ctx context.Context, w *app.Work) (int, error) {
	return tenancy.CountFederations(ctx, w.Tx())
}

// Relations of the catalogue, in batches (one statement per call).

// Organizations loads organisations by id.
func (s *Service) Organizations(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]tenancy.Organization, error) {
	return tenancy.OrganizationsByID(ctx, w.Tx(), ids)
}

// Units loads units by id.
func (s *Service) Units(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]tenancy.Unit, error) {
	return tenancy.UnitsByID(ctx, w.Tx(), ids)
}

// Federations loads samordningsförbund by id.
func (s *Service) Federations(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]tenancy.Federation, error) {
	return tenancy.FederationsByID(ctx, w.Tx(), ids)
}

// UnitsOfOrganizations lists each organisation's units.
func (s *Service) UnitsOfOrganizations(ctx context.Context, w *app.Work, orgIDs []uuid.UUID) (map[uuid.UUID][]tenancy.Unit, error) {
	return tenancy.UnitsByOrganization(ctx, w.Tx(), orgIDs)
}

// ChildUnits lists each unit's children.
func (s *Service) ChildUnits(ctx context.Context, w *app.Work, parentIDs []uuid.UUID) (map[uuid.UUID][]tenancy.Unit, error) {
	return tenancy.UnitsByParent(ctx, w.Tx(), parentIDs)
}

// MunicipalitiesOfOrganizations lists the municipalities each
// organisation serves.
func (s *Service) MunicipalitiesOfOrganizations(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID][]tenancy.Municipality, error) {
	return tenancy.MunicipalitiesByOrganization(ctx, w.Tx(), ids)
}

// MunicipalitiesOfUnits lists the municipalities each unit serves.
func (s *Service) MunicipalitiesOfUnits(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID][]tenancy.Municipality, error) {
	return tenancy.MunicipalitiesByUnit(ctx, w.Tx(), ids)
}

// MunicipalitiesOfFederations lists the municipalities of each förbund's
// members today.
func (s *Service) MunicipalitiesOfFederations(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID][]tenancy.Municipality, error) {
	today, err := w.Today(ctx)
	if err != nil {
		return nil, err
	}
	return tenancy.MunicipalitiesByFederation(ctx, w.Tx(), ids, today)
}

// MembersOfFederations lists each förbund's memberships.
func (s *Service) MembersOfFederations(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID][]tenancy.Membership, error) {
	return tenancy.MembershipsByFederation(ctx, w.Tx(), ids)
}

// MembershipsOfOrganizations lists each organisation's memberships.
func (s *Service) MembershipsOfOrganizations(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID][]tenancy.Membership, error) {
	return tenancy.MembershipsByMember(ctx, w.Tx(), ids)
}
