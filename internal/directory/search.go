package directory

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/page"
)

// SearchFilter narrows Search. Zero fields do not filter.
type SearchFilter struct {
	Kind             *string
	MunicipalityCode *string
	Topic            *Topic
}

// Hit is a search result with its relevance.
type Hit struct {
	Entry
	Score float64 `db:"score"`
}

// HitKey is the pagination key of a hit: relevance, then id.
func HitKey(h Hit) page.Key {
	return page.Key{Sort: strconv.FormatFloat(h.Score, 'g', -1, 64), ID: h.ID}
}

// Limits of a search query.
const (
	maxQueryLen   = 200
	maxQueryWords = 8
)

// queryWords splits a query into its words (letters and digits), refusing
// queries with none or too many.
func queryWords(query string) ([]string, error) {
	if len([]rune(query)) > maxQueryLen {
		return nil, apperr.Invalidf("query must be at most %d characters", maxQueryLen)
	}
	words := strings.FieldsFunc(query, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var kept []string
	for _, w := range words {
		if len([]rune(w)) >= 2 {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		return nil, apperr.Invalidf("query needs at least one word of two or more letters")
	}
	if len(kept) > maxQueryWords {
		return nil, apperr.Invalidf("query may have at most %d words", maxQueryWords)
	}
	return kept, nil
}

// How query words expand to lexicon words.
const (
	// expansionsPerWord bounds the similar words one query word stands for.
	expansionsPerWord = 8
	// minSimilarity is the trigram similarity a lexicon word needs to stand
	// for a query word it does not begin ("forsakringskasan" and
	// "forsakringskassan": 0.8; "rehabkordinator" and "rehabkoordinator": 0.7).
	minSimilarity = 0.45
	// prefixSimilarity scores a lexicon word the query word begins
	// ("forsakr" for "forsakringskassan").
	prefixSimilarity = 0.7
)

// reading says how much of each expanded word's list the rounds of a
// search read, best weight first: first entries in the first round, growth
// times more in each further one, and whole lists once that would pass
// max (or at once when first is 0). A round reads more only when it
// cannot prove its answer (see pageSQL).
type reading struct {
	first, growth, max int
	// scored is how many candidates a round with the given head scores
	// exactly for a page of first entries (at least first+1).
	scored func(head, first int) int
}

// next is the head of the round after one that read head entries of each
// list (0: whole lists).
func (r reading) next(head int) int {
	if head == 0 || head*r.growth > r.max {
		return 0
	}
	return head * r.growth
}

// MaxSearchCount is the largest number CountSearch counts to: a count of
// MaxSearchCount means that many matches or more.
const MaxSearchCount = 1000

var (
	// searchReading serves a page from 200 entries of each list in
	// nearly every case, however common the words. When that cannot prove
	// the page it reads whole lists at once: growing the heads eightfold
	// first cost more than it saved for several common words that are
	// seldom together (measured side by side, docs/directory.md).
	searchReading = reading{first: 200, growth: 8, max: 200, scored: candidatesScored}
	// countReading must read MaxSearchCount entries to count that many.
	countReading = reading{first: MaxSearchCount, growth: 8, max: 8 * MaxSearchCount, scored: candidatesScored}
)

// contribution is what one occurrence adds to an entry's score: the
// expansion's similarity times the weight of where the entry has the word,
// with four decimals, so that sums are exact and equal scores compare
// equal (the proof that a page is complete relies on that).
func contribution(sim, weight string) string {
	return "round((" + sim + " * " + weight + ")::numeric, 4)"
}

// rankingSQL renders the part of a search that Search and CountSearch
// share, over the search terms of visible live entries (see migrations
// 010 and 011). Each query word is expanded to the lexicon words like it
// or beginning with it. An entry matches when it has some expansion of
// every word (and every filter's term); its score is the sum over the
// query words of the best expansion's contribution.
//
// Each expansion's list is read in index order (weight, then id, both
// descending), head entries of it (all when head is 0). It renders the
// WITH clause up to these CTEs:
//
//   - seen (entry_id, n, s): the best contribution of word n that the heads
//     show for an entry;
//   - bounds (n, term, sim, b, entry_id): the expansions whose list was cut,
//     with the contribution and id of the last entry read: an entry further
//     down adds at most b through that term, and when exactly b, its id is
//     lower;
//   - outside (ub, id): a rank that no entry outside every head reaches or
//     passes (none when some word's heads hold all its entries: then
//     every match is in the heads);
//   - cand (entry_id, ub, known, possible, nseen, words): the entries in the
//     heads with the highest score they may have, whether that is their
//     score (known), whether they may match at all, and which words the
//     heads showed for them.
//
// It returns the SQL, the arguments and the number of groups (words, and
// filters when head is 0) an entry must match.
func rankingSQL(words []string, f SearchFilter, head int, args []any) (string, []any, int) {
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
	cond := visible("t")
	if f.Kind != nil {
		cond += " AND t.org_kind = " + arg(*f.Kind) + "::organization_kind"
	}
	n := len(words)
	sql := `WITH ` + peersCTE + `,
	words AS (
		SELECT n::int, hub_fold(w) AS w FROM unnest(` + arg(words) + `::text[]) WITH ORDINALITY AS q(w, n)
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
	if head > 0 {
		// A filter is checked on each entry read, so that the heads hold
		// only entries that pass it.
		for _, g := range filters {
			cond += ` AND EXISTS (SELECT 1 FROM directory_search_terms f
				WHERE f.term = ANY(` + arg(g) + `::text[]) AND f.entry_id = t.entry_id)`
		}
		sql += `
	heads AS (
		SELECT x.n, x.term, x.sim, h.entry_id, h.k, ` + contribution("x.sim", "h.weight") + ` AS s
		FROM expansions x CROSS JOIN LATERAL (
			SELECT t.entry_id, t.weight, row_number() OVER (ORDER BY t.weight DESC, t.entry_id DESC) AS k
			FROM directory_search_terms t
			WHERE t.term = x.term AND ` + cond + `
			ORDER BY t.weight DESC, t.entry_id DESC
			LIMIT ` + strconv.Itoa(head) + `
		) h
	),
	bounds AS (
		SELECT n, term, sim, s AS b, entry_id FROM heads WHERE k = ` + strconv.Itoa(head) + `
	),`
	} else {
		// Whole lists: a filter is one more group of terms to match,
		// adding nothing to the score.
		var groups []int
		var terms []string
		for _, g := range filters {
			n++
			for _, term := range g {
				groups = append(groups, n)
				terms = append(terms, term)
			}
		}
		sql += `
	heads AS (
		SELECT x.n, t.entry_id, ` + contribution("x.sim", "t.weight") + ` AS s
		FROM (
			SELECT n, term, sim FROM expansions
			UNION ALL
			SELECT g, term, 0::float8 FROM unnest(` + arg(groups) + `::int[], ` + arg(terms) + `::text[]) AS f(g, term)
		) x
		JOIN directory_search_terms t ON t.term = x.term
		WHERE ` + cond + `
	),
	bounds AS (
		SELECT 0 AS n, ''::text AS term, 0::float8 AS sim, 0::numeric AS b, NULL::uuid AS entry_id WHERE false
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
		SELECT s.entry_id,
			sum(greatest(s.s, r.b)) + (SELECT coalesce(sum(b), 0) FROM reach) - sum(coalesce(r.b, 0)) AS ub,
			count(*) = ` + ngroups + ` AND bool_and(r.b IS NULL OR s.s >= r.b) AS known,
			(SELECT count(*) FROM reach) - count(r.b) = ` + ngroups + ` - count(*) AS possible,
			count(*) AS nseen,
			array_agg(s.n) AS words
		FROM seen s LEFT JOIN reach r ON r.n = s.n
		GROUP BY s.entry_id
	)`
	return sql, args, n
}

// ranked is a row of a search round: whether the round proved its page
// complete, and the page's ids and scores (none when the page is empty).
type ranked struct {
	Exact bool       `db:"exact"`
	ID    *uuid.UUID `db:"id"`
	Score *float64   `db:"score"`
}

// pageSQL renders one round of a search for the page of first entries
// after the cursor (score, id), or from the start when after is nil.
//
// The candidates that may rank highest are scored exactly: those whose
// score the heads do not settle are looked up in the lists that were cut
// (probes of them, at most). The page is the best first+1 of them. It is
// exact when every other candidate and every entry outside the heads ranks
// below its last row; a page of fewer rows is exact only when nothing
// outside the heads can match and every candidate was scored.
func pageSQL(words []string, f SearchFilter, head, probes, first int, after *page.Key, score float64, args []any) (string, []any) {
	sql, args, n := rankingSQL(words, f, head, args)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	open, before := "true", "true"
	if after != nil {
		s, id := arg(score), arg(after.ID)
		open = "NOT (c.known AND (c.ub::float8, c.entry_id) >= (" + s + "::float8, " + id + "::uuid))"
		before = "(score::float8, id) < (" + s + "::float8, " + id + "::uuid)"
	}
	limit := strconv.Itoa(first + 1)
	sql += `,
	open AS (
		SELECT c.entry_id, c.ub, c.known FROM cand c WHERE c.possible AND ` + open + `
	),
	top AS (
		SELECT * FROM open ORDER BY ub DESC, entry_id DESC LIMIT ` + strconv.Itoa(probes) + `
	),
	beyond AS (
		SELECT ub, entry_id AS id FROM open ORDER BY ub DESC, entry_id DESC OFFSET ` + strconv.Itoa(probes) + ` LIMIT 1
	),
	probed AS (
		SELECT c.entry_id, b.n, ` + contribution("b.sim", "t.weight") + ` AS s
		FROM top c JOIN bounds b ON NOT c.known
		JOIN directory_search_terms t ON t.term = b.term AND t.entry_id = c.entry_id
		WHERE ` + visible("t") + `
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
		SELECT id, score FROM scored WHERE ` + before + ` ORDER BY score DESC, id DESC LIMIT ` + limit + `
	),
	last AS (
		SELECT score, id FROM hits ORDER BY score DESC, id DESC OFFSET ` + strconv.Itoa(first) + ` LIMIT 1
	),
	verdict AS (
		SELECT NOT EXISTS (SELECT 1 FROM beyond b WHERE NOT EXISTS (SELECT 1 FROM last l WHERE (b.ub, b.id) <= (l.score, l.id)))
			AND NOT EXISTS (SELECT 1 FROM outside o WHERE NOT EXISTS (SELECT 1 FROM last l WHERE (o.ub, o.id) <= (l.score, l.id)))
			AS exact
	)
	SELECT v.exact, h.id, h.score::float8 AS score FROM verdict v LEFT JOIN hits h ON true
	ORDER BY h.score DESC, h.id DESC`
	return sql, args
}

// candidatesScored is how many candidates a round scores exactly: enough
// for the page when a few of the most promising turn out not to match,
// more when a round reads more because the first did not suffice.
func candidatesScored(head, first int) int {
	return 4*(first+1) + head/4
}

// Search finds the live entries visible to viewer that match query, most
// relevant first.
//
// It reads the best-weighted head of each expanded word's list, and more
// only when it cannot prove that nothing further down outranks the page
// (see pageSQL): a common word costs about what a rare one does.
func Search(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f SearchFilter, p page.Request) (page.Result[Hit], error) {
	res, _, err := search(ctx, q, viewer, query, f, p, searchReading)
	return res, err
}

// search is Search reading as r says; it also reports how many rounds it
// took.
func search(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f SearchFilter, p page.Request, r reading) (page.Result[Hit], int, error) {
	words, err := queryWords(query)
	if err != nil {
		return page.Result[Hit]{}, 0, err
	}
	var score float64
	if p.After != nil {
		if score, err = strconv.ParseFloat(p.After.Sort, 64); err != nil {
			return page.Result[Hit]{}, 0, apperr.Invalidf("the cursor is not one of this search's")
		}
	}
	var rows []ranked
	n := 0
	for head := r.first; ; head = r.next(head) {
		n++
		scored := p.First + 1
		if head > 0 {
			// (Whole lists settle every score.)
			scored = max(scored, r.scored(head, p.First))
		}
		sql, args := pageSQL(words, f, head, scored, p.First, p.After, score, []any{viewer})
		if rows, err = db.Collect[ranked](ctx, q, sql, args...); err != nil {
			return page.Result[Hit]{}, n, fmt.Errorf("search directory: %w", err)
		}
		if rows[0].Exact {
			break
		}
		if head == 0 {
			return page.Result[Hit]{}, n, fmt.Errorf("search directory: reading whole lists left the page open")
		}
	}
	ids := make([]uuid.UUID, 0, len(rows))
	scores := make([]float64, 0, len(rows))
	for _, r := range rows {
		if r.ID != nil {
			ids, scores = append(ids, *r.ID), append(scores, *r.Score)
		}
	}
	if len(ids) == 0 {
		return page.Result[Hit]{Items: []Hit{}}, n, nil
	}
	hits, err := db.Collect[Hit](ctx, q, `WITH `+peersCTE+`
	SELECT `+entryColumns+`, p.score
	FROM unnest($2::uuid[], $3::float8[]) AS p(id, score) JOIN directory_entries e ON e.id = p.id
	WHERE e.archived_at IS NULL AND `+visible("e")+`
	ORDER BY p.score DESC, p.id DESC`, viewer, ids, scores)
	if err != nil {
		return page.Result[Hit]{}, n, fmt.Errorf("read search hits: %w", err)
	}
	return page.Trim(hits, p.First), n, nil
}

// CountSearch counts the matches of a search up to MaxSearchCount: more
// matches count as MaxSearchCount.
//
// It reads MaxSearchCount entries of each expanded word's list, best
// first, and counts the candidates that have every word (looking up the
// words the heads did not show for them). That is exact when some word's
// heads hold all of its entries, and enough once it reaches
// MaxSearchCount; otherwise it reads more.
func CountSearch(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f SearchFilter) (int, error) {
	return countSearch(ctx, q, viewer, query, f, MaxSearchCount, countReading)
}

// countSearch is CountSearch counting up to limit, reading as r says.
func countSearch(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f SearchFilter, limit int, r reading) (int, error) {
	words, err := queryWords(query)
	if err != nil {
		return 0, err
	}
	for head := r.first; ; head = r.next(head) {
		sql, args, n := rankingSQL(words, f, head, []any{viewer})
		var count int
		var complete bool
		err := q.QueryRow(ctx, sql+`,
		matched AS (
			SELECT 1 FROM (SELECT * FROM cand WHERE possible ORDER BY nseen DESC OFFSET 0) c
			WHERE c.nseen = `+strconv.Itoa(n)+` OR NOT EXISTS (
				SELECT 1 FROM generate_series(1, `+strconv.Itoa(n)+`) g(n)
				WHERE g.n <> ALL (c.words) AND NOT EXISTS (
					SELECT 1 FROM bounds b JOIN directory_search_terms t ON t.term = b.term AND t.entry_id = c.entry_id
					WHERE b.n = g.n AND `+visible("t")+`))
			LIMIT `+strconv.Itoa(limit)+`
		)
		SELECT count(*), NOT EXISTS (SELECT 1 FROM outside) FROM matched`, args...).Scan(&count, &complete)
		if err != nil {
			return 0, fmt.Errorf("count directory search: %w", err)
		}
		if complete || count >= limit {
			return count, nil
		}
		if head == 0 {
			return 0, fmt.Errorf("count directory search: reading whole lists left the count open")
		}
	}
}
