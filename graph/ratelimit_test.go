package graph_test

import (
	"net/http"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/graph"
	"github.com/samverkanshub/hub/internal/platform/ratelimit"
)

// rateLimited requires a 429 with Retry-After and a RATE_LIMITED error
// naming limit, and returns the wait in seconds.
func rateLimited(t *testing.T, r gqlResponse, limit string) int {
	t.Helper()
	require.Equal(t, http.StatusTooManyRequests, r.Status)
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	require.NoError(t, err, "Retry-After is whole seconds: %q", r.Header.Get("Retry-After"))
	require.GreaterOrEqual(t, secs, 1)
	require.Len(t, r.Errors, 1)
	require.Equal(t, "RATE_LIMITED", r.code(0))
	require.Equal(t, limit, r.Errors[0].Extensions["limit"])
	require.Contains(t, r.Errors[0].Message, "too many requests")
	return secs
}

const limitedQuery = `{ me { userId } }`

// A person's burst, then 429 with Retry-After; another person is not
// affected; after the wait (half a second at 2 per second) the person is
// served again.
func TestRateLimit_APersonOverTheBurstGets429WithRetryAfterAndIsServedAfterTheWait(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, func(o *graph.Options) {
		o.RateLimits.Principal = ratelimit.Rate{PerSecond: 2, Burst: 3}
	})
	srv.token(t, "ph.fk") // fetched before the clock matters
	for i := range 3 {
		r := post(t, srv, limitedQuery, nil)
		require.Equal(t, http.StatusOK, r.Status, "request %d of the burst", i+1)
		require.Empty(t, r.Errors)
	}
	secs := rateLimited(t, post(t, srv, limitedQuery, nil), "principal")
	require.Equal(t, 1, secs, "a token comes within half a second: Retry-After rounds up to 1")

	r := postAs(t, srv, "ph.fk", limitedQuery, nil)
	require.Equal(t, http.StatusOK, r.Status, "another person has a bucket of their own")

	time.Sleep(600 * time.Millisecond) // one token at 2 per second
	r = post(t, srv, limitedQuery, nil)
	require.Equal(t, http.StatusOK, r.Status, "served again after the wait")
	require.Empty(t, r.Errors)
}

// All users of one organisation's client application share its bucket
// (the demo's users log in with the same CLI client of one issuer); another
// organisation's use of the same client id spends a bucket of its own, so
// one agency cannot use up another's.
func TestRateLimit_AClientsUsersShareItsBucket(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, func(o *graph.Options) {
		o.RateLimits.Client = ratelimit.Rate{PerSecond: 0.01, Burst: 2}
	})
	require.Equal(t, http.StatusOK, postAs(t, srv, "soc.karlstad", limitedQuery, nil).Status)
	require.Equal(t, http.StatusOK, postAs(t, srv, "koord.karlstad", limitedQuery, nil).Status)
	rateLimited(t, postAs(t, srv, "logg.karlstad", limitedQuery, nil), "client")
	require.Equal(t, http.StatusOK, postAs(t, srv, "ph.fk", limitedQuery, nil).Status, "Försäkringskassan's bucket is its own")
}

// Requests without a token, and with a token that is refused, are limited
// by their address; requests whose token is valid are not charged to it.
// X-Forwarded-For counts only from a trusted proxy.
func TestRateLimit_RequestsWithoutAValidTokenAreLimitedByAddress(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, func(o *graph.Options) {
		o.RateLimits.Address = ratelimit.Rate{PerSecond: 0.01, Burst: 2}
	})
	anonymous := func(headers map[string]string) gqlResponse {
		h := map[string]string{"Content-Type": "application/json", "Accept": "application/json", "Authorization": ""}
		for k, v := range headers {
			h[k] = v
		}
		return do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"{ me { userId } }"}`), h)
	}
	require.Equal(t, http.StatusUnauthorized, anonymous(nil).Status)
	require.Equal(t, http.StatusUnauthorized, anonymous(map[string]string{"Authorization": "Bearer not-a-token"}).Status, "a refused token")
	for range 3 {
		require.Equal(t, http.StatusOK, post(t, srv, limitedQuery, nil).Status, "a valid token is not charged to the address")
	}
	r := anonymous(nil)
	rateLimited(t, r, "address")
	require.Empty(t, r.Header.Get("WWW-Authenticate"))
	rateLimited(t, anonymous(map[string]string{"Authorization": "Bearer not-a-token"}), "address")
	rateLimited(t, anonymous(map[string]string{"X-Forwarded-For": "198.51.100.1"}), "address")

	// Behind a trusted proxy, the address is the one it forwarded for.
	proxied, _ := setup(t, func(o *graph.Options) {
		o.RateLimits.Address = ratelimit.Rate{PerSecond: 0.01, Burst: 1}
		o.RateLimits.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	})
	via := func(client string) int {
		return do(t, proxied, http.MethodPost, "/graphql", []byte(`{"query":"{ me { userId } }"}`), map[string]string{
			"Content-Type": "application/json", "Authorization": "", "X-Forwarded-For": client,
		}).Status
	}
	require.Equal(t, http.StatusUnauthorized, via("198.51.100.1"))
	require.Equal(t, http.StatusTooManyRequests, via("198.51.100.1"))
	require.Equal(t, http.StatusUnauthorized, via("198.51.100.2"), "another client behind the proxy has its own bucket")
}

// A WebSocket connection costs a token at connection_init, and so does
// each operation on it: over the limit the connection is closed with
// 4429, an operation answered with RATE_LIMITED.
func TestRateLimit_WebSocketConnectionsAndTheirOperationsAreCharged(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, func(o *graph.Options) {
		o.RateLimits.Principal = ratelimit.Rate{PerSecond: 0.01, Burst: 3}
	})
	ws := wsAs(t, srv, "ph.fk", "")    // 1
	answer := func(id string) string { // the payload of the operation's first answer
		t.Helper()
		for {
			m, ok, _ := ws.read(5 * time.Second)
			require.True(t, ok, "an answer to operation %s", id)
			if m.ID == id && (m.Type == "next" || m.Type == "error") {
				return string(m.Payload)
			}
		}
	}
	ws.start("1", limitedQuery) // 2
	require.NotContains(t, answer("1"), "RATE_LIMITED")
	ws.start("2", limitedQuery) // 3
	require.NotContains(t, answer("2"), "RATE_LIMITED")
	ws.start("3", limitedQuery) // over
	require.Contains(t, answer("3"), "RATE_LIMITED", "the operation is refused; the connection stays")

	_, code, reason := wsOpen(t, srv, map[string]any{"Authorization": "Bearer " + srv.token(t, "ph.fk")})
	require.Equal(t, websocket.StatusCode(4429), code)
	require.Contains(t, reason, "too many requests")
}
