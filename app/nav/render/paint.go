package render

import (
	"image"
	"image/color"
	"math"
	"sort"
	"sync"
)

// layer is one prepared tile placed on the canvas by m.
type layer struct {
	p *prepared
	m affine
}

// labelMode says how labels are placed.
type labelMode uint8

const (
	labelsOff    labelMode = iota
	labelsInside           // per-tile rasters: labels from this tile's data that fit entirely inside it
	labelsView             // a whole view: labels from every tile, kept if they fit inside the view
)

// paintOpts are the drawing parameters of one canvas.
type paintOpts struct {
	zoom   float64 // style zoom (fractional allowed)
	scale  float32 // pixel density: 1 = 256-px tiles
	pal    *palette
	clip   image.Rectangle
	labels labelMode
	// up is the angle (radians, clockwise from the canvas's x axis) of
	// the direction text runs in: 0 on a canvas shown as drawn; a tile
	// shown turned by a bearing θ draws its labels along θ so that they
	// read upright on screen.
	up float64
}

// workspace holds the reusable buffers of one painter goroutine.
type workspace struct {
	pb         *pathBuf
	a, b, c, d []pt
	coll       collision
	hm         haloMask
	textBufs   map[color.RGBA]*pathBuf
	textOrder  []color.RGBA
}

var workspaces = sync.Pool{New: func() any {
	return &workspace{pb: newPathBuf(), textBufs: map[color.RGBA]*pathBuf{}}
}}

var (
	riverW  = stops{{8, 0.5}, {12, 1}, {14, 2}, {16, 4}, {18, 8}}
	streamW = stops{{13, 0.4}, {14, 0.8}, {16, 1.5}, {18, 3}}
	pierW   = stops{{13, 0.8}, {14, 1.5}, {16, 4}, {18, 10}}
	runwayW = stops{{11, 1}, {14, 4}, {16, 12}, {18, 30}}
	boundW  = stops{{0, 0.6}, {10, 0.9}, {14, 1.2}, {18, 1.8}}
)

// paint draws the layers onto dst within o.clip. dst must already hold
// the background.
func paint(dst *image.RGBA, ls []layer, o paintOpts) {
	loadFaces()
	w := workspaces.Get().(*workspace)
	defer workspaces.Put(w)
	cr := rectOf(o.clip)
	pal := o.pal
	z := o.zoom
	sc := float64(o.scale)

	// Consecutive strokes of one colour share a batch (one scanner pass):
	// where their outlines overlap they saturate instead of blending twice.
	// Polygon fills are never merged with strokes, whose rings have a
	// fixed orientation.
	var pendingC color.RGBA
	pendingStroke := false
	flush := func() {
		w.pb.fill(dst, o.clip, pendingC)
		w.pb.reset()
	}
	begin := func(c color.RGBA, stroke bool) {
		if !stroke || !pendingStroke || c != pendingC {
			flush()
		}
		pendingC, pendingStroke = c, stroke
	}
	w.pb.reset()
	fillBucket := func(b bucket, c color.RGBA) {
		begin(c, false)
		pr := cr.inset(-2)
		for _, l := range ls {
			for _, r := range l.p.fills[b] {
				w.a = transform(w.a, r, l.m)
				meets, inside := overlaps(w.a, pr)
				if !meets {
					continue
				}
				if inside {
					w.pb.ring(w.a)
					continue
				}
				var out []pt
				out, w.b = clipPolygon(w.a, pr, w.c, w.b)
				w.c = out
				if len(out) >= 3 {
					w.pb.ring(out)
				}
			}
		}
		flush()
	}
	// strokeLines strokes every line of rs (in all layers) with half-width
	// hw, optionally dashed (on/off in px).
	strokeLines := func(get func(*prepared) [][]pt, hw float32, on, off float32, round bool, c color.RGBA) {
		if hw <= 0.05 {
			return
		}
		begin(c, true)
		pr := cr.inset(-hw - 2)
		emit := func(run []pt) { w.pb.stroke(run, hw, round) }
		emitDash := func(run []pt) { w.d = dash(run, on, off, w.d, emit) }
		for _, l := range ls {
			for _, ln := range get(l.p) {
				w.a = transform(w.a, ln, l.m)
				meets, inside := overlaps(w.a, pr)
				switch {
				case !meets:
					continue
				case inside && on > 0:
					emitDash(w.a)
					continue
				case inside:
					emit(w.a)
					continue
				}
				if on > 0 {
					w.b = clipLine(w.a, pr, w.b, emitDash)
				} else {
					w.b = clipLine(w.a, pr, w.b, emit)
				}
			}
		}
	}
	px := func(s stops) float32 { return float32(s.at(z) * sc) }

	for b := bResidential; b <= bAeroArea; b++ {
		fillBucket(b, pal.fill[b])
	}
	fillBucket(bWater, pal.fill[bWater])
	strokeLines(func(p *prepared) [][]pt { return p.fills[bStream] }, px(streamW)/2, 0, 0, true, pal.fill[bStream])
	strokeLines(func(p *prepared) [][]pt { return p.fills[bRiver] }, px(riverW)/2, 0, 0, true, pal.fill[bRiver])
	fillBucket(bPier, pal.fill[bPier])
	strokeLines(func(p *prepared) [][]pt { return p.fills[bPierLine] }, px(pierW)/2, 0, 0, false, pal.fill[bPierLine])
	strokeLines(func(p *prepared) [][]pt { return p.fills[bRunway] }, px(runwayW)/2, 0, 0, false, pal.fill[bRunway])
	if z >= 12.5 {
		fillBucket(bBuilding, pal.fill[bBuilding])
		if z >= 15 {
			strokeLines(func(p *prepared) [][]pt { return p.fills[bBuilding] }, float32(0.35*sc), 0, 0, false, pal.buildingEdge)
		}
	}

	cas := float32(casingWidth(z) * sc)
	roads := func(lv int, c roadClass) func(*prepared) [][]pt {
		return func(p *prepared) [][]pt { return p.roads[lv][c] }
	}
	for lv := 0; lv < nLevels; lv++ {
		casingColour, fillColour := &pal.casing, &pal.road
		if lv == lvTunnel {
			casingColour, fillColour = &pal.tunnelCasing, &pal.tunnel
		}
		casings := func(c roadClass) {
			hw := px(roadWidth[c]) / 2
			if hw <= 0 || cas == 0 || c < rService || c > rMotorway {
				return
			}
			on, off := float32(0), float32(0)
			if lv == lvTunnel {
				on, off = 4*o.scale, 3*o.scale
			}
			strokeLines(roads(lv, c), hw+cas, on, off, lv != lvBridge, casingColour[c])
		}
		fills := func(c roadClass) {
			hw := px(roadWidth[c]) / 2
			if hw <= 0 {
				return
			}
			switch c {
			case rPath:
				strokeLines(roads(lv, c), hw, 2.5*o.scale, 2*o.scale, false, fillColour[c])
			case rTrack:
				strokeLines(roads(lv, c), hw, 5*o.scale, 2.5*o.scale, false, fillColour[c])
			case rFerry:
				strokeLines(roads(lv, c), hw, 6*o.scale, 4*o.scale, false, fillColour[c])
			case rRail:
				if lv == lvTunnel {
					strokeLines(roads(lv, c), hw, 4*o.scale, 3*o.scale, false, fillColour[c])
					return
				}
				strokeLines(roads(lv, c), hw, 0, 0, false, fillColour[c])
				if z >= 13 && hw > 0.5 {
					strokeLines(roads(lv, c), hw*0.5, 5*o.scale, 5*o.scale, false, pal.railDash)
				}
			default:
				strokeLines(roads(lv, c), hw, 0, 0, true, fillColour[c])
			}
		}
		if lv == lvBridge { // each bridge class on top of the one below
			for c := roadClass(0); c < nRoadClasses; c++ {
				casings(c)
				fills(c)
			}
			continue
		}
		for c := roadClass(0); c < nRoadClasses; c++ {
			casings(c)
		}
		for c := roadClass(0); c < nRoadClasses; c++ {
			fills(c)
		}
	}
	strokeLines(func(p *prepared) [][]pt { return p.fills[bBoundary] }, px(boundW)/2, 6*o.scale, 3*o.scale, false, pal.fill[bBoundary])

	flush()
	if o.labels != labelsOff {
		placeLabels(dst, ls, o, w)
	}
}

// transform maps in to pixels, dropping points closer than simplifyPx to
// the previous kept one (the last point is always kept): at tile zooms a
// feature has several vertices per pixel, and every edge costs the
// rasterizer.
func transform(out, in []pt, m affine) []pt {
	out = out[:0]
	for i, q := range in {
		p := m.apply(q)
		if n := len(out); n > 0 && i < len(in)-1 {
			d := out[n-1]
			if dx, dy := p.X-d.X, p.Y-d.Y; dx*dx+dy*dy < simplifyPx*simplifyPx {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

const simplifyPx = 0.6

// overlaps reports whether the bounding box of ps meets r, and whether
// it lies inside r.
func overlaps(ps []pt, r rect) (meets, inside bool) {
	if len(ps) == 0 {
		return false, false
	}
	x0, y0, x1, y1 := ps[0].X, ps[0].Y, ps[0].X, ps[0].Y
	for _, q := range ps[1:] {
		if q.X < x0 {
			x0 = q.X
		} else if q.X > x1 {
			x1 = q.X
		}
		if q.Y < y0 {
			y0 = q.Y
		} else if q.Y > y1 {
			y1 = q.Y
		}
	}
	meets = x1 >= r.X0 && x0 <= r.X1 && y1 >= r.Y0 && y0 <= r.Y1
	return meets, meets && x0 >= r.X0 && x1 <= r.X1 && y0 >= r.Y0 && y1 <= r.Y1
}

// collision is a grid index of occupied label boxes.
type collision struct {
	boxes []rect
	cells map[[2]int32][]int32
}

const cellPx = 64

func (c *collision) reset() {
	c.boxes = c.boxes[:0]
	if c.cells == nil {
		c.cells = map[[2]int32][]int32{}
	}
	clear(c.cells)
}

func (c *collision) hits(b rect) bool {
	for cy := int32(math.Floor(float64(b.Y0 / cellPx))); cy <= int32(math.Floor(float64(b.Y1/cellPx))); cy++ {
		for cx := int32(math.Floor(float64(b.X0 / cellPx))); cx <= int32(math.Floor(float64(b.X1/cellPx))); cx++ {
			for _, i := range c.cells[[2]int32{cx, cy}] {
				o := c.boxes[i]
				if b.X0 < o.X1 && b.X1 > o.X0 && b.Y0 < o.Y1 && b.Y1 > o.Y0 {
					return true
				}
			}
		}
	}
	return false
}

func (c *collision) insert(b rect) {
	i := int32(len(c.boxes))
	c.boxes = append(c.boxes, b)
	for cy := int32(math.Floor(float64(b.Y0 / cellPx))); cy <= int32(math.Floor(float64(b.Y1/cellPx))); cy++ {
		for cx := int32(math.Floor(float64(b.X0 / cellPx))); cx <= int32(math.Floor(float64(b.X1/cellPx))); cx++ {
			k := [2]int32{cx, cy}
			c.cells[k] = append(c.cells[k], i)
		}
	}
}

// candidate is a label in pixel space.
type candidate struct {
	l   *label
	m   affine
	at  pt
	sum float32 // for a deterministic order
}

// placeLabels places and draws labels, most important first, each only if
// it does not overlap one already placed (collision index over the whole
// canvas). In labelsInside mode a label must also fit entirely inside the
// clip rectangle: per-tile rasters then never cut a label at a tile edge
// and never collide with a neighbour's labels, because no label crosses
// an edge.
func placeLabels(dst *image.RGBA, ls []layer, o paintOpts, w *workspace) {
	w.coll.reset()
	if o.labels == labelsView { // keep clear of the attribution
		w.coll.insert(attributionRect(o.clip, o.scale))
	}
	for _, c := range w.textOrder {
		w.textBufs[c].reset()
	}
	sc := o.scale
	bound := rectOf(o.clip)
	if o.labels == labelsInside {
		bound = bound.inset(1)
	}
	var cands []candidate
	for _, l := range ls {
		for i := range l.p.labels {
			lb := &l.p.labels[i]
			if o.zoom < lb.minZ {
				continue
			}
			at := l.m.apply(lb.at)
			if lb.kind == lkRoad {
				at = l.m.apply(lb.line[0])
			} else if !bound.inset(-2).contains(at) {
				continue
			}
			cands = append(cands, candidate{lb, l.m, at, at.X + 3*at.Y})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.l.rank != b.l.rank {
			return a.l.rank < b.l.rank
		}
		if a.l.text != b.l.text {
			return a.l.text < b.l.text
		}
		return a.sum < b.sum
	})
	textBuf := func(c color.RGBA) *pathBuf {
		b, ok := w.textBufs[c]
		if !ok {
			b = newPathBuf()
			b.reset()
			w.textBufs[c] = b
			w.textOrder = append(w.textOrder, c)
		}
		return b
	}
	ax := axesOf(o.up)
	haloW := 1.6 * sc
	ok := func(b rect) bool { return insideRect(b, bound) && !w.coll.hits(b) }
	roadSeen := map[string][]pt{}
	var icons []iconAt
	var tmp []pt
	for _, cd := range cands {
		lb := cd.l
		switch {
		case lb.kind == lkRoad:
			ln := transform(nil, lb.line, cd.m)
			if near(roadSeen[lb.text], ln, 160*sc) {
				continue
			}
			glyphs, boxes := alongPath(ln, lb.text, lb.size*sc, faces.medium, o.up)
			if glyphs == nil {
				continue
			}
			good := true
			for _, b := range boxes {
				if !ok(b) {
					good = false
					break
				}
			}
			if !good {
				continue
			}
			for _, b := range boxes {
				w.coll.insert(b)
			}
			fb := textBuf(o.pal.roadText)
			for _, g := range glyphs {
				tmp = g.emit(fb, tmp)
			}
			mid := glyphs[len(glyphs)/2].o
			roadSeen[lb.text] = append(roadSeen[lb.text], mid)
		case lb.icon != iconNone:
			r := 7.5 * sc
			b := rect{cd.at.X - r - 1, cd.at.Y - r - 1, cd.at.X + r + 1, cd.at.Y + r + 1}
			if !ok(b) {
				continue
			}
			w.coll.insert(b)
			icons = append(icons, iconAt{lb.icon, cd.at, r})
		default:
			fc, col := faces.regular, o.pal.text
			switch lb.kind {
			case lkPlace:
				fc, col = faces.bold, o.pal.placeText
				if lb.rank >= 4 {
					fc = faces.medium
				}
			case lkWater:
				fc, col = faces.italic, o.pal.waterText
			}
			size := lb.size * sc
			tw := fc.measure(lb.text, size)
			b := ax.box(cd.at, -tw/2-2*sc, -0.6*size, tw/2+2*sc, 0.55*size)
			if tw == 0 || !ok(b) {
				continue
			}
			w.coll.insert(b)
			fb := textBuf(col)
			x := -tw / 2
			for _, r := range lb.text {
				g := fc.glyph(r)
				tmp = placedGlyph{g, ax.at(cd.at, x, 0.35*size), o.up, size}.emit(fb, tmp)
				x += g.adv * size / glyphPPEM
			}
		}
	}
	drawIcons(dst, o, icons, w)
	// Text: rasterize each colour's glyphs to a mask, grow the masks into
	// one halo mask, draw the halo, then the text over it.
	w.hm.reset(o.clip)
	rad := max(1, int(haloW+0.5))
	rects := make([]image.Rectangle, len(w.textOrder))
	for i, c := range w.textOrder {
		tb := w.textBufs[c]
		if rects[i] = tb.rasterize(o.clip); !rects[i].Empty() {
			w.hm.dilated(&tb.mask, rects[i], rad)
		}
	}
	w.hm.draw(dst, o.pal.halo)
	for i, c := range w.textOrder {
		if r := rects[i]; !r.Empty() {
			composite(dst, r, w.textBufs[c].mask.Pix, r.Dx(), c)
		}
	}
}

// axes are the directions text runs (x) and its downward (y) in canvas
// pixels: the canvas's own axes when up is 0.
type axes struct{ x, y pt }

func axesOf(up float64) axes {
	if up == 0 {
		return axes{pt{1, 0}, pt{0, 1}}
	}
	s, c := math.Sincos(up)
	return axes{pt{float32(c), float32(s)}, pt{float32(-s), float32(c)}}
}

// at is the point dx along and dy below o in text space.
func (a axes) at(o pt, dx, dy float32) pt {
	return pt{o.X + a.x.X*dx + a.y.X*dy, o.Y + a.x.Y*dx + a.y.Y*dy}
}

// box is the canvas bounding box of the text-space rectangle (x0, y0)–
// (x1, y1) around o.
func (a axes) box(o pt, x0, y0, x1, y1 float32) rect {
	b := rect{math.MaxFloat32, math.MaxFloat32, -math.MaxFloat32, -math.MaxFloat32}
	for _, q := range [4]pt{a.at(o, x0, y0), a.at(o, x1, y0), a.at(o, x0, y1), a.at(o, x1, y1)} {
		b = rect{min(b.X0, q.X), min(b.Y0, q.Y), max(b.X1, q.X), max(b.Y1, q.Y)}
	}
	return b
}

func insideRect(b, r rect) bool { return b.X0 >= r.X0 && b.Y0 >= r.Y0 && b.X1 <= r.X1 && b.Y1 <= r.Y1 }

// near reports whether any point of ln lies within d of a point in seen.
func near(seen []pt, ln []pt, d float32) bool {
	for _, s := range seen {
		for _, q := range ln {
			dx, dy := s.X-q.X, s.Y-q.Y
			if dx*dx+dy*dy < d*d {
				return true
			}
		}
	}
	return false
}

// alongPath lays text out along the polyline ln, centred on the line's
// middle, each glyph rotated to the local direction and kept upright. It
// returns nil if the line is too short or bends too sharply under the
// text. The boxes are the glyphs' axis-aligned bounds for collisions.
func alongPath(ln []pt, text string, size float32, fc *face, up float64) ([]placedGlyph, []rect) {
	if len(ln) < 2 || text == "" {
		return nil, nil
	}
	cum := make([]float32, len(ln))
	for i := 1; i < len(ln); i++ {
		cum[i] = cum[i-1] + dist(ln[i-1], ln[i])
	}
	total := cum[len(cum)-1]
	tw := fc.measure(text, size)
	if tw == 0 || total < tw+size {
		return nil, nil
	}
	// upright: read left to right, "right" being the direction up names
	ax := axesOf(up)
	if d := (pt{ln[len(ln)-1].X - ln[0].X, ln[len(ln)-1].Y - ln[0].Y}); d.X*ax.x.X+d.Y*ax.x.Y < 0 {
		rev := make([]pt, len(ln))
		for i := range ln {
			rev[i] = ln[len(ln)-1-i]
		}
		ln = rev
		for i := 1; i < len(ln); i++ {
			cum[i] = cum[i-1] + dist(ln[i-1], ln[i])
		}
	}
	at := func(s float32) (pt, float64) {
		i := sort.Search(len(cum), func(i int) bool { return cum[i] >= s })
		i = max(1, min(i, len(cum)-1))
		a, b := ln[i-1], ln[i]
		seg := cum[i] - cum[i-1]
		t := float32(0)
		if seg > 0 {
			t = (s - cum[i-1]) / seg
		}
		return pt{a.X + t*(b.X-a.X), a.Y + t*(b.Y-a.Y)}, math.Atan2(float64(b.Y-a.Y), float64(b.X-a.X))
	}
	for _, start := range [...]float32{(total - tw) / 2, (total - tw) / 4, 3 * (total - tw) / 4} {
		var gs []placedGlyph
		var boxes []rect
		s := start
		prevA := math.NaN()
		good := true
		for _, r := range text {
			g := fc.glyph(r)
			adv := g.adv * size / glyphPPEM
			c, a := at(s + adv/2)
			if !math.IsNaN(prevA) {
				d := math.Abs(math.Remainder(a-prevA, 2*math.Pi))
				if d > 0.5 {
					good = false
					break
				}
			}
			if math.Abs(math.Remainder(a-up, 2*math.Pi)) > math.Pi/2+0.3 {
				good = false // would read upside down
				break
			}
			prevA = a
			sin, cos := math.Sincos(a)
			sn, cs := float32(sin), float32(cos)
			// baseline origin: back half an advance, down so the line runs through the x-height middle
			ox := c.X - cs*adv/2 - sn*0.35*size
			oy := c.Y - sn*adv/2 + cs*0.35*size
			gs = append(gs, placedGlyph{g, pt{ox, oy}, a, size})
			h := 0.55 * size
			boxes = append(boxes, rect{c.X - h, c.Y - h, c.X + h, c.Y + h})
			s += adv
		}
		if good {
			return gs, boxes
		}
	}
	return nil, nil
}

func dist(a, b pt) float32 { return float32(math.Hypot(float64(b.X-a.X), float64(b.Y-a.Y))) }
