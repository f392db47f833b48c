package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/samtycke"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/logging"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// wsReadLimit bounds one WebSocket message from a client.
var wsReadLimit int64 = 64 << 10

// authenticateWebSocket verifies the token of a WebSocket connection from
// its connection_init payload ("Authorization": "Bearer …") exactly as the
// HTTP middleware does for requests, and takes the declared purpose
// ("Hub-Purpose") from it; payload keys are matched without regard to
// case, like HTTP header names. A connection that fails is closed before
// any operation runs, with the protocol's code and the reason (4401
// without a valid token, 4403 when refused, 4400 for a bad payload,
// 4429 over the per-person connection limit), which graphql-ws clients
// report instead of reconnecting at once (closingConn logs it). Refusals
// of a known person are audited.
func authenticateWebSocket(a *identity.Authenticator, application *app.App, refused *app.Refusals) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		fail := func(code int, err error) (context.Context, *transport.InitPayload, error) {
			ctx = transport.WithWebsocketCloseCode(ctx, code)
			ctx = transport.AppendCloseReason(ctx, closeReason(apperr.MessageOf(err)))
			return ctx, nil, err
		}
		header, err := initHeader(payload, "Authorization")
		if err != nil {
			return fail(closeBadRequest, err)
		}
		purpose, err := initHeader(payload, PurposeHeader)
		if err != nil {
			return fail(closeBadRequest, err)
		}
		if header == "" {
			msg := "authentication required: send \"Authorization\": \"Bearer <access token>\" in the connection_init payload"
			if _, nested := payload["headers"]; nested {
				msg += " (at its top level, not under \"headers\")"
			}
			return fail(closeUnauthorized, apperr.New(apperr.Unauthenticated, msg))
		}
		scheme, raw, ok := strings.Cut(header, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(raw) == "" || len(raw) > identity.MaxTokenBytes {
			return fail(closeUnauthorized, apperr.New(apperr.Unauthenticated, "the Authorization value in the connection_init payload must be \"Bearer <access token>\""))
		}
		p, err := a.Authenticate(ctx, strings.TrimSpace(raw))
		if err != nil {
			switch apperr.CodeOf(err) {
			case apperr.Unauthenticated:
				return fail(closeUnauthorized, err)
			case apperr.Forbidden:
				if p != nil {
					refused.Record(ctx, p, wsInitOperation, apperr.MessageOf(err))
				}
				return fail(closeForbidden, err)
			default:
				logging.FromContext(ctx).Error("authentication failed", "error", err.Error())
				return fail(closeInternal, apperr.New(apperr.Internal, "internal error"))
			}
		}
		recordPrincipal(ctx, p)
		actor, err := application.NewActor(p, purpose)
		if err != nil {
			refused.Record(ctx, p, wsInitOperation, apperr.MessageOf(err))
			if apperr.CodeOf(err) == apperr.Forbidden {
				return fail(closeForbidden, err)
			}
			return fail(closeBadRequest, err)
		}
		if !p.Expiry.IsZero() && !time.Now().Before(p.Expiry) {
			// Verification allows for clock skew; a connection would end at once.
			return fail(closeUnauthorized, apperr.New(apperr.Unauthenticated, "token has expired"))
		}
		ctx = withConnectionActor(identity.WithPrincipal(ctx, p), actor)
		if c := wsConnFrom(ctx); c != nil {
			if ctx, err = c.open(ctx, p); err != nil {
				refused.Record(ctx, p, wsInitOperation, apperr.MessageOf(err))
				return fail(closeTooManyRequests, err)
			}
		}
		return ctx, nil, nil
	}
}

// wsInitOperation names a connection refused at connection_init in the
// audit trail (operation type http: no GraphQL operation ran).
var wsInitOperation = app.Operation{Type: "http", Name: "GET /graphql (WebSocket connection_init)"}

// initHeader reads a header from the connection_init payload by name,
// without regard to case, as HTTP header names are read: clients send
// "authorization" and "hub-purpose" as readily as the canonical spelling.
// A value that is not a string, or a name sent twice in different cases,
// makes the payload bad (which one would count?).
func initHeader(payload transport.InitPayload, name string) (string, error) {
	var keys []string
	value := ""
	for k, v := range payload {
		if !strings.EqualFold(k, name) {
			continue
		}
		keys = append(keys, truncate(k, 50))
		s, ok := v.(string)
		if !ok {
			return "", apperr.Invalidf("%s in the connection_init payload must be a string, not %s", name, jsonKind(v))
		}
		value = s
	}
	if len(keys) > 1 {
		slices.Sort(keys)
		return "", apperr.Invalidf("the connection_init payload names %s %d times (%s): send it once", name, len(keys), strings.Join(keys, ", "))
	}
	return value, nil
}

// jsonKind names the JSON type of a decoded value, for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// closeReason fits a message into a WebSocket close frame (at most 123
// bytes of reason), cut at a character boundary.
func closeReason(msg string) string {
	const max = 123
	if len(msg) <= max {
		return msg
	}
	cut := max - len("…")
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "…"
}

// consentEvents streams the samtycke events the subscriber may know of.
// Each event is checked with the rule in a fresh transaction under the
// subscriber's identity and purpose, at the time it arrives: a revocation
// that happened since the subscription began counts. A delivered event is
// audited like a read. The subscriptions of one WebSocket connection share
// one feed, so an event is checked and audited once per connection however
// many subscriptions ask for it.
func (r *Resolver) consentEvents(ctx context.Context, individualID *string) (<-chan *model.ConsentEvent, error) {
	actor, _ := connectionActor(ctx)
	if err := r.Samtycke.MayFollow(actor); err != nil {
		return nil, err
	}
	if r.ConsentEvents == nil {
		return nil, apperr.New(apperr.Internal, "consent events are not available on this server")
	}
	var only *uuid.UUID
	if individualID != nil {
		id, err := parseKey(*individualID, relay.TypeIndividual, "individual")
		if err != nil {
			return nil, err
		}
		only = &id
	}
	var feed *consentFeed
	if c := wsConnFrom(ctx); c != nil {
		feed = c.consentFeed(r, actor)
	} else {
		// Not over a WebSocket (no other transport serves subscriptions
		// today): a feed of its own, ending with the subscription.
		feed = newConsentFeed(r, ctx, actor)
	}
	return feed.subscribe(ctx, only), nil
}

// consentFeed checks samtycke events for one connection's principal and
// purpose and hands each allowed event to the connection's subscriptions
// that ask for it.
type consentFeed struct {
	r     *Resolver
	ctx   context.Context // the connection's lifetime
	actor app.Actor

	mu     sync.Mutex
	next   int
	subs   map[int]*feedSubscriber
	closed bool
}

type feedSubscriber struct {
	only *uuid.UUID // one individual, or every one
	out  chan *model.ConsentEvent
}

// feedBuffer bounds the events waiting for one subscription; one that
// falls further behind ends (the client resubscribes and refetches).
const feedBuffer = 64

// consentFeed returns the connection's feed, starting one if there is none
// or the last one was cut off (it fell behind): the subscriptions it ended
// are resubscribed to a fresh one.
func (c *wsConn) consentFeed(r *Resolver, actor app.Actor) *consentFeed {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.consent == nil || c.consent.isClosed() {
		c.consent = newConsentFeed(r, c.ctx, actor)
	}
	return c.consent
}

func (f *consentFeed) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// newConsentFeed starts a feed for actor, running until ctx ends.
func newConsentFeed(r *Resolver, ctx context.Context, actor app.Actor) *consentFeed {
	f := &consentFeed{r: r, ctx: ctx, actor: actor, subs: map[int]*feedSubscriber{}}
	events, unsubscribe := r.ConsentEvents.Subscribe()
	go f.run(events, unsubscribe)
	return f
}

// subscribe adds a subscription, removed when ctx (the operation's) ends.
func (f *consentFeed) subscribe(ctx context.Context, only *uuid.UUID) <-chan *model.ConsentEvent {
	sub := &feedSubscriber{only: only, out: make(chan *model.ConsentEvent, feedBuffer)}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		close(sub.out)
		return sub.out
	}
	id := f.next
	f.next++
	f.subs[id] = sub
	f.mu.Unlock()
	go func() {
		<-ctx.Done()
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[id]; ok {
			delete(f.subs, id)
			close(sub.out)
		}
	}()
	return sub.out
}

func (f *consentFeed) run(events <-chan consent.Event, unsubscribe func()) {
	defer f.closeAll()
	defer unsubscribe()
	for {
		var e consent.Event
		var open bool
		select {
		case <-f.ctx.Done():
			return
		case e, open = <-events:
			if !open {
				return // fell behind: the clients resubscribe and refetch
			}
		}
		if !f.wanted(e) {
			continue
		}
		checked, err := f.r.Samtycke.CheckEvent(f.ctx, f.actor, e)
		if err != nil {
			logging.FromContext(f.ctx).Error("consent event not delivered", "error", err.Error())
			continue
		}
		if checked != nil {
			f.deliver(e, consentEventOf(*checked))
		}
	}
}

// wanted reports whether any subscription asks for e's individual: an
// event nobody asks for is neither checked nor audited.
func (f *consentFeed) wanted(e consent.Event) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.subs {
		if s.only == nil || *s.only == e.IndividualID {
			return true
		}
	}
	return false
}

func (f *consentFeed) deliver(e consent.Event, ev *model.ConsentEvent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, s := range f.subs {
		if s.only != nil && *s.only != e.IndividualID {
			continue
		}
		select {
		case s.out <- ev:
		default:
			delete(f.subs, id)
			close(s.out)
		}
	}
}

func (f *consentFeed) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for id, s := range f.subs {
		delete(f.subs, id)
		close(s.out)
	}
}

// consentEventOf converts an event the subscriber may know of.
func consentEventOf(e samtycke.Event) *model.ConsentEvent {
	ev := &model.ConsentEvent{Kind: e.Kind, At: e.Event.At, IndividualID: relay.ID(relay.TypeIndividual, e.IndividualID)}
	if e.ConsentID != nil {
		id := relay.ID(relay.TypeConsent, *e.ConsentID)
		ev.ConsentID = &id
	}
	return ev
}
