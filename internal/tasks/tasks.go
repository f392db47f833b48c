// Package tasks keeps the tasks between agencies: a request from one
// organisation to another about a case (a signal about sick leave, an
// application for samordnad rehabilitering, a question for the medical
// underlag, a kallelse to SIP, …), or a de-identified KONSULTATION about
// no one. A task goes to a function's queue found through en väg in (a
// directory entry: its organisation and unit), never to a named person;
// its staff receive, accept or reject it, one of them takes it, and it is
// done or withdrawn. Every change is in its history.
//
// Who may see what: the task's row is the sender organisation's and the
// recipient queue's (row-level security). Of its personal content each
// party sees the text it wrote itself; the other party's text (the
// sender's subject and body, the recipient's reason of a rejection, their
// notes of the history) and the case and person are the sharing rule's,
// which every read renders in SQL for the reader (queries.go, visibility):
// a revoked samtycke hides them on the next statement, and the rest of
// the task stays.
package tasks

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Kind is what a task asks for.
type Kind string

// The task kinds (DESIGN.md §5).
const (
	// SignalSjukskrivning: the vårdcentral tells ekonomiskt bistånd that a
	// patient on försörjningsstöd asked for sick leave.
	SignalSjukskrivning Kind = "SIGNAL_SJUKSKRIVNING"
	// AnsokanSamordnadRehabilitering: ekonomiskt bistånd applies to FK for
	// samordning av rehabilitering (form 7434).
	AnsokanSamordnadRehabilitering Kind = "ANSOKAN_SAMORDNAD_REHABILITERING"
	// FragaMedicinsktUnderlag: ekonomiskt bistånd asks the vårdcentral
	// about the person's capacity, after the sources' question templates;
	// it never asks for a läkarintyg by default.
	FragaMedicinsktUnderlag Kind = "FRAGA_MEDICINSKT_UNDERLAG"
	// BegaranGemensamKartlaggning asks FK and AF (or one of them) for a
	// joint kartläggning: see JointParties.
	BegaranGemensamKartlaggning Kind = "BEGARAN_GEMENSAM_KARTLAGGNING"
	// KallelseSIP invites a party to a SIP meeting.
	KallelseSIP Kind = "KALLELSE_SIP"
	// AFInskrivning asks Arbetsförmedlingen to register the person.
	AFInskrivning Kind = "AF_INSKRIVNING"
	// Konsultation is a de-identified question about a case (Landskrona's
	// case reviews with AF every other week): no person, no samtycke.
	Konsultation Kind = "KONSULTATION"
	// Paminnelse is a reminder from the hub's timers to a case's lead
	// unit (the end of a wait, no joint planning yet, AF's deregistration
	// warning, the yearly review): written by a job for the case's owner,
	// never sent through createTask (docs/timers.md).
	Paminnelse Kind = "PAMINNELSE"
)

// Kinds lists every kind a party sends (Paminnelse is the timers').
var Kinds = []Kind{SignalSjukskrivning, AnsokanSamordnadRehabilitering, FragaMedicinsktUnderlag,
	BegaranGemensamKartlaggning, KallelseSIP, AFInskrivning, Konsultation}

// DefaultTopics is the topic a kind asks en väg in about when the sender
// names none. A KONSULTATION names its own.
var DefaultTopics = map[Kind]directory.Topic{
	SignalSjukskrivning:            "EKONOMISKT_BISTAND",
	AnsokanSamordnadRehabilitering: "SAMORDNAD_REHABILITERING",
	FragaMedicinsktUnderlag:        "MEDICINSKT_UNDERLAG",
	BegaranGemensamKartlaggning:    "GEMENSAM_KARTLAGGNING",
	KallelseSIP:                    "SIP",
	AFInskrivning:                  "AF_INSKRIVNING",
}

// jointKinds are the kinds a sender may address to several parties at
// once, by naming no organisation kind, and the parties they go to, in
// order: the first is the group's first task.
var jointKinds = map[Kind][]tenancy.OrganizationKind{
	BegaranGemensamKartlaggning: {tenancy.FK, tenancy.AF},
}

// JointParties is the organisation kinds a task goes to together, one
// task each, when it is a joint request: a BEGARAN_GEMENSAM_KARTLAGGNING
// that names no organisation kind goes to FK and AF, save the sender's
// own kind (FK's request goes to AF alone). Nil when the sender named an
// organisation kind, or the kind goes to one recipient as en väg in
// routes it. One party is a task of its own, not a joint request.
func (in NewTask) JointParties(sender tenancy.OrganizationKind) []tenancy.OrganizationKind {
	if in.OrganizationKind != nil {
		return nil
	}
	var parties []tenancy.OrganizationKind
	for _, k := range jointKinds[in.Kind] {
		if k != sender {
			parties = append(parties, k)
		}
	}
	return parties
}

// DefaultDueDays is how many working days a kind gives the recipient when
// the förbund's routine says nothing (routine.Definition.TaskDueDays).
var DefaultDueDays = map[Kind]int{
	SignalSjukskrivning:            5,
	AnsokanSamordnadRehabilitering: 10,
	FragaMedicinsktUnderlag:        10,
	BegaranGemensamKartlaggning:    10,
	KallelseSIP:                    10,
	AFInskrivning:                  10,
	Konsultation:                   10,
}

// MedicinsktUnderlagQuestions is the body of a FRAGA_MEDICINSKT_UNDERLAG
// whose sender writes none: the sources' questions about function and
// activity, not a request for a läkarintyg.
const MedicinsktUnderlagQuestions = "Vi ber om ert underlag för den gemensamma planeringen (inget läkarintyg efterfrågas):\n" +
	"1. Vilka funktionsnedsättningar och aktivitetsbegränsningar har personen?\n" +
	"2. Vilken behandling eller rehabilitering pågår eller planeras, och hur länge?\n" +
	"3. Vilka aktiviteter (arbete, studier, arbetsträning) bedömer ni som möjliga nu, och i vilken omfattning?"

// State is where a task is.
type State string

// The task states.
const (
	Skickad    State = "SKICKAD"
	Mottagen   State = "MOTTAGEN"
	Accepterad State = "ACCEPTERAD"
	Avvisad    State = "AVVISAD"
	Pagaende   State = "PAGAENDE"
	Klar       State = "KLAR"
	Avbruten   State = "AVBRUTEN"
)

// States lists every state, in the order a task goes through them.
var States = []State{Skickad, Mottagen, Accepterad, Avvisad, Pagaende, Klar, Avbruten}

// Final reports whether no change leaves s.
func (s State) Final() bool { return s == Avvisad || s == Klar || s == Avbruten }

// Side is how the actor stands to a task.
type Side string

// The sides.
const (
	Sender    Side = "the sender"
	Recipient Side = "the recipient"
)

// step is a change of state and the side that may take it.
type step struct {
	from []State
	to   State
	by   Side
}

// machine is the tasks' state machine: the recipient receives, accepts or
// rejects, starts and completes; the sender cancels while it is open.
var machine = []step{
	{[]State{Skickad}, Mottagen, Recipient},
	{[]State{Mottagen}, Accepterad, Recipient},
	{[]State{Mottagen}, Avvisad, Recipient},
	{[]State{Accepterad}, Pagaende, Recipient},
	{[]State{Pagaende}, Klar, Recipient},
	{[]State{Skickad, Mottagen, Accepterad, Pagaende}, Avbruten, Sender},
}

// Decide checks that side may move a task from one state to another; the
// refusal names the changes there are from the state, and who takes each.
func Decide(from, to State, side Side) error {
	var allowed []string
	for _, s := range machine {
		if !slices.Contains(s.from, from) {
			continue
		}
		if s.to == to && s.by == side {
			return nil
		}
		allowed = append(allowed, fmt.Sprintf("%s (%s)", s.to, s.by))
	}
	if len(allowed) == 0 {
		return fmt.Errorf("the task is %s, which is final: nothing changes it", from)
	}
	return fmt.Errorf("the task cannot go from %s to %s as %s: from %s it goes to %s", from, to, side, from, strings.Join(allowed, ", "))
}

// EventKind is what a step of a task's history records.
type EventKind string

// The event kinds.
const (
	EventCreated   EventKind = "CREATED"
	EventState     EventKind = "STATE"
	EventAssigned  EventKind = "ASSIGNED"
	EventEscalated EventKind = "ESCALATED"
)

// Task is a task as its reader may see it.
type Task struct {
	ID      uuid.UUID       `db:"id"`
	Kind    Kind            `db:"kind"`
	State   State           `db:"state"`
	Purpose consent.Purpose `db:"purpose"`
	Classes []consent.Class `db:"classes"`
	// ContentVisible: the reader may see the sender's text, subject and
	// body (the sender, or a recipient the samtycke shares it with); when
	// false they are nil. The case and person (CaseID, IndividualID,
	// CaseOrgID) and the recipient's RejectReason are nil unless the reader
	// may see them too (docs/tasks.md, "Who sees what").
	ContentVisible bool       `db:"content_visible"`
	CaseID         *uuid.UUID `db:"case_id"`
	IndividualID   *uuid.UUID `db:"individual_id"`
	CaseOrgID      *uuid.UUID `db:"case_org_id"` // the person's municipality
	// LogIndividualID and LogCaseOrgID are the person and its
	// municipality whatever the reader may see (nil for a KONSULTATION):
	// only for the loggutdrag row of a read or write, never to be shown.
	LogIndividualID  *uuid.UUID `db:"log_individual_id"`
	LogCaseOrgID     *uuid.UUID `db:"log_case_org_id"`
	SenderOrgID      uuid.UUID  `db:"sender_org_id"`
	SenderUnitID     *uuid.UUID `db:"sender_unit_id"`
	SenderUserID     string     `db:"sender_user_id"`
	Topic            string     `db:"topic"`
	MunicipalityCode string     `db:"municipality_code"`
	RoutedEntryID    *uuid.UUID `db:"routed_entry_id"` // nil for a PAMINNELSE
	RecipientOrgID   uuid.UUID  `db:"recipient_org_id"`
	RecipientUnitID  *uuid.UUID `db:"recipient_unit_id"`
	AssigneeUserID   *string    `db:"assignee_user_id"`
	AssigneeName     *string    `db:"assignee_name"`
	Subject          *string    `db:"subject"`
	Body             *string    `db:"body"`
	DueOn            time.Time  `db:"due_on"`
	EscalationLevel  int        `db:"escalation_level"`
	RejectReason     *string    `db:"reject_reason"`
	CreatedAt        time.Time  `db:"created_at"`
	UpdatedAt        time.Time  `db:"updated_at"`
	// ConsentID is the samtycke that let the reader see what it sees of
	// the other party's (nil: it sees only its own, or nothing).
	ConsentID *uuid.UUID `db:"consent_id"`
	// JointID is the first task of the tasks sent together with this one
	// in one request (a joint request; the first names itself), nil for a
	// task sent alone. Only for finding the others the reader may see.
	JointID *uuid.UUID `db:"joint_id"`
}

// ShowsPersonalData reports whether the reader sees any of the task's
// personal content: a read of the person's data, for the loggutdrag.
func (t Task) ShowsPersonalData() bool {
	return t.Personal() && (t.ContentVisible || t.CaseID != nil || t.RejectReason != nil)
}

// Personal reports whether the task is about a person (not a KONSULTATION).
func (t Task) Personal() bool { return t.Kind != Konsultation }

// Withdrawn reports whether the task is about a person whose samtycke no
// longer shares the sender's content with the reader (never the sender's
// own): it is hidden, the rest stays.
func (t Task) Withdrawn() bool { return t.Personal() && !t.ContentVisible }

// SideOf is how the organisation stands to the task (a task is never
// sent to the sender's own organisation, but for a reminder, which its
// recipient works).
func (t Task) SideOf(orgID uuid.UUID) (Side, bool) {
	if t.Kind == Paminnelse && orgID == t.RecipientOrgID {
		return Recipient, true
	}
	switch orgID {
	case t.SenderOrgID:
		return Sender, true
	case t.RecipientOrgID:
		return Recipient, true
	}
	return "", false
}

// Overdue reports whether the task is open past its due date on day.
func (t Task) Overdue(day time.Time) bool { return !t.State.Final() && day.After(t.DueOn) }

// Event is a step of a task's history.
type Event struct {
	ID            uuid.UUID  `db:"id"`
	TaskID        uuid.UUID  `db:"task_id"`
	At            time.Time  `db:"at"`
	ActorOrgID    uuid.UUID  `db:"actor_org_id"`
	ActorUnitID   *uuid.UUID `db:"actor_unit_id"`
	ActorUserID   string     `db:"actor_user_id"`
	Kind          EventKind  `db:"kind"`
	From          *State     `db:"from_state"`
	To            State      `db:"to_state"`
	Note          *string    `db:"note"` // nil when the reader may not see what the step's party wrote
	RoutedEntryID *uuid.UUID `db:"routed_entry_id"`
}

// Limits.
const (
	MaxSubjectLen = 200
	MaxBodyLen    = 4000
	MaxReasonLen  = 2000
	maxNameLen    = 200
	// MaxDueDays bounds a due date's distance from today.
	MaxDueDays = 366
	// MaxJointTasks is the most tasks one joint request sends (FK and AF).
	MaxJointTasks = 2
)

// NewTask is a task to send. Its fields are in the order of the GraphQL
// input (CreateTaskInput), which is the order problems are reported in.
type NewTask struct {
	Kind             Kind
	CaseID           *uuid.UUID
	Topic            *directory.Topic
	OrganizationKind *tenancy.OrganizationKind // only ways in of this kind of organisation
	MunicipalityCode *string                   // a KONSULTATION's; a case's task goes to the case's
	Classes          []consent.Class
	Subject          string
	Body             string
	DueOn            *time.Time
}

// Problems checks the task on its own, without the database, and names
// every problem, each after its field, in field order: the same message
// every time for the same input. sender is the sending organisation's
// kind (a party sends its own information classes only).
func (in NewTask) Problems(sender tenancy.OrganizationKind, today time.Time) []string {
	var bad []string
	known := slices.Contains(Kinds, in.Kind)
	if in.Kind == Paminnelse {
		bad = append(bad, "kind: a PAMINNELSE is written by the hub's timers, not sent")
	} else if !known {
		bad = append(bad, fmt.Sprintf("kind: unknown task kind %q", in.Kind))
	}
	konsultation := in.Kind == Konsultation
	switch {
	case konsultation && in.CaseID != nil:
		bad = append(bad, "caseId: a KONSULTATION is de-identified: it names no case or person")
	case known && !konsultation && in.CaseID == nil:
		bad = append(bad, fmt.Sprintf("caseId: a %s is about a case: name it", in.Kind))
	}
	switch {
	case in.Topic != nil && !slices.Contains(directory.Topics, *in.Topic):
		bad = append(bad, fmt.Sprintf("topic: unknown topic %q", *in.Topic))
	case in.Topic == nil && konsultation:
		bad = append(bad, "topic: name the topic a KONSULTATION asks en väg in about")
	}
	if in.OrganizationKind != nil && !slices.Contains(tenancy.OrganizationKinds, *in.OrganizationKind) {
		bad = append(bad, fmt.Sprintf("organizationKind: unknown organisation kind %q", *in.OrganizationKind))
	}
	switch {
	case konsultation && in.MunicipalityCode == nil:
		bad = append(bad, "municipalityCode: name the municipality a KONSULTATION concerns")
	case !konsultation && in.MunicipalityCode != nil:
		bad = append(bad, "municipalityCode: a task about a case goes to the case's municipality: leave it out")
	case in.MunicipalityCode != nil:
		if err := tenancy.ValidateKommunkod(*in.MunicipalityCode); err != nil {
			bad = append(bad, "municipalityCode: "+err.Error())
		}
	}
	bad = append(bad, in.classProblems(sender)...)
	subject := strings.TrimSpace(in.Subject)
	if subject == "" || len([]rune(subject)) > MaxSubjectLen {
		bad = append(bad, fmt.Sprintf("subject: give a subject of 1 to %d characters", MaxSubjectLen))
	} else if konsultation && personnummer.Contains(subject, today) {
		bad = append(bad, "subject: a KONSULTATION is de-identified: remove the personnummer")
	}
	if len([]rune(in.Body)) > MaxBodyLen {
		bad = append(bad, fmt.Sprintf("body: at most %d characters", MaxBodyLen))
	} else if konsultation && personnummer.Contains(in.Body, today) {
		bad = append(bad, "body: a KONSULTATION is de-identified: remove the personnummer")
	}
	if in.DueOn != nil {
		if in.DueOn.Before(today) {
			bad = append(bad, "dueOn: the due date has passed")
		} else if in.DueOn.After(today.AddDate(0, 0, MaxDueDays)) {
			bad = append(bad, fmt.Sprintf("dueOn: at most %d days ahead", MaxDueDays))
		}
	}
	return bad
}

func (in NewTask) classProblems(sender tenancy.OrganizationKind) []string {
	var bad []string
	if in.Kind == Konsultation {
		if len(in.Classes) > 0 {
			bad = append(bad, "classes: a KONSULTATION is de-identified: it carries no information classes")
		}
		return bad
	}
	if len(in.Classes) == 0 && slices.Contains(Kinds, in.Kind) {
		bad = append(bad, fmt.Sprintf("classes: name the information classes the task carries (yours: %s)", consent.JoinClasses(consent.ClassesOf(sender))))
	}
	seen := map[consent.Class]bool{}
	for _, c := range in.Classes {
		switch {
		case !slices.Contains(consent.Classes, c):
			bad = append(bad, fmt.Sprintf("classes: unknown information class %q", c))
		case c.Source() != sender:
			bad = append(bad, fmt.Sprintf("classes: %s is not your organisation's information: send your own classes (%s)", c, consent.JoinClasses(consent.ClassesOf(sender))))
		case seen[c]:
			bad = append(bad, fmt.Sprintf("classes: %s is named twice", c))
		}
		seen[c] = true
	}
	return bad
}

// Change is a change of a task: a new state (with a reason when
// rejecting), an assignee, or both.
type Change struct {
	State  *State
	Reason string
	// AssignToMe assigns the task to the actor; Assignee to a colleague of
	// the recipient unit.
	AssignToMe bool
	Assignee   *Assignee
}

// Assignee is one of the recipient unit's staff who takes the task.
type Assignee struct {
	UserID string
	Name   string
}

// Problems checks a change on its own against the task as the actor sees
// it, field by field, in the order of UpdateTaskInput. today reads the
// century of a personnummer in a KONSULTATION's reason.
func (c Change) Problems(t Task, side Side, today time.Time) []string {
	var bad []string
	if c.State == nil && !c.AssignToMe && c.Assignee == nil {
		bad = append(bad, "state: name the new state, an assignee, or both")
	}
	if c.State != nil {
		if !slices.Contains(States, *c.State) {
			bad = append(bad, fmt.Sprintf("state: unknown task state %q", *c.State))
		} else if err := Decide(t.State, *c.State, side); err != nil {
			bad = append(bad, "state: "+err.Error())
		}
	}
	reason := strings.TrimSpace(c.Reason)
	rejecting := c.State != nil && *c.State == Avvisad
	switch {
	case rejecting && (reason == "" || len([]rune(reason)) > MaxReasonLen):
		bad = append(bad, fmt.Sprintf("reason: say why the task is rejected, in 1 to %d characters", MaxReasonLen))
	case !rejecting && reason != "":
		bad = append(bad, "reason: only a rejection (AVVISAD) takes a reason")
	case t.Kind == Konsultation && personnummer.Contains(reason, today):
		bad = append(bad, "reason: a KONSULTATION is de-identified: remove the personnummer")
	}
	if c.AssignToMe && c.Assignee != nil {
		bad = append(bad, "assignee: assign the task to yourself or to a colleague, not both")
	}
	if c.AssignToMe || c.Assignee != nil {
		switch {
		case side != Recipient:
			bad = append(bad, "assignee: only the recipient unit's staff take a task")
		case t.State.Final() && c.State == nil:
			bad = append(bad, fmt.Sprintf("assignee: the task is %s, which is final", t.State))
		}
	}
	if a := c.Assignee; a != nil {
		if u := strings.TrimSpace(a.UserID); u == "" || len([]rune(u)) > maxNameLen {
			bad = append(bad, fmt.Sprintf("assignee.userId: 1 to %d characters", maxNameLen))
		}
		if n := strings.TrimSpace(a.Name); n == "" || len([]rune(n)) > maxNameLen {
			bad = append(bad, fmt.Sprintf("assignee.name: 1 to %d characters", maxNameLen))
		}
	}
	return bad
}

// AddWorkingDays is the day n working days (Monday to Friday) after day.
// Public holidays are not counted out: a due date on the day after one is
// a day early, never late.
func AddWorkingDays(day time.Time, n int) time.Time {
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return day
}
