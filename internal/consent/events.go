package consent

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/samverkanshub/hub/internal/platform/db"
)

// NotifyChannel is the Postgres channel on which samtycke changes are
// announced, in the transaction that makes them (delivered at commit).
const NotifyChannel = "hub_consent"

// EventKind says what happened to a samtycke.
type EventKind string

// Event kinds.
const (
	EventRecorded EventKind = "RECORDED"
	EventRevoked  EventKind = "REVOKED"
)

// Event is the announcement of a change: ids only, never personal data
// (NOTIFY payloads are visible to every listener of the database).
type Event struct {
	Kind         EventKind `json:"kind"`
	ConsentID    uuid.UUID `json:"consent"`
	IndividualID uuid.UUID `json:"individual"`
	OrgID        uuid.UUID `json:"org"` // the municipality that recorded it
	At           time.Time `json:"at"`
}

func announce(ctx context.Context, q db.Querier, e Event) error {
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, qAnnounce, NotifyChannel, string(payload))
	return err
}

// Listener receives the announcements on one connection per replica and
// fans them out to subscribers. Who may see an event is decided per event
// and subscriber by the caller, with the rule, in a fresh transaction.
type Listener struct {
	mu   sync.Mutex
	next int
	subs map[int]chan Event

	ready     chan struct{} // closed once it first listens
	readyOnce sync.Once
}

// NewListener returns a listener; Run connects it.
func NewListener() *Listener {
	return &Listener{subs: map[int]chan Event{}, ready: make(chan struct{})}
}

// Ready is closed once the listener first listens: an announcement
// committed after that reaches it (tests wait for it before they commit).
func (l *Listener) Ready() <-chan struct{} { return l.ready }

func (l *Listener) listening(context.Context, *pgx.Conn) error {
	l.readyOnce.Do(func() { close(l.ready) })
	return nil
}

// subscriberBuffer bounds the events waiting for one slow subscriber; a
// subscriber that falls further behind is cut off (its channel closes), so
// that it knows it missed events instead of silently losing them.
const subscriberBuffer = 256

// Subscribe returns a channel of events and a function that ends the
// subscription. The channel closes when the subscription ends or falls
// behind.
func (l *Listener) Subscribe() (<-chan Event, func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	id := l.next
	l.next++
	ch := make(chan Event, subscriberBuffer)
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

func (l *Listener) publish(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, ch := range l.subs {
		select {
		case ch <- e:
		default:
			delete(l.subs, id)
			close(ch)
		}
	}
}

// Run listens until ctx ends, reconnecting with backoff. Events announced
// while the connection was down are lost; subscribers refetch after
// reconnecting their own WebSocket.
func (l *Listener) Run(ctx context.Context, connString string, log *slog.Logger) {
	db.Listen(ctx, connString, NotifyChannel, "samtycke listener", log, l.listening,
		func(_ context.Context, _ *pgx.Conn, n *pgconn.Notification) error {
			var e Event
			if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
				log.Error("unreadable samtycke announcement", "error", err.Error())
				return nil
			}
			l.publish(e)
			return nil
		})
}
