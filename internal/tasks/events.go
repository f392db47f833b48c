package tasks

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/samverkanshub/hub/internal/platform/db"
)

// NotifyChannel is the Postgres channel on which every step written to a
// task's history is announced, by a trigger on task_events (migration
// 025), at the commit of the transaction that wrote it.
const NotifyChannel = "hub_tasks"

// Notice is the announcement of a step of a task's history: ids only,
// never content (NOTIFY payloads are visible to every listener of the
// database). What a subscriber may know of it is decided by re-reading
// the task under the subscriber's principal.
type Notice struct {
	TaskID  uuid.UUID `json:"task"`
	EventID uuid.UUID `json:"event"`
	Seq     int64     `json:"seq"`
	Kind    EventKind `json:"kind"`
	// The task's sender and recipient organisations when the writer saw
	// them (nil otherwise): a hint that spares re-reading the task for
	// subscribers of other organisations, never a grant.
	SenderOrgID    *uuid.UUID `json:"sender"`
	RecipientOrgID *uuid.UUID `json:"recipient"`
}

// MayConcern reports whether the step may concern a reader of the
// organisation orgID: false only when the announcement names the task's
// parties and orgID is neither.
func (n Notice) MayConcern(orgID uuid.UUID) bool {
	if n.SenderOrgID == nil || n.RecipientOrgID == nil {
		return true
	}
	return *n.SenderOrgID == orgID || *n.RecipientOrgID == orgID
}

// Listener receives the announcements on one connection per replica and
// fans them out to subscribers (the WebSocket connections of the
// replica). Who may see a step is decided per subscriber by the caller.
type Listener struct {
	mu   sync.Mutex
	next int
	subs map[int]chan Notice

	ready     chan struct{} // closed once it first listens
	readyOnce sync.Once
}

// NewListener returns a listener; Run connects it.
func NewListener() *Listener {
	return &Listener{subs: map[int]chan Notice{}, ready: make(chan struct{})}
}

// Ready is closed once the listener first listens: an announcement
// committed after that reaches it (tests wait for it before they commit).
func (l *Listener) Ready() <-chan struct{} { return l.ready }

func (l *Listener) listening(context.Context, *pgx.Conn) error {
	l.readyOnce.Do(func() { close(l.ready) })
	return nil
}

// subscriberBuffer bounds the notices waiting for one slow subscriber; a
// subscriber that falls further behind is cut off (its channel closes),
// so that it knows it missed steps instead of silently losing them.
const subscriberBuffer = 256

// Subscribe returns a channel of notices and a function that ends the
// subscription. The channel closes when the subscription ends or falls
// behind.
func (l *Listener) Subscribe() (<-chan Notice, func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	id := l.next
	l.next++
	ch := make(chan Notice, subscriberBuffer)
	l.subs[id] = ch
	return ch, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if c, ok := l.subs[id]; ok {
			delete(l.subs, id)
			close(c)
		}
	}
}

func (l *Listener) publish(n Notice) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, ch := range l.subs {
		select {
		case ch <- n:
		default:
			delete(l.subs, id)
			close(ch)
		}
	}
}

// Run listens until ctx ends, reconnecting with backoff. Steps announced
// while the connection was down are lost; subscribers refetch their inbox
// after reconnecting their own WebSocket.
func (l *Listener) Run(ctx context.Context, connString string, log *slog.Logger) {
	db.Listen(ctx, connString, NotifyChannel, "task listener", log, l.listening,
		func(_ context.Context, _ *pgx.Conn, n *pgconn.Notification) error {
			var notice Notice
			if err := json.Unmarshal([]byte(n.Payload), &notice); err != nil {
				log.Error("unreadable task announcement", "error", err.Error())
				return nil
			}
			l.publish(notice)
			return nil
		})
}

// InBox reports whether the task is in the box of a reader of the
// organisation orgID, in the unit unitID (nil: none): its inbox is its
// queue (the recipient organisation, and its unit when the routed entry
// names one), its sent box what its organisation sent.
func InBox(t Task, box Box, orgID uuid.UUID, unitID *uuid.UUID) bool {
	switch box {
	case Inbox:
		return t.RecipientOrgID == orgID &&
			(t.RecipientUnitID == nil || (unitID != nil && *t.RecipientUnitID == *unitID))
	case Sent:
		return t.SenderOrgID == orgID
	}
	return false
}
