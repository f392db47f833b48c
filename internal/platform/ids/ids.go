// Package ids makes the ids of new rows: random (UUID v4), unless the
// caller fixed the next one in advance with Preset. The demo data set does
// so: it is written through the same use cases as everything else, and its
// ids are derived from names, so that loading it twice finds what the
// first load wrote, and tests and docs can name its objects.
package ids

import (
	"context"
	"sync"

	"github.com/google/uuid"
)

type presetKey struct{}

type preset struct {
	mu   sync.Mutex
	next []uuid.UUID
}

// Preset returns a context in which the next New calls return list, in
// order; after them New is random again.
func Preset(ctx context.Context, list ...uuid.UUID) context.Context {
	return context.WithValue(ctx, presetKey{}, &preset{next: list})
}

// New returns the id of a new row: the next preset one, if ctx has one
// left, else a random one.
func New(ctx context.Context) uuid.UUID {
	if p, ok := ctx.Value(presetKey{}).(*preset); ok {
		p.mu.Lock()
		defer p.mu.Unlock()
		if len(p.next) > 0 {
			id := p.next[0]
			p.next = p.next[1:]
			return id
		}
	}
	return uuid.New()
}
