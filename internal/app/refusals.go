package app

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/logging"
)

// Refusals audits requests of identified people that were refused at the
// door, before any operation ran: a role their organisation does not
// grant, a purpose their roles do not act under, an unknown purpose, a
// connection over their limit. Each refusal is a record of its own,
// written in a transaction of its own; so that a flood of refusals cannot
// fill the trail (or the database's connections), at most
// refusalsPerWindow records per person are written per refusalWindow.
// The first record of the next window says how many were not written.
type Refusals struct {
	pool *pgxpool.Pool
	now  func() time.Time

	mu      sync.Mutex
	windows map[string]*refusalCount // by userKey
}

const (
	refusalWindow     = time.Minute
	refusalsPerWindow = 10
	// maxRefusalWindows bounds the memory of the limiter; past it, windows
	// that have ended are forgotten.
	maxRefusalWindows = 10_000
)

type refusalCount struct {
	start      time.Time
	written    int
	suppressed int // in windows before this one, not yet reported
}

// NewRefusals returns the auditor of refusals of the application.
func (a *App) NewRefusals() *Refusals {
	return &Refusals{pool: a.Pool, now: time.Now, windows: map[string]*refusalCount{}}
}

// admit decides whether a refusal of p is written now, and returns the
// number of p's refusals left unwritten since the last written one, and
// whether this is the first one held back in the window.
func (a *Refusals) admit(p *identity.Principal) (write bool, unwritten int, firstHeld bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	key := p.Issuer + "\x00" + p.OrgID.String() + "\x00" + p.UserID
	w, ok := a.windows[key]
	if !ok {
		if len(a.windows) >= maxRefusalWindows {
			for k, old := range a.windows {
				if now.Sub(old.start) >= refusalWindow && old.suppressed == 0 {
					delete(a.windows, k)
				}
			}
		}
		w = &refusalCount{start: now}
		a.windows[key] = w
	}
	if now.Sub(w.start) >= refusalWindow {
		w.start, w.written = now, 0
	}
	if w.written >= refusalsPerWindow {
		w.suppressed++
		w.written++
		return false, 0, w.written == refusalsPerWindow+1
	}
	w.written++
	unwritten, w.suppressed = w.suppressed, 0
	return true, unwritten, false
}

// AtTheDoor is the identity middleware's hook (identity.Refusal).
func (a *Refusals) AtTheDoor(r *http.Request, p *identity.Principal, reason string) {
	a.Record(r.Context(), p, Operation{Type: "http", Name: r.Method + " " + r.URL.Path}, reason)
}

// Record audits one refusal of p, unless the limiter holds it back.
func (a *Refusals) Record(ctx context.Context, p *identity.Principal, op Operation, reason string) {
	if a == nil || p == nil {
		return
	}
	write, unwritten, firstHeld := a.admit(p)
	if firstHeld {
		logging.FromContext(ctx).Warn("refusals of one person are no longer audited one by one in this window",
			"user", p.UserID, "org", p.OrgID.String(), "limit", refusalsPerWindow, "window", refusalWindow.String())
	}
	if !write {
		return
	}
	if unwritten > 0 {
		reason = fmt.Sprintf("%s (and %d earlier refusals of this person not recorded: at most %d per %s)",
			reason, unwritten, refusalsPerWindow, refusalWindow)
	}
	// The record must be written, and the transaction ended, even if the
	// client has gone: a session left behind would hold a lane of the
	// organisation's audit chain.
	ctx, cancel := detached(ctx)
	defer cancel()
	s := db.NewSession(a.pool, db.Settings{Values: SessionSettings(Actor{Principal: p})})
	now, err := s.Now(ctx)
	if err == nil {
		_, err = audit.Append(ctx, s, Record(ctx, p, now, op, nil, audit.Denied, &reason))
	}
	if err == nil {
		err = s.Commit(ctx)
	}
	if err != nil {
		_ = s.Rollback(ctx)
		logging.FromContext(ctx).Error("audit record of a refused request could not be written", "error", err.Error())
	}
}
