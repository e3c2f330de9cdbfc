package render

import (
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/fascia-hmi/fascia/app/nav/vtile"
)

// batch is one recorded fill: a copy of its pathBuf and the colour.
type batch struct {
	p *pathBuf
	c color.RGBA
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
		cp := &pathBuf{xy: slices.Clone(pb.xy), ends: slices.Clone(pb.ends), bb: pb.bb, rb: slices.Clone(pb.rb)}
		bs = append(bs, batch{cp, color.RGBAModel.Convert(c).(color.RGBA)})
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
		u32(uint32(len(b.p.ends)))
		start := 0
		for _, e := range b.p.ends {
			u32(uint32(e - start))
			for _, v := range b.p.xy[2*start : 2*e] {
				u32(math.Float32bits(v))
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
	defer cpuPerOp(b)()
	for b.Loop() {
		for _, bt := range bs {
			bt.p.fill(img, img.Rect, bt.c)
		}
	}
}
