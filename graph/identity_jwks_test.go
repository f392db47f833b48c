package graph_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/graph"
)

// sendToken asks for me with tok over HTTP.
func sendToken(t *testing.T, srv *testServer, tok string) gqlResponse {
	t.Helper()
	return do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"`+meQuery+`"}`), map[string]string{
		"Content-Type": jsonType, "Authorization": "Bearer " + tok,
	})
}

// forgedWithKeyID signs claims RS256 with a key of the attacker's own, under
// key id kid: a token the issuer never issued.
func forgedWithKeyID(t *testing.T, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("at+jwt").WithHeader("kid", kid))
	require.NoError(t, err)
	tok, err := jwt.Signed(signer).Claims(claims).Serialize()
	require.NoError(t, err)
	return tok
}

func randomKeyID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// Anyone can send tokens that name a registered issuer and a key id the
// issuer never published. They are refused, and they must not make the hub
// ask the organisation's identity provider for its keys each time: the JWKS
// is fetched at most once per interval (a minute by default), and the
// refusal to fetch it again is logged once, not once per token.
func TestAuthentication_ForgedKeyIDsDoNotMakeTheHubRefetchTheIssuersKeys(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	f := forge{t, b.idp}
	attacker, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)

	for i := range 20 {
		r := sendToken(t, srv, forgedWithKeyID(t, attacker, randomKeyID(t), f.claims("soc.karlstad")))
		require.Equal(t, http.StatusUnauthorized, r.Status, "forged token %d", i)
		_, hasData := r.Raw["data"]
		require.False(t, hasData, "nothing is answered")
		requireError(t, r, "UNAUTHENTICATED", "signature")
	}
	require.Equal(t, 1, b.idpRequests.count("GET /jwks"), "one fetch, for the first token; none for the other 19")
	require.Equal(t, 1, strings.Count(b.logs.String(), "JWKS refetch refused"), "the refused refetches are logged once")

	var got meResult
	mustData(t, sendToken(t, srv, srv.token(t, "soc.karlstad")), &got)
	require.Equal(t, "Karlstads kommun", got.Me.Organization.Name, "the issuer's real tokens still work")
	require.Equal(t, 1, b.idpRequests.count("GET /jwks"), "with the keys fetched before")
}

// An issuer that rotates its keys signs with a key id the hub has not seen.
// Within the refetch interval the hub does not ask for the keys again, but
// once it has passed, the new key is fetched and its tokens are accepted;
// the refused attempts before did not put the new key id among the unknown
// ones. Tokens of the earlier key, still published, stay valid.
func TestAuthentication_AcceptsARotatedKeyOnceTheRefetchIntervalHasPassed(t *testing.T) {
	t.Parallel()
	const interval = 3 * time.Second
	srv, b := setup(t, func(o *graph.Options) { o.Authenticator.JWKSRefetchInterval = interval })
	f := forge{t, b.idp}

	loaded := time.Now() // at most when the keys were fetched
	mustData(t, sendToken(t, srv, srv.token(t, "soc.karlstad")), &meResult{})
	require.Equal(t, 1, b.idpRequests.count("GET /jwks"))
	beforeRotation := f.sign(f.claims("koord.karlstad"))

	_, err := b.idp.Rotate()
	require.NoError(t, err)
	rotated := f.sign(f.claims("ph.fk"))
	r := sendToken(t, srv, rotated)
	require.Less(t, time.Since(loaded), interval, "the test was too slow to see the refusal within the interval")
	require.Equal(t, http.StatusUnauthorized, r.Status, "the new key is not fetched within the interval")
	requireError(t, r, "UNAUTHENTICATED", "signature")
	require.Equal(t, 1, b.idpRequests.count("GET /jwks"))

	deadline := loaded.Add(interval + 10*time.Second)
	for r.Status != http.StatusOK && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		r = sendToken(t, srv, rotated)
	}
	var got meResult
	mustData(t, r, &got) // the new key is accepted once the interval has passed
	require.Equal(t, "Försäkringskassan", got.Me.Organization.Name)
	require.GreaterOrEqual(t, time.Since(loaded), interval)
	require.Equal(t, 2, b.idpRequests.count("GET /jwks"), "one more fetch")

	mustData(t, sendToken(t, srv, beforeRotation), &got)
	require.Equal(t, "Karlstads kommun", got.Me.Organization.Name, "a token of the earlier key")
	require.Equal(t, 2, b.idpRequests.count("GET /jwks"))
}
