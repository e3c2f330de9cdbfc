package render

import (
	"math"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// glyphPPEM is the size at which outlines are loaded and cached; drawing
// scales them, so one cache serves every label size and rotation.
const glyphPPEM = 256

// glyph is a flattened outline at glyphPPEM (y down, origin on the
// baseline) and its advance.
type glyph struct {
	rings [][]pt
	adv   float32
}

// face is one font with a glyph outline cache; safe for concurrent use.
type face struct {
	f      *sfnt.Font
	mu     sync.Mutex
	buf    sfnt.Buffer
	glyphs map[rune]*glyph
}

var faces struct {
	once                          sync.Once
	regular, bold, italic, medium *face
}

func loadFaces() {
	faces.once.Do(func() {
		mk := func(ttf []byte) *face {
			f, err := sfnt.Parse(ttf)
			if err != nil {
				panic("render: embedded Go font does not parse: " + err.Error())
			}
			return &face{f: f, glyphs: map[rune]*glyph{}}
		}
		faces.regular, faces.bold = mk(goregular.TTF), mk(gobold.TTF)
		faces.italic, faces.medium = mk(goitalic.TTF), mk(gomedium.TTF)
	})
}

// glyph returns the outline of r (the font's .notdef box for runes it
// lacks).
func (fc *face) glyph(r rune) *glyph {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if g, ok := fc.glyphs[r]; ok {
		return g
	}
	g := &glyph{}
	idx, err := fc.f.GlyphIndex(&fc.buf, r)
	if err == nil {
		ppem := fixed.I(glyphPPEM)
		if adv, err := fc.f.GlyphAdvance(&fc.buf, idx, ppem, 0); err == nil {
			g.adv = float32(adv) / 64
		}
		if segs, err := fc.f.LoadGlyph(&fc.buf, idx, ppem, nil); err == nil {
			g.rings = flatten(segs)
		}
	}
	if len(fc.glyphs) < 4096 {
		fc.glyphs[r] = g
	}
	return g
}

func flatten(segs sfnt.Segments) [][]pt {
	var rings [][]pt
	var cur []pt
	f := func(p fixed.Point26_6) pt { return pt{float32(p.X) / 64, float32(p.Y) / 64} }
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			if len(cur) > 2 {
				rings = append(rings, cur)
			}
			cur = []pt{f(s.Args[0])}
		case sfnt.SegmentOpLineTo:
			cur = append(cur, f(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			a, b, c := cur[len(cur)-1], f(s.Args[0]), f(s.Args[1])
			for i := 1; i <= 6; i++ {
				t := float32(i) / 6
				u := 1 - t
				cur = append(cur, pt{u*u*a.X + 2*u*t*b.X + t*t*c.X, u*u*a.Y + 2*u*t*b.Y + t*t*c.Y})
			}
		case sfnt.SegmentOpCubeTo:
			a, b, c, d := cur[len(cur)-1], f(s.Args[0]), f(s.Args[1]), f(s.Args[2])
			for i := 1; i <= 8; i++ {
				t := float32(i) / 8
				u := 1 - t
				cur = append(cur, pt{
					u*u*u*a.X + 3*u*u*t*b.X + 3*u*t*t*c.X + t*t*t*d.X,
					u*u*u*a.Y + 3*u*u*t*b.Y + 3*u*t*t*c.Y + t*t*t*d.Y})
			}
		}
	}
	if len(cur) > 2 {
		rings = append(rings, cur)
	}
	return rings
}

// measure returns the advance width of s at size px.
func (fc *face) measure(s string, size float32) float32 {
	var w float32
	for _, r := range s {
		w += fc.glyph(r).adv
	}
	return w * size / glyphPPEM
}

// placedGlyph is one glyph positioned for drawing: baseline origin o,
// rotation angle (radians), size px.
type placedGlyph struct {
	g     *glyph
	o     pt
	angle float64
	size  float32
}

// emit adds the glyph's rings, placed, to fill.
func (pg placedGlyph) emit(fill *pathBuf, tmp []pt) []pt {
	k := pg.size / glyphPPEM
	sin, cos := math.Sincos(pg.angle)
	s, c := float32(sin)*k, float32(cos)*k
	for _, r := range pg.g.rings {
		tmp = tmp[:0]
		for _, q := range r {
			tmp = append(tmp, pt{pg.o.X + c*q.X - s*q.Y, pg.o.Y + s*q.X + c*q.Y})
		}
		fill.ring(tmp)
	}
	return tmp
}
