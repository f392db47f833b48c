// Package piicrypt protects identifying numbers at rest: AES-256-GCM with a
// rotatable key ring for the value, and an HMAC-SHA256 blind index for
// exact lookups without decrypting anything.
//
// Keys come from configuration (HUB_PII_KEYS, HUB_PII_INDEX_KEY). The first
// key of the ring encrypts; every key of the ring decrypts, so a key is
// rotated by putting a new one first, re-encrypting (`hub individuals
// rekey`), and then removing the old one. The index key cannot rotate
// without rebuilding every index value; it is separate from the
// encryption keys so that one leaking does not give away the other.
package piicrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Keys holds the key ring and the index key.
type Keys struct {
	activeID string
	aeads    map[string]cipher.AEAD
	index    []byte
	dev      bool // a public development key is in use
}

// ParseKeys reads a ring written "id1:base64key,id2:base64key" (the first
// encrypts) and a base64 index key. Every key is 32 bytes.
func ParseKeys(ring, indexKey string) (*Keys, error) {
	k := &Keys{aeads: map[string]cipher.AEAD{}}
	for i, part := range strings.Split(ring, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || id == "" {
			return nil, fmt.Errorf("key %d of the ring is not written id:base64", i+1)
		}
		if _, dup := k.aeads[id]; dup {
			return nil, fmt.Errorf("key id %q appears twice in the ring", id)
		}
		raw, err := decodeKey(b64)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
		if i == 0 {
			k.activeID = id
		}
		k.dev = k.dev || publicKeys[strings.TrimSpace(b64)] || string(raw) == devKeyText
		k.aeads[id] = aead
	}
	idx, err := decodeKey(indexKey)
	if err != nil {
		return nil, fmt.Errorf("index key: %w", err)
	}
	k.index = idx
	k.dev = k.dev || publicKeys[strings.TrimSpace(indexKey)] || string(idx) == devIndexText
	return k, nil
}

func decodeKey(b64 string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, errors.New("not base64")
	}
	if len(raw) != 32 {
		return nil, fmt.Errorf("must be 32 bytes, is %d", len(raw))
	}
	return raw, nil
}

// NewKey returns a fresh random key, base64 encoded (for operators).
func NewKey() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// ActiveKeyID names the key new values are encrypted with.
func (k *Keys) ActiveKeyID() string { return k.activeID }

// Seal encrypts plaintext with the active key. bound is authenticated but
// not encrypted (the row's id): a sealed value moved to another row no
// longer opens.
func (k *Keys) Seal(plaintext, bound []byte) (keyID string, sealed []byte, err error) {
	aead := k.aeads[k.activeID]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, fmt.Errorf("nonce: %w", err)
	}
	return k.activeID, aead.Seal(nonce, nonce, plaintext, bound), nil
}

// Open decrypts a value sealed with the named key.
func (k *Keys) Open(keyID string, sealed, bound []byte) ([]byte, error) {
	aead, ok := k.aeads[keyID]
	if !ok {
		return nil, fmt.Errorf("the key %q that sealed this value is not in the ring", keyID)
	}
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("sealed value too short")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], bound)
	if err != nil {
		return nil, errors.New("sealed value does not open (wrong key, or moved or changed)")
	}
	return plain, nil
}

// Index is the blind index of a value: equal values, equal indexes; the
// value cannot be recovered from it without the index key.
func (k *Keys) Index(value []byte) []byte {
	m := hmac.New(sha256.New, k.index)
	m.Write(value)
	return m.Sum(nil)
}

// DevRing and DevIndexKey are fixed keys for `hub dev` and tests only. They
// are public, so data under them is not protected; `hub serve` refuses them.
const (
	DevRing     = "dev1:ZGV2LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24tMDAwMDA="
	DevIndexKey = "ZGV2LWluZGV4LW5vdC1mb3ItcHJvZHVjdGlvbi0wMDA="
)

const (
	devKeyText   = "dev-key-not-for-production-00000"
	devIndexText = "dev-index-not-for-production-000"
)

// publicKeys are keys published in this repository (docker-compose.yml's
// demo deployment): data sealed with them is not protected.
var publicKeys = map[string]bool{
	"6jkpNwzmpHZ/0BjGHbIq+xhNwimKnWcqI/QCeFJUErI=": true,
	"f+Rvjj3WbbaWRdvxkdAY5JvpudU9bt/D+uG/HckivUM=": true,
}

// IsDev reports whether a public key (development, or published demo
// deployment) is in use.
func (k *Keys) IsDev() bool { return k.dev }
