package tasks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/platform/page"
)

// ByID loads the tasks among ids that are the reader's (sent by its
// organisation, or in its queue), their content masked by the rule.
func ByID(ctx context.Context, q db.Querier, scope consent.Scope, ids []uuid.UUID) (map[uuid.UUID]Task, error) {
	list, err := db.Collect[Task](ctx, q, byIDSQL(scope), ids)
	if err != nil {
		return nil, fmt.Errorf("load tasks: %w", err)
	}
	out := make(map[uuid.UUID]Task, len(list))
	for _, t := range list {
		out[t.ID] = t
	}
	return out, nil
}

// Joint lists, per group (joint_id: the id of its first task), the tasks
// of the groups jointIDs that are the reader's (sent by its organisation,
// or in its queue), their content masked by the rule, the first first.
// A recipient finds only its own task of a group: the others are no more
// the reader's than any task it is no party to.
func Joint(ctx context.Context, q db.Querier, scope consent.Scope, jointIDs []uuid.UUID) (map[uuid.UUID][]Task, error) {
	list, err := db.Collect[Task](ctx, q, jointSQL(scope), jointIDs)
	if err != nil {
		return nil, fmt.Errorf("load joint tasks: %w", err)
	}
	out := map[uuid.UUID][]Task{}
	for _, t := range list {
		if t.JointID != nil {
			out[*t.JointID] = append(out[*t.JointID], t)
		}
	}
	return out, nil
}

// Events lists, per task, the history of the reader's tasks among
// taskIDs, in the order it happened.
func Events(ctx context.Context, q db.Querier, scope consent.Scope, taskIDs []uuid.UUID) (map[uuid.UUID][]Event, error) {
	list, err := db.Collect[Event](ctx, q, eventsSQL(scope), taskIDs)
	if err != nil {
		return nil, fmt.Errorf("load task events: %w", err)
	}
	out := map[uuid.UUID][]Event{}
	for _, e := range list {
		out[e.TaskID] = append(out[e.TaskID], e)
	}
	return out, nil
}

// Box is a side of the reader's tasks.
type Box string

// The boxes.
const (
	Inbox Box = "INBOX" // the reader's queue: its unit's, or its organisation's
	Sent  Box = "SENT"  // what the reader's organisation sent
)

// Filter narrows List.
type Filter struct {
	Box   Box
	State *State
	Kind  *Kind
	// DueBefore keeps the open tasks due on a day before this one, and
	// lists them most overdue first (by due day, then id).
	DueBefore *time.Time
	// CaseID keeps the tasks about the case, among those whose case the
	// reader may see: a task whose case is hidden from it names no case.
	CaseID *uuid.UUID
}

func (f Filter) where(s consent.Scope, args []any) (string, []any) {
	var b strings.Builder
	// A state and a kind are compared as their codes (migration 031): enum
	// equality is not leakproof, so under row security an index could not
	// search by it. The code is an InitPlan, a constant of the statement.
	if f.State != nil {
		args = append(args, string(*f.State))
		fmt.Fprintf(&b, " AND t.state_code = (SELECT hub_task_state_code($%d::task_state))", len(args))
	}
	if f.Kind != nil {
		args = append(args, string(*f.Kind))
		fmt.Fprintf(&b, " AND t.kind_code = (SELECT hub_task_kind_code($%d::task_kind))", len(args))
	}
	if f.DueBefore != nil {
		args = append(args, *f.DueBefore)
		fmt.Fprintf(&b, " AND t.due_open < $%d::date", len(args))
	}
	if f.CaseID != nil {
		args = append(args, *f.CaseID)
		b.WriteString(" AND " + ofCaseSQL(s, len(args)))
	}
	return b.String(), args
}

// List returns a page of the reader's inbox or sent tasks, newest first
// (filtered by due day: the open tasks, most overdue first). The filter
// is part of the query, and so is the rule.
func List(ctx context.Context, q db.Querier, scope consent.Scope, f Filter, pr page.Request) (page.Result[Task], error) {
	sql, args, err := listTasksSQL(scope, f, pr)
	if err != nil {
		return page.Result[Task]{}, err
	}
	list, err := db.Collect[Task](ctx, q, sql, args...)
	if err != nil {
		return page.Result[Task]{}, fmt.Errorf("list tasks: %w", err)
	}
	return page.Trim(list, pr.First), nil
}

func listTasksSQL(scope consent.Scope, f Filter, pr page.Request) (string, []any, error) {
	where, args := f.where(scope, nil)
	if pr.After != nil {
		cond, err := f.after(*pr.After, len(args)+1)
		if err != nil {
			return "", nil, err
		}
		args = append(args, cond.sort, pr.After.ID)
		where += cond.sql
	}
	return listSQL(scope, f, where, readLimit(pr.First+1)), args, nil
}

type afterCond struct {
	sql  string
	sort any
}

// after is the condition of the rows after the cursor k in the filter's
// order, its sort value the parameter n and its id n+1. A row comparison
// ((a, b) < (x, y)) is not leakproof, so under row security an index could
// not seek to it; the comparisons column by column are, and say the same.
func (f Filter) after(k page.Key, n int) (afterCond, error) {
	if f.DueBefore != nil {
		day, err := time.Parse(time.DateOnly, k.Sort)
		if err != nil {
			return afterCond{}, apperr.Invalidf("the cursor is not one of this list's")
		}
		return afterCond{fmt.Sprintf(" AND t.due_open >= $%d::date AND (t.due_open > $%d::date OR t.id > $%d)", n, n, n+1), day}, nil
	}
	at, err := time.Parse(time.RFC3339Nano, k.Sort)
	if err != nil {
		return afterCond{}, apperr.Invalidf("the cursor is not one of this list's")
	}
	return afterCond{fmt.Sprintf(" AND t.created_at <= $%d AND (t.created_at < $%d OR t.id < $%d)", n, n, n+1), at}, nil
}

// readLimit is the smallest of a few statement sizes that reads n rows
// (so that few statements are prepared; see cases.List).
func readLimit(n int) int {
	for _, size := range []int{6, 11, 21, 51, 101} {
		if n <= size {
			return size
		}
	}
	return n
}

// Count counts the reader's tasks of the filter, up to page.MaxCount.
func Count(ctx context.Context, q db.Querier, scope consent.Scope, f Filter) (int, error) {
	where, args := f.where(scope, nil)
	var n int
	if err := q.QueryRow(ctx, countSQL(f, where), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count tasks: %w", err)
	}
	return n, nil
}

// KeyOf gives a task's place in the list of the filter f: its creation,
// or, filtered by due day, the day it is due.
func KeyOf(f Filter) func(Task) page.Key {
	if f.DueBefore != nil {
		return func(t Task) page.Key { return page.Key{Sort: t.DueOn.Format(time.DateOnly), ID: t.ID} }
	}
	return func(t Task) page.Key {
		return page.Key{Sort: t.CreatedAt.UTC().Format(time.RFC3339Nano), ID: t.ID}
	}
}

// Author is who acts on a task: a person of an organisation, perhaps in
// one of its units. The statements stamp the request's time (hub_now()).
type Author struct {
	OrgID  uuid.UUID
	UnitID *uuid.UUID
	UserID string
}

// SamtyckeFor is the samtycke in force that shares the person and every
// class in classes with the organisation (or its unit) for the purpose,
// or nil. It answers only about a person the reader may see (migration
// 023, hub_task_samtycke).
func SamtyckeFor(ctx context.Context, q db.Querier, individualID, orgID uuid.UUID, unitID *uuid.UUID, purpose consent.Purpose, classes []consent.Class) (*uuid.UUID, error) {
	names := make([]string, len(classes))
	for i, c := range classes {
		names[i] = string(c)
	}
	var id *uuid.UUID
	if err := q.QueryRow(ctx, qTaskSamtycke, individualID, orgID, unitID, string(purpose), names).Scan(&id); err != nil {
		return nil, fmt.Errorf("samtycke for a task: %w", err)
	}
	return id, nil
}

// Routed is where a task goes and why it may: the directory entry en väg
// in gave, its organisation and unit, the due date, and the samtycke that
// shares the task's content with the recipient (nil when none is needed).
type Routed struct {
	Topic            string
	MunicipalityCode string
	EntryID          uuid.UUID
	OrgID            uuid.UUID
	UnitID           *uuid.UUID
	DueOn            time.Time
	ConsentID        *uuid.UUID
}

// About is the case a task is about (nil for a KONSULTATION).
type About struct {
	CaseID, IndividualID, OrgID uuid.UUID
}

// Send writes a task, checked (Problems) and routed by the caller, with
// its creation as the first step of its history, and returns its id.
func Send(ctx context.Context, q db.Querier, by Author, purpose consent.Purpose, about *About, in NewTask, to Routed) (uuid.UUID, error) {
	id, eventID := ids.New(ctx), ids.New(ctx)
	return id, insert(ctx, q, id, eventID, nil, by, purpose, about, in, to)
}

// SendJoint writes the tasks of a joint request (JointParties), one to
// each of to, in order, linked: each names the first as its group
// (joint_id; the first names itself). It returns their ids in the order
// of to. The caller's transaction makes them all or nothing.
func SendJoint(ctx context.Context, q db.Querier, by Author, purpose consent.Purpose, about *About, in NewTask, to []Routed) ([]uuid.UUID, error) {
	sent := make([]uuid.UUID, 0, len(to))
	for _, r := range to {
		id, eventID := ids.New(ctx), ids.New(ctx)
		joint := id
		if len(sent) > 0 {
			joint = sent[0]
		}
		if err := insert(ctx, q, id, eventID, &joint, by, purpose, about, in, r); err != nil {
			return nil, err
		}
		sent = append(sent, id)
	}
	return sent, nil
}

// insert writes the task id, of the group joint (nil: sent alone), and
// its creation as the step eventID.
func insert(ctx context.Context, q db.Querier, id, eventID uuid.UUID, joint *uuid.UUID, by Author, purpose consent.Purpose,
	about *About, in NewTask, to Routed) error {
	classes := make([]string, len(in.Classes))
	for i, c := range in.Classes {
		classes[i] = string(c)
	}
	var caseID, individualID, caseOrgID *uuid.UUID
	if about != nil {
		caseID, individualID, caseOrgID = &about.CaseID, &about.IndividualID, &about.OrgID
	}
	var got uuid.UUID
	err := q.QueryRow(ctx, qInsertTask, id, by.UnitID, by.UserID, string(in.Kind), string(purpose), classes,
		caseID, individualID, caseOrgID, to.Topic, to.MunicipalityCode, to.EntryID, to.OrgID, to.UnitID,
		strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body), to.DueOn, to.ConsentID, joint).Scan(&got)
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "42501" {
			if joint != nil && *joint != id {
				// A later task of a joint request: the case was seen for
				// the first; what changed since the check is the samtycke
				// that shares the task with this recipient.
				return apperr.New(apperr.Forbidden, "the joint request cannot be sent: the samtycke that shares it with "+
					"one of its recipients changed while it was being sent; nothing was sent")
			}
			return apperr.NotFoundf("no such case") // row security: the case is no longer the sender's to see
		}
		return fmt.Errorf("send task: %w", err)
	}
	if _, err := q.Exec(ctx, qTaskCreated, id, eventID, by.UnitID, by.UserID, to.EntryID); err != nil {
		return fmt.Errorf("record the task's sending: %w", err)
	}
	return nil
}

// ChangeState moves a task the reader sees from the state it was read in
// (the caller decided the step with Decide) and records the step. A task
// that changed meanwhile is a CONFLICT.
func ChangeState(ctx context.Context, q db.Querier, by Author, t Task, to State, reason string) error {
	var note *string
	if r := strings.TrimSpace(reason); r != "" {
		note = &r
	}
	var got uuid.UUID
	err := q.QueryRow(ctx, qChangeState, t.ID, string(t.State), string(to), note, ids.New(ctx), by.UnitID, by.UserID).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.Errorf(apperr.Conflict, "the task is no longer %s: it changed meanwhile; load it again", t.State)
	}
	if err != nil {
		return fmt.Errorf("change task state: %w", err)
	}
	return nil
}

// Assign gives a task in the reader's queue, in the state state, to one
// of the unit's staff, and records it.
func Assign(ctx context.Context, q db.Querier, by Author, taskID uuid.UUID, state State, a Assignee) error {
	var got uuid.UUID
	err := q.QueryRow(ctx, qAssign, taskID, string(state), strings.TrimSpace(a.UserID), strings.TrimSpace(a.Name),
		ids.New(ctx), by.UnitID, by.UserID).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.Errorf(apperr.Conflict, "the task is no longer %s: it changed meanwhile; load it again", state)
	}
	if err != nil {
		return fmt.Errorf("assign task: %w", err)
	}
	return nil
}
