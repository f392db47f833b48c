package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/samverkanshub/hub/internal/platform/logging"
)

// Defaults of how often an issuer's JWKS may be fetched.
const (
	// DefaultJWKSRefetchInterval is the shortest time between two fetches
	// of one JWKS.
	DefaultJWKSRefetchInterval = time.Minute
	// DefaultUnknownKeyIDTTL is how long a key id that a fetched JWKS did
	// not hold is refused without asking the issuer again. As long as the
	// refetch interval: a key used before its JWKS reached every replica
	// (through a cache, say) is refused no longer than that.
	DefaultUnknownKeyIDTTL = time.Minute
	// retryAfterFailure is the refetch interval after a fetch failed: a
	// passing outage of the issuer must not refuse its tokens for a whole
	// interval, while a lasting one is still asked only so often.
	retryAfterFailure = 5 * time.Second
	// maxUnknownKeyIDs bounds the unknown key ids remembered per key set,
	// and maxRememberedKeyID the length of one (longer ones are not
	// remembered): random key ids cannot grow memory without limit.
	maxUnknownKeyIDs   = 1024
	maxRememberedKeyID = 256
	// maxJWKSBytes bounds a JWKS response.
	maxJWKSBytes = 1 << 20
)

// keySet is an issuer's JSON Web Key Set, fetched over HTTP and kept in
// memory, as the oidc.KeySet of its verifiers.
//
// A token whose key id is not among the keys makes the set fetch the JWKS
// again (an issuer may have rotated its keys), but at most once per
// refetchInterval, whoever asks and however many ask at once. A key id that
// a fetch did not find is refused without another fetch for unknownTTL.
// go-oidc's RemoteKeySet instead fetches for every unknown key id
// (coreos/go-oidc#482), so anyone could make the hub flood an
// organisation's identity provider with forged tokens.
type keySet struct {
	url             string
	client          *http.Client
	now             func() time.Time
	refetchInterval time.Duration
	unknownTTL      time.Duration

	mu        sync.Mutex
	keys      []jose.JSONWebKey
	lastFetch time.Time            // when the last fetch began, whatever its outcome
	failed    bool                 // the last fetch failed
	inflight  *keyFetch            // the fetch under way, if any
	unknown   map[string]time.Time // key id → refused without a fetch until
	warned    bool                 // a refused refetch was logged since lastFetch
}

// keyFetch is one fetch of the JWKS, which every caller that arrives while
// it runs waits for.
type keyFetch struct {
	done chan struct{}
	keys []jose.JSONWebKey // set before done is closed
	err  error
}

func newKeySet(url string, client *http.Client, now func() time.Time, refetchInterval, unknownTTL time.Duration) *keySet {
	return &keySet{
		url: url, client: client, now: now,
		refetchInterval: refetchInterval, unknownTTL: unknownTTL,
		unknown: map[string]time.Time{},
	}
}

// VerifySignature verifies raw's signature with the issuer's keys and
// returns its payload. Only an IDTokenVerifier calls it; the verifier
// checks the algorithm, issuer, audience and expiry.
func (k *keySet) VerifySignature(ctx context.Context, raw string) ([]byte, error) {
	jws, err := jose.ParseSigned(raw, SigningAlgs)
	if err != nil {
		return nil, fmt.Errorf("malformed jwt: %w", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("a token must have exactly one signature")
	}
	header := jws.Signatures[0].Header

	k.mu.Lock()
	keys := k.keys
	k.mu.Unlock()
	switch {
	case header.KeyID != "" && slices.ContainsFunc(keys, hasKeyID(header.KeyID)):
		// A known key: fetching again would not make a bad signature good.
		return verifyWith(jws, header, keys)
	case header.KeyID == "":
		if payload, err := verifyWith(jws, header, keys); err == nil {
			return payload, nil
		}
	}
	keys, err = k.refetch(ctx, header.KeyID)
	if err != nil {
		return nil, err
	}
	return verifyWith(jws, header, keys)
}

// refetch fetches the JWKS for a token whose key id (kid, perhaps empty) is
// not among the keys held, unless the limits refuse it, and returns the
// keys.
func (k *keySet) refetch(ctx context.Context, kid string) ([]jose.JSONWebKey, error) {
	k.mu.Lock()
	now := k.now()
	if until, ok := k.unknown[kid]; ok {
		if now.Before(until) {
			k.mu.Unlock()
			return nil, fmt.Errorf("key id %q is not in the issuer's key set", truncate(kid, 50))
		}
		delete(k.unknown, kid)
	}
	f, started := k.inflight, false
	if f == nil {
		interval := k.refetchInterval
		if k.failed {
			interval = min(interval, retryAfterFailure)
		}
		if !k.lastFetch.IsZero() && now.Sub(k.lastFetch) < interval {
			warn := !k.warned
			k.warned = true
			next := k.lastFetch.Add(interval)
			k.mu.Unlock()
			if warn {
				logging.FromContext(ctx).Warn("JWKS refetch refused: the key set was fetched too recently; tokens with unknown key ids are refused until the next fetch is allowed",
					"jwks_url", k.url, "kid", truncate(kid, 50), "interval", k.refetchInterval, "next_fetch_after", next)
			}
			return nil, fmt.Errorf("key id %q is not in the issuer's key set (fetched less than %s ago)", truncate(kid, 50), k.refetchInterval)
		}
		f, started = &keyFetch{done: make(chan struct{})}, true
		k.inflight, k.lastFetch, k.warned = f, now, false
		// The fetch is shared: it must not end with the request that began it.
		go k.fetch(f, logging.FromContext(ctx))
	}
	k.mu.Unlock()

	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-f.done:
	}
	if f.err != nil {
		return nil, f.err
	}
	// Only a fetch begun after kid was seen proves that the issuer does not
	// publish it: one already under way may predate a rotation.
	if started && kid != "" && !slices.ContainsFunc(f.keys, hasKeyID(kid)) {
		k.rememberUnknown(kid)
	}
	return f.keys, nil
}

// fetch runs f and keeps the keys it brings.
func (k *keySet) fetch(f *keyFetch, log *slog.Logger) {
	f.keys, f.err = k.get()
	if f.err != nil {
		log.Warn("JWKS fetch failed", "jwks_url", k.url, "error", f.err.Error())
	}
	k.mu.Lock()
	if f.err == nil {
		k.keys = f.keys
	}
	k.failed = f.err != nil
	k.inflight = nil
	k.mu.Unlock()
	close(f.done)
}

// get fetches the JWKS. The client's timeout bounds it.
func (k *keySet) get() ([]jose.JSONWebKey, error) {
	req, err := http.NewRequest(http.MethodGet, k.url, nil)
	if err != nil {
		return nil, fmt.Errorf("JWKS URL %q: %w", k.url, err)
	}
	req.Header.Set("Accept", "application/json")
	res, err := k.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch JWKS: %s answered %s", k.url, res.Status)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read JWKS: %w", err)
	}
	if len(body) > maxJWKSBytes {
		return nil, fmt.Errorf("JWKS of %s is larger than %d bytes", k.url, maxJWKSBytes)
	}
	return parseJWKS(body)
}

// parseJWKS returns the signing keys of a JWKS the hub can use. Keys it
// cannot use (another key type or curve, encryption keys, keys for other
// algorithms) are skipped rather than failing the whole set, as RFC 7517
// section 5 asks: issuers publish such keys beside their signing keys.
func parseJWKS(body []byte) ([]jose.JSONWebKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("JWKS is not a JSON key set: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, raw := range set.Keys {
		var key jose.JSONWebKey
		if err := json.Unmarshal(raw, &key); err != nil || !key.Valid() {
			continue
		}
		if key.Use == "enc" || (key.Algorithm != "" && !slices.Contains(SigningAlgs, jose.SignatureAlgorithm(key.Algorithm))) {
			continue
		}
		public := key.Public() // never hold a private key an issuer published by mistake
		if !public.Valid() {
			continue // a symmetric key
		}
		keys = append(keys, public)
	}
	return keys, nil
}

// rememberUnknown refuses kid without a fetch for unknownTTL. When the
// memory is full, expired entries go, and if none has expired it starts
// over: the refetch interval still bounds the fetches.
func (k *keySet) rememberUnknown(kid string) {
	if k.unknownTTL <= 0 || len(kid) > maxRememberedKeyID {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	if len(k.unknown) >= maxUnknownKeyIDs {
		for id, until := range k.unknown {
			if !now.Before(until) {
				delete(k.unknown, id)
			}
		}
		if len(k.unknown) >= maxUnknownKeyIDs {
			clear(k.unknown)
		}
	}
	k.unknown[kid] = now.Add(k.unknownTTL)
}

// verifyWith verifies jws with the keys of its key id (every key when it
// names none) whose algorithm, if the key states one, is the token's.
func verifyWith(jws *jose.JSONWebSignature, header jose.Header, keys []jose.JSONWebKey) ([]byte, error) {
	for i := range keys {
		key := &keys[i]
		if header.KeyID != "" && key.KeyID != header.KeyID {
			continue
		}
		if key.Algorithm != "" && key.Algorithm != header.Algorithm {
			continue
		}
		if payload, err := jws.Verify(key); err == nil {
			return payload, nil
		}
	}
	return nil, errors.New("no key of the issuer verifies the signature")
}

func hasKeyID(kid string) func(jose.JSONWebKey) bool {
	return func(k jose.JSONWebKey) bool { return k.KeyID == kid }
}
