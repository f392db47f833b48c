-- What the code renders, written by TestGolden_FindRounds (go test -run '^TestGolden_FindRounds$' -update).

-- case: heads of 200; no filter, the first page of 20
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
		SELECT x.n, x.term, x.sim, h.entry_id, h.k, round(x.sim * h.weight * 10000)::int AS s
		FROM expansions x CROSS JOIN LATERAL (
			SELECT t.entry_id, t.weight, row_number() OVER (ORDER BY t.weight DESC, t.entry_id DESC) AS k
			FROM directory_search_terms t
			WHERE t.term = x.term AND (t.visibility = 'PUBLIC' OR t.org_id = $1
	OR (t.visibility = 'FEDERATION' AND t.org_id IN (SELECT org_id FROM peers)))
			ORDER BY t.weight DESC, t.entry_id DESC
			LIMIT 200
		) h
	),
	bounds AS (
		SELECT n, term, sim, s AS b, entry_id FROM heads WHERE k = 200
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
	ordered AS (
		SELECT c.entry_id, c.ub, c.rank_id, c.known, c.settled,
			row_number() OVER (ORDER BY c.ub DESC, c.rank_id DESC, c.entry_id DESC) AS rn
		FROM cand c WHERE c.possible AND true
		ORDER BY c.ub DESC, c.rank_id DESC, c.entry_id DESC LIMIT 177
	),
	top AS (
		SELECT * FROM ordered WHERE rn <= 176
	),
	beyond AS (
		SELECT ub, rank_id AS id FROM ordered WHERE NOT rn <= 176
	),
	-- (LIMIT 1 keeps each probe a primary-key lookup of one term and entry.)
	probed AS (
		SELECT c.entry_id, b.n, round(b.sim * t.weight * 10000)::int AS s
		FROM top c CROSS JOIN bounds b CROSS JOIN LATERAL (
			SELECT t.weight FROM directory_search_terms t
			WHERE t.term = b.term AND t.entry_id = c.entry_id AND (t.visibility = 'PUBLIC' OR t.org_id = $1
	OR (t.visibility = 'FEDERATION' AND t.org_id IN (SELECT org_id FROM peers)))
			LIMIT 1
		) t
		WHERE NOT c.known AND b.n <> ALL (coalesce(c.settled, '{}'))
	),
	scored AS (
		SELECT entry_id AS id, sum(s) AS score FROM (
			SELECT entry_id, n, max(s) AS s FROM (
				SELECT s.entry_id, s.n, s.s FROM top JOIN seen s USING (entry_id)
				UNION ALL
				SELECT entry_id, n, s FROM probed
			) a GROUP BY entry_id, n
		) w GROUP BY entry_id HAVING count(*) = 2
	),
	hits AS (
		SELECT id, score FROM scored WHERE true ORDER BY score DESC, id DESC LIMIT 21
	),
	last AS (
		SELECT score, id FROM hits ORDER BY score DESC, id DESC OFFSET 20 LIMIT 1
	),
	verdict AS (
		SELECT NOT EXISTS (SELECT 1 FROM beyond b WHERE NOT EXISTS (SELECT 1 FROM last l WHERE (b.ub, b.id) <= (l.score, l.id)))
			AND NOT EXISTS (SELECT 1 FROM outside o WHERE NOT EXISTS (SELECT 1 FROM last l WHERE (o.ub, o.id) <= (l.score, l.id)))
			AND true
			AS exact,
			EXISTS (SELECT 1 FROM cand WHERE nseen = 2) AS together
	)
	SELECT v.exact, v.together, h.id, h.score::float8 / 10000 AS score FROM verdict v LEFT JOIN hits h ON true
	ORDER BY h.score DESC, h.id DESC;

-- case: heads of 200; every filter, 20 after a cursor
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
		SELECT x.n, x.term, x.sim, h.entry_id, h.k, round(x.sim * h.weight * 10000)::int AS s
		FROM expansions x CROSS JOIN LATERAL (
			SELECT t.entry_id, t.weight, row_number() OVER (ORDER BY t.weight DESC, t.entry_id DESC) AS k
			FROM directory_search_terms t
			WHERE t.term = x.term AND (t.visibility = 'PUBLIC' OR t.org_id = $1
	OR (t.visibility = 'FEDERATION' AND t.org_id IN (SELECT org_id FROM peers))) AND t.org_kind = $2::organization_kind AND EXISTS (SELECT 1 FROM directory_search_terms f
				WHERE f.term IN ($5::text, $6::text) AND f.entry_id = t.entry_id) AND EXISTS (SELECT 1 FROM directory_search_terms f
				WHERE f.term IN ($7::text) AND f.entry_id = t.entry_id)
			ORDER BY t.weight DESC, t.entry_id DESC
			LIMIT 200
		) h
	),
	bounds AS (
		SELECT n, term, sim, s AS b, entry_id FROM heads WHERE k = 200
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
	ordered AS (
		SELECT c.entry_id, c.ub, c.rank_id, c.known, c.settled,
			row_number() OVER (ORDER BY c.ub DESC, c.rank_id DESC, c.entry_id DESC) AS rn
		FROM cand c WHERE c.possible AND NOT (c.known AND (c.ub, c.entry_id) >= ($8::bigint, $9::uuid))
		ORDER BY c.ub DESC, c.rank_id DESC, c.entry_id DESC LIMIT 177
	),
	top AS (
		SELECT * FROM ordered WHERE rn <= 176
	),
	beyond AS (
		SELECT ub, rank_id AS id FROM ordered WHERE NOT rn <= 176
	),
	-- (LIMIT 1 keeps each probe a primary-key lookup of one term and entry.)
	probed AS (
		SELECT c.entry_id, b.n, round(b.sim * t.weight * 10000)::int AS s
		FROM top c CROSS JOIN bounds b CROSS JOIN LATERAL (
			SELECT t.weight FROM directory_search_terms t
			WHERE t.term = b.term AND t.entry_id = c.entry_id AND (t.visibility = 'PUBLIC' OR t.org_id = $1
	OR (t.visibility = 'FEDERATION' AND t.org_id IN (SELECT org_id FROM peers)))
			LIMIT 1
		) t
		WHERE NOT c.known AND b.n <> ALL (coalesce(c.settled, '{}'))
	),
	scored AS (
		SELECT entry_id AS id, sum(s) AS score FROM (
			SELECT entry_id, n, max(s) AS s FROM (
				SELECT s.entry_id, s.n, s.s FROM top JOIN seen s USING (entry_id)
				UNION ALL
				SELECT entry_id, n, s FROM probed
			) a GROUP BY entry_id, n
		) w GROUP BY entry_id HAVING count(*) = 2
	),
	hits AS (
		SELECT id, score FROM scored WHERE (score, id) < ($8::bigint, $9::uuid) ORDER BY score DESC, id DESC LIMIT 21
	),
	last AS (
		SELECT score, id FROM hits ORDER BY score DESC, id DESC OFFSET 20 LIMIT 1
	),
	verdict AS (
		SELECT NOT EXISTS (SELECT 1 FROM beyond b WHERE NOT EXISTS (SELECT 1 FROM last l WHERE (b.ub, b.id) <= (l.score, l.id)))
			AND NOT EXISTS (SELECT 1 FROM outside o WHERE NOT EXISTS (SELECT 1 FROM last l WHERE (o.ub, o.id) <= (l.score, l.id)))
			AND true
			AS exact,
			EXISTS (SELECT 1 FROM cand WHERE nseen = 2) AS together
	)
	SELECT v.exact, v.together, h.id, h.score::float8 / 10000 AS score FROM verdict v LEFT JOIN hits h ON true
	ORDER BY h.score DESC, h.id DESC;
