package identity

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Limits and allow-lists of token verification.
const (
	// MaxTokenBytes bounds a bearer token; larger ones are rejected unread.
	MaxTokenBytes = 8 << 10
	// Leeway tolerates clock skew between the issuer and the hub.
	Leeway = 30 * time.Second
	// verifierTTL rebuilds a verifier and its key set (and so refetches the
	// JWKS) this often, so that keys an issuer removed stop being trusted.
	verifierTTL = 24 * time.Hour
	// registrationTTL is how long issuer registrations are cached.
	registrationTTL = 30 * time.Second
	// principalTTL bounds how long a verified token's principal is reused
	// (never past the token's own expiry).
	principalTTL = time.Minute
	// maxCachedPrincipals bounds that cache; when full it starts over.
	maxCachedPrincipals = 10_000
)

// SigningAlgs are the only algorithms accepted: never none, never HMAC.
var SigningAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.ES256, jose.PS256}

// Authenticator verifies bearer tokens and maps them to principals.
type Authenticator struct {
	// JWKSRefetchInterval is the shortest time between two fetches of one
	// JWKS URL: a token with a key id the hub has not seen makes it fetch
	// the issuer's keys again, at most this often (default
	// DefaultJWKSRefetchInterval). Set it before the first Authenticate.
	JWKSRefetchInterval time.Duration
	// UnknownKeyIDTTL is how long a key id that a fetched JWKS did not hold
	// is refused without fetching again (default DefaultUnknownKeyIDTTL; 0:
	// not remembered). Set it before the first Authenticate.
	UnknownKeyIDTTL time.Duration

	q      db.Querier // reads issuer registrations and organisations
	client *http.Client
	now    func() time.Time

	mu            sync.Mutex
	verifiers     map[verifierKey]cachedVerifier
	keySets       map[string]cachedKeySet // by JWKS URL, shared by the verifiers that use it
	registrations map[string]cachedRegistrations
	principals    map[[32]byte]cachedPrincipal // by sha256 of the exact token
}

type cachedPrincipal struct {
	p     Principal
	until time.Time
}

type verifierKey struct{ issuer, audience, jwksURL string }

type cachedVerifier struct {
	v       *oidc.IDTokenVerifier
	expires time.Time
}

type cachedKeySet struct {
	ks      *keySet
	expires time.Time
}

type cachedRegistrations struct {
	issuers []Issuer
	expires time.Time
}

// NewAuthenticator returns an authenticator reading registrations through q
// (a pool: authentication happens before the request's transaction).
func NewAuthenticator(q db.Querier) *Authenticator {
	return &Authenticator{
		JWKSRefetchInterval: DefaultJWKSRefetchInterval,
		UnknownKeyIDTTL:     DefaultUnknownKeyIDTTL,
		q:                   q,
		client:              &http.Client{Timeout: 5 * time.Second},
		now:                 time.Now,
		verifiers:           map[verifierKey]cachedVerifier{},
		keySets:             map[string]cachedKeySet{},
		registrations:       map[string]cachedRegistrations{},
		principals:          map[[32]byte]cachedPrincipal{},
	}
}

// Forget drops cached registrations, verifiers and keys (after an issuer
// was registered, changed or removed).
func (a *Authenticator) Forget() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.verifiers = map[verifierKey]cachedVerifier{}
	a.keySets = map[string]cachedKeySet{}
	a.registrations = map[string]cachedRegistrations{}
	a.principals = map[[32]byte]cachedPrincipal{}
}

func unauthenticated(format string, args ...any) error {
	return apperr.Errorf(apperr.Unauthenticated, format, args...)
}

// Authenticate verifies raw and returns its principal. Errors are
// UNAUTHENTICATED, or FORBIDDEN for a verified person whose token asks for a
// role their organisation does not grant; the principal is then returned
// too, so that the refusal can be audited.
//
// A token verified once is recognised again for up to a minute (never past
// its expiry) without another signature check or database lookup: the
// cache is keyed by the token's SHA-256, so only the very same token hits.
// Refusals are never cached.
func (a *Authenticator) Authenticate(ctx context.Context, raw string) (*Principal, error) {
	if len(raw) > MaxTokenBytes {
		return nil, unauthenticated("bearer token is larger than %d bytes", MaxTokenBytes)
	}
	key := sha256.Sum256([]byte(raw))
	now := a.now()
	a.mu.Lock()
	c, ok := a.principals[key]
	a.mu.Unlock()
	if ok && now.Before(c.until) {
		p := c.p
		return &p, nil
	}
	p, expiry, err := a.authenticate(ctx, raw)
	if err != nil {
		return p, err
	}
	p.Expiry = expiry
	until := now.Add(principalTTL)
	if expiry.Before(until) {
		until = expiry
	}
	a.mu.Lock()
	if len(a.principals) >= maxCachedPrincipals {
		a.principals = map[[32]byte]cachedPrincipal{}
	}
	a.principals[key] = cachedPrincipal{p: *p, until: until}
	a.mu.Unlock()
	return p, nil
}

// authenticate verifies raw and returns its principal and expiry.
func (a *Authenticator) authenticate(ctx context.Context, raw string) (*Principal, time.Time, error) {
	// Unverified peek, only to choose the registration to verify against.
	tok, err := jwt.ParseSigned(raw, SigningAlgs)
	if err != nil {
		return nil, time.Time{}, unauthenticated("bearer token is not a JWT signed with an allowed algorithm (RS256, ES256, PS256)")
	}
	var peek map[string]any
	if err := tok.UnsafeClaimsWithoutVerification(&peek); err != nil {
		return nil, time.Time{}, unauthenticated("bearer token has unreadable claims")
	}
	iss, _ := peek["iss"].(string)
	regs, err := a.registrationsOf(ctx, iss)
	if err != nil {
		return nil, time.Time{}, err
	}
	if len(regs) == 0 {
		return nil, time.Time{}, unauthenticated("token issuer %q is not registered with the hub", truncate(iss, 100))
	}
	groups := trustGroups(regs, peek)
	if len(groups) == 0 {
		return nil, time.Time{}, unauthenticated("token was not issued for the hub (wrong audience)")
	}
	// Organisations that trust the same issuer may configure it
	// differently (their own key set, their own claim names). A token is
	// verified with one configuration and can then only belong to an
	// organisation of that configuration: keys that one organisation
	// registered never vouch for another's people.
	var firstErr error
	for _, group := range groups {
		reg := group[0]
		verifier, err := a.verifier(ctx, reg)
		if err != nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		idTok, err := verifier.Verify(ctx, raw)
		if err != nil {
			firstErr = cmp.Or(firstErr, describeVerifyError(err))
			continue
		}
		var claims map[string]any
		if err := idTok.Claims(&claims); err != nil {
			return nil, time.Time{}, unauthenticated("token has unreadable claims")
		}
		if nbf, ok := claims["nbf"].(float64); ok && time.Unix(int64(nbf), 0).After(a.now().Add(Leeway)) {
			return nil, time.Time{}, unauthenticated("token is not valid yet (nbf in the future)")
		}
		p, err := a.principal(ctx, group, reg, claims)
		return p, idTok.Expiry, err
	}
	return nil, time.Time{}, firstErr
}

// trustGroups returns the registrations whose audience the token names,
// grouped by how they verify and read tokens (key set and claim mapping),
// in registration order. Usually there is one group.
func trustGroups(regs []Issuer, claims map[string]any) [][]Issuer {
	var auds []string
	switch v := claims["aud"].(type) {
	case string:
		auds = []string{v}
	case []any:
		for _, a := range v {
			if s, ok := a.(string); ok {
				auds = append(auds, s)
			}
		}
	}
	type config struct {
		audience, jwks, user, name, org, unit, roles string
	}
	var order []config
	groups := map[config][]Issuer{}
	for _, r := range regs {
		if !slices.Contains(auds, r.Audience) {
			continue
		}
		c := config{audience: r.Audience, user: r.UserClaim, name: r.NameClaim, org: r.OrgClaim, unit: r.UnitClaim, roles: r.RolesClaim}
		if r.JWKSURL != nil {
			c.jwks = *r.JWKSURL
		}
		if _, ok := groups[c]; !ok {
			order = append(order, c)
		}
		groups[c] = append(groups[c], r)
	}
	out := make([][]Issuer, len(order))
	for i, c := range order {
		out[i] = groups[c]
	}
	return out
}

// principal maps verified claims to a person of one of the organisations
// of regs, the trust group reg (the registration that verified the token)
// belongs to.
func (a *Authenticator) principal(ctx context.Context, regs []Issuer, reg Issuer, claims map[string]any) (*Principal, error) {
	userID, _ := claims[reg.UserClaim].(string)
	if userID == "" {
		return nil, unauthenticated("token has no user id (claim %q)", reg.UserClaim)
	}
	// The client the token was issued to: azp (OIDC, Keycloak) or
	// client_id (RFC 9068 JWT access tokens, Ory Hydra).
	client := cmp.Or(stringClaim(claims, "azp"), stringClaim(claims, "client_id"))
	// A client credentials token names the client itself as its subject
	// (RFC 9068 §2.2; Ory Hydra does so): nobody acts under a samtycke
	// there, and an issuer registered by one organisation would otherwise
	// make the client a person of it with no roles.
	if client == userID {
		return nil, unauthenticated("token was issued to client %q for itself, not to a person (client credentials); the hub serves people only", truncate(client, 100))
	}
	orgNumber, _ := claims[reg.OrgClaim].(string)
	var unitID *uuid.UUID
	if s, ok := claims[reg.UnitClaim].(string); ok && s != "" {
		id, err := uuid.Parse(s)
		if err != nil {
			return nil, unauthenticated("token's unit (claim %q) is not a unit id", reg.UnitClaim)
		}
		unitID = &id
	}
	orgIDs := make([]uuid.UUID, 0, len(regs))
	for _, r := range regs {
		orgIDs = append(orgIDs, r.OrgID)
	}
	var org *orgAndUnit
	var err error
	if orgNumber == "" && len(orgIDs) > 1 {
		return nil, unauthenticated("token names no organisation (claim %q) although its issuer serves several", reg.OrgClaim)
	}
	if orgNumber == "" && len(orgIDs) == 1 {
		org, err = lookupOrgByID(ctx, a.q, orgIDs[0], unitID)
	} else {
		org, err = lookupOrg(ctx, a.q, orgIDs, orgNumber, unitID)
	}
	if err != nil {
		return nil, err
	}
	if org == nil {
		return nil, unauthenticated("the token's organisation %q does not trust issuer %q", truncate(orgNumber, 20), truncate(reg.IssuerURL, 100))
	}
	if !org.UnitOK {
		return nil, unauthenticated("the token's unit is not a unit of its organisation")
	}
	p := &Principal{
		OrgID:    org.OrgID,
		OrgKind:  tenancy.OrganizationKind(org.OrgKind),
		UnitID:   unitID,
		UserID:   userID,
		Issuer:   reg.IssuerURL,
		ClientID: client,
	}
	p.DisplayName = stringClaim(claims, reg.NameClaim)
	if p.DisplayName == "" {
		p.DisplayName = userID
	}
	roles, err := rolesClaim(claims[reg.RolesClaim])
	if err != nil {
		return nil, err
	}
	var refused []string
	for _, r := range roles {
		if !KnownRole(r) {
			return nil, unauthenticated("token carries an unknown role %q", truncate(string(r), 50))
		}
		if !Grants(p.OrgKind, r) {
			refused = append(refused, string(r))
		}
		p.Roles = append(p.Roles, r)
	}
	if len(refused) > 0 {
		return p, apperr.Errorf(apperr.Forbidden, "role %s is not one that an organisation of kind %s grants", strings.Join(refused, ", "), p.OrgKind)
	}
	return p, nil
}

func stringClaim(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return s
}

// rolesClaim reads a list of roles or a space-separated string.
func rolesClaim(v any) ([]Role, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		var out []Role
		for _, f := range strings.Fields(v) {
			out = append(out, Role(f))
		}
		return out, nil
	case []any:
		out := make([]Role, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, unauthenticated("token's roles must be strings")
			}
			out = append(out, Role(s))
		}
		return out, nil
	default:
		return nil, unauthenticated("token's roles claim is neither a list nor a string")
	}
}

func describeVerifyError(err error) error {
	var expired *oidc.TokenExpiredError
	switch {
	case errors.As(err, &expired):
		return unauthenticated("token has expired")
	case strings.Contains(err.Error(), "expected audience"):
		return unauthenticated("token was not issued for the hub (wrong audience)")
	case strings.Contains(err.Error(), "signature"):
		return unauthenticated("token signature is not valid")
	case strings.Contains(err.Error(), "before"):
		return unauthenticated("token is not valid yet")
	default:
		return unauthenticated("token verification failed")
	}
}

func (a *Authenticator) registrationsOf(ctx context.Context, iss string) ([]Issuer, error) {
	if iss == "" {
		return nil, nil
	}
	a.mu.Lock()
	c, ok := a.registrations[iss]
	a.mu.Unlock()
	if ok && a.now().Before(c.expires) {
		return c.issuers, nil
	}
	regs, err := IssuersByURL(ctx, a.q, iss)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.registrations[iss] = cachedRegistrations{issuers: regs, expires: a.now().Add(registrationTTL)}
	a.mu.Unlock()
	return regs, nil
}

// verifier returns a cached go-oidc verifier for the registration. Its
// key set (keyset.go) keeps the JWKS keys and refetches them, within
// limits, for an unknown key id; the verifier and its key set are rebuilt
// after verifierTTL.
func (a *Authenticator) verifier(ctx context.Context, reg Issuer) (*oidc.IDTokenVerifier, error) {
	key := verifierKey{issuer: reg.IssuerURL, audience: reg.Audience}
	if reg.JWKSURL != nil {
		key.jwksURL = *reg.JWKSURL
	}
	a.mu.Lock()
	c, ok := a.verifiers[key]
	a.mu.Unlock()
	if ok && a.now().Before(c.expires) {
		return c.v, nil
	}
	cfg := &oidc.Config{
		ClientID:             reg.Audience,
		SupportedSigningAlgs: []string{oidc.RS256, oidc.ES256, oidc.PS256},
		// Expiry with leeway; go-oidc itself allows 5 minutes on nbf, which
		// Authenticate narrows to Leeway.
		Now: func() time.Time { return a.now().Add(-Leeway) },
	}
	jwksURL := key.jwksURL
	if jwksURL == "" {
		discoverCtx, cancel := context.WithTimeout(oidc.ClientContext(ctx, a.client), 5*time.Second)
		defer cancel()
		provider, err := oidc.NewProvider(discoverCtx, reg.IssuerURL)
		if err != nil {
			return nil, unauthenticated("issuer %q cannot be reached for its keys", truncate(reg.IssuerURL, 100))
		}
		var meta struct {
			JWKSURI string `json:"jwks_uri"`
		}
		if err := provider.Claims(&meta); err != nil || meta.JWKSURI == "" {
			return nil, unauthenticated("issuer %q publishes no keys", truncate(reg.IssuerURL, 100))
		}
		jwksURL = meta.JWKSURI
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	ks, ksExpires := a.keySetLocked(jwksURL)
	v := oidc.NewVerifier(reg.IssuerURL, ks, cfg)
	// A verifier never outlives its key set, so that the keys are fetched
	// afresh at least every verifierTTL.
	expires := a.now().Add(verifierTTL)
	if ksExpires.Before(expires) {
		expires = ksExpires
	}
	a.verifiers[key] = cachedVerifier{v: v, expires: expires}
	return v, nil
}

// keySetLocked returns the key set of a JWKS URL and when it expires. One
// key set serves every registration that names the URL, so the limits on
// fetching hold per URL. a.mu must be held.
func (a *Authenticator) keySetLocked(jwksURL string) (*keySet, time.Time) {
	now := a.now()
	if c, ok := a.keySets[jwksURL]; ok && now.Before(c.expires) {
		return c.ks, c.expires
	}
	c := cachedKeySet{
		ks:      newKeySet(jwksURL, a.client, a.now, a.JWKSRefetchInterval, a.UnknownKeyIDTTL),
		expires: now.Add(verifierTTL),
	}
	a.keySets[jwksURL] = c
	return c.ks, c.expires
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
