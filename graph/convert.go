package graph

import (
	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/graph/relay"
	"github.com/samverkanshub/hub/internal/directory"
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
