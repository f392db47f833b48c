package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/samverkanshub/hub/bench/internal/gqlws"
)

type named struct{ ID, Name string }

// queue is a user's task queue: its organisation, and its unit.
type queue struct {
	Organization named
	Unit         *named
}

// holds is whether a task to org (and unit) lands in q: the unit's own
// queue, or the organisation-wide one (no unit).
func (q queue) holds(org string, unit *struct{ ID string }) bool {
	return q.Organization.ID == org && (unit == nil || q.Unit != nil && q.Unit.ID == unit.ID)
}

// expectations counts, per subscription, the events the soak's own writes
// should bring (from the writes' responses), and those that came.
type expectations struct {
	mu       sync.Mutex
	expected map[string]map[string]int // subscription → event key → count
	heard    map[string]map[string]int
	other    map[string]int // events of kinds the soak does not predict
}

func newExpectations() *expectations {
	return &expectations{expected: map[string]map[string]int{}, heard: map[string]map[string]int{}, other: map[string]int{}}
}

func (e *expectations) expect(sub, key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.expected[sub] == nil {
		e.expected[sub] = map[string]int{}
	}
	e.expected[sub][key]++
}

func (e *expectations) hear(sub, key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.heard[sub] == nil {
		e.heard[sub] = map[string]int{}
	}
	e.heard[sub][key]++
}

// tally is one subscription's events: expected, heard of them, missing
// (expected, never heard) and unexpected (heard, never expected).
type tally struct {
	expected, heard, missing, unexpected, other int
	examples                                    []string // a few missing or unexpected keys
}

func (e *expectations) tally(sub string) tally {
	e.mu.Lock()
	defer e.mu.Unlock()
	var t tally
	for k, n := range e.expected[sub] {
		h := e.heard[sub][k]
		t.expected += n
		t.heard += min(n, h)
		t.missing += max(0, n-h)
		if n > h && len(t.examples) < 5 {
			t.examples = append(t.examples, "missing "+k)
		}
	}
	for k, h := range e.heard[sub] {
		t.unexpected += max(0, h-e.expected[sub][k])
		if h > e.expected[sub][k] && len(t.examples) < 10 {
			t.examples = append(t.examples, "unexpected "+k)
		}
	}
	t.other = e.other[sub]
	return t
}

// The subscriptions held open over the whole run.
const (
	consentSubscription = `subscription { consentEvents { kind consentId individualId } }`
	taskSubscription    = `subscription { taskEvents(box: INBOX) { kind task { id kind state } step { to } } }`
)

// subscription is one held-open subscription of one user.
type subscription struct {
	name string // "<user> consentEvents" or "<user> taskEvents"
	sub  *gqlws.Sub
}

// subscribe opens the soak's subscriptions: the samtycke events of the
// municipality and of the two grantees, and the task inboxes of FK and of
// Karlstad's ekonomiskt bistånd.
func subscribe(wsURL string, tokens map[string]string, ev *expectations) ([]subscription, error) {
	var subs []subscription
	for _, user := range []string{"soc.karlstad", "ph.fk", "af.karlstad"} {
		name := user + " consentEvents"
		s, err := gqlws.Subscribe(wsURL, tokens[user], rehab, consentSubscription, nil, func(_ time.Time, data json.RawMessage) {
			var d struct {
				ConsentEvents struct {
					Kind         string
					ConsentID    *string
					IndividualID string
				}
			}
			if json.Unmarshal(data, &d) != nil {
				return
			}
			c := d.ConsentEvents
			if c.ConsentID != nil { // the municipality: by samtycke
				ev.hear(name, c.Kind+" "+*c.ConsentID)
			} else { // a grantee: by person
				ev.hear(name, c.Kind+" "+c.IndividualID)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		subs = append(subs, subscription{name, s})
	}
	for _, user := range []string{"ph.fk", "soc.karlstad"} {
		name := user + " taskEvents"
		s, err := gqlws.Subscribe(wsURL, tokens[user], rehab, taskSubscription, nil, func(_ time.Time, data json.RawMessage) {
			var d struct {
				TaskEvents struct {
					Kind string
					Task struct{ ID, Kind string }
					Step struct{ To string }
				}
			}
			if json.Unmarshal(data, &d) != nil {
				return
			}
			t := d.TaskEvents
			switch {
			case t.Task.Kind == "PAMINNELSE":
				// The timers' reminder of a meeting the soak called for
				// tomorrow (docs/timers.md): not the soak's own write.
				ev.mu.Lock()
				ev.other[name]++
				ev.mu.Unlock()
			case t.Kind == "CREATED":
				ev.hear(name, "CREATED "+t.Task.ID)
			case t.Kind == "STATE":
				ev.hear(name, "STATE "+t.Task.ID+" "+t.Step.To)
			default: // ASSIGNED, ESCALATED: not the soak's doing
				ev.mu.Lock()
				ev.other[name]++
				ev.mu.Unlock()
			}
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		subs = append(subs, subscription{name, s})
	}
	return subs, nil
}

// reportEvents prints each subscription's events and whether it stayed
// open; false when an event is missing or unexpected, or one ended.
func reportEvents(subs []subscription, ev *expectations) bool {
	ok := true
	var examples []string
	fmt.Println("\nsubscription events (held open over the whole run; keys from the writes' responses):")
	fmt.Printf("| %-28s | %8s | %6s | %7s | %10s | %5s | %-30s |\n", "subscription", "expected", "heard", "missing", "unexpected", "other", "open to the end")
	fmt.Printf("|%s|%s:|%s:|%s:|%s:|%s:|%s|\n", strings.Repeat("-", 30), strings.Repeat("-", 9), strings.Repeat("-", 7),
		strings.Repeat("-", 8), strings.Repeat("-", 11), strings.Repeat("-", 6), strings.Repeat("-", 32))
	for _, s := range subs {
		t := ev.tally(s.name)
		open := "yes"
		if err := s.sub.Ended(); err != nil {
			open = fmt.Sprintf("no: %.60s", err)
			ok = false
		}
		if t.missing > 0 || t.unexpected > 0 {
			ok = false
		}
		fmt.Printf("| %-28s | %8d | %6d | %7d | %10d | %5d | %-30s |\n", s.name, t.expected, t.heard, t.missing, t.unexpected, t.other, open)
		examples = append(examples, t.examples...)
	}
	for _, x := range examples {
		fmt.Println("  ", x)
	}
	return ok
}
