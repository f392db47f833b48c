package individuals

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/sqlgolden"
)

func TestQueries_EveryStatementIsUsed(t *testing.T) {
	t.Parallel()
	require.Empty(t, queries.Unused(), "statements of queries.sql no Go code uses")
}

// The scopes a viewer may read people in (authz decides which).
var goldenScopes = []struct {
	name  string
	scope consent.Scope
}{
	{"own organisation and samtycken", consent.Scope{Own: true, Consented: true}},
	{"own organisation only", consent.Scope{Own: true}},
	{"samtycken only", consent.Scope{Consented: true}},
}

// What ByID, ByNumber, List and Count send, with the consent package's
// rule rendered for each scope.
func TestGolden_Individuals(t *testing.T) {
	t.Parallel()
	ids := []uuid.UUID{uuid.MustParse("1d000000-0000-4000-8000-000000000001")}
	index := []byte("blind index")
	at := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	after := uuid.MustParse("1d000000-0000-4000-8000-000000000002")
	var byID, byNumber, list, count []sqlgolden.Case
	for _, s := range goldenScopes {
		byID = append(byID, sqlgolden.Case{Name: s.name, SQL: byIDSQL(s.scope), Args: []any{ids}})
		byNumber = append(byNumber, sqlgolden.Case{Name: s.name, SQL: byNumberSQL(s.scope), Args: []any{index}})
		list = append(list,
			sqlgolden.Case{Name: s.name + ", the first page", SQL: listSQL(s.scope, false), Args: []any{21}},
			sqlgolden.Case{Name: s.name + ", after a cursor", SQL: listSQL(s.scope, true), Args: []any{21, at, after}})
		count = append(count, sqlgolden.Case{Name: s.name, SQL: countSQL(s.scope)})
	}
	sqlgolden.Check(t, "testdata/individuals_by_id.sql", byID...)
	sqlgolden.Check(t, "testdata/individual_by_number.sql", byNumber...)
	sqlgolden.Check(t, "testdata/list_individuals.sql", list...)
	sqlgolden.Check(t, "testdata/count_individuals.sql", count...)
}
