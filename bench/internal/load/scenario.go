package load

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// Request is one GraphQL request ready to send: its user, the purpose it
// declares (Hub-Purpose), a label for the mix, and its body.
type Request struct {
	User, Token, Purpose, Label string
	Body                        []byte
}

// Header is the request's extra headers (Hub-Purpose, unless the request
// declares no purpose).
func (p Request) Header() http.Header {
	if p.Purpose == "" {
		return nil
	}
	return http.Header{"Hub-Purpose": {p.Purpose}}
}

// Scenario is a named stream of requests: Next draws the next one from
// the scenario's mix.
type Scenario struct {
	Name string
	Next func() Request
	// Mix names the scenario's mix in one line, for the report
	// (report.go); Targets are its targets, if it has any.
	Mix     string
	Targets []Target
}

// Row is one scenario's medians at one concurrency, the mix of its
// measured requests (by user and label), and the latencies by user over
// all its runs together.
type Row struct {
	Name   string
	Conc   int
	Median Result
	Mix    map[string]int
	ByUser map[string]Result
}

// RunScenarios measures each scenario at each concurrency: a warm-up, then
// runs of dur, each request drawn from the scenario. A scenario whose first
// request fails is an error; failures during a run are printed and
// counted, not timed.
func RunScenarios(client *http.Client, endpoint string, scenarios []Scenario, concs []int, warmup, dur time.Duration, runs int) ([]Row, error) {
	var rows []Row
	for _, s := range scenarios {
		first := s.Next()
		if err := SendWith(client, endpoint, first.Token, first.Header(), first.Body); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		for _, c := range concs {
			var mu sync.Mutex
			mix, byUser := map[string]int{}, map[string][]time.Duration{}
			do := func() error {
				p := s.Next()
				t0 := time.Now()
				err := SendWith(client, endpoint, p.Token, p.Header(), p.Body)
				took := time.Since(t0)
				mu.Lock()
				mix[p.User+" "+p.Label]++
				if err == nil {
					byUser[p.User] = append(byUser[p.User], took)
				}
				mu.Unlock()
				return err
			}
			Run(c, warmup, do)
			mu.Lock()
			mix, byUser = map[string]int{}, map[string][]time.Duration{}
			mu.Unlock()
			var results []Result
			for i := range runs {
				r := Run(c, dur, do)
				if r.Errors > 0 {
					fmt.Fprintf(os.Stderr, "%s c=%d run %d: %d errors, first: %v\n", s.Name, c, i+1, r.Errors, r.FirstError)
				}
				fmt.Printf("%-40s c=%-3d run %d: %s\n", s.Name, c, i+1, r)
				results = append(results, r)
			}
			users := map[string]Result{}
			for u, lat := range byUser {
				slices.Sort(lat)
				users[u] = Result{P50: Percentile(lat, 50), P99: Percentile(lat, 99), RPS: float64(len(lat))}
			}
			rows = append(rows, Row{s.Name, c, Medians(results), mix, users})
			if err := Record(s.Name, s.Mix, c, MediansWithErrors(results), s.Targets...); err != nil {
				return nil, err
			}
		}
	}
	return rows, nil
}

// PrintTable writes the rows as a Markdown table of medians, then each
// row's mix.
func PrintTable(w io.Writer, rows []Row, seed uint64, runs int, dur time.Duration) {
	fmt.Fprintf(w, "\nseed %d; medians of %d runs of %s (p50 and p99 are each the median over the runs)\n", seed, runs, dur)
	fmt.Fprintf(w, "| %-40s | %3s | %8s | %8s | %8s |\n", "scenario", "c", "p50 ms", "p99 ms", "req/s")
	fmt.Fprintf(w, "|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 42), strings.Repeat("-", 5), strings.Repeat("-", 10), strings.Repeat("-", 10), strings.Repeat("-", 10))
	for _, r := range rows {
		fmt.Fprintf(w, "| %-40s | %3d | %8.2f | %8.2f | %8.1f |\n", r.Name, r.Conc, Ms(r.Median.P50), Ms(r.Median.P99), r.Median.RPS)
	}
	for _, r := range rows {
		fmt.Fprintf(w, "\n%s, c=%d, by user (all runs together): user, requests, p50 ms, p99 ms\n", r.Name, r.Conc)
		for _, u := range SortedKeys(r.ByUser) {
			fmt.Fprintf(w, "  %-16s %7.0f %8.2f %8.2f\n", u, r.ByUser[u].RPS, Ms(r.ByUser[u].P50), Ms(r.ByUser[u].P99))
		}
	}
	for _, r := range rows {
		fmt.Fprintf(w, "\nmix of %s, c=%d (requests by user and label):\n", r.Name, r.Conc)
		for _, k := range SortedKeys(r.Mix) {
			fmt.Fprintf(w, "  %-60s %7d\n", k, r.Mix[k])
		}
	}
}

// Runs are the flags of a load generator's measurement: the mix's seed,
// the concurrency of the second measurement, the runs and their length,
// and which scenarios to run.
type Runs struct {
	Seed        uint64
	Conc, Count int
	Dur, Warmup time.Duration
	Only        string
}

// RunFlags registers the Runs flags on the command line's flag set; read
// them after flag.Parse.
func RunFlags() *Runs { return RunFlagsAt(4) }

// RunFlagsAt is RunFlags with conc the default of -c.
func RunFlagsAt(conc int) *Runs {
	r := &Runs{}
	flag.Uint64Var(&r.Seed, "seed", 1, "the random stream of the mix")
	flag.IntVar(&r.Conc, "c", conc, "concurrent clients of the second measurement")
	flag.DurationVar(&r.Dur, "d", 10*time.Second, "duration of one run")
	flag.IntVar(&r.Count, "runs", 3, "runs of each; medians are reported")
	flag.DurationVar(&r.Warmup, "warmup", 3*time.Second, "warm-up of each before the first run")
	flag.StringVar(&r.Only, "only", "", "run only the scenarios whose name contains this")
	return r
}

// Parse parses the command line, checks the limits and returns an HTTP
// client for -c concurrent clients with the timeout.
func (r *Runs) Parse(timeout time.Duration) (*http.Client, error) {
	flag.Parse()
	if err := r.Check(); err != nil {
		return nil, err
	}
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: r.Conc * 2}, Timeout: timeout}, nil
}

// Check refuses runs past the limits: a load generator stops by itself.
func (r *Runs) Check() error {
	if r.Dur > 5*time.Minute || r.Count > 20 {
		return fmt.Errorf("runs are limited to 5 minutes and 20 repetitions")
	}
	return nil
}

// Wants is whether the scenario named name is to run (-only).
func (r *Runs) Wants(name string) bool { return r.Only == "" || strings.Contains(name, r.Only) }

// Measure runs the scenarios -only keeps, with one client and with -c,
// and prints the table.
func (r *Runs) Measure(client *http.Client, endpoint string, scenarios []Scenario) error {
	var chosen []Scenario
	for _, s := range scenarios {
		if r.Wants(s.Name) {
			chosen = append(chosen, s)
		}
	}
	rows, err := RunScenarios(client, endpoint, chosen, []int{1, r.Conc}, r.Warmup, r.Dur, r.Count)
	if err != nil {
		return err
	}
	PrintTable(os.Stdout, rows, r.Seed, r.Count, r.Dur)
	return nil
}
