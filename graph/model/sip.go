package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/sip"
)

// Plan is a SIP or SAMSIP plan; its versions are resolved from Key.
type Plan struct {
	ID             string
	Kind           sip.Kind
	CurrentVersion int
	CreatedAt      time.Time
	Key            uuid.UUID
}

// FromPlan converts a plan.
func FromPlan(p sip.Plan) *Plan {
	return &Plan{ID: relay.ID(relay.TypePlan, p.ID), Kind: p.Kind, CurrentVersion: p.CurrentVersion,
		CreatedAt: p.CreatedAt, Key: p.ID}
}

// PlanVersion is one version of a plan, with the insatser the reader sees.
type PlanVersion struct {
	Version               int
	Goals                 []string
	WhatMatters           string
	OverallResponsibility *PlanParty
	NextFollowUp          time.Time
	Participants          []string
	Insatser              []*PlanInsats
	Reason                string
	Author                *PlanParty
	AuthorUserID          string
	AuthoredAt            time.Time
	Agreement             *PlanAgreement
}

// PlanParty is an organisation, or one unit of it, resolved from keys.
type PlanParty struct {
	OrgKey  uuid.UUID
	UnitKey *uuid.UUID
}

// PlanInsats is an insats of a version.
type PlanInsats struct {
	Huvudman      *PlanParty
	Class         consent.Class
	What          string
	FirstActivity string
	StartOn       time.Time
	Status        sip.Status
}

// PlanAgreement is the person's agreement to a version.
type PlanAgreement struct {
	How              PlanAgreementHow
	Note             *string
	RecordedByUserID string
	RecordedAt       time.Time
	RecordedByKey    uuid.UUID
}

// FromPlanVersion converts a version.
func FromPlanVersion(v sip.Version) *PlanVersion {
	out := &PlanVersion{Version: v.Version, Goals: nonNil(v.Goals), WhatMatters: v.WhatMatters,
		OverallResponsibility: &PlanParty{OrgKey: v.OverallOrgID, UnitKey: v.OverallUnitID},
		NextFollowUp:          v.NextFollowUp, Participants: nonNil(v.Participants), Insatser: []*PlanInsats{},
		Reason: v.Reason, Author: &PlanParty{OrgKey: v.AuthorOrgID, UnitKey: v.AuthorUnitID},
		AuthorUserID: v.AuthorUserID, AuthoredAt: v.AuthoredAt}
	for _, in := range v.Insatser {
		out.Insatser = append(out.Insatser, &PlanInsats{Huvudman: &PlanParty{OrgKey: in.HuvudmanOrgID, UnitKey: in.HuvudmanUnitID},
			Class: in.Class, What: in.What, FirstActivity: in.FirstActivity, StartOn: in.StartOn, Status: in.Status})
	}
	if a := v.Agreement; a != nil {
		out.Agreement = &PlanAgreement{How: PlanAgreementHow(a.How), Note: a.Note, RecordedByUserID: a.RecordedBy,
			RecordedAt: a.RecordedAt, RecordedByKey: a.RecordedByOrgID}
	}
	return out
}
