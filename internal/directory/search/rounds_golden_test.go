package search

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/sqlgolden"
)

// The golden files show the SQL of each round that Find and Count read
// (searchReading, countReading), as they render it, for a search of two
// words without filters on the first page and with every filter after a
// cursor: what runs, in the order it may run.

var (
	goldenViewer = uuid.MustParse("0a000000-0000-4000-8000-000000000001")
	goldenWords  = []string{"rehab", "karlstad"}
	goldenKind   = "FK"
	goldenCode   = "1780"
	goldenTopic  = directory.Topic("SAMORDNAD_REHABILITERING")
	goldenEvery  = Filter{Kind: &goldenKind, MunicipalityCode: &goldenCode, Topic: &goldenTopic}
	goldenAfter  = &page.Key{Sort: "1.2345", ID: uuid.MustParse("e0000000-0000-4000-8000-000000000001")}
)

// roundName says what a round reads.
func roundName(rd round) string {
	switch {
	case rd.together > 0:
		return fmt.Sprintf("together, at most %d", rd.together)
	case rd.head == 0:
		return "whole lists"
	case rd.drive && rd.onlyDriven:
		return fmt.Sprintf("heads of %d, driven by a word below %d only", rd.head, rd.smallBelow)
	case rd.drive:
		return fmt.Sprintf("heads of %d, driven by a word below %d", rd.head, rd.smallBelow)
	}
	return fmt.Sprintf("heads of %d", rd.head)
}

// roundFile names the golden file of a kind of round.
func roundFile(prefix string, rd round) string {
	kind := "heads"
	switch {
	case rd.together > 0:
		kind = "together"
	case rd.head == 0:
		kind = "whole_lists"
	case rd.drive && rd.onlyDriven:
		kind = "driven_only"
	case rd.drive:
		kind = "driven"
	}
	return "testdata/" + prefix + "_" + kind + ".sql"
}

// pageCase renders one round of Find as find does.
func pageCase(name string, rd round, f Filter, p page.Request, points int64) sqlgolden.Case {
	scored := p.First + 1
	if rd.head > 0 {
		scored = max(scored, searchReading.scored(rd.head, p.First))
	}
	sql, args := pageSQL(goldenWords, f, rd, scored, p.First, p.After, points, []any{goldenViewer})
	return sqlgolden.Case{Name: name, SQL: sql, Args: args}
}

func TestGolden_FindRounds(t *testing.T) {
	t.Parallel()
	rounds := append([]round{}, searchReading.rounds...)
	// find reads a round with smallBelow only from a small word when the
	// round before found the words nowhere together.
	for _, rd := range searchReading.rounds {
		if rd.smallBelow > 0 {
			rd.onlyDriven = true
			rounds = append(rounds, rd)
		}
	}
	for _, rd := range rounds {
		sqlgolden.Check(t, roundFile("find", rd),
			pageCase(roundName(rd)+"; no filter, the first page of 20", rd, Filter{}, page.Request{First: 20}, 0),
			pageCase(roundName(rd)+"; every filter, 20 after a cursor", rd, goldenEvery, page.Request{First: 20, After: goldenAfter}, 12345))
	}
}

func TestGolden_CountRounds(t *testing.T) {
	t.Parallel()
	for _, rd := range countReading.rounds {
		var cases []sqlgolden.Case
		for _, c := range []struct {
			name string
			f    Filter
		}{{"no filter", Filter{}}, {"every filter", goldenEvery}} {
			sql, args := countSQL(goldenWords, c.f, rd, MaxCount, []any{goldenViewer})
			cases = append(cases, sqlgolden.Case{Name: roundName(rd) + "; " + c.name, SQL: sql, Args: args})
		}
		if rd.head >= MaxCount {
			// One word: countUpTo reads its heads without a driver.
			one := rd
			one.drive = false
			sql, args := countSQL(goldenWords[:1], Filter{}, one, MaxCount, []any{goldenViewer})
			cases = append(cases, sqlgolden.Case{Name: roundName(one) + "; one word, no filter", SQL: sql, Args: args})
		}
		sqlgolden.Check(t, roundFile("count", rd), cases...)
	}
}
