package graph

// Rate limits (docs/metrics-and-limits.md): token buckets per person, per
// client application and, for requests without a token, per address. An
// HTTP request costs one token of each bucket that applies; so does a
// WebSocket connection (at connection_init, where its token is known) and
// each operation sent over it. A refusal is HTTP 429 with Retry-After and
// a GraphQL error RATE_LIMITED; on a WebSocket, the connection is closed
// with 4429 or the operation answered with that error.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/metrics"
	"github.com/samverkanshub/hub/internal/platform/ratelimit"
)

// RateLimits configure the rate limits of the endpoint; a zero Rate turns
// that limit off.
type RateLimits struct {
	// Principal limits one person (issuer, organisation and user), on
	// this replica.
	Principal ratelimit.Rate
	// Client limits one client application of an issuer (the token's
	// azp), all its users together, on this replica.
	Client ratelimit.Rate
	// Address limits requests without a token (and those whose token is
	// refused) by the address they come from.
	Address ratelimit.Rate
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client's address; from anyone else the header is ignored.
	TrustedProxies []netip.Prefix
}

// The limits' names, as RATE_LIMITED messages and the metric's label say.
const (
	limitPrincipal = "principal"
	limitClient    = "client"
	limitAddress   = "address"
)

type rateLimiter struct {
	principal, client, address *ratelimit.Limiter
	trusted                    []netip.Prefix
}

func newRateLimiter(l RateLimits) *rateLimiter {
	return &rateLimiter{
		principal: ratelimit.New(l.Principal),
		client:    ratelimit.New(l.Client),
		address:   ratelimit.New(l.Address),
		trusted:   l.TrustedProxies,
	}
}

// rateLimitedError says which limit refused and when to come back.
type rateLimitedError struct {
	limit string
	wait  time.Duration
}

func (e *rateLimitedError) err() *apperr.Error {
	whose := map[string]string{
		limitPrincipal: "for you",
		limitClient:    "for your client application, all its users together",
		limitAddress:   "without a valid token from your address",
	}[e.limit]
	return apperr.Errorf(apperr.RateLimited, "too many requests %s: retry in %d s", whose, ratelimit.RetryAfterSeconds(e.wait))
}

// admit spends one token of p's bucket and one of its client's.
func (rl *rateLimiter) admit(p *identity.Principal) *rateLimitedError {
	now := time.Now()
	if ok, wait := rl.principal.Allow(userKey(p), now); !ok {
		return rl.refused(limitPrincipal, wait)
	}
	if p.ClientID != "" {
		// One organisation's use of a client never spends another's:
		// an issuer may serve several organisations, and they register
		// the same client id (the demo's hub-spa).
		if ok, wait := rl.client.Allow(p.Issuer+"\x00"+p.OrgID.String()+"\x00"+p.ClientID, now); !ok {
			return rl.refused(limitClient, wait)
		}
	}
	return nil
}

func (rl *rateLimiter) admitAddress(r *http.Request) *rateLimitedError {
	if ok, wait := rl.address.Allow(ratelimit.ClientAddress(r, rl.trusted), time.Now()); !ok {
		return rl.refused(limitAddress, wait)
	}
	return nil
}

func (rl *rateLimiter) refused(limit string, wait time.Duration) *rateLimitedError {
	metrics.RateLimited.WithLabelValues(limit).Inc()
	return &rateLimitedError{limit: limit, wait: wait}
}

// byAddress limits what comes without a token, before the token is
// looked at: requests without one at once, requests whose token is
// refused (401) once the refusal is written, so that guessing tokens from
// one address is limited too. OPTIONS (a preflight) is not limited.
func (rl *rateLimiter) byAddress(next http.Handler) http.Handler {
	if rl.address == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodOptions:
		case r.Header.Get("Authorization") == "":
			if refused := rl.admitAddress(r); refused != nil {
				writeRateLimited(w, refused)
				return
			}
		case !isWebSocket(r): // a WebSocket's writer must stay a Hijacker
			w = &chargeRefusals{ResponseWriter: w, rl: rl, r: r}
		}
		next.ServeHTTP(w, r)
	})
}

// chargeRefusals charges the address for a refused token, and answers 429
// instead of 401 once the address's bucket is empty.
type chargeRefusals struct {
	http.ResponseWriter
	rl      *rateLimiter
	r       *http.Request
	limited bool
}

func (c *chargeRefusals) WriteHeader(status int) {
	if status == http.StatusUnauthorized {
		if refused := c.rl.admitAddress(c.r); refused != nil {
			c.limited = true
			c.Header().Del("WWW-Authenticate")
			writeRateLimited(c.ResponseWriter, refused)
			return
		}
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *chargeRefusals) Write(b []byte) (int, error) {
	if c.limited {
		return len(b), nil // the 401's body, replaced by the 429's
	}
	return c.ResponseWriter.Write(b)
}

// byPrincipal limits requests whose token was verified, by person and
// client.
func (rl *rateLimiter) byPrincipal(next http.Handler) http.Handler {
	if rl.principal == nil && rl.client == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := identity.FromContext(r.Context()); p != nil {
			if refused := rl.admit(p); refused != nil {
				writeRateLimited(w, refused)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// writeRateLimited answers 429 with Retry-After in whole seconds and the
// error in GraphQL's shape.
func writeRateLimited(w http.ResponseWriter, refused *rateLimitedError) {
	err := refused.err()
	w.Header().Set("Retry-After", strconv.Itoa(ratelimit.RetryAfterSeconds(refused.wait)))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{
			"message":    err.Message,
			"extensions": map[string]any{"code": string(err.Code), "limit": refused.limit},
		}},
	})
}

// limitedInit charges a WebSocket connection to its person and client once
// init has verified its token; over the limit, the connection is closed
// with 4429 (which graphql-ws does not retry at once).
func (rl *rateLimiter) limitedInit(init transport.WebsocketInitFunc) transport.WebsocketInitFunc {
	if rl.principal == nil && rl.client == nil {
		return init
	}
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		ctx, ack, err := init(ctx, payload)
		if err != nil {
			return ctx, ack, err
		}
		if p := identity.FromContext(ctx); p != nil {
			if refused := rl.admit(p); refused != nil {
				err := refused.err()
				ctx = transport.WithWebsocketCloseCode(ctx, closeTooManyRequests)
				ctx = transport.AppendCloseReason(ctx, closeReason(err.Message))
				return ctx, nil, err
			}
		}
		return ctx, ack, nil
	}
}

// operationRateLimit charges each operation sent over a WebSocket to its
// person and client (an HTTP request was charged when it arrived).
type operationRateLimit struct{ rl *rateLimiter }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = operationRateLimit{}

func (operationRateLimit) ExtensionName() string                   { return "OperationRateLimit" }
func (operationRateLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (o operationRateLimit) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if wsConnFrom(ctx) == nil {
		return next(ctx)
	}
	p := identity.FromContext(ctx)
	if p == nil {
		return next(ctx)
	}
	if refused := o.rl.admit(p); refused != nil {
		return graphql.OneShot(errorResponse(refused.err()))
	}
	return next(ctx)
}
