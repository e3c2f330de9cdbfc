package home

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/widgets"
)

func TestGearSlot(t *testing.T) {
	live := func(v float64) vehicle.Reading {
		return vehicle.Reading{Value: vehicle.Value{Num: v}, State: vehicle.Live}
	}
	tests := []struct {
		r    vehicle.Reading
		slot int
		text string
	}{
		{live(126), 0, "P"},
		{live(-1), 1, "R"},
		{live(0), 2, "N"},
		{live(127), 3, "D"},
		{live(3), 3, "3"},
		{live(-2), 1, "R2"},
		{vehicle.Reading{Value: vehicle.Value{Num: 127}, State: vehicle.Stale}, -1, ""},
		{vehicle.Reading{}, -1, ""},
	}
	for _, tt := range tests {
		slot, text := gearSlot(tt.r)
		if slot != tt.slot || text != tt.text {
			t.Errorf("gearSlot(%v, %v) = %d %q, want %d %q", tt.r.Num, tt.r.State, slot, text, tt.slot, tt.text)
		}
	}
}

func TestBelowAndInvert(t *testing.T) {
	live := func(v float64) vehicle.Reading {
		return vehicle.Reading{Value: vehicle.Value{Num: v}, State: vehicle.Live}
	}
	stale := vehicle.Reading{Value: vehicle.Value{Num: 100}, State: vehicle.Stale}
	tests := []struct {
		name string
		rs   []vehicle.Reading
		want widgets.LampState
	}{
		{"all fine", []vehicle.Reading{live(230), live(240)}, widgets.LampOff},
		{"one low", []vehicle.Reading{live(230), live(190)}, widgets.LampOn},
		{"low beats stale", []vehicle.Reading{stale, live(190)}, widgets.LampOn},
		{"stale hides fine", []vehicle.Reading{stale, live(240)}, widgets.LampUnknown},
	}
	for _, tt := range tests {
		if got := below(200, tt.rs...); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if invert(widgets.LampOn) != widgets.LampOff || invert(widgets.LampOff) != widgets.LampOn || invert(widgets.LampUnknown) != widgets.LampUnknown {
		t.Error("invert")
	}
}

// TestIndicatorBlinks steps the home screen through two seconds of store
// time with the left indicator on and counts its flashes.
func TestIndicatorBlinks(t *testing.T) {
	t0 := time.Date(2024, 6, 20, 14, 0, 0, 0, time.UTC)
	now := t0
	cfg := config.Defaults()
	cfg.Path = t.TempDir() + "/config.toml"
	c, err := app.New(&cfg, app.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	sh := ui.New(c, ui.Options{Theme: "night", SetTheme: a.Settings().SetTheme})
	h := New(sh.Env())
	cv := software.NewCanvas()
	cv.SetContent(h.Content())
	cv.Resize(fyne.NewSize(800, 400))
	c.Store.SetTimeout(vss.BodyLightsDirectionIndicatorLeftIsSignaling, time.Hour)
	c.Store.SetTimeout(vss.BodyLightsHazardIsSignaling, time.Hour)
	c.Store.SetTimeout(vss.BodyLightsDirectionIndicatorRightIsSignaling, time.Hour)
	c.Store.Set(vss.BodyLightsDirectionIndicatorLeftIsSignaling, vehicle.BoolValue(true), now)
	c.Store.Set(vss.BodyLightsDirectionIndicatorRightIsSignaling, vehicle.BoolValue(false), now)
	c.Store.Set(vss.BodyLightsHazardIsSignaling, vehicle.BoolValue(false), now)

	left := h.Lamps[LampLeft]
	flashes, prev := 0, widgets.LampOff
	for i := 0; i <= 200; i++ { // 2 s in 10 ms steps
		now = t0.Add(time.Duration(i) * 10 * time.Millisecond)
		sh.Loop().Step()
		st := left.State()
		if st == widgets.LampUnknown {
			t.Fatalf("at %v the live indicator is unknown", now.Sub(t0))
		}
		if st == widgets.LampOn && prev == widgets.LampOff {
			flashes++
		}
		prev = st
	}
	if flashes != 3 {
		t.Errorf("%d flashes in 2 s, want 3 (1.5 Hz)", flashes)
	}
	if r := h.Lamps[LampRight].State(); r != widgets.LampOff {
		t.Errorf("right indicator %v", r)
	}
	// The hazard lights flash both sides.
	c.Store.Set(vss.BodyLightsHazardIsSignaling, vehicle.BoolValue(true), now)
	for !ui.BlinkOn(now) {
		now = now.Add(10 * time.Millisecond)
	}
	sh.Loop().Step()
	if h.Lamps[LampRight].State() != widgets.LampOn || h.Lamps[LampHazard].State() != widgets.LampOn {
		t.Error("hazard lights do not flash the right indicator")
	}
	// Redraws follow flashes, not ticks: 2 s at 100 steps/s gave 6 changes.
	if n := left.Redraws(); n > 10 {
		t.Errorf("left indicator redrew %d times", n)
	}
}
