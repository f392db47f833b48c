-- The SQL that loads the directory into a replica's memory (resident.go).
-- The shared part is read with no organisation set, so row-level security
-- shows it only what every organisation may see (PUBLIC and FEDERATION
-- rows); each statement says so again in its WHERE, the first line of the
-- rule. An organisation's own ORGANISATION rows are read later, in a
-- transaction of that organisation (its overlay). {{entry_columns}} is
-- directory.EntryColumns.

-- name: version
-- The directory's version (a global table, not tenant data).
SELECT version FROM directory_version

-- name: shared_entries
-- Every live entry that is not internal to its organisation.
SELECT {{entry_columns}} FROM directory_entries e
WHERE e.archived_at IS NULL AND e.visibility <> 'ORGANISATION'

-- name: shared_channels
-- Every channel that is not internal to its organisation, in each entry's
-- order.
SELECT c.id, c.org_id, c.entry_id, c.position, c.kind, c.value, c.note, c.opening_hours, c.visibility
FROM directory_channels c
WHERE c.visibility <> 'ORGANISATION'
ORDER BY c.entry_id, c.position, c.id

-- name: shared_ways
-- The ranking of every way in that is not internal to its organisation,
-- each key's ways in answer order (the index directory_ways_answer, read
-- alone).
SELECT w.key, w.entry_id, w.org_id, w.org_kind, w.visibility, w.level
FROM directory_ways w
WHERE w.visibility <> 'ORGANISATION'
ORDER BY w.key, w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id

-- name: organizations
SELECT o.id, o.kind, o.name, o.org_number, o.created_at FROM organizations o

-- name: units
SELECT u.id, u.org_id, u.parent_id, u.kind, u.name FROM units u

-- name: municipalities
SELECT m.code FROM municipalities m

-- name: federations
SELECT f.id, f.org_id FROM federations f

-- name: memberships
SELECT fm.federation_id, fm.member_org_id, fm.valid_from, fm.valid_to FROM federation_memberships fm

-- name: own_entries
-- The live entries internal to organisation $1.
SELECT {{entry_columns}} FROM directory_entries e
WHERE e.org_id = $1 AND e.archived_at IS NULL AND e.visibility = 'ORGANISATION'

-- name: own_channels
-- The channels internal to organisation $1, in each entry's order.
SELECT c.id, c.org_id, c.entry_id, c.position, c.kind, c.value, c.note, c.opening_hours, c.visibility
FROM directory_channels c
WHERE c.org_id = $1 AND c.visibility = 'ORGANISATION'
ORDER BY c.entry_id, c.position, c.id

-- name: own_ways
-- The ways in of organisation $1's internal entries, each key's in answer
-- order, each with the number of shared ways of its key that rank before
-- it (where it goes in the shared list). The comparison is the answer's
-- ORDER BY, in the database's collation, so the merge in memory puts it
-- exactly where the SQL answer would.
SELECT w.key, w.entry_id, w.org_id, w.org_kind, w.visibility, w.level,
	(SELECT count(*) FROM directory_ways b
	 WHERE b.key = w.key AND b.visibility <> 'ORGANISATION'
	   AND (b.level, b.lead_rank, b.breadth, b.function_name, b.entry_id)
	     < (w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id))::int AS shared_before
FROM directory_ways w
WHERE w.org_id = $1 AND w.visibility = 'ORGANISATION'
ORDER BY w.key, w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id
