package graph

import (
	"context"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/graph/relay"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/logging"
)

// wsReadLimit bounds one WebSocket message from a client.
var wsReadLimit int64 = 64 << 10

// authenticateWebSocket verifies the token of a WebSocket connection from
// its connection_init payload ("Authorization": "Bearer …") exactly as the
// HTTP middleware does for requests, and takes the declared purpose
// ("Hub-Purpose") from it. A connection that fails is closed before any
// operation runs.
func authenticateWebSocket(a *identity.Authenticator, refused identity.Refusal) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		header := payload.Authorization()
		scheme, raw, ok := strings.Cut(header, " ")
		if header == "" || !ok || !strings.EqualFold(scheme, "Bearer") || len(raw) > identity.MaxTokenBytes {
			return ctx, nil, apperr.New(apperr.Unauthenticated, "authentication required: send \"Authorization\": \"Bearer <access token>\" in the connection_init payload")
		}
		p, err := a.Authenticate(ctx, strings.TrimSpace(raw))
		if err != nil {
			if apperr.CodeOf(err) == apperr.Forbidden && p != nil && refused != nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "/graphql", nil)
				refused(req, p, apperr.MessageOf(err))
			}
			if c := apperr.CodeOf(err); c != apperr.Unauthenticated && c != apperr.Forbidden {
				logging.FromContext(ctx).Error("authentication failed", "error", err.Error())
				err = apperr.New(apperr.Internal, "internal error")
			}
			return ctx, nil, err
		}
		purpose, err := declaredPurpose(payload.GetString(PurposeHeader), p)
		if err != nil {
			return ctx, nil, err
		}
		ctx = identity.WithPrincipal(ctx, p)
		if purpose != "" {
			ctx = withPurpose(ctx, purpose)
		}
		return ctx, nil, nil
	}
}

// consentEvents streams the samtycke events the subscriber may know of.
// Each event is checked with the rule in a fresh transaction under the
// subscriber's identity and purpose, at the time it arrives: a revocation
// that happened since the subscription began counts. A delivered event is
// audited like a read.
func (r *Resolver) consentEvents(ctx context.Context, individualID *string) (<-chan *model.ConsentEvent, error) {
	p := identity.FromContext(ctx)
	if p == nil {
		return nil, apperr.New(apperr.Unauthenticated, "authentication required")
	}
	purpose, err := requirePurpose(ctx)
	if err != nil {
		return nil, err
	}
	if r.ConsentEvents == nil {
		return nil, apperr.New(apperr.Internal, "consent events are not available on this server")
	}
	ownsConsents := r.Authz.Scope(p, authz.Read, authz.Consent).Own
	sharedPeople := r.Authz.Scope(p, authz.Read, authz.Individual).Consented
	if !ownsConsents && !sharedPeople {
		return nil, apperr.New(apperr.Forbidden, "your roles do not allow read on consent events")
	}
	var only *uuid.UUID
	if individualID != nil {
		id, err := parseKey(*individualID, relay.TypeIndividual, "individual")
		if err != nil {
			return nil, err
		}
		only = &id
	}
	events, unsubscribe := r.ConsentEvents.Subscribe()
	out := make(chan *model.ConsentEvent)
	settings := db.Settings{Values: sessionSettings(p)}
	settings.Values["hub.purpose"] = string(purpose)
	go func() {
		defer close(out)
		defer unsubscribe()
		for {
			var e consent.Event
			var open bool
			select {
			case <-ctx.Done():
				return
			case e, open = <-events:
				if !open {
					return // fell behind: the client resubscribes and refetches
				}
			}
			if only != nil && e.IndividualID != *only {
				continue
			}
			ev, err := r.checkConsentEvent(ctx, settings, p, e, ownsConsents, sharedPeople)
			if err != nil {
				logging.FromContext(ctx).Error("consent event not delivered", "error", err.Error())
				continue
			}
			if ev == nil {
				continue
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// checkConsentEvent decides, in its own transaction, whether the
// subscriber may know of e, and audits the delivery. nil: not theirs.
func (r *Resolver) checkConsentEvent(ctx context.Context, settings db.Settings, p *identity.Principal, e consent.Event, ownsConsents, sharedPeople bool) (*model.ConsentEvent, error) {
	s := db.NewSession(r.Pool, settings)
	defer func() { _ = s.Rollback(context.WithoutCancel(ctx)) }()
	ctx, trail := audit.WithTrail(db.WithSession(ctx, s))
	ev := &model.ConsentEvent{Kind: e.Kind, At: e.At, IndividualID: relay.ID(relay.TypeIndividual, e.IndividualID)}
	switch {
	case ownsConsents && e.OrgID == p.OrgID:
		found, err := consent.ByID(ctx, s, []uuid.UUID{e.ConsentID}) // the own organisation's only
		if err != nil {
			return nil, err
		}
		c, ok := found[e.ConsentID]
		if !ok {
			return nil, nil
		}
		id := relay.ID(relay.TypeConsent, c.ID)
		ev.ConsentID = &id
		recordConsents(ctx, false, c)
	case sharedPeople && e.Kind == consent.EventRecorded && e.OrgID != p.OrgID:
		allowing, err := consent.AllowingFor(ctx, s, e.IndividualID)
		if err != nil || allowing == nil {
			return nil, err
		}
		audit.RecordAccess(ctx, audit.Access{IndividualID: e.IndividualID, OwnerOrgID: e.OrgID,
			ObjectID: ev.IndividualID, ConsentID: allowing})
	default:
		return nil, nil
	}
	if err := writeAudit(ctx, s, trail, ""); err != nil {
		return nil, err
	}
	if err := s.Commit(ctx); err != nil {
		return nil, err
	}
	return ev, nil
}
