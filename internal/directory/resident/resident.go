// Package resident keeps the directory in each replica's memory, so that
// waysIn is answered without asking the database anything but its
// version. The shared part (every PUBLIC and FEDERATION entry, channel and
// way in, and the catalogue an answer names) is read once per version of
// the directory; an organisation's internal (ORGANISATION) part is read
// when it first asks, as that organisation, and shown to it alone.
//
// It is never stale: every request reads the directory's current version
// first (migrations 015 and 042: every change to what an answer is made of
// moves it, in the changing transaction), and memory answers only when it
// holds that version. Otherwise the request is answered from SQL, as
// without memory, while a load of the new version runs in the background.
// So a change committed before a request begins is in its answer on every
// replica, with no notification to wait for.
package resident

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// loadTimeout bounds one load of the shared directory (100,000 entries
// load in a few seconds).
const loadTimeout = 2 * time.Minute

// retryAfter is how long a failed load waits before it is tried again.
const retryAfter = 5 * time.Second

// Directory is a replica's resident directory.
type Directory struct {
	pool     *pgxpool.Pool
	log      *slog.Logger
	versions *versionReader

	// overlayLoads bounds the organisations' overlays read at once: after
	// a change every organisation's is read again, and each holds a
	// connection of the pool the requests use.
	overlayLoads chan struct{}

	current atomic.Pointer[snapshot]
	loading atomic.Bool
	failed  atomic.Int64 // unix nanoseconds of the last failed load

	stats Stats
}

// Stats counts what the resident directory did, for metrics.
type Stats struct {
	Loads         atomic.Int64 // shared loads completed
	LoadFailures  atomic.Int64
	LastLoadNanos atomic.Int64 // how long the last shared load took
	Version       atomic.Int64 // the version memory holds
	Hits          atomic.Int64 // views served from memory
	Misses        atomic.Int64 // requests sent to SQL: memory behind or an overlay not yet read
}

// New returns a directory that loads itself on first use. log may be nil.
func New(pool *pgxpool.Pool, log *slog.Logger) *Directory {
	if log == nil {
		log = slog.Default()
	}
	return &Directory{pool: pool, log: log, versions: &versionReader{pool: pool}, overlayLoads: make(chan struct{}, 2)}
}

// Stats returns the directory's counters.
func (d *Directory) Stats() *Stats { return &d.stats }

// View returns the directory as viewer sees it on day (the request's
// Swedish calendar day), if memory holds the version current when View was
// called. When it does not (ok false), the caller answers from SQL; a load
// has then been started. An error (the version could not be read) also
// leaves the answer to SQL, which reports the database's trouble itself.
func (d *Directory) View(ctx context.Context, viewer uuid.UUID, day time.Time) (v *View, ok bool, err error) {
	version, err := d.versions.read(ctx)
	if err != nil {
		d.stats.Misses.Add(1)
		return nil, false, err
	}
	s := d.current.Load()
	if s == nil || s.version < version {
		d.stats.Misses.Add(1)
		d.loadShared()
		return nil, false, nil
	}
	own, ready := d.overlay(s, viewer)
	if !ready {
		d.stats.Misses.Add(1)
		return nil, false, nil
	}
	d.stats.Hits.Add(1)
	return s.viewFor(viewer, own, day), true, nil
}

// Load reads the current version into memory now, for a replica that
// starts (so that its first requests need not go to SQL) and for tests.
func (d *Directory) Load(ctx context.Context) error {
	if d.loading.CompareAndSwap(false, true) { // requests meanwhile start no second load
		defer d.loading.Store(false)
	}
	began := time.Now()
	s, err := loadSnapshot(ctx, d.pool)
	if err != nil {
		return err
	}
	d.install(s, time.Since(began))
	return nil
}

// loadShared starts a load of the shared directory unless one is running
// or one failed moments ago.
func (d *Directory) loadShared() {
	if time.Since(time.Unix(0, d.failed.Load())) < retryAfter || !d.loading.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer d.loading.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
		defer cancel()
		began := time.Now()
		s, err := loadSnapshot(ctx, d.pool)
		if err != nil {
			d.failed.Store(time.Now().UnixNano())
			d.stats.LoadFailures.Add(1)
			d.log.Error("resident directory not loaded; answering from SQL", "error", err.Error())
			return
		}
		d.install(s, time.Since(began))
	}()
}

// install makes s current unless memory already holds a later version.
func (d *Directory) install(s *snapshot, took time.Duration) {
	for {
		old := d.current.Load()
		if old != nil && old.version >= s.version {
			return
		}
		if d.current.CompareAndSwap(old, s) {
			d.stats.Loads.Add(1)
			d.stats.Version.Store(s.version)
			d.stats.LastLoadNanos.Store(int64(took))
			d.log.Info("resident directory loaded", "version", s.version, "entries", len(s.entries),
				"keys", len(s.ways), "took_ms", took.Milliseconds())
			return
		}
	}
}

// overlay returns viewer's internal part of s, or starts reading it.
func (d *Directory) overlay(s *snapshot, viewer uuid.UUID) (*overlay, bool) {
	s.overlayMu.Lock()
	defer s.overlayMu.Unlock()
	if o, ok := s.overlays[viewer]; ok {
		return o, o != nil
	}
	if failed, ok := s.overlayFailed[viewer]; ok && time.Since(failed) < retryAfter {
		return nil, false
	}
	s.overlays[viewer] = nil // being read
	go d.loadOverlay(s, viewer)
	return nil, false
}

// loadOverlay reads viewer's internal part for s, unless s is no longer
// current by the time a reading slot is free: then nothing is read, and
// the old snapshot is not kept alive by a queue of readers.
func (d *Directory) loadOverlay(s *snapshot, viewer uuid.UUID) {
	forget := func() {
		s.overlayMu.Lock()
		delete(s.overlays, viewer)
		s.overlayMu.Unlock()
	}
	wait := time.NewTimer(loadTimeout)
	defer wait.Stop()
	select {
	case d.overlayLoads <- struct{}{}:
	case <-wait.C:
		forget()
		return
	}
	defer func() { <-d.overlayLoads }()
	if d.current.Load() != s {
		forget()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	o, version, err := loadOverlay(ctx, d.pool, viewer)
	s.overlayMu.Lock()
	defer s.overlayMu.Unlock()
	switch {
	case err != nil:
		delete(s.overlays, viewer)
		s.overlayFailed[viewer] = time.Now() // tried again after retryAfter
		d.log.Error("an organisation's internal directory not loaded; answering from SQL", "error", err.Error())
	case version != s.version:
		// Read at a later version than the shared part it merges into:
		// useless here; the next request sees the new version and loads
		// it.
		delete(s.overlays, viewer)
	default:
		s.overlays[viewer] = o
	}
}
