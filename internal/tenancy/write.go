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
	_, err := q.Exec(ctx, `INSERT INTO organizations (id, kind, name, org_number)
	VALUES ($1, $2, $3, $4)
	ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, org_number = excluded.org_number`,
		o.ID, string(o.Kind), o.Name, o.OrgNumber)
	if err != nil {
		return fmt.Errorf("ensure organization %s: %w", o.Name, err)
	}
	if _, err := q.Exec(ctx, `DELETE FROM organization_municipalities
	WHERE org_id = $1 AND NOT (municipality_code = ANY($2))`, o.ID, municipalityCodes); err != nil {
		return fmt.Errorf("set municipalities of %s: %w", o.Name, err)
	}
	if _, err := q.Exec(ctx, `INSERT INTO organization_municipalities (org_id, municipality_code)
	SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, o.ID, municipalityCodes); err != nil {
		return fmt.Errorf("set municipalities of %s: %w", o.Name, err)
	}
	return nil
}

// EnsureUnit creates the unit or brings it up to date, and sets the
// municipalities it serves to exactly municipalityCodes.
func EnsureUnit(ctx context.Context, q db.Querier, u Unit, municipalityCodes []string) error {
	_, err := q.Exec(ctx, `INSERT INTO units (id, org_id, parent_id, kind, name)
	VALUES ($1, $2, $3, $4, $5)
	ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, kind = excluded.kind, name = excluded.name`,
		u.ID, u.OrgID, u.ParentID, string(u.Kind), u.Name)
	if err != nil {
		return fmt.Errorf("ensure unit %s: %w", u.Name, err)
	}
	if _, err := q.Exec(ctx, `DELETE FROM unit_municipalities
	WHERE unit_id = $1 AND NOT (municipality_code = ANY($2))`, u.ID, municipalityCodes); err != nil {
		return fmt.Errorf("set municipalities of unit %s: %w", u.Name, err)
	}
	if _, err := q.Exec(ctx, `INSERT INTO unit_municipalities (org_id, unit_id, municipality_code)
	SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`, u.OrgID, u.ID, municipalityCodes); err != nil {
		return fmt.Errorf("set municipalities of unit %s: %w", u.Name, err)
	}
	return nil
}

// EnsureFederation creates the federation or renames it.
func EnsureFederation(ctx context.Context, q db.Querier, f Federation) error {
	_, err := q.Exec(ctx, `INSERT INTO federations (id, org_id, name) VALUES ($1, $2, $3)
	ON CONFLICT (id) DO UPDATE SET name = excluded.name`, f.ID, f.OrgID, f.Name)
	if err != nil {
		return fmt.Errorf("ensure federation %s: %w", f.Name, err)
	}
	return nil
}

// EnsureMembership creates the membership period or updates its dates.
// Overlapping periods of the same member are rejected by the database.
func EnsureMembership(ctx context.Context, q db.Querier, m Membership) error {
	_, err := q.Exec(ctx, `INSERT INTO federation_memberships (id, org_id, federation_id, member_org_id, valid_from, valid_to)
	SELECT $1, f.org_id, f.id, $3, $4, $5 FROM federations f WHERE f.id = $2
	ON CONFLICT (id) DO UPDATE SET valid_from = excluded.valid_from, valid_to = excluded.valid_to`,
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
	_, err := q.Exec(ctx, `INSERT INTO counties (code, name) VALUES ($1, $2)
	ON CONFLICT (code) DO UPDATE SET name = excluded.name`, m.CountyCode, m.CountyName)
	if err != nil {
		return fmt.Errorf("ensure county %s: %w", m.CountyName, err)
	}
	_, err = q.Exec(ctx, `INSERT INTO municipalities (code, name, county_code) VALUES ($1, $2, $3)
	ON CONFLICT (code) DO UPDATE SET name = excluded.name, county_code = excluded.county_code`,
		m.Code, m.Name, m.CountyCode)
	if err != nil {
		return fmt.Errorf("ensure municipality %s: %w", m.Name, err)
	}
	return nil
}
