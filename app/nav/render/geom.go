package render

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/vector"
)

// pt is a point: in tile units (0..1 across a tile) inside a prepared
// tile, in pixels once transformed.
type pt struct{ X, Y float32 }

// affine maps tile units to pixels: (A·x + B·y + C, D·x + E·y + F).
type affine struct{ A, B, C, D, E, F float64 }

func (m affine) apply(p pt) pt {
	x, y := float64(p.X), float64(p.Y)
	return pt{float32(m.A*x + m.B*y + m.C), float32(m.D*x + m.E*y + m.F)}
}

// scale returns how many pixels one tile unit spans.
func (m affine) scale() float64 { return math.Hypot(m.A, m.D) }

// rect is a float clip rectangle in pixels.
type rect struct{ X0, Y0, X1, Y1 float32 }

func (r rect) inset(d float32) rect { return rect{r.X0 + d, r.Y0 + d, r.X1 - d, r.Y1 - d} }

func (r rect) contains(p pt) bool { return p.X >= r.X0 && p.X <= r.X1 && p.Y >= r.Y0 && p.Y <= r.Y1 }

func rectOf(b image.Rectangle) rect {
	return rect{float32(b.Min.X), float32(b.Min.Y), float32(b.Max.X), float32(b.Max.Y)}
}

// pathBuf collects closed rings in pixel space for one fill with
// x/image/vector. All rings of one batch are drawn with one Draw call over
// their bounding box only: that, not the rasterizer's speed, is what keeps
// a tile within budget (a Draw touches every pixel of the rasterizer).
type pathBuf struct {
	xy   []float32 // x,y pairs
	ends []int     // end (in points) of each ring
	bb   rect
	ras  *vector.Rasterizer
}

func newPathBuf() *pathBuf { return &pathBuf{ras: vector.NewRasterizer(0, 0)} }

func (p *pathBuf) reset() {
	p.xy = p.xy[:0]
	p.ends = p.ends[:0]
	p.bb = rect{math.MaxFloat32, math.MaxFloat32, -math.MaxFloat32, -math.MaxFloat32}
}

func (p *pathBuf) empty() bool { return len(p.ends) == 0 }

func (p *pathBuf) add(q pt) {
	p.xy = append(p.xy, q.X, q.Y)
	if q.X < p.bb.X0 {
		p.bb.X0 = q.X
	}
	if q.X > p.bb.X1 {
		p.bb.X1 = q.X
	}
	if q.Y < p.bb.Y0 {
		p.bb.Y0 = q.Y
	}
	if q.Y > p.bb.Y1 {
		p.bb.Y1 = q.Y
	}
}

func (p *pathBuf) close() {
	n := len(p.xy) / 2
	start := 0
	if len(p.ends) > 0 {
		start = p.ends[len(p.ends)-1]
	}
	if n-start < 3 {
		p.xy = p.xy[:start*2]
		return
	}
	p.ends = append(p.ends, n)
}

// ring adds a closed ring as given.
func (p *pathBuf) ring(ps []pt) {
	for _, q := range ps {
		p.add(q)
	}
	p.close()
}

// ringNeg adds a ring with negative signed area (the orientation the
// stroker uses), reversing it if needed, so that overlapping stroke pieces
// add up instead of cancelling in the rasterizer's signed accumulation.
func (p *pathBuf) ringNeg(ps []pt) {
	var a float32
	for i := range ps {
		j := (i + 1) % len(ps)
		a += ps[i].X*ps[j].Y - ps[j].X*ps[i].Y
	}
	if a > 0 {
		for i := len(ps) - 1; i >= 0; i-- {
			p.add(ps[i])
		}
		p.close()
		return
	}
	p.ring(ps)
}

// fill draws the batch onto dst in colour c, rasterizing only the batch's
// bounding box intersected with clip.
func (p *pathBuf) fill(dst *image.RGBA, clip image.Rectangle, c color.Color) {
	if p.empty() {
		return
	}
	r := image.Rect(int(math.Floor(float64(p.bb.X0))), int(math.Floor(float64(p.bb.Y0))),
		int(math.Ceil(float64(p.bb.X1))), int(math.Ceil(float64(p.bb.Y1)))).Intersect(clip)
	if r.Empty() {
		return
	}
	ox, oy := float32(r.Min.X), float32(r.Min.Y)
	p.ras.Reset(r.Dx(), r.Dy())
	start := 0
	for _, end := range p.ends {
		p.ras.MoveTo(p.xy[2*start]-ox, p.xy[2*start+1]-oy)
		for i := start + 1; i < end; i++ {
			p.ras.LineTo(p.xy[2*i]-ox, p.xy[2*i+1]-oy)
		}
		p.ras.ClosePath()
		start = end
	}
	p.ras.Draw(dst, r, image.NewUniform(c), image.Point{})
}

// clipPolygon clips a closed ring to r (Sutherland–Hodgman), appending to
// out[:0]. Orientation is preserved.
func clipPolygon(in []pt, r rect, out, tmp []pt) ([]pt, []pt) {
	cur := append(tmp[:0], in...)
	for edge := 0; edge < 4 && len(cur) > 0; edge++ {
		out = out[:0]
		inside := func(q pt) bool {
			switch edge {
			case 0:
				return q.X >= r.X0
			case 1:
				return q.X <= r.X1
			case 2:
				return q.Y >= r.Y0
			}
			return q.Y <= r.Y1
		}
		cross := func(a, b pt) pt {
			var t float32
			switch edge {
			case 0:
				t = (r.X0 - a.X) / (b.X - a.X)
			case 1:
				t = (r.X1 - a.X) / (b.X - a.X)
			case 2:
				t = (r.Y0 - a.Y) / (b.Y - a.Y)
			default:
				t = (r.Y1 - a.Y) / (b.Y - a.Y)
			}
			return pt{a.X + t*(b.X-a.X), a.Y + t*(b.Y-a.Y)}
		}
		prev := cur[len(cur)-1]
		pin := inside(prev)
		for _, q := range cur {
			qin := inside(q)
			if qin {
				if !pin {
					out = append(out, cross(prev, q))
				}
				out = append(out, q)
			} else if pin {
				out = append(out, cross(prev, q))
			}
			prev, pin = q, qin
		}
		cur, out = out, cur
	}
	return cur, out
}

// clipLine clips a polyline to r (Liang–Barsky per segment) and calls emit
// for every visible run.
func clipLine(in []pt, r rect, run []pt, emit func([]pt)) []pt {
	run = run[:0]
	for i := 0; i+1 < len(in); i++ {
		a, b := in[i], in[i+1]
		t0, t1 := float32(0), float32(1)
		dx, dy := b.X-a.X, b.Y-a.Y
		ok := true
		for _, c := range [4][2]float32{{-dx, a.X - r.X0}, {dx, r.X1 - a.X}, {-dy, a.Y - r.Y0}, {dy, r.Y1 - a.Y}} {
			p, q := c[0], c[1]
			if p == 0 {
				if q < 0 {
					ok = false
					break
				}
				continue
			}
			t := q / p
			if p < 0 {
				if t > t1 {
					ok = false
					break
				}
				if t > t0 {
					t0 = t
				}
			} else {
				if t < t0 {
					ok = false
					break
				}
				if t < t1 {
					t1 = t
				}
			}
		}
		if !ok {
			if len(run) > 1 {
				emit(run)
			}
			run = run[:0]
			continue
		}
		ca := pt{a.X + t0*dx, a.Y + t0*dy}
		cb := pt{a.X + t1*dx, a.Y + t1*dy}
		if len(run) == 0 || t0 > 0 {
			if len(run) > 1 {
				emit(run)
			}
			run = append(run[:0], ca)
		}
		run = append(run, cb)
		if t1 < 1 {
			emit(run)
			run = run[:0]
		}
	}
	if len(run) > 1 {
		emit(run)
	}
	return run[:0]
}

// stroke adds the outline of a polyline of half-width hw: one quad per
// segment, bevel joins and (when round) round caps. All pieces have the
// same orientation, so overlaps saturate rather than cancel.
func (p *pathBuf) stroke(ps []pt, hw float32, round bool) {
	var q [4]pt
	var prevN pt
	have := false
	for i := 0; i+1 < len(ps); i++ {
		a, b := ps[i], ps[i+1]
		dx, dy := b.X-a.X, b.Y-a.Y
		l := float32(math.Sqrt(float64(dx*dx + dy*dy)))
		if l < 1e-3 {
			continue
		}
		n := pt{-dy / l * hw, dx / l * hw}
		q = [4]pt{{a.X + n.X, a.Y + n.Y}, {b.X + n.X, b.Y + n.Y}, {b.X - n.X, b.Y - n.Y}, {a.X - n.X, a.Y - n.Y}}
		p.ring(q[:]) // canonical orientation is negative
		if have && hw > 0.75 {
			t1 := [3]pt{a, {a.X + prevN.X, a.Y + prevN.Y}, {a.X + n.X, a.Y + n.Y}}
			t2 := [3]pt{a, {a.X - prevN.X, a.Y - prevN.Y}, {a.X - n.X, a.Y - n.Y}}
			p.ringNeg(t1[:])
			p.ringNeg(t2[:])
		}
		prevN, have = n, true
	}
	if round && have && hw > 1 {
		p.disc(ps[0], hw)
		p.disc(ps[len(ps)-1], hw)
	}
}

// strokeClosed strokes a closed ring.
func (p *pathBuf) strokeClosed(ps []pt, hw float32, tmp []pt) []pt {
	tmp = append(append(tmp[:0], ps...), ps[0])
	if len(ps) > 1 {
		tmp = append(tmp, ps[1])
	}
	p.stroke(tmp, hw, false)
	return tmp
}

// disc adds a circle of radius rad (negative orientation).
func (p *pathBuf) disc(c pt, rad float32) {
	n := int(rad * 2)
	n = max(8, min(n, 24))
	for i := n - 1; i >= 0; i-- { // negative orientation in y-down space
		a := 2 * math.Pi * float64(i) / float64(n)
		p.add(pt{c.X + rad*float32(math.Cos(a)), c.Y + rad*float32(math.Sin(a))})
	}
	p.close()
}

// dash cuts a polyline into dashes of length on separated by off and calls
// emit for each.
func dash(ps []pt, on, off float32, run []pt, emit func([]pt)) []pt {
	if on <= 0 || off <= 0 {
		emit(ps)
		return run
	}
	period := on + off
	var pos float32 // distance into the current period
	run = run[:0]
	drawing := true
	run = append(run, ps[0])
	for i := 0; i+1 < len(ps); i++ {
		a, b := ps[i], ps[i+1]
		dx, dy := b.X-a.X, b.Y-a.Y
		l := float32(math.Sqrt(float64(dx*dx + dy*dy)))
		var done float32
		for done < l {
			var left float32
			if drawing {
				left = on - pos
			} else {
				left = period - pos
			}
			step := min(left, l-done)
			done += step
			pos += step
			q := pt{a.X + dx*done/l, a.Y + dy*done/l}
			if drawing {
				run = append(run, q)
			}
			if step == left {
				if drawing {
					if len(run) > 1 {
						emit(run)
					}
					run = run[:0]
					drawing = false
				} else {
					pos = 0
					drawing = true
					run = append(run[:0], q)
				}
			}
		}
	}
	if drawing && len(run) > 1 {
		emit(run)
	}
	return run[:0]
}
