package sim

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"
)

// monacoBBox is the area the Monaco street graph may cover: the
// principality and the streets of Beausoleil and Cap-d'Ail that border it.
var monacoBBox = [4]float64{43.72, 7.40, 43.76, 7.45}

func loadGraph(t testing.TB, name string) *Graph {
	t.Helper()
	f, err := os.Open(routesDir + "/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := ReadGraph(f)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestShippedGraphs(t *testing.T) {
	for _, name := range []string{"monaco", "krems"} {
		info, err := os.Stat(routesDir + "/" + name + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() > 300<<10 {
			t.Errorf("%s.json is %d bytes, want < 300 KB", name, info.Size())
		}
		g := loadGraph(t, name)
		if !strings.Contains(g.Attribution, "© OpenStreetMap contributors") || !strings.Contains(g.Attribution, "ODbL") {
			t.Errorf("%s: attribution %q", name, g.Attribution)
		}
		if len(g.Edges) < 300 {
			t.Errorf("%s: only %d edges", name, len(g.Edges))
		}
	}
	b := loadGraph(t, "monaco").BBox()
	if b[0] < monacoBBox[0] || b[1] < monacoBBox[1] || b[2] > monacoBBox[2] || b[3] > monacoBBox[3] {
		t.Errorf("Monaco graph bbox %v is outside %v", b, monacoBBox)
	}
}

func TestGraphRoundTrip(t *testing.T) {
	g := loadGraph(t, "monaco")
	var buf bytes.Buffer
	if err := g.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	h, err := ReadGraph(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Points) != len(g.Points) || len(h.Edges) != len(g.Edges) || h.Attribution != g.Attribution {
		t.Fatalf("round trip: %d/%d points, %d/%d edges", len(h.Points), len(g.Points), len(h.Edges), len(g.Edges))
	}
	for i := range g.Points {
		p, q := g.Points[i], h.Points[i]
		if math.Abs(p.Lat-q.Lat) > 1e-9 || math.Abs(p.Lon-q.Lon) > 1e-9 || math.Abs(p.Alt-q.Alt) > 1e-9 {
			t.Fatalf("point %d: %+v != %+v", i, p, q)
		}
	}
}

func TestReadGraphErrors(t *testing.T) {
	const ok = `{"format":"fascia-street-graph/1","name":"t","attribution":"© OpenStreetMap contributors","license":"ODbL-1.0","source":"","altitude":"","bbox":[0,0,0,0],`
	tests := []struct {
		name, src, want string
	}{
		{"not json", "{", "street graph"},
		{"format", `{"format":"other"}`, `format "other"`},
		{"attribution", `{"format":"fascia-street-graph/1","points":[],"edges":[]}`, "no attribution"},
		{"unknown field", ok + `"points":[],"edges":[],"extra":1}`, "unknown field"},
		{"points", ok + `"points":[1,2],"edges":[]}`, "multiple of 3"},
		{"no edges", ok + `"points":[43000000,7000000,0],"edges":[]}`, "no edges"},
		{"index", ok + `"points":[43000000,7000000,0,1,1,0],"edges":[{"class":"primary","points":[0,2]}]}`, "edges[0]: point index 2 out of range"},
		{"short edge", ok + `"points":[43000000,7000000,0,1,1,0],"edges":[{"class":"primary","points":[0]}]}`, "edges[0]: 1 points"},
		{"loop edge", ok + `"points":[43000000,7000000,0,1,1,0],"edges":[{"class":"primary","points":[0,1,0]}]}`, "starts and ends"},
		{"latitude", ok + `"points":[95000000,7000000,0,1,1,0],"edges":[{"class":"primary","points":[0,1]}]}`, "points[0]"},
		{"huge delta", ok + `"points":[43000000,7000000,0,9000000000000,1,0],"edges":[{"class":"primary","points":[0,1]}]}`, "out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadGraph(strings.NewReader(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoop(t *testing.T) {
	g := loadGraph(t, "monaco")
	a, err := g.Loop(1, 10000, "any")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := g.Loop(1, 10000, "any")
	c, _ := g.Loop(2, 10000, "any")
	if a.Length() != b.Length() || a.Points() != b.Points() {
		t.Errorf("same seed, different loops: %.1f m/%d points vs %.1f m/%d", a.Length(), a.Points(), b.Length(), b.Points())
	}
	if a.Length() == c.Length() && a.At(0) == c.At(0) {
		t.Errorf("seeds 1 and 2 give the same loop")
	}
	for seed := uint64(1); seed <= 20; seed++ {
		r, err := g.Loop(seed, 10000, "any")
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if r.Length() < 10000 || r.Length() > 25000 {
			t.Errorf("seed %d: length %.0f m", seed, r.Length())
		}
		first, last := r.pts[0], r.pts[len(r.pts)-1]
		if first.lat != last.lat || first.lon != last.lon {
			t.Errorf("seed %d: loop does not close", seed)
		}
		// Consecutive points follow the streets: no jumps across town.
		for i := 1; i < len(r.pts); i++ {
			p, q := r.pts[i-1], r.pts[i]
			if d := Distance(p.lat, p.lon, q.lat, q.lon); math.Abs(d-(q.s-p.s)) > 0.01 || d > 600 {
				t.Fatalf("seed %d: segment %d: %.1f m apart, %.1f m along", seed, i, d, q.s-p.s)
			}
		}
		bb := r.BBox()
		if bb[0] < monacoBBox[0] || bb[1] < monacoBBox[1] || bb[2] > monacoBBox[2] || bb[3] > monacoBBox[3] {
			t.Errorf("seed %d: bbox %v outside Monaco", seed, bb)
		}
	}
}

func TestRouteAt(t *testing.T) {
	r, err := loadGraph(t, "monaco").Loop(3, 5000, "any")
	if err != nil {
		t.Fatal(err)
	}
	L := r.Length()
	if p, q := r.At(0), r.At(L); p != q {
		t.Errorf("At(0) %+v != At(length) %+v", p, q)
	}
	if p, q := r.At(-10), r.At(L-10); math.Abs(p.Lat-q.Lat) > 1e-12 || math.Abs(p.Lon-q.Lon) > 1e-12 {
		t.Errorf("At(-10) %+v != At(length-10) %+v", p, q)
	}
	// Along a segment, the position moves by the distance asked for.
	for s := 0.0; s < L; s += 37 {
		p, q := r.At(s), r.At(s+0.5)
		if d := Distance(p.Lat, p.Lon, q.Lat, q.Lon); d > 0.5001 {
			t.Fatalf("At(%.1f) to At(%.1f): %.4f m", s, s+0.5, d)
		}
		if p.Bearing < 0 || p.Bearing >= 360 || math.IsNaN(p.Alt) || p.Alt < 0 || p.Alt > 200 {
			t.Fatalf("At(%.1f) = %+v", s, p)
		}
	}
	// Corners are slower than straights, never slower than walking pace.
	slow, fast := math.Inf(1), 0.0
	for i, p := range r.pts[:len(r.pts)-1] {
		slow, fast = math.Min(slow, p.corner), math.Max(fast, p.corner)
		// Arriving at a vertex, the limit is its corner speed (or a
		// slower one just beyond it).
		if lim := r.SpeedLimit(p.s-1e-6, 2, 200); lim > p.corner+1e-3 {
			t.Fatalf("vertex %d: limit %.2f m/s above its corner speed %.2f", i, lim, p.corner)
		}
		// 50 m before, the car may be faster by what braking at 2 m/s² sheds.
		if lim := r.SpeedLimit(p.s-50, 2, 200); lim > math.Sqrt(p.corner*p.corner+2*2*50)+1e-6 {
			t.Fatalf("vertex %d: limit %.2f m/s 50 m ahead of a %.2f m/s corner", i, lim, p.corner)
		}
	}
	if slow < cornerMin || slow*3.6 > 25 || fast < 40 {
		t.Errorf("corner speeds %.2f..%.2f m/s", slow, fast)
	}
}

func TestCornerSpeed(t *testing.T) {
	tests := []struct {
		deg, lin, lout float64
		lo, hi         float64 // km/h
	}{
		{0, 50, 50, math.Inf(1), math.Inf(1)},
		{90, 100, 100, 20, 25},    // a street corner: ~12 m radius
		{180, 100, 100, 5.3, 5.5}, // a U-turn: walking pace
		{5, 100, 100, 130, 250},   // a gentle bend between long segments
		{15, 5, 5, 18, 30},        // a tight ramp drawn with short segments
	}
	for _, tc := range tests {
		v := cornerSpeed(tc.deg*math.Pi/180, tc.lin, tc.lout) * 3.6
		if !(v >= tc.lo && v <= tc.hi) {
			t.Errorf("cornerSpeed(%v°, %v, %v) = %.1f km/h, want %v..%v", tc.deg, tc.lin, tc.lout, v, tc.lo, tc.hi)
		}
	}
}

func FuzzReadGraph(f *testing.F) {
	data, err := os.ReadFile(routesDir + "/krems.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data[:4096])
	f.Add([]byte(`{"format":"fascia-street-graph/1","attribution":"x","points":[43000000,7000000,0,100,100,0,100,-100,0],"edges":[{"class":"primary","points":[0,1]},{"class":"residential","points":[1,2]},{"class":"service","points":[2,0]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ReadGraph(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever reads must build a loop or say why, without panicking.
		r, err := g.Loop(1, 1000, "any")
		if err == nil && (r.Length() <= 0 || math.IsNaN(r.Length())) {
			t.Fatalf("loop of length %v", r.Length())
		}
	})
}
