package timers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/audit"
	meeting "github.com/samverkanshub/hub/internal/meetings"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/platform/relay"
	task "github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// The reminders of a meeting (docs/meetings.md, "Reminders"): calling a
// meeting enqueues, in its transaction, a job a day before it starts (at
// once if it starts within a day). The job acts first as the caller, to
// list the invited parties due a reminder (not declined, not reminded of
// that start), then as each party in turn, which writes a PAMINNELSE to
// its own queue if it still sees the meeting (the samtycke) and it is
// still due: a meeting cancelled or moved meanwhile reminds no one, and a
// reminder claims its key (meeting_reminders) in its transaction, so a
// job run twice, or a job and the scan, remind once. The reminder scan
// (Remind) does the same for every organisation's meetings, as the
// catch-up.

// MeetingRemindJob is the meeting reminders' name, in their actors and
// audit records.
const MeetingRemindJob = "meetingReminders"

// MeetingReminderArgs is the job scheduled a day before a meeting starts:
// it reminds the meeting's invited parties. Ids only.
type MeetingReminderArgs struct {
	MeetingID uuid.UUID `json:"meeting_id"`
	// CallerID is the organisation that called the meeting, which lists
	// the parties due a reminder.
	CallerID uuid.UUID `json:"caller_id"`
}

// Kind is the job's kind in river_job.
func (MeetingReminderArgs) Kind() string { return "hub_meeting_reminder" }

// InsertOpts puts the job in the timers' queue.
func (MeetingReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: maxAttempts}
}

// RemindAt is when the reminders of a meeting starting at start are sent:
// a day before (and the minute the clocks may differ by), or at once
// (the zero time) if that has passed by now.
func RemindAt(start, now time.Time) time.Time {
	at := start.Add(-meeting.ReminderLead).Add(clockMargin)
	if !at.After(now) {
		return time.Time{}
	}
	return at
}

// ScheduleMeetingReminder enqueues, in w's transaction, the reminders of
// the meeting id, called by the organisation caller and starting at
// start.
func ScheduleMeetingReminder(ctx context.Context, w *app.Work, id, caller uuid.UUID, start time.Time) error {
	now, err := w.Now(ctx)
	if err != nil {
		return err
	}
	return w.Enqueue(ctx, MeetingReminderArgs{MeetingID: id, CallerID: caller}, &river.InsertOpts{ScheduledAt: RemindAt(start, now)})
}

// RemindMeeting reminds the invited parties of the meeting id, called by
// the organisation caller, that are due it: the job of the day before.
func (s *Service) RemindMeeting(ctx context.Context, caller, id uuid.UUID) (Reminding, error) {
	var res Reminding
	p, err := s.party(ctx, caller)
	if err != nil {
		return res, err
	}
	return res, s.remindMeetingsOf(ctx, p, &id, &res)
}

// remindMeetingsOf reminds the parties of the meetings the organisation
// p called (the meeting id only, unless nil) that are due it.
func (s *Service) remindMeetingsOf(ctx context.Context, p task.Party, id *uuid.UUID, res *Reminding) error {
	w := s.app.Begin(app.JobActor(p.ID, p.Kind, MeetingRemindJob, ""))
	due, err := meeting.RemindersDue(ctx, w.Tx(), id, batch)
	w.Abandon(ctx) // ids of the organisation's own meetings and their parties: the reminders written are audited
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range due {
		if err := s.remindParty(ctx, d, res); err != nil {
			errs = append(errs, fmt.Errorf("meeting %s, party %s: %w", d.MeetingID, d.OrgID, err))
		}
	}
	return errors.Join(errs...)
}

// remindParty writes, as the party of d, the reminder of its meeting to
// its own queue, if it is still due it and still sees the meeting.
func (s *Service) remindParty(ctx context.Context, d meeting.ReminderDue, res *Reminding) error {
	w := s.app.Begin(app.JobActor(d.OrgID, d.OrgKind, MeetingRemindJob, d.Purpose))
	r, ok, err := meeting.OwnReminder(ctx, w.Tx(), d.MeetingID)
	if err != nil || !ok {
		w.Abandon(ctx)
		return err
	}
	id := ids.New(ctx)
	claimed, err := meeting.ClaimReminder(ctx, w.Tx(), r.MeetingID, meeting.RemindComing, r.StartsAt, id)
	if err != nil || !claimed { // !claimed: reminded meanwhile
		w.Abandon(ctx)
		return err
	}
	gid := relay.ID(relay.TypeMeeting, r.MeetingID)
	body := "Mötet börjar " + meeting.When(r.StartsAt, r.EndsAt) + "."
	if r.Place != nil {
		body += "\nPlats: " + *r.Place
	}
	if r.RemoteURL != nil {
		body += "\nDistansmöte: " + *r.RemoteURL
	}
	body += "\nSe kallelsen och mötet i Samverkanshubben (möte " + gid + ")."
	t := task.Reminder{Purpose: r.Purpose, Topic: string(r.Kind.Topic()), MunicipalityCode: d.MunicipalityCode,
		Subject: "Påminnelse: " + r.Kind.Label() + " " + meeting.When(r.StartsAt, r.EndsAt), Body: body, DueOn: tenancy.DayOf(r.StartsAt)}
	p0 := w.Principal()
	if err := task.RemindOwn(ctx, w.Tx(), task.Author{OrgID: p0.OrgID, UserID: p0.UserID}, id, r.UnitID, t); err != nil {
		w.Abandon(ctx)
		return err
	}
	w.Touch(relay.ID(relay.TypeTask, id))
	if r.IndividualID != nil && r.CaseOrgID != nil {
		// The party's job read the meeting about the person, under the samtycke.
		w.Accessed(audit.Access{IndividualID: *r.IndividualID, OwnerOrgID: *r.CaseOrgID, ObjectID: gid, ConsentID: r.ConsentID})
	} else {
		w.Touch(gid)
	}
	if err := w.Finish(ctx, app.Operation{Type: "job", Name: MeetingRemindJob + " " + string(meeting.RemindComing)}, false, ""); err != nil {
		return err
	}
	res.Meetings++
	return nil
}

type meetingReminderWorker struct {
	river.WorkerDefaults[MeetingReminderArgs]
	s *Service
}

func (w *meetingReminderWorker) Work(ctx context.Context, j *river.Job[MeetingReminderArgs]) error {
	res, err := w.s.RemindMeeting(ctx, j.Args.CallerID, j.Args.MeetingID)
	w.s.log.Info("a meeting's reminders", "meeting", j.Args.MeetingID, "written", res.Meetings)
	return err
}
