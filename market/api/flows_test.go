package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/market/demo"
	"github.com/fascia-hmi/fascia/market/entitle"
	"github.com/fascia-hmi/fascia/market/orders"
	"github.com/fascia-hmi/fascia/market/payment"
	"github.com/fascia-hmi/fascia/market/store/storetest"
)

func TestContentDownload(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *storetest.DB) {
		e := newEnv(t, db)
		c := e.car()
		path := "/v1/content/" + demo.MapMonaco
		r, _ := c.Do(bg, "GET", path, nil, nil, true)
		wantError(t, r, 403, "forbidden", "id")
		r, _ = c.Do(bg, "GET", path, nil, nil, false)
		wantError(t, r, 401, "unsigned", "Fascia-Signature")
		if r, _ := c.Buy(bg, "buy-map-monaco", buyBody(demo.MapMonaco, payment.CardApprove, nil)); r.Status != 201 {
			t.Fatalf("buy map: %d %s", r.Status, r.Body)
		}
		sum := sha256.Sum256(e.pack)
		etag := `"` + hex.EncodeToString(sum[:]) + `"`
		// First part, then resume with If-Range.
		half := len(e.pack) / 2
		r1, _ := c.Do(bg, "GET", path, nil, http.Header{"Range": {"bytes=0-" + itoa(half-1)}}, true)
		if r1.Status != 206 || len(r1.Body) != half || r1.Header.Get("ETag") != etag {
			t.Fatalf("first range: %d len %d etag %s", r1.Status, len(r1.Body), r1.Header.Get("ETag"))
		}
		r2, _ := c.Do(bg, "GET", path, nil, http.Header{"Range": {"bytes=" + itoa(half) + "-"}, "If-Range": {etag}}, true)
		if r2.Status != 206 || r2.Header.Get("Content-Range") != "bytes "+itoa(half)+"-"+itoa(len(e.pack)-1)+"/"+itoa(len(e.pack)) {
			t.Fatalf("resume: %d %q", r2.Status, r2.Header.Get("Content-Range"))
		}
		got := append(r1.Body, r2.Body...)
		if !bytes.Equal(got, e.pack) {
			t.Fatal("resumed download differs from the file")
		}
		if err := entitle.VerifyContent(e.pub(), demo.MapMonaco, got, r2.Header.Get("Fascia-Content-SHA256"), r2.Header.Get("Fascia-Content-Signature")); err != nil {
			t.Fatalf("verify content: %v", err)
		}
		got[100] ^= 1
		if err := entitle.VerifyContent(e.pub(), demo.MapMonaco, got, hex.EncodeToString(sum[:]), r2.Header.Get("Fascia-Content-Signature")); !errors.Is(err, entitle.ErrSignature) {
			t.Fatalf("tampered content verified: %v", err)
		}
		// A stale If-Range gets the whole file (200), not a wrong splice.
		r3, _ := c.Do(bg, "GET", path, nil, http.Header{"Range": {"bytes=10-"}, "If-Range": {`"0000"`}}, true)
		if r3.Status != 200 || len(r3.Body) != len(e.pack) {
			t.Fatalf("stale If-Range: %d len %d", r3.Status, len(r3.Body))
		}
		r4, _ := c.Do(bg, "GET", path, nil, http.Header{"Range": {"bytes=999999999-"}}, true)
		if r4.Status != 416 {
			t.Fatalf("unsatisfiable range: %d", r4.Status)
		}
	})
}

func itoa(n int) string { return jsonNum(n) }

func jsonNum(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestSandboxCards(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *storetest.DB) {
		e := newEnv(t, db)
		c := e.car()
		parking := func(card string) []byte {
			return buyBody(demo.Parking, card, map[string]any{"service": map[string]any{"place_id": "osm:node/42", "place_name": "Port Hercule", "amount": 350, "minutes": 90}})
		}
		// Declines are final and replayed.
		for card, code := range map[string]string{payment.CardDecline: "card_declined", payment.CardInsufficient: "insufficient_funds"} {
			r, _ := c.Buy(bg, "decline-"+card, parking(card))
			p := purchaseOf(t, r)
			if r.Status != 402 || p.Status != "declined" || p.DeclineCode != code || p.Entitlement != nil {
				t.Fatalf("%s: %d %s", card, r.Status, r.Body)
			}
			r2, _ := c.Buy(bg, "decline-"+card, parking(card))
			if r2.Status != 402 || !bytes.Equal(r.Body, r2.Body) {
				t.Fatalf("%s retry: %d %s", card, r2.Status, r2.Body)
			}
		}
		// Confirmation: wrong code declines, the right one pays.
		for _, tc := range []struct {
			code   string
			status int
		}{{"000000", 402}, {payment.SandboxConfirmCode, 201}} {
			r, _ := c.Buy(bg, "confirm-"+tc.code, parking(payment.CardConfirm))
			p := purchaseOf(t, r)
			if r.Status != 202 || p.Status != "requires_confirmation" {
				t.Fatalf("confirm card: %d %s", r.Status, r.Body)
			}
			cb, _ := json.Marshal(map[string]string{"code": tc.code})
			r2, _ := c.Do(bg, "POST", "/v1/purchases/"+p.ID+"/confirm", cb, nil, true)
			if r2.Status != tc.status {
				t.Fatalf("confirm %s: %d %s", tc.code, r2.Status, r2.Body)
			}
			if tc.status == 201 {
				p2 := purchaseOf(t, r2)
				ent, err := entitle.Verify(e.pub(), p2.Entitlement.Token, c.ID, time.Now())
				if err != nil || ent.Place != "osm:node/42" || time.Until(ent.ValidUntil) > 91*time.Minute || time.Until(ent.ValidUntil) < 88*time.Minute {
					t.Fatalf("parking entitlement: %+v %v", ent, err)
				}
			}
		}
		// Timeout once: captured, answer lost → 504; the retry finds the charge.
		body := parking(payment.CardTimeoutOnce)
		r, _ := c.Buy(bg, "timeout-once-1", body)
		wantError(t, r, 504, "payment_timeout", "")
		r, _ = c.Buy(bg, "timeout-once-1", body)
		p := purchaseOf(t, r)
		if r.Status != 201 {
			t.Fatalf("retry after timeout: %d %s", r.Status, r.Body)
		}
		if e.sandbox.Attempts(p.ID) != 2 {
			t.Fatalf("provider attempts %d", e.sandbox.Attempts(p.ID))
		}
		pays, _ := e.st.Payments(bg, p.ID)
		if len(pays) != 1 {
			t.Fatalf("payments %+v", pays)
		}
		// Always times out: stays pending, never captured.
		r, _ = c.Buy(bg, "timeout-always", parking(payment.CardTimeoutAlways))
		wantError(t, r, 504, "payment_timeout", "")
		captured := e.sandbox.Captured()
		n := 0
		for range captured {
			n++
		}
		if n != 2 { // the confirmed one and the timeout-once one
			t.Fatalf("%d captures, want 2: %v", n, captured)
		}
	})
}

func TestSubscriptionLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *storetest.DB) {
		e := newEnv(t, db)
		c := e.car()
		r, _ := c.Buy(bg, "sub-traffic-1", buyBody(demo.TrafficMonth, payment.CardApprove, nil))
		p := purchaseOf(t, r)
		if r.Status != 201 || p.Subscription == nil || p.Subscription.Status != "active" {
			t.Fatalf("subscribe: %d %s", r.Status, r.Body)
		}
		end1 := p.Subscription.CurrentPeriodEnd
		r, _ = c.Buy(bg, "sub-traffic-2", buyBody(demo.TrafficMonth, payment.CardApprove, nil))
		wantError(t, r, 409, "conflict", "product")
		svc := e.srv.Orders()
		// Not due yet.
		if st, err := svc.RenewDue(bg); err != nil || st != (orders.RenewStats{}) {
			t.Fatalf("early renewal: %+v %v", st, err)
		}
		e.clock.Advance(32 * 24 * time.Hour)
		if st, err := svc.RenewDue(bg); err != nil || st.Renewed != 1 {
			t.Fatalf("renewal: %+v %v", st, err)
		}
		// Running the job again (or on a second server) does not charge twice.
		if st, err := svc.RenewDue(bg); err != nil || st.Renewed != 0 {
			t.Fatalf("second pass: %+v %v", st, err)
		}
		var subs struct{ Subscriptions []orders.SubscriptionView }
		r, _ = c.Do(bg, "GET", "/v1/subscriptions", nil, nil, true)
		if json.Unmarshal(r.Body, &subs) != nil || len(subs.Subscriptions) != 1 || subs.Subscriptions[0].Renewals != 1 || !subs.Subscriptions[0].CurrentPeriodEnd.Equal(end1.AddDate(0, 1, 0)) {
			t.Fatalf("subscriptions after renewal: %s (first end %v)", r.Body, end1)
		}
		pays, _ := e.st.Payments(bg, p.ID)
		if len(pays) != 2 || pays[1].Kind != "renewal" {
			t.Fatalf("payments: %+v", pays)
		}
		var ents struct{ Entitlements []orders.EntitlementView }
		r, _ = c.Do(bg, "GET", "/v1/entitlements", nil, nil, true)
		if json.Unmarshal(r.Body, &ents) != nil || len(ents.Entitlements) != 1 || !ents.Entitlements[0].ValidUntil.Equal(end1.AddDate(0, 1, 0)) {
			t.Fatalf("entitlement after renewal: %s", r.Body)
		}
		// Cancel: valid to period end, then expires without a charge.
		cb, _ := json.Marshal(map[string]string{"driver": "anna", "pin": "1234"})
		r, _ = c.Do(bg, "POST", "/v1/subscriptions/"+p.Subscription.ID+"/cancel", cb, nil, true)
		var sv orders.SubscriptionView
		if r.Status != 200 || json.Unmarshal(r.Body, &sv) != nil || !sv.CancelAtPeriodEnd {
			t.Fatalf("cancel: %d %s", r.Status, r.Body)
		}
		r, _ = c.Do(bg, "GET", "/v1/entitlements", nil, nil, true)
		if json.Unmarshal(r.Body, &ents) != nil || len(ents.Entitlements) != 1 {
			t.Fatalf("canceled subscription must run to period end: %s", r.Body)
		}
		e.clock.Advance(32 * 24 * time.Hour)
		if st, err := svc.RenewDue(bg); err != nil || st.Expired != 1 || st.Renewed != 0 {
			t.Fatalf("expiry: %+v %v", st, err)
		}
		r, _ = c.Do(bg, "GET", "/v1/entitlements", nil, nil, true)
		if json.Unmarshal(r.Body, &ents) != nil || len(ents.Entitlements) != 0 {
			t.Fatalf("expired subscription still entitled: %s", r.Body)
		}
		// A card that declines renewals: past_due, then expired after 3 tries.
		c2 := e.car()
		r, _ = c2.Buy(bg, "sub-declines", buyBody(demo.TrafficYear, payment.CardDeclineRenewal, nil))
		if r.Status != 201 {
			t.Fatalf("yearly: %d %s", r.Status, r.Body)
		}
		e.clock.Advance(366 * 24 * time.Hour)
		for i, want := range []string{"past_due", "past_due", "expired"} {
			if _, err := svc.RenewDue(bg); err != nil {
				t.Fatal(err)
			}
			subs, _ := e.st.Subscriptions(bg, c2.ID)
			if subs[0].Status != want {
				t.Fatalf("attempt %d: status %s, want %s", i+1, subs[0].Status, want)
			}
		}
	})
}

func TestPINs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *storetest.DB) {
		e := newEnv(t, db)
		c := e.car()
		body := buyBody(demo.WeatherApp, payment.CardApprove, nil)
		// Driver without a PIN.
		r, _ := c.Buy(bg, "pin-nobody-1", bytes.Replace(body, []byte("anna"), []byte("bert"), 1))
		wantError(t, r, 403, "pin_not_set", "driver")
		// Changing a PIN needs the current one.
		pb, _ := json.Marshal(map[string]string{"pin": "5678"})
		r, _ = c.Do(bg, "PUT", "/v1/drivers/anna/pin", pb, nil, true)
		wantError(t, r, 403, "forbidden", "current_pin")
		pb, _ = json.Marshal(map[string]string{"pin": "5678", "current_pin": "0000"})
		r, _ = c.Do(bg, "PUT", "/v1/drivers/anna/pin", pb, nil, true)
		wantError(t, r, 403, "wrong_pin", "current_pin")
		pb, _ = json.Marshal(map[string]string{"pin": "5678", "current_pin": "1234"})
		if r, _ = c.Do(bg, "PUT", "/v1/drivers/anna/pin", pb, nil, true); r.Status != 204 {
			t.Fatalf("change PIN: %d %s", r.Status, r.Body)
		}
		// Five wrong PINs lock the driver, even with the right one after.
		for i := range orders.PINLockAfter {
			r, _ = c.Buy(bg, "pin-wrong-"+itoa(i)+"-x", body)
			wantError(t, r, 403, "wrong_pin", "pin")
		}
		r, _ = c.Buy(bg, "pin-right-after", bytes.Replace(body, []byte(`"1234"`), []byte(`"5678"`), 1))
		wantError(t, r, 423, "pin_locked", "pin")
		e.clock.Advance(orders.PINLockFor + time.Second)
		r, _ = c.Buy(bg, "pin-right-later", bytes.Replace(body, []byte(`"1234"`), []byte(`"5678"`), 1))
		if r.Status != 201 {
			t.Fatalf("right PIN after the lock: %d %s", r.Status, r.Body)
		}
		if ps, _ := e.st.Purchases(bg, c.ID, 10); len(ps) != 1 {
			t.Fatalf("failed PIN attempts wrote purchases: %+v", ps)
		}
	})
}

func TestReconcile(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *storetest.DB) {
		e := newEnv(t, db)
		c := e.car()
		// Captured, answer lost, car never retries: reconciled to success.
		lost := buyBody(demo.WeatherApp, payment.CardTimeoutOnce, nil)
		r, _ := c.Buy(bg, "reconcile-lost", lost)
		wantError(t, r, 504, "payment_timeout", "")
		// Never captured, car gives up: reconciled to a decline, never charged.
		never := buyBody(demo.ThemeAurora, payment.CardTimeoutAlways, nil)
		r, _ = c.Buy(bg, "reconcile-never", never)
		wantError(t, r, 504, "payment_timeout", "")
		if n, err := e.srv.Orders().Reconcile(bg); err != nil || n != 0 {
			t.Fatalf("fresh purchases reconciled: %d %v", n, err)
		}
		e.clock.Advance(orders.StaleAfter + time.Minute)
		if n, err := e.srv.Orders().Reconcile(bg); err != nil || n != 2 {
			t.Fatalf("reconcile: %d %v", n, err)
		}
		r, _ = c.Buy(bg, "reconcile-lost", lost)
		if p := purchaseOf(t, r); r.Status != 201 || p.Entitlement == nil {
			t.Fatalf("late retry of the captured purchase: %d %s", r.Status, r.Body)
		}
		r, _ = c.Buy(bg, "reconcile-never", never)
		if p := purchaseOf(t, r); r.Status != 402 || p.DeclineCode != "payment_timeout" {
			t.Fatalf("late retry of the abandoned purchase: %d %s", r.Status, r.Body)
		}
		if n := len(e.sandbox.Captured()); n != 1 {
			t.Fatalf("%d captures, want 1", n)
		}
	})
}

// Two taps with different keys while the first purchase is unfinished:
// the second is refused, nothing written, one charge.
func TestOneOpenPurchasePerProduct(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *storetest.DB) {
		e := newEnv(t, db)
		c := e.car()
		r, _ := c.Buy(bg, "tap-one-aaaa", buyBody(demo.TrafficMonth, payment.CardConfirm, nil))
		if r.Status != 202 {
			t.Fatalf("first tap: %d %s", r.Status, r.Body)
		}
		r, _ = c.Buy(bg, "tap-two-bbbb", buyBody(demo.TrafficMonth, payment.CardApprove, nil))
		wantError(t, r, 409, "conflict", "product")
		if _, err := e.st.Idem(bg, c.ID, "tap-two-bbbb"); err == nil {
			t.Fatal("refused purchase left an idempotency record")
		}
		// Services can be bought in parallel.
		park := func(key string) int {
			r, _ := c.Buy(bg, key, buyBody(demo.Parking, payment.CardConfirm, map[string]any{"service": map[string]any{"place_id": "p", "amount": 100, "minutes": 10}}))
			return r.Status
		}
		if a, b := park("park-one-aaaa"), park("park-two-bbbb"); a != 202 || b != 202 {
			t.Fatalf("parallel parking: %d %d", a, b)
		}
	})
}
