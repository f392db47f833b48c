package national

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	appseed "github.com/samverkanshub/hub/internal/app/seed"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// A small national data set: the same shape as the benchmark's, a
// five-hundredth of its size.
var smallNational = Options{Entries: 2000, Vardcentrals: 290, Individuals: 2000, Cases: 600, Consents: 1200, Tasks: 2000, Casefiles: 600,
	Today: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), TasksToday: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}

// demoSamtycken are the demo's samtycken: Kim's and the story's.
var demoSamtycken = append([]uuid.UUID{demo.DemoConsent}, demo.StorySamtycken...)

func loadSmallNational(t *testing.T, seed uint64) *pgtest.DB {
	t.Helper()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, appseed.Demo(ctx, d.Pool, demo.DevKeys(), "test"))
	opts := smallNational
	opts.Seed, opts.Keys = seed, demo.DevKeys()
	require.NoError(t, Load(ctx, d.Pool, opts))
	return d
}

// loadSmallNationalThenTasks loads the data set without tasks and case
// files, then adds each alone (hub seed national --tasks-only, then
// --casefiles-only).
func loadSmallNationalThenTasks(t *testing.T, seed uint64) *pgtest.DB {
	t.Helper()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, appseed.Demo(ctx, d.Pool, demo.DevKeys(), "test"))
	opts := smallNational
	opts.Seed, opts.Keys, opts.Tasks, opts.Casefiles = seed, demo.DevKeys(), 0, 0
	require.NoError(t, Load(ctx, d.Pool, opts))
	opts.Tasks, opts.TasksOnly = smallNational.Tasks, true
	wrongDay := opts
	wrongDay.Today = wrongDay.Today.AddDate(0, 0, 1)
	require.ErrorContains(t, Load(ctx, d.Pool, wrongDay), "--data-day")
	require.NoError(t, Load(ctx, d.Pool, opts))
	opts.TasksOnly, opts.Casefiles, opts.CasefilesOnly = false, smallNational.Casefiles, true
	wrongDay = opts
	wrongDay.Today = wrongDay.Today.AddDate(0, 0, 1)
	require.ErrorContains(t, Load(ctx, d.Pool, wrongDay), "--data-day")
	require.NoError(t, Load(ctx, d.Pool, opts))
	return d
}

func TestLoadNational_SamtyckeDataIsConsistentAndReproducible(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const seed = 7
	d := loadSmallNational(t, seed)
	count := counter(t, d, "")

	// The demo has its people and cases (demo.People, demo.Cases), Kim's
	// samtycke and the story's (demo.StorySamtycken).
	require.Equal(t, 2000+demo.People, count(`SELECT count(*) FROM individuals`))
	require.Equal(t, 600+demo.Cases, count(`SELECT count(*) FROM cases`))
	require.Equal(t, 1200+1+len(demo.StorySamtycken), count(`SELECT count(*) FROM consents`))
	require.Equal(t, 600+demo.Cases, count(`SELECT count(DISTINCT individual_id) FROM cases`), "one case per person")

	t.Run("every number opens, matches its blind index and is the generator's", func(t *testing.T) {
		keys := demo.DevKeys()
		rows, err := d.Pool.Query(ctx, `SELECT id, number_kind, number_index, number_sealed, number_key_id, org_id, unit_id, protected_identity
			FROM individuals WHERE id <> ALL($1)`, demo.TheScenario().IndividualIDs())
		require.NoError(t, err)
		defer rows.Close()
		byID := map[uuid.UUID]int{}
		for i := range smallNational.Individuals {
			byID[nationalID("individual/", i)] = i
		}
		seen, protected := map[string]bool{}, 0
		for rows.Next() {
			var id, org, unit uuid.UUID
			var kind, keyID string
			var index, sealed []byte
			var prot bool
			require.NoError(t, rows.Scan(&id, &kind, &index, &sealed, &keyID, &org, &unit, &prot))
			plain, err := keys.Open(keyID, sealed, id[:])
			require.NoError(t, err)
			num, err := personnummer.FromDigits(string(plain), smallNational.Today)
			require.NoError(t, err, "Luhn-valid, a real date")
			require.Equal(t, string(num.Kind()), kind)
			require.Equal(t, keys.Index(plain), index)
			require.False(t, seen[string(plain)], "numbers are unique")
			seen[string(plain)] = true
			i, ok := byID[id]
			require.True(t, ok)
			want := Individual(seed, i)
			require.Equal(t, want.Personnummer, num.Formatted(), "Individual gives the bench the same number")
			require.Equal(t, want.Protected, prot)
			if prot {
				protected++
			}
		}
		require.NoError(t, rows.Err())
		require.Len(t, seen, smallNational.Individuals)
		require.InDelta(t, 0.03, float64(protected)/float64(smallNational.Individuals), 0.02, "a few % skyddade personuppgifter")
	})

	t.Run("people, cases and samtycken belong to a kommun, its units and its förbund", func(t *testing.T) {
		require.Zero(t, count(`SELECT count(*) FROM individuals i JOIN organizations o ON o.id = i.org_id
			LEFT JOIN units u ON u.id = i.unit_id AND u.org_id = i.org_id WHERE o.kind <> 'KOMMUN' OR u.kind <> 'EKONOMISKT_BISTAND'`))
		// The demo's own cases and samtycke were written when the demo was
		// loaded, through the use cases, on the real clock: not the
		// generator's.
		require.Zero(t, count(`SELECT count(*) FROM cases c JOIN individuals i ON i.id = c.individual_id
			WHERE c.id <> ALL($2) AND (c.org_id <> i.org_id OR c.unit_id <> i.unit_id
			   OR NOT EXISTS (SELECT 1 FROM units u WHERE u.id = c.lead_unit_id AND u.org_id = c.org_id)
			   OR NOT EXISTS (SELECT 1 FROM federation_memberships m WHERE m.federation_id = c.federation_id AND m.member_org_id = c.org_id
			                  AND m.valid_from <= c.opened_at::date AND (m.valid_to IS NULL OR m.valid_to > $1))
			   OR c.opened_at < i.registered_at OR c.opened_at >= $1)`, smallNational.Today, demo.TheScenario().CaseIDs()))
		require.Zero(t, count(`SELECT count(*) FROM consents c JOIN individuals i ON i.id = c.individual_id
			WHERE c.id <> ALL($2) AND (c.org_id <> i.org_id OR c.registered_at < i.registered_at OR c.registered_at >= $1
			   OR c.revoked_at < c.registered_at OR c.revoked_at >= $1)`, smallNational.Today, demoSamtycken))
		require.Greater(t, count(`SELECT count(DISTINCT org_id) FROM individuals`), 100, "spread over the country")
		require.Greater(t, count(`SELECT count(*) FROM individuals WHERE org_id = $1`, demo.ID("org/karlstad")), 2, "Karlstad has people")
	})

	t.Run("grants mirror their samtycke as consent.Record writes them", func(t *testing.T) {
		require.Zero(t, count(`SELECT count(*) FROM consent_grants g JOIN consents c ON c.id = g.consent_id
			WHERE g.org_id <> c.org_id OR g.individual_id <> c.individual_id OR g.kind <> c.kind OR g.purposes <> c.purposes
			   OR g.valid_from <> c.valid_from OR g.valid_until <> c.valid_until OR g.revoked_at IS DISTINCT FROM c.revoked_at`))
		require.Zero(t, count(`SELECT count(*) FROM consents c WHERE (c.kind = 'UPPFOLJNING') =
			EXISTS (SELECT 1 FROM consent_grants g WHERE g.consent_id = c.id)`), "UPPFOLJNING names no grantee, the others at least one")
		require.Zero(t, count(`SELECT count(*) FROM consents WHERE kind = 'UPPFOLJNING' AND purposes <> '{UPPFOLJNING}'
			OR kind <> 'UPPFOLJNING' AND 'UPPFOLJNING' = ANY (purposes)`))
		require.Zero(t, count(`SELECT count(*) FROM consent_grants g JOIN organizations o ON o.id = g.grantee_org_id
			WHERE g.kind = 'PDL_SAMMANHALLEN_JOURNALFORING' AND (o.kind <> 'REGION' OR NOT g.classes <@ '{VARD_SJUKSKRIVNING,VARD_MEDICINSKT_UNDERLAG,VARD_REHABILITERING}')`))
		require.Zero(t, count(`SELECT count(*) FROM consent_grants g JOIN organizations o ON o.id = g.grantee_org_id, unnest(g.classes) cl
			WHERE g.kind = 'OSL_SEKRETESSBRYTANDE' AND split_part(cl::text, '_', 1) = CASE o.kind WHEN 'KOMMUN' THEN 'KOMMUN' WHEN 'REGION' THEN 'VARD' ELSE o.kind::text END`),
			"an OSL grant never names the grantee's own kind of information")
		require.Zero(t, count(`SELECT count(*) FROM consent_grants g WHERE g.grantee_unit_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM units u WHERE u.id = g.grantee_unit_id AND u.org_id = g.grantee_org_id)`))
	})

	t.Run("a realistic mix of states, and ph.fk sees a large share of the cases", func(t *testing.T) {
		total := float64(smallNational.Consents)
		for state, want := range map[string]struct {
			where string
			share float64
		}{
			"active":        {`revoked_at IS NULL AND valid_from <= $1 AND $1 <= valid_until`, 0.60},
			"expired":       {`revoked_at IS NULL AND valid_until < $1`, 0.20},
			"not yet valid": {`revoked_at IS NULL AND valid_from > $1`, 0.04},
			"revoked":       {`revoked_at IS NOT NULL AND $1::date IS NOT NULL`, 0.16},
		} {
			got := count(`SELECT count(*) FROM consents WHERE id <> ALL($2) AND `+want.where, smallNational.Today, demoSamtycken)
			require.InDelta(t, want.share, float64(got)/total, 0.06, state)
		}
		require.InDelta(t, 0.75, float64(count(`SELECT count(*) FROM consents WHERE kind = 'OSL_SEKRETESSBRYTANDE'`))/total, 0.08)
		require.Positive(t, count(`SELECT count(*) FROM consents WHERE kind = 'PDL_SAMMANHALLEN_JOURNALFORING'`))
		require.Positive(t, count(`SELECT count(*) FROM consent_grants WHERE grantee_unit_id IS NOT NULL AND grantee_org_id = $1`, demo.ID("org/region-varmland"))+
			count(`SELECT count(*) FROM consent_grants g JOIN units u ON u.id = g.grantee_unit_id WHERE u.kind = 'VARDCENTRAL'`))
		// What the rule (consent_grants_in_force) shows ph.fk, on the anchor day.
		fk := count(`SELECT count(*) FROM cases c WHERE EXISTS (SELECT 1 FROM consent_grants g
			WHERE g.individual_id = c.individual_id AND g.revoked_at IS NULL AND g.grantee_org_id = $1
			  AND (g.grantee_unit_id IS NULL OR g.grantee_unit_id = $2) AND g.kind IN ('OSL_SEKRETESSBRYTANDE', 'PDL_SAMMANHALLEN_JOURNALFORING')
			  AND 'SAMORDNAD_REHABILITERING' = ANY (g.purposes) AND g.valid_from <= $3 AND $3 <= g.valid_until)`,
			demo.ID("org/fk"), demo.ID("unit/fk/karlstad"), smallNational.Today)
		require.InDelta(t, 0.5, float64(fk)/float64(smallNational.Cases), 0.25, "ph.fk sees a large share of the cases (%d)", fk)
	})

	t.Run("tasks", func(t *testing.T) { checkTasks(t, d) })
	t.Run("case files", func(t *testing.T) { checkCasefiles(t, d) })

	t.Run("FK and AF functions, tasks and meetings are their county's offices'", func(t *testing.T) { checkOffices(t, d) })
	t.Run("the Stockholm FK handläggare only where the national data is", func(t *testing.T) {
		loaded, err := demo.NationalLoaded(ctx, pgtest.NewDatabase(t).Pool)
		require.NoError(t, err)
		require.False(t, loaded, "an empty database")
	})

	t.Run("the same seed and day give the same rows, another seed other rows", func(t *testing.T) {
		fingerprint := func(d *pgtest.DB) []string {
			var out []string
			for _, sql := range []string{
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM (SELECT id, org_id, unit_id, number_kind, number_index, given_name,
					family_name, protected_identity, handle, registered_at, registered_by FROM individuals WHERE id <> ALL($1)) t`,
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM cases t WHERE t.individual_id <> ALL($1)`,
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM consents t WHERE t.individual_id <> ALL($1)`,
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.consent_id, t.grantee_org_id, t.grantee_unit_id)) FROM consent_grants t WHERE t.individual_id <> ALL($1)`,
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM tasks t WHERE t.individual_id IS NULL OR t.individual_id <> ALL($1)`,
				`SELECT md5(string_agg((t.id, t.task_id, t.at, t.actor_org_id, t.actor_unit_id, t.actor_user_id, t.kind, t.from_state, t.to_state, t.note, t.routed_entry_id)::text, ',' ORDER BY t.task_id, t.seq))
					FROM task_events t JOIN tasks k ON k.id = t.task_id WHERE k.individual_id IS NULL OR k.individual_id <> ALL($1)`,
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM sip_plans t WHERE t.individual_id <> ALL($1)`,
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.plan_id, t.version)) FROM sip_plan_versions t WHERE t.individual_id <> ALL($1)`,
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.plan_id, t.version, t.position)) FROM sip_plan_insatser t WHERE t.individual_id <> ALL($1)`,
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.plan_id, t.version)) FROM sip_plan_agreements t WHERE t.individual_id <> ALL($1)`,
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM meetings t WHERE t.individual_id IS NULL OR t.individual_id <> ALL($1)`,
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.meeting_id, t.org_id)) FROM meeting_parties t WHERE t.individual_id IS NULL OR t.individual_id <> ALL($1)`,
				`SELECT md5(string_agg(t::text, ',' ORDER BY t.case_id, t.kind)) FROM case_evidence t WHERE t.individual_id <> ALL($1)`,
				`SELECT md5(string_agg((t.id, t.org_id, t.unit_id, t.topics, t.municipality_codes)::text, ',' ORDER BY t.id)) FROM directory_entries t WHERE t.reviewed_by = 'generator' AND $1::uuid[] IS NOT NULL`,
			} {
				// The demo's people and the story's tasks were written
				// through the use cases (random handles, the real clock):
				// only the generator's rows are reproducible.
				var s string
				require.NoError(t, d.Pool.QueryRow(ctx, sql, demo.TheScenario().IndividualIDs()).Scan(&s))
				out = append(out, s)
			}
			return out
		}
		// The tasks added alone to the same data set are the same tasks.
		again := loadSmallNationalThenTasks(t, seed)
		require.Equal(t, fingerprint(d), fingerprint(again))
		var handles [2][]string
		for i, db := range []*pgtest.DB{d, loadSmallNational(t, seed+1)} {
			rows, err := db.Pool.Query(ctx, `SELECT handle FROM individuals WHERE id = ANY($1) ORDER BY id`,
				[]uuid.UUID{nationalID("individual/", 0), nationalID("individual/", 1)})
			require.NoError(t, err)
			for rows.Next() {
				var h string
				require.NoError(t, rows.Scan(&h))
				require.True(t, strings.HasPrefix(h, "P-") && len(h) == 12, h)
				handles[i] = append(handles[i], h)
			}
			require.NoError(t, rows.Err())
		}
		require.NotEqual(t, handles[0], handles[1])
	})

	// Last: it changes d and moves it back.
	t.Run("--offices-only moves a data set loaded before the offices into them", func(t *testing.T) { checkOfficesOnly(t, d) })
}

// counter returns a function that runs a counting query on d, after
// prefix (a WITH clause, or nothing).
func counter(t *testing.T, d *pgtest.DB, prefix string) func(sql string, args ...any) int {
	return func(sql string, args ...any) (n int) {
		t.Helper()
		require.NoError(t, d.Pool.QueryRow(context.Background(), prefix+sql, args...).Scan(&n))
		return n
	}
}

// checkTasks checks the generated tasks' invariants in d: its queries
// read tasks and task_events without the demo story's (written through
// the use cases on the day of the load), which the CTEs of the same names
// leave out.
func checkTasks(t *testing.T, d *pgtest.DB) {
	generated := `WITH tasks AS (SELECT * FROM public.tasks WHERE case_id IS DISTINCT FROM '` + demo.StoryCase.String() + `'),
		task_events AS (SELECT e.* FROM public.task_events e JOIN tasks t ON t.id = e.task_id) `
	count := counter(t, d, generated)
	today := smallNational.TasksToday
	// The generic tasks; the kallelser of the case files' meetings are tasks too.
	const generic = `NOT EXISTS (SELECT 1 FROM meeting_parties p WHERE p.task_id = tasks.id)`
	require.Equal(t, smallNational.Tasks, count(`SELECT count(*) FROM tasks WHERE `+generic))

	t.Run("every task goes to its routed entry's organisation and unit, which serves its topic and municipality", func(t *testing.T) {
		require.Zero(t, count(`SELECT count(*) FROM tasks t LEFT JOIN directory_entries d ON d.id = t.routed_entry_id
			WHERE t.kind <> 'PAMINNELSE' AND (d.id IS NULL OR d.org_id <> t.recipient_org_id OR d.unit_id IS DISTINCT FROM t.recipient_unit_id
			   OR NOT t.topic = ANY (d.topics::text[]) OR NOT (d.national OR t.municipality_code = ANY (d.municipality_codes)))`))
		require.Zero(t, count(`SELECT count(*) FROM tasks t WHERE (t.kind = 'PAMINNELSE') <> (t.routed_entry_id IS NULL)
			OR (t.kind = 'PAMINNELSE') <> (t.sender_org_id = t.recipient_org_id)`))
		require.Zero(t, count(`SELECT count(*) FROM tasks t JOIN organizations s ON s.id = t.sender_org_id JOIN organizations r ON r.id = t.recipient_org_id
			WHERE (t.kind = 'SIGNAL_SJUKSKRIVNING' AND (s.kind <> 'REGION' OR r.kind <> 'KOMMUN'))
			   OR (t.kind IN ('ANSOKAN_SAMORDNAD_REHABILITERING', 'AF_INSKRIVNING', 'FRAGA_MEDICINSKT_UNDERLAG', 'BEGARAN_GEMENSAM_KARTLAGGNING') AND s.kind <> 'KOMMUN')
			   OR (t.kind = 'ANSOKAN_SAMORDNAD_REHABILITERING' AND r.kind <> 'FK') OR (t.kind = 'AF_INSKRIVNING' AND r.kind <> 'AF')
			   OR (t.kind = 'FRAGA_MEDICINSKT_UNDERLAG' AND r.kind <> 'REGION')`), "realistic parties")
		require.Zero(t, count(`SELECT count(*) FROM tasks t WHERE t.sender_unit_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM units u WHERE u.id = t.sender_unit_id AND u.org_id = t.sender_org_id)`))
	})

	t.Run("a task about a person names its case, and the samtycke that shares its classes with the recipient", func(t *testing.T) {
		require.Zero(t, count(`SELECT count(*) FROM tasks WHERE kind = 'KONSULTATION'
			AND (case_id IS NOT NULL OR individual_id IS NOT NULL OR case_org_id IS NOT NULL OR cardinality(classes) > 0 OR consent_id IS NOT NULL)`),
			"a KONSULTATION names no one")
		require.Zero(t, count(`SELECT count(*) FROM tasks t LEFT JOIN cases c ON c.id = t.case_id
			WHERE t.kind <> 'KONSULTATION' AND (c.id IS NULL OR c.individual_id <> t.individual_id OR c.org_id <> t.case_org_id
			   OR c.opened_at >= t.created_at OR cardinality(t.classes) = 0)`))
		require.Zero(t, count(`SELECT count(*) FROM tasks t WHERE t.kind NOT IN ('KONSULTATION', 'PAMINNELSE') AND NOT EXISTS (
			SELECT 1 FROM consent_grants g JOIN consents c ON c.id = g.consent_id WHERE g.consent_id = t.consent_id
			  AND g.individual_id = t.individual_id AND g.kind = 'OSL_SEKRETESSBRYTANDE' AND g.grantee_org_id = t.recipient_org_id
			  AND (g.grantee_unit_id IS NULL OR g.grantee_unit_id = t.recipient_unit_id) AND t.purpose = ANY (g.purposes)
			  AND g.classes @> t.classes AND g.valid_from <= (t.created_at AT TIME ZONE 'CET')::date
			  AND (t.created_at AT TIME ZONE 'CET')::date <= g.valid_until AND c.registered_at < t.created_at
			  AND (g.revoked_at IS NULL OR g.revoked_at > t.created_at))`))
		require.Zero(t, count(`SELECT count(*) FROM tasks t WHERE NOT t.classes <@ hub_org_classes(t.sender_org_id)`), "the sender's own classes")
	})

	t.Run("each history ends in its task's state, one step of the machine after another", func(t *testing.T) {
		require.Zero(t, count(`SELECT count(*) FROM tasks t WHERE (SELECT e.to_state FROM task_events e WHERE e.task_id = t.id ORDER BY e.seq DESC LIMIT 1)
			IS DISTINCT FROM t.state`))
		require.Zero(t, count(`SELECT count(*) FROM tasks t WHERE (SELECT e.kind FROM task_events e WHERE e.task_id = t.id ORDER BY e.seq LIMIT 1)
			IS DISTINCT FROM 'CREATED' OR (SELECT e.at FROM task_events e WHERE e.task_id = t.id ORDER BY e.seq LIMIT 1) <> t.created_at
			OR (SELECT max(e.at) FROM task_events e WHERE e.task_id = t.id) <> t.updated_at`))
		require.Zero(t, count(`SELECT count(*) FROM (SELECT e.*, t.sender_org_id, t.recipient_org_id,
				lag(e.to_state) OVER w AS prev, lag(e.at) OVER w AS prev_at
			FROM task_events e JOIN tasks t ON t.id = e.task_id WINDOW w AS (PARTITION BY e.task_id ORDER BY e.seq)) x
			WHERE (x.kind = 'CREATED' AND (x.prev IS NOT NULL OR x.actor_org_id <> x.sender_org_id OR x.to_state <> 'SKICKAD'))
			   OR (x.kind = 'STATE' AND (x.from_state IS DISTINCT FROM x.prev
			       OR x.actor_org_id <> CASE hub_task_step(x.from_state, x.to_state) WHEN 'SENDER' THEN x.sender_org_id WHEN 'RECIPIENT' THEN x.recipient_org_id END
			       OR hub_task_step(x.from_state, x.to_state) IS NULL))
			   OR (x.kind = 'ASSIGNED' AND (x.to_state IS DISTINCT FROM x.prev OR x.actor_org_id <> x.recipient_org_id OR x.note IS NULL))
			   OR x.at < x.prev_at`))
		require.Zero(t, count(`SELECT count(*) FROM tasks t WHERE (t.state = 'AVVISAD') <> (t.reject_reason IS NOT NULL)
			OR (t.assignee_user_id IS NOT NULL) <> EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = t.id AND e.kind = 'ASSIGNED')`))
		require.Zero(t, count(`SELECT count(*) FROM task_events WHERE at >= $1`, today), "nothing happened today or later")
	})

	t.Run("every kind and state, due dates around the day, a share overdue", func(t *testing.T) {
		require.Equal(t, 8, count(`SELECT count(DISTINCT kind) FROM tasks`))
		require.Equal(t, 7, count(`SELECT count(DISTINCT state) FROM tasks`))
		open := count(`SELECT count(*) FROM tasks WHERE state IN ('SKICKAD', 'MOTTAGEN', 'ACCEPTERAD', 'PAGAENDE') AND ` + generic)
		overdue := count(`SELECT count(*) FROM tasks WHERE state IN ('SKICKAD', 'MOTTAGEN', 'ACCEPTERAD', 'PAGAENDE') AND due_on < $1 AND `+generic, today)
		require.InDelta(t, 0.38, float64(open)/float64(smallNational.Tasks), 0.06)
		require.InDelta(t, 0.4, float64(overdue)/float64(open), 0.25, "overdue %d of %d open", overdue, open)
		require.Zero(t, count(`SELECT count(*) FROM tasks WHERE state IN ('SKICKAD', 'MOTTAGEN', 'ACCEPTERAD', 'PAGAENDE')
			AND due_on NOT BETWEEN $1::date - 40 AND $1::date + 60 AND `+generic, today))
		require.Greater(t, count(`SELECT count(DISTINCT (recipient_org_id, recipient_unit_id)) FROM tasks`), 200, "many queues")
		require.Greater(t, count(`SELECT count(DISTINCT recipient_org_id) FROM tasks t JOIN organizations o ON o.id = t.recipient_org_id
			WHERE o.kind = 'KOMMUN'`), 20, "kommuner receive tasks")
		require.Greater(t, count(`SELECT count(DISTINCT sender_unit_id) FROM tasks t JOIN units u ON u.id = t.sender_unit_id
			WHERE u.kind = 'VARDCENTRAL'`), 20, "vårdcentraler send")
		require.Zero(t, count(`SELECT count(*) FROM tasks WHERE recipient_org_id = $1 AND recipient_unit_id IS NULL`, demo.ID("org/fk")),
			"FK's tasks are its offices' (checkOffices)")
		require.Positive(t, count(`SELECT count(*) FROM tasks WHERE recipient_unit_id = $1`, nationalFKOffice("01")), "FK Stockholm's queue")
	})
}

func TestConsentStream_YieldsExactlyTheSamtyckenAskedFor(t *testing.T) {
	t.Parallel()
	munis, _ := nationalMunicipalities()
	p := newPopulation(3, smallNational.Today, nationalKommuner(munis, 1), 50, 20)
	for _, want := range []int{0, 1, 2, 3, 39, 40, 41, 97, 500} {
		s, got := &consentStream{p: p, left: want}, 0
		for s.next() {
			got++
			require.LessOrEqual(t, got, want)
		}
		require.Equal(t, want, got)
	}
}
