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
// municipality needs that only for the classes that are not its own).
// Each task's escalation is scheduled for the moment it falls overdue.
//
// A joint request (task.NewTask.JointParties: a
// BEGARAN_GEMENSAM_KARTLAGGNING naming no organisation kind) is one task
// per party, each routed and checked as above restricted to its party's
// kind, all written or none: a party that cannot be routed to, or that no
// samtycke shares the task with, refuses the whole request, naming the
// party. Create returns the first party's task (FK's); the others are its
// jointWith.
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
		got, err := w.VisibleCase(ctx, *in.CaseID)
		if err != nil {
			return task.Task{}, err
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
	sends := plan(in, p.OrgKind)
	if err := s.address(ctx, w, purpose, sends, c); err != nil {
		return task.Task{}, err
	}
	due, err := dueOn(ctx, w, in, c)
	if err != nil {
		return task.Task{}, err
	}
	if in.Kind == task.FragaMedicinsktUnderlag && strings.TrimSpace(in.Body) == "" {
		in.Body = task.MedicinsktUnderlagQuestions
	}
	var about *task.About
	if c != nil {
		about = &task.About{CaseID: c.ID, IndividualID: c.IndividualID, OrgID: c.OrgID}
	}
	tos := make([]task.Routed, len(sends))
	for i := range sends {
		tos[i] = sends[i].to
		tos[i].DueOn = due
	}
	var ids []uuid.UUID
	if len(sends) == 1 {
		id, err := task.Send(ctx, w.Tx(), author(w), purpose, about, in, tos[0])
		if err != nil {
			return task.Task{}, err
		}
		ids = []uuid.UUID{id}
	} else if ids, err = task.SendJoint(ctx, w.Tx(), author(w), purpose, about, in, tos); err != nil {
		return task.Task{}, err
	}
	found, err := task.ByID(ctx, w.Tx(), w.Scope(authz.Read, authz.Task), ids)
	if err != nil {
		return task.Task{}, err
	}
	for i, id := range ids {
		t, ok := found[id]
		if !ok {
			return task.Task{}, apperr.NotFoundf("no such task")
		}
		if err := timers.ScheduleEscalation(ctx, w, id, p.OrgID, 0, tos[i].DueOn); err != nil {
			return task.Task{}, err
		}
		w.Touch(relay.ID(relay.TypeTask, t.ID))
		if c != nil {
			consentID := tos[i].ConsentID
			if consentID == nil {
				consentID = c.ConsentID
			}
			w.Accessed(audit.Access{IndividualID: c.IndividualID, OwnerOrgID: c.OrgID, ObjectID: relay.ID(relay.TypeTask, t.ID),
				ConsentID: consentID, Write: true})
		}
	}
	return found[ids[0]], nil
}

// send is one task of a request: to one party (a joint request's; ""
// when the request goes to one recipient), routed to.
type send struct {
	party tenancy.OrganizationKind
	in    task.NewTask
	to    task.Routed
}

// plan is the tasks a request sends: one per party of a joint request,
// each routed only to its party's kind; else the one task, as asked (a
// joint kind that leaves one party goes to that party).
func plan(in task.NewTask, sender tenancy.OrganizationKind) []send {
	parties := in.JointParties(sender)
	if len(parties) == 1 {
		in.OrganizationKind = &parties[0]
	}
	if len(parties) < 2 {
		return []send{{in: in}}
	}
	sends := make([]send, len(parties))
	for i, k := range parties {
		one := in
		one.OrganizationKind = &parties[i]
		sends[i] = send{party: k, in: one}
	}
	return sends
}

// address routes each task of a request (sends[i].to) and, for a task
// about a case, finds the samtycke that shares it with its recipient. Any
// party refused refuses the request, naming every party refused: first
// those en väg in cannot route to (BAD_USER_INPUT), then those no
// samtycke shares the task with (FORBIDDEN, noted as a denial).
func (s *Service) address(ctx context.Context, w *app.Work, purpose consent.Purpose, sends []send, c *cases.Case) error {
	var refused []refusal
	for i := range sends {
		to, why, err := s.route(ctx, w, sends[i].in, c)
		if err != nil {
			return err
		}
		if why != "" {
			refused = append(refused, refusal{party: sends[i].party, why: why})
		}
		sends[i].to = to
	}
	if len(refused) > 0 {
		return apperr.New(apperr.Invalid, refusedMessage(sends, refused))
	}
	if c == nil {
		return nil
	}
	for i := range sends {
		why, err := s.requireSamtycke(ctx, w, purpose, sends[i].in.Classes, *c, &sends[i].to)
		if err != nil {
			return err
		}
		if why != "" {
			refused = append(refused, refusal{party: sends[i].party, why: why})
		}
	}
	if len(refused) > 0 {
		msg := refusedMessage(sends, refused)
		w.Deny(msg, relay.ID(relay.TypeCase, c.ID))
		return apperr.New(apperr.Forbidden, msg)
	}
	return nil
}

// refusal is why a request cannot be sent to one of its parties.
type refusal struct {
	party tenancy.OrganizationKind // "" for a request to one recipient
	why   string
}

// refusedMessage says why a request cannot be sent: a single task's one
// reason, or for a joint request each party refused with its reason, and
// that nothing was sent to any.
func refusedMessage(sends []send, refused []refusal) string {
	if len(sends) == 1 {
		return "the task cannot be sent: " + refused[0].why
	}
	reasons := make([]string, len(refused))
	for i, r := range refused {
		reasons[i] = fmt.Sprintf("to %s: %s", r.party, r.why)
	}
	parties := make([]string, len(sends))
	for i, s := range sends {
		parties[i] = string(s.party)
	}
	return fmt.Sprintf("the task cannot be sent %s (a joint request goes to %s together or not at all: nothing was sent)",
		strings.Join(reasons, "; "), strings.Join(parties, " and "))
}

// route asks en väg in where the task goes: the topic (the sender's, or
// the kind's), in the case's municipality (a kommun serves one) or the
// KONSULTATION's, and the first function of another organisation. why
// says why it cannot go anywhere, if so.
func (s *Service) route(ctx context.Context, w *app.Work, in task.NewTask, c *cases.Case) (to task.Routed, why string, err error) {
	topic := task.DefaultTopics[in.Kind]
	if in.Topic != nil {
		topic = *in.Topic
	}
	var municipality string
	if c != nil {
		ms, err := tenancy.MunicipalitiesByOrganization(ctx, w.Tx(), []uuid.UUID{c.OrgID})
		if err != nil {
			return task.Routed{}, "", err
		}
		if len(ms[c.OrgID]) != 1 {
			return task.Routed{}, "", fmt.Errorf("the case's organisation %s serves %d municipalities, not one", c.OrgID, len(ms[c.OrgID]))
		}
		municipality = ms[c.OrgID][0].Code
	} else {
		municipality = *in.MunicipalityCode
	}
	n := waysAsked
	ways, err := s.directory.WaysIn(ctx, w, vagin.WaysInRequest{Topic: topic, MunicipalityCode: municipality,
		OrganizationKind: in.OrganizationKind, First: &n})
	if err != nil {
		return task.Routed{}, "", err
	}
	sender := w.Principal().OrgID
	i := slices.IndexFunc(ways, func(way directory.WayIn) bool { return way.OrgID != sender })
	if i < 0 {
		return task.Routed{}, fmt.Sprintf("en väg in has no function of another organisation for %s in municipality %s; ask your förbund to add one", topic, municipality), nil
	}
	way := ways[i]
	return task.Routed{Topic: string(topic), MunicipalityCode: municipality, EntryID: way.ID, OrgID: way.OrgID, UnitID: way.UnitID}, "", nil
}

// requireSamtycke finds the samtycke in force that shares the task's
// content with where it is routed (to.ConsentID), or says what is missing
// (why).
func (s *Service) requireSamtycke(ctx context.Context, w *app.Work, purpose consent.Purpose, classes []consent.Class, c cases.Case, to *task.Routed) (why string, err error) {
	needed := classes
	if to.OrgID == c.OrgID { // the person's municipality sees its own classes
		needed = slices.DeleteFunc(slices.Clone(classes), func(cl consent.Class) bool { return cl.Source() == tenancy.Kommun })
	}
	if len(needed) == 0 {
		return "", nil
	}
	id, err := task.SamtyckeFor(ctx, w.Tx(), c.IndividualID, to.OrgID, to.UnitID, purpose, needed)
	if err != nil {
		return "", err
	}
	if id != nil {
		to.ConsentID = id
		return "", nil
	}
	name, err := recipientName(ctx, w, to.OrgID, to.UnitID)
	if err != nil {
		return "", err
	}
	names := make([]string, len(needed))
	for i, cl := range needed {
		names[i] = string(cl)
	}
	return fmt.Sprintf("no samtycke in force shares the person and %s with %s for %s", strings.Join(names, ", "), name, purpose), nil
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

// Joint lists, per group of tasks sent together (keyed by the id of its
// first task, task.Task.JointID), the group's tasks the actor's
// organisation is a party to, noting each read: the sender finds all of
// them, a recipient only its own (task.Joint).
func (s *Service) Joint(ctx context.Context, w *app.Work, jointIDs []uuid.UUID) (map[uuid.UUID][]task.Task, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return nil, err
	}
	scope := w.Scope(authz.Read, authz.Task)
	if !scope.Own {
		return map[uuid.UUID][]task.Task{}, nil // nothing is the actor's to see
	}
	found, err := task.Joint(ctx, w.Tx(), scope, jointIDs)
	if err != nil {
		return nil, err
	}
	for _, group := range found {
		for _, t := range group {
			noteTask(w, t, false)
		}
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
