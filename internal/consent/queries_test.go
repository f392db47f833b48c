package consent

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/sqlgolden"
)

func TestQueries_EveryStatementIsUsed(t *testing.T) {
	t.Parallel()
	require.Empty(t, queries.Unused(), "statements of queries.sql no Go code uses")
}

// What Covers sends: the rule for the person, and for one class.
func TestGolden_Covers(t *testing.T) {
	t.Parallel()
	individual := uuid.MustParse("1d000000-0000-4000-8000-000000000001")
	sqlgolden.Check(t, "testdata/covers.sql",
		sqlgolden.Case{Name: "the person", SQL: coversSQL(""), Args: []any{individual}},
		sqlgolden.Case{Name: "a class", SQL: coversSQL(KommunPlanering), Args: []any{individual, string(KommunPlanering)}})
}
