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

// Targets of issue 16 (item 2) on the realistic mix.
var targets = []load.Target{{Clients: 1, P99: 5 * time.Millisecond}, {Clients: 32, RPS: 3000}}

func main() {
	url := flag.String("url", "http://localhost:8080/graphql", "GraphQL endpoint")
	issuer := flag.String("issuer", "http://localhost:8081", "the dev identity provider the data set trusts (tokens of the demo users)")
	dbURL := flag.String("database-url", os.Getenv("HUB_APP_DATABASE_URL"), "connection URL of the hub's application role, hub_app ($HUB_APP_DATABASE_URL): the municipalities and the bare SQL")
	repeat := flag.Bool("repeat", false, "ask one question over and over (soc.karlstad, SAMORDNAD_REHABILITERING, 1780, first 20): a cache measurement")
	run := load.RunFlagsAt(32)
	client, err := run.Parse(10 * time.Second)
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	// Two streams of the same seed: the hub and the SQL ask the same
	// questions in the same order.
	hubMix, err := mix.Load(ctx, client, *issuer, *dbURL, run.Seed)
	if err != nil {
		fail(err)
	}
	sqlMix := mix.New(run.Seed, hubMix.Municipalities)
	next := map[string]func() mix.WaysIn{"hub": hubMix.WaysIn, "sql": sqlMix.WaysIn}
	name, mixText := "waysIn, realistic mix", "8 users, 13 topics weighted, all municipalities, first 5/10/20, kind filter 15 %"
	if *repeat {
		karlstad := hubMix.UserAmong("soc.karlstad")
		one := mix.WaysIn{User: karlstad, Purpose: "SAMORDNAD_REHABILITERING", Topic: "SAMORDNAD_REHABILITERING", Municipality: "1780", First: 20}
		next = map[string]func() mix.WaysIn{"hub": func() mix.WaysIn { return one }, "sql": func() mix.WaysIn { return one }}
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
	count := func(q mix.WaysIn) {
		mu.Lock()
		tally["user "+q.User.Login]++
		tally["topic "+q.Topic]++
		tally[fmt.Sprintf("first %2d", q.First)]++
		if q.Kind != nil {
			tally["kind "+*q.Kind]++
		}
		tally["municipality "+q.Municipality[:2]+"xx"]++
		mu.Unlock()
	}
	sides := map[string]func() error{
		"hub": func() error {
			q := next["hub"]()
			count(q)
			r := load.Request{Token: hubMix.Tokens[q.User.Login], Purpose: q.Purpose, Body: load.GQL(mix.WaysInDocument, q.Vars())}
			return load.SendWith(client, *url, r.Token, r.Header(), r.Body)
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
func bareWaysIn(ctx context.Context, pool *pgxpool.Pool, q mix.WaysIn) error {
	s := db.NewSession(pool, db.Settings{
		Values: map[string]string{
			"hub.org_id": q.User.OrgID().String(), "hub.roles": strings.Join(q.User.Roles, ","),
			"hub.unit_id": q.User.UnitID().String(), "hub.user_id": q.User.Login, "hub.purpose": q.Purpose,
			"hub.now": time.Now().UTC().Format(time.RFC3339Nano),
		},
		StatementTimeout: 5 * time.Second,
	})
	defer s.Rollback(ctx) //nolint:errcheck // after Commit it does nothing
	if _, err := directory.WaysIn(ctx, s, q.User.OrgID(), directory.Topic(q.Topic), q.Municipality, q.Kind, q.First); err != nil {
		return err
	}
	return s.Commit(ctx)
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "waysin:", err)
	os.Exit(1)
}
