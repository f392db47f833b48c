package consent_test

import (
	"context"
	"sort"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Row-level security applies the sharing rule by itself: statements with
// no WHERE clause at all, run as the application role, see only what a
// samtycke in force shares with the principal under the declared purpose.
func TestRowLevelSecurity_StatementsWithoutPredicatesSeeOnlyWhatIsShared(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, demo.Load(ctx, d.Pool, demo.DevKeys()))

	as := func(org, unit, purpose string, f func(tx pgx.Tx)) {
		t.Helper()
		require.NoError(t, pgx.BeginFunc(ctx, d.AppPool, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.unit_id', $2, true), set_config('hub.purpose', $3, true)`,
				demo.ID("org/"+org).String(), demo.ID("unit/"+org+"/"+unit).String(), purpose)
			require.NoError(t, err)
			f(tx)
			return nil
		}))
	}
	count := func(tx pgx.Tx, table string) int {
		var n int
		require.NoError(t, tx.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n))
		return n
	}
	classes := func(tx pgx.Tx) []string {
		rows, err := tx.Query(ctx, `SELECT class::text FROM case_items`)
		require.NoError(t, err)
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		sort.Strings(out)
		return out
	}

	as("fk", "karlstad", "SAMORDNAD_REHABILITERING", func(tx pgx.Tx) {
		require.Equal(t, 1, count(tx, "individuals"), "the demo person shared with FK")
		require.Equal(t, 1, count(tx, "cases"))
		require.Equal(t, 0, count(tx, "consents"), "the samtycke itself stays the municipality's")
		require.Equal(t, []string{"FK_SAMORDNING", "KOMMUN_EKONOMISKT_BISTAND", "KOMMUN_PLANERING", "VARD_SJUKSKRIVNING"}, classes(tx))
	})
	as("fk", "karlstad", "SIP", func(tx pgx.Tx) {
		require.Equal(t, 0, count(tx, "individuals"), "another purpose shares nothing")
		require.Equal(t, 0, count(tx, "cases"))
		require.Equal(t, []string{"FK_SAMORDNING"}, classes(tx), "only FK's own item")
	})
	as("fk", "karlstad", "", func(tx pgx.Tx) {
		require.Equal(t, 0, count(tx, "cases"), "no declared purpose shares nothing")
	})
	as("af", "karlstad", "SAMORDNAD_REHABILITERING", func(tx pgx.Tx) {
		require.Equal(t, 0, count(tx, "individuals"))
		require.Equal(t, 0, count(tx, "cases"))
		require.Equal(t, 0, count(tx, "case_items"))
		require.Equal(t, 0, count(tx, "personal_data_access"))
	})
	as("region-varmland", "vc-herrhagen", "SAMORDNAD_REHABILITERING", func(tx pgx.Tx) {
		require.Equal(t, 0, count(tx, "cases"), "the grant names Vårdcentralen Gripen, not every unit of the region")
	})
	as("region-varmland", "vc-gripen", "SAMORDNAD_REHABILITERING", func(tx pgx.Tx) {
		require.Equal(t, 1, count(tx, "cases"))
	})

	_, err := d.Pool.Exec(ctx, `UPDATE consent_grants SET revoked_at = now() WHERE consent_id = $1`, demo.DemoConsent)
	require.NoError(t, err)
	as("fk", "karlstad", "SAMORDNAD_REHABILITERING", func(tx pgx.Tx) {
		require.Equal(t, 0, count(tx, "individuals"), "revoked: nothing")
		require.Equal(t, 0, count(tx, "cases"))
		require.Equal(t, []string{"FK_SAMORDNING"}, classes(tx))
	})
}
