package identity

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/config"
	"github.com/samverkanshub/hub/internal/platform/logging"
)

// jwksServer is an issuer's JWKS endpoint whose keys a test changes, and
// which counts its fetches.
type jwksServer struct {
	url     string
	fetches atomic.Int64
	failing atomic.Bool // answer 503

	mu   sync.Mutex
	keys map[string]*rsa.PrivateKey // published, by key id
}

func (s *jwksServer) add(t *testing.T, kid string) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	s.mu.Lock()
	s.keys[kid] = key
	s.mu.Unlock()
	return key
}

func (s *jwksServer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.fetches.Add(1)
	if s.failing.Load() {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	s.mu.Lock()
	var set jose.JSONWebKeySet
	for kid, key := range s.keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &key.PublicKey, KeyID: kid, Algorithm: "RS256", Use: "sig"})
	}
	s.mu.Unlock()
	_ = json.NewEncoder(w).Encode(set)
}

// testClock is a clock the test moves.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type keySetBundle struct {
	server *jwksServer
	clock  *testClock
	key    *rsa.PrivateKey // the issuer's key "k1"
	ctx    context.Context // carries a logger writing to logs
	logs   *bytes.Buffer
}

// setupKeySet returns a key set over a JWKS that publishes key "k1", with a
// refetch interval of a minute and unknown key ids remembered for five.
func setupKeySet(t *testing.T) (*keySet, *keySetBundle) {
	t.Helper()
	srv := &jwksServer{keys: map[string]*rsa.PrivateKey{}}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	srv.url = hs.URL + "/jwks"
	b := &keySetBundle{server: srv, clock: &testClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, logs: &bytes.Buffer{}}
	b.key = srv.add(t, "k1")
	b.ctx = logging.WithRequest(context.Background(), slog.New(slog.NewTextHandler(b.logs, nil)), "test")
	ks := newKeySet(srv.url, hs.Client(), b.clock.Now, time.Minute, 5*time.Minute)
	return ks, b
}

// signed signs a small token with key under key id kid ("" sends none).
func signed(t *testing.T, key any, alg jose.SignatureAlgorithm, kid string) string {
	t.Helper()
	opts := &jose.SignerOptions{}
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	require.NoError(t, err)
	tok, err := jwt.Signed(signer).Claims(map[string]any{"sub": "someone"}).Serialize()
	require.NoError(t, err)
	return tok
}

func TestKeySet_VerifiesWithTheIssuersKeysFetchedOnce(t *testing.T) {
	t.Parallel()
	ks, b := setupKeySet(t)
	for range 3 {
		payload, err := ks.VerifySignature(b.ctx, signed(t, b.key, jose.RS256, "k1"))
		require.NoError(t, err)
		require.Contains(t, string(payload), "someone")
	}
	_, err := ks.VerifySignature(b.ctx, signed(t, b.key, jose.RS256, ""))
	require.NoError(t, err, "a token without a key id is tried with every key")
	require.EqualValues(t, 1, b.server.fetches.Load())
}

// A token under a key id the set holds but with a signature that key does
// not make is refused without a fetch: new keys would not make it good.
func TestKeySet_RefusesABadSignatureUnderAKnownKeyIDWithoutFetching(t *testing.T) {
	t.Parallel()
	ks, b := setupKeySet(t)
	_, err := ks.VerifySignature(b.ctx, signed(t, b.key, jose.RS256, "k1"))
	require.NoError(t, err)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	b.clock.advance(time.Hour)
	_, err = ks.VerifySignature(b.ctx, signed(t, other, jose.RS256, "k1"))
	require.ErrorContains(t, err, "no key of the issuer verifies the signature")
	_, err = ks.VerifySignature(b.ctx, signed(t, b.key, jose.PS256, "k1"))
	require.Error(t, err, "the key is published for RS256 only")
	require.EqualValues(t, 1, b.server.fetches.Load())
}

// The rules for unknown key ids, step by step on a clock the test moves.
func TestKeySet_FetchesForUnknownKeyIDsAtMostOncePerIntervalAndRemembersThem(t *testing.T) {
	t.Parallel()
	ks, b := setupKeySet(t)
	attacker, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	verify := func(key *rsa.PrivateKey, kid string) error {
		_, err := ks.VerifySignature(b.ctx, signed(t, key, jose.RS256, kid))
		return err
	}
	fetches := func() int64 { return b.server.fetches.Load() }

	require.NoError(t, verify(b.key, "k1"), "the first token loads the keys")
	require.EqualValues(t, 1, fetches())

	for i := range 20 {
		require.Error(t, verify(attacker, fmt.Sprintf("forged-%d", i)))
	}
	require.Error(t, verify(attacker, ""), "nor does a token without a key id that no key verifies")
	require.EqualValues(t, 1, fetches(), "unknown key ids within the interval: no fetch")

	b.clock.advance(time.Minute)
	require.Error(t, verify(attacker, "forged-a"))
	require.EqualValues(t, 2, fetches(), "after the interval an unknown key id is looked up once")

	b.clock.advance(time.Minute)
	require.ErrorContains(t, verify(attacker, "forged-a"), "not in the issuer's key set")
	require.EqualValues(t, 2, fetches(), "a key id that a fetch did not find is refused without another")

	// The issuer rotates just after a fetch. Its new key id is refused
	// until the interval has passed, but that refusal does not count it
	// as unknown: then it is fetched and accepted.
	require.Error(t, verify(attacker, "forged-b"))
	require.EqualValues(t, 3, fetches())
	rotated := b.server.add(t, "k2")
	require.Error(t, verify(rotated, "k2"), "within the interval")
	b.clock.advance(time.Minute)
	require.NoError(t, verify(rotated, "k2"), "after it")
	require.EqualValues(t, 4, fetches())
	require.NoError(t, verify(b.key, "k1"), "the earlier key is still published")

	b.clock.advance(5 * time.Minute)
	require.Error(t, verify(attacker, "forged-a"))
	require.EqualValues(t, 5, fetches(), "an unknown key id is forgotten after a while")
}

// A fetch that failed (the issuer briefly down) is retried after a few
// seconds, not after the whole interval: the issuer's tokens are refused no
// longer than the outage and those seconds.
func TestKeySet_RetriesSoonAfterAFailedFetch(t *testing.T) {
	t.Parallel()
	ks, b := setupKeySet(t)
	tok := signed(t, b.key, jose.RS256, "k1")
	b.server.failing.Store(true)
	_, err := ks.VerifySignature(b.ctx, tok)
	require.Error(t, err)
	require.EqualValues(t, 1, b.server.fetches.Load())
	b.server.failing.Store(false)
	_, err = ks.VerifySignature(b.ctx, tok)
	require.Error(t, err, "not at once")
	require.EqualValues(t, 1, b.server.fetches.Load())
	b.clock.advance(retryAfterFailure)
	_, err = ks.VerifySignature(b.ctx, tok)
	require.NoError(t, err, "a few seconds later")
	require.EqualValues(t, 2, b.server.fetches.Load())
}

// Many requests with unknown key ids at once make one fetch, which they
// share; here the keys are cold and the key id is the issuer's.
func TestKeySet_ConcurrentTokensShareOneFetch(t *testing.T) {
	t.Parallel()
	ks, b := setupKeySet(t)
	tok := signed(t, b.key, jose.RS256, "k1")
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Go(func() { _, errs[i] = ks.VerifySignature(b.ctx, tok) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.EqualValues(t, 1, b.server.fetches.Load())
}

func TestKeySet_LogsARefusedRefetchOncePerInterval(t *testing.T) {
	t.Parallel()
	ks, b := setupKeySet(t)
	forge := func(n int) {
		for i := range n {
			_, err := ks.VerifySignature(b.ctx, signed(t, b.key, jose.RS256, fmt.Sprintf("forged-%d-%d", n, i)))
			require.Error(t, err)
		}
	}
	forge(5) // the first fetches; four are refused
	require.Equal(t, 1, strings.Count(b.logs.String(), "JWKS refetch refused"))
	require.Contains(t, b.logs.String(), "level=WARN")
	require.Contains(t, b.logs.String(), "request_id=test")
	b.clock.advance(time.Minute)
	forge(5)
	require.Equal(t, 2, strings.Count(b.logs.String(), "JWKS refetch refused"))
	require.EqualValues(t, 2, b.server.fetches.Load())
}

func TestKeySet_RemembersABoundedNumberOfUnknownKeyIDs(t *testing.T) {
	t.Parallel()
	ks, _ := setupKeySet(t)
	for i := range 3 * maxUnknownKeyIDs {
		ks.rememberUnknown(fmt.Sprintf("kid-%d", i))
		require.LessOrEqual(t, len(ks.unknown), maxUnknownKeyIDs)
	}
	ks.rememberUnknown(strings.Repeat("x", maxRememberedKeyID+1))
	_, ok := ks.unknown[strings.Repeat("x", maxRememberedKeyID+1)]
	require.False(t, ok, "long key ids are not remembered")
}

func TestKeySet_SkipsKeysItCannotUse(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	jwk := func(k jose.JSONWebKey) json.RawMessage {
		b, err := json.Marshal(k)
		require.NoError(t, err)
		return b
	}
	body, err := json.Marshal(map[string]any{"keys": []json.RawMessage{
		jwk(jose.JSONWebKey{Key: &rsaKey.PublicKey, KeyID: "rsa", Algorithm: "RS256", Use: "sig"}),
		jwk(jose.JSONWebKey{Key: ecKey, KeyID: "ec-private", Algorithm: "ES256"}), // published by mistake
		jwk(jose.JSONWebKey{Key: &rsaKey.PublicKey, KeyID: "enc", Use: "enc"}),
		jwk(jose.JSONWebKey{Key: &rsaKey.PublicKey, KeyID: "rs384", Algorithm: "RS384"}),
		jwk(jose.JSONWebKey{Key: []byte("a shared secret of thirty-two b"), KeyID: "hmac"}),
		json.RawMessage(`{"kty":"OKP","crv":"X448","kid":"x448","x":"AAAA"}`),
		json.RawMessage(`{"kty":"EC","crv":"secp256k1","alg":"ES256K","kid":"k1"}`),
	}})
	require.NoError(t, err)
	keys, err := parseJWKS(body)
	require.NoError(t, err)
	var kids []string
	for _, k := range keys {
		kids = append(kids, k.KeyID)
		require.True(t, k.IsPublic(), k.KeyID)
	}
	require.Equal(t, []string{"rsa", "ec-private"}, kids)
	_, err = parseJWKS([]byte(`<html>`))
	require.Error(t, err)
}

func TestKeySet_DefaultsAreTheConfigurationsDefaults(t *testing.T) {
	t.Parallel()
	require.Equal(t, DefaultJWKSRefetchInterval, config.Defaults().JWKSRefetchInterval)
	require.Equal(t, DefaultUnknownKeyIDTTL, config.Defaults().JWKSUnknownKeyIDTTL)
}
