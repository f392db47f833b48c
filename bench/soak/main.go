// Command soak runs a running hub under mixed load for a long while
// (-d, default 10 minutes) and says whether it stayed healthy
// (docs/soak.md): every request answered without error, flat memory, no
// connection leaks, every subscription event delivered.
//
// The load comes from the 8 demo users of 7 organisations (tokens from
// the dev identity provider, -issuer): reads (waysIn, directorySearch,
// cases, case files, task inboxes, coming meetings, the audit trail and
// the directory's coverage), writes (people, samtycken and cases; tasks
// and their states; meetings and their cancellations; case items) and
// samtycke revocations with their re-grants, each checked on the very next
// read. Writes go only to the soak's own people and cases, which it
// creates; it never changes data other benchmarks measure. Five
// subscriptions stay open over the whole run; the events each should
// receive follow from the writes' responses.
//
// Every -sample it reads the hub's /metrics (-metrics: heap, RSS,
// goroutines, the database pool) and, with -db, Postgres's
// pg_stat_activity. It ends with verdict lines and exits 1 when one fails.
//
//	go run ./bench/soak -url http://127.0.0.1:18560/graphql -issuer http://127.0.0.1:18561 \
//	    -metrics http://127.0.0.1:18563/metrics -db postgres://hub@127.0.0.1:18562/hub -d 10m
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/bench/internal/load"
)

func main() {
	endpoint := flag.String("url", "http://localhost:8080/graphql", "the hub's GraphQL endpoint")
	issuer := flag.String("issuer", "http://localhost:8081", "the dev identity provider whose issuer the data set trusts")
	metricsURL := flag.String("metrics", "http://localhost:9464/metrics", "the hub's Prometheus metrics (--metrics-addr)")
	dbURL := flag.String("db", "", "a PostgreSQL URL of the hub's database to count its hub_app connections in pg_stat_activity (optional; read only)")
	dur := flag.Duration("d", 10*time.Minute, "how long the load runs")
	conc := flag.Int("c", 4, "concurrent clients")
	rate := flag.Float64("rate", 40, "actions per second of all clients together (0: as fast as they go); an action is one to five requests")
	people := flag.Int("people", 12, "the soak's own people (with case and samtycken) created before the load")
	every := flag.Duration("sample", 10*time.Second, "how often the hub's metrics are read")
	tolerance := flag.Float64("heap-tolerance", 0.10, "largest growth of the live heap's median (gc goal), last window against the second, still called flat")
	seed := flag.Uint64("seed", 1, "the random stream of the mix")
	pprof := flag.String("pprof", "", "the hub's profiler address (--debug-addr, e.g. http://127.0.0.1:6060): heap profiles are saved after the warm-up window and at the end, to compare with go tool pprof -base")
	settle := flag.Duration("settle", 5*time.Second, "wait after the load before the last pool reading")
	flag.Parse()
	// The dev identity provider's tokens live an hour; subscriptions keep
	// the token they opened with.
	if *dur > 50*time.Minute || *dur < 10*time.Second {
		fail(fmt.Errorf("-d must be between 10s and 50m (the tokens live an hour)"))
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}, Timeout: 30 * time.Second}
	tokens, err := load.Tokens(client, *issuer, allUsers...)
	if err != nil {
		fail(err)
	}
	w := &watcher{client: client, metricsURL: *metricsURL}
	if *dbURL != "" {
		if w.db, err = pgx.Connect(context.Background(), *dbURL); err != nil {
			fail(fmt.Errorf("-db: %w", err))
		}
		defer w.db.Close(context.Background())
	}
	before, err := w.read(0)
	if err != nil {
		fail(err)
	}
	fmt.Printf("before: %s\n", before)

	h := newHub(client, *endpoint, tokens)
	ev := newExpectations()
	s := newSoak(h, ev, *seed)
	for _, u := range []string{"ph.fk", "soc.karlstad"} {
		var out struct{ Me queue }
		if err := h.call("me", u, rehab, `{ me { organization { id name } unit { id name } } }`, nil, &out); err != nil {
			fail(err)
		}
		s.units[u] = out.Me
	}
	wsURL := "ws" + strings.TrimPrefix(*endpoint, "http")
	subs, err := subscribe(wsURL, tokens, ev)
	if err != nil {
		fail(err)
	}
	time.Sleep(time.Second) // registered (the protocol acknowledges no subscribe)
	for range *people {
		if _, err := s.newPerson(); err != nil {
			fail(fmt.Errorf("creating the soak's people: %w", err))
		}
	}

	fmt.Printf("soak: %s against %s, %d clients at %s, seed %d; mix (weights of actions):\n", *dur, *endpoint, *conc, pace(*rate), *seed)
	for _, a := range mix {
		fmt.Printf("  %-36s %3d\n", a.name, a.weight)
	}
	fmt.Printf("users: %s\n\n", strings.Join(allUsers, ", "))

	var samples []sample
	var smu sync.Mutex
	start := time.Now()
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(*every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				x, err := w.read(time.Since(start))
				if err != nil {
					fmt.Fprintln(os.Stderr, "sample:", err)
					continue
				}
				smu.Lock()
				samples = append(samples, x)
				smu.Unlock()
				fmt.Printf("%s  requests %d errors %d\n", x, h.requestCount(), h.errorCount())
			}
		}
	}()
	actions := map[string]int{}
	var amu sync.Mutex
	if *pprof != "" {
		// After the warm-up window (memoryVerdict's second window begins).
		go func() {
			time.Sleep(min(time.Minute, *dur/5) * 2)
			saveHeap(client, *pprof, "soak-heap-warm.pb.gz")
		}()
	}
	load.RunAt(*conc, *dur, *rate, func() error {
		a := s.draw()
		amu.Lock()
		actions[a.name]++
		amu.Unlock()
		return a.do(s) // counted and classified by h
	})
	elapsed := time.Since(start)
	close(stop)
	<-sampled
	if *pprof != "" {
		saveHeap(client, *pprof, "soak-heap-end.pb.gz")
	}
	time.Sleep(2 * time.Second) // the last events arrive
	eventsOK := reportEvents(subs, ev)
	for _, sub := range subs {
		sub.sub.Close()
	}
	time.Sleep(*settle)
	after, err := w.read(time.Since(start))
	if err != nil {
		fail(err)
	}
	fmt.Printf("after:  %s\n", after)

	fmt.Println("\nactions drawn:")
	for _, k := range load.SortedKeys(actions) {
		fmt.Printf("  %-36s %6d\n", k, actions[k])
	}
	h.report(elapsed)
	s.mu.Lock()
	checks := s.checks
	s.mu.Unlock()
	fmt.Printf("\nrevocations: %d checked hidden from AF on the next read, %d re-grants checked visible, %d checks failed\n",
		checks.revoked, checks.regranted, checks.failed)

	fmt.Println("\nmemory and pool over the run (every sample):")
	for _, x := range samples {
		fmt.Println(" ", x)
	}
	memOK := memoryVerdict(samples, elapsed, *tolerance)
	poolOK := poolVerdict(before, after, samples)
	errs := h.errorCount()
	verdicts := []struct {
		ok   bool
		what string
	}{
		{errs == 0, fmt.Sprintf("errors: %d", errs)},
		{checks.failed == 0, fmt.Sprintf("revocations seen on the next request: %d failed checks", checks.failed)},
		{eventsOK, "subscriptions: every expected event heard, none unexpected, all open to the end"},
		{memOK, fmt.Sprintf("memory flat: the live heap's last-window median (gc goal) within %.0f %% of the second window's", *tolerance*100)},
		{poolOK, "no connection leaks: acquired back to the level before, total within max, no extra hub_app connections"},
	}
	fmt.Println("\nverdict:")
	failed := false
	for _, v := range verdicts {
		mark := "PASS"
		if !v.ok {
			mark, failed = "FAIL", true
		}
		fmt.Printf("  %s  %s\n", mark, v.what)
	}
	if failed {
		os.Exit(1)
	}
}

// saveHeap saves the hub's heap profile (after a GC) to file.
func saveHeap(client *http.Client, pprof, file string) {
	res, err := client.Get(strings.TrimRight(pprof, "/") + "/debug/pprof/heap?gc=1")
	if err != nil {
		fmt.Fprintln(os.Stderr, "heap profile:", err)
		return
	}
	defer res.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "heap profile:", err)
		return
	}
	defer f.Close()
	if _, err := io.Copy(f, res.Body); err != nil {
		fmt.Fprintln(os.Stderr, "heap profile:", err)
		return
	}
	fmt.Printf("heap profile saved: %s\n", file)
}

func pace(rate float64) string {
	if rate <= 0 {
		return "full speed"
	}
	return fmt.Sprintf("%g actions/s", rate)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "soak:", err)
	os.Exit(2)
}
