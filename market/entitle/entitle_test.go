package entitle

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

func testKey(seed byte) ed25519.PrivateKey {
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed
	}
	return ed25519.NewKeyFromSeed(s)
}

func sample(now time.Time) Entitlement {
	return Entitlement{Serial: "ent_1", Purchase: "pur_1", Product: "app.weather-radar", Kind: "app", Vehicle: "veh_a", IssuedAt: now, ValidUntil: now.Add(time.Hour), Nonce: "n"}
}

func TestSignVerify(t *testing.T) {
	key, other := testKey(1), testKey(2)
	pub := key.Public().(ed25519.PublicKey)
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	tok, err := Sign(key, sample(now))
	if err != nil {
		t.Fatal(err)
	}
	e, err := Verify(pub, tok, "veh_a", now)
	if err != nil || e.Product != "app.weather-radar" || !e.ValidUntil.Equal(now.Add(time.Hour)) || e.Version != 1 {
		t.Fatalf("verify: %+v %v", e, err)
	}
	if _, err := Verify(pub, tok, "veh_b", now); !errors.Is(err, ErrVehicle) {
		t.Fatalf("other vehicle: %v", err)
	}
	if e, err := Verify(pub, tok, "veh_a", now.Add(time.Hour)); !errors.Is(err, ErrExpired) || e.Product == "" {
		t.Fatalf("expired: %+v %v", e, err)
	}
	if _, err := Verify(other.Public().(ed25519.PublicKey), tok, "veh_a", now); !errors.Is(err, ErrSignature) {
		t.Fatalf("other key: %v", err)
	}
	// Any change to the payload breaks the signature.
	p, s, _ := strings.Cut(tok, ".")
	raw, _ := b64.DecodeString(p)
	forged := strings.Replace(string(raw), `"veh_a"`, `"veh_b"`, 1)
	if _, err := Verify(pub, b64.EncodeToString([]byte(forged))+"."+s, "veh_b", now); !errors.Is(err, ErrSignature) {
		t.Fatalf("forged payload: %v", err)
	}
	// A catalog signature is not an entitlement signature (domain separation).
	body := []byte(`{"x":1}`)
	csig := SignCatalog(key, body)
	if _, err := Parse(pub, b64.EncodeToString(body)+"."+csig); !errors.Is(err, ErrSignature) {
		t.Fatalf("catalog signature accepted as entitlement: %v", err)
	}
	for _, bad := range []string{"", "abc", "a.b", strings.Repeat("a", MaxTokenLen+1), p + ".", "." + s} {
		if _, err := Parse(pub, bad); !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrSignature) {
			t.Errorf("%.20q: %v", bad, err)
		}
	}
	if _, err := Sign(key, Entitlement{Product: "x"}); err == nil {
		t.Fatal("incomplete entitlement signed")
	}
}

func TestCatalogAndContent(t *testing.T) {
	key := testKey(3)
	pub := key.Public().(ed25519.PublicKey)
	body := []byte(`{"version":1}`)
	sig := SignCatalog(key, body)
	if err := VerifyCatalog(pub, body, sig); err != nil {
		t.Fatal(err)
	}
	if err := VerifyCatalog(pub, []byte(`{"version":2}`), sig); !errors.Is(err, ErrSignature) {
		t.Fatalf("tampered catalog: %v", err)
	}
	if err := VerifyCatalog(pub, body, "!!"); !errors.Is(err, ErrMalformed) {
		t.Fatalf("bad signature encoding: %v", err)
	}
	data := []byte("pack contents")
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	csig := SignContent(key, "content.x", int64(len(data)), h)
	if err := VerifyContent(pub, "content.x", data, h, csig); err != nil {
		t.Fatal(err)
	}
	if err := VerifyContent(pub, "content.y", data, h, csig); !errors.Is(err, ErrSignature) {
		t.Fatalf("content signed for another product: %v", err)
	}
	if err := VerifyContent(pub, "content.x", []byte("pack contentz"), h, csig); !errors.Is(err, ErrSignature) {
		t.Fatalf("tampered content: %v", err)
	}
	k, err := DecodeKey(EncodeKey(pub))
	if err != nil || !k.Equal(pub) || len(KeyID(pub)) != 16 {
		t.Fatalf("key round trip: %v", err)
	}
}

// FuzzVerify feeds arbitrary tokens to the verifier: it must never panic,
// and anything it accepts must be exactly what the key signed.
func FuzzVerify(f *testing.F) {
	key := testKey(7)
	pub := key.Public().(ed25519.PublicKey)
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	good, _ := Sign(key, sample(now))
	f.Add(good)
	f.Add("")
	f.Add("e30.AAAA")
	f.Add(good[:len(good)-3] + "AAA")
	f.Fuzz(func(t *testing.T, tok string) {
		e, err := Verify(pub, tok, "veh_a", now)
		if err == nil {
			if tok != good {
				t.Fatalf("accepted a token the key did not sign: %q", tok)
			}
			if e.Vehicle != "veh_a" || !now.Before(e.ValidUntil) {
				t.Fatalf("accepted %+v", e)
			}
		}
	})
}
