package national

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app"
	appmeetings "github.com/samverkanshub/hub/internal/app/meetings"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/identity"
	meeting "github.com/samverkanshub/hub/internal/meetings"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// checkOffices checks that every FK and AF function of the generator is
// an office's of its county, that what the generator sent FK and AF
// landed in the office of the case's county, and that FK Karlstad's
// coming meetings, as the application lists them to ph.fk, are Värmland's
// only.
func checkOffices(t *testing.T, d *pgtest.DB) {
	ctx := context.Background()
	count := counter(t, d, "")
	agencies := []uuid.UUID{demo.ID("org/fk"), demo.ID("org/af")}

	require.Greater(t, count(`SELECT count(*) FROM directory_entries WHERE org_id = ANY($1) AND reviewed_by = 'generator'`, agencies), 300)
	require.Zero(t, count(`SELECT count(*) FROM directory_entries e LEFT JOIN units u ON u.id = e.unit_id AND u.org_id = e.org_id
		WHERE e.org_id = ANY($1) AND e.reviewed_by = 'generator' AND (u.id IS NULL OR u.kind <> 'LOKALKONTOR')`, agencies),
		"every generated FK and AF function is an office's")
	require.Zero(t, count(`SELECT count(*) FROM directory_entries e, unnest(e.municipality_codes) AS c(code)
		JOIN municipalities m ON m.code = c.code
		WHERE e.org_id = ANY($1) AND e.reviewed_by = 'generator' AND NOT EXISTS (
			SELECT 1 FROM unit_municipalities um JOIN municipalities om ON om.code = um.municipality_code
			WHERE um.unit_id = e.unit_id AND om.county_code = m.county_code)`, agencies),
		"the office serves the county of each municipality its function serves")
	require.Equal(t, 21, count(`SELECT count(*) FROM units WHERE org_id = $1 AND kind = 'LOKALKONTOR'`, demo.ID("org/fk")), "FK: an office per county")
	require.Equal(t, 22, count(`SELECT count(*) FROM units WHERE org_id = $1 AND kind = 'LOKALKONTOR'`, demo.ID("org/af")),
		"AF: an office per county, Jönköpings län's beside the demo's Höglandet")

	// The queues: every task and kallelse the generator sent FK or AF is
	// in an office serving the county of the case's municipality.
	inCounty := `EXISTS (SELECT 1 FROM unit_municipalities um JOIN municipalities om ON om.code = um.municipality_code
		JOIN municipalities tm ON tm.code = t.municipality_code WHERE um.unit_id = t.recipient_unit_id AND om.county_code = tm.county_code)`
	require.Greater(t, count(`SELECT count(*) FROM tasks t WHERE t.recipient_org_id = ANY($1)`, agencies), 100)
	require.Zero(t, count(`SELECT count(*) FROM tasks t WHERE t.recipient_org_id = ANY($1) AND NOT `+inCounty, agencies),
		"no task to FK or AF in a national queue or another county's office")
	require.Zero(t, count(`SELECT count(*) FROM meeting_parties p JOIN tasks t ON t.id = p.task_id
		WHERE p.org_id = ANY($1) AND (p.unit_id IS DISTINCT FROM t.recipient_unit_id OR NOT `+inCounty+`)`, agencies),
		"every FK and AF party of a meeting is the office its kallelse went to")
	require.Zero(t, count(`SELECT count(*) FROM meeting_parties WHERE org_id = ANY($1) AND unit_id IS NULL`, agencies))

	// FK Karlstad's coming meetings, as ph.fk lists them: Värmland's.
	authorizer, err := authz.New(authz.SamtyckeInForce)
	require.NoError(t, err)
	a := &app.App{Pool: d.AppPool, Authz: authorizer, Keys: demo.DevKeys(), StatementTimeout: 30 * time.Second}
	p, ok := demo.Principal("ph.fk")
	require.True(t, ok)
	actor, err := a.NewActor(p, string(consent.SamordnadRehabilitering))
	require.NoError(t, err)
	meetings := appmeetings.New(nil) // listing sends no task
	from := smallNational.TasksToday
	win := meeting.Window{From: from, To: from.AddDate(0, 0, 90)}
	w := a.Begin(actor)
	n, err := meetings.Count(ctx, w, win)
	require.NoError(t, err)
	res, err := meetings.List(ctx, w, win, page.Request{First: 100})
	require.NoError(t, err)
	require.NoError(t, w.Finish(ctx, app.Operation{Type: "query", Name: "meetings"}, false, ""))
	require.Positive(t, n, "FK Karlstad has coming meetings")
	require.Less(t, n, 100, "a county's queue, not Sweden's (raise the page if the data set grows)")
	require.Len(t, res.Items, n)
	var ids []uuid.UUID
	for _, m := range res.Items {
		ids = append(ids, m.ID)
	}
	require.Zero(t, count(`SELECT count(*) FROM meeting_parties p JOIN tasks t ON t.id = p.task_id JOIN municipalities m ON m.code = t.municipality_code
		WHERE p.meeting_id = ANY($1) AND m.county_code <> '17'`, ids), "every meeting in FK Karlstad's queue is about a person in Värmland")
	// The busiest office's handläggare, whom `hub dev` signs in on a
	// national data set: Stockholm's queue, Stockholm's meetings.
	loaded, err := demo.NationalLoaded(ctx, d.Pool)
	require.NoError(t, err)
	require.True(t, loaded)
	require.Equal(t, nationalFKOffice("01"), demo.NationalFKStockholm)
	u := demo.NationalUsers()[0]
	require.Equal(t, demo.StockholmFK, u.Login)
	require.Equal(t, nationalFKOffice("01").String(), u.UnitID)
	unit := nationalFKOffice("01")
	stockholmFK := &identity.Principal{OrgID: demo.ID("org/fk"), OrgKind: tenancy.FK, UnitID: &unit, UserID: u.Login, DisplayName: u.Name,
		Roles: []identity.Role{identity.PersonligHandlaggare}, Issuer: "demo"}
	stockholm, err := a.NewActor(stockholmFK, string(consent.SamordnadRehabilitering))
	require.NoError(t, err)
	w = a.Begin(stockholm)
	sthlm, err := meetings.List(ctx, w, win, page.Request{First: 100})
	require.NoError(t, err)
	require.NoError(t, w.Finish(ctx, app.Operation{Type: "query", Name: "meetings"}, false, ""))
	require.NotEmpty(t, sthlm.Items, "FK Stockholm has coming meetings")
	ids = ids[:0]
	for _, m := range sthlm.Items {
		ids = append(ids, m.ID)
	}
	require.Zero(t, count(`SELECT count(*) FROM meeting_parties p JOIN tasks t ON t.id = p.task_id JOIN municipalities m ON m.code = t.municipality_code
		WHERE p.meeting_id = ANY($1) AND m.county_code <> '01'`, ids), "every meeting in FK Stockholm's queue is about a person in Stockholms län")
	require.LessOrEqual(t, n, count(`SELECT count(DISTINCT p.meeting_id) FROM meeting_parties p JOIN meetings mt ON mt.id = p.meeting_id
		WHERE p.queue_id = $1 AND mt.cancelled_at IS NULL AND mt.starts_at >= $2 AND mt.starts_at < $3`, demo.ID("unit/fk/karlstad"), win.From, win.To),
		"ph.fk sees the office's queue (those under its purpose and a samtycke in force)")
}

// checkOfficesOnly takes the offices away from d's FK and AF functions
// and queues, as a data set loaded before they existed has none, and
// moves them back with OfficesOnly (hub seed national --offices-only):
// the rows come back as the load wrote them.
func checkOfficesOnly(t *testing.T, d *pgtest.DB) {
	ctx := context.Background()
	fk, af := demo.ID("org/fk"), demo.ID("org/af")
	agencies := []uuid.UUID{fk, af}
	fingerprint := func() []string {
		var out []string
		for _, sql := range []string{
			`SELECT md5(string_agg((id, unit_id)::text, ',' ORDER BY id)) FROM directory_entries`,
			`SELECT md5(string_agg((id, sender_unit_id, recipient_unit_id)::text, ',' ORDER BY id)) FROM tasks`,
			`SELECT md5(string_agg((task_id, seq, actor_unit_id)::text, ',' ORDER BY task_id, seq)) FROM task_events`,
			`SELECT md5(string_agg((meeting_id, org_id, unit_id)::text, ',' ORDER BY meeting_id, org_id)) FROM meeting_parties`,
			`SELECT md5(string_agg((plan_id, version, position, huvudman_unit_id)::text, ',' ORDER BY plan_id, version, position)) FROM sip_plan_insatser`,
		} {
			var s string
			require.NoError(t, d.Pool.QueryRow(ctx, sql).Scan(&s))
			out = append(out, s)
		}
		return out
	}
	loaded := fingerprint()
	// As before the offices: FK's and AF's functions in no unit, so every
	// task and kallelse to them organisation-wide, and AF's own
	// konsultationer and insatser in no unit.
	karlstad, hoglandet := demo.ID("unit/af/karlstad"), demo.ID("unit/af/hoglandet")
	demoCases := demo.TheScenario().CaseIDs() // written through the use cases: not moved
	for _, u := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE directory_entries SET unit_id = NULL WHERE org_id = ANY($1) AND reviewed_by = 'generator'`, []any{agencies}},
		{`UPDATE task_events e SET actor_unit_id = NULL FROM tasks t WHERE t.id = e.task_id AND e.actor_org_id = t.recipient_org_id AND t.recipient_org_id = ANY($1)
			AND (t.case_id IS NULL OR t.case_id <> ALL($2))`, []any{agencies, demoCases}},
		{`UPDATE task_events e SET actor_unit_id = NULL FROM tasks t WHERE t.id = e.task_id AND e.actor_org_id = t.sender_org_id AND t.sender_org_id = $1 AND t.individual_id IS NULL`, []any{af}},
		{`UPDATE tasks SET recipient_unit_id = NULL WHERE recipient_org_id = ANY($1) AND (case_id IS NULL OR case_id <> ALL($2))`, []any{agencies, demoCases}},
		{`UPDATE tasks SET sender_unit_id = NULL WHERE sender_org_id = $1 AND individual_id IS NULL`, []any{af}},
		{`UPDATE meeting_parties p SET unit_id = NULL FROM meetings m WHERE m.id = p.meeting_id AND p.org_id = ANY($1) AND p.task_id IS NOT NULL
			AND (m.case_id IS NULL OR m.case_id <> ALL($2))`, []any{agencies, demoCases}},
		{`UPDATE sip_plan_insatser SET huvudman_unit_id = NULL WHERE huvudman_org_id = $1 AND huvudman_unit_id <> ALL($2)`, []any{af, []uuid.UUID{karlstad, hoglandet}}},
	} {
		_, err := d.Pool.Exec(ctx, u.sql, u.args...)
		require.NoError(t, err, u.sql)
	}
	require.NotEqual(t, loaded, fingerprint())
	opts := smallNational
	opts.OfficesOnly = true
	require.NoError(t, Load(ctx, d.Pool, opts))
	require.Equal(t, loaded, fingerprint())
}
