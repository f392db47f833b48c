-- The SQL of samverkansärenden: cases, their parties and their items. Who
-- may see what is the consent package's rule, which the Go code renders
-- into the holes {{visible}}, {{allowing_consent}} and {{<fact>_visible}}
-- (queries.go); {{hole}} is otherwise a fragment of this file. Loaded by
-- queries.go (see internal/platform/sqlfile).

-- Cases.

-- name: case_columns
-- A Case, from cases c. The target group facts are the municipality's
-- information: each is shown when {{<fact>_visible}}, the rule for its
-- class (FactClasses: owned by the viewer's organisation, or shared by a
-- samtycke in force), else NULL. {{allowing_consent}} is the samtycke that
-- lets the viewer see a case of another organisation (NULL for the own).
c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name,
	CASE WHEN {{sgi_visible}} THEN c.sgi END AS sgi,
	CASE WHEN {{on_forsorjningsstod_visible}} THEN c.on_forsorjningsstod END AS on_forsorjningsstod,
	CASE WHEN {{health_obstacle_visible}} THEN c.health_obstacle END AS health_obstacle,
	CASE WHEN {{care_contact_visible}} THEN c.care_contact END AS care_contact,
	CASE WHEN {{af_status_visible}} THEN c.af_status END AS af_status,
	c.routine_id, c.state, c.opened_at, c.opened_by, {{allowing_consent}} AS consent_id

-- name: cases_by_id
-- The cases among the ids $1 that the viewer may see ({{visible}}).
SELECT {{case_columns}}
FROM cases c WHERE {{visible}} AND c.id = ANY($1)

-- name: cases_of_individuals
-- The cases of the people $1 that the viewer may see, newest first.
SELECT {{case_columns}}
FROM cases c WHERE {{visible}} AND c.individual_id = ANY($1)
ORDER BY c.opened_at DESC, c.id DESC

-- name: list_cases
-- One page of the cases the viewer may see, newest first. {{filter}} is
-- the conditions of the filter and the cursor, each " AND …", or nothing
-- (Filter.where, List): their parameter numbers depend on the filter.
-- {{limit}} is the number of rows to read, written into the statement, not
-- bound: a first page then has no parameters, and Postgres plans it once
-- per connection (readLimit).
SELECT {{case_columns}}
FROM cases c WHERE {{visible}}{{filter}}
ORDER BY c.opened_at DESC, c.id DESC LIMIT {{limit}}

-- name: count_cases
-- The cases the viewer may see, narrowed by {{filter}} (as list_cases'),
-- as rows to count (Count bounds the count: page.BoundedCount).
SELECT 1 FROM cases c WHERE {{visible}}{{filter}}

-- name: open_case
-- Opens the case $1 of the own organisation's person $2, owned by the unit
-- $3 and led by the unit $5 (both the own organisation's), following the
-- federation $4 (the organisation a member today): lead user $6 and name
-- $7, SGI $8, försörjningsstöd $9, health obstacle $10, care contact $11,
-- AF status $12, opened by $13 at the request's time. Answers the code of
-- the first check that failed (problems in cases.go), or '' when opened.
WITH checks AS (
	SELECT
		(SELECT count(*) FROM individuals i WHERE i.id = $2 AND i.org_id = hub_current_org()) = 1 AS individual_ok,
		(SELECT count(*) FROM units u WHERE u.id = $3 AND u.org_id = hub_current_org()) = 1 AS unit_ok,
		(SELECT count(*) FROM units u WHERE u.id = $5 AND u.org_id = hub_current_org()) = 1 AS lead_ok,
		EXISTS (SELECT 1 FROM federation_memberships m WHERE m.federation_id = $4 AND m.member_org_id = hub_current_org()
			AND m.valid_from <= hub_today() AND (m.valid_to IS NULL OR m.valid_to > hub_today())) AS member_ok
), ins AS (
	INSERT INTO cases (id, org_id, unit_id, individual_id, federation_id, lead_unit_id, lead_user_id, lead_name,
		sgi, on_forsorjningsstod, health_obstacle, care_contact, af_status, opened_at, opened_by)
	SELECT $1, hub_current_org(), $3, $2, $4, $5, $6, $7, $8, $9, $10, $11, $12, hub_now(), $13
	FROM checks WHERE individual_ok AND unit_ok AND lead_ok AND member_ok
	RETURNING id
)
SELECT CASE
	WHEN NOT individual_ok THEN 'individual_not_own'
	WHEN NOT unit_ok THEN 'unit_not_own'
	WHEN NOT lead_ok THEN 'lead_unit_not_own'
	WHEN NOT member_ok THEN 'not_federation_member'
	ELSE '' END
FROM checks

-- Parties.

-- name: add_participant
-- Adds the organisation $2 (its unit $3, or NULL) as a party to the own
-- organisation's case $1, added by $4 at the request's time. Answers the
-- code of the first check that failed (problems in cases.go), or '' when
-- added.
WITH c AS (
	SELECT c.id, c.org_id, c.individual_id FROM cases c WHERE c.id = $1 AND c.org_id = hub_current_org()
), checks AS (
	SELECT (SELECT count(*) FROM c) = 1 AS case_ok,
		EXISTS (SELECT 1 FROM organizations o WHERE o.id = $2) AS org_ok,
		($3::uuid IS NULL OR EXISTS (SELECT 1 FROM units u WHERE u.id = $3 AND u.org_id = $2)) AS unit_ok
), ins AS (
	INSERT INTO case_participants (case_id, org_id, individual_id, participant_org_id, participant_unit_id, added_at, added_by)
	SELECT c.id, c.org_id, c.individual_id, $2, $3, hub_now(), $4 FROM c, checks WHERE org_ok AND unit_ok
	ON CONFLICT DO NOTHING
	RETURNING 1
)
SELECT CASE WHEN NOT case_ok THEN 'case_not_own' WHEN NOT org_ok THEN 'org_unknown' WHEN NOT unit_ok THEN 'unit_not_of_org'
	WHEN NOT EXISTS (SELECT 1 FROM ins) THEN 'already_participant' ELSE '' END FROM checks

-- name: participants_of_cases
-- The parties of the cases $1, when the viewer may see who takes part
-- ({{visible}}: the rule for ParticipantsClass).
SELECT p.case_id, p.participant_org_id, p.participant_unit_id, p.added_at
FROM case_participants p WHERE p.case_id = ANY($1)
  AND {{visible}}
ORDER BY p.case_id, p.added_at, p.participant_org_id

-- Items.

-- name: item_columns
-- An Item, from case_items it; {{allowing_consent}} is the samtycke that
-- lets the viewer see an item another organisation wrote (NULL for the
-- own).
it.id, it.case_id, it.org_id, it.class, it.purpose, it.summary, it.recorded_at, it.recorded_by, it.individual_id, it.case_org_id,
	{{allowing_consent}} AS consent_id

-- name: record_item
-- Records the item $1 of the own organisation in the case $2 of the person
-- $3 owned by $4: class $5, purpose $6, summary $7, recorded by $8 at the
-- request's time, which it answers. Row security refuses it (42501) when
-- the case is not the organisation's and no samtycke shares it.
INSERT INTO case_items (id, case_id, individual_id, case_org_id, org_id, class, purpose, summary, recorded_at, recorded_by)
VALUES ($1, $2, $3, $4, hub_current_org(), $5, $6, $7, hub_now(), $8) RETURNING recorded_at

-- name: items_of_cases
-- The items of the cases $1 that the viewer may see ({{visible}}), of the
-- classes $2 (any when empty), in the order they were recorded.
SELECT {{item_columns}}
FROM case_items it
WHERE it.case_id = ANY($1) AND (cardinality($2::text[]) = 0 OR it.class::text = ANY ($2))
  AND {{visible}}
ORDER BY it.case_id, it.recorded_at, it.id

-- name: items_by_id
-- The items among the ids $1 that the viewer may see ({{visible}}).
SELECT {{item_columns}}
FROM case_items it
WHERE it.id = ANY($1) AND {{visible}}

-- name: shared_classes
-- The information classes that a samtycke in force shares with the viewer
-- under the declared purpose, per person among $1.
SELECT DISTINCT g.individual_id, c::text
FROM consent_grants_in_force g, unnest(g.classes) c
WHERE g.individual_id = ANY($1) ORDER BY 1, 2

-- The case in its routine.

-- name: transition_columns
-- A Transition, from case_transitions t joined with its details' rule d
-- (transition_details). The step's details are the municipality's
-- planning: each is shown when d.shown, else NULL or empty.
-- {{allowing_consent}} is the samtycke that lets the viewer see another
-- organisation's case.
t.id, t.case_id, t.org_id, t.individual_id, t.routine_id, t.from_state, t.to_state, t.at, t.by_unit_id, t.by_user_id,
	d.shown AS details_visible,
	CASE WHEN d.shown THEN t.reason END AS reason,
	CASE WHEN d.shown THEN t.parties ELSE '[]' END AS parties,
	CASE WHEN d.shown THEN t.routes ELSE '{}' END AS routes,
	CASE WHEN d.shown THEN t.closure_reason END AS closure_reason,
	CASE WHEN d.shown THEN t.outcome END AS outcome,
	CASE WHEN d.shown THEN t.wait_what END AS wait_what,
	CASE WHEN d.shown THEN t.wait_until END AS wait_until,
	CASE WHEN d.shown THEN t.decision_forum END AS decision_forum,
	CASE WHEN d.shown THEN t.decided_on END AS decided_on,
	CASE WHEN d.shown THEN t.benefit_kind END AS benefit_kind,
	CASE WHEN d.shown THEN t.benefit_from END AS benefit_from,
	{{allowing_consent}} AS consent_id

-- name: transitions_of_cases
-- The history of the cases $1 that the viewer may see ({{visible}}: the
-- rule for the case core), in the order it happened. The rule for the
-- details ({{details_visible}}: KOMMUN_PLANERING's) runs once per step
-- (OFFSET 0 keeps the planner from copying it into each column).
SELECT {{transition_columns}}
FROM case_transitions t
CROSS JOIN LATERAL (SELECT {{details_visible}} AS shown OFFSET 0) d
WHERE t.case_id = ANY($1) AND {{visible}}
ORDER BY t.case_id, t.at, t.id

-- name: move_case
-- Moves the own organisation's case $1 from the state $2 of its routine
-- $3 to the state $4 and records the step $5: reason $6, parties $7,
-- routes $8, closure reason $9 and outcome $10, what is awaited $11 until
-- $12, the forum $13 that decided on $14, by the unit $15 and the user
-- $16, the benefit $17 granted from $18, at the request's time. Answers the step's id, or no row when the
-- case is no longer in $2 on $3 (it moved meanwhile).
WITH moved AS (
	UPDATE cases c SET state = $4
	WHERE c.id = $1 AND c.org_id = hub_current_org() AND c.state = $2 AND c.routine_id = $3
	RETURNING c.id, c.org_id, c.individual_id, c.routine_id
)
INSERT INTO case_transitions (id, case_id, org_id, individual_id, routine_id, from_state, to_state, reason, parties, routes,
	closure_reason, outcome, wait_what, wait_until, decision_forum, decided_on, at, by_unit_id, by_user_id, benefit_kind, benefit_from)
SELECT $5, m.id, m.org_id, m.individual_id, m.routine_id, $2, $4, $6, $7, $8, $9, $10, $11, $12, $13, $14, hub_now(), $15, $16, $17, $18
FROM moved m
RETURNING id

-- name: move_case_to_routine
-- Moves the own organisation's case $1, in the state $2 of the routine
-- $3, to the state $5 of the routine $4 and records it as the step $6 with
-- the reason $7, by the unit $8 and the user $9 at the request's time. No
-- row when the case is no longer in $2 on $3.
WITH moved AS (
	UPDATE cases c SET routine_id = $4, state = $5
	WHERE c.id = $1 AND c.org_id = hub_current_org() AND c.state = $2 AND c.routine_id = $3
	RETURNING c.id, c.org_id, c.individual_id
)
INSERT INTO case_transitions (id, case_id, org_id, individual_id, routine_id, from_state, to_state, reason, at, by_unit_id, by_user_id)
SELECT $6, m.id, m.org_id, m.individual_id, $4, $2, $5, $7, hub_now(), $8, $9
FROM moved m
RETURNING id

-- name: screening_columns
-- A Screening, from case_screenings s; {{allowing_consent}} is the
-- samtycke that lets the viewer see another organisation's.
s.case_id, s.org_id, s.individual_id, s.routine_id, s.answers, s.eligible, s.failed, s.screened_at, s.screened_by, s.cohort_id,
	{{allowing_consent}} AS consent_id

-- name: screenings_of_cases
-- The screenings of the cases $1 that the viewer may see ({{visible}}:
-- the rule for KOMMUN_EKONOMISKT_BISTAND, whose assessment it is).
SELECT {{screening_columns}}
FROM case_screenings s
WHERE s.case_id = ANY($1) AND {{visible}}

-- name: record_screening
-- Records (or replaces) the screening of the own organisation's case $1
-- against its routine: answers $2, eligible $3, the criteria that kept the
-- person out $4, by $5 at the request's time, in the cohort $6 (or none).
-- No row: not the organisation's case.
INSERT INTO case_screenings (case_id, org_id, individual_id, routine_id, answers, eligible, failed, screened_at, screened_by, cohort_id)
SELECT c.id, c.org_id, c.individual_id, c.routine_id, $2, $3, $4, hub_now(), $5, $6
FROM cases c WHERE c.id = $1 AND c.org_id = hub_current_org()
ON CONFLICT (case_id) DO UPDATE SET routine_id = excluded.routine_id, answers = excluded.answers, eligible = excluded.eligible,
	failed = excluded.failed, screened_at = excluded.screened_at, screened_by = excluded.screened_by, cohort_id = excluded.cohort_id
RETURNING case_id

-- Screening cohorts.

-- name: cohort_columns
-- A Cohort, from screening_cohorts k.
k.id, k.org_id, k.federation_id, k.name, k.created_at, k.created_by

-- name: create_cohort
-- Creates the own organisation's cohort $1 in the förbund $2 (the
-- organisation a member today) named $3, by $4 at the request's time.
-- Answers 'cohort_not_federation_member', 'cohort_name_taken' or ''.
WITH checks AS (
	SELECT EXISTS (SELECT 1 FROM federation_memberships m WHERE m.federation_id = $2 AND m.member_org_id = hub_current_org()
			AND m.valid_from <= hub_today() AND (m.valid_to IS NULL OR m.valid_to > hub_today())) AS member_ok,
		NOT EXISTS (SELECT 1 FROM screening_cohorts k WHERE k.org_id = hub_current_org() AND k.name = $3) AS name_ok
), ins AS (
	INSERT INTO screening_cohorts (id, org_id, federation_id, name, created_at, created_by)
	SELECT $1, hub_current_org(), $2, $3, hub_now(), $4 FROM checks WHERE member_ok AND name_ok
	RETURNING id
)
SELECT CASE WHEN NOT member_ok THEN 'cohort_not_federation_member' WHEN NOT name_ok THEN 'cohort_name_taken' ELSE '' END FROM checks

-- name: cohorts_by_id
-- The own organisation's cohorts among the ids $1.
SELECT {{cohort_columns}} FROM screening_cohorts k WHERE k.id = ANY($1) AND k.org_id = hub_current_org()

-- name: cohorts_of_federation
-- The own organisation's cohorts in the förbund $1, newest first.
SELECT {{cohort_columns}} FROM screening_cohorts k
WHERE k.federation_id = $1 AND k.org_id = hub_current_org()
ORDER BY k.created_at DESC, k.id DESC

-- name: cohort_counts
-- Per cohort among $1 (the own organisation's): how many were screened
-- and how many are in the target group.
SELECT s.cohort_id, count(*)::int AS screened, (count(*) FILTER (WHERE s.eligible))::int AS eligible
FROM case_screenings s WHERE s.cohort_id = ANY($1) AND s.org_id = hub_current_org()
GROUP BY s.cohort_id

-- name: cohort_criterion_counts
-- Per cohort among $1 and criterion: how many answered yes, and how many
-- it kept out of the target group.
SELECT s.cohort_id, a.key, (count(*) FILTER (WHERE a.value = 'true'))::int AS yes,
	(count(*) FILTER (WHERE a.key = ANY (s.failed)))::int AS kept_out
FROM case_screenings s CROSS JOIN LATERAL jsonb_each_text(s.answers) a
WHERE s.cohort_id = ANY($1) AND s.org_id = hub_current_org()
GROUP BY s.cohort_id, a.key

-- name: open_case_in_federation
-- The own organisation's open case (not in a final state of its routine)
-- of the person $1 in the förbund $2, newest first, if any.
SELECT c.id FROM cases c JOIN routines r ON r.id = c.routine_id
WHERE c.individual_id = $1 AND c.federation_id = $2 AND c.org_id = hub_current_org()
	AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(r.definition -> 'states') st
		WHERE st ->> 'name' = c.state AND coalesce((st ->> 'final')::boolean, false))
ORDER BY c.opened_at DESC, c.id DESC LIMIT 1
