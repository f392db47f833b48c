package mix

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// Vocabulary is the real words of a directory a person types into its
// search box: organisation, unit and function names (read from the data
// set), and the topics' and municipalities' words.
type Vocabulary struct {
	Organizations, Units, Functions []string
}

// ReadVocabulary reads the names of the directory's organisations, units
// and (public) functions, each name once.
func ReadVocabulary(ctx context.Context, databaseURL string) (Vocabulary, error) {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return Vocabulary{}, fmt.Errorf("read the directory's words: %w", err)
	}
	defer conn.Close(ctx)
	var v Vocabulary
	for _, q := range []struct {
		into *[]string
		sql  string
	}{
		{&v.Organizations, `SELECT DISTINCT name FROM organizations ORDER BY 1`},
		{&v.Units, `SELECT DISTINCT name FROM units ORDER BY 1`},
		{&v.Functions, `SELECT DISTINCT function_name FROM directory_entries WHERE visibility = 'PUBLIC' AND archived_at IS NULL ORDER BY 1 LIMIT 5000`},
	} {
		rows, _ := conn.Query(ctx, q.sql)
		if *q.into, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return Vocabulary{}, fmt.Errorf("read the directory's words: %w", err)
		}
	}
	if len(v.Organizations) == 0 || len(v.Functions) == 0 {
		return Vocabulary{}, fmt.Errorf("the directory has no entries: is the data set loaded?")
	}
	return v, nil
}

// SearchDocument is the catalogue page a UI shows for a search.
const SearchDocument = `query($q: String!, $first: Int, $m: String, $t: Topic, $count: Boolean!) {
  directorySearch(query: $q, first: $first, municipalityCode: $m, topic: $t) {
    totalCount @include(if: $count)
    nodes { id functionName organization { name } municipalityCodes national openNow channels { kind value note } }
    pageInfo { hasNextPage endCursor } } }`

// Search is one directorySearch question of the mix.
type Search struct {
	Query        string
	First        int
	Municipality *string // filter
	Topic        *string // filter
	TotalCount   bool
	// Label says where its words came from and whether it has a typo.
	Label string
}

// Vars are the search's GraphQL variables ($q, $first, $m, $t, $count).
func (s Search) Vars() map[string]any {
	return map[string]any{"q": s.Query, "first": s.First, "m": s.Municipality, "t": s.Topic, "count": s.TotalCount}
}

// Search draws a search of 1–3 words from the vocabulary: topic words,
// words of an organisation's, a unit's or a function's name, or a
// municipality's name, sometimes with a municipality's name added; a
// quarter with one typo (a dropped, doubled or swapped letter, or å, ä, ö
// typed without their dots and ring); a municipality filter in a quarter,
// a topic filter in 15 %, totalCount in 30 %, a page a UI shows.
func (m *Mix) Search(v Vocabulary) Search {
	var words []string
	var source string
	switch x := m.IntN(100); {
	case x < 30:
		source = "topic"
		words = strings.Fields(OneOf(m, TopicWords[m.Topic()]))
	case x < 55:
		source = "organisation"
		words = nameWords(OneOf(m, v.Organizations))
	case x < 70:
		source = "unit"
		words = nameWords(OneOf(m, v.Units))
	case x < 85:
		source = "municipality"
		words = nameWords(m.Municipality().Name)
	default:
		source = "function"
		words = nameWords(OneOf(m, v.Functions))
	}
	if len(words) == 0 { // a name of one-letter words only
		words, source = nameWords(m.Municipality().Name), "municipality"
	}
	// 1–3 consecutive words of the name, from a word of letters (nobody
	// types "2707 2502" of "KOMMUN funktion 2707 (2502)").
	var starts []int
	for i, w := range words {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			starts = append(starts, i)
		}
	}
	at := 0
	if len(starts) > 0 {
		at = OneOf(m, starts)
	}
	n := min(len(words)-at, 1+m.IntN(3))
	words = words[at : at+n]
	if len(words) < 3 && source != "municipality" && m.Percent(25) {
		words = append(words, nameWords(m.Municipality().Name)...)
		source += " + municipality"
	}
	if len(words) > 3 {
		words = words[:3]
	}
	label := source
	if m.Percent(25) {
		i := m.IntN(len(words))
		var kind string
		words[i], kind = m.typo(words[i])
		if kind != "" {
			label += ", typo " + kind
		}
	}
	s := Search{Query: strings.Join(words, " "), First: Pick(m, ListPages), TotalCount: m.Percent(30), Label: label}
	if m.Percent(25) {
		code := m.Municipality().Code
		s.Municipality = &code
		s.Label += ", municipality filter"
	}
	if m.Percent(15) {
		t := m.Topic()
		s.Topic = &t
		s.Label += ", topic filter"
	}
	if s.TotalCount {
		s.Label += ", totalCount"
	}
	return s
}

// nameWords are a name's words, lower case, without punctuation and
// one-letter words ("Vårdcentralen 0508-3" gives "vårdcentralen 0508"):
// the national data set names its generated places by kommunkod
// ("Kommun 2108"), so the code is the word a person would type.
func nameWords(name string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if utf8.RuneCountInString(w) >= 2 {
			out = append(out, strings.ToLower(w))
		}
	}
	return out
}

// typo makes one typo in w and says which; words of fewer than 5 letters
// stay as they are.
func (m *Mix) typo(w string) (string, string) {
	r := []rune(w)
	if len(r) < 5 {
		return w, ""
	}
	if strings.ContainsAny(w, "åäöÅÄÖ") && m.Percent(40) {
		return strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "Å", "A", "Ä", "A", "Ö", "O").Replace(w), "without å/ä/ö"
	}
	i := 1 + m.IntN(len(r)-2) // not the first letter (people get that right); i+1 is a letter too
	switch m.IntN(3) {
	case 0:
		return string(append(r[:i:i], r[i+1:]...)), "dropped letter"
	case 1:
		return string(append(r[:i+1:i+1], r[i:]...)), "doubled letter"
	default:
		r[i], r[i+1] = r[i+1], r[i]
		return string(r), "swapped letters"
	}
}
