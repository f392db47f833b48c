package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app/keys"
	"github.com/samverkanshub/hub/internal/app/seed"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
)

func TestMain(m *testing.M) {
	if os.Getenv(asHubEnv) != "" {
		main() // started by startProcess: this binary is `hub` (see serveprocess_test.go)
		os.Exit(0)
	}
	pgtest.Main(m)
}

func TestMigrateCommand_DownAndUpAgain(t *testing.T) {
	ctx := context.Background()
	d := pgtest.NewEmptyDatabase(t)
	require.NoError(t, run(ctx, []string{"migrate", "--database-url", d.URL, "up"}))
	require.NoError(t, run(ctx, []string{"migrate", "--database-url", d.URL, "down", "2"}))
	require.NoError(t, run(ctx, []string{"migrate", "--database-url", d.URL, "status"}))
	require.NoError(t, run(ctx, []string{"migrate", "--database-url", d.URL, "up"}))
	require.ErrorContains(t, run(ctx, []string{"migrate", "--database-url", d.URL, "down", "zero"}), "N must be a positive number")
	require.ErrorContains(t, run(ctx, []string{"migrate", "--database-url", d.URL, "sideways"}), `unknown subcommand "sideways"`)
	t.Setenv("HUB_DATABASE_URL", "")
	require.ErrorContains(t, run(ctx, []string{"migrate", "up"}), "no database")
}

func TestAuditVerifyCommand_ReportsABrokenChain(t *testing.T) {
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, run(ctx, []string{"seed", "--database-url", d.URL, "demo"}))
	// One record in Karlstad's chain, appended as the application would.
	conn, err := d.Pool.Acquire(ctx)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `SELECT set_config('hub.org_id', $1, false)`, demo.ID("org/karlstad").String())
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `SELECT audit_append(now(), 'r', 'u', NULL, '{}', NULL, 'query', 'q', '{}', 'ALLOWED', NULL, NULL, NULL, 'clientName')`)
	require.NoError(t, err)
	conn.Release()

	require.NoError(t, run(ctx, []string{"audit", "--database-url", d.URL, "verify"}))
	_, err = d.Pool.Exec(ctx, `UPDATE audit_records SET user_id = 'forged' WHERE user_id = 'u'`)
	require.NoError(t, err)
	// The seed left records in every demo organisation's chain; only
	// Karlstad's is broken.
	var chains int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(DISTINCT org_id) FROM audit_records`).Scan(&chains))
	require.ErrorContains(t, run(ctx, []string{"audit", "--database-url", d.URL, "verify"}), fmt.Sprintf("1 of %d audit chains are broken", chains))
}

func TestPolicyCommand_ChecksAndLoads(t *testing.T) {
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("p, anyone, case, fly, OWN, allow\n"), 0o600))
	require.ErrorContains(t, run(ctx, []string{"policy", "check", bad}), `line 1: "anyone" is neither a role nor a group`)
	require.ErrorContains(t, run(ctx, []string{"policy", "--database-url", d.URL, "load", bad}), `unknown action "fly"`)

	// A policy from before the purposes moved into it is refused: loaded,
	// it would let nobody declare a purpose.
	old := filepath.Join(dir, "old.csv")
	require.NoError(t, os.WriteFile(old, []byte("p, LOGGRANSKARE, audit_record, read, OWN, allow\n"), 0o600))
	require.ErrorContains(t, run(ctx, []string{"policy", "check", old}), "names no purposes")

	good := filepath.Join(dir, "good.csv")
	require.NoError(t, os.WriteFile(good, []byte("p, LOGGRANSKARE, audit_record, read, OWN, allow\np, SOCIALSEKRETERARE, purpose, SIP, OWN, allow\n"), 0o600))
	require.NoError(t, run(ctx, []string{"policy", "check", good}))
	require.NoError(t, run(ctx, []string{"policy", "--database-url", d.URL, "load", good}))
	var n int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM authz_policies`).Scan(&n))
	require.Equal(t, 1, n)
}

func TestSeedNational_SmallScale(t *testing.T) {
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, run(ctx, []string{"seed", "--database-url", d.URL, "--entries", "2000", "--vardcentraler", "300",
		"--individuals", "1000", "--cases", "300", "--consents", "600", "--tasks", "1000", "national"}))
	var munis, kommuner, entries, federations, people, cases, consents, tasks, plans, meetings int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM municipalities), (SELECT count(*) FROM organizations WHERE kind = 'KOMMUN'),
		(SELECT count(DISTINCT entry_id) FROM directory_search_terms), (SELECT count(*) FROM federations),
		(SELECT count(*) FROM individuals), (SELECT count(*) FROM cases), (SELECT count(*) FROM consents),
		(SELECT count(*) FROM tasks t WHERE t.case_id IS NOT DISTINCT FROM '`+demo.StoryCase.String()+`'
		   OR NOT EXISTS (SELECT 1 FROM meeting_parties p WHERE p.task_id = t.id)),
		(SELECT count(*) FROM sip_plans), (SELECT count(*) FROM meetings WHERE case_id IS NOT NULL)`).Scan(&munis, &kommuner, &entries, &federations, &people, &cases, &consents, &tasks, &plans, &meetings))
	require.Equal(t, 290, munis)
	require.Equal(t, 290, kommuner)
	require.Greater(t, entries, 2000)
	require.Equal(t, 2+21, federations)
	require.Equal(t, []int{1000 + demo.People, 300 + demo.Cases, 600 + 1 + len(demo.StorySamtycken), 1000 + demo.StoryTasks},
		[]int{people, cases, consents, tasks}, "the generated ones and the demo's (Kim's samtycke, and the story's samtycken and tasks; the tasks besides the case files' kallelser)")
	require.Positive(t, plans, "the case files (--casefiles: every case by default)")
	require.Positive(t, meetings)
	// The tasks alone cannot be added to a data set of another day.
	require.ErrorContains(t, run(ctx, []string{"seed", "--database-url", d.URL, "--entries", "2000", "--vardcentraler", "300",
		"--individuals", "1000", "--cases", "300", "--consents", "600", "--tasks", "10", "--tasks-only", "--data-day", "2020-01-01", "national"}), "--data-day")

	// The bulk load is accounted for in every organisation's trail.
	var orgs, records int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM organizations),
		(SELECT count(*) FROM audit_records WHERE operation_type = 'cli' AND operation_name LIKE 'seedNational: bulk load (seed 1); %')`).Scan(&orgs, &records))
	require.Equal(t, orgs, records)

	// --offices-only on a data set that has its offices moves nothing and
	// is accounted for in FK's and AF's trails (docs/national-offices.md).
	var before string
	fingerprint := `SELECT md5(string_agg((id, recipient_unit_id)::text, ',' ORDER BY id)) FROM tasks`
	require.NoError(t, d.Pool.QueryRow(ctx, fingerprint).Scan(&before))
	require.NoError(t, run(ctx, []string{"seed", "--database-url", d.URL, "--offices-only", "national"}))
	var after string
	require.NoError(t, d.Pool.QueryRow(ctx, fingerprint).Scan(&after))
	require.Equal(t, before, after)
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_records WHERE operation_type = 'cli'
		AND operation_name LIKE 'seedNational: functions, tasks and meetings moved into the offices; %'`).Scan(&records))
	require.Equal(t, 2, records, "FK's and AF's")
	require.NoError(t, run(ctx, []string{"audit", "--database-url", d.URL, "verify"}))
}

// A key is rotated by putting a new one first in the ring, running
// `hub individuals rekey`, and dropping the old one: every number then
// opens with the new key alone, and the blind index still finds it.
func TestIndividualsRekey_RotatesTheKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	oldRing, index := "old:"+piicrypt.NewKey(), piicrypt.NewKey()
	oldKeys, err := piicrypt.ParseKeys(oldRing, index)
	require.NoError(t, err)
	require.NoError(t, seed.Demo(ctx, d.Pool, oldKeys, "test"))

	newRing := "new:" + piicrypt.NewKey()
	require.NoError(t, run(ctx, []string{"individuals", "--database-url", d.URL, "--pii-keys", newRing + "," + oldRing, "--pii-index-key", index, "--batch", "1", "rekey"}))

	newKeys, err := piicrypt.ParseKeys(newRing, index)
	require.NoError(t, err)
	store := individuals.Store{Keys: newKeys}
	tx, err := d.Pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.unit_id', $2, true)`,
		demo.ID("org/karlstad").String(), demo.ID("unit/karlstad/eb").String())
	require.NoError(t, err)
	found, err := store.ByNumber(ctx, tx, consent.Scope{Own: true}, demo.DemoPersonnummer, time.Now())
	require.NoError(t, err)
	require.NotNil(t, found)
	require.Equal(t, "19850312-9804", found.Number.Formatted())
	var stale int
	require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM individuals WHERE number_key_id <> 'new'`).Scan(&stale))
	require.Zero(t, stale)
}

// Each batch of a rekey is audited in the trail of the organisation whose
// people it re-sealed, in the operator's name, with the count and the key
// and nothing about a person; the chains still verify, the loggutdrag
// gets no rows, and a rekey with nothing to do leaves nothing.
func TestIndividualsRekey_AuditsEachBatchInTheOrganisationsTrail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	oldRing, index := "old:"+piicrypt.NewKey(), piicrypt.NewKey()
	oldKeys, err := piicrypt.ParseKeys(oldRing, index)
	require.NoError(t, err)
	require.NoError(t, seed.Demo(ctx, d.Pool, oldKeys, "test"))
	var loggutdrag int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_access`).Scan(&loggutdrag))

	rekey := []string{"individuals", "--database-url", d.URL, "--pii-keys", "new:" + piicrypt.NewKey() + "," + oldRing,
		"--pii-index-key", index, "--batch", "1", "--as", "kim.operator", "rekey"}
	require.NoError(t, run(ctx, rekey))

	type record struct {
		OrgID                           uuid.UUID
		UserID, OperationType, Decision string
		OperationName                   string
		Roles, ObjectIDs                []string
		Purpose                         *string
	}
	rows, err := d.Pool.Query(ctx, `SELECT org_id, user_id, operation_type, decision, operation_name, roles, object_ids, purpose
		FROM audit_records WHERE operation_name LIKE 'individualsRekey%' ORDER BY at, lane, seq`)
	require.NoError(t, err)
	recs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[record])
	require.NoError(t, err)
	require.Len(t, recs, demo.People, "the demo people, one per batch")
	batches := map[uuid.UUID]int{}
	for _, r := range recs {
		batches[r.OrgID]++
		r.OrgID = uuid.Nil
		require.Equal(t, record{UserID: "cli:kim.operator", OperationType: "cli", Decision: "ALLOWED",
			OperationName: keys.OperationName(1, "new"), Roles: []string{}, ObjectIDs: []string{}}, r)
	}
	require.Equal(t, map[uuid.UUID]int{demo.ID("org/karlstad"): demo.KarlstadPeople, demo.ID("org/eksjo"): demo.EksjoPeople}, batches,
		"each in the trail of the organisation whose people it re-sealed")
	var after int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_access`).Scan(&after))
	require.Equal(t, loggutdrag, after, "re-sealing reads no one's data: no loggutdrag rows")
	require.NoError(t, run(ctx, []string{"audit", "--database-url", d.URL, "verify"}))

	require.NoError(t, run(ctx, rekey))
	var n int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_records WHERE operation_name LIKE 'individualsRekey%'`).Scan(&n))
	require.Equal(t, demo.People, n, "nothing left to re-seal, nothing audited")
}
