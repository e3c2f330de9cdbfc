package nav

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/maptile"

	"github.com/fascia-hmi/fascia/app/nav/tiles"
	"github.com/fascia-hmi/fascia/app/nav/vtile"
)

// Place is a named point found in the map's tiles.
type Place struct {
	Name     string
	Lat, Lon float64
	Distance float64 // metres from where the search started
}

// POI kinds Nearest knows. Writers put the OSM value in class or in
// subclass (tilemaker: class "amenity", subclass "fuel"): both are looked at.
const (
	KindCharging = "charging"
	KindParking  = "parking"
	KindGas      = "gas"
)

// searchZoom is the zoom whose tiles are searched: the data's most
// detailed, where every POI and street is.
const searchZoom = 14

// ErrNotFound is returned when nothing matches within the radius.
var ErrNotFound = errors.New("not found on the map")

// Nearest finds the point of interest of kind (KindCharging, KindParking,
// KindGas) nearest to lat, lon within radius metres, in the map's
// OpenMapTiles poi layer. It reads and decodes tiles: call it off the UI
// goroutine.
func (m *Map) Nearest(ctx context.Context, lat, lon float64, kind string, radius float64) (Place, error) {
	var want func(class, sub string) bool
	switch kind {
	case KindCharging:
		want = func(class, sub string) bool { return sub == "charging_station" || class == "charging_station" }
	case KindGas:
		want = func(class, sub string) bool { return (class == "fuel" || sub == "fuel") && sub != "charging_station" }
	case KindParking:
		want = func(class, sub string) bool {
			return class == "parking" || sub == "parking" || sub == "parking_entrance"
		}
	default:
		return Place{}, fmt.Errorf("no such kind of place %q", kind)
	}
	p, err := m.search(ctx, lat, lon, radius, func(layer string, props map[string]any) bool {
		return layer == "poi" && want(prop(props, "class"), prop(props, "subclass"))
	})
	if errors.Is(err, ErrNotFound) {
		return p, fmt.Errorf("no %s within %.0f km: %w", kind, radius/1000, err)
	}
	return p, err
}

// Named finds the street or place called name (case and accents as
// written in the map, compared without case) nearest to lat, lon within
// radius metres.
func (m *Map) Named(ctx context.Context, lat, lon float64, name string, radius float64) (Place, error) {
	p, err := m.search(ctx, lat, lon, radius, func(layer string, props map[string]any) bool {
		switch layer {
		case "transportation_name", "place", "poi", "water_name":
			return strings.EqualFold(vtile.Name(props), name)
		}
		return false
	})
	if errors.Is(err, ErrNotFound) {
		return p, fmt.Errorf("%s within %.0f km: %w", name, radius/1000, err)
	}
	return p, err
}

// search returns the feature matching match that is nearest to lat, lon,
// reading the search zoom's tiles that cover the radius.
func (m *Map) search(ctx context.Context, lat, lon, radius float64, match func(layer string, props map[string]any) bool) (Place, error) {
	var src tiles.Source
	if m != nil {
		src = m.Tiles()
	}
	if src == nil {
		return Place{}, errors.New("no map")
	}
	here := orb.Point{lon, lat}
	// Nearest tiles first: once a tile's nearest edge is farther than the
	// best match so far, no later tile can hold a nearer one (a 20 km
	// radius is ~500 tiles; the answer is usually in the first few).
	best := Place{Distance: math.Inf(1)}
	err := eachTile(ctx, src, here, radius, func(t maptile.Tile, d float64, ls mvt.Layers) bool {
		if d > best.Distance {
			return false
		}
		ls.ProjectToWGS84(t)
		nearestIn(ls, here, match, &best)
		return true
	})
	if err != nil {
		return Place{}, err
	}
	if best.Distance > radius {
		return Place{}, ErrNotFound
	}
	return best, nil
}

// Names returns the distinct names of the streets, places and points of
// interest in the map's tiles within radius metres of lat, lon, nearest
// tiles first, at most limit of them, sorted: the places a driver can ask
// for by name. It reads and decodes tiles: call it off the UI goroutine.
func (m *Map) Names(ctx context.Context, lat, lon, radius float64, limit int) ([]string, error) {
	var src tiles.Source
	if m != nil {
		src = m.Tiles()
	}
	if src == nil {
		return nil, errors.New("no map")
	}
	seen := map[string]bool{}
	var out []string
	err := eachTile(ctx, src, orb.Point{lon, lat}, radius, func(_ maptile.Tile, _ float64, ls mvt.Layers) bool {
		for _, l := range ls {
			switch l.Name {
			case "transportation_name", "place", "poi", "water_name":
			default:
				continue
			}
			for _, f := range l.Features {
				if n := vtile.Name(f.Properties); n != "" && !seen[n] && len(out) < limit {
					seen[n] = true
					out = append(out, n)
				}
			}
		}
		return len(out) < limit
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}

// eachTile calls fn with the decoded search-zoom tiles of src that come
// within radius metres of here, nearest first, with each tile's distance
// (to its nearest point), until fn returns false.
func eachTile(ctx context.Context, src tiles.Source, here orb.Point, radius float64, fn func(t maptile.Tile, d float64, ls mvt.Layers) bool) error {
	bound := geo.NewBoundAroundPoint(here, radius)
	tl := maptile.At(bound.LeftTop(), searchZoom)
	br := maptile.At(bound.RightBottom(), searchZoom)
	type near struct {
		t maptile.Tile
		d float64
	}
	var ts []near
	for y := tl.Y; y <= br.Y; y++ {
		for x := tl.X; x <= br.X; x++ {
			t := maptile.New(x, y, searchZoom)
			b := t.Bound()
			p := orb.Point{max(b.Min[0], min(here[0], b.Max[0])), max(b.Min[1], min(here[1], b.Max[1]))}
			ts = append(ts, near{t, geo.Distance(here, p)})
		}
	}
	slices.SortFunc(ts, func(a, b near) int { return cmp.Compare(a.d, b.d) })
	for _, n := range ts {
		if n.d > radius {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := src.Tile(ctx, searchZoom, int(n.t.X), int(n.t.Y))
		if errors.Is(err, tiles.ErrNoTile) {
			continue
		}
		if err != nil {
			return err
		}
		ls, err := vtile.Decode(data)
		if len(ls) == 0 && err != nil {
			continue // a broken tile: the renderer logs it
		}
		if !fn(n.t, n.d, ls) {
			return nil
		}
	}
	return nil
}

// nearestIn updates best with the nearest matching feature of ls.
func nearestIn(ls mvt.Layers, here orb.Point, match func(string, map[string]any) bool, best *Place) {
	for _, l := range ls {
		for _, f := range l.Features {
			if f.Geometry == nil || !match(l.Name, f.Properties) {
				continue
			}
			pt, d := closestVertex(f.Geometry, here)
			if d < best.Distance {
				*best = Place{Name: vtile.Name(f.Properties), Lat: pt[1], Lon: pt[0], Distance: d}
			}
		}
	}
}

// closestVertex is the geometry's vertex nearest to p, and its distance
// in metres: for a street, the part of it nearest to the car.
func closestVertex(g orb.Geometry, p orb.Point) (orb.Point, float64) {
	best, bd := orb.Point{}, math.Inf(1)
	visit := func(q orb.Point) {
		if d := geo.Distance(p, q); d < bd {
			best, bd = q, d
		}
	}
	switch g := g.(type) {
	case orb.Point:
		visit(g)
	case orb.MultiPoint:
		for _, q := range g {
			visit(q)
		}
	case orb.LineString:
		for _, q := range g {
			visit(q)
		}
	case orb.MultiLineString:
		for _, ls := range g {
			for _, q := range ls {
				visit(q)
			}
		}
	case orb.Polygon:
		// a building or car park: its centre, where its label goes
		visit(g.Bound().Center())
	case orb.MultiPolygon:
		for _, pg := range g {
			visit(pg.Bound().Center())
		}
	}
	return best, bd
}

func prop(p map[string]any, k string) string {
	s, _ := p[k].(string)
	return s
}

// PlaceRadius is how far from the car the names a driver can ask for
// reach (Names), and how far Named looks for them.
const PlaceRadius = 20_000

// MaxPlaces bounds the names Names gives the voice grammar.
const MaxPlaces = 2000

// DemoPlaces are the place names of the embedded demo map around Monaco,
// where the demo car drives: the voice grammar's places in tools and
// tests that run without a car.
func DemoPlaces(ctx context.Context) ([]string, error) {
	src, err := tiles.Demo()
	if err != nil {
		return nil, err
	}
	defer src.Close()
	m := &Map{Source: src}
	c := src.Meta().Center
	return m.Names(ctx, c[1], c[0], PlaceRadius, MaxPlaces)
}
