// Package loadgen owns the store's load generator and the minimal signed
// HTTP car client it (and the server's tests) drive the API with. It must
// not reach into the server's internals: everything goes over HTTP.
package loadgen

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/market/entitle"
	"github.com/fascia-hmi/fascia/market/reqsig"
)

// Car is a registered vehicle talking to a store.
type Car struct {
	Base   string // http://host:port
	Key    ed25519.PrivateKey
	ID     string
	Client *http.Client
	// Now is the car's clock for signing (default time.Now).
	Now func() time.Time
}

// NewCar makes a car with a fresh key.
func NewCar(base string, client *http.Client) *Car {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	if client == nil {
		client = http.DefaultClient
	}
	return &Car{Base: strings.TrimRight(base, "/"), Key: priv, ID: reqsig.VehicleID(priv.Public().(ed25519.PublicKey)), Client: client}
}

// Reply is a response read in full.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r Reply) JSON(v any) error { return json.Unmarshal(r.Body, v) }

// Do sends a signed request (sign=false sends it unsigned). Go's
// http.Transport re-sends a request carrying Idempotency-Key after a
// connection failure, with the same signature headers; the server answers
// such a copy 401 "replay", and Do signs anew and sends again.
func (c *Car) Do(ctx context.Context, method, path string, body []byte, header http.Header, sign bool) (Reply, error) {
	for attempt := 0; ; attempt++ {
		r, err := c.do(ctx, method, path, body, header, sign)
		if err != nil || !sign || r.Status != http.StatusUnauthorized || attempt == 3 || !bytes.Contains(r.Body, []byte(`"code":"replay"`)) {
			return r, err
		}
	}
}

func (c *Car) do(ctx context.Context, method, path string, body []byte, header http.Header, sign bool) (Reply, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return Reply{}, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if sign {
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		reqsig.Sign(req, c.Key, body, now())
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		return Reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// Register registers the car (idempotent).
func (c *Car) Register(ctx context.Context, vin string) error {
	body, _ := json.Marshal(map[string]string{"public_key": entitle.EncodeKey(c.Key.Public().(ed25519.PublicKey)), "vin": vin, "model": "loadgen"})
	r, err := c.Do(ctx, "POST", "/v1/vehicles", body, nil, true)
	if err != nil {
		return err
	}
	if r.Status != 201 && r.Status != 200 {
		return fmt.Errorf("register: %d %s", r.Status, r.Body)
	}
	return nil
}

// SetPIN sets a driver's PIN.
func (c *Car) SetPIN(ctx context.Context, driver, pin string) error {
	body, _ := json.Marshal(map[string]string{"pin": pin})
	r, err := c.Do(ctx, "PUT", "/v1/drivers/"+driver+"/pin", body, nil, true)
	if err != nil {
		return err
	}
	if r.Status != 204 {
		return fmt.Errorf("set pin: %d %s", r.Status, r.Body)
	}
	return nil
}

// Buy posts a purchase with an idempotency key.
func (c *Car) Buy(ctx context.Context, key string, body []byte) (Reply, error) {
	return c.Do(ctx, "POST", "/v1/purchases", body, http.Header{"Idempotency-Key": {key}}, true)
}

// NewKey returns a random idempotency key.
func NewKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// VIN returns a syntactically valid demo VIN numbered n.
func VIN(n int) string { return fmt.Sprintf("WFMKT%012d", n) }
