// Package sip holds SIP and SAMSIP plans: the person's own plan in a
// samverkansärende, drawn up with the parties. A plan is the case owner's
// and the person's; each change is a new, immutable version (goals in the
// person's words, what matters to them, the insatser each huvudman gives,
// the overall responsibility, the next follow-up, who took part, why it
// changed), and the person's agreement to a version is recorded on its
// own. The sharing rule is the database's (migration 034,
// hub_sip_shares): the package's statements ask it, and row-level
// security asks it again.
package sip

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Kind is what kind of plan: the statutory SIP (municipality and region)
// or Samspelet's SAMSIP, which every party of the förbund takes part in.
type Kind string

// The kinds of plan.
const (
	SIP    Kind = "SIP"
	SAMSIP Kind = "SAMSIP"
)

// Kinds lists every kind.
var Kinds = []Kind{SIP, SAMSIP}

// Status is where an insats stands.
type Status string

// The statuses of an insats.
const (
	Planerad Status = "PLANERAD"
	Pagar    Status = "PAGAR"
	Avslutad Status = "AVSLUTAD"
	Avbruten Status = "AVBRUTEN"
)

// Statuses lists every status.
var Statuses = []Status{Planerad, Pagar, Avslutad, Avbruten}

// Plan is a plan of a case, at its current version.
type Plan struct {
	ID             uuid.UUID
	CaseID         uuid.UUID
	OrgID          uuid.UUID // the case owner
	IndividualID   uuid.UUID
	Kind           Kind
	CurrentVersion int
	CreatedAt      time.Time
	// ConsentID is the samtycke under which the reader sees the plan (nil
	// for the case owner), for the audit trail.
	ConsentID *uuid.UUID
}

// Version is one version of a plan, as the reader may see it: Insatser
// holds only those the rule shows them.
type Version struct {
	PlanID        uuid.UUID
	Version       int
	Goals         []string
	WhatMatters   string
	OverallOrgID  uuid.UUID
	OverallUnitID *uuid.UUID
	NextFollowUp  time.Time
	Participants  []string
	Reason        string
	AuthorOrgID   uuid.UUID
	AuthorUnitID  *uuid.UUID
	AuthorUserID  string
	AuthoredAt    time.Time
	Insatser      []Insats
	Agreement     *Agreement
}

// Insats is one insats of a version: what its huvudman does.
type Insats struct {
	Position       int
	HuvudmanOrgID  uuid.UUID
	HuvudmanUnitID *uuid.UUID
	// Class is the huvudman's own information class the insats is, which
	// decides who else may see it.
	Class         consent.Class
	What          string
	FirstActivity string
	StartOn       time.Time
	Status        Status
}

// Agreement is the person's agreement to a version, as recorded.
type Agreement struct {
	How             string // WRITTEN or ORAL
	Note            *string
	RecordedByOrgID uuid.UUID
	RecordedBy      string
	RecordedAt      time.Time
}

// Content is what a version of a plan says, as its author writes it.
type Content struct {
	Goals         []string
	WhatMatters   string
	OverallOrgID  uuid.UUID
	OverallUnitID *uuid.UUID
	NextFollowUp  time.Time
	Participants  []string
	Insatser      []NewInsats
	Reason        string
}

// NewInsats is an insats as its author writes it. Class may be left out:
// it is then the huvudman's class for insatser (DefaultClass).
type NewInsats struct {
	HuvudmanOrgID  uuid.UUID
	HuvudmanUnitID *uuid.UUID
	Class          *consent.Class
	What           string
	FirstActivity  string
	StartOn        time.Time
	Status         Status
}

// Limits of a version's content (the columns' CHECKs, migration 034, and
// the row-level security of migration 039 for the dates and versions).
const (
	MaxGoals        = 20
	MaxParticipants = 30
	MaxInsatser     = 50
	MaxText         = 2000
	MaxWhatMatters  = 4000
	MaxReason       = 1000
	// MaxFollowUpDays is how far ahead the next follow-up may be, from
	// today.
	MaxFollowUpDays = 366
	// MaxStartBackDays and MaxStartAheadDays bound an insats's start: about
	// ten years back (an insats under way for long) and two years ahead.
	MaxStartBackDays  = 3653
	MaxStartAheadDays = 731
	// MaxVersions is how many versions a plan holds at most.
	MaxVersions = 100
)

// DefaultClass is the information class of an insats given by an
// organisation of kind k: the class that holds its planned measures.
func DefaultClass(k tenancy.OrganizationKind) (consent.Class, bool) {
	switch k {
	case tenancy.Kommun:
		return consent.KommunPlanering, true
	case tenancy.FK:
		return consent.FKSamordning, true
	case tenancy.AF:
		return consent.AFInsatser, true
	case tenancy.Region:
		return consent.VardRehabilitering, true
	}
	return "", false
}

// OwnClass reports whether c is one of the classes an organisation of kind
// k writes (as hub_org_classes says in SQL).
func OwnClass(k tenancy.OrganizationKind, c consent.Class) bool {
	prefix := map[tenancy.OrganizationKind]string{tenancy.Kommun: "KOMMUN_", tenancy.FK: "FK_", tenancy.AF: "AF_", tenancy.Region: "VARD_"}[k]
	return prefix != "" && strings.HasPrefix(string(c), prefix)
}

// Trimmed is the content with the white space around each text removed,
// as it is checked and stored.
func (c Content) Trimmed() Content {
	trim := func(list []string) []string {
		if list == nil {
			return nil
		}
		out := make([]string, len(list))
		for i, v := range list {
			out[i] = strings.TrimSpace(v)
		}
		return out
	}
	c.Goals = trim(c.Goals)
	c.WhatMatters = strings.TrimSpace(c.WhatMatters)
	c.Participants = trim(c.Participants)
	c.Reason = strings.TrimSpace(c.Reason)
	if c.Insatser != nil {
		insatser := make([]NewInsats, len(c.Insatser))
		for i, in := range c.Insatser {
			in.What = strings.TrimSpace(in.What)
			in.FirstActivity = strings.TrimSpace(in.FirstActivity)
			insatser[i] = in
		}
		c.Insatser = insatser
	}
	return c
}

// Problems names every problem of the content, each with its field (as
// the GraphQL input names it). kinds are the organisations' kinds the
// content names (absent: no such organisation), unitOrgs the units'
// organisations; today (a day as tenancy.DayOf gives it) bounds the dates.
// A SIP names only municipalities and regions.
func (c Content) Problems(kind Kind, kinds map[uuid.UUID]tenancy.OrganizationKind, unitOrgs map[uuid.UUID]uuid.UUID, today time.Time) []string {
	var bad []string
	text := func(field, v string, max int) {
		switch n := len([]rune(strings.TrimSpace(v))); {
		case n == 0:
			bad = append(bad, field+": must not be empty")
		case n > max:
			bad = append(bad, fmt.Sprintf("%s: at most %d characters", field, max))
		}
	}
	party := func(field string, org uuid.UUID, unit *uuid.UUID) {
		k, ok := kinds[org]
		if !ok {
			bad = append(bad, field+"OrganizationId: no such organisation")
			return
		}
		if kind == SIP && k != tenancy.Kommun && k != tenancy.Region {
			bad = append(bad, fmt.Sprintf("%sOrganizationId: a SIP is the municipality's and the region's (%s takes part in a SAMSIP)", field, k))
		}
		if _, isParty := DefaultClass(k); !isParty {
			bad = append(bad, fmt.Sprintf("%sOrganizationId: a %s is not a huvudman", field, k))
		}
		if unit != nil && unitOrgs[*unit] != org {
			bad = append(bad, field+"UnitId: not a unit of that organisation")
		}
	}
	if len(c.Goals) == 0 {
		bad = append(bad, "goals: at least one goal, in the person's own words")
	}
	if len(c.Goals) > MaxGoals {
		bad = append(bad, fmt.Sprintf("goals: at most %d", MaxGoals))
	}
	for i, g := range c.Goals {
		text(fmt.Sprintf("goals[%d]", i), g, MaxText)
	}
	text("whatMatters", c.WhatMatters, MaxWhatMatters)
	party("overallResponsibility", c.OverallOrgID, c.OverallUnitID)
	if c.NextFollowUp.IsZero() {
		bad = append(bad, "nextFollowUp: required")
	} else if c.NextFollowUp.Before(today) || c.NextFollowUp.After(today.AddDate(0, 0, MaxFollowUpDays)) {
		bad = append(bad, fmt.Sprintf("nextFollowUp: from today to a year ahead (%s to %s)",
			today.Format(time.DateOnly), today.AddDate(0, 0, MaxFollowUpDays).Format(time.DateOnly)))
	}
	if len(c.Participants) == 0 {
		bad = append(bad, "participants: at least one (who took part in drawing up the plan)")
	}
	if len(c.Participants) > MaxParticipants {
		bad = append(bad, fmt.Sprintf("participants: at most %d", MaxParticipants))
	}
	for i, p := range c.Participants {
		text(fmt.Sprintf("participants[%d]", i), p, 200)
	}
	if len(c.Insatser) > MaxInsatser {
		bad = append(bad, fmt.Sprintf("insatser: at most %d", MaxInsatser))
	}
	for i, in := range c.Insatser {
		f := fmt.Sprintf("insatser[%d].", i)
		party(f+"huvudman", in.HuvudmanOrgID, in.HuvudmanUnitID)
		if k, ok := kinds[in.HuvudmanOrgID]; ok && in.Class != nil && !OwnClass(k, *in.Class) {
			bad = append(bad, fmt.Sprintf("%sclass: %s is not one of the huvudman's own classes", f, *in.Class))
		}
		text(f+"what", in.What, MaxText)
		text(f+"firstActivity", in.FirstActivity, 1000)
		if in.StartOn.IsZero() {
			bad = append(bad, f+"startOn: required")
		} else if in.StartOn.Before(today.AddDate(0, 0, -MaxStartBackDays)) || in.StartOn.After(today.AddDate(0, 0, MaxStartAheadDays)) {
			bad = append(bad, fmt.Sprintf("%sstartOn: from ten years back to two years ahead (%s to %s)", f,
				today.AddDate(0, 0, -MaxStartBackDays).Format(time.DateOnly), today.AddDate(0, 0, MaxStartAheadDays).Format(time.DateOnly)))
		}
	}
	text("reason", c.Reason, MaxReason)
	return bad
}

// Parties are the organisations (and units) the content names as huvudman
// or with the overall responsibility, each once.
func (c Content) Parties() []Party {
	seen := map[Party]bool{}
	var out []Party
	add := func(org uuid.UUID, unit *uuid.UUID) {
		p := Party{OrgID: org}
		if unit != nil {
			p.UnitID = *unit
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	add(c.OverallOrgID, c.OverallUnitID)
	for _, in := range c.Insatser {
		add(in.HuvudmanOrgID, in.HuvudmanUnitID)
	}
	return out
}

// Party is an organisation, or one unit of it (UnitID not uuid.Nil).
type Party struct {
	OrgID, UnitID uuid.UUID
}

// OwnedBy reports whether the insats is the reader's own, the reader being
// the organisation org and its unit (nil: none): its unit's when the
// insats names a unit, its organisation's when it names none
// (hub_sip_party_sees_insats, migration 039).
func (in NewInsats) OwnedBy(org uuid.UUID, unit *uuid.UUID) bool {
	return in.HuvudmanOrgID == org && (in.HuvudmanUnitID == nil || (unit != nil && *in.HuvudmanUnitID == *unit))
}
