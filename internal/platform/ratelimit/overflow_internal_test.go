package ratelimit

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A flood of new keys past the bound shares one bucket: the keys already
// held keep theirs (an empty bucket stays empty), and memory stays bounded.
func TestLimiter_NewKeysPastTheBoundShareOneBucket(t *testing.T) {
	t.Parallel()
	l := New(Rate{PerSecond: 0.001, Burst: 1})
	l.maxKeys = 10
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	ok, _ := l.Allow("spender", now)
	require.True(t, ok)
	for i := range 20 {
		l.Allow("flood-"+strconv.Itoa(i), now)
	}
	require.LessOrEqual(t, l.Len(), 11, "the bound, and the overflow bucket")
	ok, _ = l.Allow("spender", now)
	require.False(t, ok, "the flood did not refill the spender's bucket")
	ok, _ = l.Allow("another newcomer", now)
	require.False(t, ok, "newcomers share the overflow bucket, spent by the flood")
}
