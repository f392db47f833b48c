package directory

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/db"
)

// Snapshot says which state of the directory an answer was read in: the
// directory's version (migration 015: every change to entries, their
// ranking, federations, memberships, organisations or municipalities
// moves it, in the changing transaction) and the date, since who belongs
// to a federation depends on the day.
type Snapshot struct {
	Version int64
	Today   time.Time
}

func (s Snapshot) same(o Snapshot) bool { return s.Version == o.Version && s.Today.Equal(o.Today) }

// CurrentSnapshot reads the directory's version and date. The version
// table is global and not tenant data: q may be the pool itself, outside
// any request's transaction.
func CurrentSnapshot(ctx context.Context, q db.Querier) (Snapshot, error) {
	var s Snapshot
	if err := q.QueryRow(ctx, qCurrentSnapshot).Scan(&s.Version, &s.Today); err != nil {
		return Snapshot{}, fmt.Errorf("read the directory's version: %w", err)
	}
	return s, nil
}

// WaysCache keeps recent waysIn answers in memory, per viewing
// organisation and question. An answer is served again only while the
// directory is still at the snapshot it was read in, which the caller
// reads from the database at the start of every request (CurrentSnapshot):
// a change committed before a request starts is never hidden from it, on
// any replica, and no notification has to arrive first.
//
// Answers depend only on the viewing organisation (visibility), the
// question and the snapshot; what varies with the moment (open now, stale)
// is computed from them per request. Cached answers are shared: callers
// must not modify them.
type WaysCache struct {
	mu      sync.Mutex
	max     int
	answers map[waysKey]cachedWays
}

type waysKey struct {
	viewer       uuid.UUID
	topic        Topic
	municipality string
	kind         string // "" for every kind
	first        int
}

type cachedWays struct {
	at   Snapshot
	ways []WayIn
}

// NewWaysCache returns a cache of at most max answers (max > 0).
func NewWaysCache(max int) *WaysCache {
	return &WaysCache{max: max, answers: map[waysKey]cachedWays{}}
}

// CachedWaysIn answers WaysIn from the cache when the directory is still at
// the snapshot of a cached answer, and otherwise from q (the request's
// transaction), keeping the answer. version reads the current snapshot
// (the pool will do: see CurrentSnapshot). A nil cache always asks q.
func (c *WaysCache) CachedWaysIn(ctx context.Context, version, q db.Querier, viewer uuid.UUID, topic Topic, municipalityCode string, kind *string, first int) ([]WayIn, error) {
	if c == nil {
		ways, _, err := WaysIn(ctx, q, viewer, topic, municipalityCode, kind, first)
		return ways, err
	}
	key := waysKey{viewer: viewer, topic: topic, municipality: municipalityCode, first: first}
	if kind != nil {
		key.kind = *kind
	}
	now, err := CurrentSnapshot(ctx, version)
	if err != nil {
		return nil, err
	}
	if ways, ok := c.get(key, now); ok {
		return ways, nil
	}
	ways, at, err := WaysIn(ctx, q, viewer, topic, municipalityCode, kind, first)
	if err != nil {
		return nil, err
	}
	c.put(key, at, ways)
	return ways, nil
}

func (c *WaysCache) get(key waysKey, now Snapshot) ([]WayIn, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.answers[key]
	if !ok || !a.at.same(now) {
		return nil, false
	}
	return a.ways, true
}

// put keeps an answer read at snapshot at; empty answers (zero snapshot)
// are not kept. When the cache is full it starts over.
func (c *WaysCache) put(key waysKey, at Snapshot, ways []WayIn) {
	if at.Version == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.answers[key]; ok && old.at.Version > at.Version {
		return // a newer answer is already kept
	}
	if len(c.answers) >= c.max {
		clear(c.answers)
	}
	c.answers[key] = cachedWays{at: at, ways: ways}
}
