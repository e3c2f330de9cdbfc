package ui_test

import (
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/health"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/ui/home"
	"github.com/fascia-hmi/fascia/ui/settings"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
	vehicleui "github.com/fascia-hmi/fascia/ui/vehicle"
	"github.com/fascia-hmi/fascia/widgets"
)

// clock is a settable clock for a Store.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.set(t); return c }
func (c *clock) set(t time.Time)  { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration) time.Time {
	return time.Unix(0, c.ns.Add(int64(d))).UTC()
}
func (c *clock) now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

// newCockpit returns the real cockpit (demo profile) on a settable clock,
// with its configuration file in a temporary folder.
func newCockpit(t testing.TB, clk *clock) *app.Cockpit {
	t.Helper()
	cfg := config.Defaults()
	cfg.Path = t.TempDir() + "/config.toml"
	c, err := app.New(&cfg, app.Options{Clock: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newShell builds a shell on a software canvas of the given size.
func newShell(t testing.TB, c *app.Cockpit, size fyne.Size) (*ui.Shell, fyne.Canvas) {
	t.Helper()
	a := test.NewTempApp(t)
	sh := ui.New(c, ui.Options{Theme: "night", SetTheme: a.Settings().SetTheme})
	cv := software.NewCanvas()
	cv.SetPadded(false)
	cv.SetContent(sh.Content())
	cv.Resize(size)
	sh.Loop().Step()
	return sh, cv
}

func TestLockoutGuard(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(fascia.New(fascia.Day, 1))
	l := ui.NewLockout()
	entry := widget.NewEntry()
	disabledByScreen := widget.NewButton("x", nil)
	disabledByScreen.Disable()
	// A list cannot be disabled: only the cover keeps taps off it.
	selected := 0
	list := widget.NewList(func() int { return 100 }, func() fyne.CanvasObject { return widget.NewLabel("item") }, func(widget.ListItemID, fyne.CanvasObject) {})
	list.OnSelected = func(widget.ListItemID) { selected++ }
	ge, gb, gl := l.Guard(entry), l.Guard(disabledByScreen), l.Guard(list)
	w := test.NewWindow(container.NewGridWithRows(3, ge, gb, gl))
	defer w.Close()
	w.Resize(fyne.NewSize(400, 300))
	onList := fyne.NewPos(200, 220)

	l.SetMoving(true)
	if !entry.Disabled() || !ge.Locked() || !gl.Locked() {
		t.Fatal("moving: the controls are not locked")
	}
	test.TapCanvas(w.Canvas(), onList)
	if selected != 0 {
		t.Error("a tap reached the locked list")
	}
	l.SetMoving(false)
	if entry.Disabled() {
		t.Error("stopped: the entry is still disabled")
	}
	if !disabledByScreen.Disabled() {
		t.Error("unlocking enabled a control its screen had disabled")
	}
	test.TapCanvas(w.Canvas(), onList)
	if selected != 1 {
		t.Errorf("stopped: %d selections after a tap on the list, want 1", selected)
	}
}

func TestLockoutFollow(t *testing.T) {
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	s := vehicle.NewStore(func() time.Time { return now })
	l := ui.NewLockout()
	tests := []struct {
		name  string
		speed float64
		age   time.Duration
		set   bool
		want  bool
	}{
		{"no data", 0, 0, false, false},
		{"parked", 0, 0, true, false},
		{"crawling 5 km/h", 5, 0, true, false},
		{"driving", 30, 0, true, true},
		{"driving, data lost", 30, time.Minute, true, true},
		{"stopped", 0, 0, true, false},
	}
	for _, tt := range tests {
		if tt.set {
			s.Set(vss.Speed, vehicle.Value{Num: tt.speed}, now.Add(-tt.age))
		}
		l.Follow(s.Get(vss.IsMoving))
		if l.Locked() != tt.want {
			t.Errorf("%s: locked = %v, want %v", tt.name, l.Locked(), tt.want)
		}
	}
}

// TestLoopCoalesces feeds one signal 10,000 times a second for a second
// and counts how often the widget bound to it redraws.
func TestLoopCoalesces(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(fascia.New(fascia.Night, 1))
	store := vehicle.NewStore(nil)
	r := widgets.NewReadout("", "km/h")
	w := test.NewWindow(r)
	defer w.Close()
	loop := ui.NewLoop(store, ui.MaxRate)
	var applied atomic.Int64
	loop.Bind(func() {
		applied.Add(1)
		r.SetText(ui.Number(store.Get(vss.Speed).Num, 2))
	}, vss.Speed)
	before := r.Redraws()
	loop.Start()
	start := time.Now()
	sets := 0
	for time.Since(start) < time.Second {
		// Keep up with 10,000 updates a second whatever the sleep
		// granularity: catch up to the count due by now, each a new value.
		due := int(time.Since(start).Seconds() * 10000)
		for ; sets < due; sets++ {
			store.Set(vss.Speed, vehicle.Value{Num: float64(sets) / 100}, time.Now())
		}
		time.Sleep(200 * time.Microsecond)
	}
	elapsed := time.Since(start)
	loop.Stop()
	redraws := r.Redraws() - before
	perSecond := float64(redraws) / elapsed.Seconds()
	t.Logf("%d sets in %v: %d redraws (%.0f/s), %d binding runs", sets, elapsed.Round(time.Millisecond), redraws, perSecond, applied.Load())
	if sets < 5000 {
		t.Fatalf("only %d sets: the machine is too busy for this test", sets)
	}
	if perSecond > ui.MaxRate+1 {
		t.Errorf("%.0f redraws/s, want ≤ %d", perSecond, ui.MaxRate)
	}
	if redraws < 10 {
		t.Errorf("only %d redraws in a second of changes: the loop does not deliver", redraws)
	}
}

// BenchmarkUpdateLoop stores one signal as fast as it can while the update
// loop runs at its highest rate, and reports how often the bound widget
// redrew: the Store takes any rate, the widget redraws at display rate.
func BenchmarkUpdateLoop(b *testing.B) {
	test.NewTempApp(b).Settings().SetTheme(fascia.New(fascia.Night, 1))
	store := vehicle.NewStore(nil)
	r := widgets.NewReadout("", "km/h")
	w := test.NewWindow(r)
	defer w.Close()
	loop := ui.NewLoop(store, ui.MaxRate)
	loop.Bind(func() { r.SetText(ui.Number(store.Get(vss.Speed).Num, 2)) }, vss.Speed)
	loop.Start()
	before := r.Redraws()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		store.Set(vss.Speed, vehicle.Value{Num: float64(i) / 100}, start)
	}
	// Let the last tick deliver, so short runs count their redraw.
	time.Sleep(loop.Interval())
	elapsed := time.Since(start)
	b.StopTimer()
	loop.Stop()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "sets/s")
	b.ReportMetric(float64(r.Redraws()-before)/elapsed.Seconds(), "redraws/s")
}

func TestLoopStop(t *testing.T) {
	test.NewTempApp(t)
	store := vehicle.NewStore(nil)
	loop := ui.NewLoop(store, ui.MaxRate)
	var runs atomic.Int64
	loop.Every(func(time.Time) { runs.Add(1) })
	loop.Start()
	loop.Start() // idempotent
	time.Sleep(100 * time.Millisecond)
	loop.Stop()
	n := runs.Load()
	time.Sleep(100 * time.Millisecond)
	if runs.Load() != n {
		t.Error("the loop kept running after Stop")
	}
	if n == 0 {
		t.Error("the loop never ticked")
	}
	loop.Stop() // stopping twice is fine
	if ticks, _ := loop.Stats(); ticks == 0 {
		t.Error("no ticks counted")
	}
}

func TestLoopRunsOnlyChangedBindings(t *testing.T) {
	store := vehicle.NewStore(nil)
	loop := ui.NewLoop(store, 0)
	if loop.Interval() != time.Second/ui.DefaultRate {
		t.Errorf("default interval %v", loop.Interval())
	}
	var a, b int
	loop.Bind(func() { a++ }, vss.Speed)
	loop.Bind(func() { b++ }, vss.ExteriorAirTemperature, vss.Speed)
	loop.Step() // first tick: every binding once
	loop.Step() // nothing changed
	store.Set(vss.ExteriorAirTemperature, vehicle.Value{Num: 3}, time.Now())
	store.Set(vss.ExteriorAirTemperature, vehicle.Value{Num: 4}, time.Now())
	loop.Step()
	if a != 1 || b != 2 {
		t.Errorf("runs: speed binding %d, temperature binding %d; want 1, 2", a, b)
	}
	loop.Invalidate()
	loop.Step()
	if a != 2 || b != 3 {
		t.Errorf("after Invalidate: %d, %d; want 2, 3", a, b)
	}
}

func TestShellScreensAndDock(t *testing.T) {
	clk := newClock(t0)
	c := newCockpit(t, clk)
	sh, _ := newShell(t, c, fyne.NewSize(1280, 720))
	names := ui.ScreenNames()
	if strings.Join(names, ",") != "home,map,vehicle,settings" {
		t.Fatalf("screens %v", names)
	}
	if sh.Current() != "home" {
		t.Errorf("first screen %q", sh.Current())
	}
	for _, n := range names {
		b := sh.DockButton(n)
		if s := b.Size(); s.Width < fascia.MinTouchTarget || s.Height < fascia.MinTouchTarget {
			t.Errorf("dock target %s is %v, smaller than %v", n, s, fascia.MinTouchTarget)
		}
	}
	test.Tap(sh.DockButton("vehicle"))
	if sh.Current() != "vehicle" || !sh.DockButton("vehicle").Selected() || sh.DockButton("home").Selected() {
		t.Error("tapping the vehicle target did not switch screens")
	}
	if err := sh.Show("radio"); err == nil || !strings.Contains(err.Error(), "home, map, vehicle, settings") {
		t.Errorf("Show(radio) = %v", err)
	}
}

func TestStatusBarAndStaleness(t *testing.T) {
	clk := newClock(t0)
	c := newCockpit(t, clk)
	c.Store.Set(vss.ExteriorAirTemperature, vehicle.Value{Num: 16.4}, t0)
	c.Store.Set(vss.OccupantRow1DriverSideIdentifierSubject, vehicle.Value{Str: "Alex"}, t0)
	c.Store.Set(vss.Speed, vehicle.Value{Num: 87.4}, t0)
	c.Store.SetTimeout(vss.Speed, 100*time.Millisecond)
	c.Store.SetTimeout(vss.ExteriorAirTemperature, time.Second)
	sh, _ := newShell(t, c, fyne.NewSize(1280, 720))
	h := homeScreen(t, sh)

	info := sh.StatusBar().Info()
	if info.Clock != t0.Format("15:04") || info.Outside != "16 °C" || info.Driver != "Alex" || info.Source != "sim:city" || info.SourceState != vehicle.NoData {
		t.Errorf("status bar %+v", info)
	}
	if txt, ok := h.Speed.Text(); !ok || txt != "87" {
		t.Errorf("speed %q %v", txt, ok)
	}
	// 200 ms later the speed is stale: a dash, never the old value.
	clk.add(200 * time.Millisecond)
	sh.Loop().Step()
	if txt, ok := h.Speed.Text(); ok || txt != widgets.Unknown {
		t.Errorf("stale speed shows %q (live %v)", txt, ok)
	}
	if _, ok := h.RPM.Value(); ok {
		t.Error("rpm gauge shows a value that never arrived")
	}
	// After 2 s the outside temperature is stale too.
	clk.add(2 * time.Second)
	sh.Loop().Step()
	if got := sh.StatusBar().Info().Outside; got != widgets.Unknown {
		t.Errorf("stale outside temperature shows %q", got)
	}
}

// homeScreen rebuilds the home screen of the shell's environment and
// returns it (the shell's own instance is internal), stepping the loop so
// its bindings run.
func homeScreen(t *testing.T, sh *ui.Shell) *home.Screen {
	t.Helper()
	h := home.New(sh.Env())
	sh.Loop().Step()
	return h
}

func TestToastsAndAck(t *testing.T) {
	clk := newClock(t0)
	c := newCockpit(t, clk)
	c.Store.Set(vss.LowVoltageBatteryCurrentVoltage, vehicle.Value{Num: 11.2}, t0)
	c.Alerts.Evaluate()
	sh, _ := newShell(t, c, fyne.NewSize(1280, 720))
	toasts := sh.Toasts()
	if len(toasts) != 1 || toasts[0].ID != "low-12v" || toasts[0].Severity != health.Warning {
		t.Fatalf("toasts %+v", toasts)
	}
	if i := sh.StatusBar().Info(); i.Alerts != 1 || i.Unacked != 1 || i.Worst != health.Warning {
		t.Errorf("status %+v", i)
	}
	if s := toasts[0].Ack().Size(); s.Height < fascia.MinTouchTarget {
		t.Errorf("acknowledge button %v is smaller than a touch target", s)
	}
	test.Tap(toasts[0].Ack())
	if len(sh.Toasts()) != 0 {
		t.Error("the acknowledged toast is still shown")
	}
	if a := c.Alerts.Active(); len(a) != 1 || !a[0].Acked {
		t.Errorf("monitor alerts %+v", a)
	}
	if i := sh.StatusBar().Info(); i.Alerts != 1 || i.Unacked != 0 {
		t.Errorf("after ack, status %+v", i)
	}
}

func TestUnitsChangeAndSave(t *testing.T) {
	clk := newClock(t0)
	c := newCockpit(t, clk)
	c.Store.Set(vss.Speed, vehicle.Value{Num: 100}, t0)
	c.Store.Set(vss.ExteriorAirTemperature, vehicle.Value{Num: 20}, t0)
	sh, _ := newShell(t, c, fyne.NewSize(1280, 720))
	h := homeScreen(t, sh)
	st := settings.New(sh.Env())

	test.Tap(st.Speed.Buttons()[1])       // mph
	test.Tap(st.Temperature.Buttons()[1]) // °F
	test.Tap(st.Theme.Buttons()[0])       // day
	sh.Loop().Step()
	if txt, _ := h.Speed.Text(); txt != "62" || h.Speed.Unit() != "mph" {
		t.Errorf("100 km/h in mph shows %q %s", txt, h.Speed.Unit())
	}
	if got := sh.StatusBar().Info().Outside; got != "68 °F" {
		t.Errorf("20 °C shows %q", got)
	}
	sh.WaitSaved()
	data, err := os.ReadFile(c.Config.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`speed = "mph"`, `temperature = "F"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("saved config lacks %s:\n%s", want, data)
		}
	}
	if c.Config.Theme != "day" {
		t.Errorf("config theme %q", c.Config.Theme)
	}
}

func TestSettingsSourceLockedWhileDriving(t *testing.T) {
	clk := newClock(t0)
	c := newCockpit(t, clk)
	sh, _ := newShell(t, c, fyne.NewSize(800, 480))
	st := settings.New(sh.Env())
	sh.Loop().Step()
	if st.SourceGuard.Locked() || st.Source.Disabled() {
		t.Fatal("locked while parked")
	}
	c.Store.SetTimeout(vss.Speed, time.Hour)
	c.Store.Set(vss.Speed, vehicle.Value{Num: 50}, t0)
	sh.Loop().Step()
	if !st.SourceGuard.Locked() || !st.Source.Disabled() || !st.Apply.Disabled() {
		t.Error("the source entry is usable while driving")
	}
	c.Store.Set(vss.Speed, vehicle.Value{Num: 0}, t0)
	sh.Loop().Step()
	if st.Source.Disabled() {
		t.Error("still locked after stopping")
	}
	st.Source.SetText("candump:drive.log")
	test.Tap(st.Apply)
	if c.Config.CAN != "candump:drive.log" {
		t.Errorf("source %q", c.Config.CAN)
	}
	st.Source.SetText("nonsense")
	test.Tap(st.Apply)
	if c.Config.CAN != "candump:drive.log" {
		t.Errorf("a source without a scheme was accepted: %q", c.Config.CAN)
	}
	sh.WaitSaved()
}

func TestVehicleScreen(t *testing.T) {
	clk := newClock(t0)
	c := newCockpit(t, clk)
	c.Store.Set(vss.ChassisAxleRow1WheelLeftTirePressure, vehicle.Value{Num: 182}, t0)
	c.Store.Set(vss.ChassisAxleRow1WheelRightTirePressure, vehicle.Value{Num: 236}, t0)
	c.Store.Set(vss.CabinDoorRow2DriverSideIsOpen, vehicle.BoolValue(true), t0)
	c.Store.Set(vss.CabinDoorRow1DriverSideIsOpen, vehicle.BoolValue(false), t0)
	sh, _ := newShell(t, c, fyne.NewSize(1280, 720))
	v := vehicleui.New(sh.Env())
	sh.Loop().Step()
	fl, _ := v.Car.Tyres[vehicleui.WheelFrontLeft].Text()
	fr, _ := v.Car.Tyres[vehicleui.WheelFrontRight].Text()
	_, rlKnown := v.Car.Tyres[vehicleui.WheelRearLeft].Text()
	if fl != "182" || fr != "236" || rlKnown {
		t.Errorf("tyres %q %q, rear left known %v", fl, fr, rlKnown)
	}
	if v.Car.Open(vehicleui.DoorRearLeft) != widgets.LampOn || v.Car.Open(vehicleui.DoorFrontLeft) != widgets.LampOff || v.Car.Open(vehicleui.Boot) != widgets.LampUnknown {
		t.Error("door states wrong")
	}
}

func TestRenderErrors(t *testing.T) {
	clk := newClock(t0)
	c := newCockpit(t, clk)
	for _, tt := range []struct {
		screen, theme string
		size          fyne.Size
	}{
		{"radio", "day", fyne.NewSize(100, 100)},
		{"home", "dusk", fyne.NewSize(100, 100)},
		{"home", "day", fyne.NewSize(0, 100)},
	} {
		if _, err := ui.Render(c, tt.screen, tt.size, tt.theme); err == nil {
			t.Errorf("Render(%q, %v, %q) did not fail", tt.screen, tt.size, tt.theme)
		}
	}
	if _, err := ui.Render(&app.Cockpit{}, "home", fyne.NewSize(10, 10), ""); err == nil {
		t.Error("Render of an empty cockpit did not fail")
	}
}
