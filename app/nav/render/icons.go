package render

import (
	"image"
	"image/color"
	"math"
)

type colorRGBA = color.RGBA

var cos, sin = math.Cos, math.Sin

// iconAt is a placed POI icon: centre c, radius r in pixels.
type iconAt struct {
	kind iconKind
	c    pt
	r    float32
}

// drawIcons draws the POI icons as small vector glyphs: a halo ring, a
// coloured disc (a rounded square for parking) and a white symbol — a
// fuel pump, a lightning bolt, a "P".
func drawIcons(dst *image.RGBA, o paintOpts, icons []iconAt, w *workspace) {
	if len(icons) == 0 {
		return
	}
	pb := w.pb
	ax := axesOf(o.up) // the symbols stand upright as the text does
	pb.reset()
	for _, ic := range icons {
		pb.disc(ic.c, ic.r+1.2*o.scale)
	}
	pb.fill(dst, o.clip, o.pal.halo)
	for _, kind := range [...]iconKind{iconFuel, iconCharge, iconParking} {
		pb.reset()
		for _, ic := range icons {
			if ic.kind != kind {
				continue
			}
			if kind == iconParking {
				roundSquare(pb, ic.c, ic.r*0.92, ic.r*0.3, ax)
			} else {
				pb.disc(ic.c, ic.r)
			}
		}
		col := map[iconKind]colorRGBA{iconFuel: o.pal.fuel, iconCharge: o.pal.charge, iconParking: o.pal.park}[kind]
		pb.fill(dst, o.clip, col)
	}
	pb.reset()
	var tmp []pt
	for _, ic := range icons {
		u := ic.r / 7 // design grid: the icon is 14 units across
		at := func(x, y float32) pt { return ax.at(ic.c, x*u, y*u) }
		switch ic.kind {
		case iconFuel:
			// pump body, hose arm and nozzle
			pb.ringNeg([]pt{at(-3.5, -4), at(1, -4), at(1, 4.2), at(-3.5, 4.2)})
			pb.ringNeg([]pt{at(1, -1.5), at(2.6, -1.5), at(3.4, -0.5), at(3.4, 3), at(2.4, 3), at(2.4, -0.2), at(1, -0.2)})
			pb.ringNeg([]pt{at(2.2, -4), at(3.6, -2.6), at(3, -2), at(1.6, -3.4)})
		case iconCharge:
			pb.ringNeg([]pt{at(0.8, -5), at(-3, 0.6), at(-0.2, 0.6), at(-1, 5), at(3, -0.8), at(0.2, -0.8)})
		case iconParking:
			size := 11 * u
			g := faces.bold.glyph('P')
			adv := g.adv * size / glyphPPEM
			tmp = placedGlyph{g, ax.at(ic.c, -adv/2, 0.37*size), o.up, size}.emit(pb, tmp)
		}
	}
	pb.fill(dst, o.clip, o.pal.iconFg)
}

// roundSquare adds a square of half-side h with corner radius cr, its
// sides along ax.
func roundSquare(pb *pathBuf, c pt, h, cr float32, ax axes) {
	var ps []pt
	corner := func(cx, cy float32, a0 float64) {
		for i := 0; i <= 4; i++ {
			a := a0 + float64(i)*(3.14159265/2)/4
			ps = append(ps, ax.at(c, cx+cr*float32(cos(a)), cy+cr*float32(sin(a))))
		}
	}
	corner(h-cr, h-cr, 0)
	corner(-h+cr, h-cr, 3.14159265/2)
	corner(-h+cr, -h+cr, 3.14159265)
	corner(h-cr, -h+cr, 3*3.14159265/2)
	pb.ringNeg(ps)
}
