// Command casefile measures the targets of issue 14 against a hub serving
// the national data set with its case files (`hub seed national
// --casefiles`, docs/casefile-benchmarks.md):
//
//   - a case with its plans (the current version with its insatser), its
//     meetings with their parties and its evidence checklist, read with
//     Hub-Purpose: SIP (target: p99 <= 30 ms as FK), as ph.fk and other
//     users of several organisations over cases each of them sees;
//   - a unit's coming meetings, `meetings(from, to, first)` (target: p99
//     <= 20 ms), as users of several units and organisations, with the
//     windows and page sizes a UI sends, under the purposes they act for.
//
// The users are the demo users the national data covers (tokens from the
// dev identity provider, -issuer, with the password grant). Before
// measuring, each case reader lists cases it sees (-cases per user, page
// by page) and each meetings reader is tried under each purpose, keeping
// the purposes its roles may declare; the probe prints what the probed
// case files hold. Each request draws its user, case, window and page
// size from a random stream of -seed; the mix is printed with the figures.
//
//	go run ./bench/casefile -url http://127.0.0.1:18490/graphql -issuer http://127.0.0.1:18491
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/samverkanshub/hub/bench/internal/load"
)

const caseQuery = `query($id: ID!) { node(id: $id) { ... on Case {
  id sgi state openedAt individual { handle givenName familyName }
  plans { id kind currentVersion createdAt current { version goals whatMatters nextFollowUp participants authoredAt
    overallResponsibility { organization { name } unit { name } }
    insatser { huvudman { organization { name } unit { name } } class what firstActivity startOn status }
    agreement { how recordedAt } } }
  meetings { id kind purpose startsAt endsAt place remoteUrl personAttendance cancelledAt
    parties { organizationName unitName role caller attendance } }
  evidence { kind class status requestedAt receivedOn heldBy { name } waiverReason updatedAt }
} } }`

const comingQuery = `query($from: DateTime, $to: DateTime, $first: Int) {
  meetings(from: $from, to: $to, first: $first) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id kind purpose caseId subject startsAt endsAt place remoteUrl
      parties { organizationName unitName role caller attendance } } } }`

const listQuery = `query($first: Int, $after: String) { cases(first: $first, after: $after) {
  nodes { id } pageInfo { hasNextPage endCursor } } }`

// purposes a meetings reader may declare, with their weights in percent:
// the kinds of meeting each shows (docs/meetings.md).
var purposes = []struct {
	name   string
	weight int
}{{"SAMORDNAD_REHABILITERING", 60}, {"SIP", 25}, {"GEMENSAM_KARTLAGGNING", 15}}

func main() {
	endpoint := flag.String("url", "http://localhost:8080/graphql", "GraphQL endpoint")
	issuer := flag.String("issuer", "http://localhost:8081", "the dev identity provider whose issuer the data set trusts")
	caseUsers := flag.String("case-users", "ph.fk,af.karlstad,rehab.vc,soc.karlstad,koord.karlstad", "users who read case files (under SIP)")
	meetingUsers := flag.String("meeting-users", "ph.fk,af.karlstad,soc.karlstad,koord.karlstad,rehab.vc,soc.eksjo", "users who list their unit's coming meetings")
	perUser := flag.Int("cases", 300, "cases to probe per case reader (pages of 100)")
	run := load.RunFlags()
	flag.Parse()
	if err := run.Check(); err != nil {
		fail(err)
	}
	if *perUser > 2000 {
		fail(fmt.Errorf("at most 2,000 cases per user"))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: run.Conc * 2}, Timeout: 20 * time.Second}
	readers, listers := strings.Split(*caseUsers, ","), strings.Split(*meetingUsers, ",")
	tokens, err := load.Tokens(client, *issuer, append(readers, listers...)...)
	if err != nil {
		fail(err)
	}
	rng := rand.New(rand.NewPCG(run.Seed, 0x14))
	var mu sync.Mutex
	intn := func(n int) int { mu.Lock(); defer mu.Unlock(); return rng.IntN(n) }

	var scenarios []load.Scenario
	if run.Wants("case file under SIP") {
		cases := probeCases(client, *endpoint, tokens, readers, *perUser)
		var users []string
		for _, u := range readers {
			if len(cases[u]) > 0 {
				users = append(users, u)
			}
		}
		if len(users) == 0 {
			fail(fmt.Errorf("no reader sees a case under SIP: is the national data set with its case files loaded?"))
		}
		scenarios = append(scenarios, load.Scenario{Name: "case file under SIP",
			Mix:     fmt.Sprintf("%d readers of several organisations, cases each sees", len(users)),
			Targets: []load.Target{{Clients: 1, P99: 30 * time.Millisecond}}, Next: func() load.Request {
				u := users[intn(len(users))]
				c := cases[u][intn(len(cases[u]))]
				return load.Request{User: u, Token: tokens[u], Purpose: "SIP", Label: c.label, Body: load.GQL(caseQuery, map[string]any{"id": c.id})}
			}})
	}
	if run.Wants("coming meetings") {
		allowed := probePurposes(client, *endpoint, tokens, listers)
		scenarios = append(scenarios, load.Scenario{Name: "coming meetings",
			Mix:     fmt.Sprintf("%d units' users, their purposes, windows 7/30/90 days, first 10/20/50", len(listers)),
			Targets: []load.Target{{Clients: 1, P99: 20 * time.Millisecond}}, Next: func() load.Request {
				u := listers[intn(len(listers))]
				purpose := allowed[u][0]
				if x := intn(100); len(allowed[u]) > 1 {
					for _, p := range purposes {
						if x < p.weight && slices.Contains(allowed[u], p.name) {
							purpose = p.name
							break
						}
						x -= p.weight
					}
				}
				now := time.Now().UTC().Truncate(time.Minute)
				vars := map[string]any{"first": []int{10, 20, 50}[intn(3)]}
				window := "90 days"
				switch x := intn(100); {
				case x < 30:
					vars["to"], window = now.AddDate(0, 0, 7).Format(time.RFC3339), "7 days"
				case x < 60:
					vars["to"], window = now.AddDate(0, 0, 30).Format(time.RFC3339), "30 days"
				}
				if intn(2) == 0 {
					vars["from"] = now.Format(time.RFC3339)
				}
				return load.Request{User: u, Token: tokens[u], Purpose: purpose,
					Label: purpose + ", " + window, Body: load.GQL(comingQuery, vars)}
			}})
	}
	if err := run.Measure(client, *endpoint, scenarios); err != nil {
		fail(err)
	}
}

type probed struct{ id, label string }

// probeCases lists, for each reader, up to n cases it sees under SIP, and
// reads each once to label it by what it shows the reader: a plan,
// meetings, checklist items.
func probeCases(client *http.Client, endpoint string, tokens map[string]string, readers []string, n int) map[string][]probed {
	out := map[string][]probed{}
	header := http.Header{"Hub-Purpose": {"SIP"}}
	for _, u := range readers {
		var ids []string
		after := any(nil)
		for len(ids) < n {
			var page struct {
				Cases struct {
					Nodes    []struct{ ID string } `json:"nodes"`
					PageInfo struct {
						HasNextPage bool   `json:"hasNextPage"`
						EndCursor   string `json:"endCursor"`
					} `json:"pageInfo"`
				} `json:"cases"`
			}
			if err := load.Query(client, endpoint, tokens[u], header, load.GQL(listQuery, map[string]any{"first": min(100, n-len(ids)), "after": after}), &page); err != nil {
				fmt.Fprintf(os.Stderr, "probe %s: cases: %v\n", u, err)
				break
			}
			for _, c := range page.Cases.Nodes {
				ids = append(ids, c.ID)
			}
			if !page.Cases.PageInfo.HasNextPage {
				break
			}
			after = page.Cases.PageInfo.EndCursor
		}
		shows := map[string]int{}
		for _, id := range ids {
			var res struct {
				Node struct {
					Plans []struct {
						Current struct {
							Insatser []struct{ Class string } `json:"insatser"`
						} `json:"current"`
					} `json:"plans"`
					Meetings []struct{ ID string }     `json:"meetings"`
					Evidence []struct{ Status string } `json:"evidence"`
				} `json:"node"`
			}
			if err := load.Query(client, endpoint, tokens[u], header, load.GQL(caseQuery, map[string]any{"id": id}), &res); err != nil {
				fmt.Fprintf(os.Stderr, "probe %s: case %s: %v\n", u, id, err)
				continue
			}
			var parts []string
			if len(res.Node.Plans) > 0 {
				parts = append(parts, "plan")
				shows["insatser"] += len(res.Node.Plans[0].Current.Insatser)
			}
			if len(res.Node.Meetings) > 0 {
				parts = append(parts, "meetings")
				shows["meetings"] += len(res.Node.Meetings)
			}
			recorded := 0
			for _, e := range res.Node.Evidence {
				if e.Status != "MISSING" {
					recorded++
				}
			}
			if recorded > 0 {
				parts = append(parts, "checklist")
				shows["checklist items recorded"] += recorded
			}
			label := "case only"
			if len(parts) > 0 {
				label = "case, " + strings.Join(parts, ", ")
			}
			shows[label]++
			out[u] = append(out[u], probed{id, label})
		}
		fmt.Printf("probe %-14s %4d cases under SIP;", u, len(out[u]))
		for _, k := range load.SortedKeys(shows) {
			fmt.Printf(" %s %d;", k, shows[k])
		}
		fmt.Println()
	}
	return out
}

// probePurposes keeps, for each lister, the purposes under which its
// coming meetings can be listed (its roles may declare them).
func probePurposes(client *http.Client, endpoint string, tokens map[string]string, listers []string) map[string][]string {
	out := map[string][]string{}
	for _, u := range listers {
		for _, p := range purposes {
			var res struct {
				Meetings struct {
					TotalCount int `json:"totalCount"`
				} `json:"meetings"`
			}
			if err := load.Query(client, endpoint, tokens[u], http.Header{"Hub-Purpose": {p.name}}, load.GQL(comingQuery, map[string]any{"first": 1}), &res); err != nil {
				continue
			}
			out[u] = append(out[u], p.name)
			fmt.Printf("probe %-14s coming meetings under %-26s %5d (counted up to 1,000)\n", u, p.name, res.Meetings.TotalCount)
		}
		if len(out[u]) == 0 {
			fail(fmt.Errorf("%s may list meetings under none of the purposes", u))
		}
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "casefile:", err)
	os.Exit(1)
}
