package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/routine"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// TransitionCase moves a case of the actor's organisation one step in its
// routine: the routine must have the step from the case's state, one of
// the actor's roles must be among those the step names, and every guard
// of the step must hold (a refusal names each that failed).
func (s *Service) TransitionCase(ctx context.Context, w *app.Work, caseID uuid.UUID, m routine.Move) (cases.Case, cases.Transition, error) {
	c, def, err := s.caseToMove(ctx, w, caseID)
	if err != nil {
		return cases.Case{}, cases.Transition{}, err
	}
	t, err := s.move(ctx, w, c, def, m)
	if err != nil {
		return cases.Case{}, cases.Transition{}, err
	}
	moved, err := w.VisibleCase(ctx, c.ID)
	return moved, t, err
}

// ScreenCase records a case's screening against its routine's criteria.
// A person outside the target group has the case closed at once, with the
// closure reason of the criterion that kept them out (EJ_MALGRUPP unless
// it names one, as MISSBRUK does), if the routine has a step from the
// case's state that closes it: closed is that step, else nil.
func (s *Service) ScreenCase(ctx context.Context, w *app.Work, caseID uuid.UUID, answers map[string]bool, cohortID *uuid.UUID) (c cases.Case, sc cases.Screening, closed *cases.Transition, err error) {
	c, def, err := s.caseToMove(ctx, w, caseID)
	if err != nil {
		return c, sc, nil, err
	}
	if cohortID != nil {
		ks, err := cases.CohortsByID(ctx, w.Tx(), []uuid.UUID{*cohortID})
		if err != nil {
			return c, sc, nil, err
		}
		if k, ok := ks[*cohortID]; !ok || k.FederationID != c.FederationID {
			return c, sc, nil, apperr.Invalidf("cohortId: no such cohort of your organisation in the case's förbund")
		}
	}
	return s.screen(ctx, w, c, def, answers, cohortID)
}

// screen records the screening of a case the actor may move, and closes
// the case of a person outside the target group.
func (s *Service) screen(ctx context.Context, w *app.Work, c cases.Case, def routine.Definition, answers map[string]bool, cohortID *uuid.UUID) (cases.Case, cases.Screening, *cases.Transition, error) {
	if slices.ContainsFunc(def.States, func(st routine.State) bool { return st.Name == c.State && st.Final }) {
		return c, cases.Screening{}, nil, apperr.Invalidf("the case is closed (%s); open a new case to screen the person again", c.State)
	}
	sc, err := cases.Screen(ctx, w.Tx(), author(w), c, def, answers, cohortID)
	if err != nil {
		return c, sc, nil, err
	}
	var closed *cases.Transition
	if !sc.Eligible {
		if m, ok := closingMove(def, c.State, sc.Failed); ok {
			t, err := s.move(ctx, w, c, def, m)
			if err != nil {
				return c, sc, nil, err
			}
			closed = &t
		}
	}
	if closed == nil {
		w.Accessed(caseAccess(c, true))
	}
	c, err = w.VisibleCase(ctx, c.ID)
	return c, sc, closed, err
}

// closingMove is the step that closes a case the screening found outside
// the target group: to a final state the routine reaches from state, with
// the closure reason of the first criterion that names one.
func closingMove(def routine.Definition, state string, failed []string) (routine.Move, bool) {
	reason := routine.ClosureEjMalgrupp
	for _, key := range failed {
		i := slices.IndexFunc(def.Screening, func(c routine.Criterion) bool { return c.Key == key })
		if i >= 0 && def.Screening[i].ClosureReason != "" {
			reason = def.Screening[i].ClosureReason
			break
		}
	}
	for _, t := range def.Transitions {
		to, _ := def.State(t.To)
		if to.Final && slices.Contains(t.From, state) {
			return routine.Move{
				To:      t.To,
				Reason:  "Screeningen: utanför målgruppen (" + strings.Join(failed, ", ") + ")",
				Closure: &routine.Closure{Reason: reason, Outcome: routine.OutcomeIngetUtfall},
			}, true
		}
	}
	return routine.Move{}, false
}

// caseToMove loads a case the actor may move, with its routine: NOT_FOUND
// for a case the actor cannot see, FORBIDDEN for one it sees but may not
// move (another organisation's).
func (s *Service) caseToMove(ctx context.Context, w *app.Work, caseID uuid.UUID) (cases.Case, routine.Definition, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return cases.Case{}, routine.Definition{}, err
	}
	c, err := w.VisibleCase(ctx, caseID)
	if err != nil {
		return cases.Case{}, routine.Definition{}, err
	}
	if err := w.Allow(ctx, authz.Transition, authz.Object{Kind: authz.Case, OwnerOrgID: c.OrgID, ID: relay.ID(relay.TypeCase, c.ID), IndividualID: &c.IndividualID}); err != nil {
		return cases.Case{}, routine.Definition{}, err
	}
	rs, err := routine.ByID(ctx, w.Tx(), []uuid.UUID{c.RoutineID})
	if err != nil {
		return cases.Case{}, routine.Definition{}, err
	}
	r, ok := rs[c.RoutineID]
	if !ok {
		return cases.Case{}, routine.Definition{}, fmt.Errorf("case %s follows routine %s, which is missing", c.ID, c.RoutineID)
	}
	return c, r.Definition, nil
}

// move decides and records one step of a case.
func (s *Service) move(ctx context.Context, w *app.Work, c cases.Case, def routine.Definition, m routine.Move) (cases.Transition, error) {
	today, err := w.Today(ctx)
	if err != nil {
		return cases.Transition{}, err
	}
	if bad := m.Validate(today); len(bad) > 0 {
		return cases.Transition{}, apperr.Invalidf("the case cannot move: %s", strings.Join(bad, "; "))
	}
	names, err := partyNames(ctx, w, m.Parties)
	if err != nil {
		return cases.Transition{}, err
	}
	facts := func(t routine.Transition) (routine.Facts, error) { return s.guardFacts(ctx, w, c, t) }
	if _, err := def.Decide(c.State, m, w.Principal().Roles, facts, names); err != nil {
		return cases.Transition{}, err
	}
	t, err := cases.Move(ctx, w.Tx(), author(w), c, m)
	if err != nil {
		return cases.Transition{}, err
	}
	if m.To == routine.Vantar && m.Wait != nil {
		// The reminder that the wait ended, at its end.
		if err := timers.ScheduleWaitEnded(ctx, w, c.ID, c.OrgID, m.Wait.ExpectedUntil); err != nil {
			return cases.Transition{}, err
		}
	}
	w.Accessed(caseAccess(c, true))
	return t, nil
}

// guardFacts gathers what a step's guards read: whom the samtycken in
// force name for each CONSENT_IN_FORCE purpose, the screening, and the
// evidence checklist's open items.
func (s *Service) guardFacts(ctx context.Context, w *app.Work, c cases.Case, t routine.Transition) (routine.Facts, error) {
	f := routine.Facts{Grantees: map[consent.Purpose][]consent.Grantee{}}
	for _, g := range t.Guards {
		switch g.Kind {
		case routine.ConsentInForce:
			gs, err := consent.GranteesInForce(ctx, w.Tx(), c.IndividualID, g.Purpose)
			if err != nil {
				return f, err
			}
			f.Grantees[g.Purpose] = gs
		case routine.Eligible:
			sc, err := cases.Screenings(ctx, w.Tx(), consent.Scope{Own: true}, []uuid.UUID{c.ID})
			if err != nil {
				return f, err
			}
			if found, ok := sc[c.ID]; ok && found.RoutineID == c.RoutineID {
				f.Eligible = &found.Eligible
			}
		case routine.EvidenceComplete:
			open, err := evidenceOpen(ctx, w, c.ID)
			if err != nil {
				return f, err
			}
			f.EvidenceOpen = open
		}
	}
	return f, nil
}

// partyNames checks that the parties a move invites exist (each unit one
// of its organisation's) and names them for the guards' messages.
func partyNames(ctx context.Context, w *app.Work, parties []routine.Party) (func(routine.Party) string, error) {
	var orgIDs, unitIDs []uuid.UUID
	for _, p := range parties {
		orgIDs = append(orgIDs, p.OrgID)
		if p.UnitID != nil {
			unitIDs = append(unitIDs, *p.UnitID)
		}
	}
	orgs, err := tenancy.OrganizationsByID(ctx, w.Tx(), orgIDs)
	if err != nil {
		return nil, err
	}
	units, err := tenancy.UnitsByID(ctx, w.Tx(), unitIDs)
	if err != nil {
		return nil, err
	}
	var bad []string
	for i, p := range parties {
		if _, ok := orgs[p.OrgID]; !ok {
			bad = append(bad, fmt.Sprintf("parties[%d].organizationId: no such organisation", i))
		} else if p.UnitID != nil && units[*p.UnitID].OrgID != p.OrgID {
			bad = append(bad, fmt.Sprintf("parties[%d].unitId: not a unit of %s", i, orgs[p.OrgID].Name))
		}
	}
	if len(bad) > 0 {
		return nil, apperr.Invalidf("the case cannot move: %s", strings.Join(bad, "; "))
	}
	return func(p routine.Party) string {
		if p.UnitID != nil {
			return orgs[p.OrgID].Name + " (" + units[*p.UnitID].Name + ")"
		}
		return orgs[p.OrgID].Name
	}, nil
}

// Transitions lists, per case, the history the actor may see (the steps'
// details only under KOMMUN_PLANERING), noting a read of each case's
// (object CaseHistory:<case>).
func (s *Service) Transitions(ctx context.Context, w *app.Work, caseIDs []uuid.UUID) (map[uuid.UUID][]cases.Transition, error) {
	found, err := cases.Transitions(ctx, w.Tx(), w.Scope(authz.Read, authz.Case), caseIDs)
	if err != nil {
		return nil, err
	}
	for _, list := range found {
		if len(list) > 0 {
			t := list[0]
			w.Accessed(audit.Access{IndividualID: t.IndividualID, OwnerOrgID: t.OrgID,
				ObjectID: relay.ID(relay.TypeCaseHistory, t.CaseID), ConsentID: t.ConsentID})
		}
	}
	return found, nil
}

// Screenings loads the screenings of cases the actor may see them of
// (KOMMUN_EKONOMISKT_BISTAND), noting each read (object
// CaseScreening:<case>).
func (s *Service) Screenings(ctx context.Context, w *app.Work, caseIDs []uuid.UUID) (map[uuid.UUID]cases.Screening, error) {
	found, err := cases.Screenings(ctx, w.Tx(), w.Scope(authz.Read, authz.Case), caseIDs)
	if err != nil {
		return nil, err
	}
	for _, sc := range found {
		w.Accessed(audit.Access{IndividualID: sc.IndividualID, OwnerOrgID: sc.OrgID,
			ObjectID: relay.ID(relay.TypeCaseScreening, sc.CaseID), ConsentID: sc.ConsentID})
	}
	return found, nil
}

// MoveToRoutine moves a case of the actor's organisation explicitly onto
// another version of its förbund's routine (or a routine shipped with the
// hub), into one of its open states, with a reason: cases otherwise stay
// on the version they started on when the förbund saves a new one.
func (s *Service) MoveToRoutine(ctx context.Context, w *app.Work, caseID, routineID uuid.UUID, state, reason string) (cases.Case, cases.Transition, error) {
	c, _, err := s.caseToMove(ctx, w, caseID)
	if err != nil {
		return cases.Case{}, cases.Transition{}, err
	}
	var bad []string
	if strings.TrimSpace(reason) == "" || len([]rune(reason)) > routine.MaxReasonLen {
		bad = append(bad, fmt.Sprintf("reason: say why, in 1 to %d characters", routine.MaxReasonLen))
	}
	rs, err := routine.ByID(ctx, w.Tx(), []uuid.UUID{routineID})
	if err != nil {
		return cases.Case{}, cases.Transition{}, err
	}
	r, ok := rs[routineID]
	switch {
	case !ok || (r.FederationID != nil && *r.FederationID != c.FederationID):
		bad = append(bad, "routineId: no such routine of the case's förbund")
	case r.ID == c.RoutineID:
		bad = append(bad, "routineId: the case follows this routine already")
	default:
		if st, ok := r.Definition.State(state); !ok || st.Final {
			bad = append(bad, fmt.Sprintf("state: %q is not an open state of that routine", state))
		}
	}
	if len(bad) > 0 {
		return cases.Case{}, cases.Transition{}, apperr.Invalidf("the case cannot move to the routine: %s", strings.Join(bad, "; "))
	}
	t, err := cases.MoveToRoutine(ctx, w.Tx(), author(w), c, r.ID, state, strings.TrimSpace(reason))
	if err != nil {
		return cases.Case{}, cases.Transition{}, err
	}
	w.Accessed(caseAccess(c, true))
	moved, err := w.VisibleCase(ctx, c.ID)
	return moved, t, err
}
