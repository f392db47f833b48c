package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/evidence"
	"github.com/samverkanshub/hub/internal/outcomes"
	"github.com/samverkanshub/hub/internal/routine"
)

// EvidenceItem is an item of a case's evidence checklist.
type EvidenceItem struct {
	Kind         evidence.Kind
	Class        consent.Class
	Status       evidence.Status
	RequestedAt  *time.Time
	ReceivedOn   *time.Time
	WaiverReason *string
	UpdatedAt    *time.Time

	TaskKey   *uuid.UUID
	HolderKey *uuid.UUID
}

// FromEvidenceItem converts an item of a checklist.
func FromEvidenceItem(it evidence.Item) *EvidenceItem {
	return &EvidenceItem{Kind: it.Kind, Class: it.Class, Status: it.Status, RequestedAt: it.RequestedAt, ReceivedOn: it.ReceivedOn,
		WaiverReason: it.WaiverReason, UpdatedAt: it.UpdatedAt, TaskKey: it.TaskID, HolderKey: it.HolderOrgID}
}

// Repayment is a repayment from Försäkringskassan to the municipality.
type Repayment struct {
	AmountKronor int
	PaidOn       time.Time
	RecordedAt   time.Time
}

// FromRepayment converts a repayment.
func FromRepayment(p outcomes.Repayment) *Repayment {
	return &Repayment{AmountKronor: int(p.AmountKronor), PaidOn: p.PaidOn, RecordedAt: p.RecordedAt}
}

// CaseClosure is what came of a closed case.
type CaseClosure struct {
	ClosedAt    time.Time
	Reason      routine.ClosureReason
	Outcome     routine.Outcome
	RoutesTaken []routine.Route
	Benefit     *CaseBenefit
}

// FromOutcome converts a closed case's outcome (nil: open, or not
// visible).
func FromOutcome(o *cases.Outcome) *CaseClosure {
	if o == nil {
		return nil
	}
	return &CaseClosure{ClosedAt: o.ClosedAt, Reason: o.Reason, Outcome: o.Outcome, RoutesTaken: o.RoutesTaken, Benefit: FromBenefit(o.Benefit)}
}

// FromBenefit converts a benefit granted.
func FromBenefit(b *routine.Benefit) *CaseBenefit {
	if b == nil {
		return nil
	}
	return &CaseBenefit{Kind: b.Kind, From: b.From}
}
