// Command cases measures the samtycke capability's targets (issue 5) against
// a hub serving the national data set (`hub seed national`):
//
//   - a page of 50 consent-filtered cases for ph.fk (target p99 <= 30 ms),
//     and the same page of 5 (the statements per request must not grow
//     with the page);
//   - individualByPersonnummer for soc.karlstad (target p99 <= 5 ms), with
//     numbers of Karlstad's generated people (found) and of anyone in the
//     population (mostly another kommun's: not found);
//   - the cases page of the realistic mix (issue 16, docs/benchmarks.md):
//     the 6 case workers of bench/internal/mix, each under a purpose of
//     theirs, a page of 10, 20 or 50.
//
// Each is run with one client and with -c clients; medians over -runs are
// reported. The numbers come from national.Individual, so -seed and
// -individuals must be those of the seed; the requests' draws come from
// -mix-seed. Tokens: -fk-token and -soc-token, or else the dev identity
// provider's (-issuer). It only talks to -url and -issuer.
//
//	go run ./bench/cases -url http://127.0.0.1:18290/graphql -issuer http://127.0.0.1:18291
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/samverkanshub/hub/bench/internal/load"
	"github.com/samverkanshub/hub/bench/internal/mix"
	"github.com/samverkanshub/hub/internal/demo/national"
)

const casesQuery = `query($first: Int) { cases(first: $first) { nodes { id sgi individual { handle givenName }
	lead { unit { name } } sharedClasses items { class } } } }`

const byNumberQuery = `query($n: String!) { individualByPersonnummer(personnummer: $n) { id handle givenName } }`

type scenario struct {
	name, command string
	token         string
	body          func() []byte
	check         func(data json.RawMessage) error
	// next, if set, draws each request whole (user, purpose, body)
	// instead of token and body.
	next    func() load.Request
	targets []load.Target
}

func main() {
	url := flag.String("url", "http://localhost:8080/graphql", "GraphQL endpoint")
	fkToken := flag.String("fk-token", os.Getenv("HUB_FK_TOKEN"), "token of ph.fk ($HUB_FK_TOKEN)")
	socToken := flag.String("soc-token", os.Getenv("HUB_SOC_TOKEN"), "token of soc.karlstad ($HUB_SOC_TOKEN)")
	purpose := flag.String("purpose", "SAMORDNAD_REHABILITERING", "the Hub-Purpose header")
	seed := flag.Uint64("seed", 1, "the seed the national data set was generated with")
	individuals := flag.Int("individuals", 1_000_000, "the individuals the national data set was generated with")
	municipality := flag.String("municipality", "1780", "soc.karlstad's kommunkod: its people are found by number")
	conc := flag.Int("c", 8, "concurrent clients of the second measurement")
	dur := flag.Duration("d", 10*time.Second, "duration of one run")
	runs := flag.Int("runs", 3, "runs of each; medians are reported")
	warmup := flag.Duration("warmup", 3*time.Second, "warm-up of each before the first run")
	only := flag.String("only", "", "run only the scenarios whose name contains this")
	issuer := flag.String("issuer", "http://localhost:8081", "the dev identity provider, for the tokens not given")
	mixSeed := flag.Uint64("mix-seed", 1, "the random stream of the requests' draws")
	flag.Parse()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}, Timeout: 10 * time.Second}
	m := mix.New(*mixSeed, nil)
	tokens, err := load.Tokens(client, *issuer, mix.CaseWorkers...)
	if err != nil {
		fail(fmt.Errorf("%w (or give -fk-token and -soc-token)", err))
	}
	m.Tokens = tokens
	if *fkToken == "" {
		*fkToken = tokens["ph.fk"]
	}
	if *socToken == "" {
		*socToken = tokens["soc.karlstad"]
	}
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(*mixSeed, 5))
	intn := func(n int) int { mu.Lock(); defer mu.Unlock(); return rng.IntN(n) }
	if *dur > 5*time.Minute || *runs > 20 {
		fail(fmt.Errorf("runs are limited to 5 minutes and 20 repetitions"))
	}

	// The population's numbers, without the database.
	var own, all []string
	for i := range *individuals {
		p := national.Individual(*seed, i)
		all = append(all, p.Personnummer)
		if p.Municipality == *municipality {
			own = append(own, p.Personnummer)
		}
	}
	if len(own) == 0 {
		fail(fmt.Errorf("no generated individual of kommun %s", *municipality))
	}
	fmt.Printf("population: %d individuals, %d of kommun %s\n", len(all), len(own), *municipality)

	gql := func(query string, vars map[string]any) []byte {
		b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		return b
	}
	casesPage := func(first int) scenario {
		body := gql(casesQuery, map[string]any{"first": first})
		return scenario{
			name: fmt.Sprintf("cases first %d (ph.fk)", first), token: *fkToken,
			command: fmt.Sprintf("cases(first: %d) { nodes { id sgi individual { handle givenName } lead { unit { name } } sharedClasses items { class } } }", first),
			body:    func() []byte { return body },
			check: func(data json.RawMessage) error {
				var d struct {
					Cases struct {
						Nodes []struct {
							SharedClasses []string `json:"sharedClasses"`
						} `json:"nodes"`
					} `json:"cases"`
				}
				if err := json.Unmarshal(data, &d); err != nil {
					return err
				}
				if len(d.Cases.Nodes) != first {
					return fmt.Errorf("a page of %d cases, want %d: is the national data set loaded?", len(d.Cases.Nodes), first)
				}
				return nil
			},
		}
	}
	byNumber := func(name string, numbers []string, mustFind bool) scenario {
		return scenario{
			name: name, token: *socToken,
			command: "individualByPersonnummer(personnummer: …) { id handle givenName }",
			body:    func() []byte { return gql(byNumberQuery, map[string]any{"n": numbers[intn(len(numbers))]}) },
			check: func(data json.RawMessage) error {
				if mustFind && bytes.Contains(data, []byte(`"individualByPersonnummer":null`)) {
					return fmt.Errorf("a number of kommun %s was not found: do -seed and -individuals match the seed?", *municipality)
				}
				return nil
			},
		}
	}
	mixed := scenario{
		name: "cases page, 6 case workers", command: "cases(first: 10|20|50) { … } under each user's purposes",
		next: func() load.Request {
			u := m.UserAmong(mix.CaseWorkers...)
			first := mix.Pick(m, mix.ListPages)
			return m.Request(u, "first "+strconv.Itoa(first), gql(casesQuery, map[string]any{"first": first}))
		},
	}
	scenarios := []scenario{
		casesPage(50),
		casesPage(5),
		byNumber("by number, own kommun (soc.karlstad)", own, true),
		byNumber("by number, anyone (soc.karlstad)", all, false),
		mixed,
	}
	scenarios[0].targets = []load.Target{{Clients: 1, P99: 30 * time.Millisecond}}
	scenarios[2].targets = []load.Target{{Clients: 1, P99: 5 * time.Millisecond}}
	scenarios[3].targets = scenarios[2].targets

	header := http.Header{"Hub-Purpose": {*purpose}}
	type row struct {
		name, command string
		conc          int
		median        load.Result
	}
	var table []row
	for _, s := range scenarios {
		if *only != "" && !strings.Contains(s.name, *only) {
			continue
		}
		do := func() error { return load.SendWith(client, *url, s.token, header, s.body()) }
		if s.next != nil {
			do = func() error { r := s.next(); return load.SendWith(client, *url, r.Token, r.Header(), r.Body) }
			if err := do(); err != nil {
				fail(fmt.Errorf("%s: %w", s.name, err))
			}
		} else if err := checkOnce(client, *url, s, header); err != nil {
			fail(fmt.Errorf("%s: %w", s.name, err))
		}
		for _, c := range []int{1, *conc} {
			load.Run(c, *warmup, do)
			var results []load.Result
			for i := range *runs {
				r := load.Run(c, *dur, do)
				if r.Errors > 0 {
					fmt.Fprintf(os.Stderr, "%s c=%d run %d: %d errors, first: %v\n", s.name, c, i+1, r.Errors, r.FirstError)
				}
				fmt.Printf("%-40s c=%-3d run %d: %s\n", s.name, c, i+1, r)
				results = append(results, r)
			}
			table = append(table, row{s.name, s.command, c, load.Medians(results)})
			if err := load.Record(s.name, s.command, c, load.MediansWithErrors(results), s.targets...); err != nil {
				fail(err)
			}
		}
	}
	fmt.Printf("\nmix seed %d; medians of %d runs of %s (p50 and p99 are each the median over the runs)\n", *mixSeed, *runs, *dur)
	fmt.Printf("| %-40s | %3s | %8s | %8s | %8s |\n", "scenario", "c", "p50 ms", "p99 ms", "req/s")
	fmt.Printf("|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 42), strings.Repeat("-", 5), strings.Repeat("-", 10), strings.Repeat("-", 10), strings.Repeat("-", 10))
	for _, r := range table {
		fmt.Printf("| %-40s | %3d | %8.2f | %8.2f | %8.1f |\n", r.name, r.conc, load.Ms(r.median.P50), load.Ms(r.median.P99), r.median.RPS)
	}
}

// checkOnce sends one request and looks at its answer, so that a
// misconfigured run fails before it measures anything.
func checkOnce(client *http.Client, url string, s scenario, header http.Header) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(s.body()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return fmt.Errorf("status %d: %w", res.StatusCode, err)
	}
	if res.StatusCode != http.StatusOK || len(out.Errors) > 0 {
		return fmt.Errorf("status %d, errors %v", res.StatusCode, out.Errors)
	}
	return s.check(out.Data)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "cases:", err)
	os.Exit(1)
}
