package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/logging"
	"github.com/samverkanshub/hub/internal/platform/metrics"
)

// A GraphQL WebSocket lives for hours and multiplexes operations, so what
// bounds one HTTP request does not bound it. Per connection the hub keeps:
// whose it is (at most MaxConnectionsPerUser connections per person and
// replica), how many operations run on it (at most
// MaxOperationsPerConnection at once), when the token that opened it
// expires (the connection is closed then, with 4403, so that the client
// reconnects with a fresh token and is authenticated again), and one
// samtycke event feed and one task event feed shared by all its
// subscriptions (an event is checked and audited once per connection, not
// once per duplicate subscription).

// Defaults of the WebSocket limits.
const (
	DefaultMaxConnectionsPerUser      = 8
	DefaultMaxOperationsPerConnection = 20
)

// Close codes of the graphql-transport-ws protocol the hub uses. The npm
// client graphql-ws (6.x) gives up at once on 4400, 4401, 4429, 4500 and
// 1002–1011 and reports the close to the app; it retries 4403 and 4408
// with backoff (1 s, 2 s, 4 s … plus 0.3–3 s, five times by default),
// asking the app for fresh connection parameters; it reconnects at once
// after 1000. docs/graphql-api.md tells clients what to do with each.
const (
	closeBadRequest      = 4400
	closeUnauthorized    = 4401
	closeForbidden       = 4403
	closeInitTimeout     = 4408
	closeTooManyRequests = 4429
	closeInternal        = 4500
)

// wsRegistry counts the open connections of each person on this replica.
type wsRegistry struct {
	maxPerUser int
	maxOps     int
	// timeout bounds each query and mutation on a connection, as the HTTP
	// server's request timeout bounds them over HTTP (a WebSocket request
	// has no deadline of its own but the token's expiry).
	timeout time.Duration

	mu      sync.Mutex
	perUser map[string]int
}

func newWSRegistry(maxPerUser, maxOps int, timeout time.Duration) *wsRegistry {
	return &wsRegistry{maxPerUser: maxPerUser, maxOps: maxOps, timeout: timeout, perUser: map[string]int{}}
}

// wsConn is the hub's state of one WebSocket connection, from the HTTP
// upgrade until the handler returns.
type wsConn struct {
	registry *wsRegistry
	cancel   context.CancelFunc

	mu           sync.Mutex
	ctx          context.Context // the connection's: ends with it, or when its token expires
	stopDeadline context.CancelFunc
	user         string       // the registry slot held ("" before init)
	expiry       time.Time    // of the token that opened the connection
	operations   int          // running now
	conn         *closingConn // once accepted
	closed       bool         // a close frame was sent
	peerGone     bool         // a read failed: the client closed, or the connection broke
	accepted     bool         // upgraded: counted in metrics.WebSocketsOpen
	consent      *consentFeed
	tasks        *taskFeed
}

type wsConnKey struct{}

func wsConnFrom(ctx context.Context) *wsConn {
	c, _ := ctx.Value(wsConnKey{}).(*wsConn)
	return c
}

// guard gives every WebSocket request its connection state, and frees the
// person's slot when the connection is over (the transport's handler
// returns only then, however the connection ended).
func (reg *wsRegistry) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isWebSocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		c := &wsConn{registry: reg, ctx: ctx, cancel: cancel}
		defer c.release()
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, wsConnKey{}, c)))
		c.closeIfOpen()
	})
}

// closeIfOpen closes a connection the transport left open: gqlgen returns
// without a close frame when the connection_init payload is not a JSON
// object, and the client would wait for an answer that never comes.
func (c *wsConn) closeIfOpen() {
	c.mu.Lock()
	conn, closed, gone := c.conn, c.closed, c.peerGone
	c.mu.Unlock()
	if conn == nil || closed || gone { // a client's own close is not the hub's 4400
		return
	}
	_ = conn.WriteClose(closeBadRequest, "the connection_init payload must be a JSON object of header names and values")
	_ = conn.Close()
}

// userKey identifies a person across their tokens.
func userKey(p *identity.Principal) string {
	return p.Issuer + "\x00" + p.OrgID.String() + "\x00" + p.UserID
}

// open records that p holds the connection, within the per-person limit,
// and returns the connection's context, ending when p's token expires.
func (c *wsConn) open(ctx context.Context, p *identity.Principal) (context.Context, error) {
	reg := c.registry
	key := userKey(p)
	reg.mu.Lock()
	if reg.perUser[key] >= reg.maxPerUser {
		reg.mu.Unlock()
		return ctx, apperr.Errorf(apperr.Forbidden, "too many WebSocket connections: at most %d per person at once; close one first", reg.maxPerUser)
	}
	reg.perUser[key]++
	reg.mu.Unlock()

	c.mu.Lock()
	defer c.mu.Unlock()
	c.user, c.expiry = key, p.Expiry
	if !p.Expiry.IsZero() {
		ctx, c.stopDeadline = context.WithDeadline(ctx, p.Expiry)
	}
	c.ctx = ctx
	return ctx, nil
}

func (c *wsConn) release() {
	c.cancel()
	c.mu.Lock()
	key := c.user
	c.user = ""
	if c.accepted {
		c.accepted = false
		metrics.WebSocketsOpen.Dec()
	}
	if c.stopDeadline != nil {
		c.stopDeadline()
	}
	c.mu.Unlock()
	if key == "" {
		return
	}
	reg := c.registry
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if reg.perUser[key]--; reg.perUser[key] <= 0 {
		delete(reg.perUser, key)
	}
}

// expired reports whether the token that opened the connection has
// expired.
func (c *wsConn) expired() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.expiry.IsZero() && !time.Now().Before(c.expiry)
}

func (c *wsConn) startOperation() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.operations >= c.registry.maxOps {
		return false
	}
	c.operations++
	return true
}

func (c *wsConn) endOperation() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.operations--
}

// connectionOperations bounds the operations running at once on one
// WebSocket connection; an operation over the limit is refused with an
// error, and the connection stays open. A query or mutation on a
// connection gets the request timeout that HTTP requests have.
type connectionOperations struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = connectionOperations{}

func (connectionOperations) ExtensionName() string                   { return "ConnectionOperations" }
func (connectionOperations) Validate(graphql.ExecutableSchema) error { return nil }

func (connectionOperations) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	c := wsConnFrom(ctx)
	if c == nil {
		return next(ctx)
	}
	if !c.startOperation() {
		return graphql.OneShot(errorResponse(apperr.Invalidf(
			"too many operations on this connection: at most %d at once; complete some first (one subscription receives every event it asks for)",
			c.registry.maxOps)))
	}
	end := c.endOperation
	timedOut := func() bool { return false }
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation != ast.Subscription {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.registry.timeout)
		end = func() { cancel(); c.endOperation() }
		limited := ctx
		timedOut = func() bool { return errors.Is(limited.Err(), context.DeadlineExceeded) }
	}
	responses := next(ctx)
	var once sync.Once
	answered := false
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		if resp == nil && !answered && timedOut() {
			// The executor ends an operation whose context is done without
			// a word; the client is told why.
			resp = errorResponse(errTimeLimit)
		}
		if resp == nil {
			once.Do(end)
		} else {
			answered = true
		}
		return resp
	}
}

// wsImplementation accepts WebSocket connections with gqlgen's default
// implementation and lets the hub choose the close code when it ends a
// connection itself: gqlgen closes a connection whose context ended with
// 1000 (normal closure), which graphql-ws clients answer by reconnecting
// at once with the same, expired token.
type wsImplementation struct {
	transport.CoderWebsocketImplementation
}

func (i wsImplementation) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := i.CoderWebsocketImplementation.Accept(w, r, o)
	if err != nil {
		return nil, err
	}
	cc := &closingConn{WebsocketConn: conn, state: wsConnFrom(r.Context()), ctx: r.Context()}
	if cc.state != nil {
		cc.state.mu.Lock()
		cc.state.conn = cc
		cc.state.accepted = true
		cc.state.mu.Unlock()
		metrics.WebSocketsOpen.Inc()
	}
	return cc, nil
}

// closingConn is a WebSocket whose close code the hub decides, and which
// logs why the hub closed it.
type closingConn struct {
	transport.WebsocketConn
	state *wsConn
	ctx   context.Context // the upgrade request's: its logger and access log fields
}

var (
	_ transport.WebsocketReadLimiter    = (*closingConn)(nil)
	_ transport.WebsocketReadDeadliner  = (*closingConn)(nil)
	_ transport.WebsocketImplementation = wsImplementation{}
)

// WriteClose sends the close frame with the code the protocol has for the
// reason: gqlgen closes with 1000 when a connection's context ends (the
// token's expiry: 4403, so that the client reconnects with a fresh token)
// and with 1002 for a malformed or unexpected message or no
// connection_init in time (4400 and 4408, with a reason a developer can
// act on). Every close but a normal one is logged once, with its code and
// reason: never the token nor the payload.
func (c *closingConn) WriteClose(code int, msg string) error {
	acknowledged := false
	if c.state != nil {
		c.state.mu.Lock()
		c.state.closed = true
		acknowledged = c.state.user != ""
		c.state.mu.Unlock()
	}
	switch {
	case c.state != nil && c.state.expired():
		code, msg = closeForbidden, "token expired: reconnect with a fresh token"
	case code == transport.WebsocketCloseProtocolError && msg == "connection initialisation timeout":
		code, msg = closeInitTimeout, "no connection_init message arrived in time: send it as soon as the socket opens"
	case code == transport.WebsocketCloseProtocolError && msg == "decoding error":
		code, msg = closeBadRequest, "the message is not a graphql-transport-ws message (a JSON object with a known \"type\")"
	case code == transport.WebsocketCloseProtocolError && msg == "unexpected message":
		code, msg = closeBadRequest, "unexpected message: send connection_init once, first, then subscribe, complete, ping or pong"
	}
	if code != transport.WebsocketCloseNormalClosure {
		logClose(c.ctx, code, msg, acknowledged)
	}
	metrics.CountWebSocketClose(code)
	return c.WebsocketConn.WriteClose(code, msg)
}

// NextReader notes when reading fails: the client closed the connection
// (or it broke), so the hub has nothing to close and no close of its own
// to log or count.
func (c *closingConn) NextReader() (int, io.Reader, error) {
	typ, r, err := c.WebsocketConn.NextReader()
	if err != nil && c.state != nil {
		c.state.mu.Lock()
		c.state.peerGone = true
		c.state.mu.Unlock()
	}
	return typ, r, err
}

// logClose records a close the hub decided: on the access log line of the
// connection (ws_close) and as a line of its own, once. The reason is the
// hub's own message, which may quote what the client sent (an unknown
// purpose): anything like a personnummer is redacted.
func logClose(ctx context.Context, code int, reason string, acknowledged bool) {
	logging.SetField(ctx, "ws_close", strconv.Itoa(code))
	level, what := slog.LevelInfo, "websocket connection refused"
	if acknowledged {
		what = "websocket connection closed by the hub"
	}
	if code == closeTooManyRequests || code >= closeInternal {
		level = slog.LevelWarn
	}
	logging.FromContext(ctx).Log(ctx, level, what, "close_code", code,
		"close_reason", identityNumberLike.ReplaceAllString(reason, "[redacted]"))
}

// SetReadLimit passes gqlgen's read limit (wsReadLimit) on.
func (c *closingConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c *closingConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return fmt.Errorf("read deadlines are not supported by %T", c.WebsocketConn)
}
