// Command waysin measures the hub's hottest question on a realistic mix
// (issue 16, docs/benchmarks.md): each request a user of the 8 demo users
// (tokens from the dev identity provider), a topic of the 13 weighted as a
// UI asks them, a municipality of the data set, a page of 5, 10 or 20 and
// sometimes an organisation-kind filter, with the document a UI sends
// (docs/directory.md, "waysIn"). It runs that end to end (HTTP, token,
// GraphQL, transaction, JSON) and the bare SQL of the same questions
// through pgx (the request's transaction with the asker's settings, the
// ranking query, commit), interleaved run by run, each side drawing the
// same questions from -seed, and reports both and their ratio.
//
// -repeat asks one question over and over instead: after the first request
// that measures the hub's answer cache, and is labelled so.
//
//	go run ./bench/waysin -url http://127.0.0.1:18492/graphql -issuer http://127.0.0.1:18491 \
//	    -database-url 'postgres://hub_app@127.0.0.1:55480/hub'
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/bench/internal/load"
	"github.com/samverkanshub/hub/bench/internal/mix"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/db"
)

// uiQuery is the waysIn document of docs/directory.md, as a UI sends it.
const uiQuery = `query($t: Topic!, $m: String!, $k: OrganizationKind, $first: Int) {
  waysIn(topic: $t, municipalityCode: $m, organizationKind: $k, first: $first) {
    match
    entry { functionName organization { name } openNow stale channels { kind value note openNow } }
    fallbackChain { functionName channels { kind value } } } }`

// Targets of issue 16 (item 2) on the realistic mix.
var targets = []load.Target{{Clients: 1, P99: 5 * time.Millisecond}, {Clients: 32, RPS: 3000}}

// question is one waysIn question of the mix.
type question struct {
	user         mix.User
	purpose      string
	topic        string
	municipality string
	kind         *string
	first        int
}

func (q question) label() string {
	k := "any kind"
	if q.kind != nil {
		k = *q.kind
	}
	return fmt.Sprintf("%s, first %d, %s", q.topic, q.first, k)
}

// draw draws a question: the user, its purpose, the topic and
// municipality, the page a UI asks for (10 most often) and, in 15 %, an
// organisation-kind filter.
func draw(m *mix.Mix) question {
	u := m.User()
	q := question{user: u, purpose: m.Purpose(u), topic: m.Topic(), municipality: m.Municipality().Code,
		first: mix.Pick(m, mix.WaysInPages)}
	if m.Percent(15) {
		k := mix.OneOf(m, mix.OrganizationKinds)
		q.kind = &k
	}
	return q
}

func main() {
	url := flag.String("url", "http://localhost:8080/graphql", "GraphQL endpoint")
	issuer := flag.String("issuer", "http://localhost:8081", "the dev identity provider the data set trusts (tokens of the demo users)")
	dbURL := flag.String("database-url", os.Getenv("HUB_APP_DATABASE_URL"), "connection URL of the hub's application role, hub_app ($HUB_APP_DATABASE_URL): the municipalities and the bare SQL")
	repeat := flag.Bool("repeat", false, "ask one question over and over (soc.karlstad, SAMORDNAD_REHABILITERING, 1780, first 20): a cache measurement")
	run := load.RunFlagsAt(32)
	flag.Parse()
	if err := run.Check(); err != nil {
		fail(err)
	}
	ctx := context.Background()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: run.Conc * 2}, Timeout: 10 * time.Second}
	// Two streams of the same seed: the hub and the SQL ask the same
	// questions in the same order.
	hubMix, err := mix.Load(ctx, client, *issuer, *dbURL, run.Seed)
	if err != nil {
		fail(err)
	}
	sqlMix := mix.New(run.Seed, hubMix.Municipalities)
	next := map[string]func() question{"hub": func() question { return draw(hubMix) }, "sql": func() question { return draw(sqlMix) }}
	name, mixText := "waysIn, realistic mix", "8 users, 13 topics weighted, all municipalities, first 5/10/20, kind filter 15 %"
	if *repeat {
		karlstad := hubMix.UserAmong("soc.karlstad")
		one := question{user: karlstad, purpose: "SAMORDNAD_REHABILITERING", topic: "SAMORDNAD_REHABILITERING", municipality: "1780", first: 20}
		next = map[string]func() question{"hub": func() question { return one }, "sql": func() question { return one }}
		name, mixText = "waysIn, repeated question (cache measurement)", "one question: soc.karlstad, SAMORDNAD_REHABILITERING, 1780, first 20"
	}
	hubMix.Describe(os.Stdout)
	fmt.Printf("scenario: %s (%s)\n", name, mixText)

	cfg, err := pgxpool.ParseConfig(*dbURL)
	if err != nil {
		fail(err)
	}
	cfg.MaxConns = int32(max(run.Conc, 4))
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		fail(err)
	}
	defer pool.Close()

	var mu sync.Mutex
	tally := map[string]int{}
	count := func(q question) {
		mu.Lock()
		tally["user "+q.user.Login]++
		tally["topic "+q.topic]++
		tally[fmt.Sprintf("first %2d", q.first)]++
		if q.kind != nil {
			tally["kind "+*q.kind]++
		}
		tally["municipality "+q.municipality[:2]+"xx"]++
		mu.Unlock()
	}
	sides := map[string]func() error{
		"hub": func() error {
			q := next["hub"]()
			count(q)
			body := load.GQL(uiQuery, map[string]any{"t": q.topic, "m": q.municipality, "k": q.kind, "first": q.first})
			var h http.Header
			if q.purpose != "" {
				h = http.Header{"Hub-Purpose": {q.purpose}}
			}
			return load.SendWith(client, *url, hubMix.Tokens[q.user.Login], h, body)
		},
		"sql": func() error { return bareWaysIn(ctx, pool, next["sql"]()) },
	}
	for _, side := range []string{"hub", "sql"} {
		if err := sides[side](); err != nil {
			fail(fmt.Errorf("%s does not run cleanly: %w", side, err))
		}
	}
	fmt.Println()
	for _, c := range []int{1, run.Conc} {
		for _, side := range []string{"hub", "sql"} {
			load.Run(c, run.Warmup, sides[side])
		}
		mu.Lock()
		clear(tally)
		mu.Unlock()
		results := map[string][]load.Result{}
		for i := range run.Count {
			for _, side := range []string{"hub", "sql"} {
				r := load.Run(c, run.Dur, sides[side])
				if r.Errors > 0 {
					fmt.Fprintf(os.Stderr, "%s c=%d run %d: %d errors, first: %v\n", side, c, i+1, r.Errors, r.FirstError)
				}
				fmt.Printf("c=%-3d run %d  %s %s\n", c, i+1, side, r)
				results[side] = append(results[side], r)
			}
		}
		g, s := load.MediansWithErrors(results["hub"]), load.MediansWithErrors(results["sql"])
		fmt.Printf("c=%-3d median hub %s\n       median sql %s\n", c, g, s)
		fmt.Printf("c=%-3d hub/sql: p50 %.2f  p99 %.2f  throughput sql/hub %.2f\n\n", c, ratio(g.P50, s.P50), ratio(g.P99, s.P99), s.RPS/g.RPS)
		ts := targets
		if *repeat {
			ts = nil
		}
		if err := load.Record(name, mixText, c, g, ts...); err != nil {
			fail(err)
		}
		if err := load.Record(name+", bare SQL", mixText+"; the ranking query only", c, s); err != nil {
			fail(err)
		}
	}
	fmt.Printf("seed %d; medians of %d runs of %s; requests of the hub's last measurement by user, topic, page, kind and county:\n", run.Seed, run.Count, run.Dur)
	for _, k := range load.SortedKeys(tally) {
		fmt.Printf("  %-48s %7d\n", k, tally[k])
	}
}

// bareWaysIn is what one waysIn question asks of the database, without
// the hub around it: the request's transaction with the asker's settings
// (db.Session, as the hub opens it), the ranking query, the commit. The
// hub's answer also reads the entries' channels and fallbacks (or keeps
// them in its cache); this is the bare ranking.
func bareWaysIn(ctx context.Context, pool *pgxpool.Pool, q question) error {
	s := db.NewSession(pool, db.Settings{
		Values: map[string]string{
			"hub.org_id": q.user.OrgID().String(), "hub.roles": strings.Join(q.user.Roles, ","),
			"hub.unit_id": q.user.UnitID().String(), "hub.user_id": q.user.Login, "hub.purpose": q.purpose,
			"hub.now": time.Now().UTC().Format(time.RFC3339Nano),
		},
		StatementTimeout: 5 * time.Second,
	})
	defer s.Rollback(ctx) //nolint:errcheck // after Commit it does nothing
	if _, _, err := directory.WaysIn(ctx, s, q.user.OrgID(), directory.Topic(q.topic), q.municipality, q.kind, q.first); err != nil {
		return err
	}
	return s.Commit(ctx)
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "waysin:", err)
	os.Exit(1)
}
