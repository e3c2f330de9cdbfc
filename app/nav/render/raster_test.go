package render

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/image/vector"
)

// randomPath returns up to 4 rings of 3–12 points with coordinates in
// [lo, hi]: random orientations, self-intersections and overlaps, so that
// holes, cancelling and saturating windings all occur.
func randomPath(rng *rand.Rand, lo, hi float32) *pathBuf {
	p := newPathBuf()
	p.reset()
	for range 1 + rng.IntN(4) {
		for range 3 + rng.IntN(10) {
			p.add(pt{lo + rng.Float32()*(hi-lo), lo + rng.Float32()*(hi-lo)})
		}
		p.close()
	}
	return p
}

// exactCoverage is the reference coverage of p over r: for each pixel,
// the signed area of every ring clipped to the pixel (the integral of the
// winding number over it), summed, taken as min(1, |area|) and rounded to
// 8 bits.
func exactCoverage(p *pathBuf, r image.Rectangle) *image.Alpha {
	dst := image.NewAlpha(r)
	var ring, out, tmp []pt
	for y := max(r.Min.Y, int(math.Floor(float64(p.bb.Y0)))); y < min(r.Max.Y, int(math.Ceil(float64(p.bb.Y1)))); y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			px := rect{float32(x), float32(y), float32(x + 1), float32(y + 1)}
			var a float64
			start := 0
			for _, end := range p.ends {
				ring = ring[:0]
				for i := start; i < end; i++ {
					ring = append(ring, pt{p.xy[2*i], p.xy[2*i+1]})
				}
				start = end
				out, tmp = clipPolygon(ring, px, out, tmp)
				for i := range out {
					j := (i + 1) % len(out)
					a += float64(out[i].X)*float64(out[j].Y) - float64(out[j].X)*float64(out[i].Y)
				}
			}
			dst.Pix[dst.PixOffset(x, y)] = uint8(math.Min(math.Abs(a)/2, 1)*255 + 0.5)
		}
	}
	return dst
}

// vectorCoverage rasterizes p over (0,0)-(w,h) with x/image/vector, the
// rasterizer the scanner replaced (same rule: min(1, |winding area|)).
func vectorCoverage(p *pathBuf, w, h int) *image.Alpha {
	ras := vector.NewRasterizer(w, h)
	traceVector(ras, p, 0, 0)
	dst := image.NewAlpha(image.Rect(0, 0, w, h))
	ras.DrawOp = draw.Src
	ras.Draw(dst, dst.Bounds(), image.Opaque, image.Point{})
	return dst
}

// ourCoverage rasterizes p with the scanner into a mask covering clip.
func ourCoverage(p *pathBuf, clip image.Rectangle) *image.Alpha {
	dst := image.NewAlpha(clip)
	if r := p.rasterize(clip); !r.Empty() {
		draw.Draw(dst, r, &p.mask, r.Min, draw.Src)
	}
	return dst
}

// coverageDiff returns the largest difference between a and b over r and
// the summed difference (in 1/255ths).
func coverageDiff(a, b *image.Alpha, r image.Rectangle) (worst, total int) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			d := int(a.AlphaAt(x, y).A) - int(b.AlphaAt(x, y).A)
			if d < 0 {
				d = -d
			}
			worst = max(worst, d)
			total += d
		}
	}
	return worst, total
}

// exactTolerance: the scanner accumulates float32 geometry in 1/65536ths
// of full coverage; against the exact area it may be off by a level.
const exactTolerance = 1

// TestScannerExact compares the scanner with the exact coverage on
// random polygons (self-intersecting, overlapping, with holes, partly
// outside the canvas) in canvases of random sizes, some drawn in several
// bands.
func TestScannerExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 150 {
		w, h := 1+rng.IntN(60), 1+rng.IntN(60)
		if i%5 == 4 {
			h = 100 + rng.IntN(100) // several bands
		}
		p := randomPath(rng, -5, float32(max(w, h))+5)
		want := exactCoverage(p, image.Rect(0, 0, w, h))
		got := ourCoverage(p, want.Rect)
		if worst, total := coverageDiff(got, want, want.Rect); worst > exactTolerance {
			t.Fatalf("%d×%d canvas, rings %v, points %v: coverage differs from the exact area by up to %d (sum %d)", w, h, p.ends, p.xy, worst, total)
		}
	}
}

// TestScannerMatchesVector compares the scanner with x/image/vector (the
// rasterizer it replaced) on larger random polygons and canvases, tall
// ones drawn in several bands, wide ones over several bitmap words: no
// pixel of the scanner may be further from the exact coverage than
// vector's (plus a level). They do differ by more than a few levels on
// some steep slivers of self-crossing rings, where vector's fixed-point
// accumulation is the one off.
func TestScannerMatchesVector(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 120 {
		w, h := 1+rng.IntN(120), 1+rng.IntN(120)
		switch i % 8 {
		case 6:
			h = 200 + rng.IntN(400) // several bands, float path in vector
		case 7:
			w = 600 + rng.IntN(500) // several bitmap words a row
		}
		p := randomPath(rng, 0, float32(min(w, h)))
		ref := vectorCoverage(p, w, h)
		got := ourCoverage(p, ref.Rect)
		exact := exactCoverage(p, ref.Rect)
		for j := range got.Pix {
			g, v, e := int(got.Pix[j]), int(ref.Pix[j]), int(exact.Pix[j])
			if abs(g-e) > abs(v-e)+exactTolerance {
				t.Fatalf("%d×%d canvas, rings %v, points %v: pixel %d is %d, x/image/vector %d, exact %d", w, h, p.ends, p.xy, j, g, v, e)
			}
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// TestScannerShapes: cases with a known coverage.
func TestScannerShapes(t *testing.T) {
	sq := func(x0, y0, x1, y1 float32, ccw bool) []pt {
		if ccw {
			return []pt{{x0, y0}, {x0, y1}, {x1, y1}, {x1, y0}}
		}
		return []pt{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
	}
	for _, c := range []struct {
		name  string
		rings [][]pt
		at    image.Point
		want  uint8
	}{
		{"inside a square", [][]pt{sq(2, 2, 30, 30, false)}, image.Pt(10, 10), 255},
		{"outside a square", [][]pt{sq(2, 2, 30, 30, false)}, image.Pt(31, 10), 0},
		{"half pixel", [][]pt{sq(2.5, 2, 30, 30, false)}, image.Pt(2, 10), 128},
		{"quarter pixel", [][]pt{sq(2.5, 2.5, 30, 30, false)}, image.Pt(2, 2), 64},
		{"hole (opposite orientation)", [][]pt{sq(2, 2, 30, 30, false), sq(10, 10, 20, 20, true)}, image.Pt(15, 15), 0},
		{"overlap (same orientation) saturates", [][]pt{sq(2, 2, 30, 30, false), sq(10, 10, 20, 20, false)}, image.Pt(15, 15), 255},
		{"starting left of the canvas", [][]pt{sq(-50, 2, 30, 30, true)}, image.Pt(0, 10), 255},
		{"ending right of the canvas", [][]pt{sq(20, 2, 500, 30, false)}, image.Pt(39, 10), 255},
		{"wholly left of the canvas", [][]pt{sq(-50, 2, -10, 30, false)}, image.Pt(0, 10), 0},
	} {
		p := newPathBuf()
		p.reset()
		for _, r := range c.rings {
			p.ring(r)
		}
		got := ourCoverage(p, image.Rect(0, 0, 40, 40))
		if a := got.AlphaAt(c.at.X, c.at.Y).A; int(a)-int(c.want) > 1 || int(c.want)-int(a) > 1 {
			t.Errorf("%s: coverage at %v is %d, want %d", c.name, c.at, a, c.want)
		}
	}
}

// TestScannerClipping: rasterizing over a window of the canvas gives the
// same pixels as rasterizing the whole canvas and cutting the window out,
// for polygons that run far outside the window on every side.
func TestScannerClipping(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	full := image.Rect(-300, -300, 600, 600)
	for range 80 {
		p := randomPath(rng, -300, 600)
		whole := ourCoverage(p, full)
		x0, y0 := rng.IntN(200), rng.IntN(200)
		win := image.Rect(x0, y0, x0+1+rng.IntN(150), y0+1+rng.IntN(150))
		part := ourCoverage(p, win)
		if worst, _ := coverageDiff(part, whole, win); worst > 1 {
			t.Fatalf("window %v of rings %v %v: differs from the whole canvas by %d", win, p.ends, p.xy, worst)
		}
	}
}

// TestScannerBlend: filling blends like image/draw's Porter-Duff "over"
// through the same coverage, opaque and translucent colours alike.
func TestScannerBlend(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 50 {
		p := randomPath(rng, 0, 64)
		c := color.RGBA{R: uint8(rng.IntN(256)), G: uint8(rng.IntN(256)), B: uint8(rng.IntN(256)), A: 255}
		if rng.IntN(2) == 0 {
			c = alpha(c, rng.Float64())
		}
		bg := color.RGBA{R: uint8(rng.IntN(256)), G: uint8(rng.IntN(256)), B: uint8(rng.IntN(256)), A: 255}
		got := image.NewRGBA(image.Rect(0, 0, 64, 64))
		draw.Draw(got, got.Rect, image.NewUniform(bg), image.Point{}, draw.Src)
		want := image.NewRGBA(got.Rect)
		draw.Draw(want, want.Rect, image.NewUniform(bg), image.Point{}, draw.Src)
		p.fill(got, got.Rect, c)
		mask := ourCoverage(p, got.Rect)
		draw.DrawMask(want, want.Rect, image.NewUniform(c), image.Point{}, mask, image.Point{}, draw.Over)
		for i := 0; i < len(got.Pix); i++ {
			if d := int(got.Pix[i]) - int(want.Pix[i]); d > 1 || d < -1 {
				t.Fatalf("colour %v over %v: pixel %d channel %d is %d, image/draw gives %d", c, bg, i/4, i%4, got.Pix[i], want.Pix[i])
			}
		}
	}
}

// FuzzScanner: any ring set (bytes read as float32 coordinates, NaN and
// huge values included) rasterizes without panicking; when every
// coordinate is within reach of the canvas, the coverage is the exact one.
func FuzzScanner(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		const w, h = 24, 80 // two bands
		p := newPathBuf()
		p.reset()
		near := true
		for k := 0; len(data) >= 8; k++ {
			x := math.Float32frombits(binary.LittleEndian.Uint32(data))
			y := math.Float32frombits(binary.LittleEndian.Uint32(data[4:]))
			data = data[8:]
			if !(x >= -100 && x <= 100 && y >= -100 && y <= 100) {
				near = false
			}
			p.add(pt{x, y})
			if k%7 == 6 { // rings of 7 points
				p.close()
			}
		}
		p.close()
		got := ourCoverage(p, image.Rect(0, 0, w, h))
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		p.fill(dst, dst.Rect, color.RGBA{R: 10, G: 20, B: 30, A: 200})
		if !near || p.empty() {
			return
		}
		want := exactCoverage(p, got.Rect)
		if worst, total := coverageDiff(got, want, want.Rect); worst > exactTolerance {
			t.Fatalf("rings %v %v: coverage differs from the exact area by up to %d (sum %d)", p.ends, p.xy, worst, total)
		}
	})
}
