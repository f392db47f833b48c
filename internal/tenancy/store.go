package tenancy

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/page"
)

// OrganizationFilter narrows ListOrganizations. Zero fields do not filter.
type OrganizationFilter struct {
	// FederationID keeps members of that federation on ActiveOn.
	FederationID *uuid.UUID
	// ActiveOn is the day memberships are evaluated on (zero: today).
	ActiveOn time.Time
	Kind     *OrganizationKind
	// MunicipalityCode keeps organisations serving that municipality.
	MunicipalityCode *string
}

// Validate checks the filter's values.
func (f OrganizationFilter) Validate() error {
	if f.MunicipalityCode != nil {
		return ValidateKommunkod(*f.MunicipalityCode)
	}
	return nil
}

// where renders the filter as a SQL condition on organizations o, with
// placeholders numbered from len(args)+1 (testdata/list_organizations.sql
// shows what it renders).
func (f OrganizationFilter) where(args []any) (string, []any) {
	var conds []string
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Kind != nil {
		conds = append(conds, "o.kind = "+arg(string(*f.Kind))+"::organization_kind")
	}
	if f.MunicipalityCode != nil {
		conds = append(conds, `EXISTS (
	SELECT 1 FROM organization_municipalities om
	WHERE om.org_id = o.id AND om.municipality_code = `+arg(*f.MunicipalityCode)+`)`)
	}
	if f.FederationID != nil {
		day := "hub_today()"
		if !f.ActiveOn.IsZero() {
			day = arg(f.ActiveOn) + "::date"
		}
		conds = append(conds, `EXISTS (
	SELECT 1 FROM federation_memberships m
	WHERE m.member_org_id = o.id AND m.federation_id = `+arg(*f.FederationID)+`
	  AND m.valid_from <= `+day+` AND (m.valid_to IS NULL OR m.valid_to > `+day+`))`)
	}
	if len(conds) == 0 {
		return "true", args
	}
	return strings.Join(conds, "\n  AND "), args
}

// listOrganizationsSQL renders the statement of ListOrganizations.
func listOrganizationsSQL(f OrganizationFilter, p page.Request) (string, []any) {
	where, args := f.where(nil)
	if p.After != nil {
		args = append(args, p.After.Sort, p.After.ID)
		where += fmt.Sprintf("\n  AND (o.name, o.id) > ($%d, $%d)", len(args)-1, len(args))
	}
	args = append(args, p.First+1)
	return tListOrganizations.Render(where, "$"+fmt.Sprint(len(args))), args
}

// ListOrganizations returns one page of organisations matching f, ordered by
// name.
func ListOrganizations(ctx context.Context, q db.Querier, f OrganizationFilter, p page.Request) (page.Result[Organization], error) {
	sql, args := listOrganizationsSQL(f, p)
	orgs, err := db.Collect[Organization](ctx, q, sql, args...)
	if err != nil {
		return page.Result[Organization]{}, fmt.Errorf("list organizations: %w", err)
	}
	return page.Trim(orgs, p.First), nil
}

// CountOrganizations counts the organisations matching f.
func CountOrganizations(ctx context.Context, q db.Querier, f OrganizationFilter) (int, error) {
	where, args := f.where(nil)
	var n int
	err := q.QueryRow(ctx, tCountOrganizations.Render(where), args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count organizations: %w", err)
	}
	return n, nil
}

// OrganizationKey is the pagination key of an organisation.
func OrganizationKey(o Organization) page.Key { return page.Key{Sort: o.Name, ID: o.ID} }

// OrganizationsByID loads organisations by id; missing ids are absent from
// the map.
func OrganizationsByID(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]Organization, error) {
	orgs, err := db.Collect[Organization](ctx, q, qOrganizationsByID, ids)
	if err != nil {
		return nil, fmt.Errorf("load organizations: %w", err)
	}
	return indexBy(orgs, func(o Organization) uuid.UUID { return o.ID }), nil
}

// MunicipalitiesByOrganization returns, for each organisation id, the
// municipalities it serves ordered by code.
func MunicipalitiesByOrganization(ctx context.Context, q db.Querier, orgIDs []uuid.UUID) (map[uuid.UUID][]Municipality, error) {
	type row struct {
		OwnerID uuid.UUID `db:"owner_id"`
		Municipality
	}
	rows, err := db.Collect[row](ctx, q, qMunicipalitiesByOrganization, orgIDs)
	if err != nil {
		return nil, fmt.Errorf("load municipalities of organizations: %w", err)
	}
	return groupBy(rows, func(r row) (uuid.UUID, Municipality) { return r.OwnerID, r.Municipality }), nil
}

// MunicipalitiesByUnit returns, for each unit id, the municipalities it
// serves ordered by code.
func MunicipalitiesByUnit(ctx context.Context, q db.Querier, unitIDs []uuid.UUID) (map[uuid.UUID][]Municipality, error) {
	type row struct {
		OwnerID uuid.UUID `db:"owner_id"`
		Municipality
	}
	rows, err := db.Collect[row](ctx, q, qMunicipalitiesByUnit, unitIDs)
	if err != nil {
		return nil, fmt.Errorf("load municipalities of units: %w", err)
	}
	return groupBy(rows, func(r row) (uuid.UUID, Municipality) { return r.OwnerID, r.Municipality }), nil
}

// MunicipalityByCode loads one municipality; ok is false if the code is
// unknown.
func MunicipalityByCode(ctx context.Context, q db.Querier, code string) (m Municipality, ok bool, err error) {
	ms, err := db.Collect[Municipality](ctx, q, qMunicipalityByCode, code)
	if err != nil || len(ms) == 0 {
		return Municipality{}, false, err
	}
	return ms[0], true, nil
}

// UnitsByOrganization returns, for each organisation id, all its units
// ordered by name.
func UnitsByOrganization(ctx context.Context, q db.Querier, orgIDs []uuid.UUID) (map[uuid.UUID][]Unit, error) {
	units, err := db.Collect[Unit](ctx, q, qUnitsByOrganization, orgIDs)
	if err != nil {
		return nil, fmt.Errorf("load units of organizations: %w", err)
	}
	return groupBy(units, func(u Unit) (uuid.UUID, Unit) { return u.OrgID, u }), nil
}

// UnitsByParent returns, for each unit id, its direct children ordered by
// name.
func UnitsByParent(ctx context.Context, q db.Querier, parentIDs []uuid.UUID) (map[uuid.UUID][]Unit, error) {
	units, err := db.Collect[Unit](ctx, q, qUnitsByParent, parentIDs)
	if err != nil {
		return nil, fmt.Errorf("load child units: %w", err)
	}
	return groupBy(units, func(u Unit) (uuid.UUID, Unit) { return *u.ParentID, u }), nil
}

// UnitsByID loads units by id.
func UnitsByID(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]Unit, error) {
	units, err := db.Collect[Unit](ctx, q, qUnitsByID, ids)
	if err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	return indexBy(units, func(u Unit) uuid.UUID { return u.ID }), nil
}

// listFederationsSQL renders the statement of ListFederations.
func listFederationsSQL(p page.Request) (string, []any) {
	if p.After == nil {
		return tListFederations.Render("true"), []any{p.First + 1}
	}
	return tListFederations.Render("(f.name, f.id) > ($2, $3)"), []any{p.First + 1, p.After.Sort, p.After.ID}
}

// ListFederations returns one page of federations ordered by name.
func ListFederations(ctx context.Context, q db.Querier, p page.Request) (page.Result[Federation], error) {
	sql, args := listFederationsSQL(p)
	feds, err := db.Collect[Federation](ctx, q, sql, args...)
	if err != nil {
		return page.Result[Federation]{}, fmt.Errorf("list federations: %w", err)
	}
	return page.Trim(feds, p.First), nil
}

// CountFederations counts all federations.
func CountFederations(ctx context.Context, q db.Querier) (int, error) {
	var n int
	if err := q.QueryRow(ctx, qCountFederations).Scan(&n); err != nil {
		return 0, fmt.Errorf("count federations: %w", err)
	}
	return n, nil
}

// FederationKey is the pagination key of a federation.
func FederationKey(f Federation) page.Key { return page.Key{Sort: f.Name, ID: f.ID} }

// FederationsByID loads federations by id.
func FederationsByID(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]Federation, error) {
	feds, err := db.Collect[Federation](ctx, q, qFederationsByID, ids)
	if err != nil {
		return nil, fmt.Errorf("load federations: %w", err)
	}
	return indexBy(feds, func(f Federation) uuid.UUID { return f.ID }), nil
}

// MembershipsByFederation returns, for each federation id, its membership
// periods ordered by member name and start.
func MembershipsByFederation(ctx context.Context, q db.Querier, fedIDs []uuid.UUID) (map[uuid.UUID][]Membership, error) {
	ms, err := db.Collect[Membership](ctx, q, qMembershipsByFederation, fedIDs)
	if err != nil {
		return nil, fmt.Errorf("load federation memberships: %w", err)
	}
	return groupBy(ms, func(m Membership) (uuid.UUID, Membership) { return m.FederationID, m }), nil
}

// MembershipsByMember returns, for each organisation id, its memberships in
// federations ordered by federation name and start.
func MembershipsByMember(ctx context.Context, q db.Querier, orgIDs []uuid.UUID) (map[uuid.UUID][]Membership, error) {
	ms, err := db.Collect[Membership](ctx, q, qMembershipsByMember, orgIDs)
	if err != nil {
		return nil, fmt.Errorf("load memberships of organizations: %w", err)
	}
	return groupBy(ms, func(m Membership) (uuid.UUID, Membership) { return m.MemberOrgID, m }), nil
}

func indexBy[T any](items []T, key func(T) uuid.UUID) map[uuid.UUID]T {
	m := make(map[uuid.UUID]T, len(items))
	for _, it := range items {
		m[key(it)] = it
	}
	return m
}

func groupBy[R, T any](rows []R, split func(R) (uuid.UUID, T)) map[uuid.UUID][]T {
	m := make(map[uuid.UUID][]T)
	for _, r := range rows {
		k, v := split(r)
		m[k] = append(m[k], v)
	}
	return m
}

// MunicipalitiesByFederation returns, for each federation id, the
// municipalities whose kommun is a member on day, ordered by code.
func MunicipalitiesByFederation(ctx context.Context, q db.Querier, fedIDs []uuid.UUID, day time.Time) (map[uuid.UUID][]Municipality, error) {
	type row struct {
		OwnerID uuid.UUID `db:"owner_id"`
		Municipality
	}
	rows, err := db.Collect[row](ctx, q, qMunicipalitiesByFederation, fedIDs, day)
	if err != nil {
		return nil, fmt.Errorf("load municipalities of federations: %w", err)
	}
	return groupBy(rows, func(r row) (uuid.UUID, Municipality) { return r.OwnerID, r.Municipality }), nil
}
