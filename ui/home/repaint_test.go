package home

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/sim"
	"github.com/fascia-hmi/fascia/platform/can"
	"github.com/fascia-hmi/fascia/ui"
)

// TestCityRepaints drives the home screen through a minute of the city
// scenario at the loop's default rate, on the simulator's clock, and counts
// the ticks on which any widget redrew. Every such tick repaints the whole
// window, which is what the cockpit's CPU goes on under software GL; the
// widgets redraw only when what they show changes, so most ticks repaint
// nothing even while the car drives.
func TestCityRepaints(t *testing.T) {
	cfg := config.Defaults()
	cfg.Path = t.TempDir() + "/config.toml"
	var s *sim.Sim
	clock := func() time.Time {
		if s == nil {
			return time.Unix(0, 0)
		}
		return s.Start().Add(s.Now())
	}
	c, err := app.New(&cfg, app.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if s, err = app.NewSim(c.Profile, "city", 0); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	sh := ui.New(c, ui.Options{Theme: "night", SetTheme: a.Settings().SetTheme})
	h := New(sh.Env())
	cv := software.NewCanvas()
	cv.SetContent(h.Content())
	cv.Resize(fyne.NewSize(1280, 620))

	type counter struct {
		name   string
		redraw func() uint64
		last   uint64
		ticks  int
	}
	counters := []*counter{
		{name: "speed", redraw: h.Speed.Redraws}, {name: "rpm", redraw: h.RPM.Redraws},
		{name: "power", redraw: h.Power.Redraws}, {name: "fuel", redraw: h.Energy.Redraws},
		{name: "bar", redraw: h.Bar.Redraws}, {name: "range", redraw: h.Range.Redraws},
		{name: "odometer", redraw: h.Odometer.Redraws}, {name: "trip", redraw: h.Trip.Redraws},
		{name: "outside", redraw: h.Outside.Redraws}, {name: "map", redraw: h.Map.Redraws},
	}
	for name, l := range h.Lamps {
		counters = append(counters, &counter{name: name, redraw: l.Redraws})
	}
	deliver := func(f *can.Frame) error { c.Feed.Deliver(f); return nil }
	step := sh.Loop().Interval()
	const warmUp, drive = 2 * time.Second, time.Minute
	ticks, repaints := 0, 0
	for at := step; at <= warmUp+drive; at += step {
		if err := s.Step(at, deliver); err != nil {
			t.Fatal(err)
		}
		sh.Loop().Step()
		changed := false
		for _, k := range counters {
			if n := k.redraw(); n != k.last {
				k.last, changed = n, true
				if at > warmUp {
					k.ticks++
				}
			}
		}
		if at > warmUp {
			ticks++
			if changed {
				repaints++
			}
		}
	}
	byName := map[string]int{}
	for _, k := range counters {
		byName[k.name] = k.ticks
	}
	t.Logf("%d ticks in %v, %d repaint the window (%.1f/s); redraws by widget: %v", ticks, drive, repaints, float64(repaints)/drive.Seconds(), byName)
	if !h.RPM.Visible() || h.Power.Visible() {
		t.Fatal("the city car should show its engine speed, not motor power")
	}
	if byName["speed"] == 0 || byName["rpm"] == 0 {
		t.Fatalf("the speed or rpm never changed in a minute of city driving: %v", byName)
	}
	if byName["power"] != 0 {
		t.Errorf("the hidden power gauge redrew on %d ticks", byName["power"])
	}
	// Before widgets compared what they show, the tachometer redrew on
	// nearly every tick of the drive.
	if max := ticks / 2; repaints > max {
		t.Errorf("%d of %d ticks repaint the window, want at most %d", repaints, ticks, max)
	}
}
