// Package entitle owns the store's signatures that a car checks offline:
// entitlement tokens, the signed catalog and content-file manifests, all
// ed25519 under the store's key. It is imported by the store server and by
// the car, so it depends on the standard library only: no database, no
// network, no logging. It must not decide business rules (who may buy what);
// it only signs and verifies.
package entitle

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Domain-separation prefixes: a signature made for one kind of object never
// verifies as another.
const (
	entitlementDomain = "fascia-entitlement-v1\x00"
	catalogDomain     = "fascia-catalog-v1\x00"
	contentDomain     = "fascia-content-v1\x00"
)

// MaxTokenLen bounds the token a verifier accepts before decoding anything.
const MaxTokenLen = 4096

// Entitlement is what a token grants: the vehicle may use the product until
// ValidUntil. Every token expires; the car refreshes tokens of perpetual
// purchases (apps, content) from GET /v1/entitlements while the purchase
// stands, so a refund takes effect when the current token expires.
type Entitlement struct {
	Version    int       `json:"v"`
	Serial     string    `json:"serial"`   // unique per token
	Purchase   string    `json:"purchase"` // purchase that granted it
	Product    string    `json:"product"`
	Kind       string    `json:"kind"` // app, subscription, content, service
	Vehicle    string    `json:"vehicle"`
	IssuedAt   time.Time `json:"issued_at"`
	ValidUntil time.Time `json:"valid_until"`
	Place      string    `json:"place,omitempty"` // service purchases: where
	Nonce      string    `json:"nonce"`
}

// Errors returned by Verify; test with errors.Is.
var (
	ErrMalformed = errors.New("entitle: malformed token")
	ErrSignature = errors.New("entitle: bad signature")
	ErrVehicle   = errors.New("entitle: token is for another vehicle")
	ErrExpired   = errors.New("entitle: token expired")
)

var b64 = base64.RawURLEncoding

// Sign returns the token "base64url(payload).base64url(signature)" where
// payload is the entitlement's JSON and the signature covers the
// entitlement domain prefix followed by the payload bytes.
func Sign(key ed25519.PrivateKey, e Entitlement) (string, error) {
	if e.Version == 0 {
		e.Version = 1
	}
	if e.Serial == "" || e.Product == "" || e.Vehicle == "" || e.ValidUntil.IsZero() {
		return "", errors.New("entitle: serial, product, vehicle and valid_until are required")
	}
	e.IssuedAt = e.IssuedAt.UTC().Truncate(time.Second)
	e.ValidUntil = e.ValidUntil.UTC().Truncate(time.Second)
	payload, err := json.Marshal(e)
	if err != nil {
		return "", err
	}
	sig := ed25519.Sign(key, append([]byte(entitlementDomain), payload...))
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(sig), nil
}

// Parse checks the token's signature and decodes it without checking the
// vehicle or the time; use Verify for the full check.
func Parse(pub ed25519.PublicKey, token string) (Entitlement, error) {
	var e Entitlement
	if len(pub) != ed25519.PublicKeySize {
		return e, errors.New("entitle: public key must be 32 bytes")
	}
	if len(token) > MaxTokenLen {
		return e, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, MaxTokenLen)
	}
	p, s, ok := strings.Cut(token, ".")
	if !ok {
		return e, fmt.Errorf("%w: no '.' separator", ErrMalformed)
	}
	payload, err := b64.DecodeString(p)
	if err != nil {
		return e, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	sig, err := b64.DecodeString(s)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return e, fmt.Errorf("%w: signature encoding", ErrMalformed)
	}
	if !ed25519.Verify(pub, append([]byte(entitlementDomain), payload...), sig) {
		return e, ErrSignature
	}
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Entitlement{}, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	if e.Version != 1 {
		return Entitlement{}, fmt.Errorf("%w: version %d", ErrMalformed, e.Version)
	}
	if e.Serial == "" || e.Product == "" || e.Vehicle == "" || e.ValidUntil.IsZero() {
		return Entitlement{}, fmt.Errorf("%w: missing field", ErrMalformed)
	}
	return e, nil
}

// Verify checks the signature, that the token is for vehicle and that it is
// valid at now. It returns the entitlement even when only the expiry check
// fails (with ErrExpired) so the car can show what expired.
func Verify(pub ed25519.PublicKey, token, vehicle string, now time.Time) (Entitlement, error) {
	e, err := Parse(pub, token)
	if err != nil {
		return e, err
	}
	if e.Vehicle != vehicle {
		return Entitlement{}, ErrVehicle
	}
	if !now.Before(e.ValidUntil) {
		return e, ErrExpired
	}
	return e, nil
}

// SignCatalog signs catalog response bytes exactly as served; the car keeps
// the bytes and the signature (header Fascia-Store-Signature) together.
func SignCatalog(key ed25519.PrivateKey, body []byte) string {
	return b64.EncodeToString(ed25519.Sign(key, append([]byte(catalogDomain), body...)))
}

// VerifyCatalog reports whether sig is the store's signature of body.
func VerifyCatalog(pub ed25519.PublicKey, body []byte, sig string) error {
	s, err := b64.DecodeString(sig)
	if err != nil || len(s) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: catalog signature encoding", ErrMalformed)
	}
	if !ed25519.Verify(pub, append([]byte(catalogDomain), body...), s) {
		return ErrSignature
	}
	return nil
}

// contentMessage is what a content signature covers: product, size and
// SHA-256 of the file, one per line.
func contentMessage(product string, size int64, sha256hex string) []byte {
	return fmt.Appendf([]byte(contentDomain), "%s\n%d\n%s", product, size, strings.ToLower(sha256hex))
}

// SignContent signs a content file's manifest (product ID, size, SHA-256).
func SignContent(key ed25519.PrivateKey, product string, size int64, sha256hex string) string {
	return b64.EncodeToString(ed25519.Sign(key, contentMessage(product, size, sha256hex)))
}

// VerifyContent checks a downloaded file's bytes against the manifest and
// the store's signature of it.
func VerifyContent(pub ed25519.PublicKey, product string, data []byte, sha256hex, sig string) error {
	sum := sha256.Sum256(data)
	if !strings.EqualFold(hex.EncodeToString(sum[:]), sha256hex) {
		return fmt.Errorf("%w: content SHA-256 mismatch", ErrSignature)
	}
	return VerifyContentManifest(pub, product, int64(len(data)), sha256hex, sig)
}

// VerifyContentManifest checks the signature over (product, size, sha256)
// without the file bytes, for a car that hashes while streaming.
func VerifyContentManifest(pub ed25519.PublicKey, product string, size int64, sha256hex, sig string) error {
	s, err := b64.DecodeString(sig)
	if err != nil || len(s) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: content signature encoding", ErrMalformed)
	}
	if !ed25519.Verify(pub, contentMessage(product, size, sha256hex), s) {
		return ErrSignature
	}
	return nil
}

// KeyID names a public key: the first 8 bytes of its SHA-256, hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// EncodeKey and DecodeKey convert a public key to and from the base64url
// text used on the wire.
func EncodeKey(pub ed25519.PublicKey) string { return b64.EncodeToString(pub) }

// DecodeKey parses a base64url (unpadded) ed25519 public key.
func DecodeKey(s string) (ed25519.PublicKey, error) {
	b, err := b64.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("entitle: public key must be 32 bytes, base64url without padding")
	}
	return ed25519.PublicKey(b), nil
}
