// Package reqsig owns the scheme by which a car signs its requests to the
// store and the store checks them: ed25519 over method, path with query,
// timestamp, nonce and the body's SHA-256, carried in four headers. It is
// imported by the car and the server, so it uses the standard library only.
// It must not remember nonces (replay memory is the server's storage) or
// know about purchases.
package reqsig

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names.
const (
	HeaderVehicle   = "Fascia-Vehicle"
	HeaderTimestamp = "Fascia-Timestamp"
	HeaderNonce     = "Fascia-Nonce"
	HeaderSignature = "Fascia-Signature"
)

// MaxSkew is how far a request's timestamp may be from the server's clock.
const MaxSkew = 5 * time.Minute

const domain = "FASCIA-REQ-V1"

var b64 = base64.RawURLEncoding

// VehicleID is the ID the store gives the vehicle that owns pub: "veh_"
// followed by the first 12 bytes of SHA-256(pub) in hex. The car can compute
// it before registering.
func VehicleID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "veh_" + hex.EncodeToString(sum[:12])
}

// Message is the byte string a car signs:
//
//	FASCIA-REQ-V1\n<METHOD>\n<path?query>\n<unix seconds>\n<nonce>\n<hex sha256(body)>
func Message(method, pathQuery string, ts int64, nonce string, body []byte) []byte {
	sum := sha256.Sum256(body)
	return fmt.Appendf(nil, "%s\n%s\n%s\n%d\n%s\n%s", domain, strings.ToUpper(method), pathQuery, ts, nonce, hex.EncodeToString(sum[:]))
}

// Sign sets the four signature headers on r for body (which must be the
// exact bytes sent; nil for no body). The nonce is 16 random bytes.
func Sign(r *http.Request, key ed25519.PrivateKey, body []byte, now time.Time) {
	var n [16]byte
	_, _ = rand.Read(n[:])
	nonce := b64.EncodeToString(n[:])
	ts := now.Unix()
	pub := key.Public().(ed25519.PublicKey)
	r.Header.Set(HeaderVehicle, VehicleID(pub))
	r.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	r.Header.Set(HeaderNonce, nonce)
	r.Header.Set(HeaderSignature, b64.EncodeToString(ed25519.Sign(key, Message(r.Method, r.URL.RequestURI(), ts, nonce, body))))
}

// Signed is what a server extracted from a request's headers.
type Signed struct {
	Vehicle   string
	Timestamp time.Time
	Nonce     string
	Signature []byte
}

// Error is a signature failure naming the header at fault.
type Error struct {
	Field  string // header name
	Reason string
}

func (e *Error) Error() string { return "reqsig: " + e.Field + ": " + e.Reason }

// ErrUnsigned means the request carries no signature headers at all.
var ErrUnsigned = errors.New("reqsig: request is not signed")

// Extract parses the signature headers and checks their shape and the
// timestamp's freshness against now. It does not check the signature.
func Extract(h http.Header, now time.Time) (Signed, error) {
	var s Signed
	v, ts, n, sg := h.Get(HeaderVehicle), h.Get(HeaderTimestamp), h.Get(HeaderNonce), h.Get(HeaderSignature)
	if v == "" && ts == "" && n == "" && sg == "" {
		return s, ErrUnsigned
	}
	if len(v) != 28 || !strings.HasPrefix(v, "veh_") {
		return s, &Error{HeaderVehicle, "must be veh_ followed by 24 hex digits"}
	}
	if _, err := hex.DecodeString(v[4:]); err != nil {
		return s, &Error{HeaderVehicle, "must be veh_ followed by 24 hex digits"}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(ts) > 12 {
		return s, &Error{HeaderTimestamp, "must be unix seconds"}
	}
	t := time.Unix(sec, 0)
	if d := now.Sub(t); d > MaxSkew || d < -MaxSkew {
		return s, &Error{HeaderTimestamp, "stale or in the future (allowed skew 300 s)"}
	}
	if len(n) < 16 || len(n) > 64 {
		return s, &Error{HeaderNonce, "must be 16 to 64 characters"}
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return s, &Error{HeaderNonce, "must be base64url characters"}
		}
	}
	sig, err := b64.DecodeString(sg)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return s, &Error{HeaderSignature, "must be a base64url ed25519 signature"}
	}
	return Signed{Vehicle: v, Timestamp: t, Nonce: n, Signature: sig}, nil
}

// Verify checks s against the vehicle's registered key and the request.
func (s Signed) Verify(pub ed25519.PublicKey, method, pathQuery string, body []byte) error {
	if len(pub) != ed25519.PublicKeySize || VehicleID(pub) != s.Vehicle {
		return &Error{HeaderVehicle, "key does not belong to this vehicle"}
	}
	if !ed25519.Verify(pub, Message(method, pathQuery, s.Timestamp.Unix(), s.Nonce, body), s.Signature) {
		return &Error{HeaderSignature, "signature does not match the request"}
	}
	return nil
}
