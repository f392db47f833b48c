// Command loadgen sends one GraphQL document to the hub over HTTP from many
// concurrent clients and reports throughput and latency. It only ever talks
// to the URL it is given (default: the local dev server); runs are bounded
// in time.
//
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
)

func main() {
	url := flag.String("url", "http://localhost:8080/graphql", "GraphQL endpoint")
	query := flag.String("query", `{ organizations(first: 50) { totalCount edges { cursor node { id kind name orgNumber } } pageInfo { hasNextPage endCursor } } }`, "GraphQL document to send")
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

	if err := check(client, *url, *token, body); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	do := func() error { return load.Send(client, *url, *token, body) }
	load.Run(*conc, *warmup, do)

	var results []load.Result
	for i := 0; i < *runs; i++ {
		r := load.Run(*conc, *dur, do)
		fmt.Printf("run %d: %s\n", i+1, r)
		results = append(results, r)
	}
	fmt.Printf("median: %s  (c=%d, %s per run)\n", load.Median(results), *conc, *dur)
}

func check(client *http.Client, url, token string, body []byte) error {
	if err := load.Send(client, url, token, body); err != nil {
		return fmt.Errorf("the document does not run cleanly: %w", err)
	}
	return nil
}
