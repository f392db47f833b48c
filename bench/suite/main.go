// Command suite runs every benchmark under bench/ against an already
// running hub serving the national data set, each on its realistic mix of
// one -seed, and writes one Markdown table of all their measurements
// (benchmark, scenario, mix, clients, req/s, p50, p99, target, met?) to
// -out: `make bench` (docs/benchmarks.md). Each benchmark's own output
// (its mix, its runs, its tables) goes to -log.
//
// It builds each benchmark, runs it with the shared flags and
// $HUB_BENCH_REPORT set to a file it reads back afterwards. A benchmark
// that fails is reported in the table and the suite goes on; the suite
// exits non-zero at the end if any failed.
//
//	go run ./bench/suite -url http://127.0.0.1:18492/graphql -issuer http://127.0.0.1:18491 \
//	    -database-url 'postgres://hub_app@127.0.0.1:55480/hub' -owner-database-url 'postgres://hub@127.0.0.1:55480/hub'
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/samverkanshub/hub/bench/internal/load"
)

// benchmark is one run of one program of bench/.
type benchmark struct {
	name, pkg string
	args      []string
	// skip says why the benchmark cannot run with the flags given ("": it can).
	skip string
}

func main() {
	url := flag.String("url", envOr("HUB_BENCH_URL", "http://localhost:8080/graphql"), "the hub's GraphQL endpoint ($HUB_BENCH_URL)")
	eventsURL := flag.String("events-url", os.Getenv("HUB_BENCH_EVENTS_URL"), "a second replica's GraphQL endpoint, for taskevents ($HUB_BENCH_EVENTS_URL; empty: taskevents is skipped)")
	issuer := flag.String("issuer", envOr("HUB_BENCH_ISSUER", "http://localhost:8081"), "the dev identity provider the data set trusts ($HUB_BENCH_ISSUER)")
	dbURL := flag.String("database-url", os.Getenv("HUB_APP_DATABASE_URL"), "hub_app's connection URL ($HUB_APP_DATABASE_URL): the mix's municipalities and words, waysin's bare SQL, the peer's connection")
	ownerURL := flag.String("owner-database-url", os.Getenv("HUB_DATABASE_URL"), "the owner's connection URL ($HUB_DATABASE_URL), for the peer's schema bench_peer (empty: the peer is skipped)")
	dataSeed := flag.Uint64("data-seed", 1, "the seed the national data set was generated with (bench/cases finds its people by it)")
	individuals := flag.Int("individuals", 1_000_000, "the individuals the national data set was generated with (bench/cases)")
	seed := flag.Uint64("seed", 1, "the mixes' random stream")
	dur := flag.Duration("d", 3*time.Second, "duration of one run of each scenario and concurrency")
	runs := flag.Int("runs", 2, "runs of each; medians are reported")
	warmup := flag.Duration("warmup", time.Second, "warm-up of each before its runs")
	conc := flag.Int("c", 32, "the clients of the second measurement (bench/cases, casefile, tasks: -c-small)")
	concSmall := flag.Int("c-small", 4, "the clients of the second measurement of the case-file, cases and tasks benchmarks (their targets are at one client)")
	only := flag.String("only", "", "run only the benchmarks whose name contains one of these (comma-separated)")
	out := flag.String("out", "bench/results.md", "the Markdown table ('-': standard output)")
	logPath := flag.String("log", "bench/results.log", "the benchmarks' own output")
	flag.Parse()
	if *dbURL == "" {
		fail(fmt.Errorf("-database-url (hub_app) is required: the mixes read the data set's municipalities and words"))
	}

	common := []string{"-url", *url, "-issuer", *issuer, "-seed", strconv.FormatUint(*seed, 10),
		"-d", dur.String(), "-runs", strconv.Itoa(*runs), "-warmup", warmup.String()}
	withDB := append(common[:len(common):len(common)], "-database-url", *dbURL)
	big, small := []string{"-c", strconv.Itoa(*conc)}, []string{"-c", strconv.Itoa(*concSmall)}
	cat := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	benchmarks := []benchmark{
		{name: "waysin", pkg: "waysin", args: cat(withDB, big)},
		{name: "waysin -repeat", pkg: "waysin", args: cat(withDB, big, []string{"-repeat"})},
		{name: "search", pkg: "search", args: cat(withDB, big)},
		{name: "cases", pkg: "cases", args: []string{"-url", *url, "-issuer", *issuer, "-mix-seed", strconv.FormatUint(*seed, 10),
			"-seed", strconv.FormatUint(*dataSeed, 10), "-individuals", strconv.Itoa(*individuals),
			"-d", dur.String(), "-runs", strconv.Itoa(*runs), "-warmup", warmup.String(), "-c", strconv.Itoa(*concSmall)}},
		{name: "casefile", pkg: "casefile", args: cat(common, small, []string{"-cases", "100"})},
		{name: "tasks", pkg: "tasks", args: cat(common, small, []string{"-sends", "10"})},
		{name: "loadgen", pkg: "loadgen", args: []string{"-url", *url, "-issuer", *issuer, "-seed", strconv.FormatUint(*seed, 10),
			"-d", dur.String(), "-runs", strconv.Itoa(*runs), "-warmup", warmup.String(), "-c", strconv.Itoa(*conc)}},
		{name: "peer", pkg: "peer", args: cat(withDB, big, []string{"-owner-database-url", *ownerURL})},
		{name: "taskevents", pkg: "taskevents", args: cat(common, small, []string{"-events-url", *eventsURL, "-sends", "10"})},
	}
	for i, b := range benchmarks {
		switch {
		case b.name == "peer" && *ownerURL == "":
			benchmarks[i].skip = "no -owner-database-url: the peer creates its schema as the owner"
		case b.name == "taskevents" && *eventsURL == "":
			benchmarks[i].skip = "no -events-url: it needs a second replica"
		}
	}

	logFile, err := create(*logPath)
	if err != nil {
		fail(err)
	}
	defer logFile.Close()
	bin, err := os.MkdirTemp("", "hub-bench-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(bin)
	report := filepath.Join(bin, "report.jsonl")

	started := time.Now()
	var failed, skipped []string
	for _, b := range benchmarks {
		if !wanted(*only, b.name) {
			continue
		}
		if b.skip != "" {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", b.name, b.skip))
			fmt.Printf("skip %s: %s\n", b.name, b.skip)
			continue
		}
		exe := filepath.Join(bin, b.pkg)
		if _, err := os.Stat(exe); err != nil {
			build := exec.Command("go", "build", "-o", exe, "./bench/"+b.pkg)
			build.Stdout, build.Stderr = os.Stderr, os.Stderr
			if err := build.Run(); err != nil {
				fail(fmt.Errorf("build bench/%s: %w", b.pkg, err))
			}
		}
		t0 := time.Now()
		fmt.Printf("run  %-16s %s\n", b.name, strings.Join(redact(b.args), " "))
		fmt.Fprintf(logFile, "\n## %s\n\n$ bench/%s %s\n", b.name, b.pkg, strings.Join(redact(b.args), " "))
		cmd := exec.Command(exe, b.args...)
		cmd.Env = append(os.Environ(), load.ReportEnv+"="+report)
		cmd.Stdout, cmd.Stderr = logFile, io.MultiWriter(logFile, os.Stderr)
		if err := cmd.Run(); err != nil {
			failed = append(failed, fmt.Sprintf("%s (%v; see %s)", b.name, err, *logPath))
			fmt.Printf("FAIL %s: %v\n", b.name, err)
			continue
		}
		fmt.Printf("done %-16s in %s\n", b.name, time.Since(t0).Round(time.Second))
	}

	rows, err := readReport(report)
	if err != nil {
		fail(err)
	}
	w := os.Stdout
	if *out != "-" {
		f, err := create(*out)
		if err != nil {
			fail(err)
		}
		defer f.Close()
		w = f
	}
	fmt.Fprintf(w, "# Benchmark results\n\n")
	fmt.Fprintf(w, "`make bench` (bench/suite, docs/benchmarks.md) against %s, %s, on %s (%d cores seen by Go); mix seed %d; "+
		"medians of %d runs of %s after a warm-up of %s; total %s. The benchmarks' own output, with each mix in full: %s.\n\n",
		*url, time.Now().UTC().Format("2006-01-02 15:04 MST"), hostname(), runtime.NumCPU(), *seed, *runs, *dur, *warmup,
		time.Since(started).Round(time.Second), *logPath)
	fmt.Fprintln(w, "| benchmark | scenario | mix | clients | req/s | p50 ms | p99 ms | errors | target | met? |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %d | %.0f | %.2f | %.2f | %d | %s | %s |\n",
			cell(r.Benchmark), cell(r.Scenario), cell(r.Mix), r.Clients, r.RPS, r.P50Ms, r.P99Ms, r.Errors, cell(r.Target), r.Met)
	}
	for _, s := range skipped {
		fmt.Fprintf(w, "\nSkipped: %s.\n", s)
	}
	for _, f := range failed {
		fmt.Fprintf(w, "\n**Failed:** %s.\n", f)
	}
	if *out != "-" {
		fmt.Printf("table: %s; output: %s; %s in all\n", *out, *logPath, time.Since(started).Round(time.Second))
	}
	if len(failed) > 0 {
		os.Exit(1)
	}
}

// cell is s as a Markdown table cell: its pipes escaped.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// readReport reads the rows the benchmarks appended.
func readReport(path string) ([]load.ReportRow, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []load.ReportRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r load.ReportRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// redact hides the passwords of connection URLs in what is printed.
func redact(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if at := strings.Index(a, "@"); at > 0 && strings.HasPrefix(a, "postgres") {
			if colon := strings.Index(a[len("postgres://"):at], ":"); colon >= 0 {
				out[i] = a[:len("postgres://")+colon] + ":***" + a[at:]
			}
		}
	}
	return out
}

func wanted(only, name string) bool {
	if only == "" {
		return true
	}
	for _, o := range strings.Split(only, ",") {
		if o != "" && strings.Contains(name, o) {
			return true
		}
	}
	return false
}

func create(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.Create(path)
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "suite:", err)
	os.Exit(1)
}
