// Package market owns the car's side of the in-vehicle store: the vehicle
// key and registration, signed requests, the catalog with its signed offline
// cache, purchases (idempotent, retried), per-driver PINs, the entitlement
// cache verified by the store's signature, purchase history and
// subscriptions, content downloads (ranged resume, SHA-256 and signature
// check, atomic install) and the parking places the car can pay at. When no
// store URL is configured it runs the real store server in-process on a
// loopback port with its SQLite file under the data directory. It has no
// Fyne imports, and it must not decide what the UI shows; every network or
// disk operation is a blocking call the caller runs off the UI goroutine.
package market

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// DemoCard is the sandbox card on file in the demo car (always approved).
const DemoCard = "4242424242424242"

// DefaultDriver is the driver ID used when the car does not know who drives.
const DefaultDriver = "driver"

// Options configure a Client.
type Options struct {
	// URL of the store; empty runs the embedded local store.
	URL string
	// DataDir is the cockpit's data directory (default
	// $XDG_DATA_HOME/fascia); the client keeps its files in DataDir/market,
	// installs maps to DataDir/maps and theme packs to DataDir/themes.
	DataDir string
	Card    string // card number on file (default DemoCard)
	VIN     string // the car's VIN, sent at registration
	Lang    string // catalog language (default "en")
	Log     *slog.Logger
	Now     func() time.Time
	HTTP    *http.Client
	// RegionPack is the PMTiles file the embedded store seeds its map
	// region product from; empty looks in the usual places and leaves the
	// map product out of the embedded catalog when none is found.
	RegionPack string
	// Retries bounds the attempts of one purchase (default 4).
	Retries int
	// Backoff is the first wait between purchase attempts (default 250 ms).
	Backoff time.Duration
}

// State says whether the store answered lately.
type State int

// States of the connection to the store.
const (
	Unknown State = iota // not tried yet
	Online               // the last request reached the store
	Offline              // the store did not answer; cached data only
)

func (s State) String() string {
	switch s {
	case Online:
		return "online"
	case Offline:
		return "offline"
	}
	return "unknown"
}

// ErrUnreachable wraps every failure to reach the store.
var ErrUnreachable = errors.New("store unreachable")

// APIError is an error answer of the store.
type APIError struct {
	Status  int
	Code    string
	Field   string
	Message string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("store: %d %s", e.Status, e.Code)
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Client is the car's store client. Its methods are safe for concurrent use.
type Client struct {
	opt  Options
	dir  string // DataDir/market
	log  *slog.Logger
	http *http.Client

	startMu  sync.Mutex // serializes start-up (key, embedded server, registration)
	base     string
	key      ed25519.PrivateKey
	vehicle  string
	storePub ed25519.PublicKey
	emb      *embedded
	regDone  bool

	mu        sync.Mutex
	state     State
	lastErr   error
	catalog   *Catalog
	ents      *entitlementSet
	listeners []func()
	closed    bool

	lastTry      time.Time // last request to the store (client clock)
	loaded       bool
	installedSet map[string]bool // content product IDs installed (see Load)
	activeTheme  string
}

// DefaultDataDir returns $XDG_DATA_HOME/fascia (or ~/.local/share/fascia).
func DefaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "fascia")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "fascia")
	}
	return filepath.Join(home, ".local", "share", "fascia")
}

// New returns a client. It touches neither the disk nor the network: the
// key, the embedded store and the caches are set up by the first call that
// needs them.
func New(opt Options) *Client {
	if opt.DataDir == "" {
		opt.DataDir = DefaultDataDir()
	}
	if opt.Card == "" {
		opt.Card = DemoCard
	}
	if opt.VIN == "" {
		opt.VIN = "WFASCDE0000000001"
	}
	if opt.Lang == "" {
		opt.Lang = "en"
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.HTTP == nil {
		opt.HTTP = &http.Client{Timeout: 20 * time.Second}
	}
	if opt.Retries <= 0 {
		opt.Retries = 4
	}
	if opt.Backoff <= 0 {
		opt.Backoff = 250 * time.Millisecond
	}
	opt.URL = strings.TrimRight(opt.URL, "/")
	return &Client{opt: opt, dir: filepath.Join(opt.DataDir, "market"), log: opt.Log, http: opt.HTTP}
}

// Embedded reports whether the client runs its own local store.
func (c *Client) Embedded() bool { return c.opt.URL == "" }

// Dir is the client's own folder (keys, caches, partial downloads).
func (c *Client) Dir() string { return c.dir }

// Card returns the last four digits of the card on file.
func (c *Client) Card() string {
	n := c.opt.Card
	if len(n) > 4 {
		n = n[len(n)-4:]
	}
	return n
}

// SetCard changes the card on file (sandbox numbers in the demo).
func (c *Client) SetCard(number string) {
	c.mu.Lock()
	c.opt.Card = number
	c.mu.Unlock()
}

func (c *Client) card() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opt.Card
}

// OnChange registers f to be called (on the caller's goroutine of the
// change, never the UI's) after the state, catalog or entitlements change.
func (c *Client) OnChange(f func()) {
	c.mu.Lock()
	c.listeners = append(c.listeners, f)
	c.mu.Unlock()
}

func (c *Client) changed() {
	c.mu.Lock()
	ls := append([]func(){}, c.listeners...)
	c.mu.Unlock()
	for _, f := range ls {
		f()
	}
}

// State returns the connection state and the last error reaching the store.
func (c *Client) State() (State, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state, c.lastErr
}

func (c *Client) setState(s State, err error) {
	c.mu.Lock()
	c.lastTry = c.opt.Now()
	ch := c.state != s
	c.state, c.lastErr = s, err
	c.mu.Unlock()
	if ch {
		c.changed()
	}
}

// Vehicle returns the vehicle ID, once the key exists (empty before).
func (c *Client) Vehicle() string {
	c.startMu.Lock()
	defer c.startMu.Unlock()
	return c.vehicle
}

// Close stops the embedded store, if any.
func (c *Client) Close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.startMu.Lock()
	defer c.startMu.Unlock()
	if c.emb != nil {
		c.emb.close()
		c.emb = nil
	}
}

// start makes sure the key exists, the embedded store runs (when used),
// the store key is pinned and the car is registered. It is idempotent and
// retried by every online call until it succeeds.
func (c *Client) start(ctx context.Context) error {
	c.startMu.Lock()
	defer c.startMu.Unlock()
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return errors.New("market: client closed")
	}
	if c.key == nil {
		k, err := loadOrCreateKey(filepath.Join(c.dir, "vehicle.key"))
		if err != nil {
			return err
		}
		c.key = k
		c.vehicle = vehicleID(k)
	}
	if c.storePub == nil {
		if p, err := loadPinnedKey(filepath.Join(c.dir, "store.pub")); err == nil {
			c.storePub = p
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if c.base == "" {
		if c.opt.URL == "" {
			e, err := startEmbedded(ctx, c.dir, c.opt.RegionPack, c.log)
			if err != nil {
				return fmt.Errorf("market: embedded store: %w", err)
			}
			c.emb, c.base = e, e.url
		} else {
			c.base = c.opt.URL
		}
	}
	if c.storePub == nil {
		if err := c.pinStoreKey(ctx); err != nil {
			return err
		}
	}
	if !c.regDone {
		if err := c.register(ctx); err != nil {
			return err
		}
		c.regDone = true
	}
	return nil
}

// ensureKeys loads the vehicle key and the pinned store key without going
// online, for offline use of the caches.
func (c *Client) ensureKeys() (ed25519.PrivateKey, ed25519.PublicKey, error) {
	c.startMu.Lock()
	defer c.startMu.Unlock()
	if c.key == nil {
		k, err := loadOrCreateKey(filepath.Join(c.dir, "vehicle.key"))
		if err != nil {
			return nil, nil, err
		}
		c.key, c.vehicle = k, vehicleID(k)
	}
	if c.storePub == nil {
		p, err := loadPinnedKey(filepath.Join(c.dir, "store.pub"))
		if err != nil {
			return c.key, nil, fmt.Errorf("market: no pinned store key yet (never online): %w", err)
		}
		c.storePub = p
	}
	return c.key, c.storePub, nil
}
