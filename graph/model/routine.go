package model

import (
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/routine"
	"github.com/samverkanshub/hub/internal/tasks"
)

// Routine is the GraphQL Routine: one version of a routine.
type Routine struct {
	ID           string
	Key          string
	Name         string
	Version      int
	Current      bool
	InitialState string
	States       []*RoutineState
	Transitions  []*RoutineTransition
	Screening    []*ScreeningCriterion
	TaskDueDays  []*TaskDuePeriod
	CreatedAt    time.Time
	CreatedBy    string

	FederationKey *uuid.UUID
}

// IsNode marks Routine as a Node.
func (Routine) IsNode() {}

// GetID returns the global id.
func (r Routine) GetID() string { return r.ID }

// FromRoutine converts a routine version.
func FromRoutine(r routine.Routine) *Routine {
	d := r.Definition
	out := &Routine{
		ID: relay.ID(relay.TypeRoutine, r.ID), Key: r.Key, Name: r.Name, Version: r.Version, Current: r.Current,
		InitialState: d.Initial, CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, FederationKey: r.FederationID,
		States: []*RoutineState{}, Transitions: []*RoutineTransition{}, Screening: []*ScreeningCriterion{}, TaskDueDays: []*TaskDuePeriod{},
	}
	for _, kind := range slices.Sorted(maps.Keys(d.TaskDueDays)) {
		out.TaskDueDays = append(out.TaskDueDays, &TaskDuePeriod{Kind: tasks.Kind(kind), WorkingDays: d.TaskDueDays[kind]})
	}
	for _, s := range d.States {
		out.States = append(out.States, &RoutineState{Name: s.Name, Label: s.Label, Final: s.Final, Waiting: s.Waiting})
	}
	for _, t := range d.Transitions {
		tr := &RoutineTransition{From: t.From, To: t.To, Roles: t.Roles, Guards: []*RoutineGuard{}}
		for _, g := range t.Guards {
			guard := &RoutineGuard{Kind: g.Kind}
			if g.Purpose != "" {
				p := g.Purpose
				guard.Purpose = &p
			}
			if g.Forum != "" {
				f := g.Forum
				guard.Forum = &f
			}
			tr.Guards = append(tr.Guards, guard)
		}
		out.Transitions = append(out.Transitions, tr)
	}
	for _, c := range d.Screening {
		sc := &ScreeningCriterion{Key: c.Key, Question: c.Question, Excludes: c.Excludes}
		if c.ClosureReason != "" {
			r := c.ClosureReason
			sc.ClosureReason = &r
		}
		out.Screening = append(out.Screening, sc)
	}
	return out
}

// ToDefinition converts a routine definition from its input.
func ToDefinition(in *RoutineDefinitionInput) (routine.Definition, error) {
	d := routine.Definition{Initial: in.InitialState}
	for _, s := range in.States {
		d.States = append(d.States, routine.State{Name: s.Name, Label: s.Label, Final: deref(s.Final), Waiting: deref(s.Waiting)})
	}
	for _, t := range in.Transitions {
		tr := routine.Transition{From: t.From, To: t.To, Roles: t.Roles}
		for _, g := range t.Guards {
			guard := routine.Guard{Kind: g.Kind}
			if g.Purpose != nil {
				guard.Purpose = *g.Purpose
			}
			if g.Forum != nil {
				guard.Forum = *g.Forum
			}
			tr.Guards = append(tr.Guards, guard)
		}
		d.Transitions = append(d.Transitions, tr)
	}
	for _, c := range in.Screening {
		cr := routine.Criterion{Key: c.Key, Question: c.Question, Excludes: deref(c.Excludes)}
		if c.ClosureReason != nil {
			cr.ClosureReason = *c.ClosureReason
		}
		d.Screening = append(d.Screening, cr)
	}
	for i, p := range in.TaskDueDays {
		if d.TaskDueDays == nil {
			d.TaskDueDays = map[string]int{}
		}
		if _, twice := d.TaskDueDays[string(p.Kind)]; twice {
			return d, apperr.Invalidf("definition.taskDueDays[%d]: %s is given twice", i, p.Kind)
		}
		d.TaskDueDays[string(p.Kind)] = p.WorkingDays
	}
	return d, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// CaseParty is the GraphQL CaseParty.
type CaseParty struct {
	OrgKey  uuid.UUID
	UnitKey *uuid.UUID
}

// CaseTransition is the GraphQL CaseTransition: a step of a case.
type CaseTransition struct {
	From           *string
	To             string
	At             time.Time
	UserID         string
	DetailsVisible bool
	Reason         *string
	Parties        []*CaseParty
	Routes         []routine.Route
	ClosureReason  *routine.ClosureReason
	Outcome        *routine.Outcome
	WaitingFor     *string
	ExpectedUntil  *time.Time
	DecidedBy      *string
	DecidedOn      *time.Time
	Benefit        *CaseBenefit

	RoutineKey uuid.UUID
	UnitKey    *uuid.UUID
}

// FromTransition converts a step of a case.
func FromTransition(t cases.Transition) *CaseTransition {
	out := &CaseTransition{
		From: t.From, To: t.To, At: t.At, UserID: t.ByUserID, DetailsVisible: t.DetailsVisible, Reason: t.Reason,
		Parties: []*CaseParty{}, Routes: t.Routes, ClosureReason: t.ClosureReason, Outcome: t.Outcome,
		WaitingFor: t.WaitWhat, ExpectedUntil: t.WaitUntil, DecidedBy: t.DecisionForum, DecidedOn: t.DecidedOn,
		RoutineKey: t.RoutineID, UnitKey: t.ByUnitID,
	}
	if t.BenefitKind != nil && t.BenefitFrom != nil {
		out.Benefit = &CaseBenefit{Kind: *t.BenefitKind, From: *t.BenefitFrom}
	}
	if out.Routes == nil {
		out.Routes = []routine.Route{}
	}
	for _, p := range t.Parties {
		out.Parties = append(out.Parties, &CaseParty{OrgKey: p.OrgID, UnitKey: p.UnitID})
	}
	return out
}

// CaseScreening is the GraphQL CaseScreening.
type CaseScreening struct {
	Answers        []*ScreeningAnswer
	Eligible       bool
	FailedCriteria []string
	ScreenedAt     time.Time
	ScreenedBy     string
}

// FromScreening converts a screening, its answers in the order of the
// routine's criteria (def).
func FromScreening(s cases.Screening, def routine.Definition) *CaseScreening {
	out := &CaseScreening{Eligible: s.Eligible, FailedCriteria: s.Failed, ScreenedAt: s.ScreenedAt, ScreenedBy: s.ScreenedBy,
		Answers: []*ScreeningAnswer{}}
	for _, c := range def.Screening {
		if yes, ok := s.Answers[c.Key]; ok {
			out.Answers = append(out.Answers, &ScreeningAnswer{Key: c.Key, Yes: yes})
		}
	}
	return out
}

// ScreeningCohort is the GraphQL ScreeningCohort.
type ScreeningCohort struct {
	ID        string
	Name      string
	CreatedAt time.Time
	CreatedBy string

	Key           uuid.UUID
	FederationKey uuid.UUID
}

// IsNode marks ScreeningCohort as a Node.
func (ScreeningCohort) IsNode() {}

// GetID returns the global id.
func (k ScreeningCohort) GetID() string { return k.ID }

// FromCohort converts a cohort.
func FromCohort(k cases.Cohort) *ScreeningCohort {
	return &ScreeningCohort{ID: relay.ID(relay.TypeScreeningCohort, k.ID), Name: k.Name, CreatedAt: k.CreatedAt, CreatedBy: k.CreatedBy,
		Key: k.ID, FederationKey: k.FederationID}
}
