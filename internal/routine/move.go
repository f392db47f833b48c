package routine

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// Route is a way forward chosen for a person (Landskrona's S5, R1–R5, and
// an insats of the förbund).
type Route string

// The routes.
const (
	RouteFKSamordning       Route = "FK_SAMORDNING"              // R1: application to FK for samordning av rehabilitering (form 7434)
	RouteAnsokanErsattning  Route = "ANSOKAN_ERSATTNING"         // R2: application for sjuk- or aktivitetsersättning
	RouteAFInskrivning      Route = "AF_INSKRIVNING"             // R3: AF registration in the right activity
	RouteFortsattBehandling Route = "FORTSATT_BEHANDLING"        // R4: continued treatment with regular follow-up, no new intyg
	RouteKartlaggning       Route = "KARTLAGGNING_ARBETSFORMAGA" // R5: kartläggning or arbetsförmågebedömning
	RouteForbundInsats      Route = "FORBUND_INSATS"             // an insats financed by the samordningsförbund
)

// Routes lists every route.
var Routes = []Route{RouteFKSamordning, RouteAnsokanErsattning, RouteAFInskrivning, RouteFortsattBehandling, RouteKartlaggning, RouteForbundInsats}

// ClosureReason is why a case closed (avslutsorsak), from the reasons
// Landskrona's review found.
type ClosureReason string

// The closure reasons.
const (
	ClosureArbete            ClosureReason = "ARBETE"              // work, full or partial
	ClosureStudier           ClosureReason = "STUDIER"             // studies
	ClosureFlyttat           ClosureReason = "FLYTTAT"             // moved away
	ClosureErsattning        ClosureReason = "ERSATTNING_BEVILJAD" // aktivitets-/sjukersättning or etableringsersättning granted
	ClosureAFPlanering       ClosureReason = "AF_PLANERING"        // planning with AF, SFI included
	ClosureForaldraledighet  ClosureReason = "FORALDRALEDIGHET"    // parental leave
	ClosureForsorjdAvAnhorig ClosureReason = "FORSORJD_AV_ANHORIG" // supported by a relative
	ClosureMissbruk          ClosureReason = "MISSBRUK"            // substance abuse: ordinary handling by ekonomiskt bistånd
	ClosureFrihetsberovad    ClosureReason = "FRIHETSBEROVAD"      // deprived of liberty
	ClosureAvliden           ClosureReason = "AVLIDEN"             // deceased
	ClosureAlderspension     ClosureReason = "ALDERSPENSION"       // ålderspension
	ClosureEjMalgrupp        ClosureReason = "EJ_MALGRUPP"         // screened, not in the target group
	ClosureAnnanVag          ClosureReason = "ANNAN_VAG"           // another path decided (Lysekil's parallel path)
	ClosureOkand             ClosureReason = "OKAND"               // unknown reason
)

// ClosureReasons lists every closure reason.
var ClosureReasons = []ClosureReason{ClosureArbete, ClosureStudier, ClosureFlyttat, ClosureErsattning, ClosureAFPlanering,
	ClosureForaldraledighet, ClosureForsorjdAvAnhorig, ClosureMissbruk, ClosureFrihetsberovad, ClosureAvliden,
	ClosureAlderspension, ClosureEjMalgrupp, ClosureAnnanVag, ClosureOkand}

// Outcome is what the collaboration achieved for the person (S8).
type Outcome string

// The outcomes.
const (
	OutcomeRattErsattning  Outcome = "RATT_ERSATTNING"  // the right benefit granted
	OutcomeRattInsats      Outcome = "RATT_INSATS"      // the right insats in place: AF, studies, work
	OutcomeEgenForsorjning Outcome = "EGEN_FORSORJNING" // self-supporting through work or studies
	OutcomeIngetUtfall     Outcome = "INGET_UTFALL"     // closed without any of these
)

// Outcomes lists every outcome.
var Outcomes = []Outcome{OutcomeRattErsattning, OutcomeRattInsats, OutcomeEgenForsorjning, OutcomeIngetUtfall}

// BenefitKind is a benefit granted to the person, recorded on closing.
type BenefitKind string

// The benefits.
const (
	BenefitSjukersattning        BenefitKind = "SJUKERSATTNING"
	BenefitAktivitetsersattning  BenefitKind = "AKTIVITETSERSATTNING"
	BenefitSjukpenning           BenefitKind = "SJUKPENNING"
	BenefitEtableringsersattning BenefitKind = "ETABLERINGSERSATTNING"
)

// BenefitKinds lists every benefit.
var BenefitKinds = []BenefitKind{BenefitSjukersattning, BenefitAktivitetsersattning, BenefitSjukpenning, BenefitEtableringsersattning}

// Benefit is a benefit granted, and from when.
type Benefit struct {
	Kind BenefitKind
	From time.Time
}

// Party is an organisation, or one of its units, invited to take part.
type Party struct {
	OrgID  uuid.UUID  `json:"orgId"`
	UnitID *uuid.UUID `json:"unitId,omitempty"`
}

// Closure is why a case closed and what came of it: the reason, the
// outcome, and the benefit granted, if any.
type Closure struct {
	Reason  ClosureReason
	Outcome Outcome
	Benefit *Benefit
}

// Wait is what a case waits for, and until when it is expected.
type Wait struct {
	What          string
	ExpectedUntil time.Time
}

// Decision is who decided a step, and when.
type Decision struct {
	Forum     string
	DecidedOn time.Time
}

// Move asks a case to take a transition: where to, why, and what the
// guards read.
type Move struct {
	To       string
	Reason   string
	Parties  []Party
	Routes   []Route
	Closure  *Closure
	Wait     *Wait
	Decision *Decision
}

// Limits on a move.
const (
	MaxReasonLen  = 2000
	maxWaitLen    = 200
	MaxParties    = 20
	maxWaitPeriod = 3 * 366 * 24 * time.Hour
)

// Validate names every problem of the move on its own, in field order.
func (m Move) Validate(today time.Time) []string {
	var bad []string
	if len([]rune(m.Reason)) > MaxReasonLen {
		bad = append(bad, fmt.Sprintf("reason: at most %d characters", MaxReasonLen))
	}
	if len(m.Parties) > MaxParties {
		bad = append(bad, fmt.Sprintf("parties: at most %d", MaxParties))
	}
	for i, p := range m.Parties {
		if slices.ContainsFunc(m.Parties[:i], func(q Party) bool { return q.OrgID == p.OrgID && equalUnit(q.UnitID, p.UnitID) }) {
			bad = append(bad, fmt.Sprintf("parties[%d]: invited twice", i))
		}
	}
	for i, r := range m.Routes {
		if !slices.Contains(Routes, r) {
			bad = append(bad, fmt.Sprintf("routes[%d]: unknown route %q", i, r))
		} else if slices.Contains(m.Routes[:i], r) {
			bad = append(bad, fmt.Sprintf("routes[%d]: %s is named twice", i, r))
		}
	}
	if c := m.Closure; c != nil {
		if !slices.Contains(ClosureReasons, c.Reason) {
			bad = append(bad, fmt.Sprintf("closure.reason: unknown closure reason %q", c.Reason))
		}
		if !slices.Contains(Outcomes, c.Outcome) {
			bad = append(bad, fmt.Sprintf("closure.outcome: unknown outcome %q", c.Outcome))
		}
		if c.Benefit != nil && !slices.Contains(BenefitKinds, c.Benefit.Kind) {
			bad = append(bad, fmt.Sprintf("closure.benefit.kind: unknown benefit %q", c.Benefit.Kind))
		}
	}
	if w := m.Wait; w != nil {
		if strings.TrimSpace(w.What) == "" || len([]rune(w.What)) > maxWaitLen {
			bad = append(bad, fmt.Sprintf("wait.what: say what is awaited, in 1 to %d characters", maxWaitLen))
		}
		if !w.ExpectedUntil.After(today) {
			bad = append(bad, "wait.expectedUntil: give a day after today")
		} else if w.ExpectedUntil.Sub(today) > maxWaitPeriod {
			bad = append(bad, "wait.expectedUntil: at most three years ahead; follow the case up before then")
		}
	}
	if d := m.Decision; d != nil {
		if strings.TrimSpace(d.Forum) == "" || len([]rune(d.Forum)) > maxForumLen {
			bad = append(bad, fmt.Sprintf("decision.forum: name who decided, in 1 to %d characters", maxForumLen))
		}
		if d.DecidedOn.After(today) {
			bad = append(bad, "decision.decidedOn: a decision cannot be taken in the future")
		}
	}
	return bad
}

// Facts are what the guards need from the database, gathered by the
// caller in the case's transaction.
type Facts struct {
	// Grantees are, per purpose of the transition's CONSENT_IN_FORCE
	// guard, whom the samtycken in force for the person name for it.
	Grantees map[consent.Purpose][]consent.Grantee
	// Eligible is the screening's finding: nil when not screened.
	Eligible *bool
	// EvidenceOpen names, for EVIDENCE_COMPLETE, each item of the case's
	// evidence checklist neither received nor waived, with its status
	// (e.g. "LAKARUTLATANDE (requested)"), in the checklist's order.
	EvidenceOpen []string
}

// Check runs the transition's guards on the move and says, guard by
// guard, which failed and why.
func (t Transition) Check(m Move, f Facts, partyName func(Party) string) []string {
	var failed []string
	for _, g := range t.Guards {
		if why := g.check(m, f, partyName); why != "" {
			failed = append(failed, string(g.Kind)+": "+why)
		}
	}
	// Details a transition does not ask for are refused rather than
	// stored without meaning.
	has := func(k GuardKind) bool {
		return slices.ContainsFunc(t.Guards, func(g Guard) bool { return g.Kind == k })
	}
	if len(m.Routes) > 0 && !has(RoutesNamed) {
		failed = append(failed, "routes: this transition chooses no routes")
	}
	if m.Closure != nil && !has(ClosureRecorded) {
		failed = append(failed, "closure: this transition does not close the case")
	}
	if m.Wait != nil && !has(WaitStated) {
		failed = append(failed, "wait: this transition does not lead to waiting")
	}
	if m.Decision != nil && !has(DecisionRecorded) {
		failed = append(failed, "decision: this transition records no decision")
	}
	if len(m.Parties) > 0 && !has(ConsentInForce) {
		failed = append(failed, "parties: this transition invites no parties")
	}
	return failed
}

func (g Guard) check(m Move, f Facts, partyName func(Party) string) string {
	switch g.Kind {
	case ConsentInForce:
		if len(m.Parties) == 0 {
			return fmt.Sprintf("name the parties invited; a samtycke in force for %s must name each", g.Purpose)
		}
		var missing []string
		for _, p := range m.Parties {
			if !slices.ContainsFunc(f.Grantees[g.Purpose], func(gr consent.Grantee) bool { return gr.Names(p.OrgID, p.UnitID) }) {
				missing = append(missing, partyName(p))
			}
		}
		if len(missing) > 0 {
			return fmt.Sprintf("no samtycke in force for %s names %s", g.Purpose, strings.Join(missing, ", "))
		}
	case RoutesNamed:
		if len(m.Routes) == 0 {
			return "name one or more routes"
		}
	case ClosureRecorded:
		if m.Closure == nil {
			return "give a closure reason and an outcome"
		}
	case WaitStated:
		if m.Wait == nil {
			return "say what is awaited and until when"
		}
	case DecisionRecorded:
		if m.Decision == nil || strings.TrimSpace(m.Reason) == "" {
			return fmt.Sprintf("record the decision of %s (who decided and when) and its reason", g.Forum)
		}
	case EvidenceComplete:
		if slices.Contains(m.Routes, RouteAnsokanErsattning) && len(f.EvidenceOpen) > 0 {
			return fmt.Sprintf("the route %s needs the evidence complete; received or waived neither: %s",
				RouteAnsokanErsattning, strings.Join(f.EvidenceOpen, ", "))
		}
	case Eligible:
		switch {
		case f.Eligible == nil:
			return "the case is not screened"
		case !*f.Eligible:
			return "the screening found the person outside the target group; close the case with reason EJ_MALGRUPP"
		}
	}
	return ""
}

func equalUnit(a, b *uuid.UUID) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// Decide finds the transition a move asks for from the state a case is in,
// checks that one of roles may take it, gathers what its guards need
// (facts, called only for a transition that exists and may be taken) and
// runs them. A refusal names the problem: an unknown state, a step the
// routine does not have (with the steps it has from here), the roles that
// may take it, or each guard that failed.
func (d Definition) Decide(from string, m Move, roles []identity.Role, facts func(Transition) (Facts, error), partyName func(Party) string) (Transition, error) {
	if _, ok := d.State(m.To); !ok {
		return Transition{}, apperr.Invalidf("to: %q is not a state of the case's routine", m.To)
	}
	t, ok := d.Step(from, m.To)
	if !ok {
		var next []string
		for _, t := range d.Transitions {
			if slices.Contains(t.From, from) {
				next = append(next, t.To)
			}
		}
		if len(next) == 0 {
			return Transition{}, apperr.Invalidf("to: the case is %s, and no step leaves it", from)
		}
		return Transition{}, apperr.Invalidf("to: the routine has no step from %s to %s; from %s it goes to %s", from, m.To, from, strings.Join(next, ", "))
	}
	if !slices.ContainsFunc(roles, func(r identity.Role) bool { return slices.Contains(t.Roles, r) }) {
		names := make([]string, len(t.Roles))
		for i, r := range t.Roles {
			names[i] = string(r)
		}
		return Transition{}, apperr.Errorf(apperr.Forbidden, "only %s may move a case from %s to %s", strings.Join(names, ", "), from, m.To)
	}
	f, err := facts(t)
	if err != nil {
		return Transition{}, err
	}
	if failed := t.Check(m, f, partyName); len(failed) > 0 {
		return Transition{}, apperr.Invalidf("the case cannot move from %s to %s: %s", from, m.To, strings.Join(failed, "; "))
	}
	return t, nil
}
