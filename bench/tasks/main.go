// Command tasks measures the tasks' targets (issue 13) against a hub
// serving the national data set with its tasks (`hub seed national
// --tasks`):
//
//   - a unit's inbox, a page of 50 with totalCount (target p99 <= 20 ms),
//     for a mix of recipients across organisations and units, each request
//     with one of the filters a UI sends: none, a state, a kind, or due
//     before a day around today;
//   - createTask with routing and the samtycke check (target p99 <=
//     30 ms), for a mix of senders, kinds and cases the sender can see.
//
// The users are the demo users the national data covers (their tokens
// come from the dev identity provider, -issuer, with the password grant):
// the generated organisations' staff have no logins. Before measuring,
// the sends are probed: each sender lists cases it can see and keeps the
// (case, kind) pairs that a samtycke lets it send, so that the measured
// sends succeed. Each request picks its user, filter or send with a
// random stream of -seed; the mix is printed.
//
//	go run ./bench/tasks -url http://127.0.0.1:18390/graphql -issuer http://127.0.0.1:18391
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/samverkanshub/hub/bench/internal/load"
	"github.com/samverkanshub/hub/internal/devidp"
)

const inboxQuery = `query($state: TaskState, $kind: TaskKind, $due: Date) {
  tasks(first: 50, state: $state, kind: $kind, dueBefore: $due) {
    totalCount nodes { id kind state subject withdrawn dueOn case { id } } } }`

const casesQuery = `query($first: Int) { cases(first: $first) { nodes { id } } }`

const createMutation = `mutation($in: CreateTaskInput!) { createTask(input: $in) { id state routedTo { id } } }`

// send is one kind of task a sender sends, and the purpose it declares.
type send struct {
	kind, purpose string
	classes       []string
	konsultation  string // a KONSULTATION's municipality
	topic         string
}

var senders = map[string][]send{
	"soc.karlstad": {{kind: "ANSOKAN_SAMORDNAD_REHABILITERING", purpose: "SAMORDNAD_REHABILITERING", classes: []string{"KOMMUN_EKONOMISKT_BISTAND"}},
		{kind: "FRAGA_MEDICINSKT_UNDERLAG", purpose: "SAMORDNAD_REHABILITERING", classes: []string{"KOMMUN_PLANERING"}},
		{kind: "AF_INSKRIVNING", purpose: "SAMORDNAD_REHABILITERING", classes: []string{"KOMMUN_PLANERING"}}},
	"soc.eksjo": {{kind: "ANSOKAN_SAMORDNAD_REHABILITERING", purpose: "SAMORDNAD_REHABILITERING", classes: []string{"KOMMUN_EKONOMISKT_BISTAND"}},
		{kind: "AF_INSKRIVNING", purpose: "SAMORDNAD_REHABILITERING", classes: []string{"KOMMUN_PLANERING"}}},
	"rehab.vc": {{kind: "SIGNAL_SJUKSKRIVNING", purpose: "SAMORDNAD_REHABILITERING", classes: []string{"VARD_SJUKSKRIVNING"}}},
	"ph.fk":    {{kind: "KALLELSE_SIP", purpose: "SAMORDNAD_REHABILITERING", classes: []string{"FK_SAMORDNING"}}},
	"af.karlstad": {{kind: "KONSULTATION", purpose: "SAMORDNAD_REHABILITERING", konsultation: "1780", topic: "EKONOMISKT_BISTAND"},
		{kind: "KONSULTATION", purpose: "SAMORDNAD_REHABILITERING", konsultation: "1784", topic: "EKONOMISKT_BISTAND"}},
}

type prepared struct {
	user, token, purpose, label string
	body                        []byte
}

func main() {
	endpoint := flag.String("url", "http://localhost:8080/graphql", "GraphQL endpoint")
	issuer := flag.String("issuer", "http://localhost:8081", "the dev identity provider whose issuer the data set trusts")
	inboxUsers := flag.String("inbox-users", "soc.karlstad,koord.karlstad,ph.fk,af.karlstad,rehab.vc,soc.eksjo", "recipients whose inbox is read")
	seed := flag.Uint64("seed", 1, "the random stream of the mix")
	perSender := flag.Int("sends", 40, "(case, kind) pairs to keep per sender and kind")
	conc := flag.Int("c", 4, "concurrent clients of the second measurement")
	dur := flag.Duration("d", 10*time.Second, "duration of one run")
	runs := flag.Int("runs", 3, "runs of each; medians are reported")
	warmup := flag.Duration("warmup", 3*time.Second, "warm-up of each before the first run")
	only := flag.String("only", "", "run only the scenarios whose name contains this")
	flag.Parse()
	if *dur > 5*time.Minute || *runs > 20 {
		fail(fmt.Errorf("runs are limited to 5 minutes and 20 repetitions"))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}, Timeout: 20 * time.Second}
	tokens := map[string]string{}
	for _, u := range append(strings.Split(*inboxUsers, ","), keys(senders)...) {
		if _, ok := tokens[u]; ok {
			continue
		}
		tok, err := passwordGrant(client, *issuer, u)
		if err != nil {
			fail(fmt.Errorf("token of %s: %w", u, err))
		}
		tokens[u] = tok
	}
	rng := rand.New(rand.NewPCG(*seed, 0x1234))
	var mu sync.Mutex
	intn := func(n int) int { mu.Lock(); defer mu.Unlock(); return rng.IntN(n) }

	// The inbox mix: a user, then one filter.
	users := strings.Split(*inboxUsers, ",")
	states := []string{"SKICKAD", "MOTTAGEN", "ACCEPTERAD", "AVVISAD", "PAGAENDE", "KLAR", "AVBRUTEN"}
	kinds := []string{"SIGNAL_SJUKSKRIVNING", "ANSOKAN_SAMORDNAD_REHABILITERING", "FRAGA_MEDICINSKT_UNDERLAG", "BEGARAN_GEMENSAM_KARTLAGGNING",
		"KALLELSE_SIP", "AF_INSKRIVNING", "KONSULTATION", "PAMINNELSE"}
	today := time.Now().In(time.FixedZone("CET", 3600))
	inbox := func() prepared {
		u := users[intn(len(users))]
		vars := map[string]any{}
		label := "none"
		switch intn(4) {
		case 1:
			vars["state"], label = states[intn(len(states))], "state"
		case 2:
			vars["kind"], label = kinds[intn(len(kinds))], "kind"
		case 3:
			vars["due"], label = today.AddDate(0, 0, intn(29)-14).Format(time.DateOnly), "dueBefore"
		}
		return prepared{user: u, token: tokens[u], purpose: "SAMORDNAD_REHABILITERING", label: label, body: gql(inboxQuery, vars)}
	}

	// The sends: probe which (case, kind) pairs each sender may send.
	var sends []prepared
	if *only == "" || strings.Contains("createTask", *only) {
		for _, u := range keys(senders) {
			for _, s := range senders[u] {
				kept, tried, refused := probe(client, *endpoint, tokens[u], u, s, *perSender)
				fmt.Printf("probe %-13s %-34s kept %3d of %3d tried (%d refused: no samtycke or no way in)\n", u, s.kind, len(kept), tried, refused)
				sends = append(sends, kept...)
			}
		}
		if len(sends) == 0 {
			fail(fmt.Errorf("no send succeeded: is the national data set with its tasks loaded?"))
		}
	}
	createTask := func() prepared { return sends[intn(len(sends))] }

	type scenario struct {
		name string
		next func() prepared
	}
	scenarios := []scenario{{"inbox page of 50 with totalCount", inbox}}
	if len(sends) > 0 {
		scenarios = append(scenarios, scenario{"createTask (routing, samtycke)", createTask})
	}
	type row struct {
		name   string
		conc   int
		median load.Result
		mix    map[string]int
	}
	var table []row
	for _, s := range scenarios {
		if *only != "" && !strings.Contains(s.name, *only) {
			continue
		}
		first := s.next()
		if err := load.SendWith(client, *endpoint, first.token, http.Header{"Hub-Purpose": {first.purpose}}, first.body); err != nil {
			fail(fmt.Errorf("%s: %w", s.name, err))
		}
		for _, c := range []int{1, *conc} {
			mix := map[string]int{}
			do := func() error {
				p := s.next()
				mu.Lock()
				mix[p.user+" "+p.label]++
				mu.Unlock()
				return load.SendWith(client, *endpoint, p.token, http.Header{"Hub-Purpose": {p.purpose}}, p.body)
			}
			load.Run(c, *warmup, do)
			mix = map[string]int{}
			var results []load.Result
			for i := range *runs {
				r := load.Run(c, *dur, do)
				if r.Errors > 0 {
					fmt.Fprintf(os.Stderr, "%s c=%d run %d: %d errors, first: %v\n", s.name, c, i+1, r.Errors, r.FirstError)
				}
				fmt.Printf("%-34s c=%-3d run %d: %s\n", s.name, c, i+1, r)
				results = append(results, r)
			}
			table = append(table, row{s.name, c, medians(results), mix})
		}
	}
	fmt.Printf("\nseed %d; medians of %d runs of %s (p50 and p99 are each the median over the runs)\n", *seed, *runs, *dur)
	fmt.Printf("| %-34s | %3s | %8s | %8s | %8s |\n", "scenario", "c", "p50 ms", "p99 ms", "req/s")
	fmt.Printf("|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 36), strings.Repeat("-", 5), strings.Repeat("-", 10), strings.Repeat("-", 10), strings.Repeat("-", 10))
	for _, r := range table {
		fmt.Printf("| %-34s | %3d | %8.2f | %8.2f | %8.1f |\n", r.name, r.conc, ms(r.median.P50), ms(r.median.P99), r.median.RPS)
	}
	for _, r := range table {
		fmt.Printf("\nmix of %s, c=%d (requests by user and filter or kind):\n", r.name, r.conc)
		for _, k := range keysOf(r.mix) {
			fmt.Printf("  %-50s %7d\n", k, r.mix[k])
		}
	}
}

// probe lists the cases the sender sees and keeps up to n cases it may
// send s about (a KONSULTATION: n copies).
func probe(client *http.Client, endpoint, token, user string, s send, n int) (kept []prepared, tried, refused int) {
	header := http.Header{"Hub-Purpose": {s.purpose}}
	in := func(caseID string) map[string]any {
		m := map[string]any{"kind": s.kind, "subject": "Benchmark " + s.kind, "body": "Mätning av createTask."}
		if caseID != "" {
			m["caseId"], m["classes"] = caseID, s.classes
		} else {
			m["topic"], m["municipalityCode"] = s.konsultation, s.konsultation
			m["topic"] = s.topic
		}
		return m
	}
	if s.kind == "KONSULTATION" {
		b := gql(createMutation, map[string]any{"in": in("")})
		tried = 1
		if err := load.SendWith(client, endpoint, token, header, b); err != nil {
			fmt.Fprintf(os.Stderr, "probe %s %s: %v\n", user, s.kind, err)
			return nil, 1, 1
		}
		for range n {
			kept = append(kept, prepared{user: user, token: token, purpose: s.purpose, label: s.kind, body: b})
		}
		return kept, tried, 0
	}
	var out struct {
		Data struct {
			Cases struct {
				Nodes []struct{ ID string } `json:"nodes"`
			} `json:"cases"`
		} `json:"data"`
	}
	if err := post(client, endpoint, token, header, gql(casesQuery, map[string]any{"first": 100}), &out); err != nil {
		fmt.Fprintf(os.Stderr, "probe %s: cases: %v\n", user, err)
		return nil, 0, 0
	}
	for _, c := range out.Data.Cases.Nodes {
		if len(kept) == n {
			break
		}
		b := gql(createMutation, map[string]any{"in": in(c.ID)})
		tried++
		if err := load.SendWith(client, endpoint, token, header, b); err != nil {
			refused++
			continue
		}
		kept = append(kept, prepared{user: user, token: token, purpose: s.purpose, label: s.kind, body: b})
	}
	return kept, tried, refused
}

func post(client *http.Client, endpoint, token string, header http.Header, body []byte, v any) error {
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

// passwordGrant asks the dev identity provider for an access token of a
// demo user (as `hub token` does).
func passwordGrant(client *http.Client, issuer, login string) (string, error) {
	form := url.Values{"grant_type": {"password"}, "client_id": {devidp.ClientCLI}, "username": {login}, "password": {devidp.Password}}
	res, err := client.PostForm(strings.TrimRight(issuer, "/")+"/token", form)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("refused: %s", body.Error)
	}
	return body.AccessToken, nil
}

func gql(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

func keys[V any](m map[string]V) []string { return keysOf(m) }

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// medians takes each figure's median over the runs separately.
func medians(runs []load.Result) load.Result {
	mid := func(f func(load.Result) float64) float64 {
		xs := make([]float64, len(runs))
		for i, r := range runs {
			xs[i] = f(r)
		}
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	return load.Result{
		P50: time.Duration(mid(func(r load.Result) float64 { return float64(r.P50) })),
		P99: time.Duration(mid(func(r load.Result) float64 { return float64(r.P99) })),
		RPS: mid(func(r load.Result) float64 { return r.RPS }),
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "tasks:", err)
	os.Exit(1)
}
