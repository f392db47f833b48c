-- The SQL of en väg in: directory entries and their channels, their ways in
-- (the precomputed ranking waysIn reads) and search terms, coverage, and
-- the directory's version. Loaded by queries.go; {{hole}} is a fragment of
-- this file or, where none is named so, a part the Go code fills (see
-- internal/platform/sqlfile). The fragments peers, visible and
-- entry_columns are also the Go values PeersCTE, Visible and EntryColumns,
-- which directory/search and directory/csv read entries with.

-- The visibility rule.

-- name: peers
-- A CTE naming, for the viewer organisation $1, the organisations whose
-- FEDERATION-visible entries it may see: fellow members of a förbund it is
-- a member of today, those förbund themselves, and (for a förbund) its own
-- members. The day is computed once per execution (peers_day): called
-- for every membership row of a generic plan, hub_today() (which reads
-- and checks the request's clock, hub_now()) cost waysIn a tenth of its
-- time, and even once per use (nine uncorrelated subqueries) 15 %.
peers_day AS MATERIALIZED (SELECT hub_today() AS d),
peers AS (
	SELECT y.member_org_id AS org_id
	FROM federation_memberships x
	JOIN federation_memberships y ON y.federation_id = x.federation_id
	WHERE x.member_org_id = $1
	  AND x.valid_from <= (SELECT d FROM peers_day) AND (x.valid_to IS NULL OR x.valid_to > (SELECT d FROM peers_day))
	  AND y.valid_from <= (SELECT d FROM peers_day) AND (y.valid_to IS NULL OR y.valid_to > (SELECT d FROM peers_day))
	UNION
	SELECT f.org_id FROM federations f
	JOIN federation_memberships x ON x.federation_id = f.id
	WHERE x.member_org_id = $1
	  AND x.valid_from <= (SELECT d FROM peers_day) AND (x.valid_to IS NULL OR x.valid_to > (SELECT d FROM peers_day))
	UNION
	SELECT y.member_org_id FROM federations f
	JOIN federation_memberships y ON y.federation_id = f.id
	WHERE f.org_id = $1
	  AND y.valid_from <= (SELECT d FROM peers_day) AND (y.valid_to IS NULL OR y.valid_to > (SELECT d FROM peers_day))
)

-- name: visible
-- The one visibility rule, over a row aliased {{alias}} with a visibility
-- and an org_id column: whether the viewer $1 may see it. It needs peers.
({{alias}}.visibility = 'PUBLIC' OR {{alias}}.org_id = $1
	OR ({{alias}}.visibility = 'FEDERATION' AND {{alias}}.org_id IN (SELECT org_id FROM peers)))

-- name: entry_columns
-- An Entry, from directory_entries e (read by name, or by position:
-- Entry.scanTargets follows this order).
e.id, e.org_id, e.unit_id, e.function_name, e.description, e.topics::text[] AS topics,
	e.lead_topics::text[] AS lead_topics,
	e.target_groups, e.municipality_codes::text[] AS municipality_codes, e.national, e.visibility,
	e.expected_answer, e.fallback_entry_id, e.staffed_by_roles, e.contact_persons, e.reviewed_at, e.reviewed_by

-- Reading entries.

-- name: ways_in
-- The first $5 live entries visible to the viewer $1 that handle the topic
-- $2 for the municipality $3, best match first (of the organisation kind
-- $4, unless NULL), read from the precomputed ranking in index order.
WITH {{peers}},
ranked AS (
	-- Entries naming the municipality or covering its county (levels 1, 2)…
	(SELECT w.* FROM directory_ways w
	 WHERE w.key = $2 || ':' || $3
	   AND ($4::organization_kind IS NULL OR w.org_kind = $4::organization_kind)
	   AND {{visible w}}
	 ORDER BY w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id
	 LIMIT $5)
	UNION ALL
	-- …then national ones (level 3), unless they name it too; none
	-- for a kommunkod that does not exist.
	(SELECT w.* FROM directory_ways w
	 WHERE w.key = $2 || ':*'
	   AND EXISTS (SELECT 1 FROM municipalities m WHERE m.code = $3)
	   AND ($4::organization_kind IS NULL OR w.org_kind = $4::organization_kind)
	   AND {{visible w}}
	   -- (OFFSET 0 keeps this a primary-key probe per row, for the
	   -- few rows read, instead of an anti-join over every local way.)
	   AND NOT EXISTS (SELECT 1 FROM directory_ways d WHERE d.key = $2 || ':' || $3 AND d.entry_id = w.entry_id OFFSET 0)
	 ORDER BY w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id
	 LIMIT $5)
)
SELECT {{entry_columns}},
	CASE w.level WHEN 1 THEN 'MUNICIPAL' WHEN 2 THEN 'REGIONAL' ELSE 'NATIONAL' END AS match_level
FROM ranked w
JOIN directory_entries e ON e.id = w.entry_id
WHERE e.archived_at IS NULL AND {{visible e}}
ORDER BY w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id
LIMIT $5

-- name: entries_by_id
-- The live entries among $2 that the viewer $1 may see.
WITH {{peers}}
SELECT {{entry_columns}} FROM directory_entries e
WHERE e.id = ANY($2) AND e.archived_at IS NULL AND {{visible e}}

-- name: channels_by_entry
-- The channels of the entries $2 that the viewer $1 may see, in order.
WITH {{peers}}
SELECT c.id, c.entry_id, c.kind, c.value, c.note, c.opening_hours, c.visibility
FROM unnest($2::uuid[]) AS wanted(id)
-- An index lookup per entry: under row-level security the planner
-- otherwise scans every channel.
CROSS JOIN LATERAL (SELECT * FROM directory_channels x WHERE x.entry_id = wanted.id OFFSET 0) c
WHERE {{visible c}}
ORDER BY c.entry_id, c.position, c.id

-- name: coverage
-- For every topic and every municipality whose kommun is a member of the
-- federation $2 today, the live entries visible to the viewer $1 that
-- cover it, those reviewed after $3, and those of them with a live
-- fallback.
WITH {{peers}},
munis AS (
	SELECT DISTINCT om.municipality_code AS code
	FROM federation_memberships fm
	JOIN organizations o ON o.id = fm.member_org_id AND o.kind = 'KOMMUN'
	JOIN organization_municipalities om ON om.org_id = o.id
	WHERE fm.federation_id = $2
	  AND fm.valid_from <= (SELECT d FROM peers_day) AND (fm.valid_to IS NULL OR fm.valid_to > (SELECT d FROM peers_day))
),
topics AS (SELECT unnest(enum_range(NULL::directory_topic)) AS topic)
SELECT t.topic::text AS topic, m.code::text AS code,
	count(e.id)::int AS entries,
	(count(e.id) FILTER (WHERE e.reviewed_at > $3))::int AS fresh,
	(count(e.id) FILTER (WHERE e.reviewed_at > $3 AND fb.id IS NOT NULL))::int AS fresh_with_fallback
FROM topics t CROSS JOIN munis m
LEFT JOIN directory_entries e ON e.archived_at IS NULL
	AND e.topics @> ARRAY[t.topic]
	AND (e.national OR e.municipality_codes @> ARRAY[m.code]::char(4)[])
	AND {{visible e}}
LEFT JOIN directory_entries fb ON fb.id = e.fallback_entry_id AND fb.archived_at IS NULL AND {{visible fb}}
GROUP BY t.topic, m.code
ORDER BY t.topic, m.code

-- Keeping entries.

-- name: live_entry_exists
-- Whether the entry $1 is a live entry of organisation $2.
SELECT EXISTS (SELECT 1 FROM directory_entries
	WHERE id = $1 AND org_id = $2 AND archived_at IS NULL)

-- name: unit_municipality_codes
-- The municipalities the unit $1 of organisation $2 serves (no row: no
-- such unit).
SELECT coalesce(array_agg(um.municipality_code::text ORDER BY um.municipality_code), '{}')
FROM units u LEFT JOIN unit_municipalities um ON um.unit_id = u.id
WHERE u.id = $1 AND u.org_id = $2 GROUP BY u.id

-- name: unknown_municipality_codes
-- The codes among $1 that name no municipality.
SELECT coalesce(array_agg(c), '{}') FROM unnest($1::text[]) c
WHERE NOT EXISTS (SELECT 1 FROM municipalities m WHERE m.code = c)

-- name: upsert_entry
-- Creates the entry $1 of organisation $2 or brings it up to date ($3–$17
-- in the order of the columns).
INSERT INTO directory_entries (id, org_id, unit_id, function_name, description, topics,
	lead_topics, target_groups, municipality_codes, national, visibility, expected_answer, fallback_entry_id,
	staffed_by_roles, contact_persons, reviewed_at, reviewed_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6::directory_topic[], $7::directory_topic[], $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, hub_now(), hub_now())
ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id, function_name = excluded.function_name,
	description = excluded.description, topics = excluded.topics, lead_topics = excluded.lead_topics,
	target_groups = excluded.target_groups, municipality_codes = excluded.municipality_codes,
	national = excluded.national, visibility = excluded.visibility, expected_answer = excluded.expected_answer,
	fallback_entry_id = excluded.fallback_entry_id, staffed_by_roles = excluded.staffed_by_roles,
	contact_persons = excluded.contact_persons, reviewed_at = excluded.reviewed_at,
	reviewed_by = excluded.reviewed_by, updated_at = hub_now()

-- name: delete_channels
-- Removes the channels of entry $1.
DELETE FROM directory_channels WHERE entry_id = $1

-- name: add_channel
-- Adds a channel to entry $2 of organisation $1 at position $3.
INSERT INTO directory_channels (org_id, entry_id, position, kind, value, note, opening_hours, visibility)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)

-- name: archive_entry
-- Archives the live entry $1 of organisation $2 at $3 by $4.
UPDATE directory_entries SET archived_at = $3, archived_by = $4, updated_at = $3
WHERE id = $1 AND org_id = $2 AND archived_at IS NULL

-- name: entry_by_id
-- The entry $1, live or archived.
SELECT {{entry_columns}} FROM directory_entries e WHERE e.id = $1

-- name: fallback_dependants
-- The first {{max_fallback_of}} live entries visible to organisation $1
-- that name the entry $2 as their fallback, by name.
WITH {{peers}}
SELECT {{entry_columns}} FROM directory_entries e
WHERE e.fallback_entry_id = $2 AND e.archived_at IS NULL AND {{visible e}}
ORDER BY e.function_name, e.id LIMIT {{max_fallback_of}}

-- What is derived from entries (Reindex): each statement takes the entries
-- $1, or every entry when $1 is NULL.

-- name: clear_ways
DELETE FROM directory_ways WHERE $1::uuid[] IS NULL OR entry_id = ANY($1)

-- name: compute_ways
INSERT INTO directory_ways SELECT * FROM directory_ways_of($1)

-- name: clear_search_terms
WITH terms AS (
	DELETE FROM directory_search_terms WHERE $1::uuid[] IS NULL OR entry_id = ANY($1)
)
DELETE FROM directory_search_docs WHERE $1::uuid[] IS NULL OR entry_id = ANY($1)

-- name: index_for_search
-- The terms, the new words of the lexicon and each entry's terms in one
-- row (directory_search_docs, for words seldom together).
WITH added AS (
	INSERT INTO directory_search_terms SELECT * FROM directory_search_terms_of($1) RETURNING *
),
words AS (
	INSERT INTO directory_search_lexicon SELECT DISTINCT term FROM added WHERE term NOT LIKE '~%'
	ON CONFLICT DO NOTHING
)
INSERT INTO directory_search_docs
SELECT entry_id, org_id, org_kind, visibility, array_agg(term ORDER BY term), array_agg(weight ORDER BY term)
FROM added GROUP BY entry_id, org_id, org_kind, visibility
