package tenancy

import (
	"context"
	"fmt"

	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
)

// EnsureOrganization creates the organisation or brings it up to date, and
// sets the municipalities it serves to exactly municipalityCodes.
func EnsureOrganization(ctx context.Context, q db.Querier, o Organization, municipalityCodes []string) error {
	if !ValidOrgNumber(o.OrgNumber) {
		return apperr.Invalidf("organisation number %q is not NNNNNN-NNNN with a valid check digit", o.OrgNumber)
	}
	_, err := q.Exec(ctx, qUpsertOrganization,
		o.ID, string(o.Kind), o.Name, o.OrgNumber)
	if err != nil {
		return fmt.Errorf("ensure organization %s: %w", o.Name, err)
	}
	if _, err := q.Exec(ctx, qDeleteOtherOrganizationMunicipalities, o.ID, municipalityCodes); err != nil {
		return fmt.Errorf("set municipalities of %s: %w", o.Name, err)
	}
	if _, err := q.Exec(ctx, qAddOrganizationMunicipalities, o.ID, municipalityCodes); err != nil {
		return fmt.Errorf("set municipalities of %s: %w", o.Name, err)
	}
	return nil
}

// EnsureUnit creates the unit or brings it up to date, and sets the
// municipalities it serves to exactly municipalityCodes.
func EnsureUnit(ctx context.Context, q db.Querier, u Unit, municipalityCodes []string) error {
	_, err := q.Exec(ctx, qUpsertUnit,
		u.ID, u.OrgID, u.ParentID, string(u.Kind), u.Name)
	if err != nil {
		return fmt.Errorf("ensure unit %s: %w", u.Name, err)
	}
	if _, err := q.Exec(ctx, qDeleteOtherUnitMunicipalities, u.ID, municipalityCodes); err != nil {
		return fmt.Errorf("set municipalities of unit %s: %w", u.Name, err)
	}
	if _, err := q.Exec(ctx, qAddUnitMunicipalities, u.OrgID, u.ID, municipalityCodes); err != nil {
		return fmt.Errorf("set municipalities of unit %s: %w", u.Name, err)
	}
	return nil
}

// EnsureFederation creates the federation or renames it.
func EnsureFederation(ctx context.Context, q db.Querier, f Federation) error {
	_, err := q.Exec(ctx, qUpsertFederation, f.ID, f.OrgID, f.Name)
	if err != nil {
		return fmt.Errorf("ensure federation %s: %w", f.Name, err)
	}
	return nil
}

// EnsureMembership creates the membership period or updates its dates.
// Overlapping periods of the same member are rejected by the database.
func EnsureMembership(ctx context.Context, q db.Querier, m Membership) error {
	_, err := q.Exec(ctx, qUpsertMembership,
		m.ID, m.FederationID, m.MemberOrgID, m.ValidFrom, m.ValidTo)
	if err != nil {
		return fmt.Errorf("ensure membership: %w", err)
	}
	return nil
}

// EnsureMunicipality records a county and municipality of the reference data.
func EnsureMunicipality(ctx context.Context, q db.Querier, m Municipality) error {
	if err := ValidateKommunkod(m.Code); err != nil {
		return err
	}
	_, err := q.Exec(ctx, qUpsertCounty, m.CountyCode, m.CountyName)
	if err != nil {
		return fmt.Errorf("ensure county %s: %w", m.CountyName, err)
	}
	_, err = q.Exec(ctx, qUpsertMunicipality,
		m.Code, m.Name, m.CountyCode)
	if err != nil {
		return fmt.Errorf("ensure municipality %s: %w", m.Name, err)
	}
	return nil
}
