// Package search is the directory's free-text search (the directorySearch
// query): it finds the live entries a viewer may see that match a query's
// words, typos and prefixes included, most relevant first, and counts them.
// It reads the search terms and the lexicon that directory.Reindex keeps,
// in rounds that stop as soon as they prove the page (rounds.go), and
// shows entries by directory's one visibility rule.
package search

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/page"
)

// Filter narrows Find and Count. Zero fields do not filter.
type Filter struct {
	Kind             *string
	MunicipalityCode *string
	Topic            *directory.Topic
}

// Hit is a search result with its relevance.
type Hit struct {
	directory.Entry
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

// reading is how a search reads: its rounds, each only when the ones
// before could not prove the answer (see pageSQL; the last must settle
// any search: whole lists, or a driven round without smallBelow), and how
// many candidates a round scores exactly for a page of first entries (at
// least first+1).
type reading struct {
	rounds []round
	scored func(head, first int) int
}

// MaxCount is the largest number Count counts to: a count of
// MaxCount means that many matches or more.
const MaxCount = 1000

var (
	// searchReading serves a page from 200 entries of each list in
	// nearly every case, however common the words; when that does not
	// prove the page, it scores the entries with every word if they are
	// few (words seldom together), else drives from a small word or
	// reads 1,600 entries, then whole lists.
	searchReading = reading{rounds: []round{
		{head: 200},
		{together: togetherMost},
		{head: 1600, drive: true, smallBelow: driverSample},
		{},
	}, scored: candidatesScored}
	// countReading must read MaxCount entries of each list to count
	// that many; it drives from a small word at once; when that does not
	// settle the count, it counts the entries with every word if there
	// are at most MaxCount, else reads whole lists. (The heads come
	// first: a together round that finds more than MaxCount costs
	// as much as they do, and words often together settle there.)
	countReading = reading{rounds: []round{
		{head: MaxCount, drive: true, smallBelow: driverSample},
		{together: MaxCount},
		{},
	}, scored: candidatesScored}
)

// togetherMost is how many entries with every word a together round
// scores at most (see round): enough for the words that seldom occur
// together, and little enough that a round that finds more costs a few
// milliseconds.
const togetherMost = 1000

// skip is whether a search for words with filter f skips round i of rs:
// a together round for one word and no filter of terms would find the
// word's whole list, which the other rounds read better. (The last round
// is never skipped: it must settle the search.)
func skip(rs []round, i int, words []string, f Filter) bool {
	return rs[i].together > 0 && i < len(rs)-1 && len(words) == 1 && f.MunicipalityCode == nil && f.Topic == nil
}

// ranked is a row of a search round: whether the round proved its page
// complete, whether its heads showed some entry with every word, and the
// page's ids and scores (none when the page is empty).
type ranked struct {
	Exact    bool       `db:"exact"`
	Together bool       `db:"together"`
	ID       *uuid.UUID `db:"id"`
	Score    *float64   `db:"score"`
}

// candidatesScored is how many candidates a round scores exactly: enough
// for the page when a few of the most promising turn out not to match,
// more when a round reads more because the first did not suffice.
func candidatesScored(head, first int) int {
	return 6*(first+1) + head/4
}

// Find finds the live entries visible to viewer that match query, most
// relevant first.
//
// It reads the best-weighted head of each expanded word's list, and more
// only when it cannot prove that nothing further down outranks the page
// (see pageSQL): a common word costs about what a rare one does.
func Find(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f Filter, p page.Request) (page.Result[Hit], error) {
	res, _, err := find(ctx, q, viewer, query, f, p, searchReading)
	return res, err
}

// find is Find reading as r says; it also reports how many rounds it
// took.
func find(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f Filter, p page.Request, r reading) (page.Result[Hit], int, error) {
	words, err := queryWords(query)
	if err != nil {
		return page.Result[Hit]{}, 0, err
	}
	var points int64
	if p.After != nil {
		score, err := strconv.ParseFloat(p.After.Sort, 64)
		// (A score is at most 1 per word.)
		if err != nil || math.IsNaN(score) || math.Abs(score) > maxQueryWords {
			return page.Result[Hit]{}, 0, apperr.Invalidf("the cursor is not one of this search's")
		}
		points = int64(math.Round(score * pointsPerUnit))
	}
	var rows []ranked
	var n int
	together := true // whether the last round's heads showed the words together
	for i, rd := range r.rounds {
		n = i + 1
		if skip(r.rounds, i, words, f) {
			continue
		}
		if !together && rd.smallBelow > 0 && i < len(r.rounds)-1 {
			rd.onlyDriven = true
		}
		scored := p.First + 1 // whole lists settle every score
		if rd.head > 0 {
			scored = max(scored, r.scored(rd.head, p.First))
		}
		sql, args := pageSQL(words, f, rd, scored, p.First, p.After, points, []any{viewer})
		if rows, err = db.Collect[ranked](ctx, q, sql, args...); err != nil {
			return page.Result[Hit]{}, n, fmt.Errorf("search directory: %w", err)
		}
		if rows[0].Exact {
			break
		}
		together = rows[0].Together
		if n == len(r.rounds) {
			return page.Result[Hit]{}, n, fmt.Errorf("search directory: the last round left the page open")
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
	hits, err := db.Collect[Hit](ctx, q, `WITH `+directory.PeersCTE+`
	SELECT `+directory.EntryColumns+`, p.score
	FROM unnest($2::uuid[], $3::float8[]) AS p(id, score) JOIN directory_entries e ON e.id = p.id
	WHERE e.archived_at IS NULL AND `+directory.Visible("e")+`
	ORDER BY p.score DESC, p.id DESC`, viewer, ids, scores)
	if err != nil {
		return page.Result[Hit]{}, n, fmt.Errorf("read search hits: %w", err)
	}
	return page.Trim(hits, p.First), n, nil
}

// Count counts the matches of a search up to MaxCount: more
// matches count as MaxCount.
//
// It reads MaxCount entries of each expanded word's list, best
// first, and counts the candidates that have every word (looking up the
// words the heads did not show for them). That is exact when some word's
// heads hold all of its entries, and enough once it reaches
// MaxCount; otherwise it reads more.
func Count(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f Filter) (int, error) {
	return countUpTo(ctx, q, viewer, query, f, MaxCount, countReading)
}

// countUpTo is Count counting up to limit, reading as r says.
func countUpTo(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f Filter, limit int, r reading) (int, error) {
	words, err := queryWords(query)
	if err != nil {
		return 0, err
	}
	for i, rd := range r.rounds {
		if skip(r.rounds, i, words, f) {
			continue
		}
		if len(words) == 1 && rd.head >= limit {
			// One word's heads of limit entries settle the count: either
			// a list was cut, so there are limit matches, or none was.
			rd.drive = false
		}
		sql, args := countSQL(words, f, rd, limit, []any{viewer})
		var count int
		var complete bool
		err := q.QueryRow(ctx, sql, args...).Scan(&count, &complete)
		if err != nil {
			return 0, fmt.Errorf("count directory search: %w", err)
		}
		if complete || count >= limit {
			return count, nil
		}
		if i == len(r.rounds)-1 {
			return 0, fmt.Errorf("count directory search: the last round left the count open")
		}
	}
	return 0, fmt.Errorf("count directory search: no rounds")
}
