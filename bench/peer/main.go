// Command peer runs the same realistic mix against the hub and against a
// peer built the way many teams would build it, PostGraphile v4 over the
// same database (server.mjs, schema.sql: JWT verification through the same
// JWKS, connecting as hub_app under the same row-level security with the
// same hub.* settings), interleaved run by run (hub, peer, hub, peer…),
// and reports each side's req/s, p50 and p99 and the ratio (issue 16 item
// 3, docs/benchmarks.md). Three pages:
//
//   - waysIn: the UI's document of docs/directory.md; the peer serves the
//     hub's ranking statement as a function, bench_peer.ways_in, with the
//     channels and fallback chain as JSON. Target: hub ≥ 3× the peer.
//   - the catalogue: directorySearch's page (bench/search's mix); the peer
//     searches the hub's search terms with a function of its own,
//     bench_peer.directory_search. Target: hub ≥ 1.5×.
//   - the cases page a handläggare sees: cases(first) with the person,
//     lead and organisation; the peer's is PostGraphile's allCases under
//     row-level security. Target: hub ≥ 1.5×.
//
// With -start (the default) it starts the peer itself: `npm ci` in -dir
// on the first run, then `node server.mjs`, which (re)creates its schema
// bench_peer as -owner-database-url; it stops the peer at the end.
//
//	go run ./bench/peer -url http://127.0.0.1:18492/graphql -issuer http://127.0.0.1:18491 \
//	    -database-url 'postgres://hub_app@127.0.0.1:55480/hub' -owner-database-url 'postgres://hub@127.0.0.1:55480/hub'
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/samverkanshub/hub/bench/internal/load"
	"github.com/samverkanshub/hub/bench/internal/mix"
)

// The peer's documents: the same pages in PostGraphile's names.
const (
	peerWaysIn = `query($t: String!, $m: String!, $k: String, $first: Int) {
  waysIn(topic: $t, municipalityCode: $m, organizationKind: $k, ways: $first) { nodes { match entry fallbackChain } } }`

	peerSearch = `query($q: String!, $first: Int, $m: String, $t: String, $count: Boolean!) {
  directorySearch(query: $q, first: $first, municipalityCode: $m, topic: $t) {
    totalCount @include(if: $count)
    nodes { id functionName organizationByOrgId { name } municipalityCodes national
      directoryChannelsByOrgIdAndEntryId { nodes { kind value note openingHours } } }
    pageInfo { hasNextPage endCursor } } }`

	hubCases = `query($first: Int) { cases(first: $first) {
  nodes { id state sgi openedAt individual { handle givenName familyName } lead { name unit { name } } organization { name } }
  pageInfo { hasNextPage endCursor } } }`

	peerCases = `query($first: Int) { allCases(first: $first, orderBy: [OPENED_AT_DESC, ID_DESC]) {
  nodes { id state sgi openedAt individualByIndividualId { handle givenName familyName } leadName unitByLeadUnitId { name }
    organizationByOrgId { name } }
  pageInfo { hasNextPage endCursor } } }`
)

// page is one compared page: a request drawn for each side from its own
// stream of the same seed, so both ask the same questions in order.
type page struct {
	name, mix string
	ratio     float64 // the target: hub req/s ≥ ratio × the peer's
	hub, peer func() load.Request
}

func main() {
	hubURL := flag.String("url", "http://localhost:8080/graphql", "the hub's GraphQL endpoint")
	peerURL := flag.String("peer-url", "http://127.0.0.1:18600/graphql", "the peer's GraphQL endpoint (-start serves it there)")
	issuer := flag.String("issuer", "http://localhost:8081", "the dev identity provider the data set trusts (tokens of the demo users; the peer's JWKS)")
	dbURL := flag.String("database-url", os.Getenv("HUB_APP_DATABASE_URL"), "hub_app's connection URL ($HUB_APP_DATABASE_URL): the mix's words and municipalities, and the peer's connection")
	ownerURL := flag.String("owner-database-url", os.Getenv("HUB_DATABASE_URL"), "the owner's connection URL ($HUB_DATABASE_URL), with which the started peer creates its schema bench_peer")
	start := flag.Bool("start", true, "start the peer (npm ci on the first run, node server.mjs) and stop it at the end; false: use the one at -peer-url")
	dir := flag.String("dir", "bench/peer", "the peer's directory (package.json, server.mjs, schema.sql)")
	only := flag.String("pages", "waysIn,catalogue,cases", "pages to compare")
	run := load.RunFlagsAt(32)
	client, err := run.Parse(20 * time.Second)
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	if *start {
		stop, err := startPeer(*dir, *peerURL, *dbURL, *ownerURL, *issuer, run.Conc)
		if err != nil {
			fail(err)
		}
		cleanup = stop
		defer stop()
	}
	hubMix, err := mix.Load(ctx, client, *issuer, *dbURL, run.Seed)
	if err != nil {
		fail(err)
	}
	peerMix := mix.New(run.Seed, hubMix.Municipalities)
	peerMix.Tokens = hubMix.Tokens
	vocab, err := mix.ReadVocabulary(ctx, *dbURL)
	if err != nil {
		fail(err)
	}
	hubMix.Describe(os.Stdout)

	ways := func(m *mix.Mix, doc string) func() load.Request {
		return func() load.Request {
			q := m.WaysIn()
			return load.Request{User: q.User.Login, Token: m.Tokens[q.User.Login], Purpose: q.Purpose, Label: q.Label(), Body: load.GQL(doc, q.Vars())}
		}
	}
	search := func(m *mix.Mix, doc string) func() load.Request {
		return func() load.Request {
			s := m.Search(vocab)
			return m.Request(m.User(), s.Label, load.GQL(doc, s.Vars()))
		}
	}
	cases := func(m *mix.Mix, doc string) func() load.Request {
		return func() load.Request {
			u := m.UserAmong(mix.CaseWorkers...)
			first := mix.Pick(m, mix.ListPages)
			return m.Request(u, "first "+strconv.Itoa(first), load.GQL(doc, map[string]any{"first": first}))
		}
	}
	pages := []page{
		{"waysIn", "8 users, 13 topics weighted, all municipalities, first 5/10/20, kind filter 15 %", 3, ways(hubMix, mix.WaysInDocument), ways(peerMix, peerWaysIn)},
		{"catalogue (directorySearch)", "1–3 words of the directory, 25 % typos, filters, totalCount 30 %", 1.5, search(hubMix, mix.SearchDocument), search(peerMix, peerSearch)},
		{"cases page", "6 case workers of 5 organisations under their purposes, first 10/20/50", 1.5, cases(hubMix, hubCases), cases(peerMix, peerCases)},
	}
	if strings.Contains(*only, "waysIn") {
		if err := agree(client, *hubURL, *peerURL, mix.New(run.Seed+1, hubMix.Municipalities), hubMix.Tokens, 40); err != nil {
			fail(err)
		}
	}
	var table []string
	for _, p := range pages {
		if !strings.Contains(*only, strings.Fields(p.name)[0]) {
			continue
		}
		table = append(table, compare(client, *hubURL, *peerURL, p, run)...)
	}
	fmt.Printf("\nseed %d; medians of %d runs of %s each side, interleaved (hub, peer, hub, peer…)\n", run.Seed, run.Count, run.Dur)
	fmt.Println("| page | clients | hub req/s | hub p50 ms | hub p99 ms | peer req/s | peer p50 ms | peer p99 ms | hub/peer req/s | target | met? |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, row := range table {
		fmt.Println(row)
	}
}

// compare measures one page on both sides, at one client and at -c, and
// returns its table rows.
func compare(client *http.Client, hubURL, peerURL string, p page, run *load.Runs) []string {
	sides := []struct {
		name, url string
		next      func() load.Request
	}{{"hub", hubURL, p.hub}, {"peer", peerURL, p.peer}}
	for _, s := range sides {
		r := s.next()
		if err := load.SendWith(client, s.url, r.Token, r.Header(), r.Body); err != nil {
			fail(fmt.Errorf("%s on the %s: %w", p.name, s.name, err))
		}
	}
	var rows []string
	for _, c := range []int{1, run.Conc} {
		results := map[string][]load.Result{}
		for _, s := range sides {
			do := func() error { r := s.next(); return load.SendWith(client, s.url, r.Token, r.Header(), r.Body) }
			load.Run(c, run.Warmup, do)
		}
		for i := range run.Count {
			for _, s := range sides {
				do := func() error { r := s.next(); return load.SendWith(client, s.url, r.Token, r.Header(), r.Body) }
				r := load.Run(c, run.Dur, do)
				if r.Errors > 0 {
					fmt.Fprintf(os.Stderr, "%s %s c=%d run %d: %d errors, first: %v\n", p.name, s.name, c, i+1, r.Errors, r.FirstError)
				}
				fmt.Printf("%-28s c=%-3d run %d %-4s %s\n", p.name, c, i+1, s.name, r)
				results[s.name] = append(results[s.name], r)
			}
		}
		h, q := load.MediansWithErrors(results["hub"]), load.MediansWithErrors(results["peer"])
		ratio := h.RPS / q.RPS
		target, met := "", ""
		if c == run.Conc {
			target, met = fmt.Sprintf("hub ≥ %.1f× the peer's req/s", p.ratio), "no"
			if ratio >= p.ratio {
				met = "yes"
			}
		}
		rows = append(rows, fmt.Sprintf("| %s | %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %s | %s |",
			p.name, c, h.RPS, load.Ms(h.P50), load.Ms(h.P99), q.RPS, load.Ms(q.P50), load.Ms(q.P99), ratio, target, met))
		if err := load.RecordJudged(p.name+", hub", p.mix, c, h, target, met); err != nil {
			fail(err)
		}
		if err := load.RecordJudged(p.name+", peer (PostGraphile v4)", p.mix, c, q, fmt.Sprintf("(hub/peer %.2f)", ratio), ""); err != nil {
			fail(err)
		}
	}
	return rows
}

// agree asks n waysIn questions of both sides and fails unless each
// returns the same entries in the same order: the peer must answer the
// hub's question, not an easier one. It compares function names only.
func agree(client *http.Client, hubURL, peerURL string, m *mix.Mix, tokens map[string]string, n int) error {
	type entry struct {
		Entry struct {
			FunctionName string `json:"functionName"`
		} `json:"entry"`
	}
	names := func(es []entry) string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = e.Entry.FunctionName
		}
		return strings.Join(out, "; ")
	}
	for i := range n {
		q := m.WaysIn()
		r := load.Request{Token: tokens[q.User.Login], Purpose: q.Purpose}
		var hub struct{ WaysIn []entry }
		var peer struct{ WaysIn struct{ Nodes []entry } }
		if err := load.Query(client, hubURL, r.Token, r.Header(), load.GQL(mix.WaysInDocument, q.Vars()), &hub); err != nil {
			return fmt.Errorf("waysIn on the hub: %w", err)
		}
		if err := load.Query(client, peerURL, r.Token, r.Header(), load.GQL(peerWaysIn, q.Vars()), &peer); err != nil {
			return fmt.Errorf("waysIn on the peer: %w", err)
		}
		if a, b := names(hub.WaysIn), names(peer.WaysIn.Nodes); a != b {
			return fmt.Errorf("question %d (%s, %s in %s): the hub answers [%s], the peer [%s]: the peer's bench_peer.ways_in_ranked no longer asks the hub's question (internal/directory/queries.sql)",
				i+1, q.User.Login, q.Label(), q.Municipality, a, b)
		}
	}
	fmt.Printf("waysIn: the hub and the peer give the same entries in the same order for %d questions of the mix\n", n)
	return nil
}

// startPeer installs the peer's packages if they are missing (npm ci,
// from package-lock.json), starts it and waits until it answers, and
// returns how to stop it.
func startPeer(dir, peerURL, dbURL, ownerURL, issuer string, conc int) (func(), error) {
	if dbURL == "" || ownerURL == "" {
		return nil, fmt.Errorf("-start needs -database-url (hub_app) and -owner-database-url (the owner, for the peer's schema)")
	}
	if _, err := exec.LookPath("node"); err != nil {
		return nil, fmt.Errorf("the peer needs Node.js (node) and npm: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "postgraphile")); err != nil {
		fmt.Println("peer: npm ci (first run)")
		npm := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		npm.Dir, npm.Stdout, npm.Stderr = dir, os.Stderr, os.Stderr
		if err := npm.Run(); err != nil {
			return nil, fmt.Errorf("npm ci in %s: %w", dir, err)
		}
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(peerURL, "http://"), "https://"), "/graphql")
	node := exec.Command("node", "server.mjs")
	node.Dir, node.Stdout, node.Stderr = dir, os.Stdout, os.Stderr
	node.Env = append(os.Environ(), "PEER_ADDR="+addr, "PEER_DATABASE_URL="+dbURL, "PEER_OWNER_DATABASE_URL="+ownerURL,
		"PEER_ISSUER="+issuer, "PEER_POOL="+strconv.Itoa(max(conc, 4)))
	if err := node.Start(); err != nil {
		return nil, fmt.Errorf("start the peer: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = node.Wait(); close(exited) }()
	stop := func() {
		_ = node.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = node.Process.Kill()
			<-exited
		}
	}
	health := "http://" + addr + "/healthz"
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		select {
		case <-exited:
			return nil, fmt.Errorf("the peer exited before it answered (its output is above)")
		default:
		}
		if res, err := http.Get(health); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return stop, nil
			}
		}
	}
	stop()
	return nil, fmt.Errorf("the peer did not answer %s within 90 s (its output is above)", health)
}

// cleanup stops what main started, also when it fails.
var cleanup = func() {}

func fail(err error) {
	cleanup()
	fmt.Fprintln(os.Stderr, "peer:", err)
	os.Exit(1)
}
