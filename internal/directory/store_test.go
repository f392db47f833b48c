package directory_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// WaysIn reads entries by position (for speed); the positions must be
// those of the column names: every demo entry reads the same both ways.
func TestEntryColumns_ScanByPosition(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, demo.LoadReference(ctx, d.Pool))
	_, err := d.Pool.Exec(ctx, `UPDATE directory_entries SET contact_persons = '{Anna Berg}'
		WHERE id = (SELECT min(id::text)::uuid FROM directory_entries)`)
	require.NoError(t, err)
	sql := `SELECT ` + directory.EntryColumns + ` FROM directory_entries e ORDER BY e.id`

	rows, err := d.Pool.Query(ctx, sql)
	require.NoError(t, err)
	byName, err := pgx.CollectRows(rows, pgx.RowToStructByName[directory.Entry])
	require.NoError(t, err)
	require.NotEmpty(t, byName)

	rows, err = d.Pool.Query(ctx, sql)
	require.NoError(t, err)
	byPosition, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (directory.Entry, error) {
		var e directory.Entry
		err := row.Scan(directory.ScanTargets(&e)...)
		return e, err
	})
	require.NoError(t, err)
	require.Equal(t, byName, byPosition)

	// Every column is filled somewhere (the demo data, and one contact
	// person), so a swap would show.
	var lead, groups, codes, roles, persons, fallback, expected bool
	for _, e := range byName {
		lead = lead || len(e.LeadTopics) > 0
		groups = groups || len(e.TargetGroups) > 0
		codes = codes || len(e.MunicipalityCodes) > 0
		roles = roles || len(e.StaffedByRoles) > 0
		persons = persons || len(e.ContactPersons) > 0
		fallback = fallback || e.FallbackEntryID != nil
		expected = expected || e.ExpectedAnswer != nil
	}
	require.True(t, lead && groups && codes && roles && persons && fallback && expected,
		"lead %v groups %v codes %v roles %v persons %v fallback %v expected %v", lead, groups, codes, roles, persons, fallback, expected)
}
