package national

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

// checkCasefiles checks the generated plans, meetings and checklists in d
// (the demo's own, written through the use cases, are left out).
func checkCasefiles(t *testing.T, d *pgtest.DB) {
	// The demo's own plans, meetings and checklists (its story's, written
	// through the use cases on the real clock) are left out by CTEs of the
	// tables' names.
	var ids []string
	for _, id := range demo.TheScenario().CaseIDs() {
		ids = append(ids, id.String())
	}
	demoCaseList := `'{` + strings.Join(ids, ",") + `}'::uuid[]`
	count := counter(t, d, `WITH sip_plans AS (SELECT * FROM public.sip_plans WHERE case_id <> ALL (`+demoCaseList+`)),
		sip_plan_versions AS (SELECT v.* FROM public.sip_plan_versions v JOIN sip_plans p ON p.id = v.plan_id),
		sip_plan_insatser AS (SELECT i.* FROM public.sip_plan_insatser i JOIN sip_plans p ON p.id = i.plan_id),
		sip_plan_agreements AS (SELECT a.* FROM public.sip_plan_agreements a JOIN sip_plans p ON p.id = a.plan_id),
		meetings AS (SELECT * FROM public.meetings WHERE case_id IS NULL OR case_id <> ALL (`+demoCaseList+`)),
		meeting_parties AS (SELECT p.* FROM public.meeting_parties p JOIN meetings m ON m.id = p.meeting_id),
		case_evidence AS (SELECT * FROM public.case_evidence WHERE case_id <> ALL (`+demoCaseList+`)) `)
	today := smallNational.TasksToday
	demoCases := demo.TheScenario().CaseIDs()
	// dayStart is the moment the day began in Sweden.
	const dayStart = `($1::date::timestamp AT TIME ZONE 'CET')`
	t.Logf("plans %d, versions %d, insatser %d, agreements %d; meetings %d (coming %d), parties %d; evidence items %d",
		count(`SELECT count(*) FROM sip_plans`), count(`SELECT count(*) FROM sip_plan_versions`), count(`SELECT count(*) FROM sip_plan_insatser`),
		count(`SELECT count(*) FROM sip_plan_agreements`), count(`SELECT count(*) FROM meetings`),
		count(`SELECT count(*) FROM meetings WHERE starts_at > $1 AND cancelled_at IS NULL`, today),
		count(`SELECT count(*) FROM meeting_parties`), count(`SELECT count(*) FROM case_evidence`))

	t.Run("plans: a plan per case at most, its versions in order, each written while a samtycke for SIP named its parties", func(t *testing.T) {
		plans := count(`SELECT count(*) FROM sip_plans WHERE case_id <> ALL($1)`, demoCases)
		require.InDelta(t, 0.12, float64(plans)/float64(smallNational.Casefiles), 0.08, "plans: %d", plans)
		require.Equal(t, 2, count(`SELECT count(DISTINCT kind) FROM sip_plans WHERE case_id <> ALL($1)`, demoCases), "SIP and SAMSIP")
		require.Zero(t, count(`SELECT count(*) FROM sip_plans p LEFT JOIN cases c ON c.id = p.case_id
			WHERE c.id IS NULL OR c.org_id <> p.org_id OR c.individual_id <> p.individual_id OR p.created_at <= c.opened_at`))
		require.Zero(t, count(`SELECT count(*) FROM sip_plans p WHERE p.case_id <> ALL($1) AND (p.current_version NOT BETWEEN 1 AND 4
			OR p.current_version <> (SELECT count(*) FROM sip_plan_versions v WHERE v.plan_id = p.id)
			OR p.current_version <> (SELECT max(version) FROM sip_plan_versions v WHERE v.plan_id = p.id)
			OR p.created_at <> (SELECT authored_at FROM sip_plan_versions v WHERE v.plan_id = p.id AND v.version = 1))`, demoCases))
		require.Greater(t, count(`SELECT count(*) FROM sip_plans WHERE current_version > 1`), 0, "revised plans")
		require.Zero(t, count(`SELECT count(*) FROM (SELECT v.*, lag(v.authored_at) OVER (PARTITION BY v.plan_id ORDER BY v.version) AS prev
			FROM sip_plan_versions v JOIN sip_plans p ON p.id = v.plan_id) x
			WHERE x.authored_at <= x.prev OR x.authored_at >= `+dayStart, today))
		require.Zero(t, count(`SELECT count(*) FROM sip_plan_versions v WHERE v.plan_id NOT IN (SELECT id FROM sip_plans WHERE case_id = ANY($1))
			AND (SELECT count(*) FROM sip_plan_insatser i WHERE i.plan_id = v.plan_id AND i.version = v.version) NOT BETWEEN 2 AND 4`, demoCases),
			"2–4 insatser")
		require.Zero(t, count(`SELECT count(*) FROM sip_plan_insatser i JOIN sip_plans p ON p.id = i.plan_id JOIN organizations o ON o.id = i.huvudman_org_id
			WHERE NOT i.class = ANY (hub_org_classes(i.huvudman_org_id)) OR i.org_id <> p.org_id OR i.individual_id <> p.individual_id
			   OR (p.kind = 'SIP' AND o.kind NOT IN ('KOMMUN', 'REGION'))`), "the huvudman's own class; a SIP's huvudmän are kommun and region")
		require.Zero(t, count(`SELECT count(*) FROM sip_plan_insatser i JOIN sip_plan_versions v ON v.plan_id = i.plan_id AND v.version = i.version
			WHERE i.huvudman_org_id <> i.org_id AND v.plan_id NOT IN (SELECT id FROM sip_plans WHERE case_id = ANY($1)) AND NOT EXISTS (
				SELECT 1 FROM consent_grants g JOIN consents c ON c.id = g.consent_id
				WHERE g.individual_id = i.individual_id AND g.kind = 'OSL_SEKRETESSBRYTANDE' AND 'SIP' = ANY (g.purposes)
				  AND g.grantee_org_id = i.huvudman_org_id AND (g.grantee_unit_id IS NULL OR g.grantee_unit_id = i.huvudman_unit_id)
				  AND g.valid_from <= (v.authored_at AT TIME ZONE 'CET')::date AND (v.authored_at AT TIME ZONE 'CET')::date <= g.valid_until
				  AND c.registered_at < v.authored_at AND (g.revoked_at IS NULL OR g.revoked_at > v.authored_at))`, demoCases),
			"every party was named by a samtycke for SIP in force when the version was written")
		require.Equal(t, 4, count(`SELECT count(DISTINCT status) FROM sip_plan_insatser`))
		require.Zero(t, count(`SELECT count(*) FROM sip_plan_agreements a JOIN sip_plan_versions v USING (plan_id, version)
			WHERE a.recorded_at <= v.authored_at OR a.recorded_at >= `+dayStart+` OR a.org_id <> v.org_id`, today))
		require.Greater(t, count(`SELECT count(*) FROM sip_plan_agreements WHERE how = 'ORAL'`), 0)
	})

	t.Run("meetings: every kind, past and coming, their parties invited by a kallelse each", func(t *testing.T) {
		require.Equal(t, 5, count(`SELECT count(DISTINCT kind) FROM meetings`))
		require.Greater(t, count(`SELECT count(*) FROM meetings WHERE starts_at > $1 AND cancelled_at IS NULL`, today), 20, "coming")
		require.Greater(t, count(`SELECT count(*) FROM meetings WHERE starts_at < $1`, today), 20, "past")
		require.Positive(t, count(`SELECT count(*) FROM meetings WHERE cancelled_at IS NOT NULL`))
		require.Zero(t, count(`SELECT count(*) FROM meetings WHERE starts_at > $1::date + 91 OR starts_at < $1::date - 366 OR created_at >= `+dayStart+`
			OR created_at >= starts_at OR updated_at < created_at OR updated_at >= `+dayStart, today))
		require.Zero(t, count(`SELECT count(*) FROM meetings m JOIN cases c ON c.id = m.case_id
			WHERE c.individual_id <> m.individual_id OR c.org_id <> m.case_org_id OR m.created_at <= c.opened_at`))
		require.Zero(t, count(`SELECT count(*) FROM meetings m WHERE m.id NOT IN (SELECT id FROM meetings WHERE case_id = ANY($1))
			AND ((SELECT array_agg(x ORDER BY x) FROM unnest(m.party_org_ids) x) <> (SELECT array_agg(p.org_id ORDER BY p.org_id) FROM meeting_parties p WHERE p.meeting_id = m.id)
			   OR m.party_org_ids[1] <> m.org_id
			   OR 1 <> (SELECT count(*) FROM meeting_parties p WHERE p.meeting_id = m.id AND p.caller AND p.org_id = m.org_id
			            AND p.unit_id IS NOT DISTINCT FROM m.unit_id)
			   OR (SELECT count(*) FROM meeting_parties p WHERE p.meeting_id = m.id) NOT BETWEEN 2 AND 4)`, demoCases),
			"the caller first, then the invited")
		require.Zero(t, count(`SELECT count(*) FROM meeting_parties p JOIN meetings m ON m.id = p.meeting_id LEFT JOIN tasks t ON t.id = p.task_id
			WHERE p.starts_at <> m.starts_at OR (NOT p.caller AND (t.id IS NULL OR t.recipient_org_id <> p.org_id
			   OR t.recipient_unit_id IS DISTINCT FROM p.unit_id OR t.sender_org_id <> m.org_id OR t.sender_unit_id IS DISTINCT FROM m.unit_id
			   OR t.case_id IS DISTINCT FROM m.case_id OR t.purpose <> m.purpose OR t.created_at <> m.created_at
			   OR t.due_on <> (m.starts_at AT TIME ZONE 'CET')::date
			   OR t.kind::text <> CASE WHEN m.case_id IS NULL THEN 'KONSULTATION' ELSE 'KALLELSE_SIP' END
			   OR (m.cancelled_at IS NOT NULL) <> (t.state = 'AVBRUTEN')))`), "each invited party's kallelse went to it")
		require.Zero(t, count(`SELECT count(*) FROM meetings m JOIN meeting_parties p ON p.meeting_id = m.id
			WHERE (m.starts_at > $1 OR m.cancelled_at IS NOT NULL) AND (p.attendance <> 'KALLAD' OR m.person_attendance IS DISTINCT FROM
			   CASE WHEN m.case_id IS NULL THEN NULL ELSE 'KALLAD'::meeting_attendance END)`, today), "nothing recorded before a meeting")
		require.Zero(t, count(`SELECT count(*) FROM meeting_parties p JOIN meetings m ON m.id = p.meeting_id
			WHERE p.meeting_org_id <> m.org_id OR p.case_org_id IS DISTINCT FROM m.case_org_id OR p.party_org_ids <> m.party_org_ids
			   OR p.purpose <> m.purpose OR p.individual_id IS DISTINCT FROM m.individual_id OR p.cancelled_at IS DISTINCT FROM m.cancelled_at
			   OR p.queue_id <> coalesce(p.unit_id, p.org_id)
			   OR p.shown_under <> CASE WHEN p.org_id = m.case_org_id OR m.case_id IS NULL THEN 0 ELSE hub_purpose_code(m.purpose) END`),
			"a party row repeats its meeting's rule inputs (migration 040)")
		require.Equal(t, 4, count(`SELECT count(DISTINCT attendance) FROM meeting_parties`))
		require.Equal(t, 3, count(`SELECT count(DISTINCT person_attendance) FROM meetings WHERE starts_at < $1 AND cancelled_at IS NULL`, today))
		require.Positive(t, count(`SELECT count(*) FROM meeting_parties p JOIN meetings m ON m.id = p.meeting_id
			WHERE p.org_id = $1 AND p.unit_id = $3 AND m.starts_at > $2`, demo.ID("org/fk"), today, nationalFKOffice("01")), "FK Stockholm's queue has coming meetings")
		require.Positive(t, count(`SELECT count(*) FROM meetings m JOIN organizations o ON o.id = m.org_id WHERE o.kind = 'FK'`), "FK calls avstämningar")
	})

	t.Run("evidence: items in every status, of the case's municipality, recorded after the case opened", func(t *testing.T) {
		require.Equal(t, 3, count(`SELECT count(DISTINCT status) FROM case_evidence WHERE case_id <> ALL($1)`, demoCases))
		require.Equal(t, 4, count(`SELECT count(DISTINCT kind) FROM case_evidence WHERE case_id <> ALL($1)`, demoCases))
		require.Zero(t, count(`SELECT count(*) FROM case_evidence e JOIN cases c ON c.id = e.case_id
			WHERE e.case_id <> ALL($2) AND (e.org_id <> c.org_id OR e.individual_id <> c.individual_id OR e.updated_at <= c.opened_at
			   OR e.updated_at >= `+dayStart+` OR e.received_on > $1 OR e.requested_at > e.updated_at
			   OR e.class::text <> CASE e.kind WHEN 'LAKARUTLATANDE' THEN 'VARD_MEDICINSKT_UNDERLAG' WHEN 'AF_REHABILITERING' THEN 'AF_INSATSER'
			                         WHEN 'SJUKSKRIVNINGSHISTORIK' THEN 'VARD_SJUKSKRIVNING' ELSE 'KOMMUN_PLANERING' END)`, today, demoCases))
	})
}
