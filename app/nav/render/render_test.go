package render

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/fascia-hmi/fascia/app/nav/tiles"
	"github.com/fascia-hmi/fascia/app/nav/vtile"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/golden")

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// matchGolden compares img with testdata/golden/name. A pixel differs if a
// channel differs by more than 8; up to 0.3% of pixels may differ (float
// rounding differs between architectures, e.g. fused multiply-add on
// arm64). On mismatch the render goes to testdata/failed/name.
func matchGolden(t *testing.T, name string, img image.Image) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		savePNG(t, path, img)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run with -update to create it, then look at it)", name, err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if want.Bounds() != img.Bounds() {
		t.Fatalf("%s: size %v, golden %v", name, img.Bounds(), want.Bounds())
	}
	diff := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if !near8(img.At(x, y), want.At(x, y)) {
				diff++
			}
		}
	}
	if limit := b.Dx() * b.Dy() * 3 / 1000; diff > limit {
		failed := filepath.Join("testdata", "failed", name)
		os.MkdirAll(filepath.Dir(failed), 0o755)
		savePNG(t, failed, img)
		t.Errorf("%s: %d pixels differ (limit %d); render in %s", name, diff, limit, failed)
	}
}

func near8(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	d := func(x, y uint32) bool { return x>>8 <= y>>8+8 && y>>8 <= x>>8+8 }
	return d(r1, r2) && d(g1, g2) && d(b1, b2) && d(a1, a2)
}

func savePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestGoldenViews renders Monaco views (RenderView) at z12, z14, z16 and
// overzoomed z17.5 (rotated) and z18, day and night.
func TestGoldenViews(t *testing.T) {
	r := New(openMonaco(t), Options{Log: quietLog()})
	defer r.Close()
	for _, c := range []struct {
		name    string
		zoom    float64
		bearing float64
		center  orb.Point
	}{
		{"z12", 12, 0, orb.Point{7.4215, 43.7365}},
		{"z14", 14, 0, monaco},
		{"z16", 16, 0, monaco},
		{"z17.5-bearing40", 17.5, 40, orb.Point{7.4265, 43.7395}},
		{"z18", 18, 0, orb.Point{7.4208, 43.7318}},
	} {
		for _, night := range []bool{false, true} {
			name := c.name + "-day.png"
			if night {
				name = c.name + "-night.png"
			}
			t.Run(name, func(t *testing.T) {
				img, err := r.RenderView(context.Background(), View{Center: c.center, Zoom: c.zoom, Bearing: c.bearing, W: 640, H: 400, Scale: 1, Night: night})
				if err != nil {
					t.Fatal(err)
				}
				matchGolden(t, name, img)
			})
		}
	}
}

// TestGoldenTile is the busiest z14 tile as the widget gets it: a 512-px
// raster with its own labels, none cut at the edges.
func TestGoldenTile(t *testing.T) {
	r := New(openMonaco(t), Options{Log: quietLog()})
	defer r.Close()
	img := r.RenderTile(context.Background(), Key{busiest.z, busiest.x, busiest.y, 512, false, 0})
	matchGolden(t, "tile-14-8529-5974-512.png", img)
	// the same place overzoomed to 17, from the z14 geometry
	img = r.RenderTile(context.Background(), Key{17, 8529*8 + 3, 5974*8 + 4, 512, true, 0})
	matchGolden(t, "tile-17-68235-47796-512-night.png", img)
}

// TestLabelsInsideTile checks the per-tile label rule: in a tile raster
// no text pixel touches the outermost pixel ring... measured as: a tile
// rendered with labels differs from the same tile without labels only
// away from the border.
func TestLabelsInsideTile(t *testing.T) {
	src := openMonaco(t)
	data, err := src.Tile(context.Background(), busiest.z, busiest.x, busiest.y)
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := vtile.Decode(data)
	p := prepare(ls)
	k := Key{busiest.z, busiest.x, busiest.y, 512, false, 0}
	with := rasterTile(p, busiest, k)
	p2 := *p
	p2.labels = nil
	without := rasterTile(&p2, busiest, k)
	changed, border := 0, 0
	for y := 0; y < 512; y++ {
		for x := 0; x < 512; x++ {
			if with.RGBAAt(x, y) != without.RGBAAt(x, y) {
				changed++
				if x == 0 || y == 0 || x == 511 || y == 511 {
					border++
				}
			}
		}
	}
	if changed < 2000 {
		t.Errorf("labels changed only %d pixels: no labels drawn?", changed)
	}
	if border > 0 {
		t.Errorf("labels reach the tile edge at %d pixels", border)
	}
}

// TestFixtures runs every @mapbox/mvt-fixtures tile through the decoder
// and the renderer (as a tile of each zoom kind): none may panic.
func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("../vtile/testdata/mvt-fixtures/*/tile.mvt")
	if len(files) == 0 {
		t.Skip("mvt-fixtures not present")
	}
	drawn := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panic: %v", f, p)
				}
			}()
			ls, _ := vtile.Decode(data)
			p := prepare(ls)
			for _, k := range []Key{{14, 0, 0, 256, false, 0}, {16, 1, 2, 128, true, 0}} {
				img := rasterTile(p, tileID{14, 0, 0}, k)
				if img == nil || img.Rect.Dx() != k.Size {
					t.Errorf("%s: no image", f)
				}
			}
			if len(ls) > 0 {
				drawn++
			}
		}()
	}
	t.Logf("%d fixtures, %d with drawable layers", len(files), drawn)
}

// gated is a real tile source whose reads wait for a gate: it lets a test
// hold the workers inside Source.Tile.
type gated struct {
	tiles.Source
	gate    chan struct{}
	entered atomic.Int32
}

func (g *gated) Tile(ctx context.Context, z, x, y int) ([]byte, error) {
	g.entered.Add(1)
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.Source.Tile(ctx, z, x, y)
}

// TestTileNeverBlocks: with every worker stuck in the source, Tile still
// answers at once (a render on the caller would hang here), and the tiles
// arrive once the source is released.
func TestTileNeverBlocks(t *testing.T) {
	g := &gated{Source: openMonaco(t), gate: make(chan struct{})}
	r := New(g, Options{Workers: 2, Log: quietLog()})
	ready := make(chan Key, 64)
	r.SetOnReady(func(k Key) { ready <- k })
	keys := []Key{{14, 8529, 5974, 256, false, 0}, {14, 8530, 5974, 256, false, 0}, {14, 8529, 5975, 256, false, 0}, {15, 17058, 11948, 256, true, 0}}
	answered := make(chan bool)
	go func() {
		for i := 0; i < 1000; i++ {
			for _, k := range keys {
				if _, ok := r.Tile(k); ok {
					answered <- false
					return
				}
			}
		}
		answered <- true
	}()
	select {
	case ok := <-answered:
		if !ok {
			t.Fatal("a tile was ready while the source was gated")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Tile blocked while the workers were stuck in the source")
	}
	for i := 0; g.entered.Load() == 0; i++ {
		if i > 1000 {
			t.Fatal("no worker reached the source")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, ok := r.Tile(keys[0]); ok {
		t.Fatal("a tile was ready while the source was gated")
	}
	close(g.gate)
	got := map[Key]bool{}
	deadline := time.After(30 * time.Second)
	for len(got) < len(keys) {
		select {
		case k := <-ready:
			got[k] = true
		case <-deadline:
			t.Fatalf("only %d of %d tiles arrived", len(got), len(keys))
		}
	}
	for _, k := range keys {
		if img, ok := r.Tile(k); !ok || img.Bounds().Dx() != 256 {
			t.Errorf("%v not cached after OnReady", k)
		}
	}
	r.Close()
}

// TestPanStorm sends thousands of random tile requests around Monaco at
// zooms 10–18 through a renderer with a small cache: the cache bytes never
// exceed the bound (checked while it runs and at the end), and the
// renderer keeps answering.
func TestPanStorm(t *testing.T) {
	const limit = MinCacheBytes
	r := New(openMonaco(t), Options{Workers: 2, CacheBytes: limit, Log: quietLog()})
	defer r.Close()
	var readies atomic.Int64
	var over atomic.Int64
	r.SetOnReady(func(Key) {
		readies.Add(1)
		if s := r.Stats(); s.Bytes > s.Limit {
			over.Store(s.Bytes)
		}
	})
	rng := rand.New(rand.NewPCG(1, 2))
	mx, my := mercator(monaco)
	n := 4000
	if testing.Short() {
		n = 1000
	}
	for i := 0; i < n; i++ {
		z := 10 + rng.IntN(9)
		s := float64(int(1) << z)
		x := int(mx*s) + rng.IntN(5) - 2
		y := int(my*s) + rng.IntN(5) - 2
		size := []int{256, 384, 512}[rng.IntN(3)]
		r.Tile(Key{z, x, y, size, rng.IntN(2) == 0, 0})
		if i%50 == 0 {
			if s := r.Stats(); s.Bytes > s.Limit {
				t.Fatalf("cache %d bytes over the %d bound", s.Bytes, s.Limit)
			}
			time.Sleep(time.Millisecond) // let the workers run: a pan, not one burst
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for r.Stats().Pending > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	s := r.Stats()
	if b := over.Load(); b != 0 {
		t.Fatalf("cache reached %d bytes, bound %d", b, limit)
	}
	if s.Bytes > limit || s.Pending != 0 || readies.Load() == 0 || s.Panics != 0 {
		t.Fatalf("after the storm: %+v, %d ready", s, readies.Load())
	}
	t.Logf("%+v, %d ready", s, readies.Load())
}

// TestMissingData: outside the data there is a marked blank tile; a z14
// tile the file lacks (open sea) is drawn from its parent; keys outside the
// tile grid are refused without scheduling.
func TestMissingData(t *testing.T) {
	r := New(openMonaco(t), Options{Log: quietLog()})
	defer r.Close()
	blank := r.RenderTile(context.Background(), Key{14, 100, 100, 256, false, 0})
	hatch := 0
	for y := 0; y < 256; y++ {
		for x := 0; x < 256; x++ {
			c := blank.RGBAAt(x, y)
			switch {
			case c == dayPalette.noData:
			case c.R < dayPalette.noData.R:
				hatch++
			default:
				t.Fatalf("blank tile pixel %v at %d,%d", c, x, y)
			}
		}
	}
	if hatch == 0 {
		t.Error("blank tile has no marker hatch")
	}
	// A z14 tile at sea south of Monaco: absent from the file, inside a
	// parent that exists.
	mx, my := mercator(orb.Point{7.43, 43.70})
	x, y := int(mx*(1<<14)), int(my*(1<<14))
	if _, err := r.cur.Load().src.Tile(context.Background(), 14, x, y); !errors.Is(err, tiles.ErrNoTile) {
		t.Skipf("tile 14/%d/%d exists (%v): pick another sea tile", x, y, err)
	}
	_, id, ok := r.resolve(context.Background(), r.cur.Load(), 14, x, y)
	if !ok || id.z >= 14 {
		t.Errorf("absent tile resolved to %v, %v; want an ancestor", id, ok)
	}
	for _, k := range []Key{{19, 0, 0, 256, false, 0}, {3, 8, 0, 256, false, 0}, {3, 0, -1, 256, false, 0}, {3, 0, 0, 0, false, 0}, {3, 0, 0, 5000, false, 0}, {3, 0, 0, 256, false, -1}, {3, 0, 0, 256, false, TurnSteps}} {
		if img, ok := r.Tile(k); ok || img != nil {
			t.Errorf("%v: got a tile", k)
		}
	}
	if s := r.Stats(); s.Pending != 0 {
		t.Errorf("invalid keys were scheduled: %+v", s)
	}
}

// TestOverzoom: z18 from the z14 geometry is a sharp vector render, not a
// scaled raster: a road edge goes from casing to fill within 3 pixels.
func TestOverzoom(t *testing.T) {
	r := New(openMonaco(t), Options{Log: quietLog()})
	defer r.Close()
	mx, my := mercator(orb.Point{7.4246, 43.7384})
	k := Key{18, int(mx * (1 << 18)), int(my * (1 << 18)), 256, false, 0}
	img := r.RenderTile(context.Background(), k)
	roads := 0
	for y := 0; y < 256; y++ {
		for x := 0; x < 256; x++ {
			if img.RGBAAt(x, y) == dayPalette.road[rMinor] || img.RGBAAt(x, y) == dayPalette.road[rPrimary] || img.RGBAAt(x, y) == dayPalette.road[rSecondary] {
				roads++
			}
		}
	}
	if roads < 2000 {
		t.Errorf("z18 tile has %d road pixels", roads)
	}
}

// TestRenderViewErrors: bad views are errors, not panics.
func TestRenderViewErrors(t *testing.T) {
	r := New(openMonaco(t), Options{Log: quietLog()})
	defer r.Close()
	for _, v := range []View{
		{Center: monaco, Zoom: 19, W: 10, H: 10},
		{Center: monaco, Zoom: 10, W: 0, H: 10},
		{Center: orb.Point{0, 95}, Zoom: 10, W: 10, H: 10},
	} {
		if _, err := r.RenderView(context.Background(), v); err == nil {
			t.Errorf("%+v: no error", v)
		}
	}
}

// TestCompose: the widget path — compose a view from cached tiles; the
// first call schedules, later calls are complete once the tiles arrived.
func TestCompose(t *testing.T) {
	r := New(openMonaco(t), Options{Log: quietLog()})
	defer r.Close()
	var wg sync.WaitGroup
	var mu sync.Mutex
	want := map[Key]bool{}
	r.SetOnReady(func(k Key) {
		mu.Lock()
		if want[k] {
			delete(want, k)
			wg.Done()
		}
		mu.Unlock()
	})
	v := View{Center: monaco, Zoom: 15, W: 640, H: 400, Scale: 1}
	dst := image.NewRGBA(image.Rect(0, 0, v.W, v.H))
	mu.Lock()
	for _, k := range ViewKeys(v) {
		want[k] = true
		wg.Add(1)
	}
	mu.Unlock()
	if r.Compose(dst, v) {
		t.Fatal("complete on a cold cache")
	}
	wg.Wait()
	if !r.Compose(dst, v) {
		t.Fatal("incomplete after every tile was ready")
	}
	matchGolden(t, "compose-z15-day.png", dst)
}

// corrupting is a tile source that hands out chosen tiles of another
// source damaged; it exists only to write a real broken PMTiles file.
type corrupting struct {
	tiles.Source
	bad map[tileID]func([]byte) []byte
}

func (c corrupting) Walk(ctx context.Context, fn func(z, x, y int, data []byte) error) error {
	return tiles.Walk(ctx, c.Source, func(z, x, y int, data []byte) error {
		if f, ok := c.bad[tileID{z, x, y}]; ok {
			data = f(data)
		}
		return fn(z, x, y, data)
	})
}

// TestCorruptTiles renders from a real PMTiles file in which the busiest
// z14 tile is truncated and its neighbour is junk: the truncated one is
// drawn in part, the junk one from its parent, each reason is logged once,
// nothing panics.
func TestCorruptTiles(t *testing.T) {
	src := openMonaco(t)
	east := tileID{busiest.z, busiest.x + 1, busiest.y}
	path := filepath.Join(t.TempDir(), "broken.pmtiles")
	err := tiles.WritePMTiles(context.Background(), path, corrupting{src, map[tileID]func([]byte) []byte{
		busiest: func(b []byte) []byte { return b[:len(b)*2/3] },
		east:    func([]byte) []byte { return []byte("\x1a\xff\xff\xff\xff\x0fjunk") },
	}}, src.Meta())
	if err != nil {
		t.Fatal(err)
	}
	broken, err := tiles.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer broken.Close()
	var logs syncBuffer
	r := New(broken, Options{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	defer r.Close()
	for i := 0; i < 3; i++ {
		for _, id := range []tileID{busiest, east} {
			img := r.RenderTile(context.Background(), Key{id.z, id.x, id.y, 256, false, 0})
			if img == nil {
				t.Fatalf("%v: no image", id)
			}
		}
		r.mu.Lock()
		r.decoded = newLRU[tileID, *prepared](r.decoded.max) // decode again: the reasons must not be logged again
		r.mu.Unlock()
	}
	_, id, ok := r.resolve(context.Background(), r.cur.Load(), east.z, east.x, east.y)
	if !ok || id.z != 13 {
		t.Errorf("junk tile resolved to %v %v, want its z13 parent", id, ok)
	}
	p := r.prepared(context.Background(), r.cur.Load(), busiest)
	if p == nil || p.partial == "" || len(p.fills[bBuilding])+len(p.roads[lvGround][rMinor]) == 0 {
		t.Errorf("truncated tile: want partial drawing with a reason, got %v", p)
	}
	out := logs.String()
	for _, want := range []string{"tile drawn partially", "tile not decodable"} {
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("%q logged %d times:\n%s", want, n, out)
		}
	}
	if s := r.Stats(); s.Panics != 0 {
		t.Errorf("panics: %+v", s)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSetSource: a new source (an installed region) replaces the old one
// at once; a tile still being drawn from the old source when it is swapped
// is not kept.
func TestSetSource(t *testing.T) {
	g := &gated{Source: openMonaco(t), gate: make(chan struct{})}
	r := New(g, Options{Workers: 2, Log: quietLog()})
	defer r.Close()
	ready := make(chan Key, 16)
	r.SetOnReady(func(k Key) { ready <- k })
	k := Key{14, 8529, 5974, 256, false, 0}
	if _, ok := r.Tile(k); ok {
		t.Fatal("ready before any work")
	}
	for i := 0; g.entered.Load() == 0; i++ {
		if i > 1000 {
			t.Fatal("no worker reached the source")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Krems has nothing at Monaco: the tile is the no-data one.
	krems, err := tiles.Open("../../../assets/maps/krems.pmtiles")
	if err != nil {
		t.Fatal(err)
	}
	defer krems.Close()
	r.SetSource(krems)
	if got := <-ready; got != (Key{}) {
		t.Errorf("SetSource announced %v, want the zero key", got)
	}
	if _, ok := r.Tile(k); ok {
		t.Fatal("a tile of the old source survived SetSource")
	}
	wait := func() {
		t.Helper()
		select {
		case <-ready:
		case <-time.After(30 * time.Second):
			t.Fatal("the tile did not arrive from the new source")
		}
	}
	wait()
	blank := r.blank(k)
	close(g.gate) // the old source's render finishes now
	time.Sleep(200 * time.Millisecond)
	img, ok := r.Tile(k)
	if !ok {
		t.Fatal("the new source's tile was dropped")
	}
	if !bytes.Equal(img.(*image.RGBA).Pix, blank.Pix) {
		t.Error("the cached tile is not the new source's (no data at Monaco)")
	}
}

// TestTurnedLabels: a tile for a map turned by a bearing (Key.Turn) draws
// its labels and icons so that they read upright once turned. A place
// name, a POI icon and a road name, each centred on its tile, rendered for
// 90° and 180° and turned back on screen, look as they do north up; the
// same tile north up but turned (labels upside down or sideways) does not.
func TestTurnedLabels(t *testing.T) {
	id := tileID{16, 34118, 23897}
	place := &prepared{labels: []label{{kind: lkPlace, text: "Monaco", at: pt{0.5, 0.5}, rank: 1, size: 17}}}
	icon := &prepared{labels: []label{{kind: lkPOI, icon: iconParking, at: pt{0.5, 0.5}, rank: 12, minZ: 15}}}
	road := &prepared{labels: []label{{kind: lkRoad, text: "Rue Grimaldi", line: []pt{{0, 0.5}, {1, 0.5}}, rank: 10, size: 11, minZ: 13}}}
	road.roads[lvGround][rMinor] = [][]pt{{{0, 0.5}, {1, 0.5}}}
	// screen turns a tile as a map with bearing turn·45° at the top shows
	// it (the widget's rotation, exact for quarter turns).
	screen := func(img *image.RGBA, turn int) *image.RGBA {
		n := img.Rect.Dx()
		out := image.NewRGBA(img.Rect)
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				var sx, sy int
				switch turn {
				case 0:
					sx, sy = x, y
				case 2: // bearing 90° at the top: screen (x, y) ← tile (n-1-y, x)
					sx, sy = n-1-y, x
				case 4:
					sx, sy = n-1-x, n-1-y
				}
				out.SetRGBA(x, y, img.RGBAAt(sx, sy))
			}
		}
		return out
	}
	differ := func(a, b *image.RGBA) int {
		d := 0
		for i := 0; i < len(a.Pix); i += 4 {
			if !near8(color.RGBA{a.Pix[i], a.Pix[i+1], a.Pix[i+2], 255}, color.RGBA{b.Pix[i], b.Pix[i+1], b.Pix[i+2], 255}) {
				d++
			}
		}
		return d
	}
	for _, c := range []struct {
		name  string
		p     *prepared
		turns []int
	}{{"place", place, []int{2, 4}}, {"icon", icon, []int{2, 4}}, {"road", road, []int{4}}} {
		k := Key{id.z, id.x, id.y, 256, false, 0}
		north := rasterTile(c.p, id, k)
		ink := differ(north, rasterTile(&prepared{roads: c.p.roads}, id, k))
		if ink < 50 {
			t.Fatalf("%s: only %d pixels of label drawn", c.name, ink)
		}
		for _, turn := range c.turns {
			k.Turn = turn
			got := differ(screen(rasterTile(c.p, id, k), turn), north)
			naive := differ(screen(north, turn), north)
			t.Logf("%s turn %d: %d pixels differ from north up (%d label pixels; the north-up tile turned: %d)", c.name, turn, got, ink, naive)
			if got > ink/20 {
				t.Errorf("%s turned %d: %d of %d label pixels differ from the upright label", c.name, turn, got, ink)
			}
			if naive < ink/8 {
				t.Errorf("%s: the test cannot fail: turning the north-up tile changes only %d pixels", c.name, naive)
			}
		}
	}
}

// TestOutsideData: where a tile reaches past the data's bounds, the part
// outside is drawn as a place without data (the blank tiles' hatch, lines
// running on), not as empty ground; each stacked source counts with its own
// bounds (not their union), and overlapping ones do not cancel out.
func TestOutsideData(t *testing.T) {
	demo, err := tiles.Demo()
	if err != nil {
		t.Fatal(err)
	}
	r := New(demo, Options{Log: quietLog()})
	defer r.Close()
	src := r.cur.Load()
	if len(src.areas) != 2 {
		t.Fatalf("demo map: %d data areas, want 2 (Monaco, Krems)", len(src.areas))
	}
	// A tile with Monaco's north-west corner well inside it.
	mon := src.areas[0]
	mx, my := mercator(orb.Point{mon.Min[0], mon.Max[1]})
	var k Key
	var cx, cy int // the corner in the tile's pixels
	for z := 10; z <= 16; z++ {
		n := float64(int(1) << z)
		k = Key{z, int(mx * n), int(my * n), 256, false, 0}
		cx, cy = int((mx*n-float64(k.X))*256), int((my*n-float64(k.Y))*256)
		if cx > 48 && cx < 208 && cy > 48 && cy < 208 {
			break
		}
	}
	out := src.outside(k)
	var area int
	for _, c := range out {
		area += c.Dx() * c.Dy()
	}
	if want := 256*256 - (256-cx)*(256-cy); area < want-600 || area > want+600 {
		t.Fatalf("tile %v (data corner at %d,%d): %d pixels outside the data in %v, want about %d", k, cx, cy, area, out, want)
	}
	img := r.RenderTile(context.Background(), k)
	blank := r.blank(k)
	same, differ := 0, 0
	for _, c := range out {
		for y := c.Min.Y; y < c.Max.Y; y++ {
			for x := c.Min.X; x < c.Max.X; x++ {
				if img.RGBAAt(x, y) == blank.RGBAAt(x, y) {
					same++
				} else {
					differ++
				}
			}
		}
	}
	if same == 0 || differ > same/50 {
		t.Errorf("outside the data: %d pixels as on a blank tile, %d not", same, differ)
	}
	// Inside the data, south-east of the corner, there is no hatch.
	hatched := 0
	for y := cy + 4; y < 256; y++ {
		for x := cx + 4; x < 256; x++ {
			if c := img.RGBAAt(x, y); c == dayPalette.noData || c == blank.RGBAAt(x, y) && c != dayPalette.bg {
				hatched++
			}
		}
	}
	if hatched > (256-cx)*(256-cy)/100 {
		t.Errorf("inside the data: %d no-data pixels", hatched)
	}
	// A whole-world source has nothing outside.
	if (&source{}).outside(k) != nil {
		t.Error("a source without bounds has parts outside")
	}
	// Overlapping areas: the cells of their union are inside.
	cells := uncovered(box{0, 0, 10, 10}, []box{{2, 2, 6, 6}, {4, 4, 8, 8}})
	left := 0.0
	for _, c := range cells {
		left += (c.x1 - c.x0) * (c.y1 - c.y0)
	}
	if left != 100-28 {
		t.Errorf("uncovered area %v, want 72 (100 − the union's 28)", left)
	}
}
