package nav

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/fascia-hmi/fascia/app/nav/tiles"
)

// Monaco's casino square, where the demo drives.
const casinoLat, casinoLon = 43.7384, 7.4246

func TestNearestInDemoMap(t *testing.T) {
	m := Open("", nil, 8, nil)
	defer m.Close()
	ctx := context.Background()
	for _, kind := range []string{KindGas, KindParking} {
		p, err := m.Nearest(ctx, casinoLat, casinoLon, kind, 3000)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if p.Distance <= 0 || p.Distance > 3000 || p.Lat < 43.72 || p.Lat > 43.76 || p.Lon < 7.40 || p.Lon > 7.45 {
			t.Errorf("%s: %+v is not in Monaco within 3 km", kind, p)
		}
		// Nothing of that kind is nearer: a smaller radius finds none.
		if _, err := m.Nearest(ctx, casinoLat, casinoLon, kind, p.Distance*0.9); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s within %.0f m: %v, want not found", kind, p.Distance*0.9, err)
		}
	}
	// The Monaco extract has no charging station.
	if _, err := m.Nearest(ctx, casinoLat, casinoLon, KindCharging, 3000); !errors.Is(err, ErrNotFound) {
		t.Errorf("charging: %v, want not found", err)
	}
	if _, err := m.Nearest(ctx, casinoLat, casinoLon, "spaceport", 3000); err == nil {
		t.Error("an unknown kind was searched")
	}
}

func TestNamedInDemoMap(t *testing.T) {
	m := Open("", nil, 8, nil)
	defer m.Close()
	ctx := context.Background()
	p, err := m.Named(ctx, casinoLat, casinoLon, "rue grimaldi", 3000)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Rue Grimaldi" || p.Distance > 1000 {
		t.Errorf("Rue Grimaldi: %+v", p)
	}
	if _, err := m.Named(ctx, casinoLat, casinoLon, "Nowhere Street", 3000); !errors.Is(err, ErrNotFound) {
		t.Errorf("Nowhere Street: %v, want not found", err)
	}
	// Far from the map's data nothing is found, and nothing breaks.
	if _, err := m.Named(ctx, 0, 0, "Rue Grimaldi", 3000); !errors.Is(err, ErrNotFound) {
		t.Errorf("at 0,0: %v, want not found", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.Named(ctx, casinoLat, casinoLon, "Rue Grimaldi", 3000); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled search: %v", err)
	}
}

// TestNames: the demo map's names around Monaco are the streets, places
// and POIs a driver can ask for: sorted, each once, within the limit, and
// each one found again by Named.
func TestNames(t *testing.T) {
	names, err := DemoPlaces(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 200 || !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Fatalf("%d names, sorted %v", len(names), slices.IsSorted(names))
	}
	for _, want := range []string{"Rue Grimaldi", "Avenue Princesse Grace", "Monte-Carlo"} {
		if _, ok := slices.BinarySearch(names, want); !ok {
			t.Errorf("%q missing", want)
		}
	}
	src, err := tiles.Demo()
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	m := &Map{Source: src}
	few, err := m.Names(context.Background(), 43.7384, 7.4246, PlaceRadius, 10)
	if err != nil || len(few) != 10 {
		t.Fatalf("limit 10: %d names, %v", len(few), err)
	}
	p, err := m.Named(context.Background(), 43.7384, 7.4246, few[3], PlaceRadius)
	if err != nil || p.Name != few[3] {
		t.Errorf("Named(%q) = %+v, %v", few[3], p, err)
	}
	if _, err := (&Map{}).Names(context.Background(), 0, 0, 1, 1); err == nil {
		t.Error("a map without tiles gave names")
	}
}
