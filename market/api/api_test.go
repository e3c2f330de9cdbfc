package api_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/market/catalog"
	"github.com/fascia-hmi/fascia/market/demo"
	"github.com/fascia-hmi/fascia/market/entitle"
	"github.com/fascia-hmi/fascia/market/loadgen"
	"github.com/fascia-hmi/fascia/market/orders"
	"github.com/fascia-hmi/fascia/market/payment"
	"github.com/fascia-hmi/fascia/market/reqsig"
	"github.com/fascia-hmi/fascia/market/store/storetest"
)

func signOK(r *http.Request, c *loadgen.Car, body []byte, at time.Time) {
	reqsig.Sign(r, c.Key, body, at)
}

func ioNop(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

var bg = context.Background()

func purchaseOf(t *testing.T, r loadgen.Reply) orders.PurchaseView {
	t.Helper()
	var p orders.PurchaseView
	if err := r.JSON(&p); err != nil {
		t.Fatalf("purchase body %s: %v", r.Body, err)
	}
	return p
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *storetest.DB) {
		e := newEnv(t, db)
		c := loadgen.NewCar(e.base, nil)
		r, err := c.Do(bg, "GET", "/v1/catalog?lang=de", nil, nil, false)
		if err != nil || r.Status != 200 {
			t.Fatalf("catalog: %v %d %s", err, r.Status, r.Body)
		}
		sig := r.Header.Get("Fascia-Store-Signature")
		if err := entitle.VerifyCatalog(e.pub(), r.Body, sig); err != nil {
			t.Fatalf("catalog signature: %v", err)
		}
		tampered := bytes.Replace(r.Body, []byte(`"amount":499`), []byte(`"amount":1`), 1)
		if bytes.Equal(tampered, r.Body) {
			t.Fatal("test did not tamper")
		}
		if err := entitle.VerifyCatalog(e.pub(), tampered, sig); !errors.Is(err, entitle.ErrSignature) {
			t.Fatalf("tampered catalog verified: %v", err)
		}
		var doc catalog.Doc
		if err := json.Unmarshal(r.Body, &doc); err != nil || len(doc.Products) != 10 || doc.Lang != "de" {
			t.Fatalf("doc: %v %+v", err, doc)
		}
		titles := map[string]string{}
		for _, p := range doc.Products {
			titles[p.ID] = p.Title
		}
		if titles[demo.WeatherApp] != "Wetterradar" {
			t.Fatalf("localized title %q", titles[demo.WeatherApp])
		}
		// Conditional GET.
		etag := r.Header.Get("ETag")
		r2, _ := c.Do(bg, "GET", "/v1/catalog?lang=de", nil, http.Header{"If-None-Match": {etag}}, false)
		if r2.Status != 304 || len(r2.Body) != 0 {
			t.Fatalf("If-None-Match: %d", r2.Status)
		}
		r3, _ := c.Do(bg, "GET", "/v1/catalog?lang=fr", nil, http.Header{"If-None-Match": {etag}}, false)
		if r3.Status != 200 {
			t.Fatalf("other language with old ETag: %d", r3.Status)
		}
		// Filters and search.
		for q, want := range map[string]int{"kind=subscription": 3, "category=services": 2, "q=radar": 1, "q=TRAFFIC&kind=subscription": 2, "q=nothing-like-this": 0} {
			r, _ := c.Do(bg, "GET", "/v1/catalog?"+q, nil, nil, false)
			var d catalog.Doc
			if r.Status != 200 || json.Unmarshal(r.Body, &d) != nil || len(d.Products) != want {
				t.Errorf("%s: %d products (status %d), want %d", q, len(d.Products), r.Status, want)
			}
			if entitle.VerifyCatalog(e.pub(), r.Body, r.Header.Get("Fascia-Store-Signature")) != nil {
				t.Errorf("%s: filtered catalog not signed", q)
			}
		}
		for q, field := range map[string]string{"lang=german": "lang", "kind=car": "kind", "category=A!": "category", "q=" + strings.Repeat("x", 65): "q", "page=2": "page"} {
			r, _ := c.Do(bg, "GET", "/v1/catalog?"+q, nil, nil, false)
			wantError(t, r, 400, map[bool]string{true: "unknown_field", false: "invalid_field"}[field == "page"], field)
		}
		r, _ = c.Do(bg, "GET", "/v1/products/"+demo.MapMonaco+"?lang=fr", nil, nil, false)
		var v catalog.View
		if r.Status != 200 || json.Unmarshal(r.Body, &v) != nil || v.Content == nil || v.Title != "Région de carte : Monaco" {
			t.Fatalf("product: %d %s", r.Status, r.Body)
		}
		if err := entitle.VerifyContent(e.pub(), demo.MapMonaco, e.pack, v.Content.SHA256, v.Content.Signature); err != nil {
			t.Fatalf("content manifest: %v", err)
		}
		r, _ = c.Do(bg, "GET", "/v1/products/app.none", nil, nil, false)
		wantError(t, r, 404, "not_found", "id")
		// Health and metrics.
		r, _ = c.Do(bg, "GET", "/healthz", nil, nil, false)
		if r.Status != 200 || !bytes.Contains(r.Body, []byte(db.Backend)) {
			t.Fatalf("healthz: %d %s", r.Status, r.Body)
		}
		r, _ = c.Do(bg, "GET", "/metrics", nil, nil, false)
		if r.Status != 200 || !bytes.Contains(r.Body, []byte(`fascia_market_http_requests_total{code="304",route="catalog"} 1`)) {
			t.Fatalf("metrics: %d %s", r.Status, r.Body)
		}
	})
}

func TestBuyApp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *storetest.DB) {
		e := newEnv(t, db)
		c := e.car()
		body := buyBody(demo.WeatherApp, payment.CardApprove, nil)
		r, err := c.Buy(bg, "buy-weather-1", body)
		if err != nil || r.Status != 201 {
			t.Fatalf("buy: %v %d %s", err, r.Status, r.Body)
		}
		p := purchaseOf(t, r)
		if p.Status != "succeeded" || p.Entitlement == nil || p.Receipt == nil || p.Amount != 499 {
			t.Fatalf("purchase: %s", r.Body)
		}
		if p.Receipt.Tax != 83 || p.Receipt.Net != 416 || p.Receipt.CardLast4 != "4242" {
			t.Fatalf("receipt: %+v", p.Receipt)
		}
		ent, err := entitle.Verify(e.pub(), p.Entitlement.Token, c.ID, time.Now())
		if err != nil || ent.Product != demo.WeatherApp || ent.Purchase != p.ID {
			t.Fatalf("entitlement: %+v %v", ent, err)
		}
		if _, err := entitle.Verify(e.pub(), p.Entitlement.Token, "veh_000000000000000000000000", time.Now()); !errors.Is(err, entitle.ErrVehicle) {
			t.Fatalf("token for another vehicle: %v", err)
		}
		// Retry: same key, same body → the same answer, byte for byte, one charge.
		r2, _ := c.Buy(bg, "buy-weather-1", body)
		if r2.Status != 201 || !bytes.Equal(r2.Body, r.Body) {
			t.Fatalf("retry: %d %s", r2.Status, r2.Body)
		}
		if n := len(e.sandbox.Captured()); n != 1 {
			t.Fatalf("%d captures, want 1", n)
		}
		// Same key, different body.
		r3, _ := c.Buy(bg, "buy-weather-1", buyBody(demo.WeatherApp, payment.CardApprove2, nil))
		wantError(t, r3, 422, "idempotency_mismatch", "Idempotency-Key")
		// A new key for an owned app.
		r4, _ := c.Buy(bg, "buy-weather-2", body)
		wantError(t, r4, 409, "conflict", "product")
		// History and entitlements.
		r5, _ := c.Do(bg, "GET", "/v1/purchases", nil, nil, true)
		var hist struct{ Purchases []orders.PurchaseView }
		if r5.Status != 200 || json.Unmarshal(r5.Body, &hist) != nil || len(hist.Purchases) != 1 || hist.Purchases[0].Receipt == nil {
			t.Fatalf("history: %d %s", r5.Status, r5.Body)
		}
		r6, _ := c.Do(bg, "GET", "/v1/entitlements", nil, nil, true)
		var ents struct{ Entitlements []orders.EntitlementView }
		if r6.Status != 200 || json.Unmarshal(r6.Body, &ents) != nil || len(ents.Entitlements) != 1 {
			t.Fatalf("entitlements: %d %s", r6.Status, r6.Body)
		}
		lease, err := entitle.Verify(e.pub(), ents.Entitlements[0].Token, c.ID, time.Now())
		if err != nil || lease.ValidUntil.Before(time.Now().Add(29*24*time.Hour)) {
			t.Fatalf("lease: %+v %v", lease, err)
		}
		// Refund: no more tokens; the one the car holds runs to its end.
		rb, _ := json.Marshal(map[string]string{"driver": "anna", "pin": "1234", "reason": "changed my mind"})
		r7, _ := c.Do(bg, "POST", "/v1/purchases/"+p.ID+"/refund", rb, nil, true)
		if r7.Status != 200 || purchaseOf(t, r7).Status != "refunded" {
			t.Fatalf("refund: %d %s", r7.Status, r7.Body)
		}
		r8, _ := c.Do(bg, "GET", "/v1/entitlements", nil, nil, true)
		if json.Unmarshal(r8.Body, &ents) != nil || len(ents.Entitlements) != 0 {
			t.Fatalf("entitlements after refund: %s", r8.Body)
		}
		if _, err := entitle.Verify(e.pub(), p.Entitlement.Token, c.ID, time.Now()); err != nil {
			t.Fatalf("held token before its end: %v", err)
		}
		if _, err := entitle.Verify(e.pub(), p.Entitlement.Token, c.ID, time.Now().Add(31*24*time.Hour)); !errors.Is(err, entitle.ErrExpired) {
			t.Fatalf("held token after its end: %v", err)
		}
		// Another vehicle cannot see or refund it.
		other := e.car()
		r9, _ := other.Do(bg, "GET", "/v1/purchases/"+p.ID, nil, nil, true)
		wantError(t, r9, 404, "not_found", "id")
	})
}

func TestRejectsBadRequests(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *storetest.DB) {
		e := newEnv(t, db)
		c := e.car()
		ok := buyBody(demo.WeatherApp, payment.CardApprove, nil)
		key := http.Header{"Idempotency-Key": {"key-bad-requests"}}
		r, _ := c.Do(bg, "POST", "/v1/purchases", ok, key, false)
		wantError(t, r, 401, "unsigned", "Fascia-Signature")
		cases := []struct {
			name, body, code, field string
			status                  int
		}{
			{"empty", ``, "bad_request", "body", 400},
			{"syntax", `{"product":`, "bad_request", "body", 400},
			{"unknown", `{"product":"app.weather-radar","colour":"red"}`, "unknown_field", "colour", 400},
			{"type", `{"product":5}`, "invalid_field", "product", 400},
			{"missing pin", `{"product":"app.weather-radar","driver":"anna","card":{"number":"4242424242424242"}}`, "invalid_field", "pin", 400},
			{"long product", `{"product":"` + strings.Repeat("a", 65) + `","driver":"anna","pin":"1234","card":{"number":"4242424242424242"}}`, "invalid_field", "product", 400},
			{"pin letters", `{"product":"app.weather-radar","driver":"anna","pin":"12a4","card":{"number":"4242424242424242"}}`, "invalid_field", "pin", 400},
			{"luhn", `{"product":"app.weather-radar","driver":"anna","pin":"1234","card":{"number":"4242424242424241"}}`, "invalid_field", "card.number", 400},
			{"trailing", string(ok) + `{}`, "bad_request", "body", 400},
			{"minutes", string(buyBody(demo.Parking, payment.CardApprove, map[string]any{"service": map[string]any{"place_id": "p1", "amount": 100, "minutes": 2000}})), "invalid_field", "service.minutes", 400},
			{"service range", string(buyBody(demo.Parking, payment.CardApprove, map[string]any{"service": map[string]any{"place_id": "p1", "amount": 6000, "minutes": 20}})), "invalid_field", "service.amount", 400},
			{"service missing", string(buyBody(demo.Parking, payment.CardApprove, nil)), "invalid_field", "service", 400},
			{"service on app", string(buyBody(demo.WeatherApp, payment.CardApprove, map[string]any{"service": map[string]any{"place_id": "p1", "amount": 100, "minutes": 20}})), "invalid_field", "service", 400},
			{"no product", string(buyBody("app.nothing", payment.CardApprove, nil)), "not_found", "product", 404},
			{"too large", `{"product":"` + strings.Repeat("a", 9000) + `"}`, "body_too_large", "body", 413},
		}
		for _, tc := range cases {
			r, err := c.Do(bg, "POST", "/v1/purchases", []byte(tc.body), key, true)
			if err != nil {
				t.Fatal(err)
			}
			t.Run(tc.name, func(t *testing.T) { wantError(t, r, tc.status, tc.code, tc.field) })
		}
		r, _ = c.Do(bg, "POST", "/v1/purchases", ok, nil, true)
		wantError(t, r, 400, "invalid_field", "Idempotency-Key")
		// Wrong PIN, tampered signature, replay, stale timestamp, unknown vehicle.
		r, _ = c.Buy(bg, "key-wrong-pin", bytes.Replace(ok, []byte(`"1234"`), []byte(`"9999"`), 1))
		wantError(t, r, 403, "wrong_pin", "pin")
		req, _ := http.NewRequest("POST", e.base+"/v1/purchases", bytes.NewReader(ok))
		req.Header.Set("Idempotency-Key", "key-replayed-01")
		signOK(req, c, ok, time.Now())
		replay := req.Clone(bg)
		tamper := req.Clone(bg)
		status := func(r *http.Request, body []byte) loadgen.Reply {
			r.Body = ioNop(body)
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b bytes.Buffer
			b.ReadFrom(resp.Body)
			return loadgen.Reply{Status: resp.StatusCode, Body: b.Bytes()}
		}
		wantError(t, status(tamper, bytes.Replace(ok, []byte("anna"), []byte("bert"), 1)), 401, "bad_signature", "Fascia-Signature")
		if r := status(req, ok); r.Status != 201 {
			t.Fatalf("signed purchase: %d %s", r.Status, r.Body)
		}
		wantError(t, status(replay, ok), 401, "replay", "Fascia-Nonce") // raw client: no re-signing
		stale, _ := http.NewRequest("POST", e.base+"/v1/purchases", nil)
		stale.Header.Set("Idempotency-Key", "key-stale-0001")
		signOK(stale, c, ok, time.Now().Add(-10*time.Minute))
		wantError(t, status(stale, ok), 401, "bad_signature", "Fascia-Timestamp")
		stranger := loadgen.NewCar(e.base, nil)
		r, _ = stranger.Buy(bg, "key-stranger-1", ok)
		wantError(t, r, 401, "unknown_vehicle", "Fascia-Vehicle")
		// Registration validation.
		rb := []byte(`{"public_key":"short","vin":"WFMKT000000000001"}`)
		r, _ = stranger.Do(bg, "POST", "/v1/vehicles", rb, nil, true)
		wantError(t, r, 400, "invalid_field", "public_key")
		rb, _ = json.Marshal(map[string]string{"public_key": entitle.EncodeKey(c.Key.Public().(ed25519.PublicKey)), "vin": "WFMKT000000000001"})
		r, _ = stranger.Do(bg, "POST", "/v1/vehicles", rb, nil, true)
		wantError(t, r, 401, "bad_signature", "Fascia-Vehicle")
		rb, _ = json.Marshal(map[string]string{"public_key": entitle.EncodeKey(stranger.Key.Public().(ed25519.PublicKey)), "vin": "WFMKT00000000000I"})
		r, _ = stranger.Do(bg, "POST", "/v1/vehicles", rb, nil, true)
		wantError(t, r, 400, "invalid_field", "vin")
		// Nothing was written by the failures: exactly one purchase (the signed one).
		ps, _ := e.st.Purchases(bg, c.ID, 100)
		if len(ps) != 1 || len(e.sandbox.Captured()) != 1 {
			t.Fatalf("%d purchases, %d captures after rejected requests; want 1, 1", len(ps), len(e.sandbox.Captured()))
		}
		r, _ = c.Do(bg, "GET", "/v1/nothing", nil, nil, false)
		wantError(t, r, 404, "not_found", "path")
	})
}
