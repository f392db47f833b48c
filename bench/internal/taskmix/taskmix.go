// Package taskmix is the createTask mix of the tasks' load generators
// (bench/tasks, bench/taskevents): which demo user sends which kinds, and
// the probe that keeps the (case, kind) pairs a sender may send.
package taskmix

import (
	"fmt"
	"net/http"
	"os"

	"github.com/samverkanshub/hub/bench/internal/load"
)

// Send is one kind of task a sender sends, and the purpose it declares.
type Send struct {
	Kind, Purpose string
	Classes       []string
	Konsultation  string // a KONSULTATION's municipality
	Topic         string
}

// Senders are the demo users that send, and what each sends.
var Senders = map[string][]Send{
	"soc.karlstad": {{Kind: "ANSOKAN_SAMORDNAD_REHABILITERING", Purpose: "SAMORDNAD_REHABILITERING", Classes: []string{"KOMMUN_EKONOMISKT_BISTAND"}},
		{Kind: "FRAGA_MEDICINSKT_UNDERLAG", Purpose: "SAMORDNAD_REHABILITERING", Classes: []string{"KOMMUN_PLANERING"}},
		{Kind: "AF_INSKRIVNING", Purpose: "SAMORDNAD_REHABILITERING", Classes: []string{"KOMMUN_PLANERING"}}},
	"soc.eksjo": {{Kind: "ANSOKAN_SAMORDNAD_REHABILITERING", Purpose: "SAMORDNAD_REHABILITERING", Classes: []string{"KOMMUN_EKONOMISKT_BISTAND"}},
		{Kind: "AF_INSKRIVNING", Purpose: "SAMORDNAD_REHABILITERING", Classes: []string{"KOMMUN_PLANERING"}}},
	"rehab.vc": {{Kind: "SIGNAL_SJUKSKRIVNING", Purpose: "SAMORDNAD_REHABILITERING", Classes: []string{"VARD_SJUKSKRIVNING"}}},
	"ph.fk":    {{Kind: "KALLELSE_SIP", Purpose: "SAMORDNAD_REHABILITERING", Classes: []string{"FK_SAMORDNING"}}},
	"af.karlstad": {{Kind: "KONSULTATION", Purpose: "SAMORDNAD_REHABILITERING", Konsultation: "1780", Topic: "EKONOMISKT_BISTAND"},
		{Kind: "KONSULTATION", Purpose: "SAMORDNAD_REHABILITERING", Konsultation: "1784", Topic: "EKONOMISKT_BISTAND"}},
}

// Prepared is one request ready to send (load.Request).
type Prepared = load.Request

const casesQuery = `query($first: Int) { cases(first: $first) { nodes { id } } }`

// Probe lists the cases the sender sees and keeps up to n cases it may
// send s about (a KONSULTATION: n copies), as bodies of mutation, a
// createTask with the variable $in. Each probe that succeeds sends a task.
func Probe(client *http.Client, endpoint, token, user string, s Send, n int, mutation string) (kept []Prepared, tried, refused int) {
	p := Prepared{User: user, Token: token, Purpose: s.Purpose, Label: s.Kind}
	in := func(caseID string) map[string]any {
		m := map[string]any{"kind": s.Kind, "subject": "Benchmark " + s.Kind, "body": "Mätning av createTask."}
		if caseID != "" {
			m["caseId"], m["classes"] = caseID, s.Classes
		} else {
			m["topic"], m["municipalityCode"] = s.Topic, s.Konsultation
		}
		return m
	}
	if s.Kind == "KONSULTATION" {
		p.Body = load.GQL(mutation, map[string]any{"in": in("")})
		if err := load.SendWith(client, endpoint, token, p.Header(), p.Body); err != nil {
			fmt.Fprintf(os.Stderr, "probe %s %s: %v\n", user, s.Kind, err)
			return nil, 1, 1
		}
		for range n {
			kept = append(kept, p)
		}
		return kept, 1, 0
	}
	var out struct {
		Cases struct {
			Nodes []struct{ ID string } `json:"nodes"`
		} `json:"cases"`
	}
	if err := load.Query(client, endpoint, token, p.Header(), load.GQL(casesQuery, map[string]any{"first": 100}), &out); err != nil {
		fmt.Fprintf(os.Stderr, "probe %s: cases: %v\n", user, err)
		return nil, 0, 0
	}
	for _, c := range out.Cases.Nodes {
		if len(kept) == n {
			break
		}
		p.Body = load.GQL(mutation, map[string]any{"in": in(c.ID)})
		tried++
		if err := load.SendWith(client, endpoint, token, p.Header(), p.Body); err != nil {
			refused++
			continue
		}
		kept = append(kept, p)
	}
	return kept, tried, refused
}

// ProbeAll probes every sender's every kind, prints what it kept, and
// returns the sends of all.
func ProbeAll(client *http.Client, endpoint string, tokens map[string]string, n int, mutation string) []Prepared {
	var sends []Prepared
	for _, u := range load.SortedKeys(Senders) {
		for _, s := range Senders[u] {
			kept, tried, refused := Probe(client, endpoint, tokens[u], u, s, n, mutation)
			fmt.Printf("probe %-13s %-34s kept %3d of %3d tried (%d refused: no samtycke or no way in)\n", u, s.Kind, len(kept), tried, refused)
			sends = append(sends, kept...)
		}
	}
	return sends
}
