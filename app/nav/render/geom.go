package render

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
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
	xy           []float32 // x,y pairs
	ends         []int     // end (in points) of each ring
	bb           rect
	rb           []rect // bounding box of each ring
	rbb          rect   // of the ring being added
	ras          *vector.Rasterizer
	mask         image.Alpha
	bins         [][]int32
	norms, verts []pt // stroke scratch
}

func newPathBuf() *pathBuf { return &pathBuf{ras: vector.NewRasterizer(0, 0)} }

func (p *pathBuf) reset() {
	p.xy = p.xy[:0]
	p.ends = p.ends[:0]
	p.rb = p.rb[:0]
	p.bb = rect{math.MaxFloat32, math.MaxFloat32, -math.MaxFloat32, -math.MaxFloat32}
	p.rbb = p.bb
}

func (p *pathBuf) empty() bool { return len(p.ends) == 0 }

func (p *pathBuf) add(q pt) {
	p.xy = append(p.xy, q.X, q.Y)
	p.rbb = rect{min(p.rbb.X0, q.X), min(p.rbb.Y0, q.Y), max(p.rbb.X1, q.X), max(p.rbb.Y1, q.Y)}
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
	rb := p.rbb
	p.rbb = rect{math.MaxFloat32, math.MaxFloat32, -math.MaxFloat32, -math.MaxFloat32}
	if n-start < 3 {
		p.xy = p.xy[:start*2]
		return
	}
	p.ends = append(p.ends, n)
	p.rb = append(p.rb, rb)
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
	if naiveRaster {
		p.fillNaive(dst, clip, c)
		return
	}
	if r := p.rasterize(clip); !r.Empty() {
		composite(dst, r, p.mask.Pix, r.Dx(), c)
	}
}

// naiveRaster switches every batch to fillNaive; only the benchmark that
// justifies the rasterizing scheme sets it.
var naiveRaster bool

// trace feeds every closed path to the rasterizer, shifted by (-ox, -oy).
func (p *pathBuf) trace(ox, oy float32) {
	start := 0
	for _, end := range p.ends {
		p.ras.MoveTo(p.xy[2*start]-ox, p.xy[2*start+1]-oy)
		for i := start + 1; i < end; i++ {
			p.ras.LineTo(p.xy[2*i]-ox, p.xy[2*i+1]-oy)
		}
		p.ras.ClosePath()
		start = end
	}
}

// fillNaive is the straightforward use of x/image/vector: the rasterizer
// spans the whole canvas and draws straight onto it.
func (p *pathBuf) fillNaive(dst *image.RGBA, clip image.Rectangle, c color.Color) {
	p.ras.Reset(clip.Dx(), clip.Dy())
	ox, oy := float32(clip.Min.X), float32(clip.Min.Y)
	p.trace(ox, oy)
	p.ras.DrawOp = draw.Over
	p.ras.Draw(dst, clip, image.NewUniform(c), image.Point{})
}

// blockPx is the block edge of fillSparse.
const blockPx = 64

// fillSparse is fill for batches of many small rings (strokes): the rings
// are binned into blockPx squares and only blocks with rings are
// rasterized, so a sparse batch (say, the motorways) costs its area, not
// its bounding box's. Rings crossing a block edge go to every block they
// touch; the rasterizer drops what falls outside a block.
func (p *pathBuf) fillSparse(dst *image.RGBA, clip image.Rectangle, c color.Color) {
	if p.empty() {
		return
	}
	if naiveRaster {
		p.fillNaive(dst, clip, c)
		return
	}
	r := image.Rect(int(math.Floor(float64(p.bb.X0))), int(math.Floor(float64(p.bb.Y0))),
		int(math.Ceil(float64(p.bb.X1))), int(math.Ceil(float64(p.bb.Y1)))).Intersect(clip)
	if r.Empty() {
		return
	}
	nx, ny := (r.Dx()+blockPx-1)/blockPx, (r.Dy()+blockPx-1)/blockPx
	if nx*ny <= 2 {
		p.fill(dst, clip, c)
		return
	}
	// big rings (landuse polygons) would be re-sent to many blocks: then
	// one pass over the bounding box is cheaper
	var area float32
	for _, b := range p.rb {
		area += (b.X1 - b.X0 + 1) * (b.Y1 - b.Y0 + 1)
	}
	if area > 0.6*float32(r.Dx()*r.Dy()) {
		p.fill(dst, clip, c)
		return
	}
	if cap(p.bins) < nx*ny {
		p.bins = make([][]int32, nx*ny)
	}
	p.bins = p.bins[:nx*ny]
	for i := range p.bins {
		p.bins[i] = p.bins[i][:0]
	}
	for i, b := range p.rb {
		x0 := max(0, int(b.X0)-r.Min.X) / blockPx
		x1 := min(r.Dx()-1, int(b.X1)-r.Min.X) / blockPx
		y0 := max(0, int(b.Y0)-r.Min.Y) / blockPx
		y1 := min(r.Dy()-1, int(b.Y1)-r.Min.Y) / blockPx
		for by := y0; by <= y1; by++ {
			for bx := x0; bx <= x1; bx++ {
				p.bins[by*nx+bx] = append(p.bins[by*nx+bx], int32(i))
			}
		}
	}
	for by := 0; by < ny; by++ {
		for bx := 0; bx < nx; bx++ {
			rings := p.bins[by*nx+bx]
			if len(rings) == 0 {
				continue
			}
			br := image.Rect(r.Min.X+bx*blockPx, r.Min.Y+by*blockPx, r.Min.X+(bx+1)*blockPx, r.Min.Y+(by+1)*blockPx).Intersect(r)
			ox, oy := float32(br.Min.X), float32(br.Min.Y)
			w, h := br.Dx(), br.Dy()
			p.ras.Reset(w, h)
			for _, ri := range rings {
				start := 0
				if ri > 0 {
					start = p.ends[ri-1]
				}
				end := p.ends[ri]
				p.ras.MoveTo(p.xy[2*start]-ox, p.xy[2*start+1]-oy)
				for i := start + 1; i < end; i++ {
					p.ras.LineTo(p.xy[2*i]-ox, p.xy[2*i+1]-oy)
				}
				p.ras.ClosePath()
			}
			p.rasterToMask(w, h)
			composite(dst, br, p.mask.Pix, w, c)
		}
	}
}

func (p *pathBuf) rasterToMask(w, h int) {
	if cap(p.mask.Pix) < w*h {
		p.mask.Pix = make([]uint8, w*h)
	}
	p.mask.Pix, p.mask.Stride, p.mask.Rect = p.mask.Pix[:w*h], w, image.Rect(0, 0, w, h)
	p.ras.DrawOp = draw.Src
	p.ras.Draw(&p.mask, p.mask.Rect, image.Opaque, image.Point{})
}

// rasterize renders the batch into p.mask and returns the rectangle of
// the canvas it covers (empty if nothing is visible).
func (p *pathBuf) rasterize(clip image.Rectangle) image.Rectangle {
	if p.empty() {
		return image.Rectangle{}
	}
	r := image.Rect(int(math.Floor(float64(p.bb.X0))), int(math.Floor(float64(p.bb.Y0))),
		int(math.Ceil(float64(p.bb.X1))), int(math.Ceil(float64(p.bb.Y1)))).Intersect(clip)
	if r.Empty() {
		return r
	}
	ox, oy := float32(r.Min.X), float32(r.Min.Y)
	w, h := r.Dx(), r.Dy()
	p.ras.Reset(w, h)
	p.trace(ox, oy)
	// Accumulate into an alpha mask (x/image/vector's SIMD path), then
	// composite only where the mask is not zero: vector's own RGBA path
	// blends every pixel of the box, which dominated the tile time.
	p.rasterToMask(w, h)
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
		for x, v := range row {
			if v == 0 {
				continue
			}
			gx := r.Min.X + x - g.Min.X
			for d := max(0, gx-rad); d <= min(gw-1, gx+rad); d++ {
				if out[d] < v {
					out[d] = v
				}
			}
		}
	}
	// vertical into the halo mask
	for ty := 0; ty < gh; ty++ {
		in := t[ty*gw : ty*gw+gw]
		for x, v := range in {
			if v == 0 {
				continue
			}
			for d := max(0, ty-rad); d <= min(gh-1, ty+rad); d++ {
				o := h.m.PixOffset(g.Min.X+x, g.Min.Y+d)
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
	sub := h.m.SubImage(h.bb).(*image.Alpha)
	// composite wants a packed mask: copy rows of the box
	w := h.bb.Dx()
	buf := make([]uint8, w*h.bb.Dy())
	for y := 0; y < h.bb.Dy(); y++ {
		copy(buf[y*w:], sub.Pix[y*sub.Stride:y*sub.Stride+w])
	}
	composite(dst, h.bb, buf, w, c)
}

// composite blends colour c through mask (w bytes a row) onto dst at r,
// taking empty and (for opaque colours) full runs eight pixels at a time.
// Partial pixels are blended in 8-bit premultiplied arithmetic with an
// exact division by 255 done by shifts.
func composite(dst *image.RGBA, r image.Rectangle, mask []uint8, w int, c color.Color) {
	cr, cg, cb, ca := c.RGBA()
	c0, c1, c2, c3 := cr>>8, cg>>8, cb>>8, ca>>8
	opaque := c3 == 0xff
	c32 := c0 | c1<<8 | c2<<16 | c3<<24
	for y := 0; y < r.Dy(); y++ {
		row := mask[y*w : y*w+w]
		off := dst.PixOffset(r.Min.X, r.Min.Y+y)
		pix := dst.Pix[off : off+4*w]
		for x := 0; x < w; {
			if x+8 <= w {
				v := binary.LittleEndian.Uint64(row[x:])
				if v == 0 {
					x += 8
					continue
				}
				if v == ^uint64(0) && opaque {
					p := pix[4*x : 4*x+32]
					for j := 0; j < 32; j += 4 {
						binary.LittleEndian.PutUint32(p[j:], c32)
					}
					x += 8
					continue
				}
			}
			m := uint32(row[x])
			if m == 0 {
				x++
				continue
			}
			p := pix[4*x : 4*x+4]
			if m == 0xff && opaque {
				binary.LittleEndian.PutUint32(p, c32)
				x++
				continue
			}
			ia := 255 - div255(m*c3) // how much of dst shows through
			p[0] = uint8(div255(uint32(p[0])*ia + c0*m))
			p[1] = uint8(div255(uint32(p[1])*ia + c1*m))
			p[2] = uint8(div255(uint32(p[2])*ia + c2*m))
			p[3] = uint8(div255(uint32(p[3])*ia + c3*m))
			x++
		}
	}
}

// div255 is x/255 rounded, for x ≤ 255·255·2.
func div255(x uint32) uint32 {
	x += 128
	return (x + x>>8) >> 8
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
// the left offsets forward, the right offsets back, with bevel joins, plus
// round caps (discs) when round. The ring has the same orientation as
// every other stroke piece, so overlaps saturate rather than cancel; at an
// inner corner the outline loops back on itself, which the nonzero rule
// fills, being covered by both adjacent segments (two edges a segment
// instead of a quad's four plus a join triangle).
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
	side(1, true)
	side(-1, false)
	p.close()
	if round && hw > 1 {
		p.disc(vs[0], hw)
		p.disc(vs[len(vs)-1], hw)
	}
}

// disc adds a circle of radius rad (negative orientation).
func (p *pathBuf) disc(c pt, rad float32) {
	n := max(6, min(int(rad*1.2)+4, 20))
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
