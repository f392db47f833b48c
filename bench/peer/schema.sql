-- The peer's own schema (bench/peer, docs/benchmarks.md): the questions the
-- hub answers, as SQL functions PostGraphile serves, over the hub's tables
-- and under the same row-level security (PostGraphile connects as hub_app
-- and sets the same hub.* settings per request). server.mjs runs this file
-- as the database owner on start; it replaces what an earlier start made
-- and touches nothing outside the schema bench_peer.
--
-- ways_in_ranked is the hub's waysIn statement (internal/directory/
-- queries.sql, "ways_in", with its fragments peers, visible and
-- entry_columns written out) as it stood at issue 16; $1 is the viewer.
-- The functions are SQL functions, planned with the statement PostGraphile
-- sends for each request (a trial with PL/pgSQL's kept plans was not
-- faster on a small data set; not measured at national scale).
BEGIN;
DROP SCHEMA IF EXISTS bench_peer CASCADE;
CREATE SCHEMA bench_peer;
GRANT USAGE ON SCHEMA bench_peer TO hub_app;

-- The organisations whose FEDERATION entries and channels the viewer sees
-- (the hub's fragment peers).
CREATE FUNCTION bench_peer.peers(viewer uuid) RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
WITH peers_day AS MATERIALIZED (SELECT hub_today() AS d)
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
$$;

-- The hub's waysIn statement, verbatim but for the fragments written out.
CREATE FUNCTION bench_peer.ways_in_ranked(viewer uuid, topic text, municipality text, kind text, n int)
RETURNS TABLE (id uuid, org_id uuid, function_name text, fallback_entry_id uuid, reviewed_at timestamptz, match_level text)
LANGUAGE sql STABLE AS $$
WITH peers_day AS MATERIALIZED (SELECT hub_today() AS d),
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
),
ranked AS (
	(SELECT w.* FROM directory_ways w
	 WHERE w.key = $2 || ':' || $3
	   AND ($4::organization_kind IS NULL OR w.org_kind = $4::organization_kind)
	   AND (w.visibility = 'PUBLIC' OR w.org_id = $1 OR (w.visibility = 'FEDERATION' AND w.org_id IN (SELECT org_id FROM peers)))
	 ORDER BY w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id
	 LIMIT $5)
	UNION ALL
	(SELECT w.* FROM directory_ways w
	 WHERE w.key = $2 || ':*'
	   AND EXISTS (SELECT 1 FROM municipalities m WHERE m.code = $3)
	   AND ($4::organization_kind IS NULL OR w.org_kind = $4::organization_kind)
	   AND (w.visibility = 'PUBLIC' OR w.org_id = $1 OR (w.visibility = 'FEDERATION' AND w.org_id IN (SELECT org_id FROM peers)))
	   AND NOT EXISTS (SELECT 1 FROM directory_ways d WHERE d.key = $2 || ':' || $3 AND d.entry_id = w.entry_id OFFSET 0)
	 ORDER BY w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id
	 LIMIT $5)
)
SELECT e.id, e.org_id, e.function_name, e.fallback_entry_id, e.reviewed_at,
	CASE w.level WHEN 1 THEN 'MUNICIPAL' WHEN 2 THEN 'REGIONAL' ELSE 'NATIONAL' END AS match_level
FROM ranked w
JOIN directory_entries e ON e.id = w.entry_id
CROSS JOIN directory_version dv
WHERE e.archived_at IS NULL
  AND (e.visibility = 'PUBLIC' OR e.org_id = $1 OR (e.visibility = 'FEDERATION' AND e.org_id IN (SELECT org_id FROM peers)))
ORDER BY w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id
LIMIT $5
$$;

-- The channels of an entry the viewer may see (peer_orgs: its peers), in
-- the owner's order, as the JSON a UI reads (opening hours included: the
-- peer leaves "open now" to its client).
CREATE FUNCTION bench_peer.channels(viewer uuid, peer_orgs uuid[], entry uuid, full_detail boolean) RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT coalesce(jsonb_agg(CASE WHEN full_detail
			THEN jsonb_build_object('kind', c.kind, 'value', c.value, 'note', c.note, 'openingHours', c.opening_hours)
			ELSE jsonb_build_object('kind', c.kind, 'value', c.value) END ORDER BY c.position, c.id), '[]'::jsonb)
	FROM directory_channels c
	WHERE c.entry_id = entry
	  AND (c.visibility = 'PUBLIC' OR c.org_id = viewer OR (c.visibility = 'FEDERATION' AND c.org_id = ANY(peer_orgs)))
$$;

CREATE TYPE bench_peer.way_in AS (match text, entry jsonb, fallback_chain jsonb);

-- waysIn: the hub's ranking, each entry with its organisation, whether it
-- is stale and its channels, and its fallback chain (at most 5, as far as
-- the viewer may see them) with theirs: the answer of docs/directory.md's
-- "waysIn" document. The viewer is the request's organisation (hub.org_id);
-- its peers are read once per request.
CREATE FUNCTION bench_peer.ways_in(topic text, municipality_code text, organization_kind text DEFAULT NULL, ways int DEFAULT 20)
RETURNS SETOF bench_peer.way_in LANGUAGE sql STABLE AS $$
	WITH v AS MATERIALIZED (SELECT hub_current_org() AS viewer,
		coalesce((SELECT array_agg(p) FROM bench_peer.peers(hub_current_org()) p), '{}') AS peer_orgs)
	SELECT r.match_level,
		jsonb_build_object('id', r.id, 'functionName', r.function_name,
			'organization', jsonb_build_object('name', (SELECT o.name FROM organizations o WHERE o.id = r.org_id)),
			'stale', r.reviewed_at < hub_now() - interval '180 days',
			'channels', bench_peer.channels(v.viewer, v.peer_orgs, r.id, true)),
		(WITH RECURSIVE chain AS (
			SELECT f.id, f.function_name, f.fallback_entry_id, 1 AS depth
			FROM directory_entries f
			WHERE f.id = r.fallback_entry_id AND f.archived_at IS NULL
			  AND (f.visibility = 'PUBLIC' OR f.org_id = v.viewer OR (f.visibility = 'FEDERATION' AND f.org_id = ANY(v.peer_orgs)))
			UNION ALL
			SELECT f.id, f.function_name, f.fallback_entry_id, chain.depth + 1
			FROM chain JOIN directory_entries f ON f.id = chain.fallback_entry_id
			WHERE chain.depth < 5 AND f.archived_at IS NULL
			  AND (f.visibility = 'PUBLIC' OR f.org_id = v.viewer OR (f.visibility = 'FEDERATION' AND f.org_id = ANY(v.peer_orgs)))
		)
		SELECT coalesce(jsonb_agg(jsonb_build_object('functionName', chain.function_name,
			'channels', bench_peer.channels(v.viewer, v.peer_orgs, chain.id, false)) ORDER BY chain.depth), '[]'::jsonb) FROM chain)
	FROM v, bench_peer.ways_in_ranked(v.viewer, ways_in.topic, ways_in.municipality_code, ways_in.organization_kind, ways_in.ways) r
$$;

-- The catalogue page: live entries the viewer may see that the hub's
-- search index (directory_search_lexicon, directory_search_terms) lists
-- under every word of the query, each word taken as a prefix of a term or
-- a close trigram match (pg_trgm's %, for typos; the terms are lower case
-- without accents, so å/ä/ö typed without dots match); optionally serving
-- a municipality, handling a topic or of an organisation kind. Function
-- name order; PostGraphile pages and counts it (first, totalCount) and
-- nests the organisation and channels. What a PostGraphile team would
-- write over the hub's index, not the hub's ranked rounds.
CREATE FUNCTION bench_peer.directory_search(query text, municipality_code text DEFAULT NULL, topic text DEFAULT NULL, organization_kind text DEFAULT NULL)
RETURNS SETOF directory_entries LANGUAGE sql STABLE AS $$
	WITH words AS (
		SELECT DISTINCT word FROM regexp_split_to_table(lower(unaccent(directory_search.query)), '\s+') word WHERE word <> ''),
	expanded AS (
		SELECT w.word, l.term FROM words w JOIN directory_search_lexicon l ON l.term LIKE w.word || '%'
		UNION
		SELECT w.word, l.term FROM words w JOIN directory_search_lexicon l ON length(w.word) >= 4 AND l.term % w.word),
	hits AS (
		SELECT t.entry_id, t.org_id, t.visibility FROM expanded x
		-- An index range per matched term, not a merge over every term.
		CROSS JOIN LATERAL (SELECT * FROM directory_search_terms y WHERE y.term = x.term OFFSET 0) t
		GROUP BY t.entry_id, t.org_id, t.visibility
		HAVING count(DISTINCT x.word) = (SELECT count(*) FROM words))
	SELECT e.* FROM hits h
	-- A primary-key probe per hit (the planner, expecting one hit,
	-- otherwise scans every entry for each).
	CROSS JOIN LATERAL (SELECT * FROM directory_entries x WHERE x.id = h.entry_id OFFSET 0) e
	WHERE e.archived_at IS NULL
	  AND (h.visibility = 'PUBLIC' OR h.org_id = hub_current_org()
		OR (h.visibility = 'FEDERATION' AND h.org_id IN (SELECT bench_peer.peers(hub_current_org()))))
	  AND (organization_kind IS NULL OR EXISTS (SELECT 1 FROM organizations o WHERE o.id = e.org_id AND o.kind = organization_kind::organization_kind))
	  AND (municipality_code IS NULL OR e.national OR e.municipality_codes @> ARRAY[municipality_code]::char(4)[])
	  AND (topic IS NULL OR e.topics @> ARRAY[topic]::directory_topic[])
	ORDER BY e.function_name, e.id
$$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA bench_peer TO hub_app;
COMMIT;
