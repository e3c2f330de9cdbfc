package tester

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/script"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
)

// panelRig is a panel whose car feeds a decoder in virtual time.
type panelRig struct {
	d     *script.Driver
	store *vehicle.Store
	panel *Panel
}

func newPanelRig(t *testing.T) *panelRig {
	t.Helper()
	p, err := app.LoadProfile("")
	if err != nil {
		t.Fatal(err)
	}
	r := &panelRig{}
	r.store = vehicle.NewStore(func() time.Time { return r.d.VirtualNow() })
	dec := vehicle.NewDecoder(p, r.store)
	r.d = script.NewDriver(p, func(f *can.Frame) error { dec.Decode(f); return nil }, nil)
	if err := r.d.Load("city", 0); err != nil {
		t.Fatal(err)
	}
	r.panel = NewPanel(script.NewPlayer(r.d))
	return r
}

// find returns the first object of type T for which ok holds.
func find[T fyne.CanvasObject](root fyne.CanvasObject, ok func(T) bool) T {
	var hit T
	var found bool
	var rec func(o fyne.CanvasObject)
	rec = func(o fyne.CanvasObject) {
		if found || o == nil {
			return
		}
		if x, is := o.(T); is && ok(x) {
			hit, found = x, true
			return
		}
		switch c := o.(type) {
		case *fyne.Container:
			for _, ch := range c.Objects {
				rec(ch)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(c).Objects() {
				rec(ch)
			}
		}
	}
	rec(root)
	return hit
}

func button(root fyne.CanvasObject, prefix string) *widget.Button {
	return find(root, func(b *widget.Button) bool { return strings.HasPrefix(b.Text, prefix) })
}

func TestPanelDrivesTheCarThroughCAN(t *testing.T) {
	test.NewTempApp(t)
	r := newPanelRig(t)
	w := test.NewTempWindow(t, r.panel.Content())
	w.Resize(fyne.NewSize(1000, 720))
	step := func(d time.Duration) {
		t.Helper()
		r.panel.Flush()
		if err := r.d.Step(r.d.Now() + d); err != nil {
			t.Fatal(err)
		}
	}
	step(5 * time.Second)

	// A numeric signal gets a slider spanning its range, with its unit.
	r.panel.selectSignal(vss.Speed)
	sl := find(r.panel.editor, func(*widget.Slider) bool { return true })
	if sl == nil || sl.Min != 0 || sl.Max != 250 {
		t.Fatalf("speed slider %+v, want 0…250", sl)
	}
	sl.SetValue(97)
	step(time.Second)
	if got := r.store.Get(vss.Speed); !got.OK() || math.Abs(got.Num-97) > 0.1 {
		t.Errorf("speed %+v after the slider moved to 97", got)
	}
	test.Tap(button(r.panel.editor, "Release override"))
	step(time.Second)
	if got := r.store.Get(vss.Speed); math.Abs(got.Num-97) < 0.5 {
		t.Errorf("speed still 97 after release")
	}

	// A boolean gets a toggle.
	door, _ := vss.Lookup("Vehicle.Cabin.Door.Row1.DriverSide.IsOpen")
	r.panel.selectSignal(door)
	chk := find(r.panel.editor, func(*widget.Check) bool { return true })
	if chk == nil {
		t.Fatal("no toggle for a boolean")
	}
	chk.SetChecked(true)
	step(time.Second)
	if !r.store.Get(door).Bool() {
		t.Error("door not open after the toggle")
	}

	// An enum gets a picker of its allowed values.
	r.panel.selectSignal(vss.PowertrainType)
	sel := find(r.panel.editor, func(*widget.Select) bool { return true })
	if sel == nil || len(sel.Options) != len(vss.Get(vss.PowertrainType).Allowed) {
		t.Fatalf("picker %+v", sel)
	}
	sel.SetSelected("ELECTRIC")
	step(time.Second)
	if got := r.store.Get(vss.PowertrainType).Str; got != "ELECTRIC" {
		t.Errorf("powertrain type %q after the picker", got)
	}

	// Faults: drop the speed's message, then silence the bus.
	r.panel.selectSignal(vss.Speed)
	test.Tap(button(r.panel.editor, "Drop its message"))
	step(2 * time.Second)
	if r.store.Get(vss.Speed).State != vehicle.Stale {
		t.Error("speed not stale after dropping its message")
	}
	test.Tap(button(r.panel.Content(), "Clear all faults"))
	step(time.Second)
	if !r.store.Get(vss.Speed).OK() {
		t.Error("speed not live after clearing the faults")
	}
	r.panel.silence.SetChecked(true)
	step(2 * time.Second)
	if r.store.Get(vss.PowertrainCombustionEngineSpeed).State != vehicle.Stale {
		t.Error("engine speed not stale with the bus silenced")
	}
	test.Tap(button(r.panel.Content(), "Send a malformed frame"))
	r.panel.Flush()

	// Notes at the current time.
	r.panel.noteEntry.SetText("needle jumps")
	test.Tap(button(r.panel.Content(), "Add note"))
	r.panel.Flush()
	notes := r.panel.Notes()
	if len(notes) != 1 || notes[0].Text != "needle jumps" || notes[0].At != r.d.Now() {
		t.Errorf("notes %+v at %v", notes, r.d.Now())
	}
	r.panel.refresh()
	if !strings.Contains(r.panel.faults.Text, "Bus silenced") || !strings.Contains(r.panel.noteList.Text, "needle jumps") {
		t.Errorf("panel shows %q / %q", r.panel.faults.Text, r.panel.noteList.Text)
	}
	if !strings.Contains(r.panel.status.Text, "frames sent") {
		t.Errorf("status %q", r.panel.status.Text)
	}

	// The session's report: every action and the note, on the timeline.
	rep := r.panel.Report()
	if len(rep.Notes) != 1 || len(rep.Entries) < 8 {
		t.Errorf("report: %d notes, %d entries", len(rep.Notes), len(rep.Entries))
	}
	dir := t.TempDir()
	if err := rep.WriteHTML(dir); err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	for _, want := range []string{"needle jumps", "override Vehicle.Speed = 97", "bus silenced", "#FF ("} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestSignalRanges(t *testing.T) {
	for _, id := range []vss.ID{vss.Speed, vss.PowertrainCombustionEngineSpeed, vss.PowertrainFuelSystemRelativeLevel, vss.ExteriorAirTemperature} {
		lo, hi, _ := signalRange(id)
		if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || hi-lo > 1e5 {
			t.Errorf("%s: range %v…%v", vss.Get(id).Path, lo, hi)
		}
	}
}

// TestPanelGolden draws the panel with a signal chosen, an override and
// faults in force, and a note, day and night.
func TestPanelGolden(t *testing.T) {
	for _, v := range []fascia.Variant{fascia.Day, fascia.Night} {
		t.Run(v.String(), func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(fascia.New(v, 1))
			r := newPanelRig(t)
			if err := r.d.Step(12 * time.Second); err != nil {
				t.Fatal(err)
			}
			r.d.Set(vss.Speed, vehicle.Value{Num: 80})
			r.panel.refresh()
			r.panel.selectSignal(vss.Speed)
			r.d.Freeze(vss.PowertrainCombustionEngineSpeed)
			id, _ := r.d.MessageID("Vehicle.Chassis.Axle.Row1.Wheel.Left.Tire.Pressure")
			r.d.Drop(id)
			r.panel.setMsg("override Vehicle.Speed = 80")
			r.panel.mu.Lock()
			r.panel.notes = append(r.panel.notes, script.Note{At: 9 * time.Second, Text: "speedometer lags the override"})
			r.panel.mu.Unlock()
			r.panel.list.Select(indexOf(r.panel.ids, vss.Speed))
			r.panel.refresh()
			cv := software.NewCanvas()
			cv.SetPadded(false)
			cv.SetContent(r.panel.Content())
			cv.Resize(fyne.NewSize(1000, 720))
			test.AssertImageMatches(t, "panel-"+v.String()+".png", cv.Capture())
		})
	}
}

func indexOf(ids []vss.ID, id vss.ID) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}
