package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/market/store"
	"github.com/fascia-hmi/fascia/market/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *storetest.DB) {
		ctx := context.Background()
		st := db.Open(t)
		// Migrations are idempotent: a second open of the same database works.
		db.Open(t)

		t.Run("catalog", func(t *testing.T) {
			v0, err := st.CatalogVersion(ctx)
			if err != nil || v0 != 0 {
				t.Fatalf("fresh version = %d, %v", v0, err)
			}
			v, err := st.PutCatalog(ctx, []store.Row{{ID: "c", Doc: []byte(`{"id":"c"}`)}},
				[]store.Row{{ID: "p2", Kind: "app", Position: 1, Doc: []byte(`{"id":"p2"}`)}, {ID: "p1", Kind: "app", Position: 0, Doc: []byte(`{"id":"p1"}`)}})
			if err != nil || v != 1 {
				t.Fatalf("put: %d %v", v, err)
			}
			v, cats, prods, err := st.Catalog(ctx)
			if err != nil || v != 1 || len(cats) != 1 || len(prods) != 2 || prods[0].ID != "p1" || string(prods[1].Doc) != `{"id":"p2"}` {
				t.Fatalf("catalog: %d %v %v %v", v, cats, prods, err)
			}
			// A failing replacement leaves the old catalog (one transaction).
			if _, err := st.PutCatalog(ctx, nil, []store.Row{{ID: "x", Doc: []byte("{}")}, {ID: "x", Doc: []byte("{}")}}); err == nil {
				t.Fatal("duplicate product IDs accepted")
			}
			if v, _, prods, _ := st.Catalog(ctx); v != 1 || len(prods) != 2 {
				t.Fatalf("failed put changed the catalog: v%d %d products", v, len(prods))
			}
		})

		t.Run("vehicles and nonces", func(t *testing.T) {
			v := store.Vehicle{ID: "veh_000000000000000000000001", PublicKey: "k1", VIN: "WFMKT000000000001", CreatedAt: time.Now()}
			got, created, err := st.RegisterVehicle(ctx, v)
			if err != nil || !created || got.PublicKey != "k1" {
				t.Fatalf("register: %+v %v %v", got, created, err)
			}
			got, created, err = st.RegisterVehicle(ctx, v)
			if err != nil || created || got.ID != v.ID {
				t.Fatalf("re-register: %+v %v %v", got, created, err)
			}
			if _, err := st.Vehicle(ctx, "veh_nope"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("missing vehicle: %v", err)
			}
			exp := time.Now().Add(time.Minute)
			if err := st.UseNonce(ctx, v.ID, "n1", exp); err != nil {
				t.Fatal(err)
			}
			if err := st.UseNonce(ctx, v.ID, "n1", exp); !errors.Is(err, store.ErrReplay) {
				t.Fatalf("replayed nonce: %v", err)
			}
			if err := st.UseNonce(ctx, "veh_other", "n1", exp); err != nil {
				t.Fatalf("same nonce, other vehicle: %v", err)
			}
			if n, err := st.PurgeNonces(ctx, exp.Add(time.Second)); err != nil || n != 2 {
				t.Fatalf("purge: %d %v", n, err)
			}
		})

		t.Run("drivers", func(t *testing.T) {
			if _, err := st.Driver(ctx, "veh_a", "anna"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("no driver: %v", err)
			}
			if err := st.PutDriver(ctx, store.Driver{Vehicle: "veh_a", Driver: "anna", PINHash: "h1"}); err != nil {
				t.Fatal(err)
			}
			lock := time.Now().Add(time.Hour).Truncate(time.Millisecond)
			for range 2 {
				if err := st.PINAttempt(ctx, "veh_a", "anna", false, 3, lock); err != nil {
					t.Fatal(err)
				}
			}
			d, _ := st.Driver(ctx, "veh_a", "anna")
			if d.Failed != 2 || !d.LockedUntil.IsZero() {
				t.Fatalf("after 2 failures: %+v", d)
			}
			_ = st.PINAttempt(ctx, "veh_a", "anna", false, 3, lock)
			d, _ = st.Driver(ctx, "veh_a", "anna")
			if d.Failed != 0 || !d.LockedUntil.Equal(lock) {
				t.Fatalf("after 3 failures: %+v (want locked until %v)", d, lock)
			}
			if err := st.PutDriver(ctx, store.Driver{Vehicle: "veh_a", Driver: "anna", PINHash: "h2"}); err != nil {
				t.Fatal(err)
			}
			d, _ = st.Driver(ctx, "veh_a", "anna")
			if d.PINHash != "h2" || !d.LockedUntil.IsZero() {
				t.Fatalf("new PIN: %+v", d)
			}
		})

		t.Run("idempotent purchase", func(t *testing.T) {
			// 20 concurrent requests with one key create one purchase.
			var wg sync.WaitGroup
			ids := make([]string, 20)
			created := make([]bool, 20)
			errs := make([]error, 20)
			for i := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					p := store.Purchase{ID: fmt.Sprintf("pur_%020d", i), Vehicle: "veh_b", Product: "app.x", Kind: "app", Amount: 100, Currency: "EUR", Status: "pending", CreatedAt: time.Now()}
					idem, got, c, err := st.BeginPurchase(ctx, store.Idem{Vehicle: "veh_b", Key: "key-1", RequestHash: "h"}, p)
					ids[i], created[i], errs[i] = got.ID, c, err
					if err == nil && idem.PurchaseID != got.ID {
						errs[i] = fmt.Errorf("idem names %s, purchase is %s", idem.PurchaseID, got.ID)
					}
				}()
			}
			wg.Wait()
			n := 0
			for i := range ids {
				if errs[i] != nil {
					t.Fatalf("request %d: %v", i, errs[i])
				}
				if ids[i] != ids[0] {
					t.Fatalf("request %d got purchase %s, request 0 %s", i, ids[i], ids[0])
				}
				if created[i] {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d requests created a purchase, want 1", n)
			}
			id := ids[0]
			comp := store.Completion{PurchaseID: id, Status: "succeeded", ChargeID: "ch_1", Receipt: "R1", Vehicle: "veh_b", Key: "key-1", StatusCode: 201, Response: []byte(`{"first":true}`),
				Payment:     &store.Payment{ID: "ch_1", PurchaseID: id, Kind: "charge", Amount: 100, Currency: "EUR"},
				Entitlement: &store.Entitlement{PurchaseID: id, Vehicle: "veh_b", Product: "app.x", Kind: "app"}}
			idem, err := st.CompletePurchase(ctx, comp)
			if err != nil || idem.StatusCode != 201 || string(idem.Response) != `{"first":true}` {
				t.Fatalf("complete: %+v %v", idem, err)
			}
			// A second completion (a concurrent retry) changes nothing.
			comp.Response, comp.Payment.ID = []byte(`{"second":true}`), "ch_2"
			idem, err = st.CompletePurchase(ctx, comp)
			if err != nil || string(idem.Response) != `{"first":true}` {
				t.Fatalf("second complete: %s %v", idem.Response, err)
			}
			pays, _ := st.Payments(ctx, id)
			if len(pays) != 1 || pays[0].ID != "ch_1" {
				t.Fatalf("payments: %+v", pays)
			}
			ents, _ := st.Entitlements(ctx, "veh_b")
			if len(ents) != 1 || ents[0].Revoked {
				t.Fatalf("entitlements: %+v", ents)
			}
			p, _ := st.Purchase(ctx, id)
			if p.Status != "succeeded" || p.Receipt != "R1" {
				t.Fatalf("purchase: %+v", p)
			}
			if err := st.Refund(ctx, id, store.Payment{ID: "re_1", PurchaseID: id, Kind: "refund", Amount: -100, Currency: "EUR"}); err != nil {
				t.Fatal(err)
			}
			if err := st.Refund(ctx, id, store.Payment{ID: "re_2", PurchaseID: id, Kind: "refund", Amount: -100, Currency: "EUR"}); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("second refund: %v", err)
			}
			ents, _ = st.Entitlements(ctx, "veh_b")
			pays, _ = st.Payments(ctx, id)
			if !ents[0].Revoked || len(pays) != 2 {
				t.Fatalf("after refund: %+v %+v", ents, pays)
			}
			hist, _ := st.Purchases(ctx, "veh_b", 10)
			if len(hist) != 1 || hist[0].Status != "refunded" {
				t.Fatalf("history: %+v", hist)
			}
		})

		t.Run("subscriptions", func(t *testing.T) {
			now := time.Now().UTC().Truncate(time.Millisecond)
			end := now.Add(-time.Minute)
			p := store.Purchase{ID: "pur_s1", Vehicle: "veh_c", Product: "sub.x", Kind: "subscription", Status: "pending", CreatedAt: now}
			if _, _, _, err := st.BeginPurchase(ctx, store.Idem{Vehicle: "veh_c", Key: "k-sub"}, p); err != nil {
				t.Fatal(err)
			}
			_, err := st.CompletePurchase(ctx, store.Completion{PurchaseID: "pur_s1", Status: "succeeded",
				Entitlement:  &store.Entitlement{PurchaseID: "pur_s1", Vehicle: "veh_c", Product: "sub.x", Kind: "subscription", ValidUntil: end},
				Subscription: &store.Subscription{ID: "sub_1", Vehicle: "veh_c", Product: "sub.x", PurchaseID: "pur_s1", Period: "monthly", Status: "active", PeriodEnd: end, Amount: 399, Currency: "EUR", Method: "pm"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.ActiveSubscription(ctx, "veh_c", "sub.x"); err != nil {
				t.Fatalf("active: %v", err)
			}
			due, err := st.DueSubscriptions(ctx, now, 10)
			if err != nil || len(due) != 1 {
				t.Fatalf("due: %+v %v", due, err)
			}
			newEnd := end.AddDate(0, 1, 0)
			if err := st.Renew(ctx, "sub_1", end, newEnd, store.Payment{ID: "ch_r1", PurchaseID: "pur_s1", Kind: "renewal", Amount: 399, Currency: "EUR"}); err != nil {
				t.Fatal(err)
			}
			// A second renewer with the old period end loses the race.
			if err := st.Renew(ctx, "sub_1", end, newEnd, store.Payment{ID: "ch_r2", PurchaseID: "pur_s1", Kind: "renewal"}); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("double renewal: %v", err)
			}
			sb, _ := st.Subscription(ctx, "sub_1")
			e, _ := st.Entitlement(ctx, "pur_s1")
			if !sb.PeriodEnd.Equal(newEnd) || sb.Renewals != 1 || !e.ValidUntil.Equal(newEnd) {
				t.Fatalf("after renewal: %+v %+v", sb, e)
			}
			sb, err = st.CancelSubscription(ctx, "sub_1")
			if err != nil || !sb.CancelAtPeriodEnd || sb.Status != "canceled" {
				t.Fatalf("cancel: %+v %v", sb, err)
			}
			if _, err := st.ActiveSubscription(ctx, "veh_c", "sub.x"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("canceled still active: %v", err)
			}
			if err := st.SetSubscriptionState(ctx, "sub_1", newEnd, "expired", 0); err != nil {
				t.Fatal(err)
			}
			subs, _ := st.Subscriptions(ctx, "veh_c")
			if len(subs) != 1 || subs[0].Status != "expired" {
				t.Fatalf("subs: %+v", subs)
			}
		})
	})
}

func TestOpenRejectsUnknownURL(t *testing.T) {
	if _, err := store.Open(context.Background(), "mysql://x"); err == nil {
		t.Fatal("mysql URL accepted")
	}
}
