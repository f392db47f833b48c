package audit

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

// What List and Count send for each kind of filter, and List after a
// cursor.
func TestGolden_Records(t *testing.T) {
	t.Parallel()
	org := uuid.MustParse("0a000000-0000-4000-8000-000000000001")
	user, object := "ph.fk", "Case:9c000000-0000-4000-8000-000000000001"
	from, to := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	at := time.Date(2025, 3, 14, 9, 30, 0, 123456000, time.UTC)
	cursor := &page.Key{Sort: Key(Record{At: at, Lane: 3, Seq: 42}).Sort}
	every := Filter{UserID: &user, ObjectID: &object, From: &from, To: &to}

	var list, count []sqlgolden.Case
	for _, tc := range []struct {
		name string
		f    Filter
		p    page.Request
	}{
		{"no filter, the first page", Filter{}, page.Request{First: 20}},
		{"every filter, the first page", every, page.Request{First: 20}},
		{"a user, after a cursor", Filter{UserID: &user}, page.Request{First: 50, After: cursor}},
	} {
		sql, args, err := listSQL(org, tc.f, tc.p)
		require.NoError(t, err)
		list = append(list, sqlgolden.Case{Name: tc.name, SQL: sql, Args: args})
		if tc.p.After == nil {
			sql, args := countSQL(org, tc.f)
			count = append(count, sqlgolden.Case{Name: tc.name, SQL: sql, Args: args})
		}
	}
	sqlgolden.Check(t, "testdata/list_records.sql", list...)
	sqlgolden.Check(t, "testdata/count_records.sql", count...)
}

// What AccessLog sends on the first page and after a cursor, and
// CountAccessLog.
func TestGolden_AccessLog(t *testing.T) {
	t.Parallel()
	individual := uuid.MustParse("1d000000-0000-4000-8000-000000000001")
	first, firstArgs, err := accessLogSQL(individual, page.Request{First: 20})
	require.NoError(t, err)
	after, afterArgs, err := accessLogSQL(individual, page.Request{First: 20, After: &page.Key{Sort: "4711"}})
	require.NoError(t, err)
	sqlgolden.Check(t, "testdata/access_log.sql",
		sqlgolden.Case{Name: "the first page", SQL: first, Args: firstArgs},
		sqlgolden.Case{Name: "after a cursor", SQL: after, Args: afterArgs},
		sqlgolden.Case{Name: "the count", SQL: qCountAccessLog, Args: []any{individual}})
}
