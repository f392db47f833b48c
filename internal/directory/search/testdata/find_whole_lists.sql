-- What the code renders, written by TestGolden_FindRounds (go test -run '^TestGolden_FindRounds$' -update).

-- case: whole lists; no filter, the first page of 20
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
	heads AS (
		SELECT x.n, t.entry_id, round(x.sim * t.weight * 10000)::int AS s
		FROM (
			SELECT n, term, sim FROM expansions
		) x
		JOIN directory_search_terms t ON t.term = x.term
		WHERE (t.visibility = 'PUBLIC' OR t.org_id = $1
	OR (t.visibility = 'FEDERATION' AND t.org_id IN (SELECT org_id FROM peers)))
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
	),
	scored AS (
		SELECT entry_id AS id, sum(s) AS score FROM seen GROUP BY entry_id HAVING count(*) = 2
	),
	hits AS (
		SELECT id, score FROM scored WHERE true ORDER BY score DESC, id DESC LIMIT 21
	)
	SELECT true AS exact, true AS together, h.id, h.score::float8 / 10000 AS score
	FROM (SELECT) v LEFT JOIN hits h ON true
	ORDER BY h.score DESC, h.id DESC;

-- case: whole lists; every filter, 20 after a cursor
-- $1 = 0a000000-0000-4000-8000-000000000001
-- $2 = "FK"
-- $3 = "rehab"
-- $4 = "karlstad"
-- $5 = "~m:1780"
-- $6 = "~m:*"
-- $7 = "~t:SAMORDNAD_REHABILITERING"
-- $8 = 12345
-- $9 = e0000000-0000-4000-8000-000000000001
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
	heads AS (
		SELECT x.n, t.entry_id, round(x.sim * t.weight * 10000)::int AS s
		FROM (
			SELECT n, term, sim FROM expansions
			UNION ALL
			SELECT g, term, 0::float8 FROM (VALUES (3, $5::text), (3, $6::text)) AS f(g, term)
			UNION ALL
			SELECT g, term, 0::float8 FROM (VALUES (4, $7::text)) AS f(g, term)
		) x
		JOIN directory_search_terms t ON t.term = x.term
		WHERE (t.visibility = 'PUBLIC' OR t.org_id = $1
	OR (t.visibility = 'FEDERATION' AND t.org_id IN (SELECT org_id FROM peers))) AND t.org_kind = $2::organization_kind
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
		HAVING count(*) = 4
	),
	cand AS (
		SELECT c.*, CASE WHEN c.below OR EXISTS (SELECT 1 FROM reach r WHERE r.id < c.entry_id AND r.n <> ALL (c.words))
			THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE c.entry_id END AS rank_id
		FROM (
			SELECT s.entry_id,
				sum(greatest(s.s, r.b)) + (SELECT coalesce(sum(b), 0) FROM reach) - sum(coalesce(r.b, 0)) AS ub,
				count(*) = 4 AND bool_and(r.b IS NULL OR s.s >= r.b) AS known,
				(SELECT count(*) FROM reach) - count(r.b) = 4 - count(*) AS possible,
				coalesce(bool_or(s.s < r.b AND s.entry_id > r.id), false) AS below,
				count(*) AS nseen,
				array_agg(s.n) AS words,
				array_agg(s.n) FILTER (WHERE r.b IS NULL OR s.s >= r.b) AS settled
			FROM seen s LEFT JOIN reach r ON r.n = s.n
			GROUP BY s.entry_id
		) c
	),
	scored AS (
		SELECT entry_id AS id, sum(s) AS score FROM seen GROUP BY entry_id HAVING count(*) = 4
	),
	hits AS (
		SELECT id, score FROM scored WHERE (score, id) < ($8::bigint, $9::uuid) ORDER BY score DESC, id DESC LIMIT 21
	)
	SELECT true AS exact, true AS together, h.id, h.score::float8 / 10000 AS score
	FROM (SELECT) v LEFT JOIN hits h ON true
	ORDER BY h.score DESC, h.id DESC;
