package widgets

import (
	"math"
	"strconv"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Gauge sweep: 270° clockwise from lower left (-135°, 0° is up) to lower right.
const (
	gaugeStart = -135.0
	gaugeSweep = 270.0
	maxTicks   = 200
)

// Gauge is an arc gauge: a track from Min to Max, a filled arc from Origin to
// the value, an optional red zone from Redline to Max, major and minor ticks
// with labels, and the value as text in the middle. It redraws only when
// what it shows changes (or its configuration, through Refresh): the text
// (the value rounded to Step), the end of the fill by a pixel or more, or
// the fill's colour at the red line. Every redraw repaints the window, so
// a value that wobbles below what the gauge can show costs nothing.
//
// Set the exported fields before the gauge is shown, or call Refresh after
// changing them; change the value with SetValue or SetUnknown.
type Gauge struct {
	widget.BaseWidget

	Min, Max  float64
	Origin    float64 // the fill starts here: Min for a tachometer, 0 for a power meter
	Redline   float64 // start of the red zone; NaN or ≥ Max for none
	MajorStep float64 // value distance between labelled ticks; 0 for none
	MinorStep float64 // value distance between small ticks; 0 for none
	Label     string  // shown under the value, e.g. "rpm"
	// Step is the resolution of the value text: the value is rounded to a
	// multiple of Step before Format (0: whole numbers, as Format does). A
	// tachometer reads in steps of 50 rpm, say, so that its digits stay
	// legible and still when the engine speed wobbles.
	Step float64

	// TickLabel formats the label of a major tick (default: the number).
	TickLabel func(v float64) string
	// Format formats the value in the middle (default: whole number).
	Format func(v float64) string

	value     float64
	known     bool
	valueOnly bool // the refresh under way changes only the value
	redraws   atomic.Uint64
}

// NewGauge returns a gauge from min to max with the fill starting at min, no
// red zone and no ticks, showing no value yet.
func NewGauge(min, max float64) *Gauge {
	g := &Gauge{Min: min, Max: max, Origin: min, Redline: math.NaN()}
	g.ExtendBaseWidget(g)
	return g
}

// SetValue shows v as the live value. It redraws only if v differs from the
// value shown; NaN or ±Inf shows the gauge as unknown.
func (g *Gauge) SetValue(v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		g.SetUnknown()
		return
	}
	if g.known && (g.value == v || !g.shows(v)) {
		return
	}
	g.value, g.known = v, true
	g.redraw()
}

// shows reports whether showing v instead of the value shown changes the
// gauge on screen: its text, its fill colour at the red line, or the end of
// its fill by at least a pixel (dp) at the outer edge. A value drifting
// slowly moves the fill once it has drifted a pixel from the value shown.
func (g *Gauge) shows(v float64) bool {
	if g.text(v) != g.text(g.value) || g.red(v) != g.red(g.value) {
		return true
	}
	radius := float64(fyne.Min(g.Size().Width, g.Size().Height)) / 2
	if !(radius > 0) {
		return true // not laid out yet: nothing to compare against
	}
	const pixel = 1.0
	minDegrees := pixel / radius * 180 / math.Pi
	return math.Abs(float64(g.angle(v)-g.angle(g.value))) >= minDegrees
}

// red reports whether v is in the red zone.
func (g *Gauge) red(v float64) bool { return g.Redline < g.Max && v >= g.Redline }

// text returns the value text of v: rounded to Step, then formatted.
func (g *Gauge) text(v float64) string {
	if g.Step > 0 {
		v = math.Round(v/g.Step) * g.Step
	}
	if g.Format != nil {
		return g.Format(v)
	}
	return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
}

// redraw refreshes the gauge if it is shown; a hidden gauge is refreshed by
// Show, so it costs no repaint while hidden.
func (g *Gauge) redraw() {
	if g.Visible() {
		g.valueOnly = true
		g.Refresh()
		g.valueOnly = false
	}
}

// SetUnknown shows that there is no live value: the fill is hidden and the
// text is a dash. It redraws only if a value was shown.
func (g *Gauge) SetUnknown() {
	if !g.known {
		return
	}
	g.known = false
	g.redraw()
}

// Value returns the value shown and whether it is known. A value that
// would not change the gauge on screen is not taken: Value still returns
// the one shown.
func (g *Gauge) Value() (float64, bool) { return g.value, g.known }

// Redraws returns how many times the gauge has been redrawn.
func (g *Gauge) Redraws() uint64 { return g.redraws.Load() }

// CreateRenderer implements fyne.Widget.
func (g *Gauge) CreateRenderer() fyne.WidgetRenderer {
	r := &gaugeRenderer{
		g:     g,
		fill:  &canvas.Arc{},
		value: canvas.NewText("", nil),
		label: canvas.NewText("", nil),
	}
	r.face = canvas.NewRaster(r.dial.paint)
	r.value.Alignment = fyne.TextAlignCenter
	r.value.TextStyle.Bold = true
	r.label.Alignment = fyne.TextAlignCenter
	r.update()
	return r
}

// angle returns the arc angle of value v, clamped to the gauge range.
func (g *Gauge) angle(v float64) float32 {
	span := g.Max - g.Min
	if !(span > 0) {
		return gaugeStart
	}
	f := (v - g.Min) / span
	f = math.Max(0, math.Min(1, f))
	return float32(gaugeStart + gaugeSweep*f)
}

func (g *Gauge) ticks(step float64) []float64 {
	if !(step > 0) || !(g.Max > g.Min) || (g.Max-g.Min)/step > maxTicks {
		return nil
	}
	var out []float64
	first := math.Ceil(g.Min/step-1e-9) * step
	for v := first; v <= g.Max+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0 // no "-0" label
		}
		out = append(out, v)
	}
	return out
}

// gaugeRenderer draws the gauge's face — track, red zone and ticks, which
// change only with the configuration, theme or size — into one raster, so
// that a repaint of the window costs one texture for it instead of two
// arcs and a line per tick (the GL painter redraws every object of the
// window on every frame). The fill, the tick labels and the texts are canvas
// objects; a change of value touches only the fill and the value text.
type gaugeRenderer struct {
	g                 *Gauge
	face              *canvas.Raster
	dial              dial
	fill              *canvas.Arc
	value, label      *canvas.Text
	majorV, minorV    []float64
	labels            []*canvas.Text
	objects           []fyne.CanvasObject
	minv, maxv, ms, n float64
	laidOut           bool
	centre            fyne.Position // of the dial, in the widget
	diameter          float32
	labelSize         float32 // tick label text size
	inner             float32 // width the value text must fit in
}

// rebuild recreates the tick labels when the range or steps changed.
func (r *gaugeRenderer) rebuild() {
	g := r.g
	if r.objects != nil && r.minv == g.Min && r.maxv == g.Max && r.ms == g.MajorStep && r.n == g.MinorStep {
		return
	}
	r.minv, r.maxv, r.ms, r.n = g.Min, g.Max, g.MajorStep, g.MinorStep
	r.majorV = g.ticks(g.MajorStep)
	r.minorV = r.minorV[:0]
	for _, v := range g.ticks(g.MinorStep) {
		if !onStep(v, g.MajorStep) {
			r.minorV = append(r.minorV, v)
		}
	}
	r.labels = nil
	r.objects = []fyne.CanvasObject{r.face, r.fill}
	for range r.majorV {
		t := canvas.NewText("", nil)
		t.Alignment = fyne.TextAlignCenter
		r.labels = append(r.labels, t)
		r.objects = append(r.objects, t)
	}
	r.objects = append(r.objects, r.value, r.label)
}

func onStep(v, step float64) bool {
	if !(step > 0) {
		return false
	}
	q := v / step
	return math.Abs(q-math.Round(q)) < 1e-6
}

func (r *gaugeRenderer) Destroy() {}

func (r *gaugeRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *gaugeRenderer) MinSize() fyne.Size {
	s := 2 * sizeOf(r.g.Theme(), SizeNameTouchTarget)
	return fyne.NewSize(s, s)
}

func (r *gaugeRenderer) Layout(size fyne.Size) {
	g := r.g
	th := g.Theme()
	d := fyne.Min(size.Width, size.Height)
	cx, cy := size.Width/2, size.Height/2
	// The open bottom quarter of the sweep leaves room below the centre, so
	// move the dial down a little when the box is taller than the dial needs.
	if size.Height > d*0.9 {
		cy += d * 0.05
	}
	r.laidOut, r.centre, r.diameter = true, fyne.NewPos(cx, cy), d
	stroke := fyne.Min(sizeOf(th, SizeNameGaugeStroke), d/8)
	pos := fyne.NewPos(cx-d/2, cy-d/2)
	r.fill.Move(pos)
	r.fill.Resize(fyne.NewSize(d, d))
	r.fill.CutoutRatio = float32(1 - 2*stroke/d)

	pad := theme.SizeForWidget(theme.SizeNamePadding, g)
	hair := th.Size(theme.SizeNameSeparatorThickness) // thinnest line
	rin := d/2 - stroke - pad
	majorLen, minorLen := stroke*0.9, stroke*0.5
	r.labelSize = fyne.Min(d*0.075, sizeOf(th, theme.SizeNameText))

	// The face: the track, the red zone as a thinner band on the outer edge
	// of the track, and the ticks, in the raster's own coordinates.
	f := &r.dial
	f.diameter, f.stroke = d, stroke
	f.redFrom = g.angle(g.Redline)
	f.ticks = f.ticks[:0]
	for _, v := range r.minorV {
		f.ticks = append(f.ticks, dialTick{angle: g.angle(v), r1: rin, r2: rin - minorLen, width: fyne.Max(hair, stroke/8), major: false})
	}
	for _, v := range r.majorV {
		f.ticks = append(f.ticks, dialTick{angle: g.angle(v), r1: rin, r2: rin - majorLen, width: fyne.Max(2*hair, stroke/5), major: true})
	}
	r.face.Move(pos)
	r.face.Resize(fyne.NewSize(d, d))

	for i, v := range r.majorV {
		t := r.labels[i]
		t.TextSize = r.labelSize
		t.Text = r.tickText(v)
		ts := t.MinSize()
		x, y := polar(cx, cy, rin-majorLen-pad-r.labelSize*0.7, g.angle(v))
		t.Move(fyne.NewPos(x-ts.Width/2, y-ts.Height/2))
		t.Resize(ts)
	}
	// The value fits inside the tick labels.
	r.inner = 2 * (rin - majorLen - pad - 2*r.labelSize)
	r.layoutValue()
}

// layoutValue sizes and places the value text and the label under it.
func (r *gaugeRenderer) layoutValue() {
	d, c := r.diameter, r.centre
	r.value.TextSize = d * 0.18
	if w := r.value.MinSize().Width; w > r.inner && r.inner > 0 {
		r.value.TextSize *= r.inner / w
	}
	r.label.TextSize = r.labelSize
	vs := r.value.MinSize()
	r.value.Resize(fyne.NewSize(d, vs.Height))
	r.value.Move(fyne.NewPos(c.X-d/2, c.Y-vs.Height/2))
	ls := r.label.MinSize()
	r.label.Resize(fyne.NewSize(d, ls.Height))
	r.label.Move(fyne.NewPos(c.X-d/2, c.Y+vs.Height/2))
}

func (r *gaugeRenderer) tickText(v float64) string {
	if r.g.TickLabel != nil {
		return r.g.TickLabel(v)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func polar(cx, cy, radius float32, deg float32) (float32, float32) {
	rad := float64(deg) * math.Pi / 180
	return cx + radius*float32(math.Sin(rad)), cy - radius*float32(math.Cos(rad))
}

// Refresh redraws the gauge. After SetValue or SetUnknown only the fill and
// the value text change; any other refresh (configuration, theme) rebuilds
// and lays out everything and redraws the face.
func (r *gaugeRenderer) Refresh() {
	g := r.g
	g.redraws.Add(1)
	if g.valueOnly && r.laidOut {
		r.updateValue(g.Theme())
		r.layoutValue()
		canvas.Refresh(r.fill)
		canvas.Refresh(r.value)
		return
	}
	r.update()
	r.Layout(g.Size())
	canvas.Refresh(g)
}

// update applies the gauge's state and the theme to the canvas objects.
func (r *gaugeRenderer) update() {
	g := r.g
	r.rebuild()
	th := g.Theme()
	muted := colorOf(th, ColorNameMuted)

	f := &r.dial
	f.track = colorOf(th, ColorNameTrack)
	f.redline = colorOf(th, ColorNameRedline)
	f.majorColor = colorOf(th, theme.ColorNameForeground)
	f.minorColor = muted
	f.red = g.Redline < g.Max
	f.redFrom = g.angle(g.Redline)
	r.updateValue(th)
	for _, t := range r.labels {
		t.Color = muted
	}
	r.label.Text = g.Label
	r.label.Color = muted
}

// updateValue applies the value to the fill and the value text.
func (r *gaugeRenderer) updateValue(th fyne.Theme) {
	g := r.g
	if g.known {
		r.fill.Show()
		r.fill.StartAngle, r.fill.EndAngle = g.angle(g.Origin), g.angle(g.value)
		r.fill.FillColor = colorOf(th, theme.ColorNamePrimary)
		if g.red(g.value) {
			r.fill.FillColor = colorOf(th, ColorNameRedline)
		}
		r.value.Text = g.text(g.value)
		r.value.Color = colorOf(th, theme.ColorNameForeground)
	} else {
		r.fill.Hide()
		r.value.Text = Unknown
		r.value.Color = colorOf(th, ColorNameMuted)
	}
}
