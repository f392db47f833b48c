-- The SQL of the demo data set: what the seed (internal/app/seed) asks
-- before it writes the scenario, so that loading twice writes nothing
-- twice. Loaded by queries.go (see internal/platform/sqlfile). Runs as the
-- owner.

-- name: present
-- Which of the ids $1 are already people, cases, samtycken, case items,
-- steps of a case's history or routines.
SELECT id FROM individuals WHERE id = ANY($1)
UNION ALL SELECT id FROM cases WHERE id = ANY($1)
UNION ALL SELECT id FROM consents WHERE id = ANY($1)
UNION ALL SELECT id FROM case_items WHERE id = ANY($1)
UNION ALL SELECT id FROM case_transitions WHERE id = ANY($1)
UNION ALL SELECT id FROM routines WHERE id = ANY($1)

-- name: screened
-- Which of the cases $1 are screened.
SELECT case_id FROM case_screenings WHERE case_id = ANY($1)

-- name: participants
-- The organisations already taking part in the case $1.
SELECT participant_org_id FROM case_participants WHERE case_id = $1
