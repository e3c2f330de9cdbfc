package widgets

import (
	"image/color"
	"math"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func lampIcon(t *testing.T) fyne.Resource {
	t.Helper()
	b, err := os.ReadFile("testdata/lamp.svg")
	if err != nil {
		t.Fatal(err)
	}
	return fyne.NewStaticResource("lamp.svg", b)
}

// render builds an object under a fresh test app with the given theme and
// draws it at size (its minimum size when size is zero).
func render(t *testing.T, name string, th fyne.Theme, build func() fyne.CanvasObject, size fyne.Size) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(th)
	obj := build()
	if size.IsZero() {
		size = obj.MinSize()
	}
	w := test.NewWindow(obj)
	defer w.Close()
	w.SetPadded(false)
	w.Resize(size)
	test.AssertImageMatches(t, name, w.Canvas().Capture())
}

// variantTheme is Fyne's default theme fixed to one variant.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

var themes = []struct {
	name string
	th   fyne.Theme
}{
	{"light", variantTheme{theme.DefaultTheme(), theme.VariantLight}},
	{"dark", variantTheme{theme.DefaultTheme(), theme.VariantDark}},
}

func TestGaugeGolden(t *testing.T) {
	for _, th := range themes {
		render(t, "gauge_"+th.name+".png", th.th, func() fyne.CanvasObject {
			tach := NewGauge(0, 8000)
			tach.Redline, tach.MajorStep, tach.MinorStep, tach.Label = 6500, 1000, 500, "rpm"
			tach.TickLabel = func(v float64) string { return string(rune('0' + int(v/1000))) }
			tach.SetValue(3200)

			red := NewGauge(0, 8000)
			red.Redline, red.MajorStep, red.Label = 6500, 2000, "rpm"
			red.SetValue(7100)

			power := NewGauge(-50, 150)
			power.Origin, power.MajorStep, power.MinorStep, power.Label = 0, 50, 25, "kW"
			power.SetValue(-30)

			unknown := NewGauge(0, 200)
			unknown.MajorStep, unknown.Label = 50, "km/h"
			unknown.SetValue(120)
			unknown.SetUnknown()

			return container.New(layout.NewGridLayout(4), tach, red, power, unknown)
		}, fyne.NewSize(880, 220))
	}
}

func TestTelltaleGolden(t *testing.T) {
	icon := lampIcon(t)
	for _, th := range themes {
		render(t, "telltale_"+th.name+".png", th.th, func() fyne.CanvasObject {
			on := NewTelltale("on", icon, theme.ColorNameSuccess)
			on.SetState(LampOn)
			off := NewTelltale("off", icon, theme.ColorNameSuccess)
			off.SetState(LampOff)
			unknown := NewTelltale("unknown", icon, theme.ColorNameSuccess)
			warn := NewTelltale("warn", icon, theme.ColorNameWarning)
			warn.SetOn(true)
			return container.NewHBox(on, off, unknown, warn)
		}, fyne.Size{})
	}
}

func TestBarReadoutButtonGolden(t *testing.T) {
	for _, th := range themes {
		render(t, "bar_readout_button_"+th.name+".png", th.th, func() fyne.CanvasObject {
			full, low, unknown := NewBar(0.15), NewBar(0.15), NewBar(0.15)
			full.SetValue(0.7)
			low.SetValue(0.1)
			speed := NewReadout("", "km/h")
			speed.Template = "888"
			speed.SetText("87")
			temp := NewReadout("Coolant", "°C")
			temp.UnitBeside = true
			temp.SetText("92")
			stale := NewReadout("Coolant", "°C")
			stale.UnitBeside = true
			stale.SetEmphasis(theme.ColorNameWarning)
			sel := NewTouchButton("Selected", lampIcon(t), nil)
			sel.SetSelected(true)
			dis := NewTouchButton("Disabled", nil, nil)
			dis.Disable()
			stacked := NewTouchButton("Stacked", lampIcon(t), nil)
			stacked.Stacked = true
			seg := NewSegmented([]string{"km/h", "mph"}, nil, nil)
			seg.SetSelected("mph")
			return container.NewBorder(
				container.NewVBox(full, low, unknown),
				container.NewVBox(container.NewHBox(NewTouchButton("Plain", nil, nil), sel, dis, stacked), seg),
				nil, nil,
				container.NewGridWithColumns(3, speed, temp, stale),
			)
		}, fyne.NewSize(600, 480))
	}
}

func TestRedrawOnlyOnChange(t *testing.T) {
	test.NewTempApp(t)
	g := NewGauge(0, 100)
	r := NewReadout("", "")
	b := NewBar(0)
	l := NewTelltale("x", lampIcon(t), theme.ColorNameSuccess)
	w := test.NewWindow(container.NewVBox(g, r, b, l))
	defer w.Close()
	base := []uint64{g.Redraws(), r.Redraws(), b.Redraws(), l.Redraws()}
	for i := 0; i < 100; i++ {
		g.SetValue(42)
		r.SetText("42")
		b.SetValue(0.42)
		l.SetState(LampOn)
	}
	got := []uint64{g.Redraws(), r.Redraws(), b.Redraws(), l.Redraws()}
	for i := range got {
		if got[i]-base[i] != 1 {
			t.Errorf("widget %d redrew %d times for one change", i, got[i]-base[i])
		}
	}
	g.SetUnknown()
	g.SetUnknown()
	g.SetValue(math.NaN())
	if n := g.Redraws() - got[0]; n != 1 {
		t.Errorf("gauge redrew %d times going unknown once", n)
	}
	if _, ok := g.Value(); ok {
		t.Error("gauge still known after SetUnknown")
	}
}

func TestGaugeGeometry(t *testing.T) {
	g := NewGauge(-50, 150)
	tests := []struct {
		v    float64
		want float32
	}{
		{-50, -135}, {150, 135}, {50, 0}, {-1000, -135}, {1000, 135},
	}
	for _, tt := range tests {
		if got := g.angle(tt.v); math.Abs(float64(got-tt.want)) > 1e-4 {
			t.Errorf("angle(%v) = %v, want %v", tt.v, got, tt.want)
		}
	}
	if n := len(g.ticks(50)); n != 5 {
		t.Errorf("ticks(50) over -50..150: %d, want 5", n)
	}
	if n := len(g.ticks(0.001)); n != 0 {
		t.Errorf("too many ticks should give none, got %d", n)
	}
	empty := NewGauge(10, 10)
	if got := empty.angle(10); got != gaugeStart {
		t.Errorf("empty range angle = %v", got)
	}
}

func TestTouchButtonAndSegmented(t *testing.T) {
	test.NewTempApp(t)
	taps := 0
	b := NewTouchButton("Go", nil, func() { taps++ })
	w := test.NewWindow(b)
	defer w.Close()
	if s := b.MinSize(); s.Width < TouchTarget(b) || s.Height < TouchTarget(b) {
		t.Errorf("button min size %v smaller than the touch target %v", s, TouchTarget(b))
	}
	test.Tap(b)
	b.Disable()
	test.Tap(b)
	if taps != 1 {
		t.Errorf("taps = %d, want 1 (the disabled tap ignored)", taps)
	}

	var picked []string
	s := NewSegmented([]string{"C", "F"}, []string{"°C", "°F"}, func(o string) { picked = append(picked, o) })
	s.SetSelected("C")
	test.Tap(s.Buttons()[1])
	test.Tap(s.Buttons()[1]) // already selected: no callback
	s.Disable()
	test.Tap(s.Buttons()[0])
	if len(picked) != 1 || picked[0] != "F" || s.Selected() != "F" {
		t.Errorf("picked %v, selected %q; want [F], F", picked, s.Selected())
	}
	if !s.Buttons()[1].Selected() || s.Buttons()[0].Selected() {
		t.Error("button selection does not follow the choice")
	}
}
