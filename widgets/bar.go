package widgets

import (
	"math"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Bar is a horizontal level bar (a tank or a battery): a track and a fill
// proportional to a fraction from 0 to 1, drawn in the warning colour at or
// below Low. An unknown level shows the empty track. It redraws only when
// what it shows changes: the end of the fill by a pixel (dp) or more, its
// colour at Low, or whether the level is known.
type Bar struct {
	widget.BaseWidget

	Low float64 // fraction at or below which the fill turns to the warning colour

	value   float64
	known   bool
	redraws atomic.Uint64
}

// NewBar returns a bar with an unknown level that warns at or below low.
func NewBar(low float64) *Bar {
	b := &Bar{Low: low}
	b.ExtendBaseWidget(b)
	return b
}

// SetValue shows fraction (clamped to 0..1); NaN shows the level as unknown.
func (b *Bar) SetValue(fraction float64) {
	if math.IsNaN(fraction) {
		b.SetUnknown()
		return
	}
	fraction = math.Max(0, math.Min(1, fraction))
	if b.known && (b.value == fraction || !b.shows(fraction)) {
		return
	}
	b.value, b.known = fraction, true
	b.redraw()
}

// shows reports whether showing fraction instead of the value shown changes
// the bar on screen.
func (b *Bar) shows(fraction float64) bool {
	if (fraction <= b.Low) != (b.value <= b.Low) || (fraction > 0) != (b.value > 0) {
		return true
	}
	w := float64(b.Size().Width)
	if !(w > 0) {
		return true // not laid out yet
	}
	const pixel = 1.0
	return math.Abs(fraction-b.value)*w >= pixel
}

// SetUnknown shows that the level is not known.
func (b *Bar) SetUnknown() {
	if !b.known {
		return
	}
	b.known = false
	b.redraw()
}

// redraw refreshes the bar if it is shown; a hidden bar is refreshed by
// Show.
func (b *Bar) redraw() {
	if b.Visible() {
		b.Refresh()
	}
}

// Value returns the fraction shown and whether it is known. A fraction
// that would not change the bar on screen is not taken: Value still returns
// the one shown.
func (b *Bar) Value() (float64, bool) { return b.value, b.known }

// Redraws returns how many times the bar has been redrawn.
func (b *Bar) Redraws() uint64 { return b.redraws.Load() }

// CreateRenderer implements fyne.Widget.
func (b *Bar) CreateRenderer() fyne.WidgetRenderer {
	r := &barRenderer{b: b, track: &canvas.Rectangle{}, fill: &canvas.Rectangle{}}
	r.update()
	return r
}

type barRenderer struct {
	b           *Bar
	track, fill *canvas.Rectangle
}

func (r *barRenderer) Destroy() {}

func (r *barRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.track, r.fill} }

func (r *barRenderer) MinSize() fyne.Size {
	th := r.b.Theme()
	return fyne.NewSize(2*sizeOf(th, SizeNameTouchTarget), sizeOf(th, SizeNameGaugeStroke))
}

func (r *barRenderer) Layout(size fyne.Size) {
	h := fyne.Min(size.Height, sizeOf(r.b.Theme(), SizeNameGaugeStroke))
	y := (size.Height - h) / 2
	r.track.Move(fyne.NewPos(0, y))
	r.track.Resize(fyne.NewSize(size.Width, h))
	r.fill.Move(fyne.NewPos(0, y))
	r.fill.Resize(fyne.NewSize(size.Width*float32(r.b.value), h))
	r.track.CornerRadius, r.fill.CornerRadius = h/2, h/2
}

func (r *barRenderer) Refresh() {
	r.b.redraws.Add(1)
	r.update()
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

func (r *barRenderer) update() {
	b := r.b
	th := b.Theme()
	r.track.FillColor = colorOf(th, ColorNameTrack)
	r.fill.FillColor = colorOf(th, theme.ColorNamePrimary)
	if b.value <= b.Low {
		r.fill.FillColor = colorOf(th, theme.ColorNameWarning)
	}
	if b.known && b.value > 0 {
		r.fill.Show()
	} else {
		r.fill.Hide()
	}
}
