package cases

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/routine"
)

// TransitionClass is the class of a step's details (why, whom it invited,
// the routes, the closure, what is awaited, who decided): the
// municipality's planning. That the case moved, and to which state, is
// part of the case core.
const TransitionClass = consent.KommunPlanering

// ScreeningClass is the class of a case's screening: ekonomiskt bistånd's
// assessment of the target group.
const ScreeningClass = consent.KommunEkonomisktBistand

// Transition is a step of a case in its routine; the first is its opening
// (From nil).
type Transition struct {
	ID           uuid.UUID  `db:"id"`
	CaseID       uuid.UUID  `db:"case_id"`
	OrgID        uuid.UUID  `db:"org_id"`
	IndividualID uuid.UUID  `db:"individual_id"`
	RoutineID    uuid.UUID  `db:"routine_id"`
	From         *string    `db:"from_state"`
	To           string     `db:"to_state"`
	At           time.Time  `db:"at"`
	ByUnitID     *uuid.UUID `db:"by_unit_id"`
	ByUserID     string     `db:"by_user_id"`
	// DetailsVisible: the viewer may see the details below
	// (TransitionClass); when false they are empty.
	DetailsVisible bool                   `db:"details_visible"`
	Reason         *string                `db:"reason"`
	Parties        []routine.Party        `db:"parties"`
	Routes         []routine.Route        `db:"routes"`
	ClosureReason  *routine.ClosureReason `db:"closure_reason"`
	Outcome        *routine.Outcome       `db:"outcome"`
	WaitWhat       *string                `db:"wait_what"`
	WaitUntil      *time.Time             `db:"wait_until"`
	DecisionForum  *string                `db:"decision_forum"`
	DecidedOn      *time.Time             `db:"decided_on"`
	BenefitKind    *routine.BenefitKind   `db:"benefit_kind"`
	BenefitFrom    *time.Time             `db:"benefit_from"`
	ConsentID      *uuid.UUID             `db:"consent_id"` // the samtycke that let the viewer see it
}

func transitionsSQL(scope consent.Scope) string {
	return tTransitionsOfCases.Render(consent.Visible(scope, "t.org_id", "t.individual_id"), transitionDetailsVisible, transitionAllowingConsent)
}

var (
	transitionDetailsVisible  = consent.ClassShared("t.org_id", "t.individual_id", TransitionClass)
	transitionAllowingConsent = consent.AllowingConsent("t.org_id", "t.individual_id", "")
)

// Transitions lists, per case, the history the viewer may see, in the
// order it happened.
func Transitions(ctx context.Context, q db.Querier, scope consent.Scope, caseIDs []uuid.UUID) (map[uuid.UUID][]Transition, error) {
	ts, err := db.Collect[Transition](ctx, q, transitionsSQL(scope), caseIDs)
	if err != nil {
		return nil, fmt.Errorf("load case transitions: %w", err)
	}
	out := map[uuid.UUID][]Transition{}
	for _, t := range ts {
		out[t.CaseID] = append(out[t.CaseID], t)
	}
	return out, nil
}

// Move takes a step the routine allows (the caller decided it with
// routine.Definition.Decide) for a case of the author's organisation and
// records it. A case that moved meanwhile is a CONFLICT: the step was
// decided from a state it is no longer in.
func Move(ctx context.Context, q db.Querier, by Author, c Case, m routine.Move) (Transition, error) {
	id := ids.New(ctx)
	parties := m.Parties
	if parties == nil {
		parties = []routine.Party{}
	}
	routes := m.Routes
	if routes == nil {
		routes = []routine.Route{}
	}
	var reason *string
	if m.Reason != "" {
		reason = &m.Reason
	}
	var closure, outcome, waitWhat, forum *string
	var waitUntil, decidedOn, benefitFrom *time.Time
	var benefit *string
	if m.Closure != nil {
		r, o := string(m.Closure.Reason), string(m.Closure.Outcome)
		closure, outcome = &r, &o
		if b := m.Closure.Benefit; b != nil {
			k := string(b.Kind)
			benefit, benefitFrom = &k, &b.From
		}
	}
	if m.Wait != nil {
		waitWhat, waitUntil = &m.Wait.What, &m.Wait.ExpectedUntil
	}
	if m.Decision != nil {
		forum, decidedOn = &m.Decision.Forum, &m.Decision.DecidedOn
	}
	var got uuid.UUID
	err := q.QueryRow(ctx, qMoveCase, c.ID, c.State, c.RoutineID, m.To, id, reason, parties, routes,
		closure, outcome, waitWhat, waitUntil, forum, decidedOn, by.UnitID, by.UserID, benefit, benefitFrom).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return Transition{}, apperr.Errorf(apperr.Conflict, "the case is no longer %s: it moved meanwhile; load it again", c.State)
	}
	if err != nil {
		return Transition{}, fmt.Errorf("move case: %w", err)
	}
	return transitionByID(ctx, q, c.ID, id)
}

// MoveToRoutine moves a case of the author's organisation onto another
// routine version, in one of its states (the caller checked both), and
// records it as a step with the reason: a case stays on the version it
// started on unless moved so, explicitly.
func MoveToRoutine(ctx context.Context, q db.Querier, by Author, c Case, routineID uuid.UUID, state, reason string) (Transition, error) {
	id := ids.New(ctx)
	var got uuid.UUID
	err := q.QueryRow(ctx, qMoveToRoutine, c.ID, c.State, c.RoutineID, routineID, state, id, reason, by.UnitID, by.UserID).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return Transition{}, apperr.Errorf(apperr.Conflict, "the case is no longer %s: it moved meanwhile; load it again", c.State)
	}
	if err != nil {
		return Transition{}, fmt.Errorf("move case to routine: %w", err)
	}
	return transitionByID(ctx, q, c.ID, id)
}

func transitionByID(ctx context.Context, q db.Querier, caseID, id uuid.UUID) (Transition, error) {
	ts, err := Transitions(ctx, q, consent.Scope{Own: true}, []uuid.UUID{caseID})
	if err != nil {
		return Transition{}, err
	}
	for _, t := range ts[caseID] {
		if t.ID == id {
			return t, nil
		}
	}
	return Transition{}, fmt.Errorf("step %s of case %s not found after writing it", id, caseID)
}

// Screening is a case's screening against its routine's criteria.
type Screening struct {
	CaseID       uuid.UUID       `db:"case_id"`
	OrgID        uuid.UUID       `db:"org_id"`
	IndividualID uuid.UUID       `db:"individual_id"`
	RoutineID    uuid.UUID       `db:"routine_id"`
	Answers      map[string]bool `db:"answers"`
	Eligible     bool            `db:"eligible"`
	Failed       []string        `db:"failed"` // the criteria that kept the person out
	ScreenedAt   time.Time       `db:"screened_at"`
	ScreenedBy   string          `db:"screened_by"`
	CohortID     *uuid.UUID      `db:"cohort_id"`
	ConsentID    *uuid.UUID      `db:"consent_id"` // the samtycke that let the viewer see it
}

// screeningClassSQL is ScreeningClass as an SQL literal.
const screeningClassSQL = "'" + string(ScreeningClass) + "'"

// Screenings loads the screenings of the cases the viewer may see them of
// (ScreeningClass).
func Screenings(ctx context.Context, q db.Querier, scope consent.Scope, caseIDs []uuid.UUID) (map[uuid.UUID]Screening, error) {
	ss, err := db.Collect[Screening](ctx, q, screeningsSQL(scope), caseIDs)
	if err != nil {
		return nil, fmt.Errorf("load screenings: %w", err)
	}
	out := make(map[uuid.UUID]Screening, len(ss))
	for _, s := range ss {
		out[s.CaseID] = s
	}
	return out, nil
}

func screeningsSQL(scope consent.Scope) string {
	return tScreeningsOfCases.Render(consent.ClassVisible(scope, "s.org_id", "s.individual_id", screeningClassSQL),
		consent.AllowingConsent("s.org_id", "s.individual_id", screeningClassSQL))
}

// Screen records the screening of a case of the author's organisation
// against its routine's criteria: the answers, and the finding the routine
// derives from them. Screening again replaces the earlier one.
func Screen(ctx context.Context, q db.Querier, by Author, c Case, def routine.Definition, answers map[string]bool, cohortID *uuid.UUID) (Screening, error) {
	eligible, failed, bad := def.Eligible(answers)
	if len(bad) > 0 {
		return Screening{}, apperr.Invalidf("the case cannot be screened: %s", strings.Join(bad, "; "))
	}
	if failed == nil {
		failed = []string{}
	}
	var got uuid.UUID
	err := q.QueryRow(ctx, qRecordScreening, c.ID, answers, eligible, failed, by.UserID, cohortID).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return Screening{}, apperr.NotFoundf("no such case")
	}
	if err != nil {
		return Screening{}, fmt.Errorf("screen case: %w", err)
	}
	got2, err := Screenings(ctx, q, consent.Scope{Own: true}, []uuid.UUID{c.ID})
	if err != nil {
		return Screening{}, err
	}
	return got2[c.ID], nil
}
