// Package load drives a function from many concurrent clients for a fixed
// time and reports throughput and latency percentiles: the measuring loop
// the load generators under bench/ share.
package load

import (
	"fmt"
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
