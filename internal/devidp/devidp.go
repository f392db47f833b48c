// Package devidp is the development identity provider: a real, small OIDC
// provider for local runs and tests. It serves discovery, a JWKS with an
// RSA and an EC key, signed JWT access and ID tokens, the password grant
// (client hub-cli, for scripts) and authorization code with PKCE (client
// hub-spa, for single-page apps and GraphiQL, with a login page listing the
// demo users).
//
// Only `hub dev` and tests start it; `hub serve` never mounts it. Every
// demo user's password is "demo".
package devidp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Client ids and the audience of access tokens.
const (
	ClientCLI   = "hub-cli"
	ClientSPA   = "hub-spa"
	APIAudience = "hub-api"
	Password    = "demo"
	tokenTTL    = time.Hour
	codeTTL     = time.Minute
)

// User is a person the provider can log in.
type User struct {
	Login     string // also the subject
	Name      string
	OrgNumber string
	UnitID    string
	Roles     []string
}

// Provider is the dev OIDC provider; it is an http.Handler.
type Provider struct {
	issuer string
	users  map[string]User
	order  []string // logins in display order
	mux    *http.ServeMux
	now    func() time.Time

	ecKey *ecdsa.PrivateKey
	ecKid string

	mu      sync.Mutex
	rsaKeys []signingKey // the last one signs; all are published
	codes   map[string]authCode
}

type signingKey struct {
	key *rsa.PrivateKey
	kid string
}

type authCode struct {
	login, redirectURI, challenge, nonce, scope string
	expires                                     time.Time
}

// New creates a provider for issuer (its public base URL, e.g.
// http://localhost:8081) with fresh signing keys.
func New(issuer string, users []User) (*Provider, error) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate RSA key: %w", err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate EC key: %w", err)
	}
	p := &Provider{
		issuer: strings.TrimRight(issuer, "/"),
		users:  map[string]User{},
		now:    time.Now,
		ecKey:  ecKey, ecKid: "ec-" + randomID(4),
		rsaKeys: []signingKey{{key: rsaKey, kid: "rsa-" + randomID(4)}},
		codes:   map[string]authCode{},
	}
	for _, u := range users {
		p.users[u.Login] = u
		p.order = append(p.order, u.Login)
	}
	p.mux = http.NewServeMux()
	p.mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	p.mux.HandleFunc("GET /jwks", p.jwks)
	p.mux.HandleFunc("POST /token", p.token)
	p.mux.HandleFunc("GET /authorize", p.authorizePage)
	p.mux.HandleFunc("POST /authorize", p.authorizeSubmit)
	return p, nil
}

// Issuer returns the issuer URL.
func (p *Provider) Issuer() string { return p.issuer }

// ServeHTTP serves the provider's endpoints. Pages on this machine (the
// hub's GraphiQL, a local SPA) may call discovery and the token endpoint
// from the browser.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if origin := r.Header.Get("Origin"); origin != "" && localRedirect(origin) {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Vary", "Origin")
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	p.mux.ServeHTTP(w, r)
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.issuer,
		"authorization_endpoint":                p.issuer + "/authorize",
		"token_endpoint":                        p.issuer + "/token",
		"jwks_uri":                              p.issuer + "/jwks",
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code", "password"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"none"},
		"scopes_supported":                      []string{"openid", "profile"},
		"claims_supported":                      []string{"sub", "name", "preferred_username", "hub_org", "hub_unit", "hub_roles"},
	})
}

func (p *Provider) jwks(w http.ResponseWriter, _ *http.Request) {
	p.mu.Lock()
	keys := make([]jose.JSONWebKey, 0, len(p.rsaKeys)+1)
	for _, k := range p.rsaKeys {
		keys = append(keys, jose.JSONWebKey{Key: &k.key.PublicKey, KeyID: k.kid, Algorithm: string(jose.RS256), Use: "sig"})
	}
	p.mu.Unlock()
	keys = append(keys, jose.JSONWebKey{Key: &p.ecKey.PublicKey, KeyID: p.ecKid, Algorithm: string(jose.ES256), Use: "sig"})
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: keys})
}

// Rotate gives the provider a new RSA signing key, as an identity provider
// rotates its keys: RS256 tokens are signed with it from now on, and the
// JWKS publishes it beside the earlier ones, whose tokens stay valid. It
// returns the new key's id.
func (p *Provider) Rotate() (string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", fmt.Errorf("generate RSA key: %w", err)
	}
	kid := "rsa-" + randomID(4)
	p.mu.Lock()
	p.rsaKeys = append(p.rsaKeys, signingKey{key: key, kid: kid})
	p.mu.Unlock()
	return kid, nil
}

// token implements the token endpoint for the password and the
// authorization-code grants.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	client := r.PostForm.Get("client_id")
	alg := jose.SignatureAlgorithm(r.PostForm.Get("signing_alg")) // dev-only: choose RS256 (default) or ES256
	if alg == "" {
		alg = jose.RS256
	}
	if alg != jose.RS256 && alg != jose.ES256 {
		oauthError(w, http.StatusBadRequest, "invalid_request", "signing_alg must be RS256 or ES256")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "password":
		if client != ClientCLI {
			oauthError(w, http.StatusBadRequest, "unauthorized_client", "only client hub-cli may use the password grant")
			return
		}
		u, ok := p.users[r.PostForm.Get("username")]
		if !ok || r.PostForm.Get("password") != Password {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown user or wrong password")
			return
		}
		p.issueTokens(w, u, client, "", "openid profile", alg)
	case "authorization_code":
		if client != ClientSPA {
			oauthError(w, http.StatusBadRequest, "unauthorized_client", "only client hub-spa may use the authorization-code grant")
			return
		}
		p.mu.Lock()
		code, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code")) // single use
		p.mu.Unlock()
		switch {
		case !ok || p.now().After(code.expires):
			oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown or expired code")
		case code.redirectURI != r.PostForm.Get("redirect_uri"):
			oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request")
		case s256(r.PostForm.Get("code_verifier")) != code.challenge:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code_challenge")
		default:
			p.issueTokens(w, p.users[code.login], client, code.nonce, code.scope, alg)
		}
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "use grant_type password or authorization_code")
	}
}

func (p *Provider) issueTokens(w http.ResponseWriter, u User, client, nonce, scope string, alg jose.SignatureAlgorithm) {
	now := p.now()
	access, err := p.Sign(alg, "at+jwt", p.AccessClaims(u, client, now, now.Add(tokenTTL)))
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", "signing failed")
		return
	}
	idClaims := map[string]any{
		"iss": p.issuer, "sub": u.Login, "aud": client, "iat": now.Unix(), "exp": now.Add(tokenTTL).Unix(),
		"name": u.Name, "preferred_username": u.Login,
	}
	if nonce != "" {
		idClaims["nonce"] = nonce
	}
	id, err := p.Sign(alg, "JWT", idClaims)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", "signing failed")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": int(tokenTTL.Seconds()),
		"id_token": id, "scope": scope,
	})
}

// AccessClaims returns the claims of an access token for u. Tests change
// them to build tokens the provider really signs but the hub must refuse
// (expired, wrong audience, foreign organisation, …).
func (p *Provider) AccessClaims(u User, client string, notBefore, expires time.Time) map[string]any {
	return map[string]any{
		"iss": p.issuer, "sub": u.Login, "aud": []string{APIAudience}, "azp": client,
		"iat": notBefore.Unix(), "nbf": notBefore.Unix(), "exp": expires.Unix(), "jti": randomID(8),
		"name": u.Name, "preferred_username": u.Login, "scope": "openid profile",
		"hub_org": u.OrgNumber, "hub_unit": u.UnitID, "hub_roles": u.Roles,
	}
}

// User returns the user with login, if any.
func (p *Provider) User(login string) (User, bool) {
	u, ok := p.users[login]
	return u, ok
}

// Sign signs claims with the provider's key for alg (RS256 or ES256).
func (p *Provider) Sign(alg jose.SignatureAlgorithm, typ string, claims map[string]any) (string, error) {
	key := jose.SigningKey{Algorithm: alg}
	var kid string
	switch alg {
	case jose.RS256:
		p.mu.Lock()
		current := p.rsaKeys[len(p.rsaKeys)-1]
		p.mu.Unlock()
		key.Key, kid = current.key, current.kid
	case jose.ES256:
		key.Key, kid = p.ecKey, p.ecKid
	default:
		return "", fmt.Errorf("unsupported algorithm %s", alg)
	}
	signer, err := jose.NewSigner(key, (&jose.SignerOptions{}).WithType(jose.ContentType(typ)).WithHeader("kid", kid))
	if err != nil {
		return "", err
	}
	return jwt.Signed(signer).Claims(claims).Serialize()
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// localRedirect accepts only http(s) redirect URIs on this machine.
func localRedirect(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}
