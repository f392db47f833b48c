// Package load drives a function from many concurrent clients for a fixed
// time and reports throughput and latency percentiles: the measuring loop
// the load generators under bench/ share.
package load

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Result is one run's measurement.
type Result struct {
	RPS      float64
	P50, P99 time.Duration
	Errors   int
	// FirstError is the first failure seen, to tell what went wrong.
	FirstError error
}

func (r Result) String() string {
	return fmt.Sprintf("%8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d", r.RPS, ms(r.P50), ms(r.P99), r.Errors)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Run calls do from conc goroutines until d has passed; failed calls count
// as errors, not as latencies.
func Run(conc int, d time.Duration, do func() error) Result {
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var lat []time.Duration
	var r Result
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			var errs int
			var first error
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if err := do(); err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, local...)
			r.Errors += errs
			if r.FirstError == nil {
				r.FirstError = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	r.RPS = float64(len(lat)) / elapsed.Seconds()
	if len(lat) > 0 {
		r.P50 = lat[len(lat)/2]
		r.P99 = lat[len(lat)*99/100]
	}
	return r
}

// Median returns the run with the median throughput.
func Median(runs []Result) Result {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b Result) int {
		switch {
		case a.RPS < b.RPS:
			return -1
		case a.RPS > b.RPS:
			return 1
		}
		return 0
	})
	return sorted[len(sorted)/2]
}

// Send sends one request: a GraphQL POST of body, or a plain GET when body
// is nil, with the bearer token if there is one. A status other than 200 or
// a response with errors is a failure.
func Send(client *http.Client, url, token string, body []byte) error {
	return SendWith(client, url, token, nil, body)
}

// SendWith is Send with extra request headers (e.g. Hub-Purpose).
func SendWith(client *http.Client, url, token string, header http.Header, body []byte) error {
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
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
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
