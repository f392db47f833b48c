package consent_test

import (
	"context"
	"errors"
	"sort"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app/seed"
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
	require.NoError(t, seed.Demo(ctx, d.Pool, demo.DevKeys(), "test"))

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

	// Each count of people and cases is Kim's (the demo's samtycke) +
	// Robin's (the demo's story, whose samtycken name FK, the vårdcentral
	// and AF for SAMORDNAD_REHABILITERING and SIP; its case has no items).
	as("fk", "karlstad", "SAMORDNAD_REHABILITERING", func(tx pgx.Tx) {
		require.Equal(t, 1+1, count(tx, "individuals"), "the demo person shared with FK")
		require.Equal(t, 1+1, count(tx, "cases"))
		require.Equal(t, 0, count(tx, "consents"), "the samtycke itself stays the municipality's")
		require.Equal(t, []string{"FK_SAMORDNING", "KOMMUN_EKONOMISKT_BISTAND", "KOMMUN_PLANERING", "VARD_SJUKSKRIVNING"}, classes(tx))
	})
	as("fk", "karlstad", "SIP", func(tx pgx.Tx) {
		require.Equal(t, 0+1, count(tx, "individuals"), "another purpose shares nothing of Kim")
		require.Equal(t, 0+1, count(tx, "cases"))
		require.Equal(t, []string{"FK_SAMORDNING"}, classes(tx), "only FK's own item")
	})
	as("fk", "karlstad", "", func(tx pgx.Tx) {
		require.Equal(t, 0, count(tx, "cases"), "no declared purpose shares nothing")
	})
	as("af", "karlstad", "SAMORDNAD_REHABILITERING", func(tx pgx.Tx) {
		require.Equal(t, 0+1, count(tx, "individuals"))
		require.Equal(t, 0+1, count(tx, "cases"))
		require.Equal(t, 0, count(tx, "case_items"))
		require.Equal(t, 0, count(tx, "personal_data_access"))
	})
	as("region-varmland", "vc-herrhagen", "SAMORDNAD_REHABILITERING", func(tx pgx.Tx) {
		require.Equal(t, 0, count(tx, "cases"), "the grant names Vårdcentralen Gripen, not every unit of the region")
	})
	as("region-varmland", "vc-gripen", "SAMORDNAD_REHABILITERING", func(tx pgx.Tx) {
		require.Equal(t, 1+1, count(tx, "cases"))
	})

	_, err := d.Pool.Exec(ctx, `UPDATE consent_grants SET revoked_at = now() WHERE consent_id = $1`, demo.DemoConsent)
	require.NoError(t, err)
	as("fk", "karlstad", "SAMORDNAD_REHABILITERING", func(tx pgx.Tx) {
		require.Equal(t, 0+1, count(tx, "individuals"), "revoked: nothing of Kim")
		require.Equal(t, 0+1, count(tx, "cases"))
		require.Equal(t, []string{"FK_SAMORDNING"}, classes(tx))
	})
}

// Row-level security also guards writes as tightly as the application: a
// principal cannot write a grant for another organisation's person, undo a
// revocation, clear skyddade personuppgifter, put an item of another
// party's class or into a case it cannot see, or forge a loggutdrag row
// into another municipality's log.
func TestRowLevelSecurity_WritesAreAsNarrowAsTheRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, seed.Demo(ctx, d.Pool, demo.DevKeys(), "test"))
	// An Eksjö person, a revoked grant, for the attempts below.
	eksjo := uuid.New()
	_, err := d.Pool.Exec(ctx, `INSERT INTO individuals (id, org_id, unit_id, number_kind, number_index, number_sealed, number_key_id, given_name, family_name, handle, registered_at, registered_by)
		VALUES ($1, $2, $3, 'PERSONNUMMER', sha256('eksjo'::bytea), '\x00', 'dev1', 'Eva', 'Eksjö', 'P-EKSJO', now(), 'test')`,
		eksjo, demo.ID("org/eksjo"), demo.ID("unit/eksjo/eb"))
	require.NoError(t, err)
	_, err = d.Pool.Exec(ctx, `UPDATE consent_grants SET revoked_at = now() WHERE consent_id = $1 AND grantee_org_id = $2`, demo.DemoConsent, demo.ID("org/region-varmland"))
	require.NoError(t, err)

	attempt := func(org, unit, purpose, sql string, args ...any) error {
		t.Helper()
		return pgx.BeginFunc(ctx, d.AppPool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.unit_id', $2, true), set_config('hub.purpose', $3, true)`,
				demo.ID("org/"+org).String(), demo.ID("unit/"+org+"/"+unit).String(), purpose); err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, sql, args...)
			if err == nil && tag.RowsAffected() == 0 {
				return errNothing
			}
			return err
		})
	}
	refused := func(err error, what string) {
		t.Helper()
		require.Error(t, err, what)
	}

	refused(attempt("karlstad", "eb", "", `INSERT INTO consents (id, org_id, individual_id, kind, purposes, given_by, valid_from, valid_until, evidence, form_reference, requested_by_org_id, registered_at, registered_by, registered_by_name)
		VALUES (gen_random_uuid(), $1, $2, 'OSL_SEKRETESSBRYTANDE', '{SAMORDNAD_REHABILITERING}', 'PERSON', current_date, current_date + 10, 'WRITTEN', 'F', $3, now(), 'x', 'x')`,
		demo.ID("org/karlstad"), eksjo, demo.ID("org/fk")), "a samtycke for another municipality's person")
	refused(attempt("karlstad", "eb", "", `INSERT INTO consent_grants (consent_id, org_id, individual_id, grantee_org_id, classes, kind, purposes, valid_from, valid_until)
		VALUES ($1, $2, $3, $4, '{KOMMUN_PLANERING}', 'OSL_SEKRETESSBRYTANDE', '{SAMORDNAD_REHABILITERING}', '2026-01-12', '2028-01-11')`,
		demo.DemoConsent, demo.ID("org/karlstad"), eksjo, demo.ID("org/fk")), "a grant for a person the samtycke is not about")
	refused(attempt("karlstad", "eb", "", `INSERT INTO consent_grants (consent_id, org_id, individual_id, grantee_org_id, classes, kind, purposes, valid_from, valid_until)
		VALUES ($1, $2, $3, $4, '{KOMMUN_PLANERING}', 'OSL_SEKRETESSBRYTANDE', '{SAMORDNAD_REHABILITERING}', '2026-01-12', '2099-01-11')`,
		demo.DemoConsent, demo.ID("org/karlstad"), demo.DemoIndividual, demo.ID("org/af")), "a grant that does not repeat its samtycke")
	refused(attempt("karlstad", "eb", "", `UPDATE consent_grants SET revoked_at = NULL WHERE consent_id = $1`, demo.DemoConsent), "undoing a revocation")
	refused(attempt("karlstad", "eb", "", `UPDATE individuals SET protected_identity = false`), "clearing skyddade personuppgifter")
	refused(attempt("fk", "karlstad", "SAMORDNAD_REHABILITERING", `INSERT INTO case_items (id, case_id, individual_id, case_org_id, org_id, class, purpose, summary, recorded_at, recorded_by)
		VALUES (gen_random_uuid(), $1, $2, $3, $4, 'KOMMUN_PLANERING', 'SAMORDNAD_REHABILITERING', 'x', now(), 'x')`,
		demo.DemoCase, demo.DemoIndividual, demo.ID("org/karlstad"), demo.ID("org/fk")), "an item of another party's class")
	var protectedCase = uuid.New()
	_, err = d.Pool.Exec(ctx, `INSERT INTO cases (id, org_id, unit_id, individual_id, federation_id, lead_unit_id, sgi, on_forsorjningsstod, health_obstacle, care_contact, af_status, opened_at, opened_by)
		VALUES ($1, $2, $3, $4, $5, $3, 'NO', true, true, true, 'UNKNOWN', now(), 'x')`,
		protectedCase, demo.ID("org/karlstad"), demo.ID("unit/karlstad/eb"), demo.DemoProtectedIndividual, demo.ID("federation/samspelet"))
	require.NoError(t, err)
	refused(attempt("fk", "karlstad", "SAMORDNAD_REHABILITERING", `INSERT INTO case_items (id, case_id, individual_id, case_org_id, org_id, class, purpose, summary, recorded_at, recorded_by)
		VALUES (gen_random_uuid(), $1, $2, $3, $4, 'FK_BESLUT', 'SAMORDNAD_REHABILITERING', 'x', now(), 'x')`,
		protectedCase, demo.DemoIndividual, demo.ID("org/karlstad"), demo.ID("org/fk")), "an item into an unshared case, tagged with a shared person")
	refused(attempt("karlstad", "eb", "", `INSERT INTO personal_data_access (owner_org_id, individual_id, at, actor_org_id, user_id, roles, operation, action, object_id, audit_seq)
		VALUES ($1, $2, now(), $3, 'x', '{}', 'x', 'READ', 'x', 1)`, demo.ID("org/eksjo"), demo.DemoIndividual, demo.ID("org/karlstad")), "a loggutdrag row in another municipality's log")

	// The same statements done right are allowed.
	require.NoError(t, attempt("fk", "karlstad", "SAMORDNAD_REHABILITERING", `INSERT INTO case_items (id, case_id, individual_id, case_org_id, org_id, class, purpose, summary, recorded_at, recorded_by)
		VALUES (gen_random_uuid(), $1, $2, $3, $4, 'FK_BESLUT', 'SAMORDNAD_REHABILITERING', 'x', now(), 'x')`,
		demo.DemoCase, demo.DemoIndividual, demo.ID("org/karlstad"), demo.ID("org/fk")))
	require.NoError(t, attempt("fk", "karlstad", "SAMORDNAD_REHABILITERING", `INSERT INTO personal_data_access (owner_org_id, individual_id, at, actor_org_id, user_id, roles, operation, action, object_id, audit_seq)
		VALUES ($1, $2, now(), $3, 'x', '{}', 'x', 'READ', 'x', 1)`, demo.ID("org/karlstad"), demo.DemoIndividual, demo.ID("org/fk")))
}

var errNothing = errors.New("no row changed")
