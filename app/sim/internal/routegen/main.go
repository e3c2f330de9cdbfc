// Command routegen extracts the drivable street graph of an OpenStreetMap
// extract (.osm.pbf) into the street-graph JSON that the simulator drives on
// (assets/routes/*.json). It keeps the largest strongly connected part of the
// graph, so that every street can be driven into and out of, and simplifies
// shapes to a tolerance of under a metre. It is a build tool run by
// `go generate ./app/sim`; the simulator never reads OSM data itself.
//
// Usage:
//
//	routegen -in monaco.osm.pbf -out assets/routes/monaco.json -name monaco -altitude coast
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/fascia-hmi/fascia/app/sim"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
)

func main() {
	in := flag.String("in", "", "OSM PBF extract to read")
	out := flag.String("out", "", "street-graph JSON to write")
	name := flag.String("name", "", "graph name, e.g. monaco")
	source := flag.String("source", "", "where the extract came from (for the file's metadata)")
	altMode := flag.String("altitude", "const", "altitude model: coast (rises with distance from the OSM coastline) or const")
	altBase := flag.Float64("alt-base", 0, "altitude at the coast (coast) or everywhere (const), metres")
	slope := flag.Float64("coast-slope", 0.12, "coast model: metres of rise per metre from the coastline")
	altMax := flag.Float64("alt-max", 160, "coast model: highest altitude, metres")
	tol := flag.Float64("tolerance", 0.8, "shape simplification tolerance, metres")
	flag.Parse()
	if *in == "" || *out == "" || *name == "" {
		flag.Usage()
		os.Exit(2)
	}
	opt := options{altMode: *altMode, altBase: *altBase, slope: *slope, altMax: *altMax, tolerance: *tol}
	if err := run(*in, *out, *name, *source, opt); err != nil {
		fmt.Fprintln(os.Stderr, "routegen:", err)
		os.Exit(1)
	}
}

type options struct {
	altMode                string
	altBase, slope, altMax float64
	tolerance              float64
}

func run(in, out, name, source string, opt options) error {
	if opt.altMode != "coast" && opt.altMode != "const" {
		return fmt.Errorf("-altitude %q: want coast or const", opt.altMode)
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	x, err := scan(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	g, stats, err := build(x, opt)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	g.Name = name
	g.Source = source
	if g.Source == "" {
		g.Source = filepath.Base(in)
	}
	g.Attribution = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
	switch opt.altMode {
	case "coast":
		g.Altitude = fmt.Sprintf("estimated, not surveyed: %.0f m + %.2f m per metre of distance from the OSM coastline, at most %.0f m", opt.altBase, opt.slope, opt.altMax)
	default:
		g.Altitude = fmt.Sprintf("constant %.0f m (no elevation data)", opt.altBase)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".routegen-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := g.WriteJSON(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "routegen: %s: %d ways, %d junctions (%d kept), %d edges, %d points, %.1f km of street\n",
		out, stats.ways, stats.junctions, stats.kept, len(g.Edges), len(g.Points), stats.km)
	return nil
}

type way struct {
	id     osm.WayID
	class  string
	name   string
	oneway int // 0 both, 1 forward, -1 backward
	nodes  []osm.NodeID
}

type extract struct {
	coords map[osm.NodeID][2]float64
	ways   []way
	coast  [][]osm.NodeID
}

// drivable lists the highway classes a car may use.
var drivable = map[string]bool{
	"motorway": true, "motorway_link": true, "trunk": true, "trunk_link": true,
	"primary": true, "primary_link": true, "secondary": true, "secondary_link": true,
	"tertiary": true, "tertiary_link": true, "unclassified": true, "residential": true,
	"living_street": true, "service": true,
}

func scan(f *os.File) (*extract, error) {
	x := &extract{coords: make(map[osm.NodeID][2]float64)}
	sc := osmpbf.New(context.Background(), f, 1)
	defer sc.Close()
	for sc.Scan() {
		switch o := sc.Object().(type) {
		case *osm.Node:
			x.coords[o.ID] = [2]float64{o.Lat, o.Lon}
		case *osm.Way:
			if o.Tags.Find("natural") == "coastline" {
				x.coast = append(x.coast, wayNodes(o))
			}
			if w, ok := carWay(o); ok {
				x.ways = append(x.ways, w)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(x.ways, func(a, b way) int { return cmp.Compare(a.id, b.id) })
	return x, nil
}

func wayNodes(o *osm.Way) []osm.NodeID {
	ids := make([]osm.NodeID, 0, len(o.Nodes))
	for _, n := range o.Nodes {
		if len(ids) == 0 || ids[len(ids)-1] != n.ID {
			ids = append(ids, n.ID)
		}
	}
	return ids
}

func carWay(o *osm.Way) (way, bool) {
	t := o.Tags
	class := t.Find("highway")
	if !drivable[class] || t.Find("area") == "yes" {
		return way{}, false
	}
	switch t.Find("service") {
	case "parking_aisle", "driveway", "drive-through", "emergency_access":
		return way{}, false
	}
	switch t.Find("motor_vehicle") {
	case "no", "private":
		return way{}, false
	case "yes", "designated", "destination":
	default:
		switch t.Find("access") {
		case "no", "private":
			if t.Find("motorcar") != "yes" {
				return way{}, false
			}
		}
	}
	w := way{id: o.ID, class: class, name: t.Find("name"), nodes: wayNodes(o)}
	switch t.Find("oneway") {
	case "yes", "true", "1":
		w.oneway = 1
	case "-1", "reverse":
		w.oneway = -1
	case "no", "false", "0":
	default:
		if t.Find("junction") == "roundabout" || class == "motorway" {
			w.oneway = 1
		}
	}
	if w.oneway == -1 {
		slices.Reverse(w.nodes)
		w.oneway = 1
	}
	if len(w.nodes) < 2 {
		return way{}, false
	}
	return w, true
}

type stats struct {
	ways, junctions, kept int
	km                    float64
}

type rawEdge struct {
	class, name string
	oneway      bool
	nodes       []osm.NodeID
}

func build(x *extract, opt options) (*sim.Graph, stats, error) {
	var st stats
	// Drop ways with missing nodes (clipped at the extract's edge): cut them
	// into the runs of nodes that are present.
	var ways []way
	for _, w := range x.ways {
		var run []osm.NodeID
		flush := func() {
			if len(run) >= 2 {
				c := w
				c.nodes = run
				ways = append(ways, c)
			}
			run = nil
		}
		for _, n := range w.nodes {
			if _, ok := x.coords[n]; !ok {
				flush()
				continue
			}
			run = append(run, n)
		}
		flush()
	}
	st.ways = len(ways)
	if len(ways) == 0 {
		return nil, st, fmt.Errorf("no drivable ways")
	}

	// Junctions: way ends and nodes shared by several ways (or visited twice).
	use := make(map[osm.NodeID]int)
	junction := make(map[osm.NodeID]bool)
	for _, w := range ways {
		for i, n := range w.nodes {
			use[n]++
			if i == 0 || i == len(w.nodes)-1 {
				junction[n] = true
			}
		}
	}
	for n, c := range use {
		if c > 1 {
			junction[n] = true
		}
	}
	// Split ways at junctions; a closed piece is split again at its middle.
	var edges []rawEdge
	for _, w := range ways {
		start := 0
		for i := 1; i < len(w.nodes); i++ {
			if !junction[w.nodes[i]] {
				continue
			}
			piece := w.nodes[start : i+1]
			if piece[0] == piece[len(piece)-1] {
				if len(piece) < 4 {
					start = i
					continue
				}
				m := len(piece) / 2
				junction[piece[m]] = true
				edges = append(edges, rawEdge{w.class, w.name, w.oneway == 1, piece[:m+1]}, rawEdge{w.class, w.name, w.oneway == 1, piece[m:]})
			} else {
				edges = append(edges, rawEdge{w.class, w.name, w.oneway == 1, piece})
			}
			start = i
		}
	}
	st.junctions = len(junction)

	// Drop dead ends (repeatedly: a street that only leads to a dead end is
	// one too), so that the simulated driver never has to turn round; then
	// keep the largest strongly connected component.
	edges = pruneDeadEnds(edges)
	keep := largestSCC(edges)
	st.kept = len(keep)
	var kept []rawEdge
	for _, e := range edges {
		if keep[e.nodes[0]] && keep[e.nodes[len(e.nodes)-1]] {
			kept = append(kept, e)
		}
	}

	var coast [][2][2]float64 // coastline segments in local metres
	pr := newProjection(x, kept)
	for _, c := range x.coast {
		for i := 1; i < len(c); i++ {
			a, ok1 := x.coords[c[i-1]]
			b, ok2 := x.coords[c[i]]
			if ok1 && ok2 {
				coast = append(coast, [2][2]float64{pr.xy(a), pr.xy(b)})
			}
		}
	}
	if opt.altMode == "coast" && len(coast) == 0 {
		return nil, st, fmt.Errorf("-altitude coast: the extract has no natural=coastline ways")
	}

	g := &sim.Graph{}
	index := make(map[osm.NodeID]int)
	point := func(n osm.NodeID) int {
		if i, ok := index[n]; ok {
			return i
		}
		c := x.coords[n]
		alt := opt.altBase
		if opt.altMode == "coast" {
			alt = math.Min(opt.altMax, opt.altBase+opt.slope*distToSegments(pr.xy(c), coast))
		}
		index[n] = len(g.Points)
		g.Points = append(g.Points, sim.Point{Lat: c[0], Lon: c[1], Alt: alt})
		return index[n]
	}
	for _, e := range kept {
		xy := make([][2]float64, len(e.nodes))
		for i, n := range e.nodes {
			xy[i] = pr.xy(x.coords[n])
			if i > 0 {
				st.km += math.Hypot(xy[i][0]-xy[i-1][0], xy[i][1]-xy[i-1][1]) / 1000
			}
		}
		keepPt := make([]bool, len(xy))
		keepPt[0], keepPt[len(xy)-1] = true, true
		simplify(xy, 0, len(xy)-1, opt.tolerance, keepPt)
		var pts []int
		for i, n := range e.nodes {
			if keepPt[i] {
				pts = append(pts, point(n))
			}
		}
		g.Edges = append(g.Edges, sim.Edge{Class: e.class, Name: e.name, Oneway: e.oneway, Points: pts})
	}
	return g, st, nil
}

// pruneDeadEnds removes, until none is left, the edges that end at a
// junction no other edge touches.
func pruneDeadEnds(edges []rawEdge) []rawEdge {
	for {
		degree := make(map[osm.NodeID]int)
		for _, e := range edges {
			degree[e.nodes[0]]++
			degree[e.nodes[len(e.nodes)-1]]++
		}
		kept := edges[:0:0]
		for _, e := range edges {
			if degree[e.nodes[0]] > 1 && degree[e.nodes[len(e.nodes)-1]] > 1 {
				kept = append(kept, e)
			}
		}
		if len(kept) == len(edges) {
			return kept
		}
		edges = kept
	}
}

// largestSCC returns the junctions of the largest strongly connected
// component of the directed graph the edges form (Kosaraju, iterative).
func largestSCC(edges []rawEdge) map[osm.NodeID]bool {
	out := make(map[osm.NodeID][]osm.NodeID)
	in := make(map[osm.NodeID][]osm.NodeID)
	var nodes []osm.NodeID
	seen := make(map[osm.NodeID]bool)
	add := func(a, b osm.NodeID) {
		out[a] = append(out[a], b)
		in[b] = append(in[b], a)
	}
	for _, e := range edges {
		a, b := e.nodes[0], e.nodes[len(e.nodes)-1]
		add(a, b)
		if !e.oneway {
			add(b, a)
		}
		for _, n := range []osm.NodeID{a, b} {
			if !seen[n] {
				seen[n] = true
				nodes = append(nodes, n)
			}
		}
	}
	// First pass: finishing order.
	visited := make(map[osm.NodeID]bool)
	var order []osm.NodeID
	type frame struct {
		n osm.NodeID
		i int
	}
	for _, s := range nodes {
		if visited[s] {
			continue
		}
		visited[s] = true
		stack := []frame{{s, 0}}
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.i < len(out[top.n]) {
				m := out[top.n][top.i]
				top.i++
				if !visited[m] {
					visited[m] = true
					stack = append(stack, frame{m, 0})
				}
				continue
			}
			order = append(order, top.n)
			stack = stack[:len(stack)-1]
		}
	}
	// Second pass on the transposed graph in reverse finishing order.
	comp := make(map[osm.NodeID]int)
	sizes := []int{}
	for i := len(order) - 1; i >= 0; i-- {
		s := order[i]
		if _, ok := comp[s]; ok {
			continue
		}
		c := len(sizes)
		sizes = append(sizes, 0)
		comp[s] = c
		stack := []osm.NodeID{s}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			sizes[c]++
			for _, m := range in[n] {
				if _, ok := comp[m]; !ok {
					comp[m] = c
					stack = append(stack, m)
				}
			}
		}
	}
	best := 0
	for c, n := range sizes {
		if n > sizes[best] {
			best = c
		}
	}
	keep := make(map[osm.NodeID]bool)
	for n, c := range comp {
		if c == best {
			keep[n] = true
		}
	}
	return keep
}

// projection maps degrees to local metres (equirectangular around the
// centre of the kept ways), accurate to well under a metre over a few km.
type projection struct{ lat0, lon0, kx float64 }

func newProjection(x *extract, edges []rawEdge) projection {
	var lat, lon float64
	n := 0
	for _, e := range edges {
		c := x.coords[e.nodes[0]]
		lat += c[0]
		lon += c[1]
		n++
	}
	if n == 0 {
		return projection{kx: 1}
	}
	lat /= float64(n)
	lon /= float64(n)
	return projection{lat0: lat, lon0: lon, kx: math.Cos(lat * math.Pi / 180)}
}

func (p projection) xy(c [2]float64) [2]float64 {
	const m = 6371008.8 * math.Pi / 180
	return [2]float64{(c[1] - p.lon0) * m * p.kx, (c[0] - p.lat0) * m}
}

// simplify marks the points Douglas-Peucker keeps between i and j.
func simplify(xy [][2]float64, i, j int, tol float64, keep []bool) {
	if j <= i+1 {
		return
	}
	worst, at := -1.0, -1
	for k := i + 1; k < j; k++ {
		if d := distToSegment(xy[k], xy[i], xy[j]); d > worst {
			worst, at = d, k
		}
	}
	if worst <= tol {
		return
	}
	keep[at] = true
	simplify(xy, i, at, tol, keep)
	simplify(xy, at, j, tol, keep)
}

func distToSegment(p, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	}
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

func distToSegments(p [2]float64, segs [][2][2]float64) float64 {
	best := math.Inf(1)
	for _, s := range segs {
		best = math.Min(best, distToSegment(p, s[0], s[1]))
	}
	return best
}
