-- What the code renders, written by TestGolden_CountRounds (go test -run '^TestGolden_CountRounds$' -update).

-- case: together, at most 1000; no filter
-- $1 = 0a000000-0000-4000-8000-000000000001
-- $2 = "rehab"
-- $3 = "karlstad"
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
	words AS (
		SELECT n, hub_fold(w) AS w FROM (VALUES (1, $2::text), (2, $3::text)) AS q(n, w)
	),
	expansions AS (
		SELECT DISTINCT ON (x.n, x.term) x.n, x.term, x.sim FROM (
			-- the lexicon words most like the query word…
			SELECT words.n, l.term, l.sim
			FROM words CROSS JOIN LATERAL (
				SELECT term, similarity(term, words.w)::float8 AS sim FROM directory_search_lexicon
				WHERE term % words.w
				ORDER BY sim DESC, term
				LIMIT 8
			) l
			UNION ALL
			-- …and the shortest it begins (a byte-wise range, which the
			-- text_pattern_ops index serves; chr(1114111) sorts after
			-- every character).
			SELECT words.n, l.term, 0.7::float8
			FROM words CROSS JOIN LATERAL (
				SELECT term FROM directory_search_lexicon
				WHERE term ~>=~ words.w AND term ~<~ (words.w || chr(1114111))
				ORDER BY length(term), term
				LIMIT 8
			) l
		) x
		WHERE x.sim >= 0.45
		ORDER BY x.n, x.term, x.sim DESC
	),
	found AS (
		-- At most together + 1 entries with every group, of those the
		-- policy of row-level security shows (migration 016).
		SELECT * FROM directory_search_together((
			SELECT string_agg(alts, ' & ')::tsquery FROM (
				SELECT '(' || string_agg('''' || replace(replace(left(term, 100), '\', '\\'), '''', '''''') || '''', ' | ') || ')' AS alts
				FROM (SELECT n, term FROM expansions) x GROUP BY n
			) a
		), 1001)
	),
	-- Their scores from the terms found with them: no list is read.
	heads AS (
		SELECT x.n, d.entry_id, round(x.sim * w.weight * 10000)::int AS s
		FROM found d CROSS JOIN LATERAL unnest(d.terms, d.weights) AS w(term, weight)
		JOIN expansions x ON x.term = w.term
		WHERE (d.visibility = 'PUBLIC' OR d.org_id = $1
	OR (d.visibility = 'FEDERATION' AND d.org_id IN (SELECT org_id FROM peers)))
	),
	bounds AS (
		SELECT 0 AS n, ''::text AS term, 0::float8 AS sim, 0 AS b, NULL::uuid AS entry_id WHERE false
	),
	seen AS (
		SELECT entry_id, n, max(s) AS s FROM heads GROUP BY entry_id, n
	),
	reach AS (
		SELECT DISTINCT ON (n) n, b, entry_id AS id FROM bounds ORDER BY n, b DESC, entry_id DESC
	),
	outside AS (
		SELECT sum(b) AS ub, (array_agg(id ORDER BY id))[1] AS id FROM reach
		HAVING count(*) = 2
	),
	cand AS (
		SELECT c.*, CASE WHEN c.below OR EXISTS (SELECT 1 FROM reach r WHERE r.id < c.entry_id AND r.n <> ALL (c.words))
			THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE c.entry_id END AS rank_id
		FROM (
			SELECT s.entry_id,
				sum(greatest(s.s, r.b)) + (SELECT coalesce(sum(b), 0) FROM reach) - sum(coalesce(r.b, 0)) AS ub,
				count(*) = 2 AND bool_and(r.b IS NULL OR s.s >= r.b) AS known,
				(SELECT count(*) FROM reach) - count(r.b) = 2 - count(*) AS possible,
				coalesce(bool_or(s.s < r.b AND s.entry_id > r.id), false) AS below,
				count(*) AS nseen,
				array_agg(s.n) AS words,
				array_agg(s.n) FILTER (WHERE r.b IS NULL OR s.s >= r.b) AS settled
			FROM seen s LEFT JOIN reach r ON r.n = s.n
			GROUP BY s.entry_id
		) c
	)
	SELECT count(*), (SELECT count(*) FROM found) <= 1000 FROM (
		SELECT 1 FROM seen GROUP BY entry_id HAVING count(*) = 2 LIMIT 1000
	) q;

-- case: together, at most 1000; every filter
-- $1 = 0a000000-0000-4000-8000-000000000001
-- $2 = "FK"
-- $3 = "rehab"
-- $4 = "karlstad"
-- $5 = "~m:1780"
-- $6 = "~m:*"
-- $7 = "~t:SAMORDNAD_REHABILITERING"
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
	words AS (
		SELECT n, hub_fold(w) AS w FROM (VALUES (1, $3::text), (2, $4::text)) AS q(n, w)
	),
	expansions AS (
		SELECT DISTINCT ON (x.n, x.term) x.n, x.term, x.sim FROM (
			-- the lexicon words most like the query word…
			SELECT words.n, l.term, l.sim
			FROM words CROSS JOIN LATERAL (
				SELECT term, similarity(term, words.w)::float8 AS sim FROM directory_search_lexicon
				WHERE term % words.w
				ORDER BY sim DESC, term
				LIMIT 8
			) l
			UNION ALL
			-- …and the shortest it begins (a byte-wise range, which the
			-- text_pattern_ops index serves; chr(1114111) sorts after
			-- every character).
			SELECT words.n, l.term, 0.7::float8
			FROM words CROSS JOIN LATERAL (
				SELECT term FROM directory_search_lexicon
				WHERE term ~>=~ words.w AND term ~<~ (words.w || chr(1114111))
				ORDER BY length(term), term
				LIMIT 8
			) l
		) x
		WHERE x.sim >= 0.45
		ORDER BY x.n, x.term, x.sim DESC
	),
	found AS (
		-- At most together + 1 entries with every group, of those the
		-- policy of row-level security shows (migration 016).
		SELECT * FROM directory_search_together((
			SELECT string_agg(alts, ' & ')::tsquery FROM (
				SELECT '(' || string_agg('''' || replace(replace(left(term, 100), '\', '\\'), '''', '''''') || '''', ' | ') || ')' AS alts
				FROM (SELECT n, term FROM expansions UNION ALL SELECT g, term FROM (VALUES (3, $5::text), (3, $6::text)) AS f(g, term) UNION ALL SELECT g, term FROM (VALUES (4, $7::text)) AS f(g, term)) x GROUP BY n
			) a
		), 1001)
	),
	-- Their scores from the terms found with them: no list is read.
	heads AS (
		SELECT x.n, d.entry_id, round(x.sim * w.weight * 10000)::int AS s
		FROM found d CROSS JOIN LATERAL unnest(d.terms, d.weights) AS w(term, weight)
		JOIN expansions x ON x.term = w.term
		WHERE (d.visibility = 'PUBLIC' OR d.org_id = $1
	OR (d.visibility = 'FEDERATION' AND d.org_id IN (SELECT org_id FROM peers))) AND d.org_kind = $2::organization_kind
	),
	bounds AS (
		SELECT 0 AS n, ''::text AS term, 0::float8 AS sim, 0 AS b, NULL::uuid AS entry_id WHERE false
	),
	seen AS (
		SELECT entry_id, n, max(s) AS s FROM heads GROUP BY entry_id, n
	),
	reach AS (
		SELECT DISTINCT ON (n) n, b, entry_id AS id FROM bounds ORDER BY n, b DESC, entry_id DESC
	),
	outside AS (
		SELECT sum(b) AS ub, (array_agg(id ORDER BY id))[1] AS id FROM reach
		HAVING count(*) = 2
	),
	cand AS (
		SELECT c.*, CASE WHEN c.below OR EXISTS (SELECT 1 FROM reach r WHERE r.id < c.entry_id AND r.n <> ALL (c.words))
			THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE c.entry_id END AS rank_id
		FROM (
			SELECT s.entry_id,
				sum(greatest(s.s, r.b)) + (SELECT coalesce(sum(b), 0) FROM reach) - sum(coalesce(r.b, 0)) AS ub,
				count(*) = 2 AND bool_and(r.b IS NULL OR s.s >= r.b) AS known,
				(SELECT count(*) FROM reach) - count(r.b) = 2 - count(*) AS possible,
				coalesce(bool_or(s.s < r.b AND s.entry_id > r.id), false) AS below,
				count(*) AS nseen,
				array_agg(s.n) AS words,
				array_agg(s.n) FILTER (WHERE r.b IS NULL OR s.s >= r.b) AS settled
			FROM seen s LEFT JOIN reach r ON r.n = s.n
			GROUP BY s.entry_id
		) c
	)
	SELECT count(*), (SELECT count(*) FROM found) <= 1000 FROM (
		SELECT 1 FROM seen GROUP BY entry_id HAVING count(*) = 2 LIMIT 1000
	) q;
