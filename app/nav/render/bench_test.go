package render

import (
	"context"
	"syscall"
	"testing"

	"github.com/paulmach/orb"

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
	k := Key{busiest.z, busiest.x, busiest.y, 512, false}
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
	k := Key{busiest.z, busiest.x, busiest.y, 512, false}
	defer cpuPerOp(b)()
	for b.Loop() {
		rasterTile(p, busiest, k)
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

// cpuPerOp reports the process CPU time (user+system) per iteration: the
// machine the figures come from is shared, so wall time alone overstates.
func cpuPerOp(b *testing.B) func() {
	t0 := cpuTime()
	return func() {
		b.ReportMetric(float64(cpuTime()-t0)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
