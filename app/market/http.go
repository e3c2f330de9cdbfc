package market

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/fascia-hmi/fascia/internal/atomicfile"
	"github.com/fascia-hmi/fascia/market/entitle"
	"github.com/fascia-hmi/fascia/market/keys"
	"github.com/fascia-hmi/fascia/market/loadgen"
	"github.com/fascia-hmi/fascia/market/reqsig"
)

// loadOrCreateKey reads the vehicle key, creating it atomically (temporary
// file, then linked into place) on first use.
func loadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("market: %w", err)
	}
	k, _, err := keys.LoadOrCreate(path)
	if err != nil {
		return nil, fmt.Errorf("market: vehicle key: %w", err)
	}
	return k, nil
}

func vehicleID(k ed25519.PrivateKey) string {
	return reqsig.VehicleID(k.Public().(ed25519.PublicKey))
}

// loadPinnedKey reads the store's public key pinned at first contact.
func loadPinnedKey(path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := entitle.DecodeKey(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("market: %s: line 1: %w", path, err)
	}
	return p, nil
}

// writeFileAtomic writes data to path through a temporary file and rename.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(path, data, perm); err != nil {
		return fmt.Errorf("market: %w", err)
	}
	return nil
}

// car returns the signed HTTP client (signing with the wall clock, which
// the store checks; Options.Now only judges entitlements) (shared with the store's load
// generator: it re-signs a request the transport replayed).
func (c *Client) car() *loadgen.Car {
	return &loadgen.Car{Base: c.base, Key: c.key, ID: c.vehicle, Client: c.http}
}

// call sends a request after start-up. Transport failures become
// ErrUnreachable and mark the client offline; 4xx/5xx answers become
// *APIError.
func (c *Client) call(ctx context.Context, method, path string, body []byte, header http.Header, sign bool) (loadgen.Reply, error) {
	if err := c.startErr(ctx); err != nil {
		return loadgen.Reply{}, err
	}
	c.startMu.Lock()
	car := c.car()
	c.startMu.Unlock()
	r, err := car.Do(ctx, method, path, body, header, sign)
	if err != nil {
		c.setState(Offline, err)
		return r, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	c.setState(Online, nil)
	if r.Status >= 400 {
		return r, apiError(r)
	}
	return r, nil
}

// startErr runs start and classifies its failure: the store's answers as
// they are, everything else as unreachable.
func (c *Client) startErr(ctx context.Context) error {
	err := c.start(ctx)
	if err == nil {
		return nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return err
	}
	c.setState(Offline, err)
	if errors.Is(err, ErrUnreachable) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrUnreachable, err)
}

func apiError(r loadgen.Reply) error {
	var e struct {
		Error struct {
			Code, Message, Field string
		} `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Error.Code == "" {
		return &APIError{Status: r.Status, Code: http.StatusText(r.Status)}
	}
	return &APIError{Status: r.Status, Code: e.Error.Code, Field: e.Error.Field, Message: e.Error.Message}
}

// IsCode reports whether err is an APIError with that code.
func IsCode(err error, code string) bool {
	var e *APIError
	return errors.As(err, &e) && e.Code == code
}

func (c *Client) pinStoreKey(ctx context.Context) error {
	car := &loadgen.Car{Base: c.base, Client: c.http}
	r, err := car.Do(ctx, "GET", "/v1/store-key", nil, nil, false)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	if r.Status != 200 {
		return apiError(r)
	}
	var k struct{ Key string }
	if err := json.Unmarshal(r.Body, &k); err != nil {
		return fmt.Errorf("market: store key: %w", err)
	}
	pub, err := entitle.DecodeKey(k.Key)
	if err != nil {
		return fmt.Errorf("market: store key: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(c.dir, "store.pub"), []byte(k.Key+"\n"), 0o644); err != nil {
		return err
	}
	c.storePub = pub
	c.log.Info("market: pinned store key", "kid", entitle.KeyID(pub), "store", c.base)
	return nil
}

func (c *Client) register(ctx context.Context) error {
	body, _ := json.Marshal(map[string]string{"public_key": entitle.EncodeKey(c.key.Public().(ed25519.PublicKey)), "vin": c.opt.VIN, "model": "Fascia cockpit"})
	r, err := c.car().Do(ctx, "POST", "/v1/vehicles", body, nil, true)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	if r.Status != 200 && r.Status != 201 {
		return apiError(r)
	}
	return nil
}
