package meetings

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// The reminders of a meeting (docs/meetings.md, "Reminders"): a day before
// it starts, each invited party that has not declined gets a reminder in
// its own queue; after the person's no-show, the caller's unit gets a
// follow-up. Both are tasks of kind PAMINNELSE that name no person
// (internal/tasks' RemindOwn), each written once (meeting_reminders).

// ReminderReason is why a meeting reminds an organisation.
type ReminderReason string

// The reasons (migration 037, meeting_reminders).
const (
	// RemindComing: the meeting starts within a day (to an invited party).
	RemindComing ReminderReason = "COMING"
	// RemindNoShow: the person did not come (to the caller's unit).
	RemindNoShow ReminderReason = "NO_SHOW"
)

// ReminderLead is how long before a meeting's start its parties are
// reminded.
const ReminderLead = 24 * time.Hour

// ReminderDue is a party of one of the reader's meetings that is due its
// reminder, as the caller sees it.
type ReminderDue struct {
	MeetingID uuid.UUID                `db:"meeting_id"`
	Purpose   consent.Purpose          `db:"purpose"`
	OrgID     uuid.UUID                `db:"org_id"`
	OrgKind   tenancy.OrganizationKind `db:"org_kind"`
	// MunicipalityCode is the municipality the party's kallelse was
	// routed for: its reminder's too.
	MunicipalityCode string `db:"municipality_code"`
}

// RemindersDue lists at most limit parties of the reader's meetings that
// are due their reminder (of the meeting id only, unless nil): invited,
// not declined (ATERBUD, the kallelse rejected or withdrawn), of a meeting
// not cancelled that starts within a day, not reminded of that start.
func RemindersDue(ctx context.Context, q db.Querier, id *uuid.UUID, limit int) ([]ReminderDue, error) {
	list, err := db.Collect[ReminderDue](ctx, q, qRemindersDue, id, limit)
	if err != nil {
		return nil, fmt.Errorf("list meeting reminders due: %w", err)
	}
	return list, nil
}

// Reminder is a meeting as a party's reminder of it shows it: nothing
// about the person (the ids are for the loggutdrag).
type Reminder struct {
	MeetingID    uuid.UUID       `db:"id"`
	Kind         Kind            `db:"kind"`
	Purpose      consent.Purpose `db:"purpose"`
	IndividualID *uuid.UUID      `db:"individual_id"`
	CaseOrgID    *uuid.UUID      `db:"case_org_id"`
	StartsAt     time.Time       `db:"starts_at"`
	EndsAt       time.Time       `db:"ends_at"`
	Place        *string         `db:"place"`
	RemoteURL    *string         `db:"remote_url"`
	// UnitID is the unit the party's kallelse went to (nil: its queue).
	UnitID *uuid.UUID `db:"unit_id"`
	// ConsentID is the samtycke that lets the party see a meeting about a
	// person.
	ConsentID *uuid.UUID `db:"consent_id"`
}

// OwnReminder is the reminder of the meeting id the reader's
// organisation, an invited party, is due: ok is false unless it still
// sees the meeting (the samtycke), the meeting is not cancelled and
// starts within a day, the party has not sent word, and it was not
// reminded of that start.
func OwnReminder(ctx context.Context, q db.Querier, id uuid.UUID) (r Reminder, ok bool, err error) {
	list, err := db.Collect[Reminder](ctx, q, qOwnReminder, id)
	if err != nil {
		return Reminder{}, false, fmt.Errorf("load a meeting's reminder: %w", err)
	}
	if len(list) == 0 {
		return Reminder{}, false, nil
	}
	return list[0], true, nil
}

// ClaimReminder claims the reminder of the meeting id to the reader's
// organisation for the reason and the meeting's start, as the task taskID,
// which the caller writes next in the same transaction. ok is false when
// it was claimed before: nothing more is written.
func ClaimReminder(ctx context.Context, q db.Querier, id uuid.UUID, reason ReminderReason, start time.Time, taskID uuid.UUID) (bool, error) {
	var got uuid.UUID
	err := q.QueryRow(ctx, qClaimReminder, id, string(reason), start, taskID).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim a meeting's reminder: %w", err)
	}
	return true, nil
}

// When is the meeting's day and time in Swedish prose ("2026-12-14 kl.
// 09:00–10:00"), in Stockholm.
func When(start, end time.Time) string {
	s := start.In(stockholm)
	return fmt.Sprintf("%s kl. %s–%s", s.Format(time.DateOnly), s.Format("15:04"), end.In(stockholm).Format("15:04"))
}

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return loc
}()
