package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/meetings"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Meeting is the GraphQL Meeting: every field is resolved from the use
// case's result, parties and calendar file included.
type Meeting struct {
	ID               string
	Key              uuid.UUID
	Kind             meetings.Kind
	Purpose          consent.Purpose
	CaseID           *string
	Subject          string
	Agenda           string
	StartsAt         time.Time
	EndsAt           time.Time
	Place            *string
	RemoteURL        *string
	PersonAttendance *meetings.Attendance
	Parties          []*MeetingParty
	CancelledAt      *time.Time
	CancelReason     *string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Icalendar        string
}

// IsNode marks Meeting as a Node.
func (Meeting) IsNode() {}

// GetID returns the global id.
func (m Meeting) GetID() string { return m.ID }

// MeetingParty is the GraphQL MeetingParty.
type MeetingParty struct {
	OrganizationID   string
	OrganizationName string
	OrganizationKind tenancy.OrganizationKind
	UnitID           *string
	UnitName         *string
	Role             string
	Caller           bool
	KallelseTaskID   *string
	Attendance       meetings.Attendance
}

// FromMeeting converts a domain meeting.
func FromMeeting(m meetings.Meeting) *Meeting {
	out := &Meeting{
		ID: relay.ID(relay.TypeMeeting, m.ID), Key: m.ID, Kind: m.Kind, Purpose: m.Purpose, Subject: m.Subject, Agenda: m.Agenda,
		StartsAt: m.StartsAt, EndsAt: m.EndsAt, Place: m.Place, RemoteURL: m.RemoteURL, PersonAttendance: m.PersonAttendance,
		CancelledAt: m.CancelledAt, CancelReason: m.CancelReason, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
		Icalendar: m.ICalendar(), Parties: make([]*MeetingParty, 0, len(m.Parties)),
	}
	if m.CaseID != nil {
		id := relay.ID(relay.TypeCase, *m.CaseID)
		out.CaseID = &id
	}
	for _, p := range m.Parties {
		mp := &MeetingParty{OrganizationID: relay.ID(relay.TypeOrganization, p.OrgID), OrganizationName: p.OrgName,
			OrganizationKind: tenancy.OrganizationKind(p.OrgKind), UnitName: p.UnitName, Role: p.Role, Caller: p.Caller,
			Attendance: p.Attendance}
		if p.UnitID != nil {
			id := relay.ID(relay.TypeUnit, *p.UnitID)
			mp.UnitID = &id
		}
		if p.TaskID != nil {
			id := relay.ID(relay.TypeTask, *p.TaskID)
			mp.KallelseTaskID = &id
		}
		out.Parties = append(out.Parties, mp)
	}
	return out
}

// MeetingConnection is a page of meetings; its count is the use case's.
type MeetingConnection struct {
	Edges      []*MeetingEdge
	Nodes      []*Meeting
	PageInfo   *PageInfo
	TotalCount int
}

// NewMeetingConnection builds a connection from a page and its count.
func NewMeetingConnection(p page.Result[meetings.Meeting], total int) *MeetingConnection {
	c := &MeetingConnection{TotalCount: total}
	c.Edges, c.Nodes, c.PageInfo = connect(p, FromMeeting, meetings.KeyOf,
		func(cursor string, n *Meeting) *MeetingEdge { return &MeetingEdge{Cursor: cursor, Node: n} })
	return c
}

// MeetingMinutes is the GraphQL MeetingMinutes.
type MeetingMinutes struct {
	ID               string
	Kind             meetings.NoteKind
	Class            consent.Class
	OrganizationID   string
	OrganizationName string
	RecordedBy       string
	RecordedAt       time.Time
	Text             string
}

// FromMinutes converts a party's minutes.
func FromMinutes(n meetings.Minutes) *MeetingMinutes {
	return &MeetingMinutes{ID: relay.ID(relay.TypeMeetingMinutes, n.ID), Kind: n.Kind, Class: n.Class,
		OrganizationID: relay.ID(relay.TypeOrganization, n.OrgID), OrganizationName: n.OrgName,
		RecordedBy: n.UserID, RecordedAt: n.RecordedAt, Text: n.Text}
}
