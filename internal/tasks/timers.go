package tasks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// The timers' work on tasks (docs/timers.md): escalating overdue tasks
// along their entry's fallback chain, done as their sender, and writing
// reminders to a case's lead unit, done as the case's owner.

// Overdue is a sent task past its due day that its recipient has not
// accepted, with where it is now. IndividualID and CaseOrgID are the
// person and its municipality (nil for a KONSULTATION), which the job
// asks hub_task_samtycke about and names in the loggutdrag; the case
// itself hub_app does not read (migration 030).
type Overdue struct {
	ID              uuid.UUID       `db:"id"`
	Kind            Kind            `db:"kind"`
	State           State           `db:"state"`
	Purpose         consent.Purpose `db:"purpose"`
	Classes         []consent.Class `db:"classes"`
	IndividualID    *uuid.UUID      `db:"individual_id"`
	CaseOrgID       *uuid.UUID      `db:"case_org_id"`
	RoutedEntryID   uuid.UUID       `db:"routed_entry_id"`
	EscalationLevel int             `db:"escalation_level"`
	DueOn           time.Time       `db:"due_on"`
}

// MaxEscalationLevel is the highest escalation level a task reaches (the
// table's bound).
const MaxEscalationLevel = 10

// OverdueSent lists, oldest due first, at most limit of the reader's
// organisation's sent tasks that are overdue on the request's day and not
// yet accepted.
func OverdueSent(ctx context.Context, q db.Querier, limit int) ([]Overdue, error) {
	list, err := db.Collect[Overdue](ctx, q, qOverdueSent, limit)
	if err != nil {
		return nil, fmt.Errorf("list overdue tasks: %w", err)
	}
	return list, nil
}

// OverdueTask is the reader's organisation's sent task id, if it is
// overdue on the request's day and not yet accepted (as OverdueSent
// finds it); ok is false otherwise.
func OverdueTask(ctx context.Context, q db.Querier, id uuid.UUID) (o Overdue, ok bool, err error) {
	list, err := db.Collect[Overdue](ctx, q, qOverdueTask, id)
	if err != nil {
		return Overdue{}, false, fmt.Errorf("load an overdue task: %w", err)
	}
	if len(list) == 0 {
		return Overdue{}, false, nil
	}
	return list[0], true, nil
}

// ErrMoved is returned when a task changed between reading and writing
// it: someone acted on it meanwhile, and the job leaves it be.
var ErrMoved = errors.New("the task changed meanwhile")

// Escalate moves the reader's overdue task to the next entry of its
// fallback chain (to: its entry, organisation, unit, new due day and
// samtycke) one level up, and records an ESCALATED step naming the entry.
func Escalate(ctx context.Context, q db.Querier, by Author, o Overdue, to Routed) error {
	var got uuid.UUID
	err := q.QueryRow(ctx, qEscalate, o.ID, o.EscalationLevel, to.EntryID, to.OrgID, to.UnitID, to.DueOn, to.ConsentID,
		ids.New(ctx), by.UserID).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrMoved
	}
	if err != nil {
		return fmt.Errorf("escalate task: %w", err)
	}
	return nil
}

// ReminderReason is why a case is reminded of.
type ReminderReason string

// The reminders (migration 026, reminders_due).
const (
	WaitEnded        ReminderReason = "WAIT_ENDED"
	NoJointPlanning  ReminderReason = "NO_JOINT_PLANNING"
	AFDeregistration ReminderReason = "AF_DEREGISTRATION"
	YearlyReview     ReminderReason = "YEARLY_REVIEW"
)

// ReminderDue is a reminder a case of the reader's organisation is due.
type ReminderDue struct {
	CaseID       uuid.UUID      `db:"case_id"`
	IndividualID uuid.UUID      `db:"individual_id"`
	LeadUnitID   uuid.UUID      `db:"lead_unit_id"`
	Reason       ReminderReason `db:"reason"`
	Occasion     time.Time      `db:"occasion"` // what makes it once: a day
	Detail       *string        `db:"detail"`   // what was awaited (WAIT_ENDED)
}

// RemindersDue lists at most limit reminders the reader's organisation's
// open cases are due on the request's day and have not had.
func RemindersDue(ctx context.Context, q db.Querier, limit int) ([]ReminderDue, error) {
	list, err := db.Collect[ReminderDue](ctx, q, qRemindersDue, limit)
	if err != nil {
		return nil, fmt.Errorf("list reminders due: %w", err)
	}
	return list, nil
}

// WaitEndedDue is the WAIT_ENDED reminder the reader's organisation's
// case is due on the request's day and has not had (as RemindersDue
// finds it), if any.
func WaitEndedDue(ctx context.Context, q db.Querier, caseID uuid.UUID) ([]ReminderDue, error) {
	list, err := db.Collect[ReminderDue](ctx, q, qWaitEndedDue, caseID)
	if err != nil {
		return nil, fmt.Errorf("the reminder of a wait ended: %w", err)
	}
	return list, nil
}

// Reminder is a reminder's task.
type Reminder struct {
	Purpose          consent.Purpose
	Classes          []consent.Class
	Topic            string
	MunicipalityCode string
	Subject, Body    string
	DueOn            time.Time
}

// Remind writes the reminder r is due as a PAMINNELSE to the case's lead
// unit, from the reader's organisation, and claims its occasion. ok is
// false when the occasion was claimed before: the caller rolls back.
func Remind(ctx context.Context, q db.Querier, by Author, r ReminderDue, t Reminder) (id uuid.UUID, ok bool, err error) {
	id = ids.New(ctx)
	if err := writeReminder(ctx, q, by, id, &r.CaseID, &r.IndividualID, &r.LeadUnitID, t); err != nil {
		return uuid.Nil, false, err
	}
	var got uuid.UUID
	err = q.QueryRow(ctx, qClaimReminder, r.CaseID, string(r.Reason), r.Occasion, id).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("claim reminder: %w", err)
	}
	return id, true, nil
}

// RemindOwn writes the reminder id as a PAMINNELSE from the reader's
// organisation to its own unit (nil: its whole queue), about no case: it
// names no person and carries no class (t.Classes is ignored). A
// meeting's reminder and the follow-up of a no-show are such.
func RemindOwn(ctx context.Context, q db.Querier, by Author, id uuid.UUID, unit *uuid.UUID, t Reminder) error {
	t.Classes = nil
	return writeReminder(ctx, q, by, id, nil, nil, unit, t)
}

// writeReminder writes the PAMINNELSE id to the reader's own unit, about
// the case and its person (nil: none), and records its creation.
func writeReminder(ctx context.Context, q db.Querier, by Author, id uuid.UUID, caseID, individualID, unit *uuid.UUID, t Reminder) error {
	classes := make([]string, len(t.Classes))
	for i, c := range t.Classes {
		classes[i] = string(c)
	}
	var got uuid.UUID
	if err := q.QueryRow(ctx, qInsertReminder, id, caseID, individualID, unit, by.UserID, string(t.Purpose), classes,
		t.Topic, t.MunicipalityCode, t.Subject, t.Body, t.DueOn).Scan(&got); err != nil {
		return fmt.Errorf("write reminder: %w", err)
	}
	if _, err := q.Exec(ctx, qTaskCreated, id, ids.New(ctx), by.UnitID, by.UserID, nil); err != nil {
		return fmt.Errorf("record the reminder's writing: %w", err)
	}
	return nil
}

// Party is an organisation the timers act as.
type Party struct {
	ID   uuid.UUID                `db:"id"`
	Kind tenancy.OrganizationKind `db:"kind"`
}

// Parties lists every organisation of the catalogue.
func Parties(ctx context.Context, q db.Querier) ([]Party, error) {
	list, err := db.Collect[Party](ctx, q, qTimerOrganizations)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	return list, nil
}
