-- The SQL of the demo data set: what the seed (internal/app/seed) asks
-- before it writes the scenario, so that loading twice writes nothing
-- twice. Loaded by queries.go (see internal/platform/sqlfile). Runs as the
-- owner.

-- name: present
-- Which of the ids $1 are already people, cases, samtycken, case items,
-- steps of a case's history, routines, tasks, steps of a task's history,
-- meetings, plans or repayments.
SELECT id FROM individuals WHERE id = ANY($1)
UNION ALL SELECT id FROM cases WHERE id = ANY($1)
UNION ALL SELECT id FROM consents WHERE id = ANY($1)
UNION ALL SELECT id FROM case_items WHERE id = ANY($1)
UNION ALL SELECT id FROM case_transitions WHERE id = ANY($1)
UNION ALL SELECT id FROM routines WHERE id = ANY($1)
UNION ALL SELECT id FROM tasks WHERE id = ANY($1)
UNION ALL SELECT id FROM task_events WHERE id = ANY($1)
UNION ALL SELECT id FROM meetings WHERE id = ANY($1)
UNION ALL SELECT id FROM sip_plans WHERE id = ANY($1)
UNION ALL SELECT id FROM case_repayments WHERE id = ANY($1)

-- name: screened
-- Which of the cases $1 are screened.
SELECT case_id FROM case_screenings WHERE case_id = ANY($1)

-- name: participants
-- The organisations already taking part in the case $1.
SELECT participant_org_id FROM case_participants WHERE case_id = $1

-- name: attended
-- Which of the meetings $1 have the person's attendance recorded.
SELECT id FROM meetings WHERE id = ANY($1) AND person_attendance <> 'KALLAD'

-- name: agreed
-- Which of the plans $1 have the person's agreement to a version.
SELECT DISTINCT plan_id FROM sip_plan_agreements WHERE plan_id = ANY($1)

-- name: received
-- The items of the checklist of the case $1 that are received.
SELECT kind FROM case_evidence WHERE case_id = $1 AND status = 'RECEIVED'

-- name: meeting_starts
-- When the meeting $1 starts.
SELECT starts_at FROM meetings WHERE id = $1

-- name: unit_exists
-- Whether the unit $1 exists (the national data set's FK Stockholm office:
-- NationalLoaded).
SELECT EXISTS (SELECT 1 FROM units WHERE id = $1)
