// Command taskevents measures issue 13's target for the live inbox: a
// task's event reaches a subscriber on another replica within 1 s of the
// commit.
//
// Senders on replica A (-url) send the createTask mix of bench/tasks
// (internal/taskmix: each request a random probed send of -seed, from -c
// concurrent clients, at most -rate a second together if it is set).
// Subscribers on replica B (-events-url) each keep a graphql-transport-ws
// connection with a taskEvents subscription: one per demo user of
// -subscribers following its INBOX, and one per sender following its SENT
// box. Each createTask is timed: t_sent before the request, t_resp when
// the response with the task's id arrived; the commit happened in between.
// For each (task, subscriber) that should hear it, the arrival of its
// first CREATED event gives two latencies: arrival − t_resp (a lower bound
// of the time after commit) and arrival − t_sent (an upper bound). Which
// subscribers should hear a task follows from its recipient organisation
// and unit in the createTask response and the subscribers' own (`me`); a
// task whose queue no subscriber is in is counted as "no subscriber", not
// as lost. Events are counted -grace after each run's senders stopped.
//
//	go run ./bench/taskevents -url http://127.0.0.1:18392/graphql -events-url http://127.0.0.1:18393/graphql \
//	    -issuer http://127.0.0.1:18391
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/samverkanshub/hub/bench/internal/gqlws"
	"github.com/samverkanshub/hub/bench/internal/load"
	"github.com/samverkanshub/hub/bench/internal/taskmix"
)

const createMutation = `mutation($in: CreateTaskInput!) { createTask(input: $in) {
  id recipientOrganization { id name } recipientUnit { id name } } }`

const meQuery = `{ me { organization { id name } unit { id name } } }`

// The live inbox's document of docs/tasks.md.
const subscription = `subscription($box: TaskBox) { taskEvents(box: $box) {
  kind at box
  task { id kind state subject withdrawn dueOn case { id } }
  step { from to userId organization { name } } } }`

const purpose = "SAMORDNAD_REHABILITERING"

// target is issue 13's: an event on another replica ≤ 1 s after commit.
const target = time.Second

type named struct{ ID, Name string }

// queue is an organisation's queue, or its unit's.
type queue struct {
	Organization named
	Unit         *named
}

func (q queue) String() string {
	if q.Unit == nil {
		return q.Organization.Name + " (organisation-wide)"
	}
	return q.Organization.Name + " / " + q.Unit.Name
}

// sent is one task sent on A.
type sent struct {
	sender, kind, id string
	to               queue
	tSent, tResp     time.Time
}

func main() {
	endpoint := flag.String("url", "http://localhost:8080/graphql", "GraphQL endpoint of replica A, where the tasks are sent")
	eventsURL := flag.String("events-url", "", "GraphQL endpoint of replica B, where the subscribers listen (ws:// of it; default -url)")
	issuer := flag.String("issuer", "http://localhost:8081", "the dev identity provider whose issuer the data set trusts")
	subscribers := flag.String("subscribers", "ph.fk,af.karlstad,soc.karlstad,soc.eksjo,rehab.vc,koord.karlstad", "users whose INBOX is followed on B")
	seed := flag.Uint64("seed", 1, "the random stream of the mix")
	perSender := flag.Int("sends", 40, "(case, kind) pairs to keep per sender and kind")
	conc := flag.Int("c", 4, "concurrent senders")
	rate := flag.Float64("rate", 0, "tasks sent per second by all senders together (0: as fast as they go)")
	dur := flag.Duration("d", 10*time.Second, "duration of one run")
	runs := flag.Int("runs", 3, "runs")
	warmup := flag.Duration("warmup", 3*time.Second, "warm-up before the first run")
	grace := flag.Duration("grace", 3*time.Second, "wait after a run's senders stopped before counting its events")
	flag.Parse()
	if *dur > 5*time.Minute || *runs > 20 {
		fail(fmt.Errorf("runs are limited to 5 minutes and 20 repetitions"))
	}
	if *eventsURL == "" {
		*eventsURL = *endpoint
	}
	wsURL := "ws" + strings.TrimPrefix(*eventsURL, "http")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}, Timeout: 20 * time.Second}
	followers := strings.Split(*subscribers, ",")
	senders := load.SortedKeys(taskmix.Senders)
	tokens, err := load.Tokens(client, *issuer, append(followers, senders...)...)
	if err != nil {
		fail(err)
	}
	queues := map[string]queue{}
	for u, tok := range tokens {
		var out struct{ Me queue }
		if err := load.Query(client, *eventsURL, tok, http.Header{"Hub-Purpose": {purpose}}, load.GQL(meQuery, nil), &out); err != nil {
			fail(fmt.Errorf("me of %s on B: %w", u, err))
		}
		queues[u] = out.Me
	}

	// Probe before anyone listens: the probes' tasks are not measured.
	sends := taskmix.ProbeAll(client, *endpoint, tokens, *perSender, createMutation)
	if len(sends) == 0 {
		fail(fmt.Errorf("no send succeeded: is the data set loaded?"))
	}

	var subs []*subscriber
	for _, f := range []struct {
		users []string
		box   string
	}{{followers, "INBOX"}, {senders, "SENT"}} {
		for _, u := range f.users {
			s, err := follow(wsURL, tokens[u], u, f.box, queues[u])
			if err != nil {
				fail(fmt.Errorf("%s %s on B: %w", u, f.box, err))
			}
			defer s.close()
			subs = append(subs, s)
		}
	}
	time.Sleep(time.Second) // the subscriptions are registered (the protocol acknowledges none)
	for _, s := range subs {
		if err := s.ended(); err != nil {
			fail(fmt.Errorf("%s %s on B: %w", s.user, s.box, err))
		}
	}

	rng := rand.New(rand.NewPCG(*seed, 0x1234))
	var mu sync.Mutex
	var log *[]sent // the current run's sends; nil in the warm-up
	do := func() error {
		mu.Lock()
		p := sends[rng.IntN(len(sends))]
		mu.Unlock()
		var out struct {
			CreateTask struct {
				ID                    string
				RecipientOrganization named
				RecipientUnit         *named
			}
		}
		t0 := time.Now()
		err := load.Query(client, *endpoint, p.Token, p.Header(), p.Body, &out)
		t1 := time.Now()
		if err != nil {
			return err
		}
		ct := out.CreateTask
		mu.Lock()
		if log != nil {
			*log = append(*log, sent{sender: p.User, kind: p.Label, id: ct.ID,
				to: queue{ct.RecipientOrganization, ct.RecipientUnit}, tSent: t0, tResp: t1})
		}
		mu.Unlock()
		return nil
	}
	load.RunAt(*conc, *warmup, *rate, do)

	var results []load.Result
	total := map[string]*boxStats{"INBOX": newBoxStats(), "SENT": newBoxStats()}
	mix := map[string]*mixRow{}
	for i := range *runs {
		mu.Lock()
		log = new([]sent)
		mu.Unlock()
		r := load.RunAt(*conc, *dur, *rate, do)
		mu.Lock()
		run := *log
		log = nil
		mu.Unlock()
		time.Sleep(*grace)
		if r.Errors > 0 {
			fmt.Fprintf(os.Stderr, "run %d: %d errors, first: %v\n", i+1, r.Errors, r.FirstError)
		}
		results = append(results, r)
		fmt.Printf("run %d: createTask on A %s\n", i+1, r)
		for _, box := range []string{"INBOX", "SENT"} {
			st := count(run, subs, box, queues, mix)
			fmt.Printf("run %d: %-5s on B: %s\n", i+1, box, st)
			total[box].add(st)
		}
	}
	for _, s := range subs {
		if err := s.ended(); err != nil {
			fmt.Fprintf(os.Stderr, "%s %s on B ended: %v\n", s.user, s.box, err)
		}
	}

	ct := load.Medians(results)
	pace := "as fast as they go"
	if *rate > 0 {
		pace = fmt.Sprintf("at most %g tasks/s together", *rate)
	}
	fmt.Printf("\nseed %d; %d runs of %s, %d senders on A (%s) %s, subscribers on B (%s); events counted %s after each run's senders stopped\n",
		*seed, *runs, *dur, *conc, *endpoint, pace, wsURL, *grace)
	fmt.Printf("createTask on A: p50 %.2f ms, p99 %.2f ms, %.1f req/s (medians of the runs)\n\n", load.Ms(ct.P50), load.Ms(ct.P99), ct.RPS)
	fmt.Println("First CREATED event of a task on each subscriber that should hear it, all runs together: arrival − createTask's response")
	fmt.Println("(lower bound: the commit came before the response) and arrival − the request's start (upper bound: it came after).")
	fmt.Printf("| %-5s | %16s | %13s | %12s | %12s | %12s | %12s | %12s | %12s |\n", "box", "heard / expected", "no subscriber",
		"lower p50 ms", "lower p99 ms", "lower max ms", "upper p50 ms", "upper p99 ms", "upper max ms")
	fmt.Printf("|%s|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%s:|\n", strings.Repeat("-", 7), strings.Repeat("-", 17), strings.Repeat("-", 14),
		strings.Repeat("-", 13), strings.Repeat("-", 13), strings.Repeat("-", 13), strings.Repeat("-", 13), strings.Repeat("-", 13), strings.Repeat("-", 13))
	for _, box := range []string{"INBOX", "SENT"} {
		st := total[box]
		st.sort()
		fmt.Printf("| %-5s | %16s | %13d | %12.2f | %12.2f | %12.2f | %12.2f | %12.2f | %12.2f |\n", box,
			fmt.Sprintf("%d / %d", st.heard, st.expected), sum(st.noSubscriber),
			load.Ms(load.Percentile(st.lower, 50)), load.Ms(load.Percentile(st.lower, 99)), load.Ms(load.Percentile(st.lower, 100)),
			load.Ms(load.Percentile(st.upper, 50)), load.Ms(load.Percentile(st.upper, 99)), load.Ms(load.Percentile(st.upper, 100)))
	}
	for _, box := range []string{"INBOX", "SENT"} {
		verdict := total[box].verdict()
		fmt.Printf("target (≤ %s after commit), %s: %s\n", target, box, verdict)
		// The report's row (bench/suite): the upper bounds, the verdict.
		st := total[box]
		met := "no"
		if strings.HasPrefix(verdict, "met") {
			met = "yes"
		}
		r := load.Result{RPS: ct.RPS, P50: load.Percentile(st.upper, 50), P99: load.Percentile(st.upper, 99), Errors: st.expected - st.heard}
		if err := load.RecordJudged("task event on replica B, "+box+" (latency: upper bound; req/s: createTask on A)",
			"createTask mix of bench/tasks", *conc, r, fmt.Sprintf("event ≤ %s after commit (%s)", target, verdict), met); err != nil {
			fail(err)
		}
	}

	fmt.Println("\nunheard by kind (no subscriber: the task's queue is no subscriber's; lost: expected and not heard; tasks, not events):")
	fmt.Printf("| %-34s | %6s | %13s | %10s | %9s |\n", "kind", "sent", "no subscriber", "lost INBOX", "lost SENT")
	fmt.Printf("|%s|%s:|%s:|%s:|%s:|\n", strings.Repeat("-", 36), strings.Repeat("-", 7), strings.Repeat("-", 14), strings.Repeat("-", 11), strings.Repeat("-", 10))
	in, out := total["INBOX"], total["SENT"]
	for _, k := range load.SortedKeys(in.sent) {
		fmt.Printf("| %-34s | %6d | %13d | %10d | %9d |\n", k, in.sent[k], in.noSubscriber[k], in.lost[k], out.lost[k])
	}
	if in.unexpected+out.unexpected > 0 {
		fmt.Printf("heard by a subscriber that should not have: INBOX %d, SENT %d\n", in.unexpected, out.unexpected)
	}

	fmt.Println("\nmix of the measured runs (tasks by sender, kind and recipient queue; INBOX events heard of expected):")
	for _, k := range load.SortedKeys(mix) {
		m := mix[k]
		heard := "no subscriber"
		if m.expected > 0 {
			heard = fmt.Sprintf("%d / %d", m.heard, m.expected)
		}
		fmt.Printf("  %-100s %6d  %s\n", k, m.sent, heard)
	}
	fmt.Println("\nevents per subscriber (every kind; the warm-up's included):")
	for _, s := range subs {
		fmt.Printf("  %-14s %-5s %-60s %7d\n", s.user, s.box, s.queue, s.count())
	}
}

// boxStats counts one box's events of a run (or of all runs).
type boxStats struct {
	expected, heard, unexpected int
	sent, noSubscriber, lost    map[string]int // by kind
	lower, upper                []time.Duration
}

func newBoxStats() *boxStats {
	return &boxStats{sent: map[string]int{}, noSubscriber: map[string]int{}, lost: map[string]int{}}
}

func (b *boxStats) add(o *boxStats) {
	b.expected += o.expected
	b.heard += o.heard
	b.unexpected += o.unexpected
	for _, m := range [][2]map[string]int{{b.sent, o.sent}, {b.noSubscriber, o.noSubscriber}, {b.lost, o.lost}} {
		for k, n := range m[1] {
			m[0][k] += n
		}
	}
	b.lower = append(b.lower, o.lower...)
	b.upper = append(b.upper, o.upper...)
}

func (b *boxStats) sort() {
	slices.Sort(b.lower)
	slices.Sort(b.upper)
}

func (b *boxStats) String() string {
	b.sort()
	return fmt.Sprintf("heard %d of %d expected (%d tasks for no subscriber)  lower p50 %.2f p99 %.2f max %.2f ms  upper p50 %.2f p99 %.2f max %.2f ms",
		b.heard, b.expected, sum(b.noSubscriber),
		load.Ms(load.Percentile(b.lower, 50)), load.Ms(load.Percentile(b.lower, 99)), load.Ms(load.Percentile(b.lower, 100)),
		load.Ms(load.Percentile(b.upper, 50)), load.Ms(load.Percentile(b.upper, 99)), load.Ms(load.Percentile(b.upper, 100)))
}

// verdict says whether the events met the target, by which bound.
func (b *boxStats) verdict() string {
	b.sort()
	lowerP99, upperP99, upperMax := load.Percentile(b.lower, 99), load.Percentile(b.upper, 99), load.Percentile(b.upper, 100)
	switch {
	case b.expected == 0:
		return "nothing expected"
	case b.heard < b.expected:
		return fmt.Sprintf("missed: %d expected events not heard within the grace", b.expected-b.heard)
	case upperMax <= target:
		return "met by every event, even by the upper bound"
	case lowerP99 > target:
		return "missed: p99 over it even by the lower bound"
	case upperP99 <= target:
		return fmt.Sprintf("met at p99 by the upper bound; the slowest %.0f ms", load.Ms(upperMax))
	}
	return fmt.Sprintf("undecided: p99 between %.0f ms (lower) and %.0f ms (upper)", load.Ms(lowerP99), load.Ms(upperP99))
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// mixRow is one line of the mix: tasks sent, and INBOX events.
type mixRow struct{ sent, expected, heard int }

// count matches a run's sends with what box's subscribers heard: a
// subscriber should hear a task in its INBOX when the task is in its
// unit's queue or its organisation's (a queue that names no unit), and in
// its SENT box when its organisation sent it.
func count(run []sent, subs []*subscriber, box string, queues map[string]queue, mix map[string]*mixRow) *boxStats {
	st := newBoxStats()
	for _, t := range run {
		st.sent[t.kind]++
		var row *mixRow
		if box == "INBOX" {
			key := fmt.Sprintf("%s %s → %s", t.sender, t.kind, t.to)
			if row = mix[key]; row == nil {
				row = &mixRow{}
				mix[key] = row
			}
			row.sent++
		}
		someone := false
		for _, s := range subs {
			if s.box != box {
				continue
			}
			var should bool
			if box == "INBOX" {
				should = s.queue.Organization.ID == t.to.Organization.ID &&
					(t.to.Unit == nil || s.queue.Unit != nil && s.queue.Unit.ID == t.to.Unit.ID)
			} else {
				should = s.queue.Organization.ID == queues[t.sender].Organization.ID
			}
			at, heard := s.heard(t.id)
			switch {
			case should && heard:
				st.expected++
				st.heard++
				st.lower = append(st.lower, at.Sub(t.tResp))
				st.upper = append(st.upper, at.Sub(t.tSent))
			case should:
				st.expected++
				st.lost[t.kind]++
			case heard:
				st.unexpected++
			}
			if should && row != nil {
				row.expected++
				if heard {
					row.heard++
				}
			}
			someone = someone || should
		}
		if !someone {
			st.noSubscriber[t.kind]++
		}
	}
	return st
}

// subscriber is one connection to B with one taskEvents subscription.
type subscriber struct {
	user, box string
	queue     queue
	sub       *gqlws.Sub

	mu      sync.Mutex
	created map[string]time.Time // task id → arrival of its first CREATED
	events  int
}

// follow opens a graphql-transport-ws connection to wsURL as the token's
// user and subscribes to box.
func follow(wsURL, token, user, box string, q queue) (*subscriber, error) {
	s := &subscriber{user: user, box: box, queue: q, created: map[string]time.Time{}}
	sub, err := gqlws.Subscribe(wsURL, token, purpose, subscription, map[string]any{"box": box}, s.record)
	if err != nil {
		return nil, err
	}
	s.sub = sub
	return s, nil
}

// record notes an event's arrival.
func (s *subscriber) record(at time.Time, data json.RawMessage) {
	var ev struct {
		TaskEvents struct {
			Kind string
			Task struct{ ID string }
		}
	}
	if json.Unmarshal(data, &ev) != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events++
	if _, ok := s.created[ev.TaskEvents.Task.ID]; !ok && ev.TaskEvents.Kind == "CREATED" {
		s.created[ev.TaskEvents.Task.ID] = at
	}
}

func (s *subscriber) ended() error { return s.sub.Ended() }

func (s *subscriber) heard(id string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.created[id]
	return at, ok
}

func (s *subscriber) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events
}

func (s *subscriber) close() { s.sub.Close() }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "taskevents:", err)
	os.Exit(1)
}
