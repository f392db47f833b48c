package graph

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/routine"
	"github.com/samverkanshub/hub/internal/tasks"
)

// toEntryInput converts the GraphQL input of upsertDirectoryEntry.
func toEntryInput(in model.DirectoryEntryInput) (directory.EntryInput, error) {
	out := directory.EntryInput{
		FunctionName: in.FunctionName, Topics: in.Topics, LeadTopics: in.LeadTopics,
		TargetGroups: in.TargetGroups, MunicipalityCodes: in.MunicipalityCodes, Visibility: in.Visibility,
		ExpectedAnswer: in.ExpectedAnswer, ContactPersons: in.ContactPersons,
	}
	parse := func(gid *string, typ string) (*uuid.UUID, error) {
		if gid == nil {
			return nil, nil
		}
		id, err := relay.ParseIDOf(typ, *gid)
		if err != nil {
			return nil, err
		}
		return &id, nil
	}
	var err error
	if out.ID, err = parse(in.ID, relay.TypeDirectoryEntry); err != nil {
		return out, err
	}
	if out.UnitID, err = parse(in.UnitID, relay.TypeUnit); err != nil {
		return out, err
	}
	if out.FallbackEntryID, err = parse(in.FallbackEntryID, relay.TypeDirectoryEntry); err != nil {
		return out, err
	}
	if in.Description != nil {
		out.Description = *in.Description
	}
	if in.National != nil {
		out.National = *in.National
	}
	for _, r := range in.StaffedByRoles {
		out.StaffedByRoles = append(out.StaffedByRoles, string(r))
	}
	for _, c := range in.Channels {
		ch := directory.Channel{Kind: c.Kind, Value: c.Value, Visibility: c.Visibility}
		if c.Note != nil {
			ch.Note = *c.Note
		}
		for _, h := range c.OpeningHours {
			ch.OpeningHours = append(ch.OpeningHours, *h)
		}
		out.Channels = append(out.Channels, ch)
	}
	return out, nil
}

// toConsentInput converts the GraphQL input of recordConsent.
func toConsentInput(input model.RecordConsentInput) (consent.Input, error) {
	in := consent.Input{
		Kind: input.Kind, Purposes: input.Purposes, GivenBy: input.GivenBy,
		RepresentativeName: input.RepresentativeName, ValidFrom: input.ValidFrom, ValidUntil: input.ValidUntil,
		Evidence: input.Evidence, FormReference: input.FormReference, WitnessedBy: input.WitnessedBy,
	}
	var err error
	if in.IndividualID, err = parseKey(input.IndividualID, relay.TypeIndividual, "individual"); err != nil {
		return in, err
	}
	if in.RequestedByOrgID, err = parseKey(input.RequestedByID, relay.TypeOrganization, "organisation"); err != nil {
		return in, apperr.Invalidf("requestedById: no such organisation")
	}
	for i, g := range input.Grants {
		org, err := parseKey(g.OrganizationID, relay.TypeOrganization, "organisation")
		if err != nil {
			return in, apperr.Invalidf("grant %d: no such organisation", i+1)
		}
		unit, err := parseOptionalKey(g.UnitID, relay.TypeUnit, "unit")
		if err != nil {
			return in, err
		}
		in.Grants = append(in.Grants, consent.Grant{OrgID: org, UnitID: unit, Classes: g.Classes})
	}
	return in, nil
}

// toOpenCaseInput converts the GraphQL input of openCase.
func toOpenCaseInput(input model.OpenCaseInput) (cases.OpenInput, error) {
	in := cases.OpenInput{LeadUserID: input.LeadUserID, LeadName: input.LeadName, SGI: input.Sgi,
		OnForsorjningsstod: input.OnForsorjningsstod, HealthObstacle: input.HealthObstacle, CareContact: input.CareContact, AFStatus: input.AfStatus}
	var err error
	if in.IndividualID, err = parseKey(input.IndividualID, relay.TypeIndividual, "individual"); err != nil {
		return in, err
	}
	if in.FederationID, err = parseKey(input.FederationID, relay.TypeFederation, "federation"); err != nil {
		return in, apperr.Invalidf("federationId: no such federation")
	}
	if in.UnitID, err = parseOptionalKey(input.UnitID, relay.TypeUnit, "unit"); err != nil {
		return in, err
	}
	if in.LeadUnitID, err = parseOptionalKey(input.LeadUnitID, relay.TypeUnit, "unit"); err != nil {
		return in, err
	}
	return in, nil
}

// toNewParticipant converts the arguments of addCaseParticipant.
func toNewParticipant(caseID, organizationID string, unitID *string) (cases.NewParticipant, error) {
	var in cases.NewParticipant
	var err error
	if in.CaseID, err = parseKey(caseID, relay.TypeCase, "case"); err != nil {
		return in, err
	}
	if in.OrgID, err = parseKey(organizationID, relay.TypeOrganization, "organisation"); err != nil {
		return in, apperr.Invalidf("organizationId: no such organisation")
	}
	if in.UnitID, err = parseOptionalKey(unitID, relay.TypeUnit, "unit"); err != nil {
		return in, err
	}
	return in, nil
}

// consentOf converts a samtycke with its status on the request's day.
func consentOf(ctx context.Context, c consent.Consent) (*model.Consent, error) {
	day, err := today(ctx)
	if err != nil {
		return nil, err
	}
	return model.FromConsent(c, day), nil
}

// toMove decodes a step to take.
func toMove(in model.TransitionCaseInput) (uuid.UUID, routine.Move, error) {
	caseID, err := parseKey(in.CaseID, relay.TypeCase, "case")
	if err != nil {
		return uuid.Nil, routine.Move{}, err
	}
	m := routine.Move{To: in.To, Routes: in.Routes}
	if in.Reason != nil {
		m.Reason = strings.TrimSpace(*in.Reason)
	}
	for i, p := range in.Parties {
		org, err := parseKey(p.OrganizationID, relay.TypeOrganization, "organisation")
		if err != nil {
			return uuid.Nil, m, apperr.Invalidf("parties[%d].organizationId: no such organisation", i)
		}
		unit, err := parseOptionalKey(p.UnitID, relay.TypeUnit, "unit")
		if err != nil {
			return uuid.Nil, m, apperr.Invalidf("parties[%d].unitId: no such unit", i)
		}
		m.Parties = append(m.Parties, routine.Party{OrgID: org, UnitID: unit})
	}
	if c := in.Closure; c != nil {
		m.Closure = &routine.Closure{Reason: c.Reason, Outcome: c.Outcome}
		if b := c.Benefit; b != nil {
			m.Closure.Benefit = &routine.Benefit{Kind: b.Kind, From: b.From}
		}
	}
	if w := in.Wait; w != nil {
		m.Wait = &routine.Wait{What: strings.TrimSpace(w.What), ExpectedUntil: w.ExpectedUntil}
	}
	if d := in.Decision; d != nil {
		m.Decision = &routine.Decision{Forum: strings.TrimSpace(d.DecidedBy), DecidedOn: d.DecidedOn}
	}
	return caseID, m, nil
}

// toAnswers decodes a screening's answers; a criterion answered twice is
// refused rather than one answer kept.
func toAnswers(in []*model.ScreeningAnswerInput) (map[string]bool, error) {
	out := make(map[string]bool, len(in))
	for i, a := range in {
		if _, twice := out[a.Key]; twice {
			return nil, apperr.Invalidf("answers[%d]: %s is answered twice", i, a.Key)
		}
		out[a.Key] = a.Yes
	}
	return out, nil
}

// toNewTask decodes a task to send; a case id that names no case is
// NOT_FOUND, exactly like a case the caller may not see.
func toNewTask(in model.CreateTaskInput) (tasks.NewTask, error) {
	out := tasks.NewTask{Kind: in.Kind, Topic: in.Topic, OrganizationKind: in.OrganizationKind, MunicipalityCode: in.MunicipalityCode,
		Classes: in.Classes, Subject: in.Subject, DueOn: in.DueOn}
	if in.Body != nil {
		out.Body = *in.Body
	}
	if in.CaseID != nil {
		id, err := parseKey(*in.CaseID, relay.TypeCase, "case")
		if err != nil {
			return out, err
		}
		out.CaseID = &id
	}
	return out, nil
}

// toChange decodes a change of a task.
func toChange(in model.UpdateTaskInput) tasks.Change {
	ch := tasks.Change{State: in.State}
	if in.Reason != nil {
		ch.Reason = *in.Reason
	}
	if in.AssignToMe != nil {
		ch.AssignToMe = *in.AssignToMe
	}
	if a := in.Assignee; a != nil {
		ch.Assignee = &tasks.Assignee{UserID: a.UserID, Name: a.Name}
	}
	return ch
}
