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

func ms(d time.Duration) float64 { return Ms(d) }

// Ms is d in milliseconds.
func Ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Run calls do from conc goroutines until d has passed; failed calls count
// as errors, not as latencies.
func Run(conc int, d time.Duration, do func() error) Result {
	return RunAt(conc, d, 0, do)
}

// RunAt is Run with at most rate calls a second from all goroutines
// together (0: as fast as they go). A call waits for its turn before its
// latency is taken.
func RunAt(conc int, d time.Duration, rate float64, do func() error) Result {
	deadline := time.Now().Add(d)
	var turn sync.Mutex
	next := time.Now()
	wait := func() {
		if rate <= 0 {
			return
		}
		turn.Lock()
		at := next
		if now := time.Now(); now.After(at) {
			at = now
		}
		next = at.Add(time.Duration(float64(time.Second) / rate))
		turn.Unlock()
		time.Sleep(time.Until(at))
	}
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
				wait()
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
	r.P50, r.P99 = Percentile(lat, 50), Percentile(lat, 99)
	return r
}

// Percentile is the pct-th percentile of sorted latencies (100: the
// largest), 0 when there are none.
func Percentile(sorted []time.Duration, pct int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)*pct/100, len(sorted)-1)]
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

// Medians takes each figure's median over the runs separately (unlike
// Median, which picks one run).
func Medians(runs []Result) Result {
	mid := func(f func(Result) float64) float64 {
		xs := make([]float64, len(runs))
		for i, r := range runs {
			xs[i] = f(r)
		}
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	return Result{
		P50: time.Duration(mid(func(r Result) float64 { return float64(r.P50) })),
		P99: time.Duration(mid(func(r Result) float64 { return float64(r.P99) })),
		RPS: mid(func(r Result) float64 { return r.RPS }),
	}
}

// MediansWithErrors is Medians with the errors of all runs together.
func MediansWithErrors(runs []Result) Result {
	m := Medians(runs)
	for _, r := range runs {
		m.Errors += r.Errors
	}
	return m
}

// Send sends one request: a GraphQL POST of body, or a plain GET when body
// is nil, with the bearer token if there is one. A status other than 200 or
// a response with errors is a failure.
func Send(client *http.Client, url, token string, body []byte) error {
	return SendWith(client, url, token, nil, body)
}

// SendWith is Send with extra request headers (e.g. Hub-Purpose).
func SendWith(client *http.Client, url, token string, header http.Header, body []byte) error {
	b, status, err := do(client, url, token, header, body)
	if err != nil {
		return err
	}
	if status == http.StatusTooManyRequests {
		return fmt.Errorf("status 429, the hub's rate limit: benchmark a hub started with --rate-limit-principal 0 --rate-limit-client 0 (docs/metrics-and-limits.md): %.300s", b)
	}
	if status != http.StatusOK || bytes.Contains(b, []byte(`"errors"`)) {
		return fmt.Errorf("status %d: %.300s", status, b)
	}
	return nil
}

// do sends one request and reads the whole response.
func do(client *http.Client, url, token string, header http.Header, body []byte) ([]byte, int, error) {
	method := http.MethodPost
	if body == nil {
		method = http.MethodGet
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
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
		return nil, 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return b, res.StatusCode, err
}
