package script

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

func TestParseGood(t *testing.T) {
	src := `# a comment
scenario city seed 42
wait 1m30s   # trailing comment
set Vehicle.Speed 80
set Vehicle.Powertrain.Transmission.SelectedGear "D"
release Vehicle.Speed
release all
fault freeze Vehicle.Speed
fault noise Vehicle.Speed 2.5
fault drop 0x104
fault silence
fault silence 2s
fault malformed
fault clear
fault clear Vehicle.Speed
tap "Media \"player\""
tap 640,360
drag 10,20 300.5,20
screenshot home-1
expect text "Low fuel"
expect no text "Door open"
expect stale Vehicle.Speed
expect live Vehicle.Speed
expect value Vehicle.Speed 80±1
expect value Vehicle.Speed 80 +- 2
expect value Vehicle.Speed 80
expect screen home
note "looks # fine" and more
pinch 640,360 0.5
say "navigate to rue grimaldi"
`
	s, err := Parse("t.fscript", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Steps) != 29 {
		t.Fatalf("%d steps, want 29", len(s.Steps))
	}
	check := func(i int, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("step %d (%s): got %v, want %v", i, s.Steps[i].Text, got, want)
		}
	}
	check(0, s.Steps[0].Seed, uint64(42))
	check(0, s.Steps[0].Line, 2)
	check(1, s.Steps[1].Dur, 90*time.Second)
	check(3, s.Steps[3].Value, "D")
	check(5, s.Steps[5].Path, "")
	check(7, s.Steps[7].Amp, 2.5)
	check(8, s.Steps[8].Name, "0x104")
	check(10, s.Steps[10].Dur, 2*time.Second)
	check(14, s.Steps[14].Label, `Media "player"`)
	check(15, s.Steps[15].ByPoint, true)
	check(15, s.Steps[15].X, float32(640))
	check(16, s.Steps[16].X2, float32(300.5))
	check(20, s.Steps[19].Negation, true)
	check(22, s.Steps[22].Tol, 1.0)
	check(23, s.Steps[23].Tol, 2.0)
	check(24, s.Steps[24].Tol, 0.0)
	check(28, s.Steps[28].Cmd, "say")
	check(28, s.Steps[28].Label, "navigate to rue grimaldi")
	check(26, s.Steps[26].Label, "looks # fine and more")
	check(27, s.Steps[27].Scale, float32(0.5))
	check(27, s.Steps[27].Y, float32(360))
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"scenario city\nwiat 5s", `t:2: unknown command "wiat" (did you mean wait?)`},
		{"frobnicate", `t:1: unknown command "frobnicate" (commands: scenario`},
		{"wait", "t:1: wait: usage: wait DURATION"},
		{"wait five", `t:1: wait: "five" is not a positive duration`},
		{"wait -1s", `is not a positive duration`},
		{"set Vehicle.Sped 80", `t:1: unknown signal "Vehicle.Sped" (did you mean Vehicle.Speed`},
		{"set Vehicle.Speed", "set: usage: set PATH VALUE"},
		{"fault melt Vehicle.Speed", `unknown fault "melt"`},
		{"fault noise Vehicle.Speed -1", "amplitude"},
		{"fault freeze", "fault freeze: usage"},
		{"tap Media", `tap: point "Media": want X,Y in pixels, e.g. 640,360 (a label goes in quotes`},
		{`tap ""`, "tap: empty label"},
		{`tap "Media`, "unterminated quoted string"},
		{"drag 1,2", "drag: usage"},
		{"drag 1,2 3", `drag: point "3"`},
		{"pinch 1,2", "pinch: usage"},
		{"pinch 1,2 0", "pinch: scale \"0\": want a factor"},
		{"pinch 1,2 NaN", "pinch: scale"},
		{"pinch x 2", `pinch: point "x"`},
		{"screenshot ../x", `screenshot: name "../x"`},
		{"expect", "expect: usage"},
		{"expect colour red", `unknown expectation "colour"`},
		{"expect value Vehicle.Speed abc±1", "a tolerance needs a number"},
		{"expect value Vehicle.Speed 1±x", `tolerance "x"`},
		{`expect no "x"`, "expect no: usage"},
		{"note", "note: usage"},
		{"say", "say: usage"},
		{`"quoted" first`, "a line starts with a command"},
		{"scenario city seed x", "seed \"x\""},
		{"release", "release: usage"},
		{"ok\xff", "not UTF-8"},
	}
	for _, c := range cases {
		s, err := Parse("t", []byte(c.src))
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want an *Error", c.src, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %q, want it to contain %q", c.src, err, c.want)
		}
		if n := strings.Count(c.src, "\n"); len(s.Steps) != n {
			t.Errorf("%q: %d steps before the error, want %d", c.src, len(s.Steps), n)
		}
	}
}

// FuzzParse: the parser never panics, an error always names a line of
// the input, and every step it returns is well-formed.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"scenario city seed 1\nwait 5s\nset Vehicle.Speed 80\nexpect value Vehicle.Speed 80±1\n",
		"tap \"Media\"\ntap 640,360\ndrag 1,2 3,4\nscreenshot a_b\n",
		"pinch 640,300 2\npinch 1,1 0.0625\npinch 2,2 17\n",
		"fault freeze Vehicle.Speed\nfault noise Vehicle.Speed 3\nfault silence 2s\nfault drop 0x104\n",
		"expect no text \"x\\\"y\"\nnote \"n\" # c\n",
		"wait 99999h\n\"x\nset",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("f", src)
		lines := strings.Count(string(src), "\n") + 1
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Line > lines {
				t.Fatalf("error %v does not name a line of %d", err, lines)
			}
		}
		for _, st := range s.Steps {
			if st.Line < 1 || st.Line > lines {
				t.Fatalf("step at line %d of %d", st.Line, lines)
			}
			switch st.Cmd {
			case "wait":
				if st.Dur <= 0 {
					t.Fatalf("wait %v", st.Dur)
				}
			case "screenshot":
				if !validName(st.Name) {
					t.Fatalf("screenshot name %q", st.Name)
				}
			case "set":
				if _, ok := vss.Lookup(st.Path); !ok {
					t.Fatalf("set of unknown %q", st.Path)
				}
			}
			if st.Tol < 0 || math.IsNaN(st.Tol) || st.Amp < 0 {
				t.Fatalf("step %+v", st)
			}
		}
	})
}

// rig is a driver feeding a cockpit's decoder in virtual time.
type rig struct {
	d      *Driver
	c      *app.Cockpit
	frames []can.Frame
}

func newRig(t testing.TB, scenario string) *rig {
	t.Helper()
	r := &rig{}
	p, err := app.LoadProfile("")
	if err != nil {
		t.Fatal(err)
	}
	store := vehicle.NewStore(func() time.Time { return r.d.VirtualNow() })
	dec := vehicle.NewDecoder(p, store)
	r.c = &app.Cockpit{Profile: p, Store: store, Decoder: dec}
	r.d = NewDriver(p, func(f *can.Frame) error {
		dec.Decode(f)
		r.frames = append(r.frames, *f)
		return nil
	}, nil)
	if err := r.d.Load(scenario, 0); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rig) step(t testing.TB, d time.Duration) {
	t.Helper()
	if err := r.d.Step(r.d.Now() + d); err != nil {
		t.Fatal(err)
	}
}

func TestDriverOverrideReachesStoreThroughCAN(t *testing.T) {
	r := newRig(t, "city")
	r.step(t, 5*time.Second)
	r.d.Set(vss.Speed, vehicle.Value{Num: 123})
	gear, _ := vss.Lookup("Vehicle.Powertrain.Transmission.SelectedGear")
	v, err := ParseValue(gear, "R")
	if err == nil {
		r.d.Set(gear, v)
	}
	r.step(t, time.Second)
	if got := r.c.Store.Get(vss.Speed); !got.OK() || math.Abs(got.Num-123) > 0.1 {
		t.Errorf("speed %+v, want 123 live", got)
	}
	r.d.Release(vss.Speed)
	r.step(t, time.Second)
	if got := r.c.Store.Get(vss.Speed); math.Abs(got.Num-123) < 1 {
		t.Errorf("speed %+v still the override after Release", got)
	}
}

func TestDriverFaults(t *testing.T) {
	r := newRig(t, "highway")
	r.step(t, 10*time.Second)
	id, err := r.d.MessageID("Vehicle.Speed")
	if err != nil {
		t.Fatal(err)
	}
	r.d.Drop(id)
	r.frames = nil
	r.step(t, 2*time.Second)
	for _, f := range r.frames {
		if f.ID == id {
			t.Fatalf("dropped ID %#x sent", id)
		}
	}
	if r.c.Store.Get(vss.Speed).State != vehicle.Stale {
		t.Error("speed not stale after its message was dropped")
	}
	r.d.ClearFaults(0)

	// Freeze: live but constant while the car accelerates or slows.
	r.step(t, time.Second)
	r.d.Freeze(vss.Speed)
	frozen := r.c.Store.Get(vss.Speed).Num
	var seen []float64
	for range 20 {
		r.step(t, 500*time.Millisecond)
		rd := r.c.Store.Get(vss.Speed)
		if !rd.OK() {
			t.Fatal("frozen speed went stale")
		}
		seen = append(seen, rd.Num)
	}
	for _, v := range seen {
		if math.Abs(v-frozen) > 0.5 {
			t.Fatalf("frozen speed moved: %v from %v", seen, frozen)
		}
	}
	model, _ := r.d.Value(vss.Speed)
	r.d.ClearFaults(vss.Speed)

	// Noise: values spread around the model's.
	r.d.Noise(vss.Speed, 20)
	distinct := map[float64]bool{}
	for range 20 {
		r.step(t, 100*time.Millisecond)
		distinct[math.Round(r.c.Store.Get(vss.Speed).Num)] = true
	}
	if len(distinct) < 5 {
		t.Errorf("noise gave %d distinct speeds (model %v)", len(distinct), model.Num)
	}
	r.d.ClearFaults(0)

	// Silence for 2 s: no frames, then frames again by themselves.
	r.d.Silence(2 * time.Second)
	r.frames = nil
	r.step(t, 1900*time.Millisecond)
	if len(r.frames) != 0 {
		t.Errorf("%d frames during silence", len(r.frames))
	}
	r.step(t, time.Second)
	if len(r.frames) == 0 {
		t.Error("no frames after the silence ended")
	}

	// Malformed: refused by the decoder, the value kept.
	before := r.c.Decoder.Stats()
	what, err := r.d.Malformed()
	if err != nil {
		t.Fatal(err)
	}
	after := r.c.Decoder.Stats()
	if after.Short+after.Invalid <= before.Short+before.Invalid {
		t.Errorf("malformed frame %s was not refused: %+v → %+v", what, before, after)
	}
}

func TestDriverHoldKeepsSignalsLive(t *testing.T) {
	r := newRig(t, "city")
	r.step(t, 5*time.Second)
	r.frames = nil
	for range 10 {
		if err := r.d.Hold(100 * time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	if r.d.Now() != 5*time.Second {
		t.Errorf("Hold moved simulated time to %v", r.d.Now())
	}
	ids := map[uint32]bool{}
	for _, f := range r.frames {
		ids[f.ID] = true
	}
	want := map[uint32]bool{}
	for _, m := range r.d.msgs {
		want[m.ID] = true
	}
	if len(ids) != len(want) {
		t.Errorf("hold sent %d of %d message IDs", len(ids), len(want))
	}
	// A set during a pause reaches the store.
	r.d.Set(vss.Speed, vehicle.Value{Num: 42})
	r.d.Hold(200 * time.Millisecond)
	if v := r.c.Store.Get(vss.Speed).Num; math.Abs(v-42) > 0.1 {
		t.Errorf("speed %v after a set during a pause", v)
	}
}

func TestDriverSeekAndSignalErrors(t *testing.T) {
	r := newRig(t, "city")
	r.step(t, 20*time.Second)
	if err := r.d.Seek(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if r.d.Now() != 5*time.Second {
		t.Errorf("seek back: now %v", r.d.Now())
	}
	if err := r.d.Seek(30 * time.Second); err != nil || r.d.Now() != 30*time.Second {
		t.Errorf("seek forward: now %v, %v", r.d.Now(), err)
	}
	if _, err := r.d.Signal("Vehicle.Sped"); err == nil || !strings.Contains(err.Error(), "did you mean Vehicle.Speed") {
		t.Errorf("Signal(Vehicle.Sped): %v", err)
	}
	if _, err := r.d.Signal("Vehicle.Cabin.Sunroof.Position"); err == nil {
		t.Error("a signal the profile does not map was accepted")
	}
	if _, err := r.d.MessageID("ENGIN"); err == nil {
		t.Error("unknown message accepted")
	}
	for _, c := range []struct{ path, v string }{{"Vehicle.Speed", "fast"}, {"Vehicle.Powertrain.FuelSystem.RelativeLevel", "150"}, {"Vehicle.Cabin.Door.Row1.DriverSide.IsOpen", "ajar"}} {
		id, _ := vss.Lookup(c.path)
		if _, err := ParseValue(id, c.v); err == nil {
			t.Errorf("ParseValue(%s, %q): no error", c.path, c.v)
		}
	}
}

func TestPlayer(t *testing.T) {
	r := newRig(t, "city")
	p := NewPlayer(r.d)
	p.Start()
	defer p.Close()
	p.SetSpeed(100)
	if p.Speed() != MaxSpeed {
		t.Errorf("speed %v, want clamped to %v", p.Speed(), float64(MaxSpeed))
	}
	p.Play()
	deadline := time.Now().Add(5 * time.Second)
	for r.d.Now() < 2*time.Second && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	p.Pause()
	time.Sleep(30 * time.Millisecond)
	at := r.d.Now()
	if at < 2*time.Second {
		t.Fatalf("player at ×10 reached only %v", at)
	}
	time.Sleep(100 * time.Millisecond)
	if r.d.Now() != at {
		t.Errorf("paused player moved from %v to %v", at, r.d.Now())
	}
	if err := p.Seek(0); err != nil || r.d.Now() != 0 {
		t.Errorf("seek 0: %v at %v", err, r.d.Now())
	}
}
