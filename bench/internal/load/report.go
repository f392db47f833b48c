package load

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ReportEnv names the file to which each load generator appends its rows
// (one JSON object a line) when it is set: bench/suite (`make bench`)
// sets it and renders the rows as one Markdown table.
const ReportEnv = "HUB_BENCH_REPORT"

// Target is a scenario's target: p99 at most P99 and/or at least RPS
// requests a second, at Clients concurrent clients (0: at every
// concurrency measured).
type Target struct {
	Clients int
	P99     time.Duration
	RPS     float64
}

// String is the target as the table writes it ("" for none).
func (t Target) String() string {
	var s string
	switch {
	case t.P99 > 0 && t.RPS > 0:
		s = fmt.Sprintf("p99 ≤ %s, ≥ %.0f req/s", t.P99, t.RPS)
	case t.P99 > 0:
		s = fmt.Sprintf("p99 ≤ %s", t.P99)
	case t.RPS > 0:
		s = fmt.Sprintf("≥ %.0f req/s", t.RPS)
	default:
		return ""
	}
	if t.Clients > 0 {
		s += fmt.Sprintf(" at %d client(s)", t.Clients)
	}
	return s
}

// Judge is the target that applies at conc clients ("" when none does)
// and whether r meets it ("yes", "no").
func (t Target) Judge(conc int, r Result) (target, met string) {
	if t.String() == "" || (t.Clients > 0 && t.Clients != conc) {
		return "", ""
	}
	ok := (t.P99 == 0 || (r.P99 > 0 && r.P99 <= t.P99)) && (t.RPS == 0 || r.RPS >= t.RPS)
	if ok {
		return t.String(), "yes"
	}
	return t.String(), "no"
}

// Judge is Target.Judge over several targets: those that apply at conc,
// met when all are.
func Judge(ts []Target, conc int, r Result) (target, met string) {
	for _, t := range ts {
		text, ok := t.Judge(conc, r)
		if text == "" {
			continue
		}
		if target != "" {
			target += "; "
		}
		target += text
		if met == "" || ok == "no" {
			met = ok
		}
	}
	return target, met
}

// ReportRow is one line of the report.
type ReportRow struct {
	Benchmark string  `json:"benchmark"`
	Scenario  string  `json:"scenario"`
	Mix       string  `json:"mix"`
	Clients   int     `json:"clients"`
	RPS       float64 `json:"rps"`
	P50Ms     float64 `json:"p50_ms"`
	P99Ms     float64 `json:"p99_ms"`
	Errors    int     `json:"errors"`
	Target    string  `json:"target"`
	Met       string  `json:"met"`
}

// Record appends a measurement to the report file of $HUB_BENCH_REPORT,
// if it is set; the benchmark is the running program's name. r.Errors
// are the errors of all its runs together.
func Record(scenario, mix string, conc int, r Result, ts ...Target) error {
	target, met := Judge(ts, conc, r)
	return RecordJudged(scenario, mix, conc, r, target, met)
}

// RecordJudged is Record with a target the caller judged (bench/peer's
// ratios).
func RecordJudged(scenario, mix string, conc int, r Result, target, met string) error {
	path := os.Getenv(ReportEnv)
	if path == "" {
		return nil
	}
	row := ReportRow{Benchmark: filepath.Base(os.Args[0]), Scenario: scenario, Mix: mix, Clients: conc,
		RPS: r.RPS, P50Ms: Ms(r.P50), P99Ms: Ms(r.P99), Errors: r.Errors, Target: target, Met: met}
	b, _ := json.Marshal(row)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("report: %w", err)
	}
	return f.Close()
}
