package search

import (
	"strconv"
	"strings"

	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/page"
)

// The SQL of a search's rounds. Each expanded query word's entries are
// read best first from the index of migration 011 (weight, then id), only
// the heads of the lists; the candidates found there are scored exactly,
// and a round proves from the last entry read in each list whether
// anything further down could change its answer (pageSQL, countSQL). The
// rounds a search reads are in search.go.

// A round of a search reads the head of each expanded word's list, best
// weight first: head entries of it, or the whole list when head is 0.
//
// A driven round first finds its driver, the query word with the fewest
// entries (counted up to driverSample per expansion), reads the driver's
// lists whole and head entries of the others', and scores every candidate.
// Every match has the driver, so a driven round settles any search; it
// costs about the driver's size. With smallBelow, it drives only from a
// word each of whose expansions has fewer entries (otherwise it is a
// plain round): for a large driver, reading whole lists costs less.
type round struct {
	head       int
	drive      bool
	smallBelow int
	// onlyDriven makes a round with smallBelow read nothing when no word
	// is small (it then proves nothing): for searches whose words the
	// round before found nowhere together, where longer heads seldom help.
	onlyDriven bool
	// together, when above 0, makes the round a together round instead:
	// it finds the entries that have every word and every filter's term
	// at once, in the GIN index of migration 016, and scores them all,
	// which settles the search; it proves nothing when there are more
	// than together of them (counting those row-level security shows,
	// before the förbund rule). Words that are each common but seldom
	// together cost what their few common entries cost.
	together int
}

// driverSample caps how many entries of each expansion a driven round
// counts to find its driver.
const driverSample = 4096

// contribution is what one occurrence adds to an entry's score: the
// expansion's similarity times the weight of where the entry has the word,
// in whole points of 1/pointsPerUnit (four decimals), so that sums are
// exact and equal scores compare equal (the proof that a page is complete
// relies on that).
func contribution(sim, weight string) string {
	return "round(" + sim + " * " + weight + " * " + strconv.Itoa(pointsPerUnit) + ")::int"
}

// pointsPerUnit converts scores to the integer points a search sums.
const pointsPerUnit = 10000

// rankingSQL renders the part of a search that Find and Count
// share, over the search terms of visible live entries (see migrations
// 010 and 011). Each query word is expanded to the lexicon words like it
// or beginning with it. An entry matches when it has some expansion of
// every word (and every filter's term); its score is the sum over the
// query words of the best expansion's contribution.
//
// Each expansion's list is read in index order (weight, then id, both
// descending) as the round rd says. It renders the WITH clause up to these
// CTEs:
//
//   - seen (entry_id, n, s): the best contribution of word n that the heads
//     show for an entry;
//   - bounds (n, term, sim, b, entry_id): the expansions whose list was cut,
//     with the contribution and id of the last entry read: an entry further
//     down adds at most b through that term, and when exactly b, its id is
//     lower (at a lower weight it adds less: weights are 1, 0.8 or 0.6 and
//     similarities at least minSimilarity, so rounding never merges them);
//   - outside (ub, id): a rank that no entry outside every head reaches or
//     passes (none when some word's heads hold all its entries: then
//     every match is in the heads);
//   - cand (entry_id, ub, rank_id, known, possible, nseen, words, settled):
//     the entries in the heads with the highest rank they may have (ub,
//     then rank_id: their id, or the nil uuid when their score must be
//     below ub because a word they lack at the last weight read would have
//     been read with their id), whether ub is their score (known), whether
//     they may match at all, which words the heads showed for them and for
//     which of those nothing further down can add more.
//
// It returns the SQL, the arguments and the number of groups (words, and
// filters when reading whole lists) an entry must match.
func rankingSQL(words []string, f Filter, rd round, args []any) (string, []any, int) {
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var filters [][]string
	if f.MunicipalityCode != nil {
		filters = append(filters, []string{"~m:" + *f.MunicipalityCode, "~m:*"})
	}
	if f.Topic != nil {
		filters = append(filters, []string{"~t:" + string(*f.Topic)})
	}
	cond := directory.Visible("t")
	kind := ""
	if f.Kind != nil {
		kind = arg(*f.Kind) + "::organization_kind"
		cond += " AND t.org_kind = " + kind
	}
	// Values go in one parameter each, never in arrays: the planner's
	// estimates then do not depend on them, so that a prepared search is
	// soon served by its generic plan instead of being planned each time.
	values := func(group int, vs []string) []string {
		var rows []string
		for _, v := range vs {
			rows = append(rows, "("+strconv.Itoa(group)+", "+arg(v)+"::text)")
		}
		return rows
	}
	var wordRows []string
	for i, w := range words {
		wordRows = append(wordRows, values(i+1, []string{w})...)
	}
	n := len(words)
	sql := `WITH ` + directory.PeersCTE + `,
	words AS (
		SELECT n, hub_fold(w) AS w FROM (VALUES ` + strings.Join(wordRows, ", ") + `) AS q(n, w)
	),
	expansions AS (
		SELECT DISTINCT ON (x.n, x.term) x.n, x.term, x.sim FROM (
			-- the lexicon words most like the query word…
			SELECT words.n, l.term, l.sim
			FROM words CROSS JOIN LATERAL (
				SELECT term, similarity(term, words.w)::float8 AS sim FROM directory_search_lexicon
				WHERE term % words.w
				ORDER BY sim DESC, term
				LIMIT ` + strconv.Itoa(expansionsPerWord) + `
			) l
			UNION ALL
			-- …and the shortest it begins (a byte-wise range, which the
			-- text_pattern_ops index serves; chr(1114111) sorts after
			-- every character).
			SELECT words.n, l.term, ` + strconv.FormatFloat(prefixSimilarity, 'f', -1, 64) + `::float8
			FROM words CROSS JOIN LATERAL (
				SELECT term FROM directory_search_lexicon
				WHERE term ~>=~ words.w AND term ~<~ (words.w || chr(1114111))
				ORDER BY length(term), term
				LIMIT ` + strconv.Itoa(expansionsPerWord) + `
			) l
		) x
		WHERE x.sim >= ` + strconv.FormatFloat(minSimilarity, 'f', -1, 64) + `
		ORDER BY x.n, x.term, x.sim DESC
	),`
	if rd.together > 0 {
		// Each word's expansions, and each filter's terms, make one group
		// of lexemes an entry needs one of; the tsquery asks for every
		// group: ('a' | 'b') & ('c') & ('~m:1780' | '~m:*'). Lexemes are
		// quoted for tsquery (a quote doubled, a backslash escaped) and
		// cut as directory_search_lexemes cuts them. A word without
		// expansions has no group; its entries are dropped when scored.
		groups := []string{"SELECT n, term FROM expansions"}
		for i, g := range filters {
			groups = append(groups, "SELECT g, term FROM (VALUES "+strings.Join(values(n+1+i, g), ", ")+") AS f(g, term)")
		}
		visibleKind := directory.Visible("d")
		if kind != "" {
			visibleKind += " AND d.org_kind = " + kind
		}
		sql += `
	found AS (
		-- At most together + 1 entries with every group, of those the
		-- policy of row-level security shows (migration 016).
		SELECT * FROM directory_search_together((
			SELECT string_agg(alts, ' & ')::tsquery FROM (
				SELECT '(' || string_agg('''' || replace(replace(left(term, 100), '\', '\\'), '''', '''''') || '''', ' | ') || ')' AS alts
				FROM (` + strings.Join(groups, " UNION ALL ") + `) x GROUP BY n
			) a
		), ` + strconv.Itoa(rd.together+1) + `)
	),
	-- Their scores from the terms found with them: no list is read.
	heads AS (
		SELECT x.n, d.entry_id, ` + contribution("x.sim", "w.weight") + ` AS s
		FROM found d CROSS JOIN LATERAL unnest(d.terms, d.weights) AS w(term, weight)
		JOIN expansions x ON x.term = w.term
		WHERE ` + visibleKind + `
	),
	bounds AS (
		SELECT 0 AS n, ''::text AS term, 0::float8 AS sim, 0 AS b, NULL::uuid AS entry_id WHERE false
	),`
	} else if rd.head > 0 {
		// A filter is checked on each entry read, so that the heads hold
		// only entries that pass it.
		for _, g := range filters {
			var terms []string
			for _, term := range g {
				terms = append(terms, arg(term)+"::text")
			}
			cond += ` AND EXISTS (SELECT 1 FROM directory_search_terms f
				WHERE f.term IN (` + strings.Join(terms, ", ") + `) AND f.entry_id = t.entry_id)`
		}
		head, cut := strconv.Itoa(rd.head), "k = "+strconv.Itoa(rd.head)
		if rd.drive {
			// The driver is the word with the fewest entries, counted
			// up to driverSample per expansion (visible or not: it only
			// chooses what to read).
			sample, small := driverSample, "true"
			if rd.smallBelow > 0 {
				sample, small = rd.smallBelow, "s.small"
			}
			sql += `
	sizes AS (
		SELECT x.n, sum(c.c) AS size, bool_and(c.c < ` + strconv.Itoa(sample) + `) AS small
		FROM expansions x CROSS JOIN LATERAL (
			SELECT count(*) AS c FROM (
				SELECT 1 FROM directory_search_terms t WHERE t.term = x.term LIMIT ` + strconv.Itoa(sample) + `
			) q
		) c GROUP BY x.n
	),
	driver AS (
		SELECT n FROM sizes s WHERE ` + small + ` ORDER BY size, n LIMIT 1
	),`
			other := head
			if rd.onlyDriven {
				other = "CASE WHEN EXISTS (SELECT 1 FROM driver) THEN " + head + " ELSE 0 END"
			}
			head = "CASE WHEN x.n = (SELECT n FROM driver) THEN NULL ELSE " + other + " END"
			cut += " AND n IS DISTINCT FROM (SELECT n FROM driver)"
		}
		sql += `
	heads AS (
		SELECT x.n, x.term, x.sim, h.entry_id, h.k, ` + contribution("x.sim", "h.weight") + ` AS s
		FROM expansions x CROSS JOIN LATERAL (
			SELECT t.entry_id, t.weight, row_number() OVER (ORDER BY t.weight DESC, t.entry_id DESC) AS k
			FROM directory_search_terms t
			WHERE t.term = x.term AND ` + cond + `
			ORDER BY t.weight DESC, t.entry_id DESC
			LIMIT ` + head + `
		) h
	),
	bounds AS (
		SELECT n, term, sim, s AS b, entry_id FROM heads WHERE ` + cut + `
	),`
	} else {
		// Whole lists: a filter is one more group of terms to match,
		// adding nothing to the score.
		groups := []string{"SELECT n, term, sim FROM expansions"}
		for _, g := range filters {
			n++
			groups = append(groups, "SELECT g, term, 0::float8 FROM (VALUES "+strings.Join(values(n, g), ", ")+") AS f(g, term)")
		}
		sql += `
	heads AS (
		SELECT x.n, t.entry_id, ` + contribution("x.sim", "t.weight") + ` AS s
		FROM (
			` + strings.Join(groups, `
			UNION ALL
			`) + `
		) x
		JOIN directory_search_terms t ON t.term = x.term
		WHERE ` + cond + `
	),
	bounds AS (
		SELECT 0 AS n, ''::text AS term, 0::float8 AS sim, 0 AS b, NULL::uuid AS entry_id WHERE false
	),`
	}
	ngroups := strconv.Itoa(n)
	sql += `
	seen AS (
		SELECT entry_id, n, max(s) AS s FROM heads GROUP BY entry_id, n
	),
	reach AS (
		SELECT DISTINCT ON (n) n, b, entry_id AS id FROM bounds ORDER BY n, b DESC, entry_id DESC
	),
	outside AS (
		SELECT sum(b) AS ub, (array_agg(id ORDER BY id))[1] AS id FROM reach
		HAVING count(*) = ` + ngroups + `
	),
	cand AS (
		SELECT c.*, CASE WHEN c.below OR EXISTS (SELECT 1 FROM reach r WHERE r.id < c.entry_id AND r.n <> ALL (c.words))
			THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE c.entry_id END AS rank_id
		FROM (
			SELECT s.entry_id,
				sum(greatest(s.s, r.b)) + (SELECT coalesce(sum(b), 0) FROM reach) - sum(coalesce(r.b, 0)) AS ub,
				count(*) = ` + ngroups + ` AND bool_and(r.b IS NULL OR s.s >= r.b) AS known,
				(SELECT count(*) FROM reach) - count(r.b) = ` + ngroups + ` - count(*) AS possible,
				coalesce(bool_or(s.s < r.b AND s.entry_id > r.id), false) AS below,
				count(*) AS nseen,
				array_agg(s.n) AS words,
				array_agg(s.n) FILTER (WHERE r.b IS NULL OR s.s >= r.b) AS settled
			FROM seen s LEFT JOIN reach r ON r.n = s.n
			GROUP BY s.entry_id
		) c
	)`
	return sql, args, n
}

// pageSQL renders one round of a search for the page of first entries
// after the cursor (points, id), or from the start when after is nil.
//
// The candidates that may rank highest are scored exactly (probes of
// them, or all in a driven round with its driver): those whose score the
// heads do not settle are looked up, by primary key, in the lists of
// their missing words that were cut. The page is the best first+1 of them. It is exact
// when every candidate not scored and every entry outside the heads ranks
// below its last row; a page of fewer rows is exact only when nothing
// outside the heads can match and every candidate was scored.
func pageSQL(words []string, f Filter, rd round, probes, first int, after *page.Key, points int64, args []any) (string, []any) {
	sql, args, n := rankingSQL(words, f, rd, args)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	open, before := "true", "true"
	if after != nil {
		s, id := arg(points), arg(after.ID)
		open = "NOT (c.known AND (c.ub, c.entry_id) >= (" + s + "::bigint, " + id + "::uuid))"
		before = "(score, id) < (" + s + "::bigint, " + id + "::uuid)"
	}
	if rd.head == 0 {
		// Whole lists: every score is known, and the page is exact; so
		// is a together round's when it found every entry with all words.
		return sql + `,
	scored AS (
		SELECT entry_id AS id, sum(s) AS score FROM seen GROUP BY entry_id HAVING count(*) = ` + strconv.Itoa(n) + `
	),
	hits AS (
		SELECT id, score FROM scored WHERE ` + before + ` ORDER BY score DESC, id DESC LIMIT ` + strconv.Itoa(first+1) + `
	)
	SELECT ` + allFound(rd) + ` AS exact, true AS together, h.id, h.score::float8 / ` + strconv.Itoa(pointsPerUnit) + ` AS score
	FROM (SELECT) v LEFT JOIN hits h ON true
	ORDER BY h.score DESC, h.id DESC`, args
	}
	// A round that read nothing proves nothing.
	proves := "true"
	if rd.onlyDriven {
		proves = "EXISTS (SELECT 1 FROM driver)"
	}
	// The first probes candidates, and the one after them; all when a
	// driven round has its driver.
	limit, scored := "LIMIT "+strconv.Itoa(probes+1), "rn <= "+strconv.Itoa(probes)
	if rd.drive {
		limit = "LIMIT CASE WHEN EXISTS (SELECT 1 FROM driver) THEN NULL ELSE " + strconv.Itoa(probes+1) + " END"
		scored = "(" + scored + " OR EXISTS (SELECT 1 FROM driver))"
	}
	sql += `,
	ordered AS (
		SELECT c.entry_id, c.ub, c.rank_id, c.known, c.settled,
			row_number() OVER (ORDER BY c.ub DESC, c.rank_id DESC, c.entry_id DESC) AS rn
		FROM cand c WHERE c.possible AND ` + open + `
		ORDER BY c.ub DESC, c.rank_id DESC, c.entry_id DESC ` + limit + `
	),
	top AS (
		SELECT * FROM ordered WHERE ` + scored + `
	),
	beyond AS (
		SELECT ub, rank_id AS id FROM ordered WHERE NOT ` + scored + `
	),
	-- (LIMIT 1 keeps each probe a primary-key lookup of one term and entry.)
	probed AS (
		SELECT c.entry_id, b.n, ` + contribution("b.sim", "t.weight") + ` AS s
		FROM top c CROSS JOIN bounds b CROSS JOIN LATERAL (
			SELECT t.weight FROM directory_search_terms t
			WHERE t.term = b.term AND t.entry_id = c.entry_id AND ` + directory.Visible("t") + `
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
		) w GROUP BY entry_id HAVING count(*) = ` + strconv.Itoa(n) + `
	),
	hits AS (
		SELECT id, score FROM scored WHERE ` + before + ` ORDER BY score DESC, id DESC LIMIT ` + strconv.Itoa(first+1) + `
	),
	last AS (
		SELECT score, id FROM hits ORDER BY score DESC, id DESC OFFSET ` + strconv.Itoa(first) + ` LIMIT 1
	),
	verdict AS (
		SELECT NOT EXISTS (SELECT 1 FROM beyond b WHERE NOT EXISTS (SELECT 1 FROM last l WHERE (b.ub, b.id) <= (l.score, l.id)))
			AND NOT EXISTS (SELECT 1 FROM outside o WHERE NOT EXISTS (SELECT 1 FROM last l WHERE (o.ub, o.id) <= (l.score, l.id)))
			AND ` + proves + `
			AS exact,
			EXISTS (SELECT 1 FROM cand WHERE nseen = ` + strconv.Itoa(n) + `) AS together
	)
	SELECT v.exact, v.together, h.id, h.score::float8 / ` + strconv.Itoa(pointsPerUnit) + ` AS score FROM verdict v LEFT JOIN hits h ON true
	ORDER BY h.score DESC, h.id DESC`
	return sql, args
}

// countSQL renders one round of counting up to limit: the candidates
// that have every word, those the heads showed first (the rest are looked
// up in the lists that were cut), and whether the heads hold every match.
func countSQL(words []string, f Filter, rd round, limit int, args []any) (string, []any) {
	sql, args, n := rankingSQL(words, f, rd, args)
	if rd.head == 0 {
		// Whole lists (or a together round's entries): the entries seen
		// with every word.
		return sql + `
	SELECT count(*), ` + allFound(rd) + ` FROM (
		SELECT 1 FROM seen GROUP BY entry_id HAVING count(*) = ` + strconv.Itoa(n) + ` LIMIT ` + strconv.Itoa(limit) + `
	) q`, args
	}
	return sql + `,
	matched AS (
		SELECT 1 FROM (SELECT * FROM cand WHERE possible ORDER BY nseen DESC OFFSET 0) c
		WHERE c.nseen = ` + strconv.Itoa(n) + ` OR NOT EXISTS (
			SELECT 1 FROM generate_series(1, ` + strconv.Itoa(n) + `) g(n)
			-- (A scalar subquery, so that only the cut lists of that word
			-- are looked up, and only until a word is missing.)
			WHERE g.n <> ALL (c.words) AND (
				SELECT count(*) FROM bounds b WHERE b.n = g.n AND EXISTS (
					SELECT 1 FROM directory_search_terms t
					WHERE t.term = b.term AND t.entry_id = c.entry_id AND ` + directory.Visible("t") + `)) = 0)
		LIMIT ` + strconv.Itoa(limit) + `
	)
	SELECT count(*), NOT EXISTS (SELECT 1 FROM outside) FROM matched`, args
}

// allFound is whether a round that scores every entry it reads has read
// every match: always when reading whole lists; for a together round, when
// the index held no more entries with every word than it returned.
func allFound(rd round) string {
	if rd.together == 0 {
		return "true"
	}
	return "(SELECT count(*) FROM found) <= " + strconv.Itoa(rd.together)
}
