package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/tasks"
)

// Task is the GraphQL Task.
type Task struct {
	ID               string
	Kind             tasks.Kind
	State            tasks.State
	Purpose          consent.Purpose
	Classes          []consent.Class
	Subject          *string
	Body             *string
	Withdrawn        bool
	Topic            directory.Topic
	MunicipalityCode string
	Assignee         *TaskAssignee
	DueOn            time.Time
	Overdue          bool
	EscalationLevel  int
	RejectReason     *string
	CreatedAt        time.Time
	UpdatedAt        time.Time

	Key              uuid.UUID
	CaseKey          *uuid.UUID
	SenderOrgKey     uuid.UUID
	SenderUnitKey    *uuid.UUID
	RoutedKey        *uuid.UUID
	RecipientOrgKey  uuid.UUID
	RecipientUnitKey *uuid.UUID
	JointKey         *uuid.UUID // the first task of its joint request, nil when sent alone
}

// IsNode marks Task as a Node.
func (Task) IsNode() {}

// GetID returns the global id.
func (t Task) GetID() string { return t.ID }

// FromTask converts a domain task; today decides whether it is overdue.
func FromTask(t tasks.Task, today time.Time) *Task {
	out := &Task{
		ID: relay.ID(relay.TypeTask, t.ID), Kind: t.Kind, State: t.State, Purpose: t.Purpose, Classes: nonNil(t.Classes),
		Subject: t.Subject, Body: t.Body, Withdrawn: t.Withdrawn(), Topic: directory.Topic(t.Topic),
		MunicipalityCode: t.MunicipalityCode, DueOn: t.DueOn, Overdue: t.Overdue(today), EscalationLevel: t.EscalationLevel,
		RejectReason: t.RejectReason, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
		Key: t.ID, CaseKey: t.CaseID, SenderOrgKey: t.SenderOrgID, SenderUnitKey: t.SenderUnitID, RoutedKey: t.RoutedEntryID,
		RecipientOrgKey: t.RecipientOrgID, RecipientUnitKey: t.RecipientUnitID, JointKey: t.JointID,
	}
	if t.AssigneeUserID != nil && t.AssigneeName != nil {
		out.Assignee = &TaskAssignee{UserID: *t.AssigneeUserID, Name: *t.AssigneeName}
	}
	return out
}

// TaskEvent is the GraphQL TaskEvent.
type TaskEvent struct {
	Kind   tasks.EventKind
	At     time.Time
	From   *tasks.State
	To     tasks.State
	UserID string
	Note   *string

	OrgKey    uuid.UUID
	UnitKey   *uuid.UUID
	RoutedKey *uuid.UUID
}

// FromTaskEvent converts a step of a task's history.
func FromTaskEvent(e tasks.Event) *TaskEvent {
	return &TaskEvent{Kind: e.Kind, At: e.At, From: e.From, To: e.To, UserID: e.ActorUserID, Note: e.Note,
		OrgKey: e.ActorOrgID, UnitKey: e.ActorUnitID, RoutedKey: e.RoutedEntryID}
}

// TaskConnection is a page of tasks.
type TaskConnection struct {
	Edges    []*TaskEdge
	Nodes    []*Task
	PageInfo *PageInfo

	Filter tasks.Filter
}

// NewTaskConnection builds a connection from a page.
func NewTaskConnection(p page.Result[tasks.Task], f tasks.Filter, today time.Time) *TaskConnection {
	c := &TaskConnection{Filter: f}
	c.Edges, c.Nodes, c.PageInfo = connect(p, func(t tasks.Task) *Task { return FromTask(t, today) }, tasks.KeyOf(f),
		func(cursor string, n *Task) *TaskEdge { return &TaskEdge{Cursor: cursor, Node: n} })
	return c
}
