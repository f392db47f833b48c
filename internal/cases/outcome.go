package cases

import (
	"slices"
	"time"

	"github.com/samverkanshub/hub/internal/routine"
)

// Outcome is what came of a closed case, read from its history: the
// closing step's reason, outcome and benefit granted, and every route the
// case took on the way.
type Outcome struct {
	ClosedAt    time.Time
	Reason      routine.ClosureReason
	Outcome     routine.Outcome
	RoutesTaken []routine.Route
	Benefit     *routine.Benefit
}

// OutcomeOf derives the outcome from a case's history, oldest first: nil
// unless its last step closed it and the viewer may see that step's
// details (TransitionClass).
func OutcomeOf(history []Transition) *Outcome {
	if len(history) == 0 {
		return nil
	}
	last := history[len(history)-1]
	if !last.DetailsVisible || last.ClosureReason == nil || last.Outcome == nil {
		return nil
	}
	o := &Outcome{ClosedAt: last.At, Reason: *last.ClosureReason, Outcome: *last.Outcome, RoutesTaken: []routine.Route{}}
	if last.BenefitKind != nil && last.BenefitFrom != nil {
		o.Benefit = &routine.Benefit{Kind: *last.BenefitKind, From: *last.BenefitFrom}
	}
	for _, t := range history {
		for _, r := range t.Routes {
			if !slices.Contains(o.RoutesTaken, r) {
				o.RoutesTaken = append(o.RoutesTaken, r)
			}
		}
	}
	return o
}
