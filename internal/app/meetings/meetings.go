// Package meetings holds the use cases of meetings about a case: a party
// calls a meeting (an avstämningsmöte, a SIP-möte, a trepartsmöte, a
// gemensam kartläggning, or a de-identified KONSULTATION), which invites
// each party with a task through en väg in; the caller records who came
// and may cancel it; each party lists its unit's coming meetings and a
// case's meetings. Every method runs in the caller's unit of work, in the
// lawful order: purpose, authorization, the domain call, and the notes for
// the audit record and the loggutdrag.
package meetings

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	apptasks "github.com/samverkanshub/hub/internal/app/tasks"
	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	meeting "github.com/samverkanshub/hub/internal/meetings"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/relay"
	task "github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Service is the meeting work of one hub.
type Service struct {
	tasks *apptasks.Service
}

// New returns the service; it invites through the tasks' Create.
func New(tasks *apptasks.Service) *Service { return &Service{tasks: tasks} }

// Schedule calls a meeting. A meeting about a case names a case the actor
// may see and is held under its kind's purpose, which the request
// declares. Each invited party gets a kallelse: a KALLELSE_SIP task (a
// KONSULTATION task for a KONSULTATION) sent with the tasks' Create, so
// routed through en väg in to the first function of that kind of
// organisation for the kind's topic in the case's municipality, and sent
// only if a samtycke in force for the purpose shares the person and the
// caller's planning class with it. The party is the organisation (and
// unit) the kallelse went to. All or nothing: a party refused refuses the
// meeting, naming every party refused, and nothing is written (the unit
// of work of a failed mutation is rolled back whole).
func (s *Service) Schedule(ctx context.Context, w *app.Work, in meeting.NewMeeting) (meeting.Meeting, error) {
	purpose, err := w.RequirePurpose()
	if err != nil {
		return meeting.Meeting{}, err
	}
	p := w.Principal()
	now, err := w.Now(ctx)
	if err != nil {
		return meeting.Meeting{}, err
	}
	in = in.Trimmed() // what is checked is what is stored
	bad := in.Problems(p.OrgKind, purpose, now)
	var c *cases.Case
	if in.CaseID != nil && in.Kind != meeting.Konsultation {
		got, err := w.VisibleCase(ctx, *in.CaseID)
		if err != nil {
			return meeting.Meeting{}, err
		}
		c = &got
	}
	if len(bad) > 0 {
		return meeting.Meeting{}, apperr.Invalidf("the meeting cannot be called: %s", strings.Join(bad, "; "))
	}
	obj := authz.Object{Kind: authz.Meeting, OwnerOrgID: p.OrgID}
	if c != nil {
		obj.ID, obj.IndividualID = relay.ID(relay.TypeCase, c.ID), &c.IndividualID
	}
	if err := w.Allow(ctx, authz.Create, obj); err != nil {
		return meeting.Meeting{}, err
	}
	parties, err := s.invite(ctx, w, in, c)
	if err != nil {
		return meeting.Meeting{}, err
	}
	id := ids.New(ctx)
	var about *meeting.About
	if c != nil {
		about = &meeting.About{CaseID: c.ID, IndividualID: c.IndividualID, OrgID: c.OrgID}
	}
	if err := meeting.Insert(ctx, w.Tx(), id, author(w), purpose, about, in, parties); err != nil {
		return meeting.Meeting{}, err
	}
	if err := timers.ScheduleMeetingReminder(ctx, w, id, p.OrgID, in.StartsAt); err != nil {
		return meeting.Meeting{}, err
	}
	m, err := s.visible(ctx, w, id)
	if err != nil {
		return meeting.Meeting{}, err
	}
	note(w, m, true)
	return m, nil
}

// invite sends each invited party its kallelse and returns the parties:
// the caller first, then each party where its kallelse went.
func (s *Service) invite(ctx context.Context, w *app.Work, in meeting.NewMeeting, c *cases.Case) ([]meeting.Invited, error) {
	p := w.Principal()
	parties := []meeting.Invited{{OrgID: p.OrgID, UnitID: p.UnitID, Role: meeting.RoleOr(in.Role)}}
	var refused []string
	code := apperr.Invalid
	for i, inv := range in.Invited {
		t, err := s.tasks.Create(ctx, w, kallelse(in, inv, c, p.OrgKind))
		if err != nil {
			switch apperr.CodeOf(err) {
			case apperr.Invalid, apperr.Forbidden:
				if apperr.CodeOf(err) == apperr.Forbidden {
					code = apperr.Forbidden
				}
				refused = append(refused, fmt.Sprintf("invited[%d] (%s): %s", i, inv.OrganizationKind, apperr.MessageOf(err)))
				continue
			}
			return nil, err
		}
		if slices.ContainsFunc(parties, func(x meeting.Invited) bool { return x.OrgID == t.RecipientOrgID }) {
			refused = append(refused, fmt.Sprintf("invited[%d] (%s): en väg in routes it to an organisation already invited, or to yours", i, inv.OrganizationKind))
			continue
		}
		taskID := t.ID
		parties = append(parties, meeting.Invited{OrgID: t.RecipientOrgID, UnitID: t.RecipientUnitID, Role: meeting.RoleOr(inv.Role), TaskID: &taskID})
	}
	if len(refused) > 0 {
		return nil, apperr.New(code, "the meeting cannot be called: "+strings.Join(refused, "; ")+
			" (a meeting invites all its parties or none: nothing was sent)")
	}
	return parties, nil
}

// kallelse is the task that invites one party: a KALLELSE_SIP carrying
// the caller's planning class (a KONSULTATION task for a KONSULTATION),
// routed by the kind's topic (or the party's) to that kind of
// organisation, due on the meeting's day. Its subject and text are the
// meeting's; a KONSULTATION's were checked for a personnummer.
func kallelse(in meeting.NewMeeting, inv meeting.Invitee, c *cases.Case, caller tenancy.OrganizationKind) task.NewTask {
	topic := in.Kind.Topic()
	if inv.Topic != nil {
		topic = *inv.Topic
	}
	kind := inv.OrganizationKind
	day := tenancy.DayOf(in.StartsAt)
	subject := fmt.Sprintf("Kallelse: %s %s", in.Kind.Label(), meeting.When(in.StartsAt, in.EndsAt))
	body := in.Subject
	if in.Place != nil {
		body += "\nPlats: " + *in.Place
	}
	if in.RemoteURL != nil {
		body += "\nDistansmöte: " + *in.RemoteURL
	}
	body += "\nRoll: " + meeting.RoleOr(inv.Role)
	if in.Agenda != "" {
		body += "\n\n" + in.Agenda
	}
	if r := []rune(body); len(r) > task.MaxBodyLen {
		body = string(r[:task.MaxBodyLen])
	}
	nt := task.NewTask{Kind: task.KallelseSIP, Topic: &topic, OrganizationKind: &kind, Subject: subject, Body: body, DueOn: &day}
	if c == nil {
		nt.Kind, nt.MunicipalityCode = task.Konsultation, in.MunicipalityCode
		return nt
	}
	nt.CaseID = &c.ID
	class, _ := meeting.PlanningClass(caller)
	nt.Classes = []consent.Class{class}
	return nt
}

// RecordAttendance records who came: the person's attendance and each
// party's (attended, a no-show, sent word). Only the organisation that
// called the meeting records it; a meeting the actor may not see is
// NOT_FOUND.
func (s *Service) RecordAttendance(ctx context.Context, w *app.Work, id uuid.UUID, ch meeting.AttendanceChange) (meeting.Meeting, error) {
	m, err := s.callersOwn(ctx, w, id, "record attendance")
	if err != nil {
		return meeting.Meeting{}, err
	}
	now, err := w.Now(ctx)
	if err != nil {
		return meeting.Meeting{}, err
	}
	if bad := ch.Problems(m, now); len(bad) > 0 {
		return meeting.Meeting{}, apperr.Invalidf("the attendance cannot be recorded: %s", strings.Join(bad, "; "))
	}
	if err := meeting.RecordAttendance(ctx, w.Tx(), m.ID, ch); err != nil {
		return meeting.Meeting{}, err
	}
	if ch.Person != nil && *ch.Person == meeting.Uteblev {
		if err := followUp(ctx, w, m); err != nil {
			return meeting.Meeting{}, err
		}
	}
	changed, err := s.visible(ctx, w, id)
	if err != nil {
		return meeting.Meeting{}, err
	}
	note(w, changed, true)
	return changed, nil
}

// Cancel cancels a meeting the actor's organisation called, with a
// reason, and withdraws the kallelser still open (AVBRUTEN, as their
// sender). The .ics then says STATUS:CANCELLED.
func (s *Service) Cancel(ctx context.Context, w *app.Work, id uuid.UUID, reason string) (meeting.Meeting, error) {
	m, err := s.callersOwn(ctx, w, id, "cancel it")
	if err != nil {
		return meeting.Meeting{}, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > meeting.MaxReasonLen {
		return meeting.Meeting{}, apperr.Invalidf("the meeting cannot be cancelled: reason: give a reason of 1 to %d characters", meeting.MaxReasonLen)
	}
	if m.CancelledAt != nil {
		return meeting.Meeting{}, apperr.Errorf(apperr.Conflict, "the meeting is already cancelled")
	}
	if err := meeting.Cancel(ctx, w.Tx(), m.ID, reason); err != nil {
		return meeting.Meeting{}, err
	}
	var taskIDs []uuid.UUID
	for _, p := range m.Parties {
		if p.TaskID != nil {
			taskIDs = append(taskIDs, *p.TaskID)
		}
	}
	if len(taskIDs) > 0 {
		found, err := s.tasks.ByID(ctx, w, taskIDs)
		if err != nil {
			return meeting.Meeting{}, err
		}
		cancelled := task.Avbruten
		for _, tid := range taskIDs {
			t, ok := found[tid]
			if !ok || slices.Contains([]task.State{task.Klar, task.Avvisad, task.Avbruten}, t.State) {
				continue
			}
			if _, err := s.tasks.Update(ctx, w, tid, task.Change{State: &cancelled}); err != nil {
				return meeting.Meeting{}, err
			}
		}
	}
	changed, err := s.visible(ctx, w, id)
	if err != nil {
		return meeting.Meeting{}, err
	}
	note(w, changed, true)
	return changed, nil
}

// callersOwn loads a meeting for a change: NOT_FOUND if the actor may not
// see it, FORBIDDEN unless its organisation called it.
func (s *Service) callersOwn(ctx context.Context, w *app.Work, id uuid.UUID, what string) (meeting.Meeting, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return meeting.Meeting{}, err
	}
	m, err := s.visible(ctx, w, id)
	if err != nil {
		return meeting.Meeting{}, err
	}
	p := w.Principal()
	gid := relay.ID(relay.TypeMeeting, m.ID)
	if err := w.Allow(ctx, authz.Update, authz.Object{Kind: authz.Meeting, OwnerOrgID: p.OrgID, ID: gid}); err != nil {
		return meeting.Meeting{}, err
	}
	if m.OrgID != p.OrgID {
		msg := fmt.Sprintf("only the organisation that called the meeting may %s", what)
		w.Deny(msg, gid)
		return meeting.Meeting{}, apperr.New(apperr.Forbidden, msg)
	}
	return m, nil
}

// visible loads one meeting the actor sees; NOT_FOUND otherwise, exactly
// as if it did not exist.
func (s *Service) visible(ctx context.Context, w *app.Work, id uuid.UUID) (meeting.Meeting, error) {
	found, err := meeting.ByID(ctx, w.Tx(), []uuid.UUID{id})
	if err != nil {
		return meeting.Meeting{}, err
	}
	m, ok := found[id]
	if !ok {
		return meeting.Meeting{}, apperr.NotFoundf("no such meeting")
	}
	return m, nil
}

// ByID loads the meetings among ids the actor sees, noting each read;
// none for an actor whose roles read no meetings (as if none existed).
func (s *Service) ByID(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]meeting.Meeting, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return nil, err
	}
	if !w.Scope(authz.Read, authz.Meeting).Own {
		return map[uuid.UUID]meeting.Meeting{}, nil
	}
	found, err := meeting.ByID(ctx, w.Tx(), ids)
	if err != nil {
		return nil, err
	}
	for _, m := range found {
		note(w, m, false)
	}
	return found, nil
}

// OfCases lists, per case, the meetings about it the actor sees, by
// start (cancelled ones too), noting each read.
func (s *Service) OfCases(ctx context.Context, w *app.Work, caseIDs []uuid.UUID) (map[uuid.UUID][]meeting.Meeting, error) {
	if err := readable(w); err != nil {
		return nil, err
	}
	found, err := meeting.OfCases(ctx, w.Tx(), caseIDs)
	if err != nil {
		return nil, err
	}
	for _, list := range found {
		for _, m := range list {
			note(w, m, false)
		}
	}
	return found, nil
}

// List is a page of the actor's unit's coming meetings in the window (not
// cancelled), by start time, filtered and ordered in SQL.
func (s *Service) List(ctx context.Context, w *app.Work, win meeting.Window, pr page.Request) (page.Result[meeting.Meeting], error) {
	if err := readable(w); err != nil {
		return page.Result[meeting.Meeting]{}, err
	}
	if !win.To.After(win.From) || win.To.Sub(win.From) > 400*24*time.Hour {
		return page.Result[meeting.Meeting]{}, apperr.Invalidf("to: after from, and at most 400 days after it")
	}
	res, err := meeting.Coming(ctx, w.Tx(), win, pr)
	if err != nil {
		return res, err
	}
	w.Touch() // reading a unit's meetings is audited, even an empty list
	for _, m := range res.Items {
		note(w, m, false)
	}
	return res, nil
}

// Count counts the meetings of the window, up to page.MaxCount.
func (s *Service) Count(ctx context.Context, w *app.Work, win meeting.Window) (int, error) {
	if err := readable(w); err != nil {
		return 0, err
	}
	return meeting.CountComing(ctx, w.Tx(), win)
}

// readable checks the purpose and that the actor's roles read meetings
// of its own organisation (which meetings is the database's rule).
func readable(w *app.Work) error {
	if _, err := w.RequirePurpose(); err != nil {
		return err
	}
	scope, err := w.ReadScope(authz.Meeting)
	if err != nil {
		return err
	}
	if !scope.Own {
		return apperr.New(apperr.Forbidden, "your roles do not allow read on meeting")
	}
	return nil
}

// note notes a meeting read or written: a meeting about a person is a row
// of the person's loggutdrag, naming the samtycke that let the reader see
// it; a KONSULTATION is audited only.
func note(w *app.Work, m meeting.Meeting, write bool) {
	noteObject(w, relay.ID(relay.TypeMeeting, m.ID), m.IndividualID, m.CaseOrgID, m.ConsentID, write)
}

// noteObject notes the object gid read or written: about the person
// individual (of the municipality caseOrg), a row of the person's
// loggutdrag naming the samtycke; about no one, the audit record only.
func noteObject(w *app.Work, gid string, individual, caseOrg, samtycke *uuid.UUID, write bool) {
	if individual != nil && caseOrg != nil {
		w.Accessed(audit.Access{IndividualID: *individual, OwnerOrgID: *caseOrg, ObjectID: gid, ConsentID: samtycke, Write: write})
		return
	}
	w.Touch(gid)
}

// author is the actor as who calls a meeting.
func author(w *app.Work) meeting.Author {
	p := w.Principal()
	return meeting.Author{OrgID: p.OrgID, UnitID: p.UnitID, UserID: p.UserID}
}
