package identity

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/logging"
)

// ClientOrigin is a web origin from which an organisation's single-page
// app (an OAuth client, e.g. hub-spa) calls the API: browsers let pages on
// it read the API's answers (CORS).
type ClientOrigin struct {
	OrgID    uuid.UUID `db:"org_id"`
	ClientID string    `db:"client_id"`
	Origin   string    `db:"origin"`
}

// NormalizeOrigin returns raw as a browser sends it in the Origin header
// (scheme://host[:port], lowercase, no default port, no path), or an error
// that says what is wrong with it.
func NormalizeOrigin(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", apperr.Invalidf("origin %q: give scheme://host[:port], e.g. https://app.example.se", truncate(raw, 100))
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", apperr.Invalidf("origin %q: an origin has no path, query or user (e.g. https://app.example.se)", truncate(raw, 100))
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	out := scheme + "://" + host
	if port != "" {
		out += ":" + port
	}
	if len(out) > 300 {
		return "", apperr.Invalidf("origin %q is longer than 300 characters", truncate(raw, 100))
	}
	return out, nil
}

// RegisterOrigin records that the organisation's client runs on origin
// (normalised first; registering twice is harmless).
func RegisterOrigin(ctx context.Context, q db.Querier, orgID uuid.UUID, clientID, origin string) error {
	o, err := NormalizeOrigin(origin)
	if err != nil {
		return err
	}
	if clientID == "" || len(clientID) > 200 {
		return apperr.Invalidf("a client origin needs the client's id (1 to 200 characters)")
	}
	if _, err := q.Exec(ctx, qRegisterClientOrigin, orgID, clientID, o); err != nil {
		return fmt.Errorf("register origin %s for client %s: %w", o, clientID, err)
	}
	return nil
}

// RemoveOrigin forgets the organisation's client's origin; it reports
// whether there was one.
func RemoveOrigin(ctx context.Context, q db.Querier, orgID uuid.UUID, clientID, origin string) (bool, error) {
	o, err := NormalizeOrigin(origin)
	if err != nil {
		return false, err
	}
	tag, err := q.Exec(ctx, qRemoveClientOrigin, orgID, clientID, o)
	if err != nil {
		return false, fmt.Errorf("remove origin %s of client %s: %w", o, clientID, err)
	}
	return tag.RowsAffected() > 0, nil
}

// ClientOrigins lists every registered origin.
func ClientOrigins(ctx context.Context, q db.Querier) ([]ClientOrigin, error) {
	out, err := db.Collect[ClientOrigin](ctx, q, qClientOrigins)
	if err != nil {
		return nil, fmt.Errorf("load client origins: %w", err)
	}
	return out, nil
}

// originsTTL is how long the allowed origins are cached: a registration
// (or removal) reaches every replica within it, as issuer registrations do
// (registrationTTL).
const originsTTL = registrationTTL

// originsRetry is how long a failed read of the registrations is not
// tried again.
const originsRetry = 5 * time.Second

// Origins answers whether browsers may call the API from an origin: one
// registered for any organisation's client. The answer is the same for
// every organisation because a preflight carries no token; the token
// still decides what the request may see.
type Origins struct {
	q   db.Querier
	now func() time.Time

	mu      sync.Mutex
	allowed map[string]bool // nil until loaded
	expires time.Time
}

// NewOrigins reads the registrations through q (the application pool).
func NewOrigins(q db.Querier) *Origins {
	return &Origins{q: q, now: time.Now}
}

// Allowed reports whether origin (an Origin header) is registered. When
// the registrations cannot be reloaded it keeps answering from the last
// ones it read (none before the first read), and returns the error.
func (o *Origins) Allowed(ctx context.Context, origin string) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var err error
	if o.allowed == nil || !o.now().Before(o.expires) {
		err = o.reload(ctx)
	}
	return o.allowed[origin], err
}

// reload reads the registrations; the caller holds mu, so one request
// reloads while the others wait for its answer.
func (o *Origins) reload(ctx context.Context) error {
	regs, err := ClientOrigins(ctx, o.q)
	if err != nil {
		// Keep the last list and try again only after a while: with the
		// database down, every browser request would otherwise wait in
		// turn for a read that fails.
		if o.allowed == nil {
			o.allowed = map[string]bool{}
		}
		o.expires = o.now().Add(originsRetry)
		return err
	}
	allowed := make(map[string]bool, len(regs))
	for _, r := range regs {
		allowed[r.Origin] = true
	}
	o.allowed, o.expires = allowed, o.now().Add(originsTTL)
	return nil
}

// Forget drops the cached registrations, so that the next call reads them
// again (after a registration in the same process, e.g. in tests).
func (o *Origins) Forget() {
	o.mu.Lock()
	o.allowed = nil
	o.mu.Unlock()
}

// AllowRequest is Allowed for a CORS middleware: it logs a failure to read
// the registrations (with the request's id) and answers from what it has.
func (o *Origins) AllowRequest(r *http.Request, origin string) bool {
	ok, err := o.Allowed(r.Context(), origin)
	if err != nil {
		logging.FromContext(r.Context()).Warn("CORS: the registered origins could not be read; answering from the last ones read", "error", err.Error())
	}
	return ok
}
