package evidence

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

// What Of sends for each scope a viewer may read cases in.
func TestGolden_Checklist(t *testing.T) {
	t.Parallel()
	ids := []uuid.UUID{uuid.MustParse("ca000000-0000-4000-8000-000000000001")}
	var cs []sqlgolden.Case
	for _, s := range []struct {
		name  string
		scope consent.Scope
	}{
		{"own organisation and samtycken", consent.Scope{Own: true, Consented: true}},
		{"own organisation only", consent.Scope{Own: true}},
		{"samtycken only", consent.Scope{Consented: true}},
	} {
		cs = append(cs, sqlgolden.Case{Name: s.name, SQL: checklistSQL(s.scope), Args: checklistArgs(ids)})
	}
	sqlgolden.Check(t, "testdata/checklist_of_cases.sql", cs...)
}
