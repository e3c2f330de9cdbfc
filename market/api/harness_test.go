package api_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/market/api"
	"github.com/fascia-hmi/fascia/market/demo"
	"github.com/fascia-hmi/fascia/market/keys"
	"github.com/fascia-hmi/fascia/market/loadgen"
	"github.com/fascia-hmi/fascia/market/payment"
	"github.com/fascia-hmi/fascia/market/store"
	"github.com/fascia-hmi/fascia/market/store/storetest"
)

const regionPack = "../../../shared/data/tiles/monaco.pmtiles"

// clock is an injectable, settable clock.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// env is a running store server on a loopback port over a real database.
type env struct {
	t        testing.TB
	db       *storetest.DB
	st       store.Store
	key      ed25519.PrivateKey
	content  string
	sandbox  *payment.Sandbox
	clock    *clock
	srv      *api.Server
	hs       *http.Server
	addr     string
	base     string
	pack     []byte
	payLimit time.Duration
}

func quietLog() *slog.Logger {
	if os.Getenv("MARKET_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func newEnv(t testing.TB, db *storetest.DB) *env {
	t.Helper()
	dir := t.TempDir()
	pack, err := os.ReadFile(regionPack)
	if err != nil {
		t.Skipf("shared test data absent: %v", err)
	}
	key, _, err := keys.LoadOrCreate(filepath.Join(dir, "store.key"))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, key: key, content: filepath.Join(dir, "content"), sandbox: payment.NewSandbox(), clock: &clock{}, pack: pack, payLimit: 300 * time.Millisecond}
	e.st = db.Open(t)
	if _, err := demo.Seed(context.Background(), e.st, key, e.content, pack); err != nil {
		t.Fatal(err)
	}
	e.start("127.0.0.1:0")
	t.Cleanup(e.stop)
	return e
}

func (e *env) start(addr string) {
	e.t.Helper()
	srv, err := api.New(context.Background(), api.Config{Store: e.st, Provider: e.sandbox, Key: e.key, ContentDir: e.content, Log: quietLog(), Now: e.clock.Now, PaymentTimeout: e.payLimit})
	if err != nil {
		e.t.Fatal(err)
	}
	var ln net.Listener
	for i := 0; ; i++ {
		ln, err = net.Listen("tcp", addr)
		if err == nil || i > 50 {
			break
		}
		time.Sleep(20 * time.Millisecond) // the old listener's port is being released
	}
	if err != nil {
		e.t.Fatal(err)
	}
	e.srv, e.addr, e.base = srv, ln.Addr().String(), "http://"+ln.Addr().String()
	e.hs = &http.Server{Handler: srv.Handler()}
	go e.hs.Serve(ln)
}

// stop kills the server as a crash would (in-flight requests lose the
// database and the connection).
func (e *env) stop() {
	if e.hs == nil {
		return
	}
	e.srv.Kill()
	e.hs.Close()
	e.hs = nil
}

func (e *env) restart() {
	e.stop()
	e.start(e.addr)
}

// car registers a car with driver anna (PIN 1234).
func (e *env) car() *loadgen.Car {
	e.t.Helper()
	c := loadgen.NewCar(e.base, nil)
	c.Now = e.clock.Now
	if err := c.Register(context.Background(), loadgen.VIN(1)); err != nil {
		e.t.Fatal(err)
	}
	if err := c.SetPIN(context.Background(), "anna", "1234"); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func buyBody(product, card string, extra map[string]any) []byte {
	m := map[string]any{"product": product, "driver": "anna", "pin": "1234", "card": map[string]string{"number": card}}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

func (e *env) pub() ed25519.PublicKey { return e.key.Public().(ed25519.PublicKey) }

type errReply struct {
	Error struct{ Code, Message, Field string } `json:"error"`
}

func wantError(t *testing.T, r loadgen.Reply, status int, code, field string) {
	t.Helper()
	var e errReply
	if err := r.JSON(&e); err != nil || r.Status != status || e.Error.Code != code || e.Error.Field != field {
		t.Fatalf("got %d %s, want %d code %q field %q", r.Status, r.Body, status, code, field)
	}
}
