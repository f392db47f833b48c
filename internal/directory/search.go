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

// searchSQL renders the search over the search terms of visible live
// entries (see migrations/010): each query word is expanded to the lexicon
// words like it or beginning with it, and an entry matches when it has
// some expansion of every word and every filter's term. Its score is the
// sum over the query words of the best expansion's similarity times the
// weight of where the entry has it. It renders the WITH clause up to
// matches (id, score), for the caller to select from.
func searchSQL(words []string, f SearchFilter, args []any) (string, []any) {
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	// Filters are required groups of exact terms after the words' groups.
	var groups []int
	var terms []string
	n := len(words)
	if f.MunicipalityCode != nil {
		n++
		groups = append(groups, n, n)
		terms = append(terms, "~m:"+*f.MunicipalityCode, "~m:*")
	}
	if f.Topic != nil {
		n++
		groups = append(groups, n)
		terms = append(terms, "~t:"+string(*f.Topic))
	}
	kind := "true"
	if f.Kind != nil {
		kind = "t.org_kind = " + arg(*f.Kind) + "::organization_kind"
	}
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
	),
	required AS (
		SELECT n, term, sim FROM expansions
		UNION ALL
		SELECT g, term, 0::float8 FROM unnest(` + arg(groups) + `::int[], ` + arg(terms) + `::text[]) AS f(g, term)
	),
	-- Per entry and group, the best hit; an entry matches with a hit in
	-- every group.
	hits AS (
		SELECT t.entry_id, r.n, max(r.sim * t.weight) AS s
		FROM required r JOIN directory_search_terms t ON t.term = r.term
		WHERE ` + kind + ` AND ` + visible("t") + `
		GROUP BY t.entry_id, r.n
	),
	matches AS (
		SELECT entry_id AS id, round(sum(s)::numeric, 4)::float8 AS score FROM hits
		GROUP BY entry_id HAVING count(*) = ` + strconv.Itoa(n) + `
	)`
	return sql, args
}

// Search finds the live entries visible to viewer that match query, most
// relevant first.
func Search(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f SearchFilter, p page.Request) (page.Result[Hit], error) {
	words, err := queryWords(query)
	if err != nil {
		return page.Result[Hit]{}, err
	}
	inner, args := searchSQL(words, f, []any{viewer})
	where := "true"
	if p.After != nil {
		score, err := strconv.ParseFloat(p.After.Sort, 64)
		if err != nil {
			return page.Result[Hit]{}, apperr.Invalidf("the cursor is not one of this search's")
		}
		args = append(args, score, p.After.ID)
		where = fmt.Sprintf("(s.score, s.id) < ($%d, $%d)", len(args)-1, len(args))
	}
	args = append(args, p.First+1)
	// Only the page's entries are read.
	hits, err := db.Collect[Hit](ctx, q, inner+`,
	page AS (
		SELECT * FROM matches s WHERE `+where+`
		ORDER BY s.score DESC, s.id DESC LIMIT $`+strconv.Itoa(len(args))+`
	)
	SELECT `+entryColumns+`, p.score
	FROM page p JOIN directory_entries e ON e.id = p.id
	WHERE e.archived_at IS NULL AND `+visible("e")+`
	ORDER BY p.score DESC, p.id DESC`, args...)
	if err != nil {
		return page.Result[Hit]{}, fmt.Errorf("search directory: %w", err)
	}
	return page.Trim(hits, p.First), nil
}

// CountSearch counts the matches of a search.
func CountSearch(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f SearchFilter) (int, error) {
	words, err := queryWords(query)
	if err != nil {
		return 0, err
	}
	inner, args := searchSQL(words, f, []any{viewer})
	var n int
	if err := q.QueryRow(ctx, inner+` SELECT count(*) FROM matches`, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count directory search: %w", err)
	}
	return n, nil
}
