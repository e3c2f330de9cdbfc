package render

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
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

// rect is a float clip rectangle in pixels.
type rect struct{ X0, Y0, X1, Y1 float32 }

func (r rect) inset(d float32) rect { return rect{r.X0 + d, r.Y0 + d, r.X1 - d, r.Y1 - d} }

func (r rect) contains(p pt) bool { return p.X >= r.X0 && p.X <= r.X1 && p.Y >= r.Y0 && p.Y <= r.Y1 }

func rectOf(b image.Rectangle) rect {
	return rect{float32(b.Min.X), float32(b.Min.Y), float32(b.Max.X), float32(b.Max.Y)}
}

// pathBuf collects closed rings in pixel space for one fill: a batch of
// rings drawn in one colour by one pass of the scanner.
type pathBuf struct {
	xy           []float32 // x,y pairs
	ends         []int     // end (in points) of each ring
	bb           rect
	rb           []rect // bounding box of each ring
	mask         image.Alpha
	norms, verts []pt // stroke scratch
}

func newPathBuf() *pathBuf { return &pathBuf{} }

func (p *pathBuf) reset() {
	p.xy = p.xy[:0]
	p.ends = p.ends[:0]
	p.rb = p.rb[:0]
	p.bb = rect{math.MaxFloat32, math.MaxFloat32, -math.MaxFloat32, -math.MaxFloat32}
}

func (p *pathBuf) empty() bool { return len(p.ends) == 0 }

func (p *pathBuf) add(q pt) { p.xy = append(p.xy, q.X, q.Y) }

// close ends the ring being added: it is dropped if it has fewer than
// three points or a coordinate that is not finite (or absurdly large).
func (p *pathBuf) close() {
	n := len(p.xy) / 2
	start := 0
	if len(p.ends) > 0 {
		start = p.ends[len(p.ends)-1]
	}
	xy := p.xy[2*start:]
	if n-start < 3 || !finite(xy[0]) || !finite(xy[1]) {
		p.xy = p.xy[:2*start]
		return
	}
	b := rect{xy[0], xy[1], xy[0], xy[1]}
	for i := 2; i+1 < len(xy); i += 2 {
		x, y := xy[i], xy[i+1]
		if !finite(x) || !finite(y) {
			p.xy = p.xy[:2*start]
			return
		}
		if x < b.X0 {
			b.X0 = x
		} else if x > b.X1 {
			b.X1 = x
		}
		if y < b.Y0 {
			b.Y0 = y
		} else if y > b.Y1 {
			b.Y1 = y
		}
	}
	p.ends = append(p.ends, n)
	p.rb = append(p.rb, b)
	p.bb = rect{min(p.bb.X0, b.X0), min(p.bb.Y0, b.Y0), max(p.bb.X1, b.X1), max(p.bb.Y1, b.Y1)}
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

// fill draws the batch onto dst in colour c, within clip.
func (p *pathBuf) fill(dst *image.RGBA, clip image.Rectangle, c color.Color) {
	if fillHook != nil {
		fillHook(p, dst, clip, c)
		return
	}
	r := p.box(clip)
	if r.Empty() {
		return
	}
	t := colourTarget(dst, c)
	s := scanners.Get().(*scanner)
	s.draw(p, r, &t)
	scanners.Put(s)
}

// fillHook, when set, replaces fill: the benchmark of the plain
// x/image/vector baseline sets it.
var fillHook func(p *pathBuf, dst *image.RGBA, clip image.Rectangle, c color.Color)

// box is the pixel rectangle of the batch's bounding box within clip.
func (p *pathBuf) box(clip image.Rectangle) image.Rectangle {
	if p.empty() {
		return image.Rectangle{}
	}
	return image.Rect(int(math.Floor(float64(p.bb.X0))), int(math.Floor(float64(p.bb.Y0))),
		int(math.Ceil(float64(p.bb.X1))), int(math.Ceil(float64(p.bb.Y1)))).Intersect(clip)
}

// rasterize renders the batch's coverage into p.mask and returns the
// rectangle of the canvas it covers (empty if nothing is visible).
func (p *pathBuf) rasterize(clip image.Rectangle) image.Rectangle {
	r := p.box(clip)
	if r.Empty() {
		return r
	}
	n := r.Dx() * r.Dy()
	if cap(p.mask.Pix) < n {
		p.mask.Pix = make([]uint8, n)
	}
	p.mask.Pix, p.mask.Stride, p.mask.Rect = p.mask.Pix[:n], r.Dx(), r
	clear(p.mask.Pix)
	t := paintTarget{mask: &p.mask}
	s := scanners.Get().(*scanner)
	s.draw(p, r, &t)
	scanners.Put(s)
	return r
}

// haloMask accumulates a dilated copy of text masks (the halo behind
// labels) over a whole canvas.
type haloMask struct {
	m   image.Alpha
	tmp []uint8
	bb  image.Rectangle
}

func (h *haloMask) reset(b image.Rectangle) {
	n := b.Dx() * b.Dy()
	if cap(h.m.Pix) < n {
		h.m.Pix = make([]uint8, n)
	}
	h.m.Pix, h.m.Stride, h.m.Rect = h.m.Pix[:n], b.Dx(), b
	clear(h.m.Pix)
	h.bb = image.Rectangle{}
}

// dilated adds mask (covering r) grown by rad pixels: a separable max
// filter, horizontal into a scratch buffer, then vertical.
func (h *haloMask) dilated(mask *image.Alpha, r image.Rectangle, rad int) {
	w, hh := r.Dx(), r.Dy()
	g := r.Inset(-rad).Intersect(h.m.Rect)
	if g.Empty() {
		return
	}
	gw, gh := g.Dx(), g.Dy()
	if cap(h.tmp) < gw*gh {
		h.tmp = make([]uint8, gw*gh)
	}
	t := h.tmp[:gw*gh]
	clear(t)
	// horizontal: t[y][x] = max mask[y][x-rad..x+rad] for rows of r
	for y := 0; y < hh; y++ {
		ty := r.Min.Y + y - g.Min.Y
		if ty < 0 || ty >= gh {
			continue
		}
		row := mask.Pix[y*w : y*w+w]
		out := t[ty*gw : ty*gw+gw]
		for x := 0; x < len(row); x++ {
			v := row[x]
			if v == 0 {
				if x+8 <= len(row) && binary.LittleEndian.Uint64(row[x:]) == 0 {
					x += 7
				}
				continue
			}
			gx := r.Min.X + x - g.Min.X
			seg := out[max(0, gx-rad):min(gw, gx+rad+1)]
			for i := range seg {
				seg[i] = max(seg[i], v)
			}
		}
	}
	// vertical into the halo mask
	st := h.m.Stride
	base := h.m.PixOffset(g.Min.X, g.Min.Y)
	for ty := 0; ty < gh; ty++ {
		in := t[ty*gw : ty*gw+gw]
		d0, d1 := max(0, ty-rad), min(gh-1, ty+rad)
		for x, v := range in {
			if v == 0 {
				continue
			}
			for o := base + d0*st + x; o <= base+d1*st+x; o += st {
				if h.m.Pix[o] < v {
					h.m.Pix[o] = v
				}
			}
		}
	}
	h.bb = h.bb.Union(g)
}

// draw composites the halo in colour c.
func (h *haloMask) draw(dst *image.RGBA, c color.Color) {
	if h.bb.Empty() {
		return
	}
	o := h.m.PixOffset(h.bb.Min.X, h.bb.Min.Y)
	composite(dst, h.bb, h.m.Pix[o:], h.m.Stride, c)
}

// composite blends colour c through mask (stride bytes a row, its first
// byte at r.Min) onto dst at r, skipping empty runs eight pixels at a
// time.
func composite(dst *image.RGBA, r image.Rectangle, mask []uint8, stride int, c color.Color) {
	t := colourTarget(dst, c)
	w := r.Dx()
	for y := 0; y < r.Dy(); y++ {
		row := mask[y*stride : y*stride+w]
		for x := 0; x < w; {
			if x+8 <= w && binary.LittleEndian.Uint64(row[x:]) == 0 {
				x += 8
				continue
			}
			e := min(x+8, w)
			t.pixels(r.Min.Y+y, r.Min.X+x, row[x:e])
			x = e
		}
	}
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

// stroke adds the outline of a polyline of half-width hw as one ring:
// the left offsets forward, the right offsets back, with bevel joins, and
// with round caps (half circles at both ends) when round. The ring has the
// same orientation as every other stroke piece, so overlaps saturate
// rather than cancel; at an inner corner the outline loops back on
// itself, which the nonzero rule fills, being covered by both adjacent
// segments (two edges a segment instead of a quad's four plus a join
// triangle). Where two lines meet end to end, their half-circle caps
// cover the whole outer wedge of the bend between them.
func (p *pathBuf) stroke(ps []pt, hw float32, round bool) {
	ns := p.norms[:0]
	vs := p.verts[:0]
	for i := 0; i+1 < len(ps); i++ {
		a, b := ps[i], ps[i+1]
		dx, dy := b.X-a.X, b.Y-a.Y
		l := float32(math.Sqrt(float64(dx*dx + dy*dy)))
		if l < 1e-3 {
			continue
		}
		if len(vs) == 0 {
			vs = append(vs, a)
		}
		vs = append(vs, b)
		ns = append(ns, pt{-dy / l * hw, dx / l * hw})
	}
	p.norms, p.verts = ns, vs
	if len(ns) == 0 {
		return
	}
	var arc []pt // cos, sin of the cap's inner points
	if round && hw > 1 {
		arc = arcs[circleSteps(hw)/2]
	}
	side := func(sgn float32, forward bool) {
		n := len(ns)
		for k := 0; k <= n; k++ {
			i := k
			if !forward {
				i = n - k
			}
			v := vs[i]
			switch {
			case i == 0:
				p.add(pt{v.X + sgn*ns[0].X, v.Y + sgn*ns[0].Y})
			case i == n:
				p.add(pt{v.X + sgn*ns[n-1].X, v.Y + sgn*ns[n-1].Y})
			default:
				n0, n1 := ns[i-1], ns[i]
				if !forward {
					n0, n1 = n1, n0
				}
				if n0.X*n1.X+n0.Y*n1.Y > 0.995*hw*hw { // straight on: one point
					p.add(pt{v.X + sgn*(n0.X+n1.X)/2, v.Y + sgn*(n0.Y+n1.Y)/2})
					continue
				}
				p.add(pt{v.X + sgn*n0.X, v.Y + sgn*n0.Y})
				p.add(pt{v.X + sgn*n1.X, v.Y + sgn*n1.Y})
			}
		}
	}
	// cap turns from the left offset (v+n) round the front to the right
	// one: sgn -1 turns the other way, for the start
	capArc := func(v, n pt, sgn float32) {
		nx, ny := sgn*n.X, sgn*n.Y
		for _, cs := range arc {
			p.add(pt{v.X + cs.X*nx + cs.Y*ny, v.Y + cs.X*ny - cs.Y*nx})
		}
	}
	side(1, true)
	capArc(vs[len(vs)-1], ns[len(ns)-1], 1)
	side(-1, false)
	capArc(vs[0], ns[0], -1)
	p.close()
}

// circleSteps is the number of edges of a circle of radius rad.
func circleSteps(rad float32) int { return max(6, min(int(rad*1.2)+4, 20)) }

// circles[n] holds (cos, sin) of the n corners of a circle, clockwise
// in y-down space (negative orientation); arcs[k] the k-1 inner points
// of a half circle in k steps.
var circles, arcs = func() (c, a [21][]pt) {
	for n := 1; n <= 20; n++ {
		for i := n - 1; i >= 0; i-- {
			t := 2 * math.Pi * float64(i) / float64(n)
			c[n] = append(c[n], pt{float32(math.Cos(t)), float32(math.Sin(t))})
		}
		for i := 1; i < n; i++ {
			t := math.Pi * float64(i) / float64(n)
			a[n] = append(a[n], pt{float32(math.Cos(t)), float32(math.Sin(t))})
		}
	}
	return
}()

// disc adds a circle of radius rad (negative orientation).
func (p *pathBuf) disc(c pt, rad float32) {
	for _, cs := range circles[circleSteps(rad)] {
		p.add(pt{c.X + rad*cs.X, c.Y + rad*cs.Y})
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
