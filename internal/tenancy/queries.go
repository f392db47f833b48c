package tenancy

import (
	"embed"

	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's SQL is in queries.sql; each statement is looked up here,
// when the package loads, so that a misspelt name fails every test and
// binary at once.

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	tListOrganizations  = queries.Template("list_organizations", "where", "limit")
	tCountOrganizations = queries.Template("count_organizations", "where")
	tListFederations    = queries.Template("list_federations", "after")

	qOrganizationsByID            = queries.Must("organizations_by_id")
	qMunicipalitiesByOrganization = queries.Must("municipalities_by_organization")
	qMunicipalitiesByUnit         = queries.Must("municipalities_by_unit")
	qMunicipalityByCode           = queries.Must("municipality_by_code")
	qUnitsByOrganization          = queries.Must("units_by_organization")
	qUnitsByParent                = queries.Must("units_by_parent")
	qUnitsByID                    = queries.Must("units_by_id")
	qCountFederations             = queries.Must("count_federations")
	qFederationsByID              = queries.Must("federations_by_id")
	qMembershipsByFederation      = queries.Must("memberships_by_federation")
	qMembershipsByMember          = queries.Must("memberships_by_member")
	qMunicipalitiesByFederation   = queries.Must("municipalities_by_federation")

	qUpsertOrganization                    = queries.Must("upsert_organization")
	qDeleteOtherOrganizationMunicipalities = queries.Must("delete_other_organization_municipalities")
	qAddOrganizationMunicipalities         = queries.Must("add_organization_municipalities")
	qUpsertUnit                            = queries.Must("upsert_unit")
	qDeleteOtherUnitMunicipalities         = queries.Must("delete_other_unit_municipalities")
	qAddUnitMunicipalities                 = queries.Must("add_unit_municipalities")
	qUpsertFederation                      = queries.Must("upsert_federation")
	qUpsertMembership                      = queries.Must("upsert_membership")
	qUpsertCounty                          = queries.Must("upsert_county")
	qUpsertMunicipality                    = queries.Must("upsert_municipality")
)
