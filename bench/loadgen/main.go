// Command loadgen measures the hub's HTTP and GraphQL path with a cheap
// page from many concurrent clients and reports throughput and latency.
// By default each request is the organisations page a UI shows, as one of
// the 8 demo users (tokens from the dev identity provider, -issuer) with a
// page of 10, 20 or 50 drawn from -seed (bench/internal/mix). With -query
// it sends that one document over and over instead (with -token, if
// given). It only ever talks to the URLs it is given (default: the local
// dev server); runs are bounded in time.
//
//	go run ./bench/loadgen -c 32 -d 10s -runs 3
//	go run ./bench/loadgen -c 32 -d 10s -runs 3 -query '{ organizations(first: 50) { nodes { id name } } }'
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/samverkanshub/hub/bench/internal/load"
	"github.com/samverkanshub/hub/bench/internal/mix"
)

const organizationsPage = `query($first: Int) { organizations(first: $first) {
  totalCount edges { cursor node { id kind name orgNumber } } pageInfo { hasNextPage endCursor } } }`

func main() {
	url := flag.String("url", "http://localhost:8080/graphql", "GraphQL endpoint")
	query := flag.String("query", "", "one GraphQL document to send over and over (default: the organisations page of the mix)")
	issuer := flag.String("issuer", "http://localhost:8081", "the dev identity provider the data set trusts (the mix's tokens)")
	seed := flag.Uint64("seed", 1, "the random stream of the mix")
	token := flag.String("token", os.Getenv("HUB_TOKEN"), "bearer token ($HUB_TOKEN), if the endpoint needs one")
	conc := flag.Int("c", 32, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "duration of one run")
	runs := flag.Int("runs", 3, "number of runs; the median is reported")
	warmup := flag.Duration("warmup", 2*time.Second, "warm-up before the first run")
	get := flag.Bool("get", false, "send plain GET requests to -url instead of GraphQL (e.g. /healthz, for comparison)")
	flag.Parse()
	if *dur > 5*time.Minute || *runs > 20 {
		fmt.Fprintln(os.Stderr, "loadgen: runs are limited to 5 minutes and 20 repetitions")
		os.Exit(2)
	}
	var body []byte
	if !*get {
		body, _ = json.Marshal(map[string]string{"query": *query})
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}, Timeout: 10 * time.Second}

	name, mixText := "one document, repeated", "-query or -get"
	next := func() load.Request { return load.Request{Token: *token, Body: body} }
	if *query == "" && !*get {
		m := mix.New(*seed, nil)
		logins := make([]string, len(mix.Users))
		for i, u := range mix.Users {
			logins[i] = u.Value.Login
		}
		tokens, err := load.Tokens(client, *issuer, logins...)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
		m.Tokens = tokens
		name, mixText = "organisations page", "8 users, first 10/20/50"
		next = func() load.Request {
			return m.Request(m.User(), "", load.GQL(organizationsPage, map[string]any{"first": mix.Pick(m, mix.ListPages)}))
		}
		fmt.Printf("mix: seed %d; %s\n", *seed, mixText)
	}
	do := func() error { r := next(); return load.SendWith(client, *url, r.Token, r.Header(), r.Body) }
	if err := do(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen: the document does not run cleanly:", err)
		os.Exit(1)
	}
	load.Run(*conc, *warmup, do)

	var results []load.Result
	for i := 0; i < *runs; i++ {
		r := load.Run(*conc, *dur, do)
		fmt.Printf("run %d: %s\n", i+1, r)
		results = append(results, r)
	}
	fmt.Printf("median: %s  (%s, c=%d, %s per run)\n", load.Median(results), name, *conc, *dur)
	if err := load.Record(name, mixText, *conc, load.MediansWithErrors(results)); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}
