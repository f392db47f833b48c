package identity

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
)

// Issuer is an OIDC issuer an organisation trusts for its staff, with the
// mapping from its token claims to a principal.
type Issuer struct {
	ID         uuid.UUID `db:"id"`
	OrgID      uuid.UUID `db:"org_id"`
	IssuerURL  string    `db:"issuer_url"`
	Audience   string    `db:"audience"`
	JWKSURL    *string   `db:"jwks_url"`
	UserClaim  string    `db:"user_claim"`
	NameClaim  string    `db:"name_claim"`
	OrgClaim   string    `db:"org_claim"`
	UnitClaim  string    `db:"unit_claim"`
	RolesClaim string    `db:"roles_claim"`
}

// DefaultIssuer returns a registration with the default claim mapping.
func DefaultIssuer(orgID uuid.UUID, issuerURL, audience string) Issuer {
	return Issuer{
		OrgID: orgID, IssuerURL: issuerURL, Audience: audience,
		UserClaim: "sub", NameClaim: "name", OrgClaim: "hub_org", UnitClaim: "hub_unit", RolesClaim: "hub_roles",
	}
}

// RegisterIssuer records that an organisation trusts an issuer (or updates
// the registration).
func RegisterIssuer(ctx context.Context, q db.Querier, is Issuer) error {
	if is.IssuerURL == "" || is.Audience == "" {
		return apperr.Invalidf("an issuer needs an issuer URL and an audience")
	}
	_, err := q.Exec(ctx, qRegisterIssuer,
		is.OrgID, is.IssuerURL, is.Audience, is.JWKSURL, is.UserClaim, is.NameClaim, is.OrgClaim, is.UnitClaim, is.RolesClaim)
	if err != nil {
		return fmt.Errorf("register issuer %s: %w", is.IssuerURL, err)
	}
	return nil
}

// IssuersByURL loads every registration of an issuer URL.
func IssuersByURL(ctx context.Context, q db.Querier, issuerURL string) ([]Issuer, error) {
	is, err := db.Collect[Issuer](ctx, q, qIssuersByURL, issuerURL)
	if err != nil {
		return nil, fmt.Errorf("load issuers: %w", err)
	}
	return is, nil
}

// orgAndUnit is what authentication needs to know of the claimed
// organisation and unit.
type orgAndUnit struct {
	OrgID     uuid.UUID `db:"org_id"`
	OrgKind   string    `db:"kind"`
	OrgNumber string    `db:"org_number"`
	UnitOK    bool      `db:"unit_ok"`
}

// lookupOrg finds the organisation with orgNumber among orgIDs and checks
// that unitID (if any) is one of its units.
func lookupOrg(ctx context.Context, q db.Querier, orgIDs []uuid.UUID, orgNumber string, unitID *uuid.UUID) (*orgAndUnit, error) {
	rows, err := db.Collect[orgAndUnit](ctx, q, qOrganizationByNumber, orgIDs, orgNumber, unitID)
	if err != nil {
		return nil, fmt.Errorf("look up organisation: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

func lookupOrgByID(ctx context.Context, q db.Querier, orgID uuid.UUID, unitID *uuid.UUID) (*orgAndUnit, error) {
	rows, err := db.Collect[orgAndUnit](ctx, q, qOrganizationByID, orgID, unitID)
	if err != nil {
		return nil, fmt.Errorf("look up organisation: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}
