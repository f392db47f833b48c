package db

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Announcements receives the JSON announcements of one Postgres channel
// on one connection per replica and fans them out to the replica's
// subscribers (its WebSocket connections). An announcement carries ids
// only; who may see what it is about is decided per subscriber by the
// caller, under the subscriber's own identity, in a transaction of its
// own.
type Announcements[T any] struct {
	channel, name string
	buffer        int

	mu   sync.Mutex
	next int
	subs map[int]chan T

	ready     chan struct{} // closed once it first listens
	readyOnce sync.Once
}

// NewAnnouncements returns the announcements of channel (name is for the
// log); a subscriber that falls more than buffer announcements behind is
// cut off (its channel closes), so that it knows it missed some instead
// of silently losing them. Run connects it.
func NewAnnouncements[T any](channel, name string, buffer int) *Announcements[T] {
	return &Announcements[T]{channel: channel, name: name, buffer: buffer, subs: map[int]chan T{}, ready: make(chan struct{})}
}

// Ready is closed once the announcements are first listened for: one
// committed after that reaches the subscribers (tests wait for it before
// they commit).
func (a *Announcements[T]) Ready() <-chan struct{} { return a.ready }

// Subscribe returns a channel of announcements and a function that ends
// the subscription. The channel closes when the subscription ends or
// falls behind.
func (a *Announcements[T]) Subscribe() (<-chan T, func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	id := a.next
	a.next++
	ch := make(chan T, a.buffer)
	a.subs[id] = ch
	return ch, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		if c, ok := a.subs[id]; ok {
			delete(a.subs, id)
			close(c)
		}
	}
}

func (a *Announcements[T]) publish(v T) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for id, ch := range a.subs {
		select {
		case ch <- v:
		default:
			delete(a.subs, id)
			close(ch)
		}
	}
}

// Run listens until ctx ends, reconnecting with backoff. Announcements
// made while the connection was down are lost; subscribers refetch after
// reconnecting their own WebSocket.
func (a *Announcements[T]) Run(ctx context.Context, connString string, log *slog.Logger) {
	listening := func(context.Context, *pgx.Conn) error {
		a.readyOnce.Do(func() { close(a.ready) })
		return nil
	}
	Listen(ctx, connString, a.channel, a.name, log, listening,
		func(_ context.Context, _ *pgx.Conn, n *pgconn.Notification) error {
			var v T
			if err := json.Unmarshal([]byte(n.Payload), &v); err != nil {
				log.Error("unreadable announcement on "+a.channel, "error", err.Error())
				return nil
			}
			a.publish(v)
			return nil
		})
}
