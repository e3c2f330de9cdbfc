package widgets

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/vector"
)

// dial is the static face of a gauge — the track, the red zone and the
// ticks — in logical units relative to its square, painted into an image
// at whatever pixel size the painter asks for.
type dial struct {
	diameter, stroke       float32
	red                    bool    // draw the red zone
	redFrom                float32 // angle where the red zone starts
	track, redline         color.Color
	majorColor, minorColor color.Color
	ticks                  []dialTick
}

// dialTick is one tick: a bar across the radii r1 to r2 at angle.
type dialTick struct {
	angle, r1, r2, width float32
	major                bool
}

// arcStep is the largest angle, in degrees, drawn as one straight segment:
// at the radii of a cockpit gauge the chord strays less than a twentieth of
// a pixel from the circle.
const arcStep = 2

// paint draws the face at w × h pixels (the square's size times the
// canvas scale). It is the face raster's generator.
func (f *dial) paint(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if f.diameter <= 0 || w <= 0 || h <= 0 {
		return img
	}
	scale := float32(min(w, h)) / f.diameter
	c := f.diameter / 2
	var z vector.Rasterizer
	fill := func(col color.Color) {
		z.Draw(img, img.Bounds(), image.NewUniform(col), image.Point{})
	}
	z.Reset(w, h)
	ringSector(&z, scale, c, c, c, c-f.stroke, gaugeStart, gaugeStart+gaugeSweep)
	fill(f.track)
	if f.red {
		z.Reset(w, h)
		ringSector(&z, scale, c, c, c, c-f.stroke/2, f.redFrom, gaugeStart+gaugeSweep)
		fill(f.redline)
	}
	for _, major := range []bool{false, true} {
		z.Reset(w, h)
		n := 0
		for _, t := range f.ticks {
			if t.major == major {
				bar(&z, scale, c, c, t)
				n++
			}
		}
		if n == 0 {
			continue
		}
		if major {
			fill(f.majorColor)
		} else {
			fill(f.minorColor)
		}
	}
	return img
}

// ringSector adds the closed outline of the ring between radii outer and
// inner from angle a0 to a1 (degrees, 0 up, clockwise) around (cx, cy).
func ringSector(z *vector.Rasterizer, scale, cx, cy, outer, inner, a0, a1 float32) {
	if !(a1 > a0) || !(outer > inner) {
		return
	}
	n := int(math.Ceil(float64(a1-a0) / arcStep))
	at := func(r, a float32) (float32, float32) {
		x, y := polar(cx, cy, r, a)
		return x * scale, y * scale
	}
	z.MoveTo(at(outer, a0))
	for i := 1; i <= n; i++ {
		z.LineTo(at(outer, a0+(a1-a0)*float32(i)/float32(n)))
	}
	for i := n; i >= 0; i-- {
		z.LineTo(at(inner, a0+(a1-a0)*float32(i)/float32(n)))
	}
	z.ClosePath()
}

// bar adds the outline of a tick: a rectangle t.width wide from radius t.r1
// to t.r2 along its angle.
func bar(z *vector.Rasterizer, scale, cx, cy float32, t dialTick) {
	x1, y1 := polar(cx, cy, t.r1, t.angle)
	x2, y2 := polar(cx, cy, t.r2, t.angle)
	dx, dy := x2-x1, y2-y1
	l := float32(math.Hypot(float64(dx), float64(dy)))
	if l == 0 {
		return
	}
	nx, ny := -dy/l*t.width/2, dx/l*t.width/2
	pt := func(x, y float32) (float32, float32) { return x * scale, y * scale }
	z.MoveTo(pt(x1+nx, y1+ny))
	z.LineTo(pt(x2+nx, y2+ny))
	z.LineTo(pt(x2-nx, y2-ny))
	z.LineTo(pt(x1-nx, y1-ny))
	z.ClosePath()
}
