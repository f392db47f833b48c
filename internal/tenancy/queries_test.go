package tenancy

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/sqlgolden"
)

func TestQueries_EveryStatementIsUsed(t *testing.T) {
	t.Parallel()
	require.Empty(t, queries.Unused(), "statements of queries.sql no Go code uses")
}

var (
	goldenFederation = uuid.MustParse("f0000000-0000-4000-8000-000000000001")
	goldenAfter      = &page.Key{Sort: "Karlstads kommun", ID: uuid.MustParse("0a000000-0000-4000-8000-000000000002")}
	goldenDay        = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	goldenKommun     = Kommun
	goldenCode       = "1780"
)

// What ListOrganizations and CountOrganizations send for each kind of
// filter.
func TestGolden_Organizations(t *testing.T) {
	t.Parallel()
	var list, count []sqlgolden.Case
	for _, tc := range []struct {
		name string
		f    OrganizationFilter
		p    page.Request
	}{
		{"no filter, the first page", OrganizationFilter{}, page.Request{First: 20}},
		{"of a kind", OrganizationFilter{Kind: &goldenKommun}, page.Request{First: 20}},
		{"serving a municipality", OrganizationFilter{MunicipalityCode: &goldenCode}, page.Request{First: 20}},
		{"members of a federation today", OrganizationFilter{FederationID: &goldenFederation}, page.Request{First: 20}},
		{"members of a federation on a day", OrganizationFilter{FederationID: &goldenFederation, ActiveOn: goldenDay}, page.Request{First: 20}},
		{"every filter, after a cursor", OrganizationFilter{FederationID: &goldenFederation, ActiveOn: goldenDay, Kind: &goldenKommun, MunicipalityCode: &goldenCode},
			page.Request{First: 50, After: goldenAfter}},
	} {
		sql, args := listOrganizationsSQL(tc.f, tc.p)
		list = append(list, sqlgolden.Case{Name: tc.name, SQL: sql, Args: args})
		if tc.p.After == nil {
			where, args := tc.f.where(nil)
			count = append(count, sqlgolden.Case{Name: tc.name, SQL: tCountOrganizations.Render(where), Args: args})
		}
	}
	sqlgolden.Check(t, "testdata/list_organizations.sql", list...)
	sqlgolden.Check(t, "testdata/count_organizations.sql", count...)
}

// What ListFederations sends on the first page and after a cursor.
func TestGolden_ListFederations(t *testing.T) {
	t.Parallel()
	first, firstArgs := listFederationsSQL(page.Request{First: 20})
	after, afterArgs := listFederationsSQL(page.Request{First: 20, After: goldenAfter})
	sqlgolden.Check(t, "testdata/list_federations.sql",
		sqlgolden.Case{Name: "the first page", SQL: first, Args: firstArgs},
		sqlgolden.Case{Name: "after a cursor", SQL: after, Args: afterArgs})
}
