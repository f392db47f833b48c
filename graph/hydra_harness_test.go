package graph_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/devidp"
)

// This file runs Ory Hydra v2 (tools/hydra, its own Go module so that its
// dependencies never move the hub's) as an OpenID provider for tests: an
// identity provider the hub's authors did not write. docs/identity.md,
// "Tested identity providers", says what is tested with it.

// hydraBuildTags: DSN=memory is SQLite in memory, which Hydra compiles in
// only with these tags (and cgo).
const hydraBuildTags = "sqlite,sqlite_omit_load_extension"

// hydraAccessTokenKeys is the key set Hydra signs JWT access tokens with;
// hydraInitialKeyID is the test's first key in it.
const (
	hydraAccessTokenKeys = "hydra.jwt.access-token"
	hydraInitialKeyID    = "initial-key"
)

// buildHydra builds the Hydra executable from tools/hydra into the user's
// cache directory and returns its path. `go tool hydra` would cache the
// linked executable itself but takes no build tags; here the compiled
// packages are in GOCACHE and go build leaves an up-to-date executable
// alone, so only the first build on a machine is slow (minutes: SQLite's C
// source; `make test` does it first, `make hydra`). A failed build fails
// the test: Hydra is part of `make test`.
func buildHydra(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "tools", "hydra"))
	require.NoError(t, err)
	cache, err := os.UserCacheDir()
	require.NoError(t, err, "a place to keep the Hydra executable")
	bin := filepath.Join(cache, "samverkanshub", "hydra", "hydra")
	cmd := exec.Command("go", "build", "-tags", hydraBuildTags, "-o", bin, "github.com/ory/hydra/v2")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1") // SQLite needs cgo: fail loudly without a C compiler
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "build Ory Hydra in %s (go build -tags %s):\n%s", dir, hydraBuildTags, out)
	return bin
}

// hydraProvider is a running Hydra with a login and consent app that logs in
// the demo user the authorization request names (login_hint) and puts the
// hub's claims for that user in the access token.
type hydraProvider struct {
	// Issuer is Hydra's issuer URL: a counting proxy in front of its public
	// port, so that tests see what the hub asked Hydra.
	Issuer    string
	publicURL string // Hydra itself, for the test's own look-ups
	adminURL  string
	requests  *requestCounter
	logs      *syncBuffer
}

// startHydra starts Hydra (in-memory store, JWT access tokens) on free
// loopback ports; claims gives the access token's extra claims for a
// subject, or nil to refuse the login.
func startHydra(t *testing.T, claims func(subject string) map[string]any) *hydraProvider {
	t.Helper()
	start := time.Now()
	bin := buildHydra(t)
	built := time.Now()
	h := &hydraProvider{requests: &requestCounter{}, logs: &syncBuffer{}}

	publicPort, adminPort := freeLoopbackPort(t), freeLoopbackPort(t)
	h.publicURL = fmt.Sprintf("http://127.0.0.1:%d", publicPort)
	publicURL := h.publicURL
	h.adminURL = fmt.Sprintf("http://127.0.0.1:%d", adminPort)

	target, err := url.Parse(publicURL)
	require.NoError(t, err)
	proxy := httptest.NewServer(h.requests.wrap(httputil.NewSingleHostReverseProxy(target)))
	t.Cleanup(proxy.Close)
	h.Issuer = proxy.URL

	app := httptest.NewServer(h.loginConsentApp(t, claims))
	t.Cleanup(app.Close)

	// The issuer and the URLs in Hydra's redirects are the proxy's.
	config := fmt.Sprintf(`dsn: memory
log: {level: warn, leak_sensitive_values: false}
serve:
  public: {host: 127.0.0.1, port: %d}
  admin: {host: 127.0.0.1, port: %d}
urls:
  self: {issuer: %q, public: %q}
  login: %q
  consent: %q
strategies:
  access_token: jwt
oauth2:
  # The hub reads its claims at the top level, not under "ext".
  allowed_top_level_claims: [name, hub_org, hub_unit, hub_roles]
  mirror_top_level_claims: false
secrets:
  system: [%q]
`, publicPort, adminPort, h.Issuer, h.Issuer, app.URL+"/login", app.URL+"/consent", randomString(t))
	cfgPath := filepath.Join(t.TempDir(), "hydra.yml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(config), 0o600))

	// --dev allows an http issuer.
	cmd := exec.Command(bin, "serve", "all", "--dev", "--config", cfgPath)
	cmd.Env = append(os.Environ(), "DSN=memory")
	cmd.Stdout, cmd.Stderr = h.logs, h.logs
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("Ory Hydra's log:\n%s", h.logs.String())
		}
	})

	// Both listeners: `serve all` starts them independently.
	ready := func(base string) bool {
		res, err := http.Get(base + "/health/ready")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}
	deadline := time.Now().Add(60 * time.Second)
	for !ready(h.adminURL) || !ready(h.publicURL) {
		select {
		case <-exited:
			t.Fatalf("Ory Hydra exited at start:\n%s", h.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("Ory Hydra was not ready within 60 s:\n%s", h.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("Ory Hydra built in %s, ready %s later", built.Sub(start).Round(time.Millisecond), time.Since(built).Round(time.Millisecond))

	// Hydra makes a 4096-bit RSA key for a key set on its first use, which
	// on a loaded machine outlasts its 10 s write timeout (the discovery
	// document would end in EOF). So it gets its keys up front: an imported
	// RSA-2048 key signs access tokens (RS256, the usual case), an EC key
	// ID tokens.
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	require.NoError(t, h.admin(http.MethodPut, "/admin/keys/"+hydraAccessTokenKeys, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: rsaKey, KeyID: hydraInitialKeyID, Algorithm: string(jose.RS256), Use: "sig"},
	}}, nil))
	require.NoError(t, h.admin(http.MethodPost, "/admin/keys/hydra.openid.id-token",
		map[string]any{"alg": "ES256", "use": "sig", "kid": "id-token-key"}, nil))
	return h
}

// loginConsentApp is the login and consent app Hydra redirects the browser
// to: what an organisation's own login page would do, minus the password.
func (h *hydraProvider) loginConsentApp(t *testing.T, claims func(string) map[string]any) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		challenge := r.URL.Query().Get("login_challenge")
		var req struct {
			OIDCContext struct {
				LoginHint string `json:"login_hint"`
			} `json:"oidc_context"`
		}
		if err := h.admin(http.MethodGet, "/admin/oauth2/auth/requests/login?login_challenge="+url.QueryEscape(challenge), nil, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		subject := req.OIDCContext.LoginHint
		var accepted struct {
			RedirectTo string `json:"redirect_to"`
		}
		if claims(subject) == nil {
			if err := h.admin(http.MethodPut, "/admin/oauth2/auth/requests/login/reject?login_challenge="+url.QueryEscape(challenge),
				map[string]any{"error": "access_denied", "error_description": "unknown user"}, &accepted); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
		} else if err := h.admin(http.MethodPut, "/admin/oauth2/auth/requests/login/accept?login_challenge="+url.QueryEscape(challenge),
			map[string]any{"subject": subject}, &accepted); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		http.Redirect(w, r, accepted.RedirectTo, http.StatusFound)
	})
	mux.HandleFunc("GET /consent", func(w http.ResponseWriter, r *http.Request) {
		challenge := r.URL.Query().Get("consent_challenge")
		var req struct {
			Subject        string   `json:"subject"`
			RequestedScope []string `json:"requested_scope"`
			RequestedAud   []string `json:"requested_access_token_audience"`
		}
		if err := h.admin(http.MethodGet, "/admin/oauth2/auth/requests/consent?consent_challenge="+url.QueryEscape(challenge), nil, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		var accepted struct {
			RedirectTo string `json:"redirect_to"`
		}
		// The hub's claims go into the access token (session.access_token),
		// for the audience the client asked for.
		if err := h.admin(http.MethodPut, "/admin/oauth2/auth/requests/consent/accept?consent_challenge="+url.QueryEscape(challenge), map[string]any{
			"grant_scope":                 req.RequestedScope,
			"grant_access_token_audience": req.RequestedAud,
			"session":                     map[string]any{"access_token": claims(req.Subject)},
		}, &accepted); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		http.Redirect(w, r, accepted.RedirectTo, http.StatusFound)
	})
	return mux
}

// admin calls Hydra's admin API with a JSON body (nil: none) and decodes
// a JSON answer into out (nil: ignored).
func (h *hydraProvider) admin(method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, h.adminURL+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("hydra admin %s %s: %s: %s", method, path, res.Status, raw)
	}
	if out != nil && len(raw) > 0 {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// hydraClient is an OAuth2 client registered in Hydra.
type hydraClient struct {
	ID, Secret, RedirectURI string
}

// createClient registers a confidential client allowed the authorization
// code flow (PKCE is used too) and client credentials, for the audiences
// given.
func (h *hydraProvider) createClient(t *testing.T, audiences ...string) hydraClient {
	t.Helper()
	redirect := "http://127.0.0.1:1/callback" // never reached: the flow stops at the redirect
	var c struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	require.NoError(t, h.admin(http.MethodPost, "/admin/clients", map[string]any{
		"client_name":                "hub partner app (test)",
		"grant_types":                []string{"authorization_code", "client_credentials"},
		"response_types":             []string{"code"},
		"redirect_uris":              []string{redirect},
		"scope":                      "openid",
		"audience":                   audiences,
		"token_endpoint_auth_method": "client_secret_post",
	}, &c))
	require.NotEmpty(t, c.ClientID)
	require.NotEmpty(t, c.ClientSecret)
	return hydraClient{ID: c.ClientID, Secret: c.ClientSecret, RedirectURI: redirect}
}

// endpoints reads Hydra's discovery document (from Hydra itself, so that
// h.requests counts only what the hub and the browser asked).
func (h *hydraProvider) endpoints(t *testing.T) (authURL, tokenURL string) {
	t.Helper()
	res, err := http.Get(h.publicURL + "/.well-known/openid-configuration")
	require.NoError(t, err)
	defer res.Body.Close()
	var meta struct {
		Issuer  string `json:"issuer"`
		Auth    string `json:"authorization_endpoint"`
		Token   string `json:"token_endpoint"`
		JWKSURI string `json:"jwks_uri"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&meta))
	require.Equal(t, h.Issuer, meta.Issuer, "Hydra's issuer is the URL the hub registers")
	return meta.Auth, meta.Token
}

// userToken runs the authorization code flow with PKCE as a browser would
// (an HTTP client with a cookie jar following redirects through Hydra and
// the login and consent app) for the demo user login, asking for the
// audiences given, and returns the access token. An error is the flow's
// (e.g. Hydra's answer at the token endpoint).
func (h *hydraProvider) userToken(t *testing.T, c hydraClient, login string, audience ...string) (string, error) {
	t.Helper()
	authURL, tokenURL := h.endpoints(t)
	verifier := randomString(t)
	sum := sha256.Sum256([]byte(verifier))
	state := randomString(t)
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {c.ID},
		"redirect_uri":          {c.RedirectURI},
		"scope":                 {"openid"},
		"state":                 {state},
		"login_hint":            {login},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}
	if len(audience) > 0 {
		q.Set("audience", strings.Join(audience, " "))
	}
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if strings.HasPrefix(req.URL.String(), c.RedirectURI) {
				return http.ErrUseLastResponse // the client's callback: read the code
			}
			if len(via) > 20 {
				return fmt.Errorf("too many redirects")
			}
			return nil
		}}
	res, err := browser.Get(authURL + "?" + q.Encode())
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	loc, err := res.Location()
	if err != nil {
		return "", fmt.Errorf("authorization ended without a redirect to the client: %s: %s", res.Status, body)
	}
	cb := loc.Query()
	if e := cb.Get("error"); e != "" {
		return "", fmt.Errorf("authorization refused: %s: %s", e, cb.Get("error_description"))
	}
	require.Equal(t, state, cb.Get("state"))
	return h.token(t, tokenURL, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {cb.Get("code")},
		"redirect_uri":  {c.RedirectURI},
		"client_id":     {c.ID},
		"client_secret": {c.Secret},
		"code_verifier": {verifier},
	})
}

// clientCredentialsToken asks for a token for the client itself: no person.
func (h *hydraProvider) clientCredentialsToken(t *testing.T, c hydraClient, audience string) (string, error) {
	t.Helper()
	_, tokenURL := h.endpoints(t)
	return h.token(t, tokenURL, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {c.Secret}, "audience": {audience},
	})
}

func (h *hydraProvider) token(t *testing.T, tokenURL string, form url.Values) (string, error) {
	t.Helper()
	res, err := http.PostForm(tokenURL, form)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token endpoint: %s: %s", res.Status, raw)
	}
	var body struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal(raw, &body))
	require.NotEmpty(t, body.AccessToken)
	return body.AccessToken, nil
}

// rotateAccessTokenKey adds a new key (alg ES256 or RS256) to the key set
// Hydra signs JWT access tokens with (hydra.jwt.access-token); Hydra signs
// with the newest and keeps publishing the older ones.
func (h *hydraProvider) rotateAccessTokenKey(t *testing.T, alg, kid string) {
	t.Helper()
	require.NoError(t, h.admin(http.MethodPost, "/admin/keys/"+hydraAccessTokenKeys,
		map[string]any{"alg": alg, "use": "sig", "kid": kid}, nil))
}

// introspect asks Hydra whether it still considers a token active, as a
// resource server that introspects would.
func (h *hydraProvider) introspect(t *testing.T, token string) bool {
	t.Helper()
	res, err := http.PostForm(h.adminURL+"/admin/oauth2/introspect", url.Values{"token": {token}})
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var body struct {
		Active bool `json:"active"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	return body.Active
}

// hubClaims are the claims the hub reads, for a demo user.
func hubClaims(u devidp.User) map[string]any {
	return map[string]any{"name": u.Name, "hub_org": u.OrgNumber, "hub_unit": u.UnitID, "hub_roles": u.Roles}
}

func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randomString(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(b)
}
