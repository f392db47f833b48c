// Command waysin measures the hub's overhead on its hottest question: it
// runs waysIn end to end (HTTP, token, GraphQL, transaction, JSON) and the
// bare SQL of the same answer through pgx (the request's transaction with
// its settings, the query, commit), alternately, from the same number of
// concurrent clients, and reports both and their ratio. Point it at a hub
// serving the national data set (docs/directory.md, "Performance").
//
//	go run ./bench/waysin -token "$(hub token soc.karlstad)" \
//	    -database-url 'postgres://hub_app:…@127.0.0.1:5439/hub'
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/bench/internal/load"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/db"
)

func main() {
	url := flag.String("url", "http://localhost:8080/graphql", "GraphQL endpoint")
	token := flag.String("token", os.Getenv("HUB_TOKEN"), "bearer token ($HUB_TOKEN) of a person of -org")
	dbURL := flag.String("database-url", "", "connection URL of the hub's application role (hub_app), for the bare SQL")
	org := flag.String("org", demo.ID("org/karlstad").String(), "the viewer's organisation id (the token's organisation)")
	topic := flag.String("topic", "SAMORDNAD_REHABILITERING", "topic asked about")
	municipality := flag.String("municipality", "1780", "kommunkod asked about")
	first := flag.Int("first", 20, "ways in per answer")
	conc := flag.Int("c", 32, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "duration of one run")
	runs := flag.Int("runs", 3, "runs of each; medians are reported")
	warmup := flag.Duration("warmup", 2*time.Second, "warm-up of each before the first run")
	flag.Parse()
	if *dbURL == "" {
		fail(fmt.Errorf("-database-url is required"))
	}
	viewer, err := uuid.Parse(*org)
	if err != nil {
		fail(fmt.Errorf("-org: %w", err))
	}
	if *dur > 5*time.Minute || *runs > 20 {
		fail(fmt.Errorf("runs are limited to 5 minutes and 20 repetitions"))
	}

	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(*dbURL)
	if err != nil {
		fail(err)
	}
	cfg.MaxConns = int32(*conc)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		fail(err)
	}
	defer pool.Close()
	bare := func() error { return bareWaysIn(ctx, pool, viewer, directory.Topic(*topic), *municipality, *first) }

	body, _ := json.Marshal(map[string]any{
		"query": `query($t: Topic!, $m: String!, $first: Int) {
			waysIn(topic: $t, municipalityCode: $m, first: $first) { match entry { id functionName } } }`,
		"variables": map[string]any{"t": *topic, "m": *municipality, "first": *first},
	})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}, Timeout: 10 * time.Second}
	graphql := func() error { return load.Send(client, *url, *token, body) }

	for name, do := range map[string]func() error{"graphql": graphql, "sql": bare} {
		if err := do(); err != nil {
			fail(fmt.Errorf("%s does not run cleanly: %w", name, err))
		}
		load.Run(*conc, *warmup, do)
	}
	var gql, sql []load.Result
	for i := range *runs {
		g := load.Run(*conc, *dur, graphql)
		s := load.Run(*conc, *dur, bare)
		fmt.Printf("run %d  graphql %s\n       sql     %s\n", i+1, g, s)
		gql, sql = append(gql, g), append(sql, s)
	}
	g, s := load.Median(gql), load.Median(sql)
	fmt.Printf("median graphql %s\nmedian sql     %s\n", g, s)
	fmt.Printf("overhead (graphql/sql): p50 %.2f  p99 %.2f  throughput %.2f  (c=%d, %s per run)\n",
		ratio(g.P50, s.P50), ratio(g.P99, s.P99), s.RPS/g.RPS, *conc, *dur)
}

// bareWaysIn is what one waysIn request asks of the database, without the
// hub around it: the request's transaction with its settings (db.Session,
// as the hub opens it), the query, the commit.
func bareWaysIn(ctx context.Context, pool *pgxpool.Pool, viewer uuid.UUID, topic directory.Topic, m string, first int) error {
	s := db.NewSession(pool, db.Settings{
		Values: map[string]string{
			"hub.org_id": viewer.String(), "hub.roles": "SOCIALSEKRETERARE", "hub.unit_id": "", "hub.user_id": "bench",
		},
		StatementTimeout: 5 * time.Second,
	})
	defer s.Rollback(ctx) //nolint:errcheck // after Commit it does nothing
	ways, err := directory.WaysIn(ctx, s, viewer, topic, m, nil, first)
	if err != nil {
		return err
	}
	if len(ways) == 0 {
		return fmt.Errorf("no ways in")
	}
	return s.Commit(ctx)
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "waysin:", err)
	os.Exit(1)
}
