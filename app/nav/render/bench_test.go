package render

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/image/vector"

	"github.com/fascia-hmi/fascia/app/nav/tiles"
	"github.com/fascia-hmi/fascia/app/nav/vtile"
)

const monacoFile = "../../../../shared/data/tiles/monaco.pmtiles"

// busiest is the largest Monaco z14 tile (67,883 bytes of MVT).
var busiest = tileID{14, 8529, 5974}

var monaco = orb.Point{7.4246, 43.7384}

func openMonaco(tb testing.TB) tiles.Source {
	tb.Helper()
	src, err := tiles.Open(monacoFile)
	if err != nil {
		tb.Skipf("Monaco tiles not available: %v", err)
	}
	tb.Cleanup(func() { src.Close() })
	return src
}

// BenchmarkTileDecodeRaster: decode + prepare + raster of the busiest
// Monaco z14 tile at 512 px, labels included.
func BenchmarkTileDecodeRaster(b *testing.B) {
	src := openMonaco(b)
	data, err := src.Tile(context.Background(), busiest.z, busiest.x, busiest.y)
	if err != nil {
		b.Fatal(err)
	}
	k := Key{busiest.z, busiest.x, busiest.y, 512, false, 0}
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		ls, err := vtile.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		rasterTile(prepare(ls), busiest, k)
	}
}

// BenchmarkTileRasterOnly: the raster step alone (tile already decoded).
func BenchmarkTileRasterOnly(b *testing.B) {
	src := openMonaco(b)
	data, _ := src.Tile(context.Background(), busiest.z, busiest.x, busiest.y)
	ls, _ := vtile.Decode(data)
	p := prepare(ls)
	k := Key{busiest.z, busiest.x, busiest.y, 512, false, 0}
	defer cpuPerOp(b)()
	for b.Loop() {
		rasterTile(p, busiest, k)
	}
}

// BenchmarkTileRasterNaive is BenchmarkTileRasterOnly with every batch
// drawn the plain x/image/vector way (rasterizer over the whole canvas,
// Draw onto the RGBA): the baseline the bounding-box, block-binning and
// mask-compositing scheme is measured against.
func BenchmarkTileRasterNaive(b *testing.B) {
	src := openMonaco(b)
	data, _ := src.Tile(context.Background(), busiest.z, busiest.x, busiest.y)
	ls, _ := vtile.Decode(data)
	p := prepare(ls)
	k := Key{busiest.z, busiest.x, busiest.y, 512, false, 0}
	fillHook = fillNaive
	defer func() { fillHook = nil }()
	defer cpuPerOp(b)()
	for b.Loop() {
		rasterTile(p, busiest, k)
	}
}

// fillNaive is the straightforward use of x/image/vector: a rasterizer
// spanning the whole canvas, drawing straight onto it.
func fillNaive(p *pathBuf, dst *image.RGBA, clip image.Rectangle, c color.Color) {
	if p.empty() {
		return
	}
	ras := naiveRas
	ras.Reset(clip.Dx(), clip.Dy())
	traceVector(ras, p, float32(clip.Min.X), float32(clip.Min.Y))
	ras.DrawOp = draw.Over
	ras.Draw(dst, clip, image.NewUniform(c), image.Point{})
}

var naiveRas = vector.NewRasterizer(0, 0)

// traceVector feeds every ring of p to ras, shifted by (-ox, -oy).
func traceVector(ras *vector.Rasterizer, p *pathBuf, ox, oy float32) {
	start := 0
	for _, end := range p.ends {
		ras.MoveTo(p.xy[2*start]-ox, p.xy[2*start+1]-oy)
		for i := start + 1; i < end; i++ {
			ras.LineTo(p.xy[2*i]-ox, p.xy[2*i+1]-oy)
		}
		ras.ClosePath()
		start = end
	}
}

// BenchmarkDecodeOnly: vtile.Decode + prepare.
func BenchmarkDecodeOnly(b *testing.B) {
	src := openMonaco(b)
	data, _ := src.Tile(context.Background(), busiest.z, busiest.x, busiest.y)
	defer cpuPerOp(b)()
	for b.Loop() {
		ls, _ := vtile.Decode(data)
		prepare(ls)
	}
}

// BenchmarkRenderView: a synchronous 1280×720 view at z15.5 (CLI path).
func BenchmarkRenderView(b *testing.B) {
	src := openMonaco(b)
	r := New(src, Options{})
	defer r.Close()
	v := View{Center: monaco, Zoom: 15.5, W: 1280, H: 720, Scale: 1}
	defer cpuPerOp(b)()
	for b.Loop() {
		if _, err := r.RenderView(context.Background(), v); err != nil {
			b.Fatal(err)
		}
	}
}

// coldView renders every tile of v on a fresh renderer (empty caches)
// with the given workers and waits for the last one.
func coldView(b *testing.B, src tiles.Source, v View, workers int) {
	r := New(src, Options{Workers: workers, Log: quietLog()})
	defer r.Close()
	keys := ViewKeys(v)
	done := make(chan struct{}, len(keys))
	r.SetOnReady(func(Key) { done <- struct{}{} })
	dst := image.NewRGBA(image.Rect(0, 0, v.W, v.H))
	r.Compose(dst, v)
	for range keys {
		<-done
	}
	if !r.Compose(dst, v) {
		b.Fatal("view incomplete")
	}
}

// BenchmarkColdViewport: a 1280×720 view of central Monaco at z15 from
// empty caches, 2 workers: every tile read, decoded, rastered (256-px
// tiles at scale 1: 24 tiles; 512-px tiles at scale 2: 15 tiles).
func BenchmarkColdViewport(b *testing.B) {
	src := openMonaco(b)
	for _, sc := range []float32{1, 2} {
		b.Run(fmt.Sprintf("scale%g", sc), func(b *testing.B) {
			v := View{Center: monaco, Zoom: 15, W: 1280, H: 720, Scale: sc}
			stop := cpuPerOp(b)
			for b.Loop() {
				coldView(b, src, v, 2)
			}
			stop()
			b.ReportMetric(float64(len(ViewKeys(v))), "tiles")
		})
	}
}

// BenchmarkWarmCompose: one pan frame composed from cached tiles,
// 1280×720: at an integer zoom (tiles copied) and between zooms (tiles
// scaled bilinearly).
func BenchmarkWarmCompose(b *testing.B) {
	src := openMonaco(b)
	for _, c := range []struct {
		name string
		zoom float64
	}{{"integer-zoom", 15}, {"fractional-zoom", 15.3}} {
		b.Run(c.name, func(b *testing.B) {
			r := New(src, Options{Log: quietLog()})
			defer r.Close()
			v := View{Center: monaco, Zoom: c.zoom, W: 1280, H: 720, Scale: 1}
			coldWarm(b, r, v)
			dst := image.NewRGBA(image.Rect(0, 0, v.W, v.H))
			mx := 0.0
			defer cpuPerOp(b)()
			for b.Loop() {
				// pan by a few pixels a frame, within the cached tiles
				mx += 1e-6
				v.Center = orb.Point{monaco[0] + math.Mod(mx, 2e-4), monaco[1]}
				r.Compose(dst, v)
			}
		})
	}
}

// coldWarm fills r's cache for v and for v panned a little.
func coldWarm(b *testing.B, r *Renderer, v View) {
	var keys []Key
	for _, dx := range []float64{0, 2e-4} {
		w := v
		w.Center = orb.Point{v.Center[0] + dx, v.Center[1]}
		keys = append(keys, ViewKeys(w)...)
	}
	for _, k := range keys {
		for {
			if _, ok := r.Tile(k); ok {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// BenchmarkCacheBound: a pan storm over Monaco (z10–18, random sizes)
// against a 16 MB bound; reports the peak cache bytes seen.
func BenchmarkCacheBound(b *testing.B) {
	src := openMonaco(b)
	const limit = 16 << 20
	var peak int64
	for b.Loop() {
		r := New(src, Options{CacheBytes: limit, Log: quietLog()})
		r.SetOnReady(func(Key) {
			if s := r.Stats(); s.Bytes > atomicMax(&peak, s.Bytes) {
				b.Errorf("over the bound: %d", s.Bytes)
			}
		})
		rng := rand.New(rand.NewPCG(3, 4))
		mx, my := mercator(monaco)
		for i := 0; i < 2000; i++ {
			z := 10 + rng.IntN(9)
			s := float64(int(1) << z)
			r.Tile(Key{z, int(mx*s) + rng.IntN(7) - 3, int(my*s) + rng.IntN(7) - 3, []int{256, 512}[rng.IntN(2)], rng.IntN(2) == 0, 0})
		}
		for r.Stats().Pending > 0 {
			time.Sleep(time.Millisecond)
		}
		r.Close()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	b.ReportMetric(limit/(1<<20), "bound-MB")
}

var peakMu sync.Mutex

// atomicMax raises *p to v and returns the bound the peak must stay under.
func atomicMax(p *int64, v int64) int64 {
	peakMu.Lock()
	defer peakMu.Unlock()
	if v > *p {
		*p = v
	}
	return 16 << 20
}
