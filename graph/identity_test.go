package graph_test

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/devidp"
	"github.com/samverkanshub/hub/internal/identity"
)

const meQuery = `{ me { userId displayName organization { name kind } unit { name } roles issuer } }`

type meResult struct {
	Me struct {
		UserID       string `json:"userId"`
		DisplayName  string `json:"displayName"`
		Organization struct {
			Name string `json:"name"`
			Kind string `json:"kind"`
		} `json:"organization"`
		Unit *struct {
			Name string `json:"name"`
		} `json:"unit"`
		Roles  []string `json:"roles"`
		Issuer string   `json:"issuer"`
	} `json:"me"`
}

func TestMe_EveryDemoLoginIsTheRightPersonAtTheRightOrganisation(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	tests := []struct {
		login, org, kind, unit string
		roles                  []string
	}{
		{"soc.karlstad", "Karlstads kommun", "KOMMUN", "Ekonomiskt bistånd", []string{"SOCIALSEKRETERARE"}},
		{"koord.karlstad", "Karlstads kommun", "KOMMUN", "Samverkan och utveckling", []string{"SAMVERKANSKOORDINATOR"}},
		{"ph.fk", "Försäkringskassan", "FK", "Försäkringskassan Karlstad", []string{"PERSONLIG_HANDLAGGARE"}},
		{"af.karlstad", "Arbetsförmedlingen", "AF", "Arbetsförmedlingen Karlstad", []string{"AF_HANDLAGGARE"}},
		{"rehab.vc", "Region Värmland", "REGION", "Vårdcentralen Gripen", []string{"REHABKOORDINATOR"}},
		{"admin.samspelet", "Samordningsförbundet Samspelet", "SAMORDNINGSFORBUND", "Förbundets kansli", []string{"FORBUNDSADMINISTRATOR", "ORG_ADMIN"}},
		{"soc.eksjo", "Eksjö kommun", "KOMMUN", "Ekonomiskt bistånd", []string{"SOCIALSEKRETERARE"}},
		{"logg.karlstad", "Karlstads kommun", "KOMMUN", "Arbetsmarknads- och socialförvaltningen", []string{"LOGGRANSKARE"}},
	}
	for _, tt := range tests {
		t.Run(tt.login, func(t *testing.T) {
			var got meResult
			mustData(t, postAs(t, srv, tt.login, meQuery, nil), &got)
			require.Equal(t, tt.login, got.Me.UserID)
			require.Equal(t, tt.org, got.Me.Organization.Name)
			require.Equal(t, tt.kind, got.Me.Organization.Kind)
			require.NotNil(t, got.Me.Unit)
			require.Equal(t, tt.unit, got.Me.Unit.Name)
			require.Equal(t, tt.roles, got.Me.Roles)
			require.Equal(t, srv.idpURL, got.Me.Issuer)
			require.NotEmpty(t, got.Me.DisplayName)
		})
	}
}

// A verified token is recognised again without verifying it anew: the
// organisation lookup is not repeated. A different token is verified.
func TestAuthentication_ReusesAVerifiedTokenForAShortWhile(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	statements := func(login string) int64 {
		before := b.db.Statements.Load()
		mustData(t, postAs(t, srv, login, `{ me { userId } }`, nil), &meResult{})
		return b.db.Statements.Load() - before
	}
	first := statements("soc.karlstad")
	again := statements("soc.karlstad")
	require.Less(t, again, first, "the second request skips the lookups")
	require.Equal(t, first-1, statements("koord.karlstad"), "another token is verified (registrations already cached)")
}

// forge builds tokens for the attack table.
type forge struct {
	t   *testing.T
	idp *devidp.Provider
}

func (f forge) claims(login string) map[string]any {
	u, ok := f.idp.User(login)
	require.True(f.t, ok, login)
	now := time.Now()
	return f.idp.AccessClaims(u, devidp.ClientCLI, now, now.Add(time.Hour))
}

func (f forge) sign(c map[string]any) string {
	tok, err := f.idp.Sign(jose.RS256, "at+jwt", c)
	require.NoError(f.t, err)
	return tok
}

func (f forge) with(login string, change func(map[string]any)) string {
	c := f.claims(login)
	change(c)
	return f.sign(c)
}

func b64(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Every way a token can be wrong is refused at the door with
// UNAUTHENTICATED (401), or FORBIDDEN (403) for a real person asking for a
// role their organisation does not grant; and nothing is answered.
func TestAuthentication_RefusesBadTokens(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	f := forge{t, b.idp}

	// Another real provider, registered by nobody.
	stranger := newProvider(t)
	// A real provider trusted by Eksjö kommun only.
	eksjoIdP := newProvider(t)
	require.NoError(t, identity.RegisterIssuer(ctx, b.db.Pool, identity.DefaultIssuer(demo.ID("org/eksjo"), eksjoIdP.Issuer(), devidp.APIAudience)))

	// The classic key-confusion attack: HS256 with the issuer's RSA public
	// key (as fetched from its JWKS) for the HMAC secret.
	res, err := http.Get(srv.idpURL + "/jwks")
	require.NoError(t, err)
	var set jose.JSONWebKeySet
	require.NoError(t, json.NewDecoder(res.Body).Decode(&set))
	res.Body.Close()
	der, err := x509.MarshalPKIXPublicKey(set.Keys[0].Key)
	require.NoError(t, err)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	hmacSigner, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: pubPEM}, nil)
	require.NoError(t, err)
	hs256, err := jwt.Signed(hmacSigner).Claims(f.claims("soc.karlstad")).Serialize()
	require.NoError(t, err)

	valid := srv.token(t, "soc.karlstad")
	parts := strings.Split(valid, ".")

	tests := []struct {
		name   string
		header string // the whole Authorization header
		status int
		msg    string
	}{
		{"no token", "", 401, "authentication required"},
		{"not a bearer token", "Basic c29jOmRlbW8=", 401, "must be \"Bearer <access token>\""},
		{"malformed token", "Bearer abc.def", 401, "not a JWT signed with an allowed algorithm"},
		{"expired", "Bearer " + f.with("soc.karlstad", func(c map[string]any) {
			c["exp"] = time.Now().Add(-10 * time.Minute).Unix()
			c["iat"], c["nbf"] = time.Now().Add(-70*time.Minute).Unix(), time.Now().Add(-70*time.Minute).Unix()
		}), 401, "expired"},
		{"not yet valid", "Bearer " + f.with("soc.karlstad", func(c map[string]any) {
			c["nbf"] = time.Now().Add(10 * time.Minute).Unix()
		}), 401, "not valid yet"},
		{"wrong audience", "Bearer " + f.with("soc.karlstad", func(c map[string]any) { c["aud"] = []string{"other-api"} }), 401, "wrong audience"},
		{"an ID token for the CLI client", "Bearer " + f.with("soc.karlstad", func(c map[string]any) { c["aud"] = devidp.ClientCLI }), 401, "wrong audience"},
		{"unregistered issuer", "Bearer " + signedBy(t, stranger, "soc.karlstad"), 401, "is not registered with the hub"},
		{"issuer of another organisation", "Bearer " + signedBy(t, eksjoIdP, "soc.karlstad"), 401, "does not trust issuer"},
		{"alg none", "Bearer " + b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + b64(f.claims("soc.karlstad")) + ".", 401, "allowed algorithm"},
		{"HS256 signed with the issuer's public key", "Bearer " + hs256, 401, "allowed algorithm"},
		{"payload swapped under a valid signature", "Bearer " + parts[0] + "." + b64(func() map[string]any {
			c := f.claims("soc.karlstad")
			c["hub_roles"] = []string{"LOGGRANSKARE"}
			return c
		}()) + "." + parts[2], 401, "signature"},
		{"role the organisation does not grant", "Bearer " + f.with("ph.fk", func(c map[string]any) {
			c["hub_roles"] = []string{"SOCIALSEKRETERARE"}
		}), 403, "SOCIALSEKRETERARE is not one that an organisation of kind FK grants"},
		{"unknown role", "Bearer " + f.with("soc.karlstad", func(c map[string]any) { c["hub_roles"] = []string{"SUPERUSER"} }), 401, `unknown role "SUPERUSER"`},
		{"unit of another organisation", "Bearer " + f.with("soc.karlstad", func(c map[string]any) {
			c["hub_unit"] = demo.ID("unit/eksjo/eb").String()
		}), 401, "not a unit of its organisation"},
		{"no user id", "Bearer " + f.with("soc.karlstad", func(c map[string]any) { delete(c, "sub") }), 401, "no user id"},
		{"a client's token for itself (client credentials: sub is the client)", "Bearer " + f.with("soc.karlstad", func(c map[string]any) { c["sub"] = c["azp"] }), 401, "not to a person"},
		{"no organisation from an issuer that serves several", "Bearer " + f.with("soc.karlstad", func(c map[string]any) { delete(c, "hub_org") }), 401, "names no organisation"},
		{"roles of the wrong type", "Bearer " + f.with("soc.karlstad", func(c map[string]any) { c["hub_roles"] = 42 }), 401, "neither a list nor a string"},
		{"huge token", "Bearer " + strings.Repeat("a", identity.MaxTokenBytes+1), 401, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, send := range []func() gqlResponse{
				func() gqlResponse {
					return do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"`+meQuery+`"}`), map[string]string{
						"Content-Type": jsonType, "Accept": responseType, "Authorization": tt.header,
					})
				},
				func() gqlResponse {
					return do(t, srv, http.MethodGet, "/graphql?query="+url.QueryEscape(meQuery), nil, map[string]string{"Authorization": tt.header})
				},
			} {
				r := send()
				require.Equal(t, tt.status, r.Status)
				_, hasData := r.Raw["data"]
				require.False(t, hasData, "nothing is answered")
				code := "UNAUTHENTICATED"
				if tt.status == 403 {
					code = "FORBIDDEN"
				} else {
					require.Contains(t, r.Header.Get("WWW-Authenticate"), "Bearer")
				}
				requireError(t, r, code, tt.msg)
			}
		})
	}
}

func TestAuthentication_AcceptsES256AndTheLeeway(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	f := forge{t, b.idp}
	es, err := b.idp.Sign(jose.ES256, "at+jwt", f.claims("ph.fk"))
	require.NoError(t, err)
	skewed := f.with("ph.fk", func(c map[string]any) {
		c["nbf"] = time.Now().Add(10 * time.Second).Unix() // issuer's clock slightly ahead
		c["exp"] = time.Now().Add(-10 * time.Second).Unix()
	})
	for name, tok := range map[string]string{"ES256": es, "clock skew within the leeway": skewed} {
		t.Run(name, func(t *testing.T) {
			var got meResult
			mustData(t, do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"`+meQuery+`"}`), map[string]string{
				"Content-Type": jsonType, "Authorization": "Bearer " + tok,
			}), &got)
			require.Equal(t, "Försäkringskassan", got.Me.Organization.Name)
		})
	}
}

func TestDevIdP_AuthorizationCodeWithPKCE(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	verifier := "a-long-random-verifier-of-at-least-43-characters-0123456789"
	challenge := base64.RawURLEncoding.EncodeToString(sha256Sum(verifier))
	redirect := "http://localhost:8080/graphiql"
	params := url.Values{
		"client_id": {devidp.ClientSPA}, "redirect_uri": {redirect}, "response_type": {"code"}, "state": {"xyz"},
		"scope": {"openid"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"},
	}
	res, err := http.Get(srv.idpURL + "/authorize?" + params.Encode())
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "login page")

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{}
	for k, v := range params {
		form[k] = v
	}
	form.Set("username", "rehab.vc")
	form.Set("password", devidp.Password)
	res, err = noRedirect.PostForm(srv.idpURL+"/authorize", form)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	loc, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "xyz", loc.Query().Get("state"))
	code := loc.Query().Get("code")

	exchange := func(verifier string) (int, map[string]any) {
		res, err := http.PostForm(srv.idpURL+"/token", url.Values{
			"grant_type": {"authorization_code"}, "client_id": {devidp.ClientSPA}, "code": {code},
			"redirect_uri": {redirect}, "code_verifier": {verifier},
		})
		require.NoError(t, err)
		defer res.Body.Close()
		var body map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
		return res.StatusCode, body
	}
	status, body := exchange("the-wrong-verifier")
	require.Equal(t, http.StatusBadRequest, status, "a wrong verifier is refused")
	require.Equal(t, "invalid_grant", body["error"])

	// The code was burnt by the failed attempt: log in again.
	res, err = noRedirect.PostForm(srv.idpURL+"/authorize", form)
	require.NoError(t, err)
	res.Body.Close()
	loc, _ = url.Parse(res.Header.Get("Location"))
	code = loc.Query().Get("code")
	status, body = exchange(verifier)
	require.Equal(t, http.StatusOK, status)
	status2, _ := exchange(verifier)
	require.Equal(t, http.StatusBadRequest, status2, "a code is single-use")

	var got meResult
	mustData(t, do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"`+meQuery+`"}`), map[string]string{
		"Content-Type": jsonType, "Authorization": "Bearer " + body["access_token"].(string),
	}), &got)
	require.Equal(t, "rehab.vc", got.Me.UserID)

	t.Run("redirect URIs off this machine are refused", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range params {
			bad[k] = v
		}
		bad.Set("redirect_uri", "https://evil.example/cb")
		res, err := noRedirect.Get(srv.idpURL + "/authorize?" + bad.Encode())
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
	})
	t.Run("the password grant is for hub-cli only", func(t *testing.T) {
		res, err := http.PostForm(srv.idpURL+"/token", url.Values{
			"grant_type": {"password"}, "client_id": {devidp.ClientSPA}, "username": {"rehab.vc"}, "password": {"demo"},
		})
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusBadRequest, res.StatusCode)
	})
}

func sha256Sum(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// newProvider starts another real dev provider with the demo users.
func newProvider(t *testing.T) *devidp.Provider {
	t.Helper()
	s := httptest.NewUnstartedServer(nil)
	p, err := devidp.New("http://"+s.Listener.Addr().String(), demo.Users())
	require.NoError(t, err)
	s.Config.Handler = p
	s.Start()
	t.Cleanup(s.Close)
	return p
}

func signedBy(t *testing.T, p *devidp.Provider, login string) string {
	t.Helper()
	u, _ := p.User(login)
	now := time.Now()
	tok, err := p.Sign(jose.RS256, "at+jwt", p.AccessClaims(u, devidp.ClientCLI, now, now.Add(time.Hour)))
	require.NoError(t, err)
	return tok
}

// One issuer may be registered by several organisations with different
// audiences: a token is accepted only for an organisation whose
// registration names the token's audience.
func TestAuthentication_SharedIssuerWithDifferentAudiences(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	shared := newProvider(t)
	require.NoError(t, identity.RegisterIssuer(ctx, b.db.Pool, identity.DefaultIssuer(demo.ID("org/karlstad"), shared.Issuer(), "karlstad-api")))
	require.NoError(t, identity.RegisterIssuer(ctx, b.db.Pool, identity.DefaultIssuer(demo.ID("org/eksjo"), shared.Issuer(), "eksjo-api")))
	token := func(login, aud string) string {
		u, _ := shared.User(login)
		now := time.Now()
		c := shared.AccessClaims(u, devidp.ClientCLI, now, now.Add(time.Hour))
		c["aud"] = []string{aud}
		tok, err := shared.Sign(jose.RS256, "at+jwt", c)
		require.NoError(t, err)
		return tok
	}
	send := func(tok string) gqlResponse {
		return do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"`+meQuery+`"}`), map[string]string{
			"Content-Type": jsonType, "Authorization": "Bearer " + tok,
		})
	}
	var got meResult
	mustData(t, send(token("soc.eksjo", "eksjo-api")), &got)
	require.Equal(t, "Eksjö kommun", got.Me.Organization.Name)
	mustData(t, send(token("soc.karlstad", "karlstad-api")), &got)
	require.Equal(t, "Karlstads kommun", got.Me.Organization.Name)

	r := send(token("soc.karlstad", "eksjo-api"))
	require.Equal(t, http.StatusUnauthorized, r.Status, "Karlstad's person with Eksjö's audience")
	requireError(t, r, "UNAUTHENTICATED", "does not trust issuer")
	r = send(token("soc.karlstad", "hub-api"))
	requireError(t, r, "UNAUTHENTICATED", "wrong audience")
}

// Organisations that trust one issuer URL may register different key sets
// for it. The keys one organisation registered must never vouch for
// another's people: a token verified with Eksjö's key set is Eksjö's or
// nobody's, whatever organisation it claims.
func TestAuthentication_KeysOneOrganisationRegisteredNeverVouchForAnother(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	shared := newProvider(t)   // the issuer Karlstad trusts, its keys found by discovery
	impostor := newProvider(t) // whose key set Eksjö registers for the same issuer URL
	jwks := impostor.Issuer() + "/jwks"
	eksjo := identity.DefaultIssuer(demo.ID("org/eksjo"), shared.Issuer(), devidp.APIAudience)
	eksjo.JWKSURL = &jwks
	require.NoError(t, identity.RegisterIssuer(ctx, b.db.Pool, eksjo))
	require.NoError(t, identity.RegisterIssuer(ctx, b.db.Pool, identity.DefaultIssuer(demo.ID("org/karlstad"), shared.Issuer(), devidp.APIAudience)))

	signed := func(p *devidp.Provider, login string) string {
		u, ok := p.User(login)
		require.True(t, ok)
		now := time.Now()
		c := p.AccessClaims(u, devidp.ClientCLI, now, now.Add(time.Hour))
		c["iss"] = shared.Issuer()
		tok, err := p.Sign(jose.RS256, "at+jwt", c)
		require.NoError(t, err)
		return tok
	}
	send := func(tok string) gqlResponse {
		return do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"`+meQuery+`"}`), map[string]string{
			"Content-Type": jsonType, "Authorization": "Bearer " + tok,
		})
	}

	r := send(signed(impostor, "soc.karlstad"))
	require.Equal(t, http.StatusUnauthorized, r.Status, "Eksjö's keys claiming a Karlstad person")
	requireError(t, r, "UNAUTHENTICATED", "does not trust issuer")

	var got meResult
	mustData(t, send(signed(shared, "soc.karlstad")), &got)
	require.Equal(t, "Karlstads kommun", got.Me.Organization.Name, "the issuer's own keys still work for Karlstad")
	mustData(t, send(signed(impostor, "soc.eksjo")), &got)
	require.Equal(t, "Eksjö kommun", got.Me.Organization.Name, "and Eksjö's keys for Eksjö")
	r = send(signed(shared, "soc.eksjo"))
	require.Equal(t, http.StatusUnauthorized, r.Status, "the issuer's keys claiming an Eksjö person Eksjö verifies elsewhere")
}
