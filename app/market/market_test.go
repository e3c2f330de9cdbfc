package market

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/market/api"
	"github.com/fascia-hmi/fascia/market/demo"
	"github.com/fascia-hmi/fascia/market/keys"
	"github.com/fascia-hmi/fascia/market/payment"
	"github.com/fascia-hmi/fascia/market/store"
)

const regionPack = "../../../shared/data/tiles/monaco.pmtiles"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// storeServer is the real store (SQLite, sandbox payments, demo catalog)
// behind an httptest server whose handler a test can wrap.
type storeServer struct {
	*httptest.Server
	key  ed25519.PrivateKey
	st   store.Store
	srv  *api.Server
	wrap atomic.Pointer[func(http.Handler) http.Handler]
}

func newStore(t *testing.T) *storeServer {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := keys.LoadOrCreate(filepath.Join(dir, "store.key"))
	if err != nil {
		t.Fatal(err)
	}
	pack, err := os.ReadFile(regionPack)
	if err != nil {
		t.Skipf("shared map data absent: %v", err)
	}
	if _, err := demo.Seed(ctx, st, key, filepath.Join(dir, "content"), pack); err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(ctx, api.Config{Store: st, Provider: payment.NewSandbox(), Key: key, ContentDir: filepath.Join(dir, "content"), Log: quiet, PaymentTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s := &storeServer{key: key, st: st, srv: srv}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := srv.Handler()
		if f := s.wrap.Load(); f != nil {
			h = (*f)(h)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		s.Server.Close()
		srv.Kill()
		st.Close()
	})
	return s
}

func newClient(t *testing.T, url, dataDir string) *Client {
	t.Helper()
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	c := New(Options{URL: url, DataDir: dataDir, Log: quiet, Backoff: 20 * time.Millisecond})
	t.Cleanup(c.Close)
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestBrowseBuyIdempotent(t *testing.T) {
	s := newStore(t)
	c := newClient(t, s.URL, "")
	cat, err := c.RefreshCatalog(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := c.State(); st != Online || cat.Cached {
		t.Fatalf("state %v cached %v", st, cat.Cached)
	}
	if _, ok := cat.Product(demo.WeatherApp); !ok {
		t.Fatalf("catalog lacks %s", demo.WeatherApp)
	}
	if got := cat.Search("", "radar"); len(got) != 1 || got[0].ID != demo.WeatherApp {
		t.Fatalf("search radar: %v", got)
	}
	if got := cat.Search("themes", ""); len(got) != 1 || got[0].ID != demo.ThemeAurora {
		t.Fatalf("category themes: %v", got)
	}
	// A purchase before a PIN exists is refused by the store.
	in := NewIntent(demo.WeatherApp, "anna", "1234", nil)
	if _, err := c.Buy(ctx(t), in); !IsCode(err, "pin_not_set") {
		t.Fatalf("buy without PIN: %v", err)
	}
	if err := c.SetPIN(ctx(t), "anna", "1234", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Buy(ctx(t), NewIntent(demo.WeatherApp, "anna", "9999", nil)); !IsCode(err, "wrong_pin") {
		t.Fatalf("wrong PIN: %v", err)
	}
	if c.Entitled(demo.WeatherApp) {
		t.Fatal("entitled before buying")
	}
	in = NewIntent(demo.WeatherApp, "anna", "1234", nil)
	p1, err := c.Buy(ctx(t), in)
	if err != nil || p1.Status != Succeeded || p1.Receipt == nil {
		t.Fatalf("buy: %+v %v", p1, err)
	}
	if !c.Entitled(demo.WeatherApp) {
		t.Fatal("not entitled after buying")
	}
	// The same intent again: the first result, no second charge.
	p2, err := c.Buy(ctx(t), in)
	if err != nil || p2.ID != p1.ID || p2.Receipt.Number != p1.Receipt.Number {
		t.Fatalf("retry: %+v %v (first %s)", p2, err, p1.ID)
	}
	hist, err := c.History(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if n := countStatus(hist, demo.WeatherApp, Succeeded); n != 1 {
		t.Fatalf("%d succeeded purchases of the app, want 1: %+v", n, hist)
	}
	// A fresh client on the same files is still entitled (the cache).
	c2 := New(Options{URL: "http://127.0.0.1:1", DataDir: c.opt.DataDir, Log: quiet})
	defer c2.Close()
	if !c2.Entitled(demo.WeatherApp) {
		t.Fatal("cached entitlement not found by a new client")
	}
}

func countStatus(h []Purchase, product, status string) int {
	n := 0
	for _, p := range h {
		if p.Product == product && p.Status == status {
			n++
		}
	}
	return n
}

func TestSandboxCards(t *testing.T) {
	s := newStore(t)
	c := newClient(t, s.URL, "")
	if _, err := c.RefreshCatalog(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := c.SetPIN(ctx(t), "anna", "1234", ""); err != nil {
		t.Fatal(err)
	}
	buy := func(card, product string) (Purchase, error) {
		c.SetCard(card)
		return c.Buy(ctx(t), NewIntent(product, "anna", "1234", nil))
	}
	p, err := buy(payment.CardDecline, demo.WeatherApp)
	if err != nil || p.Status != Declined || p.DeclineCode != "card_declined" {
		t.Fatalf("declined card: %+v %v", p, err)
	}
	p, err = buy(payment.CardInsufficient, demo.WeatherApp)
	if err != nil || p.Status != Declined || p.DeclineCode != "insufficient_funds" {
		t.Fatalf("insufficient funds: %+v %v", p, err)
	}
	if c.Entitled(demo.WeatherApp) {
		t.Fatal("entitled after declines")
	}
	p, err = buy(payment.CardConfirm, demo.WeatherApp)
	if err != nil || p.Status != RequiresConfirmation {
		t.Fatalf("confirm card: %+v %v", p, err)
	}
	p, err = c.Confirm(ctx(t), p.ID, "424242")
	if err != nil || p.Status != Succeeded || !c.Entitled(demo.WeatherApp) {
		t.Fatalf("confirm: %+v %v", p, err)
	}
	// Captured, then the answer lost: the retry with the same key finds the
	// charge; one purchase, one charge.
	var posts atomic.Int32
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "POST" && r.URL.Path == "/v1/purchases" {
				posts.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}
	s.wrap.Store(&wrap)
	p, err = buy(payment.CardTimeoutOnce, "app.dashcam")
	if err != nil || p.Status != Succeeded {
		t.Fatalf("timeout-once card: %+v %v", p, err)
	}
	if posts.Load() < 2 {
		t.Fatalf("%d attempts, want a retry", posts.Load())
	}
	hist, err := c.History(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if n := countStatus(hist, "app.dashcam", Succeeded); n != 1 || len(filter(hist, "app.dashcam")) != 1 {
		t.Fatalf("dashcam purchases %+v", filter(hist, "app.dashcam"))
	}
	// Always timing out: the client gives up after its retries and says so.
	posts.Store(0)
	_, err = buy(payment.CardTimeoutAlways, "app.podcast-plus")
	if !IsCode(err, "payment_timeout") {
		t.Fatalf("always-timeout card: %v", err)
	}
	if int(posts.Load()) != c.opt.Retries {
		t.Fatalf("%d attempts, want %d", posts.Load(), c.opt.Retries)
	}
	if c.Entitled("app.podcast-plus") {
		t.Fatal("entitled after timeouts")
	}
}

func filter(h []Purchase, product string) []Purchase {
	var out []Purchase
	for _, p := range h {
		if p.Product == product {
			out = append(out, p)
		}
	}
	return out
}

func TestOfflineCatalogAndTamper(t *testing.T) {
	s := newStore(t)
	dir := t.TempDir()
	c := newClient(t, s.URL, dir)
	cat, err := c.RefreshCatalog(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	// Unchanged: a 304 keeps the same catalog.
	var inm atomic.Value
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inm.Store(r.Header.Get("If-None-Match"))
			h.ServeHTTP(w, r)
		})
	}
	s.wrap.Store(&wrap)
	cat2, err := c.RefreshCatalog(ctx(t))
	if err != nil || cat2.Doc.Version != cat.Doc.Version || inm.Load() == "" {
		t.Fatalf("refresh: %v, If-None-Match %q", err, inm.Load())
	}
	s.Close()
	off := newClient(t, s.URL, dir)
	cc, err := off.RefreshCatalog(ctx(t))
	if !errors.Is(err, ErrUnreachable) || cc == nil || !cc.Cached || len(cc.Doc.Products) != len(cat.Doc.Products) {
		t.Fatalf("offline: %v %+v", err, cc)
	}
	if st, _ := off.State(); st != Offline {
		t.Fatalf("state %v", st)
	}
	// One changed byte in the cached body is rejected.
	path := c.catalogCachePath()
	data, _ := os.ReadFile(path)
	var f cacheFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	f.Body = []byte(strings.Replace(string(f.Body), `"amount":499`, `"amount":1`, 1))
	bad, _ := json.Marshal(f)
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := newClient(t, s.URL, dir).LoadCachedCatalog(); err == nil || !strings.Contains(err.Error(), "signature") {
		t.Fatalf("tampered catalog accepted: %v", err)
	}
	if cc, err := newClient(t, s.URL, dir).RefreshCatalog(ctx(t)); cc != nil || err == nil {
		t.Fatalf("tampered catalog shown offline: %v", err)
	}
}

func TestEntitlementOfflineExpiryAndTamper(t *testing.T) {
	s := newStore(t)
	dir := t.TempDir()
	c := newClient(t, s.URL, dir)
	cat, err := c.RefreshCatalog(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetPIN(ctx(t), "anna", "1234", ""); err != nil {
		t.Fatal(err)
	}
	park, _ := cat.Product(demo.Parking)
	places := PlacesNear("parking", 43.7384, 7.4246, true)
	if len(places) == 0 || places[0].Meters > places[len(places)-1].Meters {
		t.Fatalf("places %+v", places)
	}
	order, err := ParkingOrder(park, places[0], 30)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Buy(ctx(t), NewIntent(demo.Parking, "anna", "1234", order))
	if err != nil || p.Status != Succeeded || p.Receipt == nil || p.Receipt.Total != order.Amount || p.PlaceID != places[0].ID {
		t.Fatalf("parking: %+v %v", p, err)
	}
	s.Close()
	// Offline: the cached token works until its end, then not.
	now := time.Now()
	var clock atomic.Int64
	clock.Store(now.UnixNano())
	off := New(Options{URL: s.URL, DataDir: dir, Log: quiet, Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	defer off.Close()
	if !off.Entitled(demo.Parking) {
		t.Fatal("parking not valid offline")
	}
	clock.Store(now.Add(31 * time.Minute).UnixNano())
	if off.Entitled(demo.Parking) {
		t.Fatal("parking valid after its 30 minutes")
	}
	if e := off.Entitlements(); len(e) != 1 || e[0].Place != places[0].ID {
		t.Fatalf("expired entitlement not listed: %+v", e)
	}
	// A token altered in its payload is rejected when the cache is read.
	data, _ := os.ReadFile(filepath.Join(dir, "market", "entitlements.json"))
	var f entFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	tok := f.Tokens[0]
	i := strings.IndexByte(tok, '.')
	f.Tokens[0] = tok[:i-2] + flip(tok[i-2:i-1]) + tok[i-1:]
	bad, _ := json.Marshal(f)
	if err := os.WriteFile(filepath.Join(dir, "market", "entitlements.json"), bad, 0o600); err != nil {
		t.Fatal(err)
	}
	off2 := New(Options{URL: s.URL, DataDir: dir, Log: quiet})
	defer off2.Close()
	if off2.Entitled(demo.Parking) || len(off2.Entitlements()) != 0 {
		t.Fatal("tampered entitlement accepted")
	}
	_, pub, _ := off2.ensureKeys()
	if _, rej, err := ParseEntitlementCache(pub, off2.Vehicle(), bad); err != nil || len(rej) != 1 {
		t.Fatalf("rejections %v %v", rej, err)
	}
}

func flip(s string) string {
	if s == "A" {
		return "B"
	}
	return "A"
}

// cutter aborts content responses after limit bytes, once.
func cutter(limit int64, ranges *[]string, mu *sync.Mutex) func(http.Handler) http.Handler {
	var done atomic.Bool
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, "/v1/content/") {
				h.ServeHTTP(w, r)
				return
			}
			mu.Lock()
			*ranges = append(*ranges, r.Header.Get("Range"))
			mu.Unlock()
			if done.Swap(true) {
				h.ServeHTTP(w, r)
				return
			}
			h.ServeHTTP(&cutWriter{ResponseWriter: w, left: limit}, r)
		})
	}
}

type cutWriter struct {
	http.ResponseWriter
	left int64
}

func (c *cutWriter) Write(b []byte) (int, error) {
	if int64(len(b)) > c.left {
		n, _ := c.ResponseWriter.Write(b[:c.left])
		c.ResponseWriter.(http.Flusher).Flush()
		c.left = 0
		_ = n
		panic(http.ErrAbortHandler)
	}
	c.left -= int64(len(b))
	return c.ResponseWriter.Write(b)
}

func buyContent(t *testing.T, s *storeServer, c *Client, id string) Product {
	t.Helper()
	cat, err := c.RefreshCatalog(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetPIN(ctx(t), "anna", "1234", ""); err != nil && !IsCode(err, "current_pin") {
		t.Logf("set pin: %v", err)
	}
	p, _ := cat.Product(id)
	if pur, err := c.Buy(ctx(t), NewIntent(id, "anna", "1234", nil)); err != nil || pur.Status != Succeeded {
		t.Fatalf("buy %s: %+v %v", id, pur, err)
	}
	return p
}

func TestDownloadResume(t *testing.T) {
	s := newStore(t)
	c := newClient(t, s.URL, "")
	p := buyContent(t, s, c, demo.MapMonaco)
	var ranges []string
	var mu sync.Mutex
	wrap := cutter(p.Content.Size/3, &ranges, &mu)
	s.wrap.Store(&wrap)
	_, err := c.Download(ctx(t), p, nil)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("cut download: %v", err)
	}
	if st, err := os.Stat(c.partPath(p.ID)); err != nil || st.Size() == 0 || st.Size() >= p.Content.Size {
		t.Fatalf("partial file: %v %v", st, err)
	}
	if len(c.InstalledMaps()) != 0 {
		t.Fatal("installed after a cut download")
	}
	var last int64
	path, err := c.Download(ctx(t), p, func(done, total int64) { last = done })
	if err != nil {
		t.Fatal(err)
	}
	if len(ranges) != 2 || ranges[0] != "" || !strings.HasPrefix(ranges[1], "bytes=") || ranges[1] == "bytes=0-" {
		t.Fatalf("requests' Range headers %q", ranges)
	}
	if last != p.Content.Size {
		t.Fatalf("progress ended at %d of %d", last, p.Content.Size)
	}
	want, _ := os.ReadFile(regionPack)
	got, _ := os.ReadFile(path)
	if string(got) != string(want) || filepath.Base(path) != p.ID+".pmtiles" {
		t.Fatalf("installed %s: %d bytes, want %d", path, len(got), len(want))
	}
	if m := c.InstalledMaps(); len(m) != 1 || m[0] != path {
		t.Fatalf("InstalledMaps %v", m)
	}
	if _, err := os.Stat(c.partPath(p.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("partial file left: %v", err)
	}
}

func TestDownloadTamperedRejected(t *testing.T) {
	s := newStore(t)
	c := newClient(t, s.URL, "")
	p := buyContent(t, s, c, demo.MapMonaco)
	var ranges []string
	var mu sync.Mutex
	wrap := cutter(p.Content.Size/2, &ranges, &mu)
	s.wrap.Store(&wrap)
	if _, err := c.Download(ctx(t), p, nil); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("cut download: %v", err)
	}
	// Someone alters the partial file; the resumed whole fails the hash.
	part := c.partPath(p.ID)
	data, _ := os.ReadFile(part)
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(part, data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := c.Download(ctx(t), p, nil)
	if err == nil || !strings.Contains(err.Error(), "does not match the signed manifest") {
		t.Fatalf("tampered download: %v", err)
	}
	if dst, _ := c.InstallPath(p); fileExists(dst) || fileExists(part) {
		t.Fatal("tampered file installed or left behind")
	}
	// A manifest altered in the catalog is refused before downloading.
	p2 := p
	m := *p.Content
	m.Size++
	p2.Content = &m
	if _, err := c.Download(ctx(t), p2, nil); err == nil || !strings.Contains(err.Error(), "manifest") {
		t.Fatalf("altered manifest: %v", err)
	}
	// Then a clean download works.
	if _, err := c.Download(ctx(t), p, nil); err != nil {
		t.Fatal(err)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestThemePackInstall(t *testing.T) {
	s := newStore(t)
	c := newClient(t, s.URL, "")
	p := buyContent(t, s, c, demo.ThemeAurora)
	if _, err := c.Download(ctx(t), p, nil); err != nil {
		t.Fatal(err)
	}
	th := c.InstalledThemes()
	if len(th) != 1 {
		t.Fatalf("themes %v", th)
	}
	pack, err := LoadThemePack(th[0])
	if err != nil || pack.Name != "Aurora" || pack.Night["primary"] != "#2EC4B6" {
		t.Fatalf("pack %+v %v", pack, err)
	}
	// Content the car holds no entitlement for is refused by the store.
	cat := c.Catalog()
	mp, _ := cat.Product(demo.MapMonaco)
	if _, err := c.Download(ctx(t), mp, nil); !IsCode(err, "forbidden") {
		t.Fatalf("unentitled download: %v", err)
	}
}

func TestEmbeddedStore(t *testing.T) {
	if _, err := os.Stat(regionPack); err != nil {
		t.Skip("shared map data absent")
	}
	dir := t.TempDir()
	c := New(Options{DataDir: dir, RegionPack: regionPack, Log: quiet})
	cat, err := c.RefreshCatalog(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cat.Product(demo.MapMonaco); !ok {
		t.Fatal("embedded catalog lacks the map region")
	}
	for _, f := range []string{"store.db", "store.key", "vehicle.key", "store.pub"} {
		if !fileExists(filepath.Join(dir, "market", f)) {
			t.Errorf("no %s", f)
		}
	}
	c.Close()
	// A second start reuses the seeded store (same version, same key).
	c2 := New(Options{DataDir: dir, Log: quiet})
	defer c2.Close()
	cat2, err := c2.RefreshCatalog(ctx(t))
	if err != nil || cat2.Doc.Version != cat.Doc.Version {
		t.Fatalf("second start: %v (version %d, was %d)", err, cat2.Doc.Version, cat.Doc.Version)
	}
}
