package render

import (
	"encoding/binary"
	"image"
	"image/color"
	"math/bits"
	"sync"
)

// scanner is the package's polygon rasterizer: exact-area anti-aliasing
// by signed-area accumulation along scanlines. Every edge adds, in each
// row it crosses, the area it sweeps to each pixel it touches and its
// height (the winding it carries) to the first pixel right of it; a
// pixel's coverage is then the running sum along its row, taken as
// min(1, |sum|) — the rule x/image/vector applies, so rings of opposite
// orientation cut holes and rings of one orientation saturate.
//
// Unlike x/image/vector it never visits the whole bounding box: rows are
// split into chunkPx-pixel chunks with a bitmap of the chunks an edge
// touched. The sweep reads (and clears) only marked chunks; between two of
// them the running sum is constant, so that stretch is one span of one
// coverage — skipped when zero, stored as whole pixels when full. Spans
// are blended straight into the destination (or written to an alpha mask
// for text, whose halo needs one); there is no mask to clear or scan.
type scanner struct {
	w, h   int      // band being drawn, pixels
	stride int      // accumulator row length: w+2 rounded up to chunkPx
	words  int      // bitmap words a row
	acc    []int32  // stride·h, fixed point (one); all zero between draws
	marks  []uint64 // words·h; all zero between draws
	y0, y1 int      // rows touched [y0, y1)

	solid []byte    // a row of the solid colour, copied into full spans
	bins  [][]int32 // rings to trace in each band
}

const (
	chunkShift = 3
	chunkPx    = 1 << chunkShift
	// bandPx is the height of a band: its accumulator (2 KB a row for a
	// 512-px tile) stays in the cache between tracing and sweeping.
	bandPx = 64
	// maxCells bounds the accumulator of a band (2 MB).
	maxCells = 1 << 19
)

var scanners = sync.Pool{New: func() any { return new(scanner) }}

// reset prepares an empty band of w×h pixels.
func (s *scanner) reset(w, h int) {
	s.w, s.h = w, h
	s.stride = (w + 2 + chunkPx - 1) &^ (chunkPx - 1)
	s.words = (s.stride>>chunkShift + 63) >> 6
	if n := s.stride * h; cap(s.acc) < n {
		s.acc = make([]int32, n)
	}
	if n := s.words * h; cap(s.marks) < n {
		s.marks = make([]uint64, n)
	}
	s.acc = s.acc[:s.stride*h]
	s.marks = s.marks[:s.words*h]
	s.y0, s.y1 = h, 0
}

// finite reports whether v is a usable coordinate (not NaN, not huge).
func finite(v float32) bool { return v > -1e8 && v < 1e8 }

// line adds the edge (x0,y0)→(x1,y1), in band pixels. Parts above or
// below the band are dropped, parts right of it too (they cannot change
// a pixel to their left), parts left of it are moved onto its left
// border, where they carry the same winding.
func (s *scanner) line(x0, y0, x1, y1 float32) {
	if !finite(x0) || !finite(y0) || !finite(x1) || !finite(y1) || y0 == y1 {
		return
	}
	dir := float32(1)
	if y0 > y1 {
		x0, y0, x1, y1 = x1, y1, x0, y0
		dir = -1
	}
	h := float32(s.h)
	if y1 <= 0 || y0 >= h {
		return
	}
	dxdy := (x1 - x0) / (y1 - y0)
	if y0 < 0 {
		x0 -= y0 * dxdy
		y0 = 0
	}
	if y1 > h {
		x1 -= (y1 - h) * dxdy
		y1 = h
	}
	if y0 >= y1 {
		return
	}
	s.clipX(x0, y0, x1, y1, dir)
}

// clipX splits an edge (y0 < y1, inside the band's rows) at the band's
// left and right borders.
func (s *scanner) clipX(x0, y0, x1, y1, dir float32) {
	w := float32(s.w)
	switch {
	case x0 >= w && x1 >= w:
		return
	case x0 <= 0 && x1 <= 0:
		s.trace(0, y0, 0, y1, dir)
	case (x0 < 0) != (x1 < 0):
		ym := min(max(y0+(0-x0)*(y1-y0)/(x1-x0), y0), y1)
		s.clipX(x0, y0, 0, ym, dir)
		s.clipX(0, ym, x1, y1, dir)
	case (x0 > w) != (x1 > w):
		ym := min(max(y0+(w-x0)*(y1-y0)/(x1-x0), y0), y1)
		s.clipX(x0, y0, w, ym, dir)
		s.clipX(w, ym, x1, y1, dir)
	default:
		s.trace(x0, y0, x1, y1, dir)
	}
}

// trace accumulates an edge lying inside the band (0 ≤ x ≤ w, 0 ≤ y0 <
// y1 ≤ h); dir is +1 for a downward edge, -1 for an upward one.
func (s *scanner) trace(x0, y0, x1, y1, dir float32) {
	if !(y0 < y1) {
		return
	}
	w := float32(s.w)
	dxdy := (x1 - x0) / (y1 - y0)
	ry0, ry1 := int(y0), int(y1)
	if float32(ry1) < y1 {
		ry1++
	}
	if ry1 > s.h {
		ry1 = s.h
	}
	if ry0 < s.y0 {
		s.y0 = ry0
	}
	if ry1 > s.y1 {
		s.y1 = ry1
	}
	acc, marks, stride, words := s.acc, s.marks, s.stride, s.words
	dir *= one
	x, top := x0, y0
	for y := ry0; y < ry1; y++ {
		bot := float32(y + 1)
		if bot > y1 {
			bot = y1
		}
		dy := bot - top
		top = bot
		xn := x + dxdy*dy
		if xn < 0 {
			xn = 0
		} else if xn > w {
			xn = w
		}
		d := dy * dir
		D := int32(d) // the edge's winding in this row; its pieces add up to it
		xa, xb := x, xn
		if xn < x {
			xa, xb = xn, x
		}
		ia, ib := int(xa), int(xb)
		if float32(ib) < xb {
			ib++
		}
		base := y * stride
		if ib <= ia+1 {
			// within one pixel: its area right of the edge's mid-point
			r := int32(d * (0.5*(x+xn) - float32(ia)))
			acc[base+ia] += D - r
			acc[base+ia+1] += r
			ib = ia + 1
		} else {
			// across pixels ia..ib-1: the area right of the edge grows
			// quadratically in the first and last pixel, linearly between
			k := 1 / (xb - xa)
			fx := 1 - (xa - float32(ia))
			lx := xb - float32(ib) + 1
			a0 := 0.5 * k * fx * fx
			c0 := int32(d * a0)
			cm := int32(d * 0.5 * k * lx * lx)
			if ib == ia+2 {
				acc[base+ia] += c0
				acc[base+ia+1] += D - c0 - cm
			} else {
				c1 := int32(d * (k*(fx+0.5) - a0))
				dk := int32(d * k)
				mid := acc[base+ia+2 : base+ib-1]
				for i := range mid {
					mid[i] += dk
				}
				acc[base+ia] += c0
				acc[base+ia+1] += c1
				acc[base+ib-1] += D - c0 - c1 - int32(len(mid))*dk - cm
			}
			acc[base+ib] += cm
		}
		mb := y * words
		c0, c1 := uint(ia>>chunkShift), uint(ib>>chunkShift)
		marks[mb+int(c0>>6)] |= 1 << (c0 & 63)
		marks[mb+int(c1>>6)] |= 1 << (c1 & 63)
		for c := c0 + 1; c < c1; c++ {
			marks[mb+int(c>>6)] |= 1 << (c & 63)
		}
		x = xn
	}
}

// one is full coverage in the accumulator's fixed point.
const one = 1 << 16

// coverage turns an accumulated sum into an 8-bit coverage.
func coverage(a int32) uint32 {
	if a < 0 {
		a = -a
	}
	if a >= one {
		return 255
	}
	return (uint32(a)*255 + one/2) >> 16
}

// paintTarget is where a sweep puts coverage: blended in a colour onto
// an RGBA image, or stored in an alpha mask (Pix of mask non-nil).
type paintTarget struct {
	dst            *image.RGBA
	c0, c1, c2, c3 uint32 // premultiplied colour, 8 bits
	c32            uint32 // the colour as one little-endian pixel
	cs             uint64 // the colour spread to 16 bits a channel
	opaque         bool
	mask           *image.Alpha
	ox, oy         int // band origin in dst (or mask) coordinates
}

func colourTarget(dst *image.RGBA, c color.Color) paintTarget {
	cr, cg, cb, ca := c.RGBA()
	t := paintTarget{dst: dst, c3: ca >> 8}
	// premultiplied: no channel above alpha (blend relies on it)
	t.c0, t.c1, t.c2 = min(cr>>8, t.c3), min(cg>>8, t.c3), min(cb>>8, t.c3)
	t.opaque = t.c3 == 0xff
	t.cs = uint64(t.c0) | uint64(t.c1)<<16 | uint64(t.c2)<<32 | uint64(t.c3)<<48
	t.c32 = t.c0 | t.c1<<8 | t.c2<<16 | t.c3<<24
	return t
}

// sweep turns the accumulated rows into coverage for t and leaves the
// accumulator and the marks zero.
func (s *scanner) sweep(t *paintTarget) {
	if t.mask == nil && t.opaque {
		if n := 4 * s.w; len(s.solid) < n || binary.LittleEndian.Uint32(s.solid) != t.c32 {
			if cap(s.solid) < n {
				s.solid = make([]byte, n)
			}
			s.solid = s.solid[:n]
			for i := 0; i < n; i += 4 {
				binary.LittleEndian.PutUint32(s.solid[i:], t.c32)
			}
		}
	}
	for y := s.y0; y < s.y1; y++ {
		row := s.acc[y*s.stride : (y+1)*s.stride]
		marks := s.marks[y*s.words : (y+1)*s.words]
		var sum int32
		end := 0 // pixels before end are done
		for wi, m := range marks {
			if m == 0 {
				continue
			}
			marks[wi] = 0
			for m != 0 {
				c := wi<<6 + bits.TrailingZeros64(m)
				m &= m - 1
				xs := c << chunkShift
				if xs > end {
					if v := coverage(sum); v != 0 {
						t.span(y, end, min(xs, s.w), v, s.solid)
					}
				}
				ch := row[xs : xs+chunkPx]
				n := max(0, min(chunkPx, s.w-xs))
				switch {
				case n == 0:
				case t.mask != nil:
					sum = t.maskChunk(y, xs, ch[:n], sum)
				default:
					sum = t.blendChunk(y, xs, ch[:n], sum)
				}
				for _, a := range ch[n:] {
					sum += a
				}
				*(*[chunkPx]int32)(ch) = [chunkPx]int32{}
				end = xs + chunkPx
			}
		}
		if end < s.w {
			if v := coverage(sum); v != 0 {
				t.span(y, end, s.w, v, s.solid)
			}
		}
	}
	s.y0, s.y1 = s.h, 0
}

// blendChunk blends the pixels of band row y from x0 on whose
// accumulator cells are ch, starting with running sum sum, and returns
// the sum at the end.
func (t *paintTarget) blendChunk(y, x0 int, ch []int32, sum int32) int32 {
	o := t.dst.PixOffset(t.ox+x0, t.oy+y)
	if len(ch) == chunkPx { // a whole chunk: fixed bounds, no checks in the loop
		c := (*[chunkPx]int32)(ch)
		px := (*[4 * chunkPx]byte)(t.dst.Pix[o : o+4*chunkPx])
		for i := range chunkPx {
			sum += c[i]
			if uint32(sum+128) <= 256 { // |sum| ≤ 128: rounds to zero coverage
				continue
			}
			v := sum
			if v < 0 {
				v = -v
			}
			p := px[4*i : 4*i+4 : 4*i+4]
			if v >= one-128 {
				if t.opaque {
					binary.LittleEndian.PutUint32(p, t.c32)
					continue
				}
				v = one
			}
			// t.blend, by hand: the compiler does not inline it
			m := (uint32(v)*255 + one/2) >> 16
			ia := uint64(255 - div255(m*t.c3))
			q := uint64(binary.LittleEndian.Uint32(p))
			q = (q | q<<16) & 0x0000ffff0000ffff
			q = (q | q<<8) & 0x00ff00ff00ff00ff
			q = q*ia + t.cs*uint64(m) + 0x0080008000800080
			q = (q + (q>>8)&0x00ff00ff00ff00ff) >> 8 & 0x00ff00ff00ff00ff
			q = (q | q>>8) & 0x0000ffff0000ffff
			binary.LittleEndian.PutUint32(p, uint32(q|q>>16))
		}
		return sum
	}
	pix := t.dst.Pix[o : o+4*len(ch)]
	for i, a := range ch {
		sum += a
		if uint32(sum+128) <= 256 { // |sum| ≤ 128: rounds to zero coverage
			continue
		}
		v := sum
		if v < 0 {
			v = -v
		}
		p := (*[4]byte)(pix[4*i:])
		if v >= one-128 {
			if t.opaque {
				binary.LittleEndian.PutUint32(p[:], t.c32)
				continue
			}
			v = one
		}
		// t.blend, by hand: the compiler does not inline it
		m := (uint32(v)*255 + one/2) >> 16
		ia := uint64(255 - div255(m*t.c3))
		q := uint64(binary.LittleEndian.Uint32(p[:]))
		q = (q | q<<16) & 0x0000ffff0000ffff
		q = (q | q<<8) & 0x00ff00ff00ff00ff
		q = q*ia + t.cs*uint64(m) + 0x0080008000800080
		q = (q + (q>>8)&0x00ff00ff00ff00ff) >> 8 & 0x00ff00ff00ff00ff
		q = (q | q>>8) & 0x0000ffff0000ffff
		binary.LittleEndian.PutUint32(p[:], uint32(q|q>>16))
	}
	return sum
}

// blend returns pixel p (RGBA bytes, little endian) under the target
// colour at coverage m (0..255): all four channels at once, 16 bits a
// channel, each divided by 255 with rounding.
func (t *paintTarget) blend(p, m uint32) uint32 {
	ia := uint64(255 - div255(m*t.c3)) // how much of p shows through
	q := uint64(p)
	q = (q | q<<16) & 0x0000ffff0000ffff
	q = (q | q<<8) & 0x00ff00ff00ff00ff
	// ≤ 255·ia + c·m ≤ 255·255 a channel, since c ≤ c3
	q = q*ia + t.cs*uint64(m) + 0x0080008000800080
	q = (q + (q>>8)&0x00ff00ff00ff00ff) >> 8 & 0x00ff00ff00ff00ff
	q = (q | q>>8) & 0x0000ffff0000ffff
	return uint32(q | q>>16)
}

// maskChunk is blendChunk for an alpha mask target.
func (t *paintTarget) maskChunk(y, x0 int, ch []int32, sum int32) int32 {
	o := t.mask.PixOffset(t.ox+x0, t.oy+y)
	px := t.mask.Pix[o : o+len(ch)]
	for i, a := range ch {
		sum += a
		px[i] = uint8(coverage(sum))
	}
	return sum
}

// span covers pixels [x0, x1) of band row y with coverage v.
func (t *paintTarget) span(y, x0, x1 int, v uint32, solid []byte) {
	if x0 >= x1 {
		return
	}
	if t.mask != nil {
		o := t.mask.PixOffset(t.ox+x0, t.oy+y)
		row := t.mask.Pix[o : o+x1-x0]
		for i := range row {
			row[i] = uint8(v)
		}
		return
	}
	o := t.dst.PixOffset(t.ox+x0, t.oy+y)
	pix := t.dst.Pix[o : o+4*(x1-x0)]
	if v == 255 && t.opaque {
		copy(pix, solid)
		return
	}
	for i := 0; i < len(pix); i += 4 {
		p := (*[4]byte)(pix[i:])
		binary.LittleEndian.PutUint32(p[:], t.blend(binary.LittleEndian.Uint32(p[:]), v))
	}
}

// pixels applies per-pixel coverage cov to band row y from x0 on.
func (t *paintTarget) pixels(y, x0 int, cov []uint8) {
	if t.mask != nil {
		o := t.mask.PixOffset(t.ox+x0, t.oy+y)
		copy(t.mask.Pix[o:o+len(cov)], cov)
		return
	}
	o := t.dst.PixOffset(t.ox+x0, t.oy+y)
	pix := t.dst.Pix[o : o+4*len(cov)]
	for i, m := range cov {
		if m == 0 {
			continue
		}
		p := pix[4*i : 4*i+4 : 4*i+4]
		if m == 255 && t.opaque {
			binary.LittleEndian.PutUint32(p, t.c32)
			continue
		}
		binary.LittleEndian.PutUint32(p, t.blend(binary.LittleEndian.Uint32(p), uint32(m)))
	}
}

// div255 is x/255 rounded, for x ≤ 255·255·2.
func div255(x uint32) uint32 {
	x += 128
	return (x + x>>8) >> 8
}

// draw rasterizes the rings of p that may show in r (pixels of t's
// destination) and sweeps them into t, band by band: a band's
// accumulator stays in cache between tracing and sweeping, and each ring
// is traced only in the bands its bounding box meets.
func (s *scanner) draw(p *pathBuf, r image.Rectangle, t *paintTarget) {
	w := r.Dx()
	bandH := max(1, min(bandPx, maxCells/((w+2+chunkPx-1)&^(chunkPx-1))))
	nb := (r.Dy() + bandH - 1) / bandH
	if cap(s.bins) < nb {
		s.bins = make([][]int32, nb)
	}
	s.bins = s.bins[:nb]
	for i := range s.bins {
		s.bins[i] = s.bins[i][:0]
	}
	x0, x1 := float32(r.Min.X), float32(r.Max.X)
	y0 := float32(r.Min.Y)
	for i, b := range p.rb {
		// a closed ring wholly left of the box adds zero winding to every
		// row: skip it, like rings above, below or right of the box
		if b.X0 >= x1 || b.X1 <= x0 || !(b.Y1 > y0) {
			continue
		}
		b0 := int(max(0, (b.Y0-y0)/float32(bandH)))
		b1 := int(min(float32(nb-1), (b.Y1-y0)/float32(bandH)))
		for k := b0; k <= b1; k++ {
			s.bins[k] = append(s.bins[k], int32(i))
		}
	}
	t.ox = r.Min.X
	for k, rings := range s.bins {
		if len(rings) == 0 {
			continue
		}
		by := r.Min.Y + k*bandH
		s.reset(w, min(bandH, r.Max.Y-by))
		ox, oy := float32(r.Min.X), float32(by)
		bx1, by1 := ox+float32(s.w), oy+float32(s.h)
		for _, i := range rings {
			start := 0
			if i > 0 {
				start = p.ends[i-1]
			}
			xy := p.xy[2*start : 2*p.ends[i]]
			px, py := xy[len(xy)-2]-ox, xy[len(xy)-1]-oy
			if b := p.rb[i]; b.X0 >= ox && b.X1 <= bx1 && b.Y0 >= oy && b.Y1 <= by1 {
				// inside the band: no clipping
				for j := 0; j < len(xy); j += 2 {
					qx, qy := xy[j]-ox, xy[j+1]-oy
					if py < qy {
						s.trace(px, py, qx, qy, 1)
					} else if qy < py {
						s.trace(qx, qy, px, py, -1)
					}
					px, py = qx, qy
				}
				continue
			}
			for j := 0; j < len(xy); j += 2 {
				qx, qy := xy[j]-ox, xy[j+1]-oy
				s.line(px, py, qx, qy)
				px, py = qx, qy
			}
		}
		t.oy = by
		s.sweep(t)
	}
}
