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
// with labels, and the value as text in the middle. It redraws only when its
// value (or its configuration, through Refresh) changes.
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

	// TickLabel formats the label of a major tick (default: the number).
	TickLabel func(v float64) string
	// Format formats the value in the middle (default: whole number).
	Format func(v float64) string

	value   float64
	known   bool
	redraws atomic.Uint64
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
	if g.known && g.value == v {
		return
	}
	g.value, g.known = v, true
	g.Refresh()
}

// SetUnknown shows that there is no live value: the fill is hidden and the
// text is a dash. It redraws only if a value was shown.
func (g *Gauge) SetUnknown() {
	if !g.known {
		return
	}
	g.known = false
	g.Refresh()
}

// Value returns the value shown and whether it is known.
func (g *Gauge) Value() (float64, bool) { return g.value, g.known }

// Redraws returns how many times the gauge has been redrawn.
func (g *Gauge) Redraws() uint64 { return g.redraws.Load() }

// CreateRenderer implements fyne.Widget.
func (g *Gauge) CreateRenderer() fyne.WidgetRenderer {
	r := &gaugeRenderer{
		g:     g,
		track: &canvas.Arc{},
		red:   &canvas.Arc{},
		fill:  &canvas.Arc{},
		value: canvas.NewText("", nil),
		label: canvas.NewText("", nil),
	}
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

type gaugeRenderer struct {
	g                 *Gauge
	track, red, fill  *canvas.Arc
	value, label      *canvas.Text
	major, minor      []*canvas.Line
	majorV, minorV    []float64
	labels            []*canvas.Text
	objects           []fyne.CanvasObject
	minv, maxv, ms, n float64
}

// rebuild recreates the tick objects when the range or steps changed.
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
	r.major, r.minor, r.labels = nil, nil, nil
	r.objects = []fyne.CanvasObject{r.track, r.red, r.fill}
	for range r.minorV {
		l := &canvas.Line{}
		r.minor = append(r.minor, l)
		r.objects = append(r.objects, l)
	}
	for range r.majorV {
		l := &canvas.Line{}
		t := canvas.NewText("", nil)
		t.Alignment = fyne.TextAlignCenter
		r.major = append(r.major, l)
		r.labels = append(r.labels, t)
		r.objects = append(r.objects, l, t)
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
	stroke := fyne.Min(sizeOf(th, SizeNameGaugeStroke), d/8)
	pos := fyne.NewPos(cx-d/2, cy-d/2)
	cut := float32(1 - 2*stroke/d)
	for _, a := range []*canvas.Arc{r.track, r.fill} {
		a.Move(pos)
		a.Resize(fyne.NewSize(d, d))
		a.CutoutRatio = cut
	}
	// The red zone is a thinner band on the outer edge of the track.
	r.red.Move(pos)
	r.red.Resize(fyne.NewSize(d, d))
	r.red.CutoutRatio = float32(1 - stroke/d)

	pad := theme.SizeForWidget(theme.SizeNamePadding, g)
	hair := th.Size(theme.SizeNameSeparatorThickness) // thinnest line
	rin := d/2 - stroke - pad
	majorLen, minorLen := stroke*0.9, stroke*0.5
	textSize := fyne.Min(d*0.075, sizeOf(th, theme.SizeNameText))
	for i, v := range r.majorV {
		placeTick(r.major[i], cx, cy, rin, rin-majorLen, g.angle(v))
		r.major[i].StrokeWidth = fyne.Max(2*hair, stroke/5)
		t := r.labels[i]
		t.TextSize = textSize
		t.Text = r.tickText(v)
		ts := t.MinSize()
		x, y := polar(cx, cy, rin-majorLen-pad-textSize*0.7, g.angle(v))
		t.Move(fyne.NewPos(x-ts.Width/2, y-ts.Height/2))
		t.Resize(ts)
	}
	for i, v := range r.minorV {
		placeTick(r.minor[i], cx, cy, rin, rin-minorLen, g.angle(v))
		r.minor[i].StrokeWidth = fyne.Max(hair, stroke/8)
	}
	// The value fits inside the tick labels.
	r.value.TextSize = d * 0.18
	inner := 2 * (rin - majorLen - pad - 2*textSize)
	if w := r.value.MinSize().Width; w > inner && inner > 0 {
		r.value.TextSize *= inner / w
	}
	r.label.TextSize = textSize
	vs := r.value.MinSize()
	r.value.Resize(fyne.NewSize(d, vs.Height))
	r.value.Move(fyne.NewPos(cx-d/2, cy-vs.Height/2))
	ls := r.label.MinSize()
	r.label.Resize(fyne.NewSize(d, ls.Height))
	r.label.Move(fyne.NewPos(cx-d/2, cy+vs.Height/2))
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

func placeTick(l *canvas.Line, cx, cy, r1, r2, deg float32) {
	x1, y1 := polar(cx, cy, r1, deg)
	x2, y2 := polar(cx, cy, r2, deg)
	l.Position1 = fyne.NewPos(x1, y1)
	l.Position2 = fyne.NewPos(x2, y2)
}

func (r *gaugeRenderer) Refresh() {
	r.g.redraws.Add(1)
	r.update()
	r.Layout(r.g.Size())
	canvas.Refresh(r.g)
}

// update applies the gauge's state and the theme to the canvas objects.
func (r *gaugeRenderer) update() {
	g := r.g
	r.rebuild()
	th := g.Theme()
	fg := colorOf(th, theme.ColorNameForeground)
	muted := colorOf(th, ColorNameMuted)
	redline := colorOf(th, ColorNameRedline)

	r.track.StartAngle, r.track.EndAngle = gaugeStart, gaugeStart+gaugeSweep
	r.track.FillColor = colorOf(th, ColorNameTrack)
	if g.Redline < g.Max {
		r.red.Show()
		r.red.StartAngle, r.red.EndAngle = g.angle(g.Redline), gaugeStart+gaugeSweep
		r.red.FillColor = redline
	} else {
		r.red.Hide()
	}
	if g.known {
		r.fill.Show()
		r.fill.StartAngle, r.fill.EndAngle = g.angle(g.Origin), g.angle(g.value)
		r.fill.FillColor = colorOf(th, theme.ColorNamePrimary)
		if g.Redline < g.Max && g.value >= g.Redline {
			r.fill.FillColor = redline
		}
		r.value.Text = r.format(g.value)
		r.value.Color = fg
	} else {
		r.fill.Hide()
		r.value.Text = Unknown
		r.value.Color = muted
	}
	for _, l := range r.major {
		l.StrokeColor = fg
	}
	for _, l := range r.minor {
		l.StrokeColor = muted
	}
	for _, t := range r.labels {
		t.Color = muted
	}
	r.label.Text = g.Label
	r.label.Color = muted
}

func (r *gaugeRenderer) format(v float64) string {
	if r.g.Format != nil {
		return r.g.Format(v)
	}
	return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
}
