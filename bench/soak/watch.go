package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// sample is one reading of the hub's /metrics (and of Postgres).
type sample struct {
	at                          time.Duration // since the load started
	heap, goal, rss, goroutines float64       // goal: go_memstats_next_gc_bytes
	acquired, idle, total, maxc float64
	appConns                    int // pg_stat_activity rows of hub_app; -1 without -db
}

func (s sample) String() string {
	pg := "-"
	if s.appConns >= 0 {
		pg = strconv.Itoa(s.appConns)
	}
	return fmt.Sprintf("%7s  heap_inuse %6.1f MB  gc goal %6.1f MB  rss %6.1f MB  goroutines %4.0f  pool acquired %2.0f idle %2.0f total %2.0f/%0.f  pg hub_app %s",
		s.at.Round(time.Second), s.heap/1e6, s.goal/1e6, s.rss/1e6, s.goroutines, s.acquired, s.idle, s.total, s.maxc, pg)
}

// scrape reads the unlabelled gauges the soak watches from the hub's
// Prometheus text (plain "name value" lines).
func scrape(client *http.Client, metricsURL string) (map[string]float64, error) {
	res, err := client.Get(metricsURL)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: status %d", metricsURL, res.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 || strings.HasPrefix(f[0], "#") || strings.Contains(f[0], "{") {
			continue
		}
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			out[f[0]] = v
		}
	}
	return out, sc.Err()
}

// watcher samples the hub and, with a database URL, Postgres.
type watcher struct {
	client     *http.Client
	metricsURL string
	db         *pgx.Conn
}

func (w *watcher) read(at time.Duration) (sample, error) {
	m, err := scrape(w.client, w.metricsURL)
	if err != nil {
		return sample{}, err
	}
	for _, name := range []string{"go_memstats_heap_inuse_bytes", "go_memstats_next_gc_bytes", "hub_db_pool_acquired_conns", "hub_db_pool_max_conns"} {
		if _, ok := m[name]; !ok {
			return sample{}, fmt.Errorf("%s has no %s: is it the hub's metrics address (--metrics-addr)?", w.metricsURL, name)
		}
	}
	s := sample{at: at, heap: m["go_memstats_heap_inuse_bytes"], goal: m["go_memstats_next_gc_bytes"], rss: m["process_resident_memory_bytes"], goroutines: m["go_goroutines"],
		acquired: m["hub_db_pool_acquired_conns"], idle: m["hub_db_pool_idle_conns"], total: m["hub_db_pool_total_conns"],
		maxc: m["hub_db_pool_max_conns"], appConns: -1}
	if w.db != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := w.db.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE usename = 'hub_app'`).Scan(&s.appConns); err != nil {
			return sample{}, fmt.Errorf("pg_stat_activity: %w", err)
		}
	}
	return s, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// slope is the least-squares slope of ys over xs (per unit of x).
func slope(xs, ys []float64) float64 {
	n := float64(len(xs))
	if n < 2 {
		return 0
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}

// memoryVerdict: memory is flat when the live heap does not grow. The
// live heap is read as the GC's goal (go_memstats_next_gc_bytes: the live
// heap after the last collection times 1 + GOGC/100), which does not
// count the garbage awaiting the next collection; heap_inuse does, and
// swings with the allocation rate, so it is printed but not judged. Flat:
// the goal's median in the last window is within tolerance of its median
// in the second window (the first is the warm-up: caches and pools fill).
// The window is a minute, or a fifth of a shorter run.
func memoryVerdict(samples []sample, d time.Duration, tolerance float64) bool {
	w := min(time.Minute, d/5).Round(time.Second)
	window := func(get func(sample) float64, from, to time.Duration) []float64 {
		var xs []float64
		for _, s := range samples {
			if s.at >= from && s.at < to {
				xs = append(xs, get(s))
			}
		}
		return xs
	}
	goal := func(s sample) float64 { return s.goal }
	heap := func(s sample) float64 { return s.heap }
	rss := func(s sample) float64 { return s.rss }
	for _, m := range []struct {
		name string
		get  func(sample) float64
	}{{"gc goal", goal}, {"heap_inuse", heap}, {"rss", rss}} {
		var line []string
		for from := time.Duration(0); from < d; from += w {
			if xs := window(m.get, from, from+w); len(xs) > 0 {
				line = append(line, fmt.Sprintf("%.1f", median(xs)/1e6))
			}
		}
		fmt.Printf("%s median by window of %s, MB: %s\n", m.name, w, strings.Join(line, " "))
	}
	early, late := window(goal, w, 2*w), window(goal, d-w, d+time.Second)
	if len(early) == 0 || len(late) == 0 {
		fmt.Printf("memory: too few samples to judge (window %s; sample more often with -sample)\n", w)
		return false
	}
	var xs, ys []float64
	for _, s := range samples {
		if s.at >= w {
			xs, ys = append(xs, s.at.Minutes()), append(ys, s.goal)
		}
	}
	e, l := median(early), median(late)
	change := (l - e) / e
	fmt.Printf("memory: gc goal (2 × live heap) median %.1f MB in the second window vs %.1f MB in the last (%+.1f %%), slope after the warm-up %+.2f MB/min; heap_inuse %.1f → %.1f MB (%+.1f %%)\n",
		e/1e6, l/1e6, change*100, slope(xs, ys)/1e6, median(window(heap, w, 2*w))/1e6, median(window(heap, d-w, d+time.Second))/1e6,
		(median(window(heap, d-w, d+time.Second))/median(window(heap, w, 2*w))-1)*100)
	return change <= tolerance
}

// poolVerdict: no connection leaks. After the load stopped (and the
// subscriptions closed), the pool's acquired connections are back to
// what they were before the load, its total never passed its maximum,
// and Postgres holds no more hub_app connections than the pool's total
// plus the ones outside the pool it held before (LISTEN, the job queue).
func poolVerdict(before, after sample, samples []sample) bool {
	ok := after.acquired <= before.acquired
	maxTotal := 0.0
	for _, s := range samples {
		maxTotal = max(maxTotal, s.total)
	}
	ok = ok && maxTotal <= after.maxc
	fmt.Printf("pool before: acquired %.0f idle %.0f total %.0f (max %.0f); after: acquired %.0f idle %.0f total %.0f; largest total during the run %.0f\n",
		before.acquired, before.idle, before.total, before.maxc, after.acquired, after.idle, after.total, maxTotal)
	if before.appConns >= 0 {
		outside := before.appConns - int(before.total)
		fmt.Printf("pg_stat_activity hub_app connections before %d, after %d (outside the pool before: %d)\n", before.appConns, after.appConns, outside)
		ok = ok && after.appConns <= int(after.total)+outside
	}
	fmt.Printf("goroutines before %.0f, after %.0f\n", before.goroutines, after.goroutines)
	return ok
}
