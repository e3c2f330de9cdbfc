// Package api owns the store's HTTP surface: routing, request signature
// checks, request decoding and validation against the limits documented in
// market/openapi.yaml, JSON errors naming the field, catalog caching
// headers, ranged content delivery, health and Prometheus metrics. It must
// not decide purchase rules (package orders) or touch SQL (package store).
package api

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fascia-hmi/fascia/market/catalog"
	"github.com/fascia-hmi/fascia/market/entitle"
	"github.com/fascia-hmi/fascia/market/orders"
	"github.com/fascia-hmi/fascia/market/payment"
	"github.com/fascia-hmi/fascia/market/reqsig"
	"github.com/fascia-hmi/fascia/market/store"
)

// Config builds a Server.
type Config struct {
	Store          store.Store
	Provider       payment.Provider
	Key            ed25519.PrivateKey
	ContentDir     string // content files, named by their SHA-256
	Log            *slog.Logger
	Now            func() time.Time
	PaymentTimeout time.Duration
	// Registry receives the metrics; nil makes a private one.
	Registry *prometheus.Registry
}

// Server is the store's HTTP handler plus its background jobs.
type Server struct {
	cfg    Config
	orders *orders.Service
	snap   atomic.Pointer[catalog.Snapshot]
	keys   sync.Map // vehicle ID → ed25519.PublicKey
	log    *slog.Logger
	mux    *http.ServeMux
	reg    *prometheus.Registry

	// life is canceled by Kill: every request and job context derives from
	// it, so a killed server stops touching the database mid-request.
	life   context.Context
	kill   context.CancelFunc
	jobsWG sync.WaitGroup

	requests  *prometheus.CounterVec
	durations *prometheus.HistogramVec
	charges   *prometheus.CounterVec
	purchases *prometheus.CounterVec
	renewals  *prometheus.CounterVec
	replays   prometheus.Counter
	catalogV  prometheus.Gauge
}

// New builds a server and loads the catalog.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, log: cfg.Log, reg: cfg.Registry}
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
		s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	s.life, s.kill = context.WithCancel(context.Background())
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fascia_market_http_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"})
	s.durations = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "fascia_market_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}}, []string{"route"})
	s.charges = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fascia_market_payment_charges_total", Help: "Payment provider charge calls by outcome."}, []string{"outcome"})
	s.purchases = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fascia_market_purchases_total", Help: "Purchases reaching a state."}, []string{"status"})
	s.renewals = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fascia_market_renewals_total", Help: "Subscription renewal attempts by outcome."}, []string{"outcome"})
	s.replays = prometheus.NewCounter(prometheus.CounterOpts{Name: "fascia_market_idempotent_replays_total", Help: "Purchase requests answered from or resumed by an Idempotency-Key."})
	s.catalogV = prometheus.NewGauge(prometheus.GaugeOpts{Name: "fascia_market_catalog_version", Help: "Catalog version served."})
	for _, c := range []prometheus.Collector{s.requests, s.durations, s.charges, s.purchases, s.renewals, s.replays, s.catalogV} {
		if err := s.reg.Register(c); err != nil {
			return nil, fmt.Errorf("api: metrics: %w", err)
		}
	}
	s.orders = &orders.Service{Store: cfg.Store, Provider: cfg.Provider, Key: cfg.Key, Catalog: func() *catalog.Snapshot { return s.snap.Load() },
		Now: cfg.Now, PaymentTimeout: cfg.PaymentTimeout, Log: cfg.Log,
		Hooks: orders.Hooks{
			Charge:     func(o string) { s.charges.WithLabelValues(o).Inc() },
			Purchase:   func(st string) { s.purchases.WithLabelValues(st).Inc() },
			Renewal:    func(o string) { s.renewals.WithLabelValues(o).Inc() },
			Idempotent: func(bool) { s.replays.Inc() },
		}}
	// The database may be restarting while the server starts: retry the
	// first catalog load for up to 15 s.
	deadline := time.Now().Add(15 * time.Second)
	for attempt := 1; ; attempt++ {
		err := s.RefreshCatalog(ctx)
		if err == nil {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, err
		}
		s.log.Warn("catalog load failed; retrying", "attempt", attempt, "err", err)
		time.Sleep(time.Duration(min(attempt, 10)) * 100 * time.Millisecond)
	}
	s.routes()
	return s, nil
}

// Orders exposes the purchase flow (for jobs and tests).
func (s *Server) Orders() *orders.Service { return s.orders }

// RefreshCatalog reloads the catalog if its version changed.
func (s *Server) RefreshCatalog(ctx context.Context) error {
	if cur := s.snap.Load(); cur != nil {
		v, err := s.cfg.Store.CatalogVersion(ctx)
		if err != nil {
			return err
		}
		if v == cur.Version {
			return nil
		}
	}
	v, cats, prods, err := s.cfg.Store.Catalog(ctx)
	if err != nil {
		return fmt.Errorf("api: load catalog: %w", err)
	}
	snap, err := catalog.Load(v, cats, prods, s.cfg.Key)
	if err != nil {
		return err
	}
	s.snap.Store(snap)
	s.catalogV.Set(float64(v))
	s.log.Info("catalog loaded", "version", v, "products", len(snap.Products))
	return nil
}

// Run starts the background jobs (catalog refresh, renewals, nonce purge)
// until ctx ends or the server is killed.
func (s *Server) Run(ctx context.Context, renewEvery time.Duration) {
	ctx, cancel := context.WithCancel(ctx)
	context.AfterFunc(s.life, cancel)
	s.every(ctx, "catalog", 2*time.Second, s.RefreshCatalog)
	s.every(ctx, "renewal", renewEvery, func(ctx context.Context) error {
		st, err := s.orders.RenewDue(ctx)
		if st != (orders.RenewStats{}) {
			s.log.Info("renewals", "renewed", st.Renewed, "failed", st.Failed, "expired", st.Expired, "deferred", st.Deferred)
		}
		return err
	})
	s.every(ctx, "reconcile", time.Minute, func(ctx context.Context) error {
		_, err := s.orders.Reconcile(ctx)
		return err
	})
	s.every(ctx, "nonces", time.Minute, func(ctx context.Context) error {
		_, err := s.cfg.Store.PurgeNonces(ctx, s.cfg.Now())
		return err
	})
}

// every runs f periodically in a goroutine that recovers panics.
func (s *Server) every(ctx context.Context, name string, d time.Duration, f func(context.Context) error) {
	if d <= 0 {
		return
	}
	s.jobsWG.Add(1)
	go func() {
		defer s.jobsWG.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						s.log.Error("job panic", "job", name, "panic", r, "stack", string(debug.Stack()))
					}
				}()
				if err := f(ctx); err != nil && ctx.Err() == nil {
					s.log.Warn("job failed", "job", name, "err", err)
				}
			}()
		}
	}()
}

// Kill stops the server as a crash would: in-flight requests lose their
// database and provider mid-way, jobs stop. The caller closes the listener.
func (s *Server) Kill() {
	s.kill()
	s.jobsWG.Wait()
}

// Handler is the HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Registry is the metrics registry.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// ---- plumbing

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(c int) {
	if w.code == 0 {
		w.code = c
	}
	w.ResponseWriter.WriteHeader(c)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = 200
	}
	return w.ResponseWriter.Write(b)
}

// handle registers a route with metrics, logging, panic recovery and the
// server-lifetime context.
func (s *Server) handle(pattern, route string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		ctx, cancel := context.WithCancel(r.Context())
		stop := context.AfterFunc(s.life, cancel)
		defer func() {
			stop()
			cancel()
			if rec := recover(); rec != nil {
				s.log.Error("handler panic", "route", route, "panic", rec, "stack", string(debug.Stack()))
				if sw.code == 0 {
					writeError(sw, &orders.Error{Status: 500, Code: "internal", Message: "internal error"})
				}
			}
			d := time.Since(start)
			s.requests.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
			s.durations.WithLabelValues(route).Observe(d.Seconds())
			if sw.code >= 500 {
				s.log.Warn("request", "method", r.Method, "route", route, "code", sw.code, "dur", d)
			} else {
				s.log.Debug("request", "method", r.Method, "route", route, "code", sw.code, "dur", d)
			}
		}()
		h(sw, r.WithContext(ctx))
	})
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, e *orders.Error) {
	var b errorBody
	b.Error.Code, b.Error.Message, b.Error.Field = e.Code, e.Message, e.Field
	writeJSON(w, e.Status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = 500, []byte(`{"error":{"code":"internal","message":"encoding"}}`)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// fail writes err: an *orders.Error as is, anything else as 500 (or 503
// when the server is shutting down / the database is unreachable).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *orders.Error
	if errors.As(err, &e) {
		writeError(w, e)
		return
	}
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, &orders.Error{Status: 503, Code: "unavailable", Message: "temporarily unavailable; retry"})
}

// readBody reads at most limit bytes; more is a 413 naming "body".
func readBody(r *http.Request, limit int64) ([]byte, *orders.Error) {
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, &orders.Error{Status: 400, Code: "bad_request", Field: "body", Message: "reading body: " + err.Error()}
	}
	if int64(len(b)) > limit {
		return nil, tooLarge(limit)
	}
	return b, nil
}

// authenticate checks the request signature against the vehicle's key (or
// against register, for registration) and consumes the nonce.
func (s *Server) authenticate(r *http.Request, body []byte, register ed25519.PublicKey) (string, error) {
	now := s.cfg.Now()
	sig, err := reqsig.Extract(r.Header, now)
	if errors.Is(err, reqsig.ErrUnsigned) {
		return "", &orders.Error{Status: 401, Code: "unsigned", Field: reqsig.HeaderSignature, Message: "this endpoint needs a request signed by the vehicle key"}
	}
	var se *reqsig.Error
	if errors.As(err, &se) {
		return "", &orders.Error{Status: 401, Code: "bad_signature", Field: se.Field, Message: se.Reason}
	}
	if err != nil {
		return "", err
	}
	pub := register
	if pub == nil {
		if k, ok := s.keys.Load(sig.Vehicle); ok {
			pub = k.(ed25519.PublicKey)
		} else {
			v, err := s.cfg.Store.Vehicle(r.Context(), sig.Vehicle)
			if errors.Is(err, store.ErrNotFound) {
				return "", &orders.Error{Status: 401, Code: "unknown_vehicle", Field: reqsig.HeaderVehicle, Message: "vehicle not registered"}
			}
			if err != nil {
				return "", err
			}
			pub, err = entitle.DecodeKey(v.PublicKey)
			if err != nil {
				return "", err
			}
			s.keys.Store(sig.Vehicle, pub)
		}
	}
	if err := sig.Verify(pub, r.Method, r.URL.RequestURI(), body); err != nil {
		errors.As(err, &se)
		return "", &orders.Error{Status: 401, Code: "bad_signature", Field: se.Field, Message: se.Reason}
	}
	if err := s.cfg.Store.UseNonce(r.Context(), sig.Vehicle, sig.Nonce, now.Add(2*reqsig.MaxSkew)); err != nil {
		if errors.Is(err, store.ErrReplay) {
			return "", &orders.Error{Status: 401, Code: "replay", Field: reqsig.HeaderNonce, Message: "nonce already used"}
		}
		return "", err
	}
	return sig.Vehicle, nil
}

// signed wraps a handler that needs a signed request with a body of at
// most limit bytes.
func (s *Server) signed(limit int64, h func(w http.ResponseWriter, r *http.Request, vehicle string, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, e := readBody(r, limit)
		if e != nil {
			writeError(w, e)
			return
		}
		vehicle, err := s.authenticate(r, body, nil)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r, vehicle, body)
	}
}

// noQuery rejects query parameters other than allowed.
func noQuery(r *http.Request, allowed ...string) *orders.Error {
	for k := range r.URL.Query() {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			return &orders.Error{Status: 400, Code: "unknown_field", Field: k, Message: "unknown query parameter"}
		}
	}
	return nil
}

// ---- routes

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.handle("GET /healthz", "healthz", s.healthz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	s.handle("GET /v1/store-key", "store-key", s.storeKey)
	s.handle("GET /v1/catalog", "catalog", s.catalog)
	s.handle("GET /v1/products/{id}", "product", s.product)
	s.handle("POST /v1/vehicles", "register", s.register)
	s.handle("PUT /v1/drivers/{driver}/pin", "pin", s.signed(MaxSmallBody, s.setPIN))
	s.handle("POST /v1/purchases", "purchase", s.signed(MaxPurchaseBody, s.purchase))
	s.handle("GET /v1/purchases", "history", s.signed(0, s.history))
	s.handle("GET /v1/purchases/{id}", "purchase-get", s.signed(0, s.purchaseGet))
	s.handle("POST /v1/purchases/{id}/confirm", "confirm", s.signed(MaxSmallBody, s.confirm))
	s.handle("POST /v1/purchases/{id}/refund", "refund", s.signed(MaxSmallBody, s.refund))
	s.handle("GET /v1/subscriptions", "subscriptions", s.signed(0, s.subscriptions))
	s.handle("POST /v1/subscriptions/{id}/cancel", "cancel", s.signed(MaxSmallBody, s.cancel))
	s.handle("GET /v1/entitlements", "entitlements", s.signed(0, s.entitlements))
	s.handle("GET /v1/content/{id}", "content", s.signed(0, s.content))
	s.handle("/", "unknown", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &orders.Error{Status: 404, Code: "not_found", Field: "path", Message: "no such endpoint: " + r.Method + " " + r.URL.Path})
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		writeJSON(w, 503, map[string]string{"status": "degraded", "db": err.Error()})
		return
	}
	writeJSON(w, 200, map[string]string{"status": "ok", "db": s.cfg.Store.Backend()})
}

func (s *Server) storeKey(w http.ResponseWriter, r *http.Request) {
	pub := s.cfg.Key.Public().(ed25519.PublicKey)
	writeJSON(w, 200, map[string]string{"key": entitle.EncodeKey(pub), "kid": entitle.KeyID(pub)})
}

// CatalogQuery validates catalog query parameters.
func CatalogQuery(r *http.Request) (catalog.Query, *orders.Error) {
	if e := noQuery(r, "lang", "category", "kind", "q"); e != nil {
		return catalog.Query{}, e
	}
	v := r.URL.Query()
	q := catalog.Query{Lang: v.Get("lang"), Category: v.Get("category"), Kind: v.Get("kind"), Text: v.Get("q")}
	if q.Lang != "" && !catalog.LangPattern.MatchString(q.Lang) {
		return q, bad("lang", "must match "+catalog.LangPattern.String())
	}
	if q.Category != "" && !catalog.CategoryIDPattern.MatchString(q.Category) {
		return q, bad("category", "must match "+catalog.CategoryIDPattern.String())
	}
	switch q.Kind {
	case "", catalog.KindApp, catalog.KindSubscription, catalog.KindContent, catalog.KindService:
	default:
		return q, bad("kind", "must be app, subscription, content or service")
	}
	if len(q.Text) > 64 {
		return q, bad("q", "at most 64 bytes")
	}
	return q, nil
}

func (s *Server) catalog(w http.ResponseWriter, r *http.Request) {
	q, e := CatalogQuery(r)
	if e != nil {
		writeError(w, e)
		return
	}
	rd, err := s.snap.Load().Render(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("ETag", rd.ETag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Fascia-Store-Signature", rd.Signature)
	h.Set("Fascia-Store-Key", entitle.KeyID(s.cfg.Key.Public().(ed25519.PublicKey)))
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, rd.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeRaw(w, 200, rd.Body)
}

// etagMatch implements If-None-Match's list and "*".
func etagMatch(header, etag string) bool {
	for _, part := range splitComma(header) {
		if part == "*" || part == etag || part == "W/"+etag {
			return true
		}
	}
	return false
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			p := s[start:i]
			for len(p) > 0 && (p[0] == ' ' || p[0] == '\t') {
				p = p[1:]
			}
			for len(p) > 0 && (p[len(p)-1] == ' ' || p[len(p)-1] == '\t') {
				p = p[:len(p)-1]
			}
			if p != "" {
				out = append(out, p)
			}
			start = i + 1
		}
	}
	return out
}

func (s *Server) product(w http.ResponseWriter, r *http.Request) {
	if e := noQuery(r, "lang"); e != nil {
		writeError(w, e)
		return
	}
	id := r.PathValue("id")
	if !catalog.ProductIDPattern.MatchString(id) {
		writeError(w, bad("id", "must match "+catalog.ProductIDPattern.String()))
		return
	}
	lang := r.URL.Query().Get("lang")
	if lang != "" && !catalog.LangPattern.MatchString(lang) {
		writeError(w, bad("lang", "must match "+catalog.LangPattern.String()))
		return
	}
	p, ok := s.snap.Load().Product(id)
	if !ok {
		writeError(w, &orders.Error{Status: 404, Code: "not_found", Field: "id", Message: "no product " + id})
		return
	}
	if lang == "" {
		lang = "en"
	}
	writeJSON(w, 200, p.Localize(lang))
}

type vehicleView struct {
	ID        string    `json:"id"`
	VIN       string    `json:"vin"`
	Model     string    `json:"model"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	body, e := readBody(r, MaxSmallBody)
	if e != nil {
		writeError(w, e)
		return
	}
	b, e := DecodeRegister(body)
	if e != nil {
		writeError(w, e)
		return
	}
	pub, err := entitle.DecodeKey(*b.PublicKey)
	if err != nil {
		writeError(w, bad("public_key", err.Error()))
		return
	}
	vehicle, err := s.authenticate(r, body, pub)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, created, err := s.cfg.Store.RegisterVehicle(r.Context(), store.Vehicle{ID: vehicle, PublicKey: *b.PublicKey, VIN: *b.VIN, Model: b.Model, CreatedAt: s.cfg.Now().UTC()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := 200
	if created {
		code = 201
		s.log.Info("vehicle registered", "vehicle", v.ID, "vin", v.VIN)
	}
	writeJSON(w, code, vehicleView{ID: v.ID, VIN: v.VIN, Model: v.Model, CreatedAt: v.CreatedAt})
}

func (s *Server) setPIN(w http.ResponseWriter, r *http.Request, vehicle string, body []byte) {
	driver := r.PathValue("driver")
	if !driverPattern.MatchString(driver) {
		writeError(w, bad("driver", "must match "+driverPattern.String()))
		return
	}
	b, e := DecodePIN(body)
	if e != nil {
		writeError(w, e)
		return
	}
	if err := s.orders.SetPIN(r.Context(), vehicle, driver, *b.PIN, b.CurrentPIN); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) purchase(w http.ResponseWriter, r *http.Request, vehicle string, body []byte) {
	if e := noQuery(r, "lang"); e != nil {
		writeError(w, e)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if !idemKeyPattern.MatchString(key) {
		writeError(w, &orders.Error{Status: 400, Code: "invalid_field", Field: "Idempotency-Key", Message: "required header; must match " + idemKeyPattern.String()})
		return
	}
	req, e := DecodePurchase(body)
	if e != nil {
		writeError(w, e)
		return
	}
	req.Vehicle, req.IdempotencyKey = vehicle, key
	req.Lang = r.URL.Query().Get("lang")
	if req.Lang != "" && !catalog.LangPattern.MatchString(req.Lang) {
		writeError(w, bad("lang", "must match "+catalog.LangPattern.String()))
		return
	}
	res, err := s.orders.Buy(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeRaw(w, res.Status, res.Body)
}

func (s *Server) history(w http.ResponseWriter, r *http.Request, vehicle string, _ []byte) {
	if e := noQuery(r, "limit"); e != nil {
		writeError(w, e)
		return
	}
	limit := 50
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			writeError(w, bad("limit", "must be 1..200"))
			return
		}
		limit = n
	}
	ps, err := s.orders.History(r.Context(), vehicle, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, map[string]any{"purchases": ps})
}

func purchaseID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	if !purchasePattern.MatchString(id) {
		writeError(w, bad("id", "must match "+purchasePattern.String()))
		return "", false
	}
	return id, true
}

func (s *Server) purchaseGet(w http.ResponseWriter, r *http.Request, vehicle string, _ []byte) {
	id, ok := purchaseID(w, r)
	if !ok {
		return
	}
	v, err := s.orders.Get(r.Context(), vehicle, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, v)
}

func (s *Server) confirm(w http.ResponseWriter, r *http.Request, vehicle string, body []byte) {
	id, ok := purchaseID(w, r)
	if !ok {
		return
	}
	code, e := DecodeConfirm(body)
	if e != nil {
		writeError(w, e)
		return
	}
	res, err := s.orders.Confirm(r.Context(), vehicle, id, code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeRaw(w, res.Status, res.Body)
}

func (s *Server) refund(w http.ResponseWriter, r *http.Request, vehicle string, body []byte) {
	id, ok := purchaseID(w, r)
	if !ok {
		return
	}
	driver, pin, e := DecodeDriverPIN(body, true)
	if e != nil {
		writeError(w, e)
		return
	}
	v, err := s.orders.Refund(r.Context(), vehicle, id, driver, pin)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, v)
}

func (s *Server) subscriptions(w http.ResponseWriter, r *http.Request, vehicle string, _ []byte) {
	subs, err := s.cfg.Store.Subscriptions(r.Context(), vehicle)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]orders.SubscriptionView, 0, len(subs))
	for _, sb := range subs {
		out = append(out, orders.SubView(sb))
	}
	writeJSON(w, 200, map[string]any{"subscriptions": out})
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request, vehicle string, body []byte) {
	id := r.PathValue("id")
	if !subPattern.MatchString(id) {
		writeError(w, bad("id", "must match "+subPattern.String()))
		return
	}
	driver, pin, e := DecodeDriverPIN(body, false)
	if e != nil {
		writeError(w, e)
		return
	}
	v, err := s.orders.CancelSubscription(r.Context(), vehicle, id, driver, pin)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, v)
}

func (s *Server) entitlements(w http.ResponseWriter, r *http.Request, vehicle string, _ []byte) {
	es, err := s.orders.Entitlements(r.Context(), vehicle)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, 200, map[string]any{"entitlements": es})
}

func (s *Server) content(w http.ResponseWriter, r *http.Request, vehicle string, _ []byte) {
	id := r.PathValue("id")
	if !catalog.ProductIDPattern.MatchString(id) {
		writeError(w, bad("id", "must match "+catalog.ProductIDPattern.String()))
		return
	}
	p, ok := s.snap.Load().Product(id)
	if !ok || p.Content == nil {
		writeError(w, &orders.Error{Status: 404, Code: "not_found", Field: "id", Message: "no content product " + id})
		return
	}
	ok, err := s.orders.Entitled(r.Context(), vehicle, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		writeError(w, &orders.Error{Status: 403, Code: "forbidden", Field: "id", Message: "this vehicle holds no entitlement for " + id})
		return
	}
	f, err := os.Open(filepath.Join(s.cfg.ContentDir, p.Content.SHA256))
	if err != nil {
		s.log.Error("content file missing", "product", id, "err", err)
		writeError(w, &orders.Error{Status: 503, Code: "unavailable", Field: "id", Message: "content file unavailable"})
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("ETag", `"`+p.Content.SHA256+`"`)
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", `attachment; filename="`+filepath.Base(p.Content.File)+`"`)
	h.Set("Fascia-Content-SHA256", p.Content.SHA256)
	h.Set("Fascia-Content-Signature", p.Content.Signature)
	http.ServeContent(w, r, p.Content.File, st.ModTime(), f)
}
