-- The SQL of the routine package: the routines (versions of a förbund's
-- routine, and the templates shipped with the hub). Loaded by queries.go.

-- name: routine_columns
-- A Routine, from routines r.
r.id, r.federation_id, r.key, r.name, r.version, r.definition, r.created_at, r.created_by,
r.id = hub_current_routine(r.federation_id) AS current

-- name: routines_by_id
-- The routines among the ids $1.
SELECT {{routine_columns}}
FROM routines r WHERE r.id = ANY($1)

-- name: current_routine
-- The version new cases of the förbund $1 start on.
SELECT {{routine_columns}}
FROM routines r WHERE r.id = hub_current_routine($1)

-- name: current_routines
-- The version new cases start on, per förbund among $1.
SELECT f.id AS federation_key, {{routine_columns}}
FROM unnest($1::uuid[]) AS f(id)
JOIN routines r ON r.id = hub_current_routine(f.id)

-- name: routines_of_federation
-- Every version of the förbund $1's own routine, the latest first.
SELECT {{routine_columns}}
FROM routines r WHERE r.federation_id = $1
ORDER BY r.version DESC

-- name: templates
-- The latest version of each routine shipped with the hub, by key.
SELECT DISTINCT ON (r.key) {{routine_columns}}
FROM routines r WHERE r.federation_id IS NULL
ORDER BY r.key, r.version DESC

-- name: insert_version
-- Saves the next version of the förbund $2's routine: $1 id, $3 key (the
-- template it follows), $4 name, $5 definition, $6 author. The förbund's
-- organisation owns it (row-level security checks that it is the
-- actor's). Returns no row if the förbund does not exist.
INSERT INTO routines (id, org_id, federation_id, key, name, version, definition, created_at, created_by)
SELECT $1, f.org_id, f.id, $3, $4,
       coalesce((SELECT max(r.version) FROM routines r WHERE r.federation_id = f.id), 0) + 1,
       $5, hub_now(), $6
FROM federations f WHERE f.id = $2
RETURNING id
