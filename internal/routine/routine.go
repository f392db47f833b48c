// Package routine keeps samverkansrutiner: the state machine a
// samordningsförbund runs its cases through, as data. A routine names its
// states, the state a case starts in, and the transitions between them;
// each transition says which roles may take it and which guards must hold
// (a samtycke in force for SIP naming the invited parties, the routes
// chosen, a closure reason and an outcome, …). The guards are a fixed
// catalogue implemented here and in the case's transaction; what a förbund
// configures is which guard stands on which transition.
//
// Routines are versioned: a saved change is a new version, and a case
// stays on the version it started on unless it is moved explicitly.
package routine

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/tasks"
)

// Definition is a routine's states and transitions.
type Definition struct {
	// Initial is the state a new case starts in.
	Initial     string       `json:"initial"`
	States      []State      `json:"states"`
	Transitions []Transition `json:"transitions"`
	// Screening is the target group's criteria, answered per case
	// (guard ELIGIBLE).
	Screening []Criterion `json:"screening,omitempty"`
	// TaskDueDays is how many working days each kind of task between
	// agencies gives its recipient in this förbund (by task kind, e.g.
	// "SIGNAL_SJUKSKRIVNING": 5); a kind not named takes the hub's
	// default (tasks.DefaultDueDays).
	TaskDueDays map[string]int `json:"taskDueDays,omitempty"`
}

// DueDays is the working days a task of kind gives its recipient under
// this routine, or def when the routine names none.
func (d Definition) DueDays(kind string, def int) int {
	if n, ok := d.TaskDueDays[kind]; ok {
		return n
	}
	return def
}

// MaxTaskDueDays bounds a routine's due period of a task.
const MaxTaskDueDays = 120

// Criterion is a screening question. The person is in the target group
// when every criterion that is not an exclusion is answered yes and no
// exclusion is.
type Criterion struct {
	Key      string `json:"key"`      // UPPER_SNAKE, e.g. SGI_SAKNAS
	Question string `json:"question"` // for people
	// Excludes: a yes excludes the person (Landskrona: missbruk), and the
	// case is handled outside the routine.
	Excludes bool `json:"excludes,omitempty"`
	// ClosureReason closes the case of a person this criterion keeps out
	// (default EJ_MALGRUPP).
	ClosureReason ClosureReason `json:"closureReason,omitempty"`
}

// Eligible derives the screening's finding from the answers, which must
// answer every criterion and nothing else; failed names the criteria that
// kept the person out, in the definition's order.
func (d Definition) Eligible(answers map[string]bool) (eligible bool, failed []string, bad []string) {
	for k := range answers {
		if !slices.ContainsFunc(d.Screening, func(c Criterion) bool { return c.Key == k }) {
			bad = append(bad, fmt.Sprintf("answers: %q is not a criterion of this routine", k))
		}
	}
	slices.Sort(bad)
	for _, c := range d.Screening {
		yes, ok := answers[c.Key]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("answers: answer %s (%s)", c.Key, c.Question))
		case c.Excludes && yes, !c.Excludes && !yes:
			failed = append(failed, c.Key)
		}
	}
	if len(d.Screening) == 0 {
		bad = append(bad, "this routine has no screening criteria")
	}
	return len(bad) == 0 && len(failed) == 0, failed, bad
}

// State is a step of a routine.
type State struct {
	Name  string `json:"name"`  // UPPER_SNAKE, e.g. KARTLAGGNING
	Label string `json:"label"` // for people, e.g. "Kartläggning"
	// Final: a case in it is closed; no transition leaves it.
	Final bool `json:"final,omitempty"`
	// Waiting: a case in it waits for something outside the routine (an
	// FK appeal, a treatment assessment); the transition into it says
	// what and for how long (guard WAIT_STATED).
	Waiting bool `json:"waiting,omitempty"`
}

// Transition is an allowed step from one of From to To.
type Transition struct {
	From []string `json:"from"`
	To   string   `json:"to"`
	// Roles may take it (one of them suffices). The policy decides first
	// whether the role may move cases at all (cases of its own
	// organisation); this narrows it per step.
	Roles  []identity.Role `json:"roles"`
	Guards []Guard         `json:"guards,omitempty"`
}

// GuardKind names a check from the catalogue.
type GuardKind string

// The guard catalogue.
const (
	// ConsentInForce: a samtycke in force for Purpose names every party
	// the transition invites (at least one must be invited).
	ConsentInForce GuardKind = "CONSENT_IN_FORCE"
	// RoutesNamed: the transition names one or more routes.
	RoutesNamed GuardKind = "ROUTES_NAMED"
	// ClosureRecorded: the transition gives a closure reason and an outcome.
	ClosureRecorded GuardKind = "CLOSURE_RECORDED"
	// WaitStated: the transition says what is awaited and until when.
	WaitStated GuardKind = "WAIT_STATED"
	// DecisionRecorded: the transition records who decided (a forum such
	// as Lysekil's basgrupp) and the reason.
	DecisionRecorded GuardKind = "DECISION_RECORDED"
	// Eligible: the case's screening found the person in the target group.
	Eligible GuardKind = "ELIGIBLE"
	// EvidenceComplete: a transition that names the route
	// ANSOKAN_ERSATTNING finds every item of the case's evidence checklist
	// received or waived (docs/evidence.md); one that does not name it
	// passes.
	EvidenceComplete GuardKind = "EVIDENCE_COMPLETE"
)

// GuardKinds is the catalogue, in the order guards are checked.
var GuardKinds = []GuardKind{ConsentInForce, RoutesNamed, ClosureRecorded, WaitStated, DecisionRecorded, Eligible, EvidenceComplete}

// Guard is a check a transition must pass.
type Guard struct {
	Kind GuardKind `json:"kind"`
	// Purpose of a CONSENT_IN_FORCE guard.
	Purpose consent.Purpose `json:"purpose,omitempty"`
	// Forum of a DECISION_RECORDED guard, e.g. "basgruppen".
	Forum string `json:"forum,omitempty"`
}

// Routine is one version of a förbund's routine, or a template shipped
// with the hub (FederationID nil).
type Routine struct {
	ID           uuid.UUID  `db:"id"`
	FederationID *uuid.UUID `db:"federation_id"`
	Key          string     `db:"key"` // stable across versions, e.g. "samverkan"
	Name         string     `db:"name"`
	Version      int        `db:"version"`
	Definition   Definition `db:"definition"`
	CreatedAt    time.Time  `db:"created_at"`
	CreatedBy    string     `db:"created_by"`
	// Current: the version new cases of the förbund start on.
	Current bool `db:"current"`
}

// Step finds the transition from one state to another.
func (d Definition) Step(from, to string) (Transition, bool) {
	for _, t := range d.Transitions {
		if t.To == to && slices.Contains(t.From, from) {
			return t, true
		}
	}
	return Transition{}, false
}

// State returns the named state.
func (d Definition) State(name string) (State, bool) {
	i := slices.IndexFunc(d.States, func(s State) bool { return s.Name == name })
	if i < 0 {
		return State{}, false
	}
	return d.States[i], true
}

// Limits on a definition.
const (
	MaxStates      = 30
	MaxTransitions = 100
	maxLabelLen    = 80
	maxForumLen    = 80
	MaxCriteria    = 20
	maxQuestionLen = 200
)

var (
	stateName  = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,39}$`)
	keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)
)

// Validate names every problem of a definition, in the order of its
// fields: the initial state, then each state, then each transition.
func (d Definition) Validate() []string {
	var bad []string
	names := map[string]bool{}
	if len(d.States) == 0 {
		bad = append(bad, "states: name at least one state")
	}
	if len(d.States) > MaxStates {
		bad = append(bad, fmt.Sprintf("states: at most %d", MaxStates))
	}
	if _, ok := d.State(d.Initial); !ok {
		bad = append(bad, fmt.Sprintf("initial: %q is not one of the states", d.Initial))
	}
	finals := 0
	for i, s := range d.States {
		at := fmt.Sprintf("states[%d]", i)
		if !stateName.MatchString(s.Name) {
			bad = append(bad, fmt.Sprintf("%s.name: %q is not an UPPER_SNAKE name of at most 40 characters", at, s.Name))
		}
		if names[s.Name] {
			bad = append(bad, fmt.Sprintf("%s.name: %s is named twice", at, s.Name))
		}
		names[s.Name] = true
		if strings.TrimSpace(s.Label) == "" || len([]rune(s.Label)) > maxLabelLen {
			bad = append(bad, fmt.Sprintf("%s.label: give a label of 1 to %d characters", at, maxLabelLen))
		}
		if s.Final && s.Waiting {
			bad = append(bad, fmt.Sprintf("%s: a final state does not wait", at))
		}
		if s.Final {
			finals++
		}
	}
	if len(d.States) > 0 && finals == 0 {
		bad = append(bad, "states: mark at least one state final, so that a case can be closed")
	}
	if s, ok := d.State(d.Initial); ok && s.Final {
		bad = append(bad, "initial: a case cannot start closed")
	}
	if len(d.Transitions) > MaxTransitions {
		bad = append(bad, fmt.Sprintf("transitions: at most %d", MaxTransitions))
	}
	seen := map[[2]string]bool{}
	for i, t := range d.Transitions {
		at := fmt.Sprintf("transitions[%d]", i)
		if len(t.From) == 0 {
			bad = append(bad, at+".from: name at least one state")
		}
		for _, f := range t.From {
			s, ok := d.State(f)
			switch {
			case !ok:
				bad = append(bad, fmt.Sprintf("%s.from: %q is not one of the states", at, f))
			case s.Final:
				bad = append(bad, fmt.Sprintf("%s.from: %s is final; no transition leaves it", at, f))
			case f == t.To:
				bad = append(bad, fmt.Sprintf("%s: %s to itself is not a transition", at, f))
			}
			if seen[[2]string{f, t.To}] {
				bad = append(bad, fmt.Sprintf("%s: %s to %s is given twice", at, f, t.To))
			}
			seen[[2]string{f, t.To}] = true
		}
		to, ok := d.State(t.To)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s.to: %q is not one of the states", at, t.To))
		}
		if len(t.Roles) == 0 {
			bad = append(bad, at+".roles: name at least one role that may take it")
		}
		for _, r := range t.Roles {
			if !slices.Contains(identity.Roles, r) {
				bad = append(bad, fmt.Sprintf("%s.roles: unknown role %q", at, r))
			}
		}
		kinds := map[GuardKind]bool{}
		for j, g := range t.Guards {
			gat := fmt.Sprintf("%s.guards[%d]", at, j)
			if !slices.Contains(GuardKinds, g.Kind) {
				bad = append(bad, fmt.Sprintf("%s.kind: unknown guard %q", gat, g.Kind))
				continue
			}
			if kinds[g.Kind] {
				bad = append(bad, fmt.Sprintf("%s.kind: %s is given twice", gat, g.Kind))
			}
			kinds[g.Kind] = true
			if (g.Kind == ConsentInForce) != (g.Purpose != "") {
				bad = append(bad, fmt.Sprintf("%s.purpose: a purpose belongs to, and only to, %s", gat, ConsentInForce))
			} else if g.Purpose != "" && !slices.Contains(consent.Purposes, g.Purpose) {
				bad = append(bad, fmt.Sprintf("%s.purpose: unknown purpose %q", gat, g.Purpose))
			}
			if (g.Kind == DecisionRecorded) != (g.Forum != "") {
				bad = append(bad, fmt.Sprintf("%s.forum: a forum belongs to, and only to, %s", gat, DecisionRecorded))
			} else if len([]rune(g.Forum)) > maxForumLen {
				bad = append(bad, fmt.Sprintf("%s.forum: at most %d characters", gat, maxForumLen))
			}
		}
		if ok && to.Final && !kinds[ClosureRecorded] {
			bad = append(bad, fmt.Sprintf("%s.guards: closing a case (to %s) needs %s", at, t.To, ClosureRecorded))
		} else if ok && to.Waiting && !kinds[WaitStated] {
			bad = append(bad, fmt.Sprintf("%s.guards: waiting (to %s) needs %s", at, t.To, WaitStated))
		}
	}
	keys := map[string]bool{}
	for i, c := range d.Screening {
		at := fmt.Sprintf("screening[%d]", i)
		if !stateName.MatchString(c.Key) {
			bad = append(bad, fmt.Sprintf("%s.key: %q is not an UPPER_SNAKE name of at most 40 characters", at, c.Key))
		}
		if keys[c.Key] {
			bad = append(bad, fmt.Sprintf("%s.key: %s is given twice", at, c.Key))
		}
		keys[c.Key] = true
		if strings.TrimSpace(c.Question) == "" || len([]rune(c.Question)) > maxQuestionLen {
			bad = append(bad, fmt.Sprintf("%s.question: give a question of 1 to %d characters", at, maxQuestionLen))
		}
		if c.ClosureReason != "" && !slices.Contains(ClosureReasons, c.ClosureReason) {
			bad = append(bad, fmt.Sprintf("%s.closureReason: unknown closure reason %q", at, c.ClosureReason))
		}
	}
	if len(d.Screening) > MaxCriteria {
		bad = append(bad, fmt.Sprintf("screening: at most %d criteria", MaxCriteria))
	}
	if len(d.Screening) == 0 && slices.ContainsFunc(d.Transitions, func(t Transition) bool {
		return slices.ContainsFunc(t.Guards, func(g Guard) bool { return g.Kind == Eligible })
	}) {
		bad = append(bad, "screening: a transition guarded by ELIGIBLE needs screening criteria")
	}
	for _, k := range slices.Sorted(maps.Keys(d.TaskDueDays)) {
		if !slices.Contains(tasks.Kinds, tasks.Kind(k)) {
			bad = append(bad, fmt.Sprintf("taskDueDays: %q is not a task kind", k))
		} else if n := d.TaskDueDays[k]; n < 1 || n > MaxTaskDueDays {
			bad = append(bad, fmt.Sprintf("taskDueDays.%s: give 1 to %d working days", k, MaxTaskDueDays))
		}
	}
	// Every state but the initial one must be reachable, and every
	// open state must lead somewhere: a case must never be stuck.
	if len(bad) == 0 {
		reach := map[string]bool{d.Initial: true}
		for changed := true; changed; {
			changed = false
			for _, t := range d.Transitions {
				if !reach[t.To] && slices.ContainsFunc(t.From, func(f string) bool { return reach[f] }) {
					reach[t.To], changed = true, true
				}
			}
		}
		for _, s := range d.States {
			if !reach[s.Name] {
				bad = append(bad, fmt.Sprintf("states: %s cannot be reached from %s", s.Name, d.Initial))
			}
			if !s.Final && !slices.ContainsFunc(d.Transitions, func(t Transition) bool { return slices.Contains(t.From, s.Name) }) {
				bad = append(bad, fmt.Sprintf("states: no transition leaves %s, which is not final", s.Name))
			}
		}
	}
	return bad
}
