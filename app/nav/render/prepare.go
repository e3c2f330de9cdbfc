package render

import (
	"fmt"
	"strconv"

	"github.com/fascia-hmi/fascia/app/nav/vtile"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
)

// iconKind is a POI glyph.
type iconKind uint8

const (
	iconNone iconKind = iota
	iconFuel
	iconCharge
	iconParking
)

// label is a text (or icon) candidate in tile units.
type label struct {
	kind  labelKind
	text  string
	at    pt      // anchor for point labels
	line  []pt    // path for road names
	rank  int     // lower is more important
	size  float32 // logical px
	icon  iconKind
	minZ  float64
	class roadClass
}

// prepared is a decoded tile reduced to what the painter needs, in tile
// units (0..1 across the tile; the tile's buffer lies outside that range).
type prepared struct {
	fills   [nBuckets][][]pt
	roads   [nLevels][nRoadClasses][][]pt
	labels  []label
	bytes   int64
	partial string // why the tile was drawn partially, or ""
	free    []pt   // the point arena's current block
}

func str(p map[string]any, k string) string {
	switch v := p[k].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(v, 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

func num(p map[string]any, k string) (float64, bool) {
	switch v := p[k].(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case uint64:
		return float64(v), true
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

// prepare converts decoded layers (tile coordinates, not projected) into a
// prepared tile. Unknown layers and classes are skipped.
func prepare(layers mvt.Layers) *prepared {
	p := &prepared{}
	for _, l := range layers {
		if l == nil {
			continue
		}
		ext := float32(l.Extent)
		if ext <= 0 {
			ext = 4096
		}
		for _, f := range l.Features {
			if f == nil || f.Geometry == nil {
				continue
			}
			p.feature(l.Name, f.Properties, f.Geometry, 1/ext)
		}
	}
	p.account()
	return p
}

// conv converts a line string to tile units, in the tile's point arena.
func (p *prepared) conv(ls orb.LineString, k float32) []pt {
	n := len(ls)
	if cap(p.free)-len(p.free) < n {
		// a new block; the old one stays referenced by its rings
		p.free = make([]pt, 0, max(n, 4096))
	}
	l := len(p.free)
	out := p.free[l : l+n : l+n]
	p.free = p.free[:l+n]
	for i, q := range ls {
		out[i] = pt{float32(q[0]) * k, float32(q[1]) * k}
	}
	return out
}

// polys appends the rings of polygonal g to out.
func (p *prepared) polys(out [][]pt, g orb.Geometry, k float32) [][]pt {
	add := func(pg orb.Polygon) {
		for _, r := range pg {
			if len(r) >= 3 {
				out = append(out, p.conv(orb.LineString(r), k))
			}
		}
	}
	switch g := g.(type) {
	case orb.Polygon:
		add(g)
	case orb.MultiPolygon:
		for _, pg := range g {
			add(pg)
		}
	}
	return out
}

// lines appends the lines of g to out (the outlines of polygons: their
// closing edge is implied).
func (p *prepared) lines(out [][]pt, g orb.Geometry, k float32) [][]pt {
	switch g := g.(type) {
	case orb.LineString:
		if len(g) >= 2 {
			out = append(out, p.conv(g, k))
		}
	case orb.MultiLineString:
		for _, ls := range g {
			if len(ls) >= 2 {
				out = append(out, p.conv(ls, k))
			}
		}
	case orb.Polygon, orb.MultiPolygon:
		return p.polys(out, g, k)
	}
	return out
}

// anchor is a label point for any geometry: the point itself, a line's
// middle vertex, a polygon's bounding-box centre.
func anchor(g orb.Geometry, k float32) (pt, bool) {
	switch g := g.(type) {
	case orb.Point:
		return pt{float32(g[0]) * k, float32(g[1]) * k}, true
	case orb.MultiPoint:
		if len(g) > 0 {
			return pt{float32(g[0][0]) * k, float32(g[0][1]) * k}, true
		}
	case orb.LineString:
		if len(g) > 0 {
			q := g[len(g)/2]
			return pt{float32(q[0]) * k, float32(q[1]) * k}, true
		}
	case orb.MultiLineString:
		if len(g) > 0 && len(g[0]) > 0 {
			q := g[0][len(g[0])/2]
			return pt{float32(q[0]) * k, float32(q[1]) * k}, true
		}
	case orb.Polygon, orb.MultiPolygon:
		b := g.Bound()
		c := b.Center()
		return pt{float32(c[0]) * k, float32(c[1]) * k}, true
	}
	return pt{}, false
}

var placeStyle = map[string]struct {
	rank int
	size float32
	minZ float64
}{
	"country": {0, 15, 0}, "state": {1, 14, 4}, "city": {1, 17, 4}, "town": {2, 15, 8},
	"village": {3, 13, 11}, "suburb": {4, 13, 11}, "quarter": {5, 12, 13}, "neighbourhood": {6, 11.5, 14},
	"hamlet": {6, 11.5, 13}, "isolated_dwelling": {7, 11, 15}, "locality": {7, 11, 15},
	"island": {5, 12, 11}, "islet": {7, 11, 14},
}

func (p *prepared) feature(layer string, props map[string]any, g orb.Geometry, k float32) {
	class := str(props, "class")
	switch layer {
	case "water":
		p.fills[bWater] = p.polys(p.fills[bWater], g, k)
	case "waterway":
		b := bStream
		if class == "river" || class == "canal" {
			b = bRiver
		}
		p.fills[b] = p.lines(p.fills[b], g, k)
	case "landcover", "landuse", "park":
		b, ok := fillOf[class]
		if !ok {
			b, ok = fillOf[str(props, "subclass")]
		}
		if !ok && layer == "park" {
			b, ok = bPark, true
		}
		if ok {
			p.fills[b] = p.polys(p.fills[b], g, k)
		}
	case "building":
		p.fills[bBuilding] = p.polys(p.fills[bBuilding], g, k)
	case "aeroway":
		switch g.(type) {
		case orb.Polygon, orb.MultiPolygon:
			p.fills[bAeroArea] = p.polys(p.fills[bAeroArea], g, k)
		default:
			p.fills[bRunway] = p.lines(p.fills[bRunway], g, k)
		}
	case "boundary":
		if m, _ := num(props, "maritime"); m == 1 {
			return // coastline-parallel sea borders only clutter a land map
		}
		if lv, ok := num(props, "admin_level"); ok && lv > 8 {
			return // city quarters: clutter at every zoom of a car map
		}
		p.fills[bBoundary] = p.lines(p.fills[bBoundary], g, k)
	case "transportation":
		switch g.(type) {
		case orb.Polygon, orb.MultiPolygon:
			p.fills[bPier] = p.polys(p.fills[bPier], g, k)
			return
		}
		if class == "pier" {
			p.fills[bPierLine] = p.lines(p.fills[bPierLine], g, k)
			return
		}
		rc, ok := roadClassOf[class]
		if !ok {
			if rc, ok = roadClassOf[str(props, "subclass")]; !ok {
				return
			}
		}
		lv := lvGround
		switch str(props, "brunnel") {
		case "tunnel":
			lv = lvTunnel
		case "bridge":
			lv = lvBridge
		}
		p.roads[lv][rc] = p.lines(p.roads[lv][rc], g, k)
	case "transportation_name", "transportation_name_mid", "transportation_name_detail":
		name := vtile.Name(props)
		if name == "" {
			name = str(props, "ref")
		}
		if name == "" {
			return
		}
		rc := roadClassOf[class]
		for _, ln := range p.lines(nil, g, k) {
			p.labels = append(p.labels, label{kind: lkRoad, text: name, line: ln, rank: 20 - int(rc), size: 11, class: rc, minZ: 13})
		}
	case "place", "water_name", "mountain_peak", "housenumber", "poi":
		a, ok := anchor(g, k)
		if !ok {
			return
		}
		l := label{at: a}
		switch layer {
		case "place":
			st, ok := placeStyle[class]
			if !ok {
				st = placeStyle["locality"]
			}
			l.kind, l.rank, l.size, l.minZ = lkPlace, st.rank, st.size, st.minZ
			l.text = vtile.Name(props)
		case "water_name":
			l.kind, l.rank, l.size, l.minZ, l.text = lkWater, 8, 12, 0, vtile.Name(props)
		case "mountain_peak":
			l.kind, l.rank, l.size, l.minZ, l.text = lkPeak, 9, 11, 12, vtile.Name(props)
		case "housenumber":
			l.kind, l.rank, l.size, l.minZ, l.text = lkHouse, 40, 9.5, 17, str(props, "housenumber")
		case "poi":
			sub := str(props, "subclass")
			switch {
			case sub == "charging_station" || class == "charging_station":
				l.icon = iconCharge
			case sub == "fuel" || class == "fuel":
				l.icon = iconFuel
			case sub == "parking" || class == "parking" || sub == "parking_entrance":
				l.icon = iconParking
			default:
				return
			}
			l.kind, l.rank, l.size, l.minZ = lkPOI, 10, 0, 14
			if l.icon == iconParking {
				l.rank, l.minZ = 12, 15
			}
		}
		if l.text == "" && l.icon == iconNone {
			return
		}
		p.labels = append(p.labels, l)
	}
}

// account estimates the tile's memory: point data plus slice and string
// headers.
func (p *prepared) account() {
	n := int64(200)
	add := func(rs [][]pt) {
		n += int64(24 * cap(rs))
		for _, r := range rs {
			n += int64(8 * cap(r))
		}
	}
	for _, b := range p.fills {
		add(b)
	}
	for _, lv := range p.roads {
		for _, c := range lv {
			add(c)
		}
	}
	for _, l := range p.labels {
		n += 96 + int64(len(l.text)) + int64(8*cap(l.line))
	}
	n += int64(8 * (cap(p.free) - len(p.free))) // the arena's unused tail
	p.free = nil
	p.bytes = n
}

func (p *prepared) String() string {
	return fmt.Sprintf("prepared(%d bytes, %d labels)", p.bytes, len(p.labels))
}
