package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fascia-hmi/fascia/widgets"
)

// Pinch delivers a pinch step (the fingers' distance changed by scale,
// their midpoint at center in canvas dp) to the topmost visible
// widgets.Pinchable under center, and reports whether one took it. Fyne has
// no pinch gesture; drivers that see the fingers call this on the UI
// goroutine.
func Pinch(cv fyne.Canvas, center fyne.Position, scale float32) bool {
	var hit widgets.Pinchable
	var at fyne.Position
	under := func(o fyne.CanvasObject, pos fyne.Position) bool {
		s := o.Size()
		if center.X < pos.X || center.Y < pos.Y || center.X >= pos.X+s.Width || center.Y >= pos.Y+s.Height {
			return false
		}
		if p, ok := o.(widgets.Pinchable); ok {
			hit, at = p, pos
		}
		return true
	}
	if top := cv.Overlays().Top(); top != nil {
		Walk(top, under) // a modal overlay takes every touch
	} else {
		Walk(cv.Content(), under)
	}
	if hit == nil {
		return false
	}
	hit.Pinched(scale, center.Subtract(at))
	return true
}

// Walk visits o and the visible objects inside it (containers' objects,
// widgets' renderer objects) in paint order, each with its position in
// o's parent's coordinates; visit returns whether to go inside.
func Walk(o fyne.CanvasObject, visit func(o fyne.CanvasObject, pos fyne.Position) bool) {
	var rec func(o fyne.CanvasObject, origin fyne.Position)
	rec = func(o fyne.CanvasObject, origin fyne.Position) {
		if o == nil || !o.Visible() {
			return
		}
		pos := origin.Add(o.Position())
		if !visit(o, pos) {
			return
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, ch := range x.Objects {
				rec(ch, pos)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(x).Objects() {
				rec(ch, pos)
			}
		}
	}
	rec(o, fyne.Position{})
}
