package smallgoals

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func mustKey(t *testing.T) (Key, string) {
	t.Helper()
	k, b64 := GenerateKey()
	if k.ID() == "" || len(b64) != 44 {
		t.Fatalf("GenerateKey = %v, %d base64 characters", k, len(b64))
	}
	return k, b64
}

func mustRing(t *testing.T, current Key, old ...Key) *Keyring {
	t.Helper()
	kr, err := NewKeyring(current, old...)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func TestParseKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xA5}, 32)
	b64 := base64.StdEncoding.EncodeToString(raw)
	k, err := ParseKey(" " + b64 + "\n")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if want := hex.EncodeToString(sum[:4]); k.ID() != want {
		t.Fatalf("ID = %q, want %q (first 8 hex digits of SHA-256)", k.ID(), want)
	}
	// A key prints as its ID, never its bytes.
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k)} {
		if !strings.Contains(s, k.ID()) || strings.Contains(s, b64) || strings.Contains(s, "165") || strings.Contains(s, "a5a5") {
			t.Errorf("key printed as %q", s)
		}
	}
	k2, b64b := mustKey(t)
	if back, err := ParseKey(b64b); err != nil || back.ID() != k2.ID() {
		t.Fatalf("ParseKey(GenerateKey) = %v, %v; want ID %s", back, err, k2.ID())
	}

	bad := map[string]string{
		"short":        base64.StdEncoding.EncodeToString([]byte("SECRETSHORTKEY0123456789")),
		"long":         base64.StdEncoding.EncodeToString([]byte("SECRETLONGKEY0123456789012345678901234")),
		"not base64":   "SECRET-!!-not*base64*at*all-SECRET-SECRET-==",
		"url alphabet": base64.URLEncoding.EncodeToString(append(bytes.Repeat([]byte{0xFF}, 31), 0xFE)),
		"empty":        "",
	}
	for name, in := range bad {
		_, err := ParseKey(in)
		if err == nil {
			t.Errorf("%s: ParseKey accepted it", name)
			continue
		}
		if in != "" && strings.Contains(err.Error(), in) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: error echoes the input: %v", name, err)
		}
		if !strings.Contains(err.Error(), "openssl rand -base64 32") {
			t.Errorf("%s: error does not say how to make a key: %v", name, err)
		}
	}
}

func TestSealOpen(t *testing.T) {
	k, _ := mustKey(t)
	kr := mustRing(t, k)
	if kr.CurrentID() != k.ID() {
		t.Fatalf("CurrentID = %q, want %q", kr.CurrentID(), k.ID())
	}
	const field = "entries.note"

	t.Run("round trip", func(t *testing.T) {
		for _, s := range []string{"Tog selv bussen", "æøå ÆØÅ − 🚌", strings.Repeat("x", 4000), "\x00binary\xff"} {
			ct, id, err := kr.Seal(field, s)
			if err != nil || id != k.ID() {
				t.Fatalf("Seal = %v, %q; want key ID %s", err, id, k.ID())
			}
			if bytes.Contains(ct, []byte(s)) || len(ct) != 12+len(s)+16 {
				t.Fatalf("ciphertext of %d bytes for %d bytes of plaintext, or holds it", len(ct), len(s))
			}
			got, err := kr.Open(field, ct, id)
			if err != nil || got != s {
				t.Fatalf("Open = %q, %v; want %q", got, err, s)
			}
		}
	})

	t.Run("random nonce", func(t *testing.T) {
		a, _, _ := kr.Seal(field, "same")
		b, _, _ := kr.Seal(field, "same")
		if bytes.Equal(a, b) || bytes.Equal(a[:12], b[:12]) {
			t.Fatal("two seals of the same text are equal")
		}
	})

	t.Run("empty", func(t *testing.T) {
		ct, id, err := kr.Seal(field, "")
		if err != nil || len(ct) != 0 || ct == nil || id != k.ID() {
			t.Fatalf("Seal(\"\") = %v (%d bytes), %q, %v; want empty, current ID", ct, len(ct), id, err)
		}
		for _, id := range []string{k.ID(), "plain", "00000000"} {
			if got, err := kr.Open(field, nil, id); got != "" || err != nil {
				t.Fatalf("Open(empty, %s) = %q, %v", id, got, err)
			}
		}
	})

	t.Run("wrong field", func(t *testing.T) {
		ct, id, _ := kr.Seal(field, "Hemmelig")
		got, err := kr.Open("goals.title", ct, id)
		if !errors.Is(err, ErrDecrypt) || got != "" {
			t.Fatalf("Open under another field = %q, %v; want ErrDecrypt", got, err)
		}
		if strings.Contains(err.Error(), "Hemmelig") || !strings.Contains(err.Error(), id) {
			t.Fatalf("error %q: want the key ID and no plaintext", err)
		}
	})

	t.Run("tampering", func(t *testing.T) {
		ct, id, _ := kr.Seal(field, "Hemmelig note")
		for i := range ct {
			bad := bytes.Clone(ct)
			bad[i] ^= 0x01
			if got, err := kr.Open(field, bad, id); !errors.Is(err, ErrDecrypt) || got != "" {
				t.Fatalf("byte %d flipped: Open = %q, %v", i, got, err)
			}
		}
		for _, bad := range [][]byte{ct[:len(ct)-1], ct[:12], ct[:5], append(bytes.Clone(ct), 0)} {
			if _, err := kr.Open(field, bad, id); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("%d bytes: Open err = %v", len(bad), err)
			}
		}
	})

	t.Run("unknown key ID", func(t *testing.T) {
		other, _ := mustKey(t)
		ct, id, _ := mustRing(t, other).Seal(field, "Hemmelig")
		_, err := kr.Open(field, ct, id)
		if !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("err = %v, want ErrUnknownKey", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "unknown") || !strings.Contains(msg, id) ||
			!strings.Contains(msg, k.ID()) || strings.Contains(msg, "Hemmelig") {
			t.Fatalf("error %q: want it to say unknown and name the IDs", msg)
		}
		if _, err := kr.Open(field, ct, "plain"); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("key ID plain: err = %v", err)
		}
	})
}

func TestKeyringRotation(t *testing.T) {
	a, _ := mustKey(t)
	b, _ := mustKey(t)
	old := mustRing(t, a)
	ct, id, _ := old.Seal("revisions.reflection", "Gik bedre end ventet")
	if id != a.ID() {
		t.Fatalf("sealed under %s, want %s", id, a.ID())
	}
	rotated := mustRing(t, b, a)
	if got, err := rotated.Open("revisions.reflection", ct, id); err != nil || got != "Gik bedre end ventet" {
		t.Fatalf("Open with the old key listed = %q, %v", got, err)
	}
	ct2, id2, _ := rotated.Seal("revisions.reflection", "Ny tekst")
	if id2 != b.ID() {
		t.Fatalf("rotated ring sealed under %s, want the new key %s", id2, b.ID())
	}
	if _, err := old.Open("revisions.reflection", ct2, id2); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("old ring opening the new key's value: %v", err)
	}
	if ids := rotated.IDs(); len(ids) != 2 || !rotated.Has(a.ID()) || !rotated.Has(b.ID()) || rotated.Has("plain") {
		t.Fatalf("IDs = %v", ids)
	}
	if _, err := mustRing(t, b).Open("revisions.reflection", ct, id); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("ring without the old key: %v", err)
	}
}

func TestNewKeyring(t *testing.T) {
	a, _ := mustKey(t)
	if _, err := NewKeyring(Key{}); err == nil {
		t.Error("NewKeyring(zero key) succeeded")
	}
	if _, err := NewKeyring(a, Key{}); err == nil {
		t.Error("NewKeyring with a zero old key succeeded")
	}
	kr, err := NewKeyring(a, a, a)
	if err != nil || len(kr.IDs()) != 1 {
		t.Fatalf("a key given thrice: %v, %v", kr, err)
	}
	// Two different keys with the same derived ID (forged here) are refused.
	forged := a
	forged.b[0] ^= 1
	if _, err := NewKeyring(a, forged); err == nil || !strings.Contains(err.Error(), a.ID()) {
		t.Errorf("colliding IDs: err = %v", err)
	}
}
