package migrate_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/migrate"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

// policy is one row of pg_policies, as Postgres reads it back.
type policy struct {
	Permissive string   `db:"permissive"`
	Roles      []string `db:"roles"`
	Cmd        string   `db:"cmd"`
	Qual       *string  `db:"qual"`
	WithCheck  *string  `db:"with_check"`
}

// policies returns every row-security policy of the schema by "table.policy".
func policies(t *testing.T, conn *pgx.Conn) map[string]policy {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT tablename || '.' || policyname AS name,
		permissive, roles::text[] AS roles, cmd, qual, with_check
		FROM pg_policies WHERE schemaname = 'public'`)
	require.NoError(t, err)
	type named struct {
		Name string `db:"name"`
		policy
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[named])
	require.NoError(t, err)
	out := make(map[string]policy, len(list))
	for _, p := range list {
		out[p.Name] = p.policy
	}
	return out
}

// The tenancy catalogue's tables, with the column naming the organisation
// that may write a row (migration 003).
var tenancyTables = map[string]string{
	"organizations": "id", "organization_municipalities": "org_id", "units": "org_id",
	"unit_municipalities": "org_id", "federations": "org_id", "federation_memberships": "org_id",
	"identity_issuers": "org_id",
}

// The sharing rule's read policies, which migration 021 states through
// hub_shares_person and hub_shares_class.
var sharingPolicies = map[string]string{
	"individuals.owner_or_consented":       "hub_shares_person(individuals.id)",
	"cases.owner_or_consented":             "hub_shares_person(cases.individual_id)",
	"case_participants.owner_or_consented": "hub_shares_class(case_participants.individual_id, 'KOMMUN_PLANERING'::information_class)",
	"case_items.writer_or_consented":       "hub_shares_class(case_items.individual_id, case_items.class)",
}

// Migration 021 changes the sharing rule's four read policies and nothing
// else: the 28 tenancy policies it generates with hub_tenant_policies read
// back exactly as migration 003 wrote them, every other policy is
// untouched, and going down restores the schema of 020 exactly.
func TestMigration021_GeneratesTheTenancyPoliciesIdenticallyAndRestatesOnlyTheSharingRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewEmptyDatabase(t)
	conn := connect(t, d.URL)
	require.NoError(t, migrate.To(ctx, conn, 20))
	before := policies(t, conn)
	dumpBefore := dumpSchema(t, d.URL)

	require.NoError(t, migrate.To(ctx, conn, 21))
	after := policies(t, conn)

	require.Equal(t, len(before), len(after), "no policy added or removed")
	tenancy := 0
	for name, was := range before {
		now, ok := after[name]
		require.True(t, ok, "%s is gone", name)
		if want, restated := sharingPolicies[name]; restated {
			require.NotNil(t, now.Qual)
			require.Contains(t, *now.Qual, want, name)
			require.NotContains(t, *now.Qual, "consent_grants_in_force", "%s asks the rule's function, not the view", name)
			require.Equal(t, was.Cmd, now.Cmd, name)
			require.Equal(t, was.Roles, now.Roles, name)
			require.Equal(t, was.Permissive, now.Permissive, name)
			continue
		}
		require.Equal(t, was, now, "%s: qual or with_check changed", name)
		if _, ok := tenancyTables[tableOf(name)]; ok {
			tenancy++
		}
	}
	require.Equal(t, 28, tenancy, "four policies on each of the seven tenancy tables")
	for table, col := range tenancyTables {
		own := col + " = ( SELECT hub_current_org() AS hub_current_org)"
		require.Equal(t, policy{"PERMISSIVE", []string{"public"}, "SELECT", ptr("true"), nil}, after[table+".catalogue_read"], table)
		require.Equal(t, policy{"PERMISSIVE", []string{"public"}, "INSERT", nil, ptr("(" + own + ")")}, after[table+".own_insert"], table)
		require.Equal(t, policy{"PERMISSIVE", []string{"public"}, "UPDATE", ptr("(" + own + ")"), ptr("(" + own + ")")}, after[table+".own_update"], table)
		require.Equal(t, policy{"PERMISSIVE", []string{"public"}, "DELETE", ptr("(" + own + ")"), nil}, after[table+".own_delete"], table)
	}

	require.NoError(t, migrate.To(ctx, conn, 20))
	require.Equal(t, before, policies(t, conn), "down restores the policies of 020")
	require.Equal(t, dumpBefore, dumpSchema(t, d.URL), "down restores the schema of 020")
}

func tableOf(name string) string {
	for i := range name {
		if name[i] == '.' {
			return name[:i]
		}
	}
	return name
}

func ptr(s string) *string { return &s }
