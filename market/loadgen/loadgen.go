package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Result summarises one load phase.
type Result struct {
	Phase    string
	Workers  int
	Requests int
	Errors   int
	Elapsed  time.Duration
	RPS      float64
	P50      time.Duration
	P95      time.Duration
	P99      time.Duration
	Max      time.Duration
	// FirstError describes the first failed request, if any.
	FirstError string
}

func (r Result) String() string {
	return fmt.Sprintf("%-9s workers=%-3d requests=%-6d errors=%-3d rps=%8.0f p50=%6.2fms p95=%6.2fms p99=%6.2fms max=%6.2fms",
		r.Phase, r.Workers, r.Requests, r.Errors, r.RPS, ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Client returns an HTTP client with a connection pool sized for workers.
func Client(workers int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = workers * 2
	t.MaxIdleConnsPerHost = workers * 2
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}

// run calls op from workers goroutines until d has passed.
func run(ctx context.Context, phase string, workers int, d time.Duration, op func(ctx context.Context, worker int) error) Result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	res := Result{Phase: phase, Workers: workers}
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			errs := 0
			first := ""
			for ctx.Err() == nil {
				t := time.Now()
				err := op(context.WithoutCancel(ctx), w)
				local = append(local, time.Since(t))
				if err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			res.Errors += errs
			if res.FirstError == "" {
				res.FirstError = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Requests = len(lat)
	res.RPS = float64(len(lat)) / res.Elapsed.Seconds()
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	res.P50, res.P95, res.P99 = pct(0.50), pct(0.95), pct(0.99)
	if len(lat) > 0 {
		res.Max = lat[len(lat)-1]
	}
	return res
}

// Catalog GETs the full catalog (with a rotating language) for d.
func Catalog(ctx context.Context, base string, workers int, d time.Duration) Result {
	client := Client(workers)
	car := NewCar(base, client)
	langs := []string{"en", "de", "fr"}
	return run(ctx, "catalog", workers, d, func(ctx context.Context, w int) error {
		r, err := car.Do(ctx, "GET", "/v1/catalog?lang="+langs[w%len(langs)], nil, nil, false)
		if err != nil {
			return err
		}
		if r.Status != 200 || len(r.Body) == 0 {
			return fmt.Errorf("catalog: %d", r.Status)
		}
		return nil
	})
}

// Cars registers n cars with driver "bench" and PIN 1234.
func Cars(ctx context.Context, base string, n int, client *http.Client) ([]*Car, error) {
	cars := make([]*Car, n)
	for i := range cars {
		c := NewCar(base, client)
		if err := c.Register(ctx, VIN(i)); err != nil {
			return nil, err
		}
		if err := c.SetPIN(ctx, "bench", "1234"); err != nil {
			return nil, err
		}
		cars[i] = c
	}
	return cars, nil
}

// Purchases buys product (a service, so it can be bought again) for d,
// each worker with its own car and a fresh Idempotency-Key per purchase.
func Purchases(ctx context.Context, base, product string, workers int, d time.Duration) (Result, error) {
	client := Client(workers)
	cars, err := Cars(ctx, base, workers, client)
	if err != nil {
		return Result{}, err
	}
	body, _ := json.Marshal(map[string]any{"product": product, "driver": "bench", "pin": "1234", "card": map[string]string{"number": "4242424242424242"},
		"service": map[string]any{"place_id": "bench:1", "place_name": "Bench garage", "amount": 250, "minutes": 60}})
	return run(ctx, "purchase", workers, d, func(ctx context.Context, w int) error {
		r, err := cars[w].Buy(ctx, NewKey(), body)
		if err != nil {
			return err
		}
		if r.Status != 201 {
			return fmt.Errorf("purchase: %d %s", r.Status, r.Body)
		}
		return nil
	}), nil
}
