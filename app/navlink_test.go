package app

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/nav"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

// TestVoiceNavLink drives the demo map through the voice navigation
// adapter: places are found in the tiles around the car and become the
// map's destination.
func TestVoiceNavLink(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	store := vehicle.NewStore(func() time.Time { return now })
	m := nav.Open("", nil, 8, nil)
	defer m.Close()
	n := voiceNav{m: m, store: store}

	if _, err := n.NavigateTo("Rue Grimaldi"); err == nil || !strings.Contains(err.Error(), "position is not known") {
		t.Errorf("without a position: %v", err)
	}
	store.Set(vss.CurrentLocationLatitude, vehicle.Value{Num: 43.7384}, now)
	store.Set(vss.CurrentLocationLongitude, vehicle.Value{Num: 7.4246}, now)

	p, err := n.NavigateTo("rue grimaldi")
	if err != nil || p.Name != "Rue Grimaldi" || p.Metres <= 0 || p.Metres > 2000 {
		t.Fatalf("Rue Grimaldi: %+v %v", p, err)
	}
	if d, ok, _ := m.Guide.Destination(); !ok || d.Name != p.Name || d.Distance != p.Metres {
		t.Errorf("destination %+v %v, want %+v", d, ok, p)
	}
	if _, err := n.NavigateTo("Nowhere Street"); err == nil || !strings.Contains(err.Error(), "not on the map") {
		t.Errorf("Nowhere Street: %v", err)
	}
	p, err = n.FindNearest("gas")
	if err != nil || p.Metres > 10_000 {
		t.Fatalf("nearest gas: %+v %v", p, err)
	}
	if _, err := n.FindNearest("charging"); err == nil || !strings.Contains(err.Error(), "no charging station") {
		t.Errorf("charging in Monaco's extract (none there): %v", err)
	}
	if _, err := n.NavigateHome(); err == nil || !strings.Contains(err.Error(), "places.home") {
		t.Errorf("home not set: %v", err)
	}
	n.places = config.Places{Work: "43.7311,7.4197"}
	if p, err := n.NavigateWork(); err != nil || p.Name != "Work" || p.Metres < 500 || p.Metres > 1500 {
		t.Errorf("work: %+v %v", p, err)
	}
	n.Zoom(-2)
	if z := m.Guide.TakeZoom(); z != -2 {
		t.Errorf("zoom steps %d", z)
	}
	if err := n.Cancel(); err != nil {
		t.Error(err)
	}
	if err := n.Cancel(); err == nil {
		t.Error("cancelling twice did not say there is no destination")
	}
}

// TestMapPlaces: the voice grammar's places are the map's names around the
// car (around the map's centre without a position), and a new grammar is
// asked for once the car is 10 km from where they were read: at Krems, the
// names are Krems's.
func TestMapPlaces(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	store := vehicle.NewStore(func() time.Time { return now })
	m := nav.Open("", nil, 8, nil)
	defer m.Close()
	defer func(d time.Duration) { placeCheck = d }(placeCheck)
	placeCheck = 20 * time.Millisecond
	p := newMapPlaces(voiceNav{m: m, store: store})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p.follow(ctx)

	monaco := p.Values()
	if !slices.Contains(monaco, "Rue Grimaldi") {
		t.Fatalf("no position: %d names, no Rue Grimaldi", len(monaco))
	}
	store.Set(vss.CurrentLocationLatitude, vehicle.Value{Num: 43.745}, now) // 1 km on
	store.Set(vss.CurrentLocationLongitude, vehicle.Value{Num: 7.43}, now)
	select {
	case <-p.Changed():
		t.Fatal("a new grammar asked for after 1 km")
	case <-time.After(200 * time.Millisecond):
	}
	store.Set(vss.CurrentLocationLatitude, vehicle.Value{Num: 48.41}, now) // Krems an der Donau
	store.Set(vss.CurrentLocationLongitude, vehicle.Value{Num: 15.61}, now)
	select {
	case <-p.Changed():
	case <-time.After(5 * time.Second):
		t.Fatal("no new grammar asked for 800 km on")
	}
	krems := p.Values()
	if len(krems) == 0 || slices.Contains(krems, "Rue Grimaldi") {
		t.Errorf("at Krems: %d names, Rue Grimaldi among them: %v", len(krems), slices.Contains(krems, "Rue Grimaldi"))
	}
}
