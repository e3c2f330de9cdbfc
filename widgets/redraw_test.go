package widgets

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// TestGaugeRedrawsWhatShows sets values on a tachometer 200 dp across, on
// which a pixel at the rim is about 17 rpm, and checks which of them redraw.
func TestGaugeRedrawsWhatShows(t *testing.T) {
	test.NewTempApp(t)
	g := NewGauge(0, 8000)
	g.Redline, g.Step = 6500, 50
	w := test.NewWindow(container.NewWithoutLayout(g))
	defer w.Close()
	g.Resize(fyne.NewSize(200, 200))
	g.SetValue(1000)
	steps := []struct {
		v      float64
		redraw bool
		shown  float64
		why    string
	}{
		{1010, false, 1000, "same text, the fill moves a fraction of a pixel"},
		{1020, true, 1020, "the fill moves more than a pixel"},
		{1030, true, 1030, "the text rounds to 1050"},
		{1035, false, 1030, "1050 again, a third of a pixel"},
		{6490, true, 6490, "a big move"},
		{6500, true, 6500, "the fill turns red at the red line"},
		{6505, false, 6500, "nothing changes on screen"},
	}
	for _, s := range steps {
		before := g.Redraws()
		g.SetValue(s.v)
		if got := g.Redraws() > before; got != s.redraw {
			t.Errorf("SetValue(%v) after %v: redraw %v, want %v (%s)", s.v, s.shown, got, s.redraw, s.why)
		}
		if v, ok := g.Value(); !ok || v != s.shown {
			t.Errorf("after SetValue(%v) the gauge shows %v (known %v), want %v", s.v, v, ok, s.shown)
		}
	}
	if txt := test.WidgetRenderer(g).(*gaugeRenderer).value.Text; txt != "6500" {
		t.Errorf("value text %q, want 6500", txt)
	}
}

// TestHiddenWidgetsDoNotRedraw changes hidden widgets: nothing redraws
// until they are shown, and then they show the latest state.
func TestHiddenWidgetsDoNotRedraw(t *testing.T) {
	test.NewTempApp(t)
	g, r, b := NewGauge(0, 100), NewReadout("", ""), NewBar(0)
	l := NewTelltale("x", lampIcon(t), theme.ColorNameSuccess)
	w := test.NewWindow(container.NewVBox(g, r, b, l))
	defer w.Close()
	for _, o := range []fyne.CanvasObject{g, r, b, l} {
		o.Hide()
	}
	base := []uint64{g.Redraws(), r.Redraws(), b.Redraws(), l.Redraws()}
	g.SetValue(42)
	r.SetText("42")
	b.SetValue(0.42)
	l.SetState(LampOn)
	hidden := []uint64{g.Redraws(), r.Redraws(), b.Redraws(), l.Redraws()}
	for _, o := range []fyne.CanvasObject{g, r, b, l} {
		o.Show()
	}
	shown := []uint64{g.Redraws(), r.Redraws(), b.Redraws(), l.Redraws()}
	for i := range base {
		if hidden[i] != base[i] {
			t.Errorf("hidden widget %d redrew %d times", i, hidden[i]-base[i])
		}
		if shown[i] == hidden[i] {
			t.Errorf("widget %d did not redraw when shown", i)
		}
	}
	if v, _ := g.Value(); v != 42 {
		t.Errorf("gauge shows %v", v)
	}
	if txt, _ := r.Text(); txt != "42" {
		t.Errorf("readout shows %q", txt)
	}
	if f, _ := b.Value(); f != 0.42 {
		t.Errorf("bar shows %v", f)
	}
	if l.State() != LampOn {
		t.Errorf("telltale shows %v", l.State())
	}
}

// TestBarRedrawsWhatShows moves a bar 200 dp wide by less and more than a
// pixel, and across its warning level.
func TestBarRedrawsWhatShows(t *testing.T) {
	test.NewTempApp(t)
	b := NewBar(0.2)
	w := test.NewWindow(container.NewWithoutLayout(b))
	defer w.Close()
	b.Resize(fyne.NewSize(200, 10))
	b.SetValue(0.5)
	for _, s := range []struct {
		f      float64
		redraw bool
		shown  float64
	}{
		{0.502, false, 0.5},  // 0.4 px
		{0.506, true, 0.506}, // 1.2 px
		{0.203, true, 0.203},
		{0.2, true, 0.2}, // at the warning level: the colour changes
		{0.199, false, 0.2},
		{0, true, 0}, // empty: the fill disappears
	} {
		before := b.Redraws()
		b.SetValue(s.f)
		if got := b.Redraws() > before; got != s.redraw {
			t.Errorf("SetValue(%v): redraw %v, want %v", s.f, got, s.redraw)
		}
		if f, _ := b.Value(); f != s.shown {
			t.Errorf("after SetValue(%v) the bar shows %v, want %v", s.f, f, s.shown)
		}
	}
}

// TestDialPaint paints a gauge face and looks at pixels well inside its
// shapes, at two pixel scales.
func TestDialPaint(t *testing.T) {
	track := color.NRGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xff}
	red := color.NRGBA{R: 0xff, A: 0xff}
	major := color.NRGBA{G: 0xff, A: 0xff}
	minor := color.NRGBA{B: 0xff, A: 0xff}
	f := dial{
		diameter: 100, stroke: 10, red: true, redFrom: 90,
		track: track, redline: red, majorColor: major, minorColor: minor,
		ticks: []dialTick{
			{angle: 0, r1: 35, r2: 25, width: 4, major: true},
			{angle: -90, r1: 35, r2: 30, width: 4},
		},
	}
	transparent := color.RGBA{}
	for _, scale := range []int{1, 2} {
		img := f.paint(100*scale, 100*scale).(*image.RGBA)
		at := func(x, y float64) color.RGBA { return img.RGBAAt(int(x*float64(scale)), int(y*float64(scale))) }
		for _, p := range []struct {
			name string
			x, y float64
			want color.Color
		}{
			{"track at the top", 50, 47 - 44, track},
			{"inner half of the track in the red zone", 50 + 41.5, 50, track},
			{"outer half of the track in the red zone", 50 + 48.5, 50, red},
			{"the open bottom", 50, 97, transparent},
			{"the centre", 50, 50, transparent},
			{"major tick", 50, 20, major},
			{"minor tick", 17, 50, minor},
			{"inside the track, between ticks", 50 - 21, 50 - 21, transparent},
		} {
			want := color.RGBAModel.Convert(p.want).(color.RGBA)
			if got := at(p.x, p.y); got != want {
				t.Errorf("scale %d, %s (%v,%v): %v, want %v", scale, p.name, p.x, p.y, got, want)
			}
		}
	}
	empty := dial{}
	if b := empty.paint(10, 10).Bounds(); b.Dx() != 10 || b.Dy() != 10 {
		t.Errorf("empty face bounds %v", b)
	}
}
