-- The SQL of the directory's CSV import and export. {{entry_columns}} is
-- the directory package's column list of an Entry (directory.EntryColumns),
-- filled in by queries.go (see internal/platform/sqlfile).

-- Export.

-- name: live_entries
-- The live entries of organisation $1 (of every organisation when NULL),
-- whatever their visibility, by organisation name and function name.
SELECT {{entry_columns}}
FROM directory_entries e
JOIN organizations o ON o.id = e.org_id
WHERE e.archived_at IS NULL AND ($1::uuid IS NULL OR e.org_id = $1)
ORDER BY o.name, e.org_id, e.function_name, e.id

-- name: live_channels
-- Every channel of those entries, in order.
SELECT c.id, c.entry_id, c.kind, c.value, c.note, c.opening_hours, c.visibility
FROM directory_channels c
JOIN directory_entries e ON e.id = c.entry_id
WHERE e.archived_at IS NULL AND ($1::uuid IS NULL OR e.org_id = $1)
ORDER BY c.entry_id, c.position, c.id

-- name: units
-- The units of organisation $1 (of every organisation when NULL), with the
-- municipalities each serves.
SELECT u.id, u.org_id, u.name,
	coalesce(array_agg(um.municipality_code::text ORDER BY um.municipality_code)
		FILTER (WHERE um.municipality_code IS NOT NULL), '{}') AS codes
FROM units u LEFT JOIN unit_municipalities um ON um.unit_id = u.id
WHERE $1::uuid IS NULL OR u.org_id = $1
GROUP BY u.id

-- Import.

-- name: placeholder_entry
-- A placeholder row for the new entry $1 of organisation $2 named $3
-- (reviewed at $4 by $5), so that entries of one file can name each other
-- as fallback in any order; Save then fills it in.
INSERT INTO directory_entries (id, org_id, function_name, topics, national, visibility, reviewed_at, reviewed_by)
VALUES ($1, $2, $3, '{SAMORDNAD_REHABILITERING}', true, 'ORGANISATION', $4, $5) ON CONFLICT (id) DO NOTHING
