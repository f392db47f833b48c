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

// searchSQL renders the search over visible live entries: every word must
// occur, or nearly occur (trigram word similarity, which forgives a typo
// or a missing accent), in the folded search text. Relevance is the sum of
// the words' similarities plus the Swedish full-text rank.
func searchSQL(words []string, f SearchFilter, args []any) (string, []any) {
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var conds, sims []string
	for _, w := range words {
		p := arg(w)
		conds = append(conds, "e.search_text %> hub_fold("+p+")")
		sims = append(sims, "word_similarity(hub_fold("+p+"), e.search_text)")
	}
	if f.Kind != nil {
		conds = append(conds, "o.kind = "+arg(*f.Kind)+"::organization_kind")
	}
	if f.MunicipalityCode != nil {
		conds = append(conds, "(e.national OR e.municipality_codes @> ARRAY["+arg(*f.MunicipalityCode)+"]::char(4)[])")
	}
	if f.Topic != nil {
		conds = append(conds, "e.topics @> ARRAY["+arg(string(*f.Topic))+"]::directory_topic[]")
	}
	fts := arg(strings.Join(words, " "))
	return `WITH ` + peersCTE + `
	SELECT ` + entryColumns + `,
		(` + strings.Join(sims, " + ") + ` + ts_rank(e.search_tsv, plainto_tsquery('swedish', hub_fold(` + fts + `))))::float8 AS score
	FROM directory_entries e
	JOIN organizations o ON o.id = e.org_id
	WHERE e.archived_at IS NULL AND ` + visible("e") + `
	  AND ` + strings.Join(conds, " AND "), args
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
	hits, err := db.Collect[Hit](ctx, q, `SELECT * FROM (`+inner+`) s WHERE `+where+`
	ORDER BY s.score DESC, s.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
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
	if err := q.QueryRow(ctx, `SELECT count(*) FROM (`+inner+`) s`, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count directory search: %w", err)
	}
	return n, nil
}
