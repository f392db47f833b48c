package outcomes

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/sqlgolden"
)

func TestQueries_EveryStatementIsUsed(t *testing.T) {
	t.Parallel()
	require.Empty(t, queries.Unused(), "statements of queries.sql no Go code uses")
}

var goldenScopes = []struct {
	name  string
	scope consent.Scope
}{
	{"own organisation and samtycken", consent.Scope{Own: true, Consented: true}},
	{"own organisation only", consent.Scope{Own: true}},
	{"samtycken only", consent.Scope{Consented: true}},
}

// What Repayments and Reactualisations send for each scope.
func TestGolden_Outcomes(t *testing.T) {
	t.Parallel()
	ids := []uuid.UUID{uuid.MustParse("ca000000-0000-4000-8000-000000000001")}
	var repayments, links []sqlgolden.Case
	for _, s := range goldenScopes {
		repayments = append(repayments, sqlgolden.Case{Name: s.name, SQL: repaymentsSQL(s.scope), Args: []any{ids}})
		links = append(links, sqlgolden.Case{Name: s.name, SQL: reactualisationsSQL(s.scope), Args: []any{ids}})
	}
	sqlgolden.Check(t, "testdata/repayments_of_cases.sql", repayments...)
	sqlgolden.Check(t, "testdata/reactualisations_of_cases.sql", links...)
}
