package cases

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/sqlgolden"
)

func TestQueries_EveryStatementIsUsed(t *testing.T) {
	t.Parallel()
	require.Empty(t, queries.Unused(), "statements of queries.sql no Go code uses")
}

// The scopes a viewer may read cases and items in (authz decides which).
var goldenScopes = []struct {
	name  string
	scope consent.Scope
}{
	{"own organisation and samtycken", consent.Scope{Own: true, Consented: true}},
	{"own organisation only", consent.Scope{Own: true}},
	{"samtycken only", consent.Scope{Consented: true}},
}

var (
	goldenIDs        = []uuid.UUID{uuid.MustParse("ca000000-0000-4000-8000-000000000001")}
	goldenFederation = uuid.MustParse("f0000000-0000-4000-8000-000000000001")
	goldenAfter      = &page.Key{Sort: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC).Format(time.RFC3339Nano),
		ID: uuid.MustParse("ca000000-0000-4000-8000-000000000002")}
)

// What ByID and ForIndividuals send, with the consent package's rule
// rendered for each scope.
func TestGolden_CasesByID(t *testing.T) {
	t.Parallel()
	var byID, ofIndividuals []sqlgolden.Case
	for _, s := range goldenScopes {
		byID = append(byID, sqlgolden.Case{Name: s.name, SQL: byIDSQL(s.scope), Args: []any{goldenIDs}})
		ofIndividuals = append(ofIndividuals, sqlgolden.Case{Name: s.name, SQL: ofIndividualsSQL(s.scope), Args: []any{goldenIDs}})
	}
	sqlgolden.Check(t, "testdata/cases_by_id.sql", byID...)
	sqlgolden.Check(t, "testdata/cases_of_individuals.sql", ofIndividuals...)
}

// What List and Count send for each scope, filter, cursor and page size:
// the limit is written into the statement, rounded up to a few sizes.
func TestGolden_ListCases(t *testing.T) {
	t.Parallel()
	var list, count []sqlgolden.Case
	for _, s := range goldenScopes {
		for _, tc := range []struct {
			name string
			f    Filter
			p    page.Request
		}{
			{"the first page of 20", Filter{}, page.Request{First: 20}},
			{"a page of 50 after a cursor", Filter{}, page.Request{First: 50, After: goldenAfter}},
			{"of a federation, the first page of 5", Filter{FederationID: &goldenFederation}, page.Request{First: 5}},
			{"of a federation, a page of 100 after a cursor", Filter{FederationID: &goldenFederation}, page.Request{First: 100, After: goldenAfter}},
		} {
			sql, args, err := listCasesSQL(s.scope, tc.f, tc.p)
			require.NoError(t, err)
			list = append(list, sqlgolden.Case{Name: s.name + ", " + tc.name, SQL: sql, Args: args})
		}
		for _, tc := range []struct {
			name string
			f    Filter
		}{{"all", Filter{}}, {"of a federation", Filter{FederationID: &goldenFederation}}} {
			where, args := tc.f.where(nil)
			count = append(count, sqlgolden.Case{Name: s.name + ", " + tc.name, SQL: countSQL(s.scope, where), Args: args})
		}
	}
	sqlgolden.Check(t, "testdata/list_cases.sql", list...)
	sqlgolden.Check(t, "testdata/count_cases.sql", count...)
}

// What Participants, Items and ItemsByID send for each scope.
func TestGolden_PartiesAndItems(t *testing.T) {
	t.Parallel()
	var participants, items, itemsByID []sqlgolden.Case
	for _, s := range goldenScopes {
		participants = append(participants, sqlgolden.Case{Name: s.name, SQL: participantsSQL(s.scope), Args: []any{goldenIDs}})
		items = append(items, sqlgolden.Case{Name: s.name, SQL: itemsSQL(s.scope), Args: []any{goldenIDs, []string{string(consent.KommunPlanering)}}})
		itemsByID = append(itemsByID, sqlgolden.Case{Name: s.name, SQL: itemsByIDSQL(s.scope), Args: []any{goldenIDs}})
	}
	sqlgolden.Check(t, "testdata/participants_of_cases.sql", participants...)
	sqlgolden.Check(t, "testdata/items_of_cases.sql", items...)
	sqlgolden.Check(t, "testdata/items_by_id.sql", itemsByID...)
}

// A cursor that is not a time of this list is refused before anything is
// sent.
func TestListCasesSQL_RefusesAForeignCursor(t *testing.T) {
	t.Parallel()
	_, _, err := listCasesSQL(consent.Scope{Own: true}, Filter{}, page.Request{First: 20, After: &page.Key{Sort: "Karlstads kommun", ID: goldenIDs[0]}})
	require.EqualError(t, err, "the cursor is not one of this list's")
}

// What Transitions and Screenings send for each scope: the case core's
// rule for the history, KOMMUN_PLANERING's for a step's details and
// KOMMUN_EKONOMISKT_BISTAND's for the screening.
func TestGolden_Routine(t *testing.T) {
	t.Parallel()
	var transitions, screenings []sqlgolden.Case
	for _, s := range goldenScopes {
		transitions = append(transitions, sqlgolden.Case{Name: s.name, SQL: transitionsSQL(s.scope), Args: []any{goldenIDs}})
		screenings = append(screenings, sqlgolden.Case{Name: s.name, SQL: screeningsSQL(s.scope), Args: []any{goldenIDs}})
	}
	sqlgolden.Check(t, "testdata/transitions_of_cases.sql", transitions...)
	sqlgolden.Check(t, "testdata/screenings_of_cases.sql", screenings...)
}
