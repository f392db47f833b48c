package resident_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	appseed "github.com/samverkanshub/hub/internal/app/seed"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/demo/national"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/directory/resident"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
	"github.com/samverkanshub/hub/internal/tenancy"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Memory answers exactly what SQL answers: for organisations of every
// kind, every topic, municipalities across the country (and one that does
// not exist), with and without an organisation kind, and answers of
// several lengths, the ways in, their order and match, each entry's
// channels and its fallback chain are the SQL's, read with the viewer's
// row-level security. The data is the demo's and a small national set,
// made harder by hand: channels whose visibility differs from their
// entry's, fallback chains (through internal entries, archived ones, and
// loops) and archived entries.
func TestView_AnswersWhatSQLAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, appseed.Demo(ctx, d.Pool, demo.DevKeys(), "test"))
	require.NoError(t, national.Load(ctx, d.Pool, national.Options{Seed: 3, Entries: 2000, Vardcentrals: 290,
		Today: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}))
	for _, stmt := range []string{
		// A fifth of the channels get another visibility than their entry's.
		`UPDATE directory_channels SET visibility = (ARRAY['PUBLIC','FEDERATION','ORGANISATION'])[1 + abs(hashtext(id::text)) % 3]::directory_visibility
		 WHERE abs(hashtext(id::text || 'v')) % 5 = 0`,
		// A third of the entries fall back on another of the same kind of
		// place; some chains loop.
		`WITH e AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM directory_entries)
		 UPDATE directory_entries x SET fallback_entry_id = f.id
		 FROM e, e f WHERE x.id = e.id AND f.n = (e.n * 7919) % (SELECT count(*) FROM e) + 1 AND e.n % 3 = 0 AND f.id <> x.id`,
		// Some entries are archived, as the API archives them (their ways
		// leave the ranking); fallbacks may still name them.
		`UPDATE directory_entries SET archived_at = now() WHERE abs(hashtext(id::text || 'a')) % 40 = 0`,
		`DELETE FROM directory_ways w USING directory_entries e WHERE e.id = w.entry_id AND e.archived_at IS NOT NULL`,
	} {
		_, err := d.Pool.Exec(ctx, stmt)
		require.NoError(t, err)
	}

	memory := resident.New(d.AppPool, nil)
	require.NoError(t, memory.Load(ctx))

	now := time.Date(2026, 12, 3, 10, 30, 0, 0, time.UTC) // a Thursday morning
	today := tenancy.DayOf(now)
	var viewers []uuid.UUID
	rows, err := d.Pool.Query(ctx, `SELECT id FROM organizations ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var id uuid.UUID
		require.NoError(t, rows.Scan(&id))
		viewers = append(viewers, id)
	}
	require.NoError(t, rows.Err())
	var codes []string
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT array_agg(code ORDER BY code) FROM municipalities`).Scan(&codes))

	rng := rand.New(rand.NewPCG(16, 2))
	rng.Shuffle(len(viewers), func(i, j int) { viewers[i], viewers[j] = viewers[j], viewers[i] })
	var busiest []uuid.UUID // the organisations with the most internal entries
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT array_agg(org_id) FROM (SELECT org_id FROM directory_entries
		WHERE visibility = 'ORGANISATION' GROUP BY org_id ORDER BY count(*) DESC, org_id LIMIT 6) x`).Scan(&busiest))
	viewers = append(append([]uuid.UUID{demo.ID("org/karlstad"), demo.ID("org/fk"), demo.ID("org/region-varmland"), demo.ID("org/hoglandet")}, busiest...), viewers[:10]...)
	kinds := []*string{nil, ptr("KOMMUN"), ptr("REGION"), ptr("FK")}
	compared, withOwn, withChannels, withFallbacks := 0, 0, 0, 0
	for _, viewer := range viewers {
		view := viewWhenLoaded(t, memory, viewer, today)
		s := db.NewSession(d.AppPool, db.Settings{Values: map[string]string{
			"hub.org_id": viewer.String(), "hub.now": now.Format(time.RFC3339Nano)}, ReadOnly: true})
		rollback := func() { _ = s.Rollback(context.Background()) } // it holds a connection of AppPool
		t.Cleanup(rollback)
		var own []string // where the viewer's internal entries are
		require.NoError(t, d.Pool.QueryRow(ctx, `SELECT coalesce(array_agg(DISTINCT c), '{}') FROM directory_entries, unnest(municipality_codes) c
			WHERE org_id = $1 AND visibility = 'ORGANISATION'`, viewer).Scan(&own))
		for _, topic := range directory.Topics {
			for range 3 {
				code := codes[rng.IntN(len(codes))]
				if len(own) > 0 && rng.IntN(2) == 0 {
					code = own[rng.IntN(len(own))]
				}
				if rng.IntN(20) == 0 {
					code = "9999" // no such municipality: no national ways either
				}
				kind := kinds[rng.IntN(len(kinds))]
				first := []int{1, 5, 20, 100}[rng.IntN(4)]
				want, err := directory.WaysIn(ctx, s, viewer, topic, code, kind, first)
				require.NoError(t, err)
				got := view.WaysIn(topic, code, kind, first)
				require.Equal(t, keys(want), keys(got), "viewer %s, %s in %s, kind %v, first %d", viewer, topic, code, kind, first)
				compared++
				var ids []uuid.UUID
				for _, w := range got {
					ids = append(ids, w.ID)
					if w.Visibility == directory.Organisation {
						withOwn++
					}
				}
				channels, err := directory.ChannelsByEntry(ctx, s, viewer, ids)
				require.NoError(t, err)
				for _, w := range got {
					require.Equal(t, channelIDs(channels[w.ID]), channelIDs(view.Channels(w.ID)), "channels of %s for %s", w.ID, viewer)
					if len(channels[w.ID]) > 0 {
						withChannels++
					}
					chain := view.FallbackChain(&w.Entry, 5)
					require.Equal(t, sqlChain(t, ctx, s, viewer, w.Entry), entryIDs(chain), "fallbacks of %s for %s", w.ID, viewer)
					if len(chain) > 0 {
						withFallbacks++
					}
				}
			}
		}
		rollback()
	}
	t.Logf("%d questions compared; %d internal ways, %d entries with channels, %d with fallbacks", compared, withOwn, withChannels, withFallbacks)
	require.Positive(t, withOwn, "the comparison covers internal entries")
	require.Positive(t, withFallbacks, "the comparison covers fallback chains")
}

// A view answers from memory only at the directory's current version: a
// change moves the version, the next View reports memory behind (and
// starts a load), and once loaded memory answers with the change.
func TestView_OnlyAtTheCurrentVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, memory := demoInMemory(t)
	karlstad := demo.ID("org/karlstad")
	today := tenancy.DayOf(time.Now())
	view := func() *resident.View { return viewWhenLoaded(t, memory, karlstad, today) }
	before := view().WaysIn("SAMORDNAD_REHABILITERING", "1780", nil, 20)
	require.NotEmpty(t, before)

	_, err := d.Pool.Exec(ctx, `UPDATE directory_channels SET value = value || ' (ny)' WHERE entry_id = $1`, before[0].ID)
	require.NoError(t, err)
	_, ok, err := memory.View(ctx, karlstad, today)
	require.NoError(t, err)
	require.False(t, ok, "a channel's change moves the version (migration 042): memory is behind")
	for _, c := range view().Channels(before[0].ID) {
		require.Contains(t, c.Value, "(ny)")
	}

	_, err = d.Pool.Exec(ctx, `UPDATE units SET name = name || ' (ny)'`)
	require.NoError(t, err)
	_, ok, err = memory.View(ctx, karlstad, today)
	require.NoError(t, err)
	require.False(t, ok, "a unit's change moves the version (migration 042)")
	v := view()
	for _, w := range before {
		if w.UnitID != nil {
			u, found := v.Unit(*w.UnitID)
			require.True(t, found)
			require.Contains(t, u.Name, "(ny)")
		}
	}
	require.GreaterOrEqual(t, memory.Stats().Loads.Load(), int64(3))
}

func ptr(s string) *string { return &s }

// demoInMemory is a database with the demo data and its directory loaded
// into memory.
func demoInMemory(t *testing.T) (*pgtest.DB, *resident.Directory) {
	t.Helper()
	d := pgtest.NewDatabase(t)
	require.NoError(t, appseed.Demo(context.Background(), d.Pool, demo.DevKeys(), "test"))
	memory := resident.New(d.AppPool, nil)
	require.NoError(t, memory.Load(context.Background()))
	return d, memory
}

// viewWhenLoaded asks until memory answers for viewer: it holds the
// current version and the viewer's internal part.
func viewWhenLoaded(t *testing.T, memory *resident.Directory, viewer uuid.UUID, day time.Time) *resident.View {
	t.Helper()
	var view *resident.View
	require.Eventually(t, func() bool {
		v, ok, err := memory.View(context.Background(), viewer, day)
		view = v
		return err == nil && ok
	}, 20*time.Second, 20*time.Millisecond, "memory catches up with the directory's version")
	return view
}

type wayKey struct {
	ID    uuid.UUID
	Match directory.MatchLevel
}

func keys(ways []directory.WayIn) []wayKey {
	out := []wayKey{}
	for _, w := range ways {
		out = append(out, wayKey{w.ID, w.Match})
	}
	return out
}

func channelIDs(chs []directory.Channel) []uuid.UUID {
	out := []uuid.UUID{}
	for _, c := range chs {
		out = append(out, c.ID)
	}
	return out
}

func entryIDs(es []directory.Entry) []uuid.UUID {
	out := []uuid.UUID{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// sqlChain follows start's fallbacks through SQL, as the fallbackChain
// resolver does without memory (vagin.FallbackChains).
func sqlChain(t *testing.T, ctx context.Context, s *db.Session, viewer uuid.UUID, start directory.Entry) []uuid.UUID {
	t.Helper()
	out := []uuid.UUID{}
	seen := map[uuid.UUID]bool{start.ID: true}
	next := start.FallbackEntryID
	for len(out) < 5 && next != nil && !seen[*next] {
		found, err := directory.EntriesByID(ctx, s, viewer, []uuid.UUID{*next})
		require.NoError(t, err)
		e, ok := found[*next]
		if !ok {
			break
		}
		seen[e.ID] = true
		out = append(out, e.ID)
		next = e.FallbackEntryID
	}
	return out
}

// Concurrent requests share version reads, but none is answered from a
// version older than a change committed before it asked: after each
// commit, every view memory gives (from goroutines asking at once, as
// requests do) is at that version or later.
func TestView_SharedVersionReadsNeverPredateTheRequest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, memory := demoInMemory(t)
	karlstad := demo.ID("org/karlstad")
	today := tenancy.DayOf(time.Now())
	served := 0
	for i := range 15 {
		_, err := d.Pool.Exec(ctx, `UPDATE directory_entries SET description = description || '.' WHERE org_id = $1`, karlstad)
		require.NoError(t, err)
		var committed int64
		require.NoError(t, d.Pool.QueryRow(ctx, `SELECT version FROM directory_version`).Scan(&committed))
		results := make(chan int64, 64)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				deadline := time.Now().Add(10 * time.Second)
				for time.Now().Before(deadline) {
					v, ok, err := memory.View(ctx, karlstad, today)
					if err != nil {
						results <- -1
						return
					}
					if ok {
						results <- v.Version()
						return
					}
					time.Sleep(time.Millisecond)
				}
				results <- 0
			}()
		}
		wg.Wait()
		close(results)
		for v := range results {
			require.GreaterOrEqual(t, v, committed, "round %d: a view older than a change committed before the request", i)
			served++
		}
	}
	require.Equal(t, 15*8, served)
}
