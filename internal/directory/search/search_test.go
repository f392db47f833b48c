package search_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/directory/search"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var (
	karlstad        = demo.ID("org/karlstad")
	eksjo           = demo.ID("org/eksjo")
	fk              = demo.ID("org/fk")
	regionJonkoping = demo.ID("org/region-jonkoping")
)

// Entries with "samverkan" in their function name (weight 1), with the
// lowest ids: last among equals in the index's order, so only weight
// brings them to the top.
var bestSamverkan = []uuid.UUID{
	uuid.MustParse("00000000-0000-0000-0000-000000000003"),
	uuid.MustParse("00000000-0000-0000-0000-000000000002"),
	uuid.MustParse("00000000-0000-0000-0000-000000000001"),
}

// Entries with "samverkan" in their function name that Karlstad may not
// see, with the highest ids: first in the index's order.
var (
	eksjoInternal      = uuid.MustParse("ffffffff-ffff-ffff-ffff-fffffffffff2") // ORGANISATION
	jonkopingFederated = uuid.MustParse("ffffffff-ffff-ffff-ffff-fffffffffff1") // FEDERATION, Höglandet only
)

// generated is how many generated entries the search tests add: more than
// a search's first head, so that common words' lists are cut.
const generated = 600

// seldomEach entries have "hörselvård" or "skuldsanering" alone,
// seldomBoth have both.
const seldomEach, seldomBoth = 100, 12

// setupSearch loads the demo data and generated entries that share a few
// words at every weight, owned by organisations on both sides of the
// visibility rules. Every generated entry has "samverkan" in its
// description (weight 0.6).
func setupSearch(t *testing.T) *pgtest.DB {
	t.Helper()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, demo.LoadReference(ctx, d.Pool))

	rng := rand.New(rand.NewPCG(7, 11))
	vocabulary := []string{"vårdcentral", "vårdcentralen", "rehabilitering", "samordning", "psykiatri",
		"ekonomiskt", "bistånd", "karlstad", "mottagning", "rehabkoordinator"}
	orgs := []uuid.UUID{karlstad, eksjo, fk, regionJonkoping, demo.ID("org/region-varmland"), demo.ID("org/af")}
	places := []string{"1780", "1764", "0686", "0682"}
	visibilities := []string{"PUBLIC", "FEDERATION", "ORGANISATION"}
	pick := func(n int) string {
		var ws []string
		for range n {
			ws = append(ws, vocabulary[rng.IntN(len(vocabulary))])
		}
		return strings.Join(ws, " ")
	}
	insert := func(id, org uuid.UUID, name, description string, visibility string) {
		topics := []string{}
		for _, i := range rng.Perm(len(directory.Topics))[:1+rng.IntN(3)] {
			topics = append(topics, string(directory.Topics[i]))
		}
		codes, national := []string{places[rng.IntN(len(places))]}, rng.IntN(20) == 0
		if national {
			codes = []string{}
		}
		_, err := d.Pool.Exec(ctx, `INSERT INTO directory_entries
			(id, org_id, function_name, description, topics, municipality_codes, national, visibility, reviewed_at, reviewed_by)
			VALUES ($1, $2, $3, $4, $5::directory_topic[], $6::char(4)[], $7, $8, $9, 'test')`,
			id, org, name, description, topics, codes, national, visibility, time.Now())
		require.NoError(t, err)
	}
	for i := range generated {
		var id uuid.UUID
		binary.BigEndian.PutUint64(id[:8], rng.Uint64())
		binary.BigEndian.PutUint64(id[8:], rng.Uint64())
		insert(id, orgs[rng.IntN(len(orgs))], fmt.Sprintf("Funktion %d %s", i, pick(1+rng.IntN(2))),
			"samverkan "+pick(rng.IntN(4)), visibilities[rng.IntN(len(visibilities))])
	}
	// Two words at the same weight (the function's name), together and
	// apart: equal scores, which only ids order.
	for i := range 120 {
		var id uuid.UUID
		binary.BigEndian.PutUint64(id[:8], rng.Uint64())
		binary.BigEndian.PutUint64(id[8:], rng.Uint64())
		name := [...]string{"Kontaktväg ingång", "Kontaktväg", "Ingång"}[i%3]
		insert(id, orgs[rng.IntN(len(orgs))], fmt.Sprintf("%s %d", name, i), "samverkan", visibilities[rng.IntN(2)])
	}
	// Two words each in many entries but together in few, of every
	// owner, visibility and place: the heads of their lists show none
	// together, so only a together round or whole lists settle them.
	for i := range 2*seldomEach + seldomBoth {
		var id uuid.UUID
		binary.BigEndian.PutUint64(id[:8], rng.Uint64())
		binary.BigEndian.PutUint64(id[8:], rng.Uint64())
		name, description := fmt.Sprintf("Hörselvård %d", i), "mottagning"
		switch {
		case i >= 2*seldomEach:
			name, description = fmt.Sprintf("Skuldsanering %d", i), "hörselvård "+pick(1)
			if i%2 == 0 {
				name, description = fmt.Sprintf("Hörselvård och skuldsanering %d", i), pick(1)
			}
		case i%2 == 1:
			name, description = fmt.Sprintf("Skuldsanering %d", i), pick(1+rng.IntN(2))
		}
		insert(id, orgs[rng.IntN(len(orgs))], name, description, visibilities[rng.IntN(len(visibilities))])
	}
	for i, id := range bestSamverkan {
		insert(id, karlstad, fmt.Sprintf("Samverkan nummer %d", i), "", "PUBLIC")
	}
	insert(eksjoInternal, eksjo, "Samverkan internt", "", "ORGANISATION")
	insert(jonkopingFederated, regionJonkoping, "Samverkan på Höglandet", "", "FEDERATION")
	require.NoError(t, directory.Reindex(ctx, d.Pool, nil))
	_, err := d.Pool.Exec(ctx, `ANALYZE directory_search_terms, directory_search_lexicon`)
	require.NoError(t, err)
	return d
}

// as opens a read session of the application role (row-level security
// applies) acting for org; it is rolled back when t ends.
func as(t *testing.T, d *pgtest.DB, org uuid.UUID) *db.Session {
	t.Helper()
	s := db.NewSession(d.AppPool, db.Settings{Values: map[string]string{"hub.org_id": org.String()}})
	t.Cleanup(func() { _ = s.Rollback(context.Background()) })
	return s
}

type ranked struct {
	ID    uuid.UUID
	Score float64
}

var (
	none, few = 0, 5
	// heads read so little of each list that every common word's list is
	// cut: 3 entries first, twice as many each round up to 48, then a
	// driven round.
	heads = []search.Round{search.Head(3), search.Head(6), search.Head(12), search.Head(24),
		search.Head(48), search.Driven(48, 0)}
	// headReadings read so, scoring as few candidates as the page needs, a
	// few more, or as Find does; or as Find does with small heads:
	// driving only from a word with fewer than 40 entries per expansion,
	// else whole lists.
	headReadings = []search.Reading{{Rounds: heads, Spare: &none}, {Rounds: heads, Spare: &few}, {Rounds: heads},
		{Rounds: []search.Round{search.Head(3), search.Driven(6, 40), search.Head(0)}, Spare: &none},
		// together rounds that prove nothing when more than 5 entries
		// have every word, then settle, or settle alone
		{Rounds: []search.Round{search.Head(3), search.Together(5), search.Driven(6, 40), search.Head(0)}, Spare: &none},
		{Rounds: []search.Round{search.Head(3), search.Together(5), search.Together(10000)}},
		{Rounds: []search.Round{search.Together(10000)}}}
	// countReadings count with small heads: driving at once from a word
	// with fewer than 40 or 1,000 entries per expansion, or in rounds.
	countReadings = []search.Reading{
		{Rounds: []search.Round{search.Driven(3, 40), search.Head(0)}},
		{Rounds: []search.Round{search.Driven(3, 1000), search.Driven(3, 0)}},
		{Rounds: heads},
		{Rounds: []search.Round{search.Driven(3, 0), search.Together(5), search.Head(0)}},
		{Rounds: []search.Round{search.Head(3), search.Together(10000)}},
	}
	// wholeReading reads whole lists at once: the exhaustive answer.
	wholeReading = search.Reading{Rounds: []search.Round{search.Head(0)}}
)

// pages walks the pages of a search (at most limit of them), size entries
// at a time, and returns the hits in order with the most rounds a page
// took.
func pages(t *testing.T, s *db.Session, viewer uuid.UUID, query string, f search.Filter, size, limit int, r search.Reading) ([]ranked, int) {
	t.Helper()
	ctx := context.Background()
	var out []ranked
	most := 0
	req := page.Request{First: size}
	for range limit {
		res, rounds, err := search.FindWith(ctx, s, viewer, query, f, req, r)
		require.NoError(t, err)
		most = max(most, rounds)
		for _, h := range res.Items {
			out = append(out, ranked{h.ID, h.Score})
		}
		if !res.HasNext {
			break
		}
		require.NotEmpty(t, res.Items)
		k := search.HitKey(res.Items[len(res.Items)-1])
		req.After = &k
	}
	return out, most
}

func ids(hs []ranked) []uuid.UUID {
	out := make([]uuid.UUID, len(hs))
	for i, h := range hs {
		out[i] = h.ID
	}
	return out
}

// Reading the heads of the lists and stopping early gives exactly the
// pages, scores and counts that reading every entry gives, for every
// viewer, common and rare words, typos, several words and every filter.
func TestSearch_StoppingEarlyAnswersAsReadingEverything(t *testing.T) {
	t.Parallel()
	d := setupSearch(t)
	ctx := context.Background()
	str := func(s string) *string { return &s }
	topic := directory.Topic("SAMORDNAD_REHABILITERING")
	tests := []struct {
		name   string
		viewer uuid.UUID
		query  string
		filter search.Filter
	}{
		{"common word", karlstad, "samverkan", search.Filter{}},
		{"common word, typo", karlstad, "vardcentral", search.Filter{}},
		{"two common words", karlstad, "rehabilitering samordning", search.Filter{}},
		{"three words", karlstad, "ekonomiskt bistånd karlstad", search.Filter{}},
		{"two words, one rare", karlstad, "psykiatri värmland", search.Filter{}},
		{"rare word, typo", karlstad, "rehabkordinator", search.Filter{}},
		{"words of the name and the description", karlstad, "funktion mottagning", search.Filter{}},
		{"organisation, typo", karlstad, "försäkringskasan", search.Filter{}},
		{"common words seldom together", karlstad, "vårdcentral försäkringskassan", search.Filter{}},
		{"a rare word and a common one", karlstad, "12 psykiatri", search.Filter{}},
		{"a common word and a rare one", karlstad, "vardcentral 12", search.Filter{}},
		{"two common words, some together", karlstad, "rehabilitering psykiatri", search.Filter{}},
		{"two words at the same weight, together and apart", karlstad, "kontaktväg ingång", search.Filter{}},
		{"kind", karlstad, "samverkan", search.Filter{Kind: str("KOMMUN")}},
		{"municipality", karlstad, "samverkan vardcentral", search.Filter{MunicipalityCode: str("1780")}},
		{"topic, prefix", karlstad, "rehab", search.Filter{Topic: &topic}},
		{"every filter", karlstad, "samverkan", search.Filter{Kind: str("REGION"), MunicipalityCode: str("0686"), Topic: &topic}},
		{"another viewer", eksjo, "samverkan", search.Filter{}},
		{"another viewer, two words", eksjo, "vardcentral rehabilitering", search.Filter{}},
		{"another viewer, a typo", eksjo, "rehabilitering rehabkordinator", search.Filter{}},
		{"a third viewer", fk, "samverkan psykiatri", search.Filter{}},
		{"common words seldom together, few with both", karlstad, "hörselvård skuldsanering", search.Filter{}},
		{"seldom together, typos", karlstad, "horselvard skuldsanerng", search.Filter{}},
		{"seldom together, a third word", karlstad, "hörselvård skuldsanering mottagning", search.Filter{}},
		{"seldom together, municipality", karlstad, "skuldsanering hörselvård", search.Filter{MunicipalityCode: str("1780")}},
		{"seldom together, every filter", karlstad, "hörselvård skuldsanering", search.Filter{Kind: str("KOMMUN"), MunicipalityCode: str("0686"), Topic: &topic}},
		{"seldom together, another viewer", eksjo, "hörselvård skuldsanering", search.Filter{}},
		{"seldom together, a third viewer, topic", fk, "hörselvård skuldsanering", search.Filter{Topic: &topic}},
		{"one word, seldom with its filter", fk, "hörselvård", search.Filter{MunicipalityCode: str("0682"), Topic: &topic}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := as(t, d, tt.viewer)
			want, _ := pages(t, s, tt.viewer, tt.query, tt.filter, 100, 100, wholeReading)
			for i, r := range headReadings {
				got, rounds := pages(t, s, tt.viewer, tt.query, tt.filter, 40, 100, r)
				require.Equal(t, want, got, "pages of 40, reading %d", i)
				require.LessOrEqual(t, rounds, len(r.Rounds), "the last round settles every page")
				for _, size := range []int{1, 3} {
					got, _ = pages(t, s, tt.viewer, tt.query, tt.filter, size, 8, r)
					require.LessOrEqual(t, len(got), len(want))
					require.Equal(t, want[:len(got)], got, "the first pages of %d, reading %d", size, i)
				}
			}
			first, err := search.Find(ctx, s, tt.viewer, tt.query, tt.filter, page.Request{First: 20})
			require.NoError(t, err)
			require.Len(t, first.Items, min(20, len(want)))
			for i, h := range first.Items {
				require.Equal(t, want[i], ranked{h.ID, h.Score})
			}

			for i, r := range countReadings {
				n, err := search.CountWith(ctx, s, tt.viewer, tt.query, tt.filter, 10000, r)
				require.NoError(t, err)
				require.Equal(t, len(want), n, "reading %d", i)
				n, err = search.CountWith(ctx, s, tt.viewer, tt.query, tt.filter, 10, r)
				require.NoError(t, err)
				require.Equal(t, min(10, len(want)), n, "reading %d", i)
			}
			n, err := search.Count(ctx, s, tt.viewer, tt.query, tt.filter)
			require.NoError(t, err)
			require.Equal(t, min(search.MaxCount, len(want)), n)
		})
	}
}

// "samverkan" is in every generated entry, far more than the first head
// of its list reads. The three entries that have it in their function name
// come first, and the first round already proves that nothing further
// down the list outranks a page.
func TestSearch_CommonWordBestEntriesComeFirstFromTheFirstRound(t *testing.T) {
	t.Parallel()
	d := setupSearch(t)
	ctx := context.Background()
	s := as(t, d, karlstad)
	require.Greater(t, generated, search.FirstHead)

	res, rounds, err := search.FindWith(ctx, s, karlstad, "samverkan", search.Filter{}, page.Request{First: 5}, search.DefaultReading)
	require.NoError(t, err)
	require.Equal(t, 1, rounds, "the first round proves the page")
	var got []uuid.UUID
	for _, h := range res.Items {
		got = append(got, h.ID)
	}
	require.Equal(t, bestSamverkan, got[:3])
	require.True(t, res.HasNext)

	all, _ := pages(t, s, karlstad, "samverkan", search.Filter{}, 20, 100, search.DefaultReading)
	want, _ := pages(t, s, karlstad, "samverkan", search.Filter{}, 100, 100, wholeReading)
	require.Equal(t, want, all)
	require.Greater(t, len(all), search.FirstHead)
}

// Entries Karlstad may not see have the word at the highest weight and the
// highest ids, first in the index's order: they are never shown or
// counted, however little or much of the lists a search reads; their
// owners see them first.
func TestSearch_InvisibleEntryAtTheHeadOfTheListNeverAppears(t *testing.T) {
	t.Parallel()
	d := setupSearch(t)
	ctx := context.Background()
	s := as(t, d, karlstad)
	for _, r := range append(headReadings, search.DefaultReading, wholeReading) {
		all, _ := pages(t, s, karlstad, "samverkan", search.Filter{}, 20, 100, r)
		require.NotContains(t, ids(all), eksjoInternal)
		require.NotContains(t, ids(all), jonkopingFederated)
		n, err := search.CountWith(ctx, s, karlstad, "samverkan", search.Filter{}, 10000, countReadings[0])
		require.NoError(t, err)
		require.Equal(t, len(all), n, "the count is of the visible entries")
	}

	res, err := search.Find(ctx, as(t, d, eksjo), eksjo, "samverkan", search.Filter{}, page.Request{First: 2})
	require.NoError(t, err)
	require.Equal(t, eksjoInternal, res.Items[0].ID, "its owner sees it first")
	require.Equal(t, jonkopingFederated, res.Items[1].ID, "its förbund's members see it")
}

// A cursor carries a score; one no search can give is refused before any
// SQL runs.
func TestSearch_RejectsACursorWithAnImpossibleScore(t *testing.T) {
	t.Parallel()
	for _, sort := range []string{"1e300", "NaN", "-Inf", "x"} {
		_, err := search.Find(context.Background(), nil, karlstad, "samverkan", search.Filter{},
			page.Request{First: 5, After: &page.Key{Sort: sort, ID: uuid.New()}})
		require.ErrorContains(t, err, "the cursor is not one of this search's", sort)
	}
}

// Words each in many entries but together in few are settled by the
// together round (the GIN index of migration 016), which, like every
// round, shows no entry its viewer may not see: the index is read only
// through directory_search_together, which applies the policy of
// row-level security itself.
func TestSearch_WordsSeldomTogetherAreSettledByTheTogetherRound(t *testing.T) {
	t.Parallel()
	d := setupSearch(t)
	ctx := context.Background()
	for _, viewer := range []uuid.UUID{karlstad, eksjo, fk} {
		s := as(t, d, viewer)
		// (Heads of 3: the test's lists are shorter than Find's heads.)
		r := search.Reading{Rounds: []search.Round{search.Head(3), search.Together(1000), search.Head(0)}}
		res, rounds, err := search.FindWith(ctx, s, viewer, "hörselvård skuldsanering", search.Filter{},
			page.Request{First: 5}, r)
		require.NoError(t, err)
		require.Equal(t, 2, rounds, "the first round cannot prove it; the together round does")
		require.NotEmpty(t, res.Items)
		require.Less(t, len(res.Items), seldomBoth)
	}

	// The function returns what the policy shows, even of the table's
	// rows that the application role may not read itself.
	found := func(org uuid.UUID) []uuid.UUID {
		var ids []uuid.UUID
		rows, err := as(t, d, org).Query(ctx, `SELECT entry_id FROM directory_search_together('samverkan'::tsquery, 100000)`)
		require.NoError(t, err)
		for rows.Next() {
			var id uuid.UUID
			require.NoError(t, rows.Scan(&id))
			ids = append(ids, id)
		}
		require.NoError(t, rows.Err())
		return ids
	}
	require.NotContains(t, found(karlstad), eksjoInternal)
	require.Contains(t, found(eksjo), eksjoInternal)
	var n int
	require.NoError(t, as(t, d, karlstad).QueryRow(ctx,
		`SELECT count(*) FROM directory_search_docs WHERE entry_id = $1`, eksjoInternal).Scan(&n))
	require.Zero(t, n, "the table itself is under row-level security")
}
