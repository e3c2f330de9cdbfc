package api_test

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/fascia-hmi/fascia/market/demo"
	"github.com/fascia-hmi/fascia/market/loadgen"
	"github.com/fascia-hmi/fascia/market/store/storetest"
)

// BenchmarkCatalog: full-catalog GETs over loopback (SQLite, then PostgreSQL).
func BenchmarkCatalog(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) {
			e := newEnv(b, storetest.New(b, backend))
			client := loadgen.Client(8)
			car := loadgen.NewCar(e.base, client)
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r, err := car.Do(bg, "GET", "/v1/catalog", nil, nil, false)
					if err != nil || r.Status != 200 {
						b.Errorf("catalog: %v %d", err, r.Status)
						return
					}
				}
			})
		})
	}
}

// BenchmarkPurchase: signed parking purchases over loopback, one car per
// goroutine, a fresh Idempotency-Key each.
func BenchmarkPurchase(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) {
			e := newEnv(b, storetest.New(b, backend))
			client := loadgen.Client(16)
			cars, err := loadgen.Cars(bg, e.base, 16, client)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := json.Marshal(map[string]any{"product": demo.Parking, "driver": "bench", "pin": "1234", "card": map[string]string{"number": "4242424242424242"},
				"service": map[string]any{"place_id": "bench:1", "amount": 250, "minutes": 60}})
			var next atomic.Int64
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				car := cars[int(next.Add(1)-1)%len(cars)]
				for pb.Next() {
					r, err := car.Buy(bg, fmt.Sprintf("bench-key-%08d", next.Add(1)), body)
					if err != nil || r.Status != 201 {
						b.Errorf("purchase: %v %d %s", err, r.Status, r.Body)
						return
					}
				}
			})
		})
	}
}
