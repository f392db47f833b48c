// Command loadgen sends one GraphQL document to the hub over HTTP from many
// concurrent clients and reports throughput and latency. It only ever talks
// to the URL it is given (default: the local dev server); runs are bounded
// in time.
//
//	go run ./bench/loadgen -c 32 -d 10s -runs 3 -query '{ organizations(first: 50) { nodes { id name } } }'
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"
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
	run(client, *url, *token, body, *conc, *warmup)

	var results []result
	for i := 0; i < *runs; i++ {
		r := run(client, *url, *token, body, *conc, *dur)
		fmt.Printf("run %d: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d\n", i+1, r.rps, ms(r.p50), ms(r.p99), r.errors)
		results = append(results, r)
	}
	sort.Slice(results, func(i, j int) bool { return results[i].rps < results[j].rps })
	m := results[len(results)/2]
	fmt.Printf("median: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (c=%d, %s per run)\n", m.rps, ms(m.p50), ms(m.p99), *conc, *dur)
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func send(client *http.Client, url, token string, body []byte) error {
	method := http.MethodPost
	if body == nil {
		method = http.MethodGet
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errors"`)) {
		return fmt.Errorf("status %d: %.300s", res.StatusCode, b)
	}
	return nil
}

func check(client *http.Client, url, token string, body []byte) error {
	if err := send(client, url, token, body); err != nil {
		return fmt.Errorf("the document does not run cleanly: %w", err)
	}
	return nil
}

func run(client *http.Client, url, token string, body []byte, conc int, d time.Duration) result {
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			localErrs := 0
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if err := send(client, url, token, body); err != nil {
					localErrs++
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, local...)
			errs += localErrs
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := result{errors: errs, rps: float64(len(lat)) / elapsed.Seconds()}
	if len(lat) > 0 {
		r.p50 = lat[len(lat)/2]
		r.p99 = lat[len(lat)*99/100]
	}
	return r
}
