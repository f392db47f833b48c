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
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/samverkanshub/hub/bench/internal/load"
	"github.com/samverkanshub/hub/bench/internal/taskmix"
)

const inboxQuery = `query($state: TaskState, $kind: TaskKind, $due: Date) {
  tasks(first: 50, state: $state, kind: $kind, dueBefore: $due) {
    totalCount nodes { id kind state subject withdrawn dueOn case { id } } } }`

const createMutation = `mutation($in: CreateTaskInput!) { createTask(input: $in) { id state routedTo { id } } }`

func main() {
	endpoint := flag.String("url", "http://localhost:8080/graphql", "GraphQL endpoint")
	issuer := flag.String("issuer", "http://localhost:8081", "the dev identity provider whose issuer the data set trusts")
	inboxUsers := flag.String("inbox-users", "soc.karlstad,koord.karlstad,ph.fk,af.karlstad,rehab.vc,soc.eksjo", "recipients whose inbox is read")
	perSender := flag.Int("sends", 40, "(case, kind) pairs to keep per sender and kind")
	run := load.RunFlags()
	flag.Parse()
	if err := run.Check(); err != nil {
		fail(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: run.Conc * 2}, Timeout: 20 * time.Second}
	tokens, err := load.Tokens(client, *issuer, append(strings.Split(*inboxUsers, ","), load.SortedKeys(taskmix.Senders)...)...)
	if err != nil {
		fail(err)
	}
	rng := rand.New(rand.NewPCG(run.Seed, 0x1234))
	var mu sync.Mutex
	intn := func(n int) int { mu.Lock(); defer mu.Unlock(); return rng.IntN(n) }

	// The inbox mix: a user, then one filter.
	users := strings.Split(*inboxUsers, ",")
	states := []string{"SKICKAD", "MOTTAGEN", "ACCEPTERAD", "AVVISAD", "PAGAENDE", "KLAR", "AVBRUTEN"}
	kinds := []string{"SIGNAL_SJUKSKRIVNING", "ANSOKAN_SAMORDNAD_REHABILITERING", "FRAGA_MEDICINSKT_UNDERLAG", "BEGARAN_GEMENSAM_KARTLAGGNING",
		"KALLELSE_SIP", "AF_INSKRIVNING", "KONSULTATION", "PAMINNELSE"}
	today := time.Now().In(time.FixedZone("CET", 3600))
	inbox := func() taskmix.Prepared {
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
		return taskmix.Prepared{User: u, Token: tokens[u], Purpose: "SAMORDNAD_REHABILITERING", Label: label, Body: load.GQL(inboxQuery, vars)}
	}

	// The sends: probe which (case, kind) pairs each sender may send.
	var sends []taskmix.Prepared
	if run.Wants("createTask") {
		sends = taskmix.ProbeAll(client, *endpoint, tokens, *perSender, createMutation)
		if len(sends) == 0 {
			fail(fmt.Errorf("no send succeeded: is the national data set with its tasks loaded?"))
		}
	}
	createTask := func() taskmix.Prepared { return sends[intn(len(sends))] }

	scenarios := []load.Scenario{{Name: "inbox page of 50 with totalCount", Next: inbox,
		Mix:     fmt.Sprintf("%d recipients, filter none/state/kind/dueBefore", len(users)),
		Targets: []load.Target{{Clients: 1, P99: 20 * time.Millisecond}}}}
	if len(sends) > 0 {
		scenarios = append(scenarios, load.Scenario{Name: "createTask (routing, samtycke)", Next: createTask,
			Mix:     fmt.Sprintf("%d probed sends of %d senders", len(sends), len(taskmix.Senders)),
			Targets: []load.Target{{Clients: 1, P99: 30 * time.Millisecond}}})
	}
	if err := run.Measure(client, *endpoint, scenarios); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "tasks:", err)
	os.Exit(1)
}
