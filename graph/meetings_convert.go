package graph

import (
	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/internal/meetings"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// toNewMeeting decodes a meeting to call.
func toNewMeeting(in model.ScheduleMeetingInput) (meetings.NewMeeting, error) {
	out := meetings.NewMeeting{Kind: in.Kind, Subject: in.Subject, StartsAt: in.StartsAt, EndsAt: in.EndsAt,
		Place: in.Place, RemoteURL: in.RemoteURL, MunicipalityCode: in.MunicipalityCode}
	if in.Agenda != nil {
		out.Agenda = *in.Agenda
	}
	if in.Role != nil {
		out.Role = *in.Role
	}
	for _, inv := range in.Invited {
		i := meetings.Invitee{OrganizationKind: inv.OrganizationKind, Topic: inv.Topic}
		if inv.Role != nil {
			i.Role = *inv.Role
		}
		out.Invited = append(out.Invited, i)
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

// toAttendance decodes who came.
func toAttendance(in model.RecordAttendanceInput) (meetings.AttendanceChange, error) {
	ch := meetings.AttendanceChange{Person: in.Person}
	if len(in.Parties) > 0 {
		ch.Parties = map[uuid.UUID]meetings.Attendance{}
	}
	for _, p := range in.Parties {
		typ, id, err := relay.ParseID(p.OrganizationID)
		if err != nil || typ != relay.TypeOrganization {
			return ch, apperr.Invalidf("parties: organizationId: pass a party's organizationId")
		}
		ch.Parties[id] = p.Attendance
	}
	return ch, nil
}

// meetingsOf converts a list of domain meetings.
func meetingsOf(list []meetings.Meeting) []*model.Meeting {
	out := make([]*model.Meeting, len(list))
	for i, m := range list {
		out[i] = model.FromMeeting(m)
	}
	return out
}

// minutesOf converts a meeting's minutes.
func minutesOf(list []meetings.Minutes) []*model.MeetingMinutes {
	out := make([]*model.MeetingMinutes, len(list))
	for i, n := range list {
		out[i] = model.FromMinutes(n)
	}
	return out
}
