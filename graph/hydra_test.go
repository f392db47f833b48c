package graph_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/graph"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/devidp"
	"github.com/samverkanshub/hub/internal/identity"
)

// Ory Hydra v2, an OpenID provider the hub's authors did not write, is
// Karlstads kommun's identity provider: its tokens, obtained through the
// authorization code flow, reach the hub's data; the hub follows Hydra's
// key rotation; a deleted client gets no new tokens; tokens for another
// audience and tokens of no person are refused. One Hydra serves every
// subtest, in order.
func TestHydra_IsAnIdentityProviderTheHubTrusts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	users := map[string]devidp.User{}
	for _, u := range demo.Users() {
		users[u.Login] = u
	}
	// A Karlstad login whose token claims a role only FK grants.
	overreaching := users["soc.karlstad"]
	overreaching.Login, overreaching.Roles = "overreaching.karlstad", []string{"PERSONLIG_HANDLAGGARE"}
	users[overreaching.Login] = overreaching
	hydra := startHydra(t, func(subject string) map[string]any {
		if u, ok := users[subject]; ok {
			return hubClaims(u)
		}
		return nil
	})
	// The shortest refetch interval an operator may configure
	// (--jwks-refetch-interval 1s), so that the rotation below need not
	// wait the default minute.
	srv, b := setup(t, func(o *graph.Options) { o.Authenticator.JWKSRefetchInterval = time.Second })

	// As an operator registers an organisation's identity provider: the
	// issuer URL and the audience, no JWKS URL (found through discovery).
	require.NoError(t, identity.RegisterIssuer(ctx, b.db.Pool,
		identity.DefaultIssuer(demo.ID("org/karlstad"), hydra.Issuer, devidp.APIAudience)))
	partnerApp := hydra.createClient(t, devidp.APIAudience, "another-api")

	send := func(tok string) gqlResponse { return sendToken(t, srv, tok) }
	keyID := func(tok string) string {
		parsed, err := jwt.ParseSigned(tok, identity.SigningAlgs)
		require.NoError(t, err)
		return parsed.Headers[0].KeyID
	}
	alg := func(tok string) string {
		parsed, err := jwt.ParseSigned(tok, identity.SigningAlgs)
		require.NoError(t, err)
		return parsed.Headers[0].Algorithm
	}

	t.Run("a person's token reaches the hub's data; the keys are found through discovery", func(t *testing.T) {
		tok, err := hydra.userToken(t, partnerApp, "soc.karlstad", devidp.APIAudience)
		require.NoError(t, err)
		var got meResult
		mustData(t, send(tok), &got)
		require.Equal(t, "soc.karlstad", got.Me.UserID)
		require.Equal(t, "Sara Lindqvist", got.Me.DisplayName)
		require.Equal(t, "Karlstads kommun", got.Me.Organization.Name)
		require.NotNil(t, got.Me.Unit)
		require.Equal(t, "Ekonomiskt bistånd", got.Me.Unit.Name)
		require.Equal(t, []string{"SOCIALSEKRETERARE"}, got.Me.Roles)
		require.Equal(t, hydra.Issuer, got.Me.Issuer)

		var orgs struct {
			Organizations struct {
				TotalCount int `json:"totalCount"`
			} `json:"organizations"`
		}
		mustData(t, do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"{ organizations { totalCount } }"}`),
			map[string]string{"Content-Type": jsonType, "Authorization": "Bearer " + tok}), &orgs)
		require.Positive(t, orgs.Organizations.TotalCount)

		require.Equal(t, 1, hydra.requests.count("GET /.well-known/openid-configuration"), "the hub read Hydra's discovery document")
		require.Equal(t, 1, hydra.requests.count("GET /.well-known/jwks.json"), "and fetched the JWKS it names")
	})

	t.Run("a person of an organisation that does not trust Hydra is refused", func(t *testing.T) {
		// Hydra vouches for an FK handläggare, but only Karlstads kommun
		// registered it: its keys never vouch for another agency's people.
		tok, err := hydra.userToken(t, partnerApp, "ph.fk", devidp.APIAudience)
		require.NoError(t, err)
		r := send(tok)
		require.Equal(t, http.StatusUnauthorized, r.Status)
		requireError(t, r, "UNAUTHENTICATED", "does not trust issuer")
	})

	t.Run("a role the organisation does not grant is refused and audited with Hydra's client", func(t *testing.T) {
		tok, err := hydra.userToken(t, partnerApp, overreaching.Login, devidp.APIAudience)
		require.NoError(t, err)
		r := send(tok)
		require.Equal(t, http.StatusForbidden, r.Status)
		requireError(t, r, "FORBIDDEN", "PERSONLIG_HANDLAGGARE is not one that an organisation of kind KOMMUN grants")
		// Hydra names the client in client_id (RFC 9068), not azp.
		var client *string
		require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT client_id FROM audit_records WHERE user_id = $1`, overreaching.Login).Scan(&client))
		require.NotNil(t, client)
		require.Equal(t, partnerApp.ID, *client)
	})

	t.Run("a token for another audience is refused", func(t *testing.T) {
		tok, err := hydra.userToken(t, partnerApp, "soc.karlstad", "another-api")
		require.NoError(t, err)
		r := send(tok)
		require.Equal(t, http.StatusUnauthorized, r.Status)
		requireError(t, r, "UNAUTHENTICATED", "wrong audience")

		tok, err = hydra.userToken(t, partnerApp, "soc.karlstad") // no audience asked for: Hydra's aud is empty
		require.NoError(t, err)
		r = send(tok)
		require.Equal(t, http.StatusUnauthorized, r.Status)
		requireError(t, r, "UNAUTHENTICATED", "wrong audience")
	})

	t.Run("a client credentials token, of no person, is refused", func(t *testing.T) {
		tok, err := hydra.clientCredentialsToken(t, partnerApp, devidp.APIAudience)
		require.NoError(t, err)
		r := send(tok)
		require.Equal(t, http.StatusUnauthorized, r.Status)
		requireError(t, r, "UNAUTHENTICATED", "not to a person")
	})

	t.Run("the hub follows Hydra's key rotation without a restart", func(t *testing.T) {
		before, err := hydra.userToken(t, partnerApp, "soc.karlstad", devidp.APIAudience)
		require.NoError(t, err)
		beforeUnused, err := hydra.userToken(t, partnerApp, "soc.karlstad", devidp.APIAudience)
		require.NoError(t, err)
		mustData(t, send(before), &meResult{})
		fetches := hydra.requests.count("GET /.well-known/jwks.json")

		// An EC key (quick to make; Hydra's RSA keys are 4096 bits): the
		// new key may use another algorithm the hub accepts.
		hydra.rotateAccessTokenKey(t, "ES256", "rotated-by-the-test")
		after, err := hydra.userToken(t, partnerApp, "soc.karlstad", devidp.APIAudience)
		require.NoError(t, err)
		require.Equal(t, "rotated-by-the-test", keyID(after), "Hydra signs with the new key")
		require.Equal(t, hydraInitialKeyID, keyID(before))
		require.Equal(t, "RS256", alg(before))
		require.Equal(t, "ES256", alg(after))

		// The hub refetches a JWKS for an unknown key id at most once per
		// refetch interval (1 s here) since its last fetch.
		time.Sleep(1100 * time.Millisecond)
		var got meResult
		mustData(t, send(after), &got)
		require.Equal(t, "soc.karlstad", got.Me.UserID)
		require.Equal(t, fetches+1, hydra.requests.count("GET /.well-known/jwks.json"), "one refetch for the new key id")

		// Tokens signed with the old key, which Hydra still publishes,
		// stay valid. (Its first use: a token verified once is recognised
		// for a minute without verifying it again.)
		require.Equal(t, keyID(before), keyID(beforeUnused))
		mustData(t, send(beforeUnused), &got)
	})

	t.Run("a deleted client gets no new tokens; the ones issued stay valid until they expire", func(t *testing.T) {
		doomed := hydra.createClient(t, devidp.APIAudience)
		issued, err := hydra.userToken(t, doomed, "soc.karlstad", devidp.APIAudience)
		require.NoError(t, err)
		require.True(t, hydra.introspect(t, issued))

		require.NoError(t, hydra.admin(http.MethodDelete, "/admin/clients/"+url.PathEscape(doomed.ID), nil, nil))

		_, err = hydra.userToken(t, doomed, "soc.karlstad", devidp.APIAudience)
		require.ErrorContains(t, err, "invalid_client", "no authorization for a deleted client")
		_, err = hydra.clientCredentialsToken(t, doomed, devidp.APIAudience)
		require.ErrorContains(t, err, "invalid_client")

		// A JWT carries its own proof: the hub verifies it with Hydra's
		// keys and does not ask Hydra whether its client still exists
		// (no introspection), so a token issued before the deletion is
		// accepted until its exp (Hydra's default: 1 h). Its first use is
		// after the deletion, so this is a fresh verification.
		var got meResult
		mustData(t, send(issued), &got)
		require.Equal(t, "soc.karlstad", got.Me.UserID)
		require.False(t, hydra.introspect(t, issued), "although Hydra itself no longer holds it active")
	})
}
