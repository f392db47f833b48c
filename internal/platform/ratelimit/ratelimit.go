// Package ratelimit holds token buckets by key (a person, a client, an
// address) with a bounded memory: a bucket left alone long enough to be
// full again is the same as no bucket, and is dropped.
package ratelimit

import (
	"math"
	"sync"
	"time"
)

// Rate is a bucket's refill per second and its size. A zero PerSecond
// turns the limit off.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Off reports whether the rate limits nothing.
func (r Rate) Off() bool { return r.PerSecond <= 0 }

// DefaultMaxKeys bounds the buckets one Limiter holds.
const DefaultMaxKeys = 100_000

// Limiter is a set of token buckets of one Rate, by key. The zero of a
// bucket is full: a key seen for the first time may spend its whole burst.
type Limiter struct {
	rate    Rate
	maxKeys int
	// full is how long an empty bucket takes to fill: a bucket idle that
	// long is dropped by the sweep.
	full time.Duration

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was right
}

// New returns a limiter of rate r, or nil when r is off (a nil Limiter
// allows everything).
func New(r Rate) *Limiter {
	if r.Off() {
		return nil
	}
	if r.Burst < 1 {
		r.Burst = 1
	}
	return &Limiter{
		rate:    r,
		maxKeys: DefaultMaxKeys,
		full:    time.Duration(float64(r.Burst) / r.PerSecond * float64(time.Second)),
		buckets: map[string]*bucket{},
	}
}

// overflowKey names the bucket that new keys share while the limiter holds
// as many keys as it may (no key a caller makes starts with a NUL).
const overflowKey = "\x00overflow"

// Allow takes one token from key's bucket at now. When the bucket is empty
// it takes nothing and says how long until a token is there.
func (l *Limiter) Allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.maxKeys {
			// More keys live at once than the bound, after the sweep: a
			// flood of distinct keys (addresses). New keys then share one
			// overflow bucket until the sweep makes room; the keys already
			// held keep theirs (forgetting them would refill the bucket of
			// whoever caused the flood).
			key = overflowKey
			b = l.buckets[key]
		}
		if b == nil {
			b = &bucket{tokens: float64(l.rate.Burst), at: now}
			l.buckets[key] = b
		}
	}
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = math.Min(float64(l.rate.Burst), b.tokens+elapsed.Seconds()*l.rate.PerSecond)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate.PerSecond * float64(time.Second))
	return false, wait
}

// sweep drops the buckets full again by now, at most once per fill time
// (and at least once a minute), so that its cost is spread over requests.
func (l *Limiter) sweep(now time.Time) {
	every := min(max(l.full, time.Second), time.Minute)
	if now.Sub(l.lastSweep) < every {
		return
	}
	l.lastSweep = now
	for k, b := range l.buckets {
		if now.Sub(b.at) >= l.full {
			delete(l.buckets, k)
		}
	}
}

// Len is the number of buckets held (for tests and metrics).
func (l *Limiter) Len() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// RetryAfterSeconds renders a wait as the whole seconds of a Retry-After
// header: rounded up, at least 1.
func RetryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
