package ratelimit_test

import (
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/ratelimit"
)

func TestLimiter_SpendsTheBurstThenRefillsAtTheRate(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(ratelimit.Rate{PerSecond: 4, Burst: 3})
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	for i := range 3 {
		ok, _ := l.Allow("a", now)
		require.True(t, ok, "request %d of the burst", i+1)
	}
	ok, wait := l.Allow("a", now)
	require.False(t, ok, "the burst is spent")
	require.Equal(t, 250*time.Millisecond, wait, "one token comes at 4 per second")
	require.Equal(t, 1, ratelimit.RetryAfterSeconds(wait), "Retry-After is whole seconds, at least 1")

	ok, _ = l.Allow("b", now)
	require.True(t, ok, "another key has its own bucket")

	ok, _ = l.Allow("a", now.Add(249*time.Millisecond))
	require.False(t, ok, "not yet")
	ok, _ = l.Allow("a", now.Add(250*time.Millisecond))
	require.True(t, ok, "one token after a quarter second")
}

func TestLimiter_OffWhenTheRateIsZero(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(ratelimit.Rate{PerSecond: 0, Burst: 1})
	require.Nil(t, l)
	for range 100 {
		ok, _ := l.Allow("a", time.Now())
		require.True(t, ok)
	}
}

func TestLimiter_DropsBucketsFullAgainSoMemoryStaysBounded(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(ratelimit.Rate{PerSecond: 10, Burst: 10}) // full again after 1 s
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	for i := range 1000 {
		l.Allow(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}).String(), now)
	}
	require.Equal(t, 1000, l.Len())
	ok, _ := l.Allow("late", now.Add(1100*time.Millisecond))
	require.True(t, ok)
	require.Equal(t, 1, l.Len(), "the idle buckets, full again, are dropped; the new one stays")
}

func TestClientAddress_BelievesForwardedForOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	trusted, err := ratelimit.ParsePrefixes("10.0.0.0/8, 192.0.2.7")
	require.NoError(t, err)
	for _, tc := range []struct {
		name, peer, xff, want string
		trusted               []netip.Prefix
	}{
		{"no proxies configured: the peer, whatever the header says", "203.0.113.5:4000", "198.51.100.1", "203.0.113.5", nil},
		{"a peer that is no proxy: the header is ignored", "203.0.113.5:4000", "198.51.100.1", "203.0.113.5", trusted},
		{"a trusted proxy: the address it forwarded for", "10.1.2.3:4000", "198.51.100.1", "198.51.100.1", trusted},
		{"a chain of trusted proxies: the first untrusted from the right", "10.1.2.3:4000", "198.51.100.9, 198.51.100.1, 192.0.2.7", "198.51.100.1", trusted},
		{"a forged left part is not reached", "10.1.2.3:4000", "1.2.3.4, 198.51.100.1", "198.51.100.1", trusted},
		{"a malformed hop stops the walk", "10.1.2.3:4000", "198.51.100.1, garbage", "10.1.2.3", trusted},
		{"IPv6 peer: its /64", "[2001:db8::1]:4000", "", "2001:db8::/64", trusted},
		{"another address of the same /64", "[2001:db8::ffff:1]:4000", "", "2001:db8::/64", trusted},
	} {
		r := &http.Request{RemoteAddr: tc.peer, Header: http.Header{}}
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		require.Equal(t, tc.want, ratelimit.ClientAddress(r, tc.trusted), tc.name)
	}
	_, err = ratelimit.ParsePrefixes("10.0.0.0/8,proxy.example")
	require.ErrorContains(t, err, `"proxy.example" is neither an address nor a CIDR prefix`)
}
