// Command search measures directorySearch on a realistic mix (issue 16,
// docs/benchmarks.md): queries of 1–3 real words of the directory (topic
// words, organisation, unit, function and municipality names, read from
// the data set), a quarter of them with a typo, sometimes a municipality
// or topic filter, sometimes totalCount, a page of 10, 20 or 50, asked by
// the 8 demo users. It reports p50/p99 at one client and throughput at -c
// (default 32). Target: p99 ≤ 20 ms (at one client).
//
//	go run ./bench/search -url http://127.0.0.1:18492/graphql -issuer http://127.0.0.1:18491 \
//	    -database-url 'postgres://hub_app@127.0.0.1:55480/hub'
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/samverkanshub/hub/bench/internal/load"
	"github.com/samverkanshub/hub/bench/internal/mix"
)

func main() {
	url := flag.String("url", "http://localhost:8080/graphql", "GraphQL endpoint")
	issuer := flag.String("issuer", "http://localhost:8081", "the dev identity provider the data set trusts (tokens of the demo users)")
	dbURL := flag.String("database-url", os.Getenv("HUB_APP_DATABASE_URL"), "connection URL of the data set's database ($HUB_APP_DATABASE_URL), read for its words and municipalities")
	samples := flag.Int("samples", 12, "example queries to print")
	run := load.RunFlagsAt(32)
	client, err := run.Parse(10 * time.Second)
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	m, err := mix.Load(ctx, client, *issuer, *dbURL, run.Seed)
	if err != nil {
		fail(err)
	}
	vocab, err := mix.ReadVocabulary(ctx, *dbURL)
	if err != nil {
		fail(err)
	}
	m.Describe(os.Stdout)
	fmt.Printf("  words: %d organisation, %d unit, %d function names; the topics' words; the municipalities' names\n",
		len(vocab.Organizations), len(vocab.Units), len(vocab.Functions))
	// Examples from a stream of their own, so that printing them does not
	// change the measured sequence.
	ex := mix.New(run.Seed+1_000_000, m.Municipalities)
	fmt.Println("  examples:")
	for range *samples {
		s := ex.Search(vocab)
		fmt.Printf("    %-40q %s, first %d\n", s.Query, s.Label, s.First)
	}
	scenario := load.Scenario{
		Name: "directorySearch, realistic mix",
		Mix:  "1–3 words of the directory, 25 % with a typo, filters, totalCount 30 %, 8 users",
		Next: func() load.Request {
			s := m.Search(vocab)
			return m.Request(m.User(), s.Label, load.GQL(mix.SearchDocument, s.Vars()))
		},
		Targets: []load.Target{{Clients: 1, P99: 20 * time.Millisecond}},
	}
	if err := run.Measure(client, *url, []load.Scenario{scenario}); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "search:", err)
	os.Exit(1)
}
