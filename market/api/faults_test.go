package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/market/demo"
	"github.com/fascia-hmi/fascia/market/entitle"
	"github.com/fascia-hmi/fascia/market/loadgen"
	"github.com/fascia-hmi/fascia/market/orders"
	"github.com/fascia-hmi/fascia/market/payment"
	"github.com/fascia-hmi/fascia/market/store/storetest"
)

// TestFaults: 50 cars buy three products each, retrying with their
// Idempotency-Keys, while the payment provider times out (some charges
// captured with the answer lost), the server is killed mid-request and
// restarted, and the database is restarted (SQLite: closed and reopened
// under a killed server; PostgreSQL: every backend terminated while
// requests run). In the end every intended purchase has exactly one
// capture, one payment row and one entitlement, and nothing else exists.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("faults test skipped in -short mode")
	}
	storetest.Each(t, func(t *testing.T, db *storetest.DB) {
		e := newEnv(t, db)
		e.sandbox.Latency = 15 * time.Millisecond
		e.sandbox.TimeoutRate = 0.2
		const nCars = 50
		type intent struct {
			key  string
			body []byte
		}
		cars := make([]*loadgen.Car, nCars)
		client := loadgen.Client(nCars)
		client.Timeout = 5 * time.Second
		intents := make([][]intent, nCars)
		for i := range cars {
			c := loadgen.NewCar(e.base, client)
			if err := c.Register(bg, loadgen.VIN(i)); err != nil {
				t.Fatal(err)
			}
			if err := c.SetPIN(bg, "anna", "1234"); err != nil {
				t.Fatal(err)
			}
			cars[i] = c
			card := payment.CardApprove
			if i%5 == 0 {
				card = payment.CardTimeoutOnce
			}
			intents[i] = []intent{
				{fmt.Sprintf("car%02d-weather", i), buyBody(demo.WeatherApp, card, nil)},
				{fmt.Sprintf("car%02d-parking", i), buyBody(demo.Parking, card, map[string]any{"service": map[string]any{"place_id": fmt.Sprintf("lot:%d", i), "amount": 200 + i, "minutes": 60}})},
				{fmt.Sprintf("car%02d-traffic", i), buyBody(demo.TrafficMonth, card, nil)},
			}
		}

		ctx, cancel := context.WithTimeout(bg, 50*time.Second)
		defer cancel()
		var (
			mu       sync.Mutex // guards e's server fields against the chaos goroutine
			retries  atomic.Int64
			statuses sync.Map
			results  = make([][]loadgen.Reply, nCars)
			wg       sync.WaitGroup
		)
		for i := range cars {
			results[i] = make([]loadgen.Reply, len(intents[i]))
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j, in := range intents[i] {
					for attempt := 0; ; attempt++ {
						if ctx.Err() != nil {
							return
						}
						r, err := cars[i].Buy(ctx, in.key, in.body)
						code := 0
						if err == nil {
							code = r.Status
						}
						n, _ := statuses.LoadOrStore(code, new(atomic.Int64))
						n.(*atomic.Int64).Add(1)
						if err == nil && r.Status == 201 {
							results[i][j] = r
							break
						}
						if err == nil && r.Status < 500 {
							t.Errorf("car %d %s: final %d %s", i, in.key, r.Status, r.Body)
							return
						}
						retries.Add(1)
						time.Sleep(time.Duration(10+rand.IntN(40)) * time.Millisecond)
					}
				}
			}()
		}
		// Chaos: alternate server kills and database restarts until the cars are done.
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		kills, dbRestarts, terminated, clusterRestarted := 0, 0, 0, false
	chaos:
		for round := 0; ; round++ {
			select {
			case <-done:
				break chaos
			case <-ctx.Done():
				break chaos
			case <-time.After(time.Duration(150+rand.IntN(200)) * time.Millisecond):
			}
			mu.Lock()
			switch {
			case round%2 == 0:
				e.restart()
				kills++
			case db.Backend == "postgres":
				// One real cluster restart when enabled, backend
				// terminations otherwise.
				if !clusterRestarted && db.RestartServer(t) {
					clusterRestarted = true
				} else {
					terminated += db.Disrupt(t)
				}
				dbRestarts++
			default:
				e.stop()
				if err := e.st.Close(); err != nil {
					t.Errorf("close sqlite: %v", err)
				}
				e.st = db.Open(t)
				e.start(e.addr)
				dbRestarts++
			}
			mu.Unlock()
		}
		wg.Wait()
		if ctx.Err() != nil {
			t.Fatalf("cars did not finish within the deadline (retries %d)", retries.Load())
		}
		counts := map[int]int64{}
		statuses.Range(func(k, v any) bool { counts[k.(int)] = v.(*atomic.Int64).Load(); return true })
		t.Logf("%s: %d server kills, %d database restarts (%d backends terminated, cluster restarted: %v), %d retries, responses by status %v",
			db.Backend, kills, dbRestarts, terminated, clusterRestarted, retries.Load(), counts)
		if kills == 0 || dbRestarts == 0 {
			t.Fatalf("faults not injected: %d kills, %d database restarts", kills, dbRestarts)
		}

		// Read the ledger through a fresh pool: connections the last
		// database fault killed would fail once each.
		e.stop()
		e.st.Close()
		e.st = db.Open(t)

		// The ledger: one capture per intended purchase, nothing more.
		captured := e.sandbox.Captured()
		want := 0
		for i, c := range cars {
			purchases, err := e.st.Purchases(bg, c.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(purchases) != len(intents[i]) {
				t.Errorf("car %d: %d purchases, want %d", i, len(purchases), len(intents[i]))
			}
			ents, err := e.st.Entitlements(bg, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ents) != len(intents[i]) {
				t.Errorf("car %d: %d entitlements, want %d", i, len(ents), len(intents[i]))
			}
			for j, in := range intents[i] {
				want++
				var p orders.PurchaseView
				if err := json.Unmarshal(results[i][j].Body, &p); err != nil || p.Entitlement == nil {
					t.Fatalf("car %d %s: answer %s", i, in.key, results[i][j].Body)
				}
				if _, err := entitle.Verify(e.pub(), p.Entitlement.Token, c.ID, time.Now()); err != nil {
					t.Errorf("car %d %s: token: %v", i, in.key, err)
				}
				idem, err := e.st.Idem(bg, c.ID, in.key)
				if err != nil || idem.PurchaseID != p.ID || idem.StatusCode != http.StatusCreated {
					t.Errorf("car %d %s: idempotency record %+v %v", i, in.key, idem, err)
				}
				pays, err := e.st.Payments(bg, p.ID)
				if err != nil || len(pays) != 1 {
					t.Errorf("car %d %s: %d payments, want 1", i, in.key, len(pays))
				}
				if _, ok := captured[p.ID]; !ok {
					t.Errorf("car %d %s: no capture at the provider", i, in.key)
				}
			}
		}
		if len(captured) != want {
			t.Errorf("provider captured %d charges for %d intended purchases", len(captured), want)
		}
	})
}
