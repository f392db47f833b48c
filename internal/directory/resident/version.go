package resident

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// versionReader reads the directory's version for many requests at once.
// A request needs a version read by a statement that began after the
// request did: that statement's snapshot holds every change committed
// before the request began. Concurrent requests share reads: a request
// waits for the next read to begin (there is at most one waiting to
// begin), so under load one statement answers a whole batch of requests,
// and alone a request costs one statement, as before.
type versionReader struct {
	pool *pgxpool.Pool

	mu       sync.Mutex
	inFlight bool
	next     *versionRead // begins when the read in flight ends; nil: none asked for
}

// versionTimeout bounds one shared read (waiting for a connection
// included); each request also stops waiting when its own context ends.
const versionTimeout = 10 * time.Second

type versionRead struct {
	done    chan struct{}
	version int64
	err     error
}

// read returns a version read by a statement begun after read was called.
func (r *versionReader) read(ctx context.Context) (int64, error) {
	r.mu.Lock()
	rd := r.next
	if rd == nil {
		rd = &versionRead{done: make(chan struct{})}
		if r.inFlight {
			r.next = rd // begins after the one in flight, which may predate us
		} else {
			r.inFlight = true
			go r.run(rd)
		}
	}
	r.mu.Unlock()
	select {
	case <-rd.done:
		return rd.version, rd.err
	case <-ctx.Done():
		return 0, fmt.Errorf("read the directory's version: %w", ctx.Err())
	}
}

// run reads the version for rd, then begins the read that waited for it.
// The read does not take any one request's context: others share it.
func (r *versionReader) run(rd *versionRead) {
	for rd != nil {
		ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
		if err := r.pool.QueryRow(ctx, qVersion).Scan(&rd.version); err != nil {
			rd.err = fmt.Errorf("read the directory's version: %w", err)
		}
		cancel()
		close(rd.done)
		r.mu.Lock()
		rd, r.next = r.next, nil
		r.inFlight = rd != nil
		r.mu.Unlock()
	}
}
