// Package timers holds the hub's timer jobs (docs/timers.md): escalating
// overdue tasks along their entry's fallback chain, and reminders to a
// case's lead unit. The jobs run in river (river.go) on every replica:
// the job a unit of work schedules for a moment it creates (moments.go),
// and periodic scans that catch up. Each acts as one organisation at a
// time (app.JobActor), so that row-level security binds it as it binds a
// request of that organisation, and each change is a unit of work of its
// own, audited with operation type 'job'. What makes a change happen
// once is the database: an escalation moves a task only from the level
// it was read at, and a reminder claims its occasion's key
// (case_reminders).
package timers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/relay"
	task "github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// The jobs' names, in their actors ("job:<name>") and audit records.
const (
	EscalateJob = "escalateOverdueTasks"
	RemindJob   = "caseReminders"
)

// EscalationWorkingDays is how many working days an escalated task gives
// its new recipient.
const EscalationWorkingDays = 2

// ReminderWorkingDays is how many working days a reminder is due in.
const ReminderWorkingDays = 5

// batch bounds the work of one organisation in one scan; the next scan
// takes the rest.
const batch = 200

// Service runs the timers' scans.
type Service struct {
	app       *app.App
	directory *vagin.Service
	log       *slog.Logger
}

// New returns the service.
func New(a *app.App, directory *vagin.Service, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{app: a, directory: directory, log: log}
}

// Escalation is what one scan of overdue tasks did.
type Escalation struct {
	Escalated int // moved to the next entry of their chain
	AtEnd     int // overdue at the end of their chain: stay, overdue
	Blocked   int // the next entry is not covered by a samtycke: stay
}

// EscalateOverdue escalates, as each organisation in turn, its sent
// tasks that are overdue and not accepted to the next entry of the
// fallback chain of the entry they are at.
func (s *Service) EscalateOverdue(ctx context.Context) (Escalation, error) {
	var res Escalation
	parties, err := s.parties(ctx)
	if err != nil {
		return res, err
	}
	var errs []error
	for _, p := range parties {
		if err := s.escalateFor(ctx, p, &res); err != nil {
			errs = append(errs, fmt.Errorf("escalate the tasks of %s: %w", p.ID, err))
		}
	}
	return res, errors.Join(errs...)
}

func (s *Service) parties(ctx context.Context) ([]task.Party, error) {
	w := s.app.Begin(app.Actor{})
	defer w.Abandon(ctx)
	return task.Parties(ctx, w.Tx())
}

func (s *Service) escalateFor(ctx context.Context, p task.Party, res *Escalation) error {
	w := s.app.Begin(app.JobActor(p.ID, p.Kind, EscalateJob, ""))
	overdue, err := task.OverdueSent(ctx, w.Tx(), batch)
	w.Abandon(ctx) // a read of the organisation's own task ids: nothing to audit
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range overdue {
		if err := s.escalateOne(ctx, p, o, res); err != nil {
			errs = append(errs, fmt.Errorf("task %s: %w", o.ID, err))
		}
	}
	return errors.Join(errs...)
}

// escalateOne escalates the overdue task o of its sender p: the scan's
// and the task's own job's way alike.
func (s *Service) escalateOne(ctx context.Context, p task.Party, o task.Overdue, res *Escalation) error {
	if o.EscalationLevel >= task.MaxEscalationLevel {
		res.AtEnd++
		return nil
	}
	return s.escalate(ctx, p, o, res)
}

// escalate moves one task, as its sender under the purpose it was sent
// for, in a unit of work of its own, and schedules its escalation from
// where it now is at its new due moment.
func (s *Service) escalate(ctx context.Context, p task.Party, o task.Overdue, res *Escalation) error {
	w := s.app.Begin(app.JobActor(p.ID, p.Kind, EscalateJob, o.Purpose))
	entries, err := s.directory.Entries(ctx, w, []uuid.UUID{o.RoutedEntryID})
	if err != nil {
		w.Abandon(ctx)
		return err
	}
	var fallback *uuid.UUID
	if e, ok := entries[o.RoutedEntryID]; ok {
		fallback = e.FallbackEntryID
	}
	chains, err := s.directory.FallbackChains(ctx, w, []vagin.ChainStart{{EntryID: o.RoutedEntryID, Fallback: fallback}})
	if err != nil {
		w.Abandon(ctx)
		return err
	}
	if len(chains[0]) == 0 {
		w.Abandon(ctx)
		res.AtEnd++
		return nil
	}
	next := chains[0][0]
	to := task.Routed{EntryID: next.ID, OrgID: next.OrgID, UnitID: next.UnitID}
	if next.OrgID == p.ID {
		// A chain that leads back to the sender ends there: a task is
		// never sent to the sender's own organisation.
		w.Abandon(ctx)
		res.AtEnd++
		return nil
	}
	if o.IndividualID != nil {
		needed := o.Classes
		if o.CaseOrgID != nil && next.OrgID == *o.CaseOrgID { // the person's municipality sees its own classes
			needed = slices.DeleteFunc(slices.Clone(needed), func(cl consent.Class) bool { return cl.Source() == tenancy.Kommun })
		}
		if len(needed) > 0 {
			id, err := task.SamtyckeFor(ctx, w.Tx(), *o.IndividualID, next.OrgID, next.UnitID, o.Purpose, needed)
			if err != nil {
				w.Abandon(ctx)
				return err
			}
			if id == nil {
				res.Blocked++
				s.log.Warn("an overdue task is not escalated: no samtycke shares it with the next entry of its chain",
					"task", o.ID, "entry", next.ID)
				return s.recordBlocked(ctx, w, p, o, next, needed)
			}
			to.ConsentID = id
		}
	}
	today, err := w.Today(ctx)
	if err != nil {
		w.Abandon(ctx)
		return err
	}
	to.DueOn = task.AddWorkingDays(today, EscalationWorkingDays)
	p0 := w.Principal()
	err = task.Escalate(ctx, w.Tx(), task.Author{OrgID: p0.OrgID, UserID: p0.UserID}, o, to)
	if errors.Is(err, task.ErrMoved) {
		w.Abandon(ctx)
		return nil // someone acted on it meanwhile (or another replica escalated it)
	}
	if err != nil {
		w.Abandon(ctx)
		return err
	}
	if err := ScheduleEscalation(ctx, w, o.ID, p.ID, o.EscalationLevel+1, to.DueOn); err != nil {
		w.Abandon(ctx)
		return err
	}
	gid := relay.ID(relay.TypeTask, o.ID)
	w.Touch(gid)
	if o.IndividualID != nil {
		// The task, with the person, now reaches another queue: a
		// disclosure, in the person's loggutdrag.
		w.Accessed(audit.Access{IndividualID: *o.IndividualID, OwnerOrgID: *o.CaseOrgID, ObjectID: gid, ConsentID: to.ConsentID, Write: true})
	}
	if err := w.Finish(ctx, app.Operation{Type: "job", Name: EscalateJob}, false, ""); err != nil {
		return err
	}
	res.Escalated++
	s.log.Info("task escalated", "task", o.ID, "level", o.EscalationLevel+1, "entry", next.ID)
	return nil
}

// recordBlocked finishes w, the escalation of o that no samtycke lets
// reach the entry next, with an audit record saying so (decision DENIED,
// the reason naming the entry, the level and what is not shared), once
// per task, entry and level: the task stays where it is, and the next
// scans find it blocked again without writing it again.
func (s *Service) recordBlocked(ctx context.Context, w *app.Work, p task.Party, o task.Overdue, next directory.Entry, needed []consent.Class) error {
	gid := relay.ID(relay.TypeTask, o.ID)
	reason := fmt.Sprintf("not escalated to level %d, %s (entry %s): no samtycke in force shares the person and %s with it for %s",
		o.EscalationLevel+1, next.FunctionName, next.ID, consent.JoinClasses(needed), o.Purpose)
	seen, err := audit.Recorded(ctx, w.Tx(), p.ID, "job", EscalateJob, gid, audit.Denied, reason)
	if err != nil || seen {
		w.Abandon(ctx)
		return err
	}
	w.Deny(reason, gid)
	return w.Finish(ctx, app.Operation{Type: "job", Name: EscalateJob}, false, "")
}

// Reminding is what one scan of reminders did.
type Reminding struct {
	Written  int // reminders of cases
	Meetings int // reminders of coming meetings, one per party
}

// reminderPurpose is the purpose the reminders are written and read
// under: the coordination the case exists for.
const reminderPurpose = consent.SamordnadRehabilitering

// Remind writes, as each municipality in turn (the cases' owners), the
// reminders its open cases are due and have not had, each a PAMINNELSE
// to the case's lead unit; and, as each organisation in turn, the
// reminders of the meetings it called that their parties are due and
// have not had (meetings.go), each a PAMINNELSE the party writes to its
// own queue.
func (s *Service) Remind(ctx context.Context) (Reminding, error) {
	var res Reminding
	parties, err := s.parties(ctx)
	if err != nil {
		return res, err
	}
	var errs []error
	for _, p := range parties {
		if p.Kind == tenancy.Kommun { // only a municipality owns cases
			if err := s.remindFor(ctx, p, &res); err != nil {
				errs = append(errs, fmt.Errorf("reminders of %s: %w", p.ID, err))
			}
		}
		if err := s.remindMeetingsOf(ctx, p, nil, &res); err != nil {
			errs = append(errs, fmt.Errorf("meeting reminders of %s: %w", p.ID, err))
		}
	}
	return res, errors.Join(errs...)
}

func (s *Service) remindFor(ctx context.Context, p task.Party, res *Reminding) error {
	w := s.app.Begin(app.JobActor(p.ID, p.Kind, RemindJob, reminderPurpose))
	due, err := task.RemindersDue(ctx, w.Tx(), batch)
	w.Abandon(ctx) // only ids and days of the organisation's own cases: the reminders written are audited
	if err != nil || len(due) == 0 {
		return err
	}
	var errs []error
	for _, r := range due {
		if err := s.remind(ctx, p, r, res); err != nil {
			errs = append(errs, fmt.Errorf("case %s: %w", r.CaseID, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) remind(ctx context.Context, p task.Party, r task.ReminderDue, res *Reminding) error {
	w := s.app.Begin(app.JobActor(p.ID, p.Kind, RemindJob, reminderPurpose))
	ms, err := tenancy.MunicipalitiesByOrganization(ctx, w.Tx(), []uuid.UUID{p.ID})
	if err != nil {
		w.Abandon(ctx)
		return err
	}
	if len(ms[p.ID]) != 1 {
		w.Abandon(ctx)
		return fmt.Errorf("the organisation %s serves %d municipalities, not one", p.ID, len(ms[p.ID]))
	}
	today, err := w.Today(ctx)
	if err != nil {
		w.Abandon(ctx)
		return err
	}
	t := reminderText(r)
	t.Purpose, t.Classes = reminderPurpose, []consent.Class{consent.KommunPlanering}
	t.MunicipalityCode, t.DueOn = ms[p.ID][0].Code, task.AddWorkingDays(today, ReminderWorkingDays)
	p0 := w.Principal()
	id, ok, err := task.Remind(ctx, w.Tx(), task.Author{OrgID: p0.OrgID, UserID: p0.UserID}, r, t)
	if err != nil || !ok { // !ok: another replica reminded of this occasion first
		w.Abandon(ctx)
		return err
	}
	gid := relay.ID(relay.TypeTask, id)
	w.Accessed(audit.Access{IndividualID: r.IndividualID, OwnerOrgID: p.ID, ObjectID: gid, Write: true})
	if err := w.Finish(ctx, app.Operation{Type: "job", Name: RemindJob + " " + string(r.Reason)}, false, ""); err != nil {
		return err
	}
	res.Written++
	return nil
}

// reminderText is a reminder's topic, subject and text (Swedish, for the
// lead unit's staff); it repeats nothing of the case but what was
// awaited, which is the lead unit's own planning.
func reminderText(r task.ReminderDue) task.Reminder {
	day := r.Occasion.Format(time.DateOnly)
	switch r.Reason {
	case task.WaitEnded:
		what := "det som väntades på"
		if r.Detail != nil {
			what = *r.Detail
		}
		return task.Reminder{Topic: "SAMORDNAD_REHABILITERING", Subject: "Den förväntade väntetiden har gått ut",
			Body: fmt.Sprintf("Ärendet väntar på %s, som väntades vara klart senast %s. Följ upp ärendet: väntan fortsätter, eller ta nästa steg.", what, day)}
	case task.NoJointPlanning:
		return task.Reminder{Topic: "SIP", Subject: "Ingen gemensam planering två månader efter att ärendet öppnades",
			Body: fmt.Sprintf("Ärendet öppnades %s och har ännu inte nått gemensam planering. Se över vad som hindrar planeringen.", day)}
	case task.AFDeregistration:
		return task.Reminder{Topic: "AF_INSKRIVNING", Subject: "Inskriven hos Arbetsförmedlingen och sjukskriven i mer än 30 dagar",
			Body: fmt.Sprintf("Personen är inskriven hos Arbetsförmedlingen och har en sjukskrivning registrerad i ärendet sedan %s. Efter 30 dagars sjukskrivning kan Arbetsförmedlingen avaktualisera inskrivningen: kontakta Arbetsförmedlingen.", day)}
	default: // task.YearlyReview
		return task.Reminder{Topic: "SAMORDNAD_REHABILITERING", Subject: "Årlig genomgång av ärendet",
			Body: fmt.Sprintf("Ärendet har varit öppet i mer än ett år (årsdag %s). Gå igenom om insatserna fortfarande leder mot egen försörjning.", day)}
	}
}
