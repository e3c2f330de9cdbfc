package reqsig

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func key(b byte) ed25519.PrivateKey {
	s := bytes.Repeat([]byte{b}, ed25519.SeedSize)
	return ed25519.NewKeyFromSeed(s)
}

func TestSignExtractVerify(t *testing.T) {
	k := key(1)
	pub := k.Public().(ed25519.PublicKey)
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"product":"app.x"}`)
	r, _ := http.NewRequest("POST", "http://store/v1/purchases?lang=de", bytes.NewReader(body))
	Sign(r, k, body, now)
	s, err := Extract(r.Header, now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if s.Vehicle != VehicleID(pub) {
		t.Fatalf("vehicle %s", s.Vehicle)
	}
	if err := s.Verify(pub, "POST", "/v1/purchases?lang=de", body); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() error{
		"body":   func() error { return s.Verify(pub, "POST", "/v1/purchases?lang=de", []byte(`{}`)) },
		"path":   func() error { return s.Verify(pub, "POST", "/v1/purchases?lang=fr", body) },
		"method": func() error { return s.Verify(pub, "PUT", "/v1/purchases?lang=de", body) },
		"key": func() error {
			return s.Verify(key(2).Public().(ed25519.PublicKey), "POST", "/v1/purchases?lang=de", body)
		},
	} {
		var e *Error
		if err := f(); !errors.As(err, &e) {
			t.Errorf("changed %s verified: %v", name, err)
		}
	}
	if _, err := Extract(r.Header, now.Add(MaxSkew+time.Second)); err == nil {
		t.Fatal("stale timestamp accepted")
	}
	if _, err := Extract(r.Header, now.Add(-MaxSkew-time.Second)); err == nil {
		t.Fatal("future timestamp accepted")
	}
	if _, err := Extract(http.Header{}, now); !errors.Is(err, ErrUnsigned) {
		t.Fatalf("unsigned: %v", err)
	}
	h := r.Header.Clone()
	h.Set(HeaderNonce, "short")
	var e *Error
	if _, err := Extract(h, now); !errors.As(err, &e) || e.Field != HeaderNonce {
		t.Fatalf("short nonce: %v", err)
	}
}

// FuzzExtract feeds arbitrary header values: no panic, and a signature
// that verifies must have come from the key.
func FuzzExtract(f *testing.F) {
	k := key(3)
	pub := k.Public().(ed25519.PublicKey)
	now := time.Unix(1_800_000_000, 0)
	r, _ := http.NewRequest("GET", "http://store/v1/entitlements", nil)
	Sign(r, k, nil, now)
	f.Add(r.Header.Get(HeaderVehicle), r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderNonce), r.Header.Get(HeaderSignature))
	f.Add("veh_", "x", "", "")
	f.Add("veh_0123456789abcdef01234567", strconv.FormatInt(now.Unix(), 10), "AAAAAAAAAAAAAAAAAAAAAA", "AAAA")
	f.Fuzz(func(t *testing.T, v, ts, n, sig string) {
		h := http.Header{}
		h.Set(HeaderVehicle, v)
		h.Set(HeaderTimestamp, ts)
		h.Set(HeaderNonce, n)
		h.Set(HeaderSignature, sig)
		s, err := Extract(h, now)
		if err != nil {
			return
		}
		// ed25519 signatures are deterministic: the only one that may
		// verify is the key's own signature of this exact message.
		want := b64.EncodeToString(ed25519.Sign(k, Message("GET", "/v1/entitlements", s.Timestamp.Unix(), s.Nonce, nil)))
		if s.Verify(pub, "GET", "/v1/entitlements", nil) == nil && b64.EncodeToString(s.Signature) != want {
			t.Fatalf("forged signature verified: %q %q %q %q", v, ts, n, sig)
		}
	})
}
