package render

import (
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"math"
	"os"
	"testing"

	"github.com/fascia-hmi/fascia/app/nav/vtile"
)

// batch is one recorded fill: the rings of a pathBuf and their colour.
type batch struct {
	xy   []float32
	ends []int
	c    color.RGBA
}

// recordBatches renders the busiest tile (labels included) and returns
// every fill it made, in order.
func recordBatches(tb testing.TB) []batch {
	src := openMonaco(tb)
	data, _ := src.Tile(context.Background(), busiest.z, busiest.x, busiest.y)
	ls, _ := vtile.Decode(data)
	p := prepare(ls)
	k := Key{busiest.z, busiest.x, busiest.y, 512, false, 0}
	var bs []batch
	fillHook = func(pb *pathBuf, dst *image.RGBA, clip image.Rectangle, c color.Color) {
		if pb.empty() {
			return
		}
		bs = append(bs, batch{append([]float32(nil), pb.xy...), append([]int(nil), pb.ends...), color.RGBAModel.Convert(c).(color.RGBA)})
	}
	defer func() { fillHook = nil }()
	rasterTile(p, busiest, k)
	return bs
}

// TestDumpFillBatches writes the busiest tile's fills to the file named
// by FASCIA_DUMP_FILLS, for scripts/cairo-fill-bench.c: the same rings
// drawn by cairo. Format, little endian: batch count; per batch the
// colour (RGBA bytes), ring count; per ring the point count and x, y as
// float32 pixels.
func TestDumpFillBatches(t *testing.T) {
	out := os.Getenv("FASCIA_DUMP_FILLS")
	if out == "" {
		t.Skip()
	}
	bs := recordBatches(t)
	var buf []byte
	u32 := func(v uint32) { buf = binary.LittleEndian.AppendUint32(buf, v) }
	u32(uint32(len(bs)))
	edges := 0
	for _, b := range bs {
		u32(uint32(b.c.R) | uint32(b.c.G)<<8 | uint32(b.c.B)<<16 | uint32(b.c.A)<<24)
		u32(uint32(len(b.ends)))
		start := 0
		for _, e := range b.ends {
			u32(uint32(e - start))
			for i := start; i < e; i++ {
				u32(math.Float32bits(b.xy[2*i]))
				u32(math.Float32bits(b.xy[2*i+1]))
			}
			edges += e - start
			start = e
		}
	}
	t.Logf("%d batches, %d edges", len(bs), edges)
	if err := os.WriteFile(out, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkTileFillOnly: the fills of the busiest tile (recorded from
// its raster: the pathBufs as built, labels' glyphs and icons included)
// drawn again by the scanner; no decode, no stroking, no label placement.
// scripts/cairo-fill-bench.c draws the same rings with cairo.
func BenchmarkTileFillOnly(b *testing.B) {
	bs := recordBatches(b)
	img := image.NewRGBA(image.Rect(0, 0, 512, 512))
	var pbs []*pathBuf
	for _, bt := range bs {
		pb := newPathBuf()
		pb.reset()
		start := 0
		for _, e := range bt.ends {
			ps := make([]pt, 0, e-start)
			for i := start; i < e; i++ {
				ps = append(ps, pt{bt.xy[2*i], bt.xy[2*i+1]})
			}
			pb.ring(ps)
			start = e
		}
		pbs = append(pbs, pb)
	}
	defer cpuPerOp(b)()
	for b.Loop() {
		for i, pb := range pbs {
			pb.fill(img, img.Rect, bs[i].c)
		}
	}
}
