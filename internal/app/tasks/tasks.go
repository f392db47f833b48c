// Package tasks holds the use cases of the tasks between agencies: a
// party sends a task about a case (or a de-identified KONSULTATION)
// through en väg in to a function's queue, the recipient's staff work it,
// and both read their inbox and what they sent. Every method runs in the
// caller's unit of work, in the lawful order: purpose, authorization, the
// domain call, and the notes for the audit record and the loggutdrag.
package tasks

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/routine"
	task "github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Service is the task work of one hub.
type Service struct {
	directory *vagin.Service
}

// New returns the service; it routes through the directory's ways in.
func New(directory *vagin.Service) *Service { return &Service{directory: directory} }

// waysAsked is how many ways in a task's routing looks at: the first that
// is another organisation's wins.
const waysAsked = 20

// Create sends a task. A task about a case names a case the actor may
// see; it goes, through en väg in, to the first function of another
// organisation that handles the topic in the case's municipality; and it
// is sent only if a samtycke in force shares the person and every class
// of the task with that function for the declared purpose (the case's own
// municipality needs that only for the classes that are not its own). Its
// escalation is scheduled for the moment it falls overdue.
func (s *Service) Create(ctx context.Context, w *app.Work, in task.NewTask) (task.Task, error) {
	purpose, err := w.RequirePurpose()
	if err != nil {
		return task.Task{}, err
	}
	p := w.Principal()
	today, err := w.Today(ctx)
	if err != nil {
		return task.Task{}, err
	}
	bad := in.Problems(p.OrgKind, today)
	var c *cases.Case
	if in.CaseID != nil && in.Kind != task.Konsultation {
		found, err := cases.ByID(ctx, w.Tx(), w.Scope(authz.Read, authz.Case), []uuid.UUID{*in.CaseID})
		if err != nil {
			return task.Task{}, err
		}
		got, ok := found[*in.CaseID]
		if !ok {
			return task.Task{}, apperr.NotFoundf("no such case")
		}
		c = &got
	}
	if len(bad) > 0 {
		return task.Task{}, apperr.Invalidf("the task cannot be sent: %s", strings.Join(bad, "; "))
	}
	obj := authz.Object{Kind: authz.Task, OwnerOrgID: p.OrgID}
	if c != nil {
		obj.ID, obj.IndividualID = relay.ID(relay.TypeCase, c.ID), &c.IndividualID
	}
	if err := w.Allow(ctx, authz.Create, obj); err != nil {
		return task.Task{}, err
	}
	to, err := s.route(ctx, w, in, c)
	if err != nil {
		return task.Task{}, err
	}
	if c != nil {
		if err := s.requireSamtycke(ctx, w, purpose, in.Classes, *c, &to); err != nil {
			return task.Task{}, err
		}
	}
	if to.DueOn, err = dueOn(ctx, w, in, c); err != nil {
		return task.Task{}, err
	}
	if in.Kind == task.FragaMedicinsktUnderlag && strings.TrimSpace(in.Body) == "" {
		in.Body = task.MedicinsktUnderlagQuestions
	}
	var about *task.About
	if c != nil {
		about = &task.About{CaseID: c.ID, IndividualID: c.IndividualID, OrgID: c.OrgID}
	}
	id, err := task.Send(ctx, w.Tx(), author(w), purpose, about, in, to)
	if err != nil {
		return task.Task{}, err
	}
	if err := timers.ScheduleEscalation(ctx, w, id, p.OrgID, 0, to.DueOn); err != nil {
		return task.Task{}, err
	}
	t, err := s.visible(ctx, w, id)
	if err != nil {
		return task.Task{}, err
	}
	w.Touch(relay.ID(relay.TypeTask, t.ID))
	if c != nil {
		consentID := to.ConsentID
		if consentID == nil {
			consentID = c.ConsentID
		}
		w.Accessed(audit.Access{IndividualID: c.IndividualID, OwnerOrgID: c.OrgID, ObjectID: relay.ID(relay.TypeTask, t.ID),
			ConsentID: consentID, Write: true})
	}
	return t, nil
}

// route asks en väg in where the task goes: the topic (the sender's, or
// the kind's), in the case's municipality (a kommun serves one) or the
// KONSULTATION's, and the first function of another organisation.
func (s *Service) route(ctx context.Context, w *app.Work, in task.NewTask, c *cases.Case) (task.Routed, error) {
	topic := task.DefaultTopics[in.Kind]
	if in.Topic != nil {
		topic = *in.Topic
	}
	var municipality string
	if c != nil {
		ms, err := tenancy.MunicipalitiesByOrganization(ctx, w.Tx(), []uuid.UUID{c.OrgID})
		if err != nil {
			return task.Routed{}, err
		}
		if len(ms[c.OrgID]) != 1 {
			return task.Routed{}, fmt.Errorf("the case's organisation %s serves %d municipalities, not one", c.OrgID, len(ms[c.OrgID]))
		}
		municipality = ms[c.OrgID][0].Code
	} else {
		municipality = *in.MunicipalityCode
	}
	n := waysAsked
	ways, err := s.directory.WaysIn(ctx, w, vagin.WaysInRequest{Topic: topic, MunicipalityCode: municipality,
		OrganizationKind: in.OrganizationKind, First: &n})
	if err != nil {
		return task.Routed{}, err
	}
	sender := w.Principal().OrgID
	i := slices.IndexFunc(ways, func(way directory.WayIn) bool { return way.OrgID != sender })
	if i < 0 {
		return task.Routed{}, apperr.Invalidf("the task cannot be sent: en väg in has no function of another organisation for %s in municipality %s; ask your förbund to add one", topic, municipality)
	}
	way := ways[i]
	return task.Routed{Topic: string(topic), MunicipalityCode: municipality, EntryID: way.ID, OrgID: way.OrgID, UnitID: way.UnitID}, nil
}

// requireSamtycke finds the samtycke in force that shares the task's
// content with where it is routed, or refuses the task naming what is
// missing.
func (s *Service) requireSamtycke(ctx context.Context, w *app.Work, purpose consent.Purpose, classes []consent.Class, c cases.Case, to *task.Routed) error {
	needed := classes
	if to.OrgID == c.OrgID { // the person's municipality sees its own classes
		needed = slices.DeleteFunc(slices.Clone(classes), func(cl consent.Class) bool { return cl.Source() == tenancy.Kommun })
	}
	if len(needed) == 0 {
		return nil
	}
	id, err := task.SamtyckeFor(ctx, w.Tx(), c.IndividualID, to.OrgID, to.UnitID, purpose, needed)
	if err != nil {
		return err
	}
	if id != nil {
		to.ConsentID = id
		return nil
	}
	name, err := recipientName(ctx, w, to.OrgID, to.UnitID)
	if err != nil {
		return err
	}
	names := make([]string, len(needed))
	for i, cl := range needed {
		names[i] = string(cl)
	}
	msg := fmt.Sprintf("the task cannot be sent: no samtycke in force shares the person and %s with %s for %s",
		strings.Join(names, ", "), name, purpose)
	w.Deny(msg, relay.ID(relay.TypeCase, c.ID))
	return apperr.New(apperr.Forbidden, msg)
}

// recipientName names an organisation, and its unit, for messages.
func recipientName(ctx context.Context, w *app.Work, orgID uuid.UUID, unitID *uuid.UUID) (string, error) {
	orgs, err := tenancy.OrganizationsByID(ctx, w.Tx(), []uuid.UUID{orgID})
	if err != nil {
		return "", err
	}
	name := orgs[orgID].Name
	if unitID != nil {
		units, err := tenancy.UnitsByID(ctx, w.Tx(), []uuid.UUID{*unitID})
		if err != nil {
			return "", err
		}
		name += " (" + units[*unitID].Name + ")"
	}
	return name, nil
}

// dueOn is the task's due date: the sender's, or the working days the
// case's routine gives the kind (the hub's default when it names none).
func dueOn(ctx context.Context, w *app.Work, in task.NewTask, c *cases.Case) (time.Time, error) {
	if in.DueOn != nil {
		return *in.DueOn, nil
	}
	today, err := w.Today(ctx)
	if err != nil {
		return time.Time{}, err
	}
	days := task.DefaultDueDays[in.Kind]
	if c != nil {
		rs, err := routine.ByID(ctx, w.Tx(), []uuid.UUID{c.RoutineID})
		if err != nil {
			return time.Time{}, err
		}
		days = rs[c.RoutineID].Definition.DueDays(string(in.Kind), days)
	}
	return task.AddWorkingDays(today, days), nil
}

// Update changes a task the actor's organisation is a party to: a change
// of state the task's state machine gives the actor's side (the recipient
// receives, accepts or rejects with a reason, starts and completes; the
// sender cancels), and the recipient's staff take it or give it to a
// colleague. A task the actor may not see is NOT_FOUND.
func (s *Service) Update(ctx context.Context, w *app.Work, id uuid.UUID, ch task.Change) (task.Task, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return task.Task{}, err
	}
	t, err := s.visible(ctx, w, id)
	if err != nil {
		return task.Task{}, err
	}
	p := w.Principal()
	side, ok := t.SideOf(p.OrgID)
	if !ok {
		return task.Task{}, apperr.NotFoundf("no such task")
	}
	gid := relay.ID(relay.TypeTask, t.ID)
	if err := w.Allow(ctx, authz.Update, authz.Object{Kind: authz.Task, OwnerOrgID: p.OrgID, ID: gid}); err != nil {
		return task.Task{}, err
	}
	today, err := w.Today(ctx)
	if err != nil {
		return task.Task{}, err
	}
	if bad := ch.Problems(t, side, today); len(bad) > 0 {
		return task.Task{}, apperr.Invalidf("the task cannot change: %s", strings.Join(bad, "; "))
	}
	by := author(w)
	state := t.State
	if ch.State != nil {
		if err := task.ChangeState(ctx, w.Tx(), by, t, *ch.State, ch.Reason); err != nil {
			return task.Task{}, err
		}
		state = *ch.State
	}
	if ch.AssignToMe {
		ch.Assignee = &task.Assignee{UserID: p.UserID, Name: p.DisplayName}
	}
	if ch.Assignee != nil {
		if err := task.Assign(ctx, w.Tx(), by, t.ID, state, *ch.Assignee); err != nil {
			return task.Task{}, err
		}
	}
	changed, err := s.visible(ctx, w, id)
	if err != nil {
		return task.Task{}, err
	}
	noteTask(w, changed, true)
	return changed, nil
}

// visible loads one task the actor's organisation is a party to;
// NOT_FOUND otherwise, exactly as if it did not exist.
func (s *Service) visible(ctx context.Context, w *app.Work, id uuid.UUID) (task.Task, error) {
	found, err := task.ByID(ctx, w.Tx(), w.Scope(authz.Read, authz.Task), []uuid.UUID{id})
	if err != nil {
		return task.Task{}, err
	}
	t, ok := found[id]
	if !ok {
		return task.Task{}, apperr.NotFoundf("no such task")
	}
	return t, nil
}

// ByID loads the tasks among ids the actor's organisation is a party to
// (their content under the rule), noting each read.
func (s *Service) ByID(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]task.Task, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return nil, err
	}
	scope := w.Scope(authz.Read, authz.Task)
	if !scope.Own {
		return map[uuid.UUID]task.Task{}, nil // nothing is the actor's to see
	}
	found, err := task.ByID(ctx, w.Tx(), scope, ids)
	if err != nil {
		return nil, err
	}
	for _, t := range found {
		noteTask(w, t, false)
	}
	return found, nil
}

// List is a page of the actor's inbox (its unit's queue) or of what its
// organisation sent, filtered in SQL.
func (s *Service) List(ctx context.Context, w *app.Work, f task.Filter, pr page.Request) (page.Result[task.Task], error) {
	if _, err := w.RequirePurpose(); err != nil {
		return page.Result[task.Task]{}, err
	}
	scope, err := w.ReadScope(authz.Task)
	if err != nil {
		return page.Result[task.Task]{}, err
	}
	if !scope.Own {
		return page.Result[task.Task]{}, apperr.New(apperr.Forbidden, "your roles do not allow read on task")
	}
	res, err := task.List(ctx, w.Tx(), scope, f, pr)
	if err != nil {
		return res, err
	}
	w.Touch() // reading an inbox is audited, even an empty one
	for _, t := range res.Items {
		noteTask(w, t, false)
	}
	return res, nil
}

// Count counts the tasks of the filter, up to page.MaxCount.
func (s *Service) Count(ctx context.Context, w *app.Work, f task.Filter) (int, error) {
	scope, err := w.ReadScope(authz.Task)
	if err != nil {
		return 0, err
	}
	return task.Count(ctx, w.Tx(), scope, f)
}

// Events lists, per task, the history of the tasks the actor's
// organisation is a party to.
func (s *Service) Events(ctx context.Context, w *app.Work, taskIDs []uuid.UUID) (map[uuid.UUID][]task.Event, error) {
	return task.Events(ctx, w.Tx(), w.Scope(authz.Read, authz.Task), taskIDs)
}

// noteTask notes a task read or written: always for the audit record,
// and as a row of the person's loggutdrag when the reader saw any of its
// personal content, or changed a task about the person (even one whose
// content it no longer sees: a rejection's reason written then is about
// the person all the same). The row names the samtycke that allowed what
// the reader saw of the other party's, if any.
func noteTask(w *app.Work, t task.Task, write bool) {
	gid := relay.ID(relay.TypeTask, t.ID)
	if t.Personal() && t.LogIndividualID != nil && t.LogCaseOrgID != nil && (write || t.ShowsPersonalData()) {
		w.Accessed(audit.Access{IndividualID: *t.LogIndividualID, OwnerOrgID: *t.LogCaseOrgID, ObjectID: gid, ConsentID: t.ConsentID, Write: write})
		return
	}
	w.Touch(gid)
}

// author is the actor as who acts on a task.
func author(w *app.Work) task.Author {
	p := w.Principal()
	return task.Author{OrgID: p.OrgID, UnitID: p.UnitID, UserID: p.UserID}
}
