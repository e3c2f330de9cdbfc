package sim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

var (
	demoOnce    sync.Once
	demoProfile *vehicle.Profile
	demoErr     error
)

func demo(t testing.TB) (*vehicle.Profile, *vehicle.Encoder) {
	t.Helper()
	demoOnce.Do(func() {
		demoProfile, demoErr = vehicle.LoadProfileFS(os.DirFS(assetsDir), "vehicles/fascia-demo")
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoProfile, vehicle.NewEncoder(demoProfile)
}

func openSim(t testing.TB, name string, seed uint64) *Sim {
	t.Helper()
	_, enc := demo(t)
	s, err := Open(os.DirFS(assetsDir), name, enc, seed)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// candump runs s to until and returns its frames as a candump log.
func candump(t testing.TB, s *Sim, until time.Duration) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := can.NewCandumpWriter(&buf, "vcan0")
	if err := s.Step(until, w.Write); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDeterministicFrames(t *testing.T) {
	const d = 90 * time.Second
	a := candump(t, openSim(t, "city", 0), d)
	b := candump(t, openSim(t, "city", 0), d)
	c := candump(t, openSim(t, "city", 2), d)
	if len(a) < 100000 {
		t.Fatalf("only %d bytes of frames in %v", len(a), d)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("same seed, different frames: %x vs %x", sha256.Sum256(a), sha256.Sum256(b))
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 1 and 2 give the same frames")
	}
	// The stamps start at the fixed epoch.
	if want := fmt.Sprintf("(%d.", DefaultEpoch.Unix()); !bytes.HasPrefix(a, []byte(want)) {
		t.Errorf("first line %q, want it to start %q", a[:40], want)
	}
	// Stepping in small or large steps gives the same frames.
	s := openSim(t, "city", 0)
	var buf bytes.Buffer
	w := can.NewCandumpWriter(&buf, "vcan0")
	for until := time.Duration(0); until <= d; until += 7 * time.Millisecond {
		if err := s.Step(until, w.Write); err != nil {
			t.Fatal(err)
		}
	}
	s.Step(d, w.Write)
	w.Flush()
	if !bytes.Equal(a, buf.Bytes()) {
		t.Error("stepping by 7 ms gives other frames than one 90 s step")
	}
}

func TestFrameSchedule(t *testing.T) {
	s := openSim(t, "highway", 0)
	msgs := s.Messages()
	if len(msgs) < 15 {
		t.Fatalf("%d messages", len(msgs))
	}
	const d = 20 * time.Second
	times := make([][]time.Duration, len(msgs))
	var f can.Frame
	prev := time.Duration(0)
	for len(s.sched) > 0 && s.sched[0].at <= d {
		at := s.sched[0].at
		i := s.produce(&f)
		if at < prev {
			t.Fatalf("frame at %v after one at %v", at, prev)
		}
		prev = at
		if err := f.Validate(); err != nil {
			t.Fatalf("%s: %v", msgs[i].Name, err)
		}
		if f.ID != msgs[i].ID || f.Extended != msgs[i].Extended || !f.Time.Equal(DefaultEpoch.Add(at)) {
			t.Fatalf("%s: frame %s at %v", msgs[i].Name, f.String(), f.Time)
		}
		times[i] = append(times[i], at)
	}
	phases := map[time.Duration]int{}
	for i, m := range msgs {
		ts := times[i]
		if len(ts) == 0 || ts[0] < 0 || ts[0] >= m.CycleTime {
			t.Errorf("%s: first frame at %v, cycle %v", m.Name, ts, m.CycleTime)
			continue
		}
		phases[ts[0]]++
		for k := 1; k < len(ts); k++ {
			if ts[k]-ts[k-1] != m.CycleTime {
				t.Errorf("%s %s: gap %v, want %v", m.Name, m.Mux, ts[k]-ts[k-1], m.CycleTime)
				break
			}
		}
		if want := int((d-ts[0])/m.CycleTime) + 1; len(ts) != want {
			t.Errorf("%s: %d frames in %v, want %d", m.Name, len(ts), d, want)
		}
	}
	if len(phases) < len(msgs)/2 {
		t.Errorf("%d messages share %d phases: frames bunch", len(msgs), len(phases))
	}
	if err := s.Step(d, func(*can.Frame) error { t.Fatal("a frame sent twice"); return nil }); err != nil || s.Now() != d {
		t.Errorf("Step: %v, Now() = %v", err, s.Now())
	}
}

// unitFactor is how many VSS units one unit of a mapping's DBC unit is,
// for the units of the demo profile.
func unitFactor(t *testing.T, from, to string) float64 {
	if from == "" || from == to {
		return 1
	}
	f := map[[2]string]float64{{"bar", "kPa"}: 100, {"km", "m"}: 1000, {"mV", "V"}: 0.001, {"m/s", "km/h"}: 3.6}[[2]string{from, to}]
	if f == 0 {
		t.Fatalf("unit %s → %s: add it to the test", from, to)
	}
	return f
}

// TestRoundTrip sends scenarios through a candump log and the profile's
// decoder, and checks that the Store ends up with the values the car sent,
// within the DBC's resolution.
func TestRoundTrip(t *testing.T) {
	p, _ := demo(t)
	tolerance := map[vss.ID]float64{}
	for _, m := range p.Mappings {
		sig := vss.Get(m.VSS)
		if m.Values != nil || sig.Datatype == vss.Boolean || sig.Datatype == vss.String {
			tolerance[m.VSS] = 0
			continue
		}
		scale := 1.0
		if m.Scale != 0 {
			scale = m.Scale
		}
		tolerance[m.VSS] = math.Abs(m.Signal.Factor*unitFactor(t, m.Unit, sig.Unit)*scale)/2 + 1e-9
	}
	for _, tc := range []struct {
		name string
		d    time.Duration
	}{{"city", 3 * time.Minute}, {"ev", time.Minute}, {"parking", 2 * time.Minute}, {"fault", 8 * time.Minute}} {
		t.Run(tc.name, func(t *testing.T) {
			s := openSim(t, tc.name, 0)
			// Send frames, noting the values each carried.
			var log bytes.Buffer
			w := can.NewCandumpWriter(&log, "vcan0")
			sent := map[vss.ID]vehicle.Value{}
			var f can.Frame
			for len(s.sched) > 0 && s.sched[0].at <= tc.d {
				i := s.produce(&f)
				for _, id := range s.msgs[i].IDs {
					if v, ok := s.Value(id); ok {
						sent[id] = v
					} else {
						delete(sent, id)
					}
				}
				if err := w.Write(&f); err != nil {
					t.Fatal(err)
				}
			}
			w.Flush()
			// Read the log back and decode it.
			last := DefaultEpoch.Add(tc.d)
			store := vehicle.NewStore(func() time.Time { return last })
			dec := vehicle.NewDecoder(p, store)
			r := can.NewCandumpReader(&log, "roundtrip.log")
			n := 0
			for {
				var g can.Frame
				err := r.Next(&g)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				dec.Decode(&g)
				n++
			}
			if n == 0 || len(sent) < 40 {
				t.Fatalf("%d frames, %d signals", n, len(sent))
			}
			for id, want := range sent {
				got := store.Get(id)
				path := vss.Get(id).Path
				if !got.OK() {
					t.Errorf("%s: %v", path, got.State)
					continue
				}
				if vss.Get(id).Datatype == vss.String {
					if got.Str != want.Str {
						t.Errorf("%s = %q, sent %q", path, got.Str, want.Str)
					}
					continue
				}
				if d := math.Abs(got.Num - want.Num); d > tolerance[id] {
					t.Errorf("%s = %v, sent %v (resolution ±%v)", path, got.Num, want.Num, tolerance[id])
				}
			}
		})
	}
}

func TestOverride(t *testing.T) {
	p, _ := demo(t)
	s := openSim(t, "city", 0)
	now := DefaultEpoch
	store := vehicle.NewStore(func() time.Time { return now })
	dec := vehicle.NewDecoder(p, store)
	run := func(until time.Duration) {
		t.Helper()
		err := s.Step(until, func(f *can.Frame) error {
			now = f.Time
			dec.Decode(f)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	run(60 * time.Second)
	model := s.m.val[vss.Speed].Num
	s.Override(vss.Speed, vehicle.Value{Num: 123.45})
	s.Override(vss.OccupantRow1DriverSideIdentifierSubject, vehicle.Value{Str: "driver-4"})
	run(61 * time.Second)
	if got := store.Get(vss.Speed).Num; got != 123.45 {
		t.Errorf("overridden speed decodes as %v", got)
	}
	if got := store.Get(vss.OccupantRow1DriverSideIdentifierSubject).Str; got != "driver-4" {
		t.Errorf("overridden driver decodes as %q", got)
	}
	if v := s.m.val[vss.Speed].Num; v > model+10 || v < model-20 {
		t.Errorf("the override moved the model: %v → %v km/h", model, v)
	}
	s.Release(vss.Speed)
	run(62 * time.Second)
	if got, want := store.Get(vss.Speed).Num, s.m.val[vss.Speed].Num; math.Abs(got-want) > 0.5 {
		t.Errorf("released speed decodes as %v, model %v", got, want)
	}
	if got := store.Get(vss.OccupantRow1DriverSideIdentifierSubject).Str; got != "driver-4" {
		t.Errorf("driver override lost: %q", got)
	}
	// Overrides from another goroutine while the car runs (go test -race).
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			s.Override(vss.CabinDoorRow1DriverSideIsOpen, vehicle.BoolValue(i%2 == 0))
			s.Release(vss.CabinDoorRow1DriverSideIsOpen)
		}
	}()
	run(70 * time.Second)
	<-done
	s.Override(0, vehicle.Value{Num: 1}) // invalid IDs are ignored
	s.Release(vss.ID(vss.Count + 1))
}

// fakeClock is a wall clock that only moves when the source sleeps.
type fakeClock struct {
	now   time.Time
	slept time.Duration
	calls int
}

func (c *fakeClock) Now() time.Time { return c.now }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.now = c.now.Add(d)
	c.slept += d
	c.calls++
	return nil
}

func TestSourcePacing(t *testing.T) {
	for _, speed := range []float64{1, 10} {
		clk := &fakeClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
		wall0 := clk.now
		src := openSim(t, "city", 0).Source("sim:city", WithSpeed(speed), WithClock(clk.Now, clk.Sleep))
		first, _ := src.Sim().nextDue()
		var f can.Frame
		var last time.Time
		for i := 0; i < 5000; i++ {
			if err := src.Next(context.Background(), &f); err != nil {
				t.Fatal(err)
			}
			if f.Time.Before(last) || !f.Time.Equal(clk.now) {
				t.Fatalf("speed %v: frame %d at %v, clock %v, previous %v", speed, i, f.Time, clk.now, last)
			}
			last = f.Time
		}
		sim := src.Sim().Now()
		// The first frame goes at once, the others when due.
		if want := time.Duration(float64(sim-first) / speed); clk.slept != want || clk.now.Sub(wall0) != want {
			t.Errorf("speed %v: slept %v for %v simulated, want %v", speed, clk.slept, sim, want)
		}
		if src.Name() != "sim:city" {
			t.Errorf("Name() = %q", src.Name())
		}
	}

	src := openSim(t, "city", 0).Source("sim:city", WithSpeed(0), WithClock(time.Now, func(context.Context, time.Duration) error {
		t.Fatal("speed 0 sleeps")
		return nil
	}))
	var f can.Frame
	for i := 0; i < 100; i++ {
		if err := src.Next(context.Background(), &f); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := src.Next(ctx, &f); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	src.Close()
	if err := src.Next(context.Background(), &f); !errors.Is(err, ErrClosed) {
		t.Errorf("closed: %v", err)
	}
}

func TestSourceRealClock(t *testing.T) {
	src := openSim(t, "city", 0).Source("sim:city")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	sink := &countSink{}
	err := src.Run(ctx, sink)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run: %v", err)
	}
	el := time.Since(start)
	// Paced by the wall clock: never ahead of it (the machine may be too
	// busy to keep up, so only a loose lower bound).
	sim := src.Sim().Now()
	if sim > el+20*time.Millisecond || sim < 50*time.Millisecond || sink.n == 0 {
		t.Errorf("simulated %v and sent %d frames in %v of wall time", sim, sink.n, el)
	}
	// Every frame due by then was sent.
	ref := openSim(t, "city", 0)
	want := 0
	ref.Step(sim, func(*can.Frame) error { want++; return nil })
	if sink.n != want {
		t.Errorf("sent %d frames in %v simulated, want %d", sink.n, sim, want)
	}
}

type countSink struct {
	n   int
	err error
}

func (s *countSink) Write(*can.Frame) error {
	s.n++
	if s.err != nil && s.n > 10 {
		return s.err
	}
	return nil
}
func (s *countSink) Close() error { return nil }

func TestRunSinkError(t *testing.T) {
	src := openSim(t, "city", 0).Source("sim:city", WithSpeed(0))
	boom := errors.New("boom")
	sink := &countSink{err: boom}
	if err := src.Run(context.Background(), sink); !errors.Is(err, boom) || sink.n != 11 {
		t.Errorf("Source.Run = %v after %d frames", err, sink.n)
	}
	sink = &countSink{err: boom}
	if err := openSim(t, "city", 0).Run(context.Background(), sink, WithSpeed(0)); !errors.Is(err, boom) || sink.n != 11 {
		t.Errorf("Sim.Run = %v after %d frames", err, sink.n)
	}
}

func TestStepEmitError(t *testing.T) {
	s := openSim(t, "city", 0)
	boom := errors.New("boom")
	n := 0
	err := s.Step(time.Second, func(*can.Frame) error {
		n++
		if n == 3 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || n != 3 {
		t.Errorf("Step = %v after %d frames", err, n)
	}
}

func TestNoEncoder(t *testing.T) {
	s := loadSim(t, "city", 0)
	if err := s.Step(time.Minute, func(*can.Frame) error { t.Fatal("a frame without an encoder"); return nil }); err != nil {
		t.Fatal(err)
	}
	if v, ok := s.Value(vss.Speed); !ok || v.Num <= 0 {
		t.Errorf("speed %v %v after a minute", v, ok)
	}
	var f can.Frame
	if err := s.Source("sim:x").Next(context.Background(), &f); !errors.Is(err, ErrNoMessages) {
		t.Errorf("Next without messages: %v", err)
	}
}

func TestOpenURI(t *testing.T) {
	_, enc := demo(t)
	fsys := os.DirFS(assetsDir)
	src, err := OpenURI(fsys, "sim:highway?seed=5&speed=max", enc)
	if err != nil {
		t.Fatal(err)
	}
	if src.Name() != "sim:highway" || src.speed != 0 || src.Sim().Route().Name != "krems" {
		t.Errorf("name %q, speed %v", src.Name(), src.speed)
	}
	a, _ := OpenURI(fsys, "sim:city?seed=5", enc)
	b, _ := OpenURI(fsys, "sim:city", enc)
	if a.speed != 1 || a.Sim().Route().Length() == b.Sim().Route().Length() {
		t.Error("seed=5 does not change the route")
	}
	for _, tc := range []struct{ uri, want string }{
		{"candump:x.log", "not a sim: URI"},
		{"sim:", "no scenario name"},
		{"sim:nope", "nope"},
		{"sim:city?speed=-1", "speed"},
		{"sim:city?speed=fast", "speed"},
		{"sim:city?seed=x", "seed"},
		{"sim:city?colour=red", `unknown option "colour"`},
		{"sim:city?%zz", "invalid"},
	} {
		if _, err := OpenURI(fsys, tc.uri, enc); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("OpenURI(%q) = %v, want an error containing %q", tc.uri, err, tc.want)
		}
	}
}

// BenchmarkCity measures simulated seconds per wall second of the city
// scenario with the demo profile's frames (about 400 a second).
func BenchmarkCity(b *testing.B) {
	s := openSim(b, "city", 0)
	frames := 0
	emit := func(*can.Frame) error { frames++; return nil }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Step(time.Duration(i+1)*time.Second, emit); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sim-s/s")
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}

// BenchmarkCityModel is the model alone, without frames.
func BenchmarkCityModel(b *testing.B) {
	s := loadSim(b, "city", 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Step(time.Duration(i+1)*time.Second, nil)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sim-s/s")
}
