package sim

//go:generate go run ./internal/routegen -in ../../../shared/data/osm/monaco.osm.pbf -out ../../assets/routes/monaco.json -name monaco -altitude coast -source "graphhopper core/files/monaco.osm.pbf (OSM extract, 2012)"
//go:generate go run ./internal/routegen -in ../../../shared/data/osm/krems.osm.pbf -out ../../assets/routes/krems.json -name krems -altitude const -alt-base 205 -source "graphhopper core/files/krems.osm.pbf (OSM extract, 2013)"

import (
	"container/heap"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"sort"
)

// Route is a closed drive along streets: a polyline whose end is its start,
// with the distance along it and the speed each corner allows.
type Route struct {
	Name        string
	Attribution string
	pts         []routePoint // pts[len-1] is pts[0] again, at s = length
	length      float64
	bbox        [4]float64
}

type routePoint struct {
	lat, lon, alt float64
	s             float64 // distance from the start, metres
	bearing       float64 // of the segment that starts here, degrees
	corner        float64 // highest speed through this vertex, m/s
}

// Position is a place on a route.
type Position struct {
	Lat, Lon, Alt float64
	Bearing       float64 // compass bearing of the street there, degrees
}

// Length returns the route's length in metres.
func (r *Route) Length() float64 { return r.length }

// BBox returns the route's bounding box: min lat, min lon, max lat, max lon.
func (r *Route) BBox() [4]float64 { return r.bbox }

// Points returns the number of vertices of the route's polyline.
func (r *Route) Points() int { return len(r.pts) }

// wrap maps a distance to [0, length).
func (r *Route) wrap(s float64) float64 {
	s = math.Mod(s, r.length)
	if s < 0 {
		s += r.length
	}
	return s
}

// segment returns the index i of the segment [pts[i], pts[i+1]] holding s.
func (r *Route) segment(s float64) int {
	i := sort.Search(len(r.pts), func(i int) bool { return r.pts[i].s > s }) - 1
	return max(0, min(i, len(r.pts)-2))
}

// At returns the position at distance s along the route (taken modulo its
// length).
func (r *Route) At(s float64) Position {
	s = r.wrap(s)
	i := r.segment(s)
	a, b := &r.pts[i], &r.pts[i+1]
	f := 0.0
	if d := b.s - a.s; d > 0 {
		f = (s - a.s) / d
	}
	return Position{
		Lat:     a.lat + f*(b.lat-a.lat),
		Lon:     a.lon + f*(b.lon-a.lon),
		Alt:     a.alt + f*(b.alt-a.alt),
		Bearing: a.bearing,
	}
}

// SpeedLimit returns the highest speed (m/s) at distance s from which the car
// can still slow down, at decel m/s², to take every corner within horizon
// metres ahead at its corner speed.
func (r *Route) SpeedLimit(s, decel, horizon float64) float64 {
	s = r.wrap(s)
	i := r.segment(s) + 1
	limit := math.Inf(1)
	for n := 0; n < len(r.pts); n++ {
		p := &r.pts[i]
		d := p.s - s
		if d < 0 {
			d += r.length
		}
		if d > horizon {
			break
		}
		limit = math.Min(limit, math.Sqrt(p.corner*p.corner+2*decel*d))
		i++
		if i == len(r.pts) {
			i = 1 // pts[len-1] is pts[0]
		}
	}
	return limit
}

// LoadRoute reads the street graph spec.Name (routes/<name>.json in fsys's
// layout: the file spec.Name + ".json" at fsys's root) and builds the loop
// that seed selects.
func LoadRoute(fsys fs.FS, spec RouteSpec, seed uint64) (*Route, error) {
	if !validRouteName(spec.Name) {
		return nil, fmt.Errorf("route %q: invalid name", spec.Name)
	}
	f, err := fsys.Open(spec.Name + ".json")
	if err != nil {
		return nil, fmt.Errorf("route %q: %w", spec.Name, err)
	}
	defer f.Close()
	g, err := ReadGraph(f)
	if err != nil {
		return nil, fmt.Errorf("route %q: %w", spec.Name, err)
	}
	return g.Loop(seed, spec.MinLength, spec.Prefer)
}

// Corner model: the car takes a corner of turn angle θ as an arc tangent to
// both streets, the tangent points at most cornerTangent / sin θ metres (and
// half a segment) from the vertex, at a lateral acceleration of cornerAccel.
const (
	cornerTangent = 12.0 // m
	cornerAccel   = 3.0  // m/s²
	cornerMin     = 1.5  // m/s: U-turns and hairpins are taken at walking pace
)

// arc is one direction of travel along an edge.
type arc struct {
	edge     int
	rev      bool
	from, to int // junction point indices
	length   float64
	bStart   float64 // bearing leaving from
	bEnd     float64 // bearing arriving at to
	weight   float64 // class preference
}

var classWeight = map[string][2]float64{ // any, major
	"motorway": {3, 30}, "trunk": {3, 30}, "primary": {3, 10}, "secondary": {2.5, 4}, "tertiary": {2, 2},
	"motorway_link": {1, 3}, "trunk_link": {1, 3}, "primary_link": {1, 2}, "secondary_link": {1, 1.5}, "tertiary_link": {1, 1},
	"unclassified": {1.2, 0.5}, "residential": {1, 0.3}, "living_street": {0.3, 0.05}, "service": {0.3, 0.05},
}

// Loop builds a closed route at least minLength metres long, the same for
// the same seed: a random drive from a junction the seed picks, preferring
// streets not yet driven, going straight on, and (prefer = "major") trunk
// and primary roads, that then takes the shortest way back to its start.
func (g *Graph) Loop(seed uint64, minLength float64, prefer string) (*Route, error) {
	if err := g.validate(); err != nil {
		return nil, fmt.Errorf("street graph: %w", err)
	}
	if minLength <= 0 {
		minLength = 10000
	}
	col := 0
	if prefer == "major" {
		col = 1
	}
	arcs, out := g.arcs(col)
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed_cafe_f00d_d00d))

	// Start on an arc whose junction has a real choice.
	var starts []int
	for i, a := range arcs {
		if len(out[a.from]) >= 3 {
			starts = append(starts, i)
		}
	}
	if len(starts) == 0 {
		for i := range arcs {
			starts = append(starts, i)
		}
	}
	// Weighted by class preference and length, so that prefer = "major"
	// starts on a major road.
	sum := 0.0
	for _, i := range starts {
		sum += arcs[i].weight * arcs[i].length
	}
	first := starts[0]
	x := rng.Float64() * sum
	for _, i := range starts {
		if x < arcs[i].weight*arcs[i].length {
			first = i
			break
		}
		x -= arcs[i].weight * arcs[i].length
	}
	path := []int{first}
	used := make(map[int]int) // edge → times driven
	used[arcs[first].edge]++
	total := arcs[first].length
	for total < minLength && len(path) < 100000 {
		cur := arcs[path[len(path)-1]]
		next := out[cur.to]
		if len(next) == 0 {
			return nil, fmt.Errorf("street graph %q: junction at %.6f,%.6f has no way out", g.Name, g.Points[cur.to].Lat, g.Points[cur.to].Lon)
		}
		var ws []float64
		sum := 0.0
		for _, j := range next {
			c := arcs[j]
			w := c.weight / float64(1+4*used[c.edge])
			turn := math.Abs(wrapDeg(c.bStart - cur.bEnd))
			switch {
			case c.edge == cur.edge && len(next) > 1:
				w = 0 // no U-turn where there is a choice
			case turn < 30:
				w *= 2
			case turn > 135:
				w *= 0.2
			}
			ws = append(ws, w)
			sum += w
		}
		pick := next[0]
		if sum > 0 {
			x := rng.Float64() * sum
			for k, w := range ws {
				if x < w || k == len(ws)-1 {
					pick = next[k]
					break
				}
				x -= w
			}
		}
		path = append(path, pick)
		used[arcs[pick].edge]++
		total += arcs[pick].length
	}
	back := shortestBack(arcs, out, path[len(path)-1], first)
	path = append(path, back...)
	return g.route(arcs, path)
}

// arcs returns the directed arcs of the graph and, per junction point, the
// arcs leaving it.
func (g *Graph) arcs(col int) ([]arc, map[int][]int) {
	var arcs []arc
	out := make(map[int][]int)
	for i, e := range g.Edges {
		length := 0.0
		for k := 1; k < len(e.Points); k++ {
			a, b := g.Points[e.Points[k-1]], g.Points[e.Points[k]]
			length += Distance(a.Lat, a.Lon, b.Lat, b.Lon)
		}
		w, ok := classWeight[e.Class]
		if !ok {
			w = [2]float64{0.5, 0.1}
		}
		n := len(e.Points)
		p0, p1 := g.Points[e.Points[0]], g.Points[e.Points[1]]
		q0, q1 := g.Points[e.Points[n-2]], g.Points[e.Points[n-1]]
		fwd := arc{edge: i, from: e.Points[0], to: e.Points[n-1], length: length, weight: w[col],
			bStart: Bearing(p0.Lat, p0.Lon, p1.Lat, p1.Lon), bEnd: Bearing(q0.Lat, q0.Lon, q1.Lat, q1.Lon)}
		out[fwd.from] = append(out[fwd.from], len(arcs))
		arcs = append(arcs, fwd)
		if !e.Oneway {
			rev := arc{edge: i, rev: true, from: fwd.to, to: fwd.from, length: length, weight: w[col],
				bStart: normDeg(fwd.bEnd + 180), bEnd: normDeg(fwd.bStart + 180)}
			out[rev.from] = append(out[rev.from], len(arcs))
			arcs = append(arcs, rev)
		}
	}
	return arcs, out
}

// shortestBack returns the arcs of the shortest drive from the end of arc
// last to the start of arc first (Dijkstra over arcs, so that a U-turn,
// costed as uTurnCost metres, is only made where it saves more than that).
func shortestBack(arcs []arc, out map[int][]int, last, first int) []int {
	const uTurnCost = 400.0
	dist := make([]float64, len(arcs))
	prev := make([]int, len(arcs))
	for i := range dist {
		dist[i] = math.Inf(1)
		prev[i] = -1
	}
	target := arcs[first].from
	if arcs[last].to == target && arcs[last].edge != arcs[first].edge {
		return nil
	}
	trace := func(end int) []int {
		var back []int
		for a := end; a != last; a = prev[a] {
			back = append(back, a)
		}
		for i, j := 0, len(back)-1; i < j; i, j = i+1, j-1 {
			back[i], back[j] = back[j], back[i]
		}
		return back
	}
	dist[last] = 0
	twin := -1 // an arrival that would make the next lap start with a U-turn
	q := &arcQueue{{arc: last}}
	for q.Len() > 0 {
		it := heap.Pop(q).(arcItem)
		if it.d > dist[it.arc] {
			continue
		}
		cur := arcs[it.arc]
		if it.arc != last && cur.to == target {
			if cur.edge != arcs[first].edge {
				return trace(it.arc)
			}
			if twin < 0 {
				twin = it.arc
			}
		}
		for _, j := range out[cur.to] {
			d := it.d + arcs[j].length
			if arcs[j].edge == cur.edge {
				d += uTurnCost
			}
			if d < dist[j] {
				dist[j], prev[j] = d, it.arc
				heap.Push(q, arcItem{arc: j, d: d})
			}
		}
	}
	if twin >= 0 {
		return trace(twin)
	}
	return nil // unreachable in a strongly connected graph
}

type arcItem struct {
	arc int
	d   float64
}

type arcQueue []arcItem

func (q arcQueue) Len() int { return len(q) }
func (q arcQueue) Less(i, j int) bool {
	if q[i].d != q[j].d {
		return q[i].d < q[j].d
	}
	return q[i].arc < q[j].arc
}
func (q arcQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *arcQueue) Push(x any)   { *q = append(*q, x.(arcItem)) }
func (q *arcQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// route turns a closed sequence of arcs into a Route.
func (g *Graph) route(arcs []arc, path []int) (*Route, error) {
	r := &Route{Name: g.Name, Attribution: g.Attribution}
	add := func(p Point) {
		if n := len(r.pts); n > 0 {
			q := &r.pts[n-1]
			d := Distance(q.lat, q.lon, p.Lat, p.Lon)
			if d < 0.05 {
				return
			}
			r.pts = append(r.pts, routePoint{lat: p.Lat, lon: p.Lon, alt: p.Alt, s: q.s + d})
			return
		}
		r.pts = append(r.pts, routePoint{lat: p.Lat, lon: p.Lon, alt: p.Alt})
	}
	for _, ai := range path {
		a := arcs[ai]
		pts := g.Edges[a.edge].Points
		for k := range pts {
			if a.rev {
				add(g.Points[pts[len(pts)-1-k]])
			} else {
				add(g.Points[pts[k]])
			}
		}
	}
	n := len(r.pts)
	if n < 3 {
		return nil, fmt.Errorf("street graph %q: route of %d points is too short", g.Name, n)
	}
	first, last := r.pts[0], r.pts[n-1]
	if Distance(first.lat, first.lon, last.lat, last.lon) > 0.05 {
		return nil, fmt.Errorf("street graph %q: route does not close", g.Name)
	}
	r.pts[n-1].lat, r.pts[n-1].lon, r.pts[n-1].alt = first.lat, first.lon, first.alt
	r.length = r.pts[n-1].s
	r.bbox = [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for i := range r.pts {
		p := &r.pts[i]
		r.bbox[0], r.bbox[1] = math.Min(r.bbox[0], p.lat), math.Min(r.bbox[1], p.lon)
		r.bbox[2], r.bbox[3] = math.Max(r.bbox[2], p.lat), math.Max(r.bbox[3], p.lon)
		if i < n-1 {
			q := &r.pts[i+1]
			p.bearing = Bearing(p.lat, p.lon, q.lat, q.lon)
		}
	}
	r.pts[n-1].bearing = r.pts[0].bearing
	for i := 0; i < n-1; i++ {
		j := i - 1 // the segment arriving at vertex i
		if j < 0 {
			j = n - 2
		}
		in := &r.pts[j]
		lin := r.pts[j+1].s - in.s
		lout := r.pts[i+1].s - r.pts[i].s
		theta := math.Abs(wrapDeg(r.pts[i].bearing-in.bearing)) * math.Pi / 180
		r.pts[i].corner = cornerSpeed(theta, lin, lout)
	}
	r.pts[n-1].corner = r.pts[0].corner
	return r, nil
}

// cornerSpeed is the speed through a vertex of turn angle theta (radians)
// between segments of the given lengths.
func cornerSpeed(theta, lin, lout float64) float64 {
	if theta < 1e-3 {
		return math.Inf(1)
	}
	// A sharp turn is a street corner, taken on a tight arc; a slight bend
	// between long segments stands for a long, gentle curve.
	t := math.Min(cornerTangent/math.Sin(math.Min(theta, math.Pi/2)), math.Min(lin, lout)/2)
	radius := t / math.Tan(theta/2)
	if theta >= math.Pi-1e-6 {
		radius = 0
	}
	return math.Max(cornerMin, math.Sqrt(cornerAccel*radius))
}
