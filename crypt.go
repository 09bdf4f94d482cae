package smallgoals

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Free text (notes, titles, GAS level descriptions, reflections) is
// encrypted in the application before it reaches the database, with
// AES-256-GCM under a data key. Each stored value carries the ID of the
// key that sealed it, so keys can rotate: a Keyring seals with its
// current key and opens with any key it holds.

// KeySize is the size of a data key in bytes (AES-256).
const KeySize = 32

// nonceSize is GCM's standard nonce size; the nonce is random and
// prepended to the ciphertext.
const nonceSize = 12

// ErrUnknownKey is in the chain of an error opening a value sealed under a
// key the keyring does not hold.
var ErrUnknownKey = errors.New("smallgoals: unknown data key")

// ErrDecrypt is in the chain of an error opening a value that fails
// authentication: the wrong key, another field's value, or altered bytes.
var ErrDecrypt = errors.New("smallgoals: decryption failed (wrong key, another field's value or altered data)")

// Key is a 256-bit data key. Its ID is derived from it: the first 8 hex
// digits of the SHA-256 of the key bytes, so configuration needs no
// separate key IDs. A Key prints as its ID only, never its bytes. The
// zero Key is not a key; make one with ParseKey or GenerateKey.
type Key struct {
	b  [KeySize]byte
	id string
}

// ParseKey decodes a key given as standard base64 of exactly 32 bytes
// (as `openssl rand -base64 32` makes). Surrounding white space is
// ignored. The error never contains the input.
func ParseKey(b64 string) (Key, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return Key{}, errors.New("smallgoals: a data key must be standard base64 (openssl rand -base64 32)")
	}
	if len(raw) != KeySize {
		return Key{}, fmt.Errorf("smallgoals: a data key must decode to %d bytes, not %d (openssl rand -base64 32)", KeySize, len(raw))
	}
	return newKey(raw), nil
}

// GenerateKey returns a new random key and its base64 form.
func GenerateKey() (Key, string) {
	raw := make([]byte, KeySize)
	rand.Read(raw) // never fails (crypto/rand crashes the program instead)
	return newKey(raw), base64.StdEncoding.EncodeToString(raw)
}

func newKey(raw []byte) Key {
	var k Key
	copy(k.b[:], raw)
	sum := sha256.Sum256(raw)
	k.id = hex.EncodeToString(sum[:])[:8]
	return k
}

// ID returns the key's ID, "" for the zero Key.
func (k Key) ID() string { return k.id }

// String returns the key's ID only.
func (k Key) String() string { return "data key " + k.id }

// GoString returns the key's ID only, so %#v does not print key bytes.
func (k Key) GoString() string { return "smallgoals.Key(" + k.id + ")" }

// Keyring seals with its current key and opens with the current key or
// any older one. It is safe for concurrent use.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
}

// NewKeyring returns a keyring that seals with current and opens with
// current and old. A key given twice counts once; the zero Key or two
// different keys with the same ID are errors.
func NewKeyring(current Key, old ...Key) (*Keyring, error) {
	kr := &Keyring{current: current.id, aeads: map[string]cipher.AEAD{}}
	seen := map[string][KeySize]byte{}
	for i, k := range append([]Key{current}, old...) {
		if k.id == "" {
			if i == 0 {
				return nil, errors.New("smallgoals: keyring: no current data key")
			}
			return nil, fmt.Errorf("smallgoals: keyring: old key %d is not a data key", i)
		}
		if b, ok := seen[k.id]; ok {
			if b != k.b {
				return nil, fmt.Errorf("smallgoals: keyring: two different keys share the ID %s; generate another", k.id)
			}
			continue
		}
		seen[k.id] = k.b
		block, err := aes.NewCipher(k.b[:])
		if err != nil {
			return nil, fmt.Errorf("smallgoals: keyring: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("smallgoals: keyring: %w", err)
		}
		kr.aeads[k.id] = aead
	}
	return kr, nil
}

// CurrentID returns the ID of the key Seal uses.
func (kr *Keyring) CurrentID() string { return kr.current }

// IDs returns the IDs of all keys the keyring holds, sorted.
func (kr *Keyring) IDs() []string {
	ids := make([]string, 0, len(kr.aeads))
	for id := range kr.aeads {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Has reports whether the keyring holds the key with the given ID.
func (kr *Keyring) Has(keyID string) bool {
	_, ok := kr.aeads[keyID]
	return ok
}

// Seal encrypts plaintext for the named field ("entries.note") under the
// current key and returns the ciphertext — a random 12-byte nonce followed
// by the GCM output — and the key's ID. The field is GCM's additional
// data: a ciphertext copied into another field does not open there.
//
// The empty string seals to an empty ciphertext (nothing to hide: a
// ciphertext's length tells the plaintext's length anyway), and an empty
// ciphertext opens to "" under any key ID.
func (kr *Keyring) Seal(field, plaintext string) (ciphertext []byte, keyID string, err error) {
	aead, ok := kr.aeads[kr.current]
	if !ok {
		return nil, "", errors.New("smallgoals: keyring has no current data key")
	}
	if plaintext == "" {
		return []byte{}, kr.current, nil
	}
	out := make([]byte, nonceSize, nonceSize+len(plaintext)+aead.Overhead())
	rand.Read(out)
	return aead.Seal(out, out, []byte(plaintext), []byte(field)), kr.current, nil
}

// Open decrypts a ciphertext Seal made for the same field under the key
// with the given ID. Its errors name the key ID and field, never key
// bytes or plaintext: ErrUnknownKey when the keyring lacks the key,
// ErrDecrypt when authentication fails.
func (kr *Keyring) Open(field string, ciphertext []byte, keyID string) (string, error) {
	if len(ciphertext) == 0 {
		return "", nil
	}
	aead, ok := kr.aeads[keyID]
	if !ok {
		return "", fmt.Errorf("%w: %s was sealed under key ID %q, and the keyring holds only %s",
			ErrUnknownKey, field, keyID, strings.Join(kr.IDs(), ", "))
	}
	if len(ciphertext) < nonceSize+aead.Overhead() {
		return "", fmt.Errorf("%w: %s under key ID %q is too short", ErrDecrypt, field, keyID)
	}
	plain, err := aead.Open(nil, ciphertext[:nonceSize], ciphertext[nonceSize:], []byte(field))
	if err != nil {
		return "", fmt.Errorf("%w: %s under key ID %q", ErrDecrypt, field, keyID)
	}
	return string(plain), nil
}
