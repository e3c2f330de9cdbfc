package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/nav"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/app/voice"
)

// This file connects the voice commands' navigation intents to the map:
// until routing lands, "navigate to …" and "find the nearest …" find the
// place in the map's tiles and show it on the Map screen as the
// destination; they do not plan a route.

// Search radii around the car.
const (
	placeRadius = nav.PlaceRadius // streets and places by name, metres
	poiRadius   = 10_000          // the nearest fuel, parking or charging
	searchTime  = 3 * time.Second
)

// voiceNav is the map as the voice commands drive it.
var _ voice.Navigator = voiceNav{}

type voiceNav struct {
	m      *nav.Map
	store  *vehicle.Store
	places config.Places
}

// here is the car's live position.
func (n voiceNav) here() (lat, lon float64, err error) {
	la, lo := n.store.Get(vss.CurrentLocationLatitude), n.store.Get(vss.CurrentLocationLongitude)
	if !la.OK() || !lo.OK() || la.Num == 0 && lo.Num == 0 {
		return 0, 0, errors.New("the car's position is not known")
	}
	return la.Num, lo.Num, nil
}

// show finds a place near the car and makes it the map's destination.
func (n voiceNav) show(find func(ctx context.Context, lat, lon float64) (nav.Place, error)) (voice.Found, error) {
	lat, lon, err := n.here()
	if err != nil {
		return voice.Found{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), searchTime)
	defer cancel()
	p, err := find(ctx, lat, lon)
	if err != nil {
		return voice.Found{}, err
	}
	n.m.Guide.SetDestination(p)
	return voice.Found{Name: p.Name, Metres: p.Distance}, nil
}

// NavigateTo shows the street or place of that name nearest to the car.
func (n voiceNav) NavigateTo(place string) (voice.Found, error) {
	return n.show(func(ctx context.Context, lat, lon float64) (nav.Place, error) {
		p, err := n.m.Named(ctx, lat, lon, place, placeRadius)
		if errors.Is(err, nav.ErrNotFound) {
			return p, fmt.Errorf("%s is not on the map near here", place)
		}
		return p, err
	})
}

// NavigateHome shows the home place of the configuration.
func (n voiceNav) NavigateHome() (voice.Found, error) {
	return n.favourite("Home", n.places.Home, "home")
}

// NavigateWork shows the work place of the configuration.
func (n voiceNav) NavigateWork() (voice.Found, error) {
	return n.favourite("Work", n.places.Work, "work")
}

func (n voiceNav) favourite(name, at, key string) (voice.Found, error) {
	if at == "" {
		return voice.Found{}, fmt.Errorf("no %s address is set (places.%s in the configuration)", key, key)
	}
	lat, lon, err := config.ParsePoint(at)
	if err != nil {
		return voice.Found{}, fmt.Errorf("places.%s: %w", key, err)
	}
	return n.show(func(context.Context, float64, float64) (nav.Place, error) {
		p := nav.Place{Name: name, Lat: lat, Lon: lon}
		if cl, co, err := n.here(); err == nil {
			p.Distance = geo.Distance(orb.Point{co, cl}, orb.Point{lon, lat})
		}
		return p, nil
	})
}

// FindNearest shows the nearest fuel station, car park or charging station
// ("gas", "parking", "charging").
func (n voiceNav) FindNearest(kind string) (voice.Found, error) {
	k := map[string]string{"gas": nav.KindGas, "parking": nav.KindParking, "charging": nav.KindCharging}[kind]
	what := map[string]string{"gas": "gas station", "parking": "car park", "charging": "charging station"}[kind]
	if k == "" {
		return voice.Found{}, fmt.Errorf("there is no search for %q", kind)
	}
	return n.show(func(ctx context.Context, lat, lon float64) (nav.Place, error) {
		p, err := n.m.Nearest(ctx, lat, lon, k, poiRadius)
		if errors.Is(err, nav.ErrNotFound) {
			return p, fmt.Errorf("there is no %s on the map within %d kilometres", what, poiRadius/1000)
		}
		if p.Name == "" {
			p.Name = what
		}
		return p, err
	})
}

// Cancel removes the destination.
func (n voiceNav) Cancel() error {
	if !n.m.Guide.Clear() {
		return errors.New("there is no destination")
	}
	return nil
}

// Zoom zooms the Map screen by delta levels.
func (n voiceNav) Zoom(delta int) { n.m.Guide.Zoom(delta) }

// mapPlaces gives the voice grammar the names of the streets, places and
// points of interest within nav.PlaceRadius of the car (of the map's
// centre while the position is unknown), and asks for a new grammar once
// the car is placeMove from where they were read.
type mapPlaces struct {
	nav     voiceNav
	changed chan struct{}

	mu       sync.Mutex
	lat, lon float64
	read     bool
}

// placeMove is how far the car goes before the place names are read
// again; placeCheck how often that is looked at.
const placeMove = 10_000

var placeCheck = 5 * time.Second

func newMapPlaces(n voiceNav) *mapPlaces {
	return &mapPlaces{nav: n, changed: make(chan struct{}, 1)}
}

// Changed implements the voice slot source's change signal.
func (p *mapPlaces) Changed() <-chan struct{} { return p.changed }

// Values reads the names from the map's tiles (off the UI goroutine: the
// voice service calls it while it builds the grammar).
func (p *mapPlaces) Values() []string {
	if p.nav.m == nil || p.nav.m.Tiles() == nil {
		return nil
	}
	lat, lon, err := p.nav.here()
	if err != nil {
		c := p.nav.m.Tiles().Meta().Center
		lat, lon = c[1], c[0]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	names, err := p.nav.m.Names(ctx, lat, lon, nav.PlaceRadius, nav.MaxPlaces)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	p.lat, p.lon, p.read = lat, lon, true
	p.mu.Unlock()
	return names
}

// follow signals Changed when the car has gone placeMove from where the
// names were read, until ctx ends.
func (p *mapPlaces) follow(ctx context.Context) {
	p.nav.store.Subscribe(ctx, placeCheck, func([]vss.ID) {
		lat, lon, err := p.nav.here()
		if err != nil {
			return
		}
		p.mu.Lock()
		far := p.read && geo.Distance(orb.Point{lon, lat}, orb.Point{p.lon, p.lat}) > placeMove
		p.mu.Unlock()
		if far {
			select {
			case p.changed <- struct{}{}:
			default:
			}
		}
	}, vss.CurrentLocationLatitude, vss.CurrentLocationLongitude)
}
