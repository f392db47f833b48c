package meetings

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/page"
)

// ByID loads the meetings among ids the reader sees (the rule), with
// their parties.
func ByID(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]Meeting, error) {
	list, err := db.Collect[Meeting](ctx, q, qMeetingsByID, ids)
	if err != nil {
		return nil, fmt.Errorf("load meetings: %w", err)
	}
	if err := withParties(ctx, q, list); err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]Meeting, len(list))
	for _, m := range list {
		out[m.ID] = m
	}
	return out, nil
}

// OfCases lists, per case among caseIDs, the meetings about it the
// reader sees, by start, with their parties.
func OfCases(ctx context.Context, q db.Querier, caseIDs []uuid.UUID) (map[uuid.UUID][]Meeting, error) {
	list, err := db.Collect[Meeting](ctx, q, qMeetingsOfCases, caseIDs)
	if err != nil {
		return nil, fmt.Errorf("load meetings of cases: %w", err)
	}
	if err := withParties(ctx, q, list); err != nil {
		return nil, err
	}
	out := map[uuid.UUID][]Meeting{}
	for _, m := range list {
		if m.CaseID != nil {
			out[*m.CaseID] = append(out[*m.CaseID], m)
		}
	}
	return out, nil
}

// Window is the time span of a list of coming meetings: meetings that
// start at From or later and before To.
type Window struct {
	From, To time.Time
}

// Coming is a page of the reader's unit's coming meetings (those its
// organisation is a party to with no unit, or with the reader's unit; not
// cancelled), by start time, with their parties.
func Coming(ctx context.Context, q db.Querier, w Window, pr page.Request) (page.Result[Meeting], error) {
	from, after := w.From, uuid.Nil
	if pr.After != nil {
		at, err := time.Parse(time.RFC3339Nano, pr.After.Sort)
		if err != nil {
			return page.Result[Meeting]{}, apperr.Invalidf("invalid cursor: pass a cursor from a previous page of meetings")
		}
		if at.After(from) || at.Equal(from) {
			from, after = at, pr.After.ID
		}
	}
	list, err := db.Collect[Meeting](ctx, q, qComing, from, after, w.To, pr.First+1)
	if err != nil {
		return page.Result[Meeting]{}, fmt.Errorf("list coming meetings: %w", err)
	}
	res := page.Trim(list, pr.First)
	if err := withParties(ctx, q, res.Items); err != nil {
		return page.Result[Meeting]{}, err
	}
	return res, nil
}

// CountComing counts the meetings of the window, up to page.MaxCount.
func CountComing(ctx context.Context, q db.Querier, w Window) (int, error) {
	var n int
	if err := q.QueryRow(ctx, qCountComing, w.From, w.To).Scan(&n); err != nil {
		return 0, fmt.Errorf("count coming meetings: %w", err)
	}
	return min(n, page.MaxCount), nil
}

// KeyOf is a meeting's position in a list of coming meetings.
func KeyOf(m Meeting) page.Key {
	return page.Key{Sort: m.StartsAt.UTC().Format(time.RFC3339Nano), ID: m.ID}
}

// withParties fills the parties of the meetings, in one statement.
func withParties(ctx context.Context, q db.Querier, list []Meeting) error {
	if len(list) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(list))
	for i, m := range list {
		ids[i] = m.ID
	}
	parties, err := db.Collect[Party](ctx, q, qPartiesOf, ids)
	if err != nil {
		return fmt.Errorf("load meeting parties: %w", err)
	}
	by := map[uuid.UUID][]Party{}
	for _, p := range parties {
		by[p.MeetingID] = append(by[p.MeetingID], p)
	}
	for i := range list {
		list[i].Parties = by[list[i].ID]
	}
	return nil
}

// Author is who calls a meeting or changes it: a person of an
// organisation, perhaps in one of its units.
type Author struct {
	OrgID  uuid.UUID
	UnitID *uuid.UUID
	UserID string
}

// About is the case a meeting is about, and its person.
type About struct {
	CaseID, IndividualID, OrgID uuid.UUID
}

// Invited is a party as routed: its organisation, its unit, its role, and
// the task that invited it (nil for the caller).
type Invited struct {
	OrgID  uuid.UUID
	UnitID *uuid.UUID
	Role   string
	TaskID *uuid.UUID
}

// Insert writes a meeting and its parties (the caller first); the row
// security of both checks that the caller may write them.
func Insert(ctx context.Context, q db.Querier, id uuid.UUID, by Author, purpose consent.Purpose, about *About, in NewMeeting, parties []Invited) error {
	orgs := make([]uuid.UUID, len(parties))
	for i, p := range parties {
		orgs[i] = p.OrgID
	}
	var caseID, individualID, caseOrgID *uuid.UUID
	if about != nil {
		caseID, individualID, caseOrgID = &about.CaseID, &about.IndividualID, &about.OrgID
	}
	if _, err := q.Exec(ctx, qInsertMeeting, id, string(in.Kind), string(purpose), caseID, individualID, caseOrgID,
		by.OrgID, by.UnitID, by.UserID, orgs, in.Subject, in.Agenda, in.StartsAt, in.EndsAt, in.Place, in.RemoteURL); err != nil {
		return fmt.Errorf("insert meeting: %w", err)
	}
	for _, p := range parties {
		if _, err := q.Exec(ctx, qInsertParty, id, p.OrgID, p.UnitID, p.Role, p.TaskID == nil, p.TaskID, in.StartsAt); err != nil {
			return fmt.Errorf("insert meeting party: %w", err)
		}
	}
	return nil
}

// RecordAttendance writes who came (the caller's meeting only).
func RecordAttendance(ctx context.Context, q db.Querier, id uuid.UUID, ch AttendanceChange) error {
	if ch.Person != nil {
		if _, err := q.Exec(ctx, qSetPersonAttendance, id, string(*ch.Person)); err != nil {
			return fmt.Errorf("record the person's attendance: %w", err)
		}
	}
	for org, a := range ch.Parties {
		if _, err := q.Exec(ctx, qSetPartyAttendance, id, org, string(a)); err != nil {
			return fmt.Errorf("record a party's attendance: %w", err)
		}
	}
	if _, err := q.Exec(ctx, qTouchMeeting, id); err != nil {
		return fmt.Errorf("touch meeting: %w", err)
	}
	return nil
}

// Cancel cancels the caller's meeting, if not cancelled already.
func Cancel(ctx context.Context, q db.Querier, id uuid.UUID, reason string) error {
	tag, err := q.Exec(ctx, qCancelMeeting, id, reason)
	if err != nil {
		return fmt.Errorf("cancel meeting: %w", err)
	}
	if tag.RowsAffected() != 1 {
		return apperr.Errorf(apperr.Conflict, "the meeting is already cancelled")
	}
	return nil
}
