-- The SQL of the demo data set: what the seed (internal/app/seed) asks
-- before it writes the scenario, so that loading twice writes nothing
-- twice. Loaded by queries.go (see internal/platform/sqlfile). Runs as the
-- owner.

-- name: present
-- Which of the ids $1 are already people, cases, samtycken or case items.
SELECT id FROM individuals WHERE id = ANY($1)
UNION ALL SELECT id FROM cases WHERE id = ANY($1)
UNION ALL SELECT id FROM consents WHERE id = ANY($1)
UNION ALL SELECT id FROM case_items WHERE id = ANY($1)

-- name: participants
-- The organisations already taking part in the case $1.
SELECT participant_org_id FROM case_participants WHERE case_id = $1
