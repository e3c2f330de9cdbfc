package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func demo(t *testing.T) (*vehicle.Profile, *vehicle.Encoder) {
	p, err := vehicle.LoadProfile("../../assets/vehicles/fascia-demo")
	if err != nil {
		t.Fatal(err)
	}
	return p, vehicle.NewEncoder(p)
}

// speedFrame encodes Vehicle.Speed = kmh through the demo profile.
func speedFrame(t *testing.T, enc *vehicle.Encoder, kmh float64) can.Frame {
	for _, m := range enc.Messages() {
		for _, id := range m.IDs {
			if id == vss.Speed {
				var f can.Frame
				enc.Encode(m.Index, func(id vss.ID) (vehicle.Value, bool) {
					if id == vss.Speed {
						return vehicle.Value{Num: kmh}, true
					}
					return vehicle.Value{}, false
				}, &f)
				return f
			}
		}
	}
	t.Fatal("the demo profile carries no Vehicle.Speed")
	return can.Frame{}
}

// script is a frame source that plays frames and then fails or ends.
type script struct {
	frames []can.Frame
	end    error
	i      int
}

func (s *script) Next(ctx context.Context, f *can.Frame) error {
	if s.i == len(s.frames) {
		return s.end
	}
	*f = s.frames[s.i]
	s.i++
	return nil
}
func (s *script) Name() string { return "script" }
func (s *script) Close() error { return nil }

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestLiveThenStaleThenEnded(t *testing.T) {
	p, enc := demo(t)
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	store := vehicle.NewStore(clk.now)
	f := speedFrame(t, enc, 42)
	f.Time = clk.now()
	open := func(string) (can.Source, error) { return &script{frames: []can.Frame{f}, end: io.EOF}, nil }
	fd := New("test:1", open, vehicle.NewDecoder(p, store), store, Options{})
	if st := fd.Status(); st.State != vehicle.NoData || st.Name != "test:1" {
		t.Fatalf("before start: %+v", st)
	}
	if err := fd.Start(); err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	waitFor(t, "the source to end", func() bool { return fd.Status().Err == "ended" })
	if st := fd.Status(); st.State != vehicle.Live || st.Frames != 1 {
		t.Fatalf("after one frame: %+v", st)
	}
	if r := store.Get(vss.Speed); !r.OK() || r.Num < 41.5 || r.Num > 42.5 {
		t.Fatalf("speed %+v", r)
	}
	clk.add(2 * LiveWindow)
	if st := fd.Status(); st.State != vehicle.Stale {
		t.Fatalf("no frames for 2 s but %v", st.State)
	}
	if r := store.Get(vss.Speed); r.OK() {
		t.Fatal("speed still live after its timeout")
	}
}

func TestReopensAfterAFailure(t *testing.T) {
	p, enc := demo(t)
	store := vehicle.NewStore(nil)
	f := speedFrame(t, enc, 10)
	var opens atomic.Int32
	open := func(string) (can.Source, error) {
		n := opens.Add(1)
		if n == 2 {
			return nil, errors.New("interface down")
		}
		fr := f
		fr.Time = time.Now()
		return &script{frames: []can.Frame{fr}, end: fmt.Errorf("read failure %d", n)}, nil
	}
	fd := New("test:flaky", open, vehicle.NewDecoder(p, store), store, Options{})
	if err := fd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "three opens", func() bool { return opens.Load() >= 3 && fd.Status().Frames >= 2 })
	fd.Close()
	if st := fd.Status(); st.Err == "" {
		t.Fatalf("the failure was not reported: %+v", st)
	}
}

func TestFirstOpenErrorIsReported(t *testing.T) {
	p, _ := demo(t)
	store := vehicle.NewStore(nil)
	fd := New("bogus:x", func(string) (can.Source, error) { return nil, errors.New("no such scheme") }, vehicle.NewDecoder(p, store), store, Options{})
	if err := fd.Start(); err == nil {
		t.Fatal("Start succeeded on a source that cannot open")
	}
}

func TestRecordsEveryFrame(t *testing.T) {
	p, enc := demo(t)
	store := vehicle.NewStore(nil)
	var frames []can.Frame
	for i := 0; i < 50; i++ {
		f := speedFrame(t, enc, float64(i))
		f.Time = time.Unix(1_700_000_000, int64(i)*int64(10*time.Millisecond))
		frames = append(frames, f)
	}
	out := filepath.Join(t.TempDir(), "rec.log")
	open := func(string) (can.Source, error) { return &script{frames: frames, end: io.EOF}, nil }
	fd := New("test:rec", open, vehicle.NewDecoder(p, store), store, Options{Record: out})
	if err := fd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the source to end", func() bool { return fd.Status().Err == "ended" })
	fd.Close()
	file, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r := can.NewCandumpReader(file, out)
	var got can.Frame
	n := 0
	for ; ; n++ {
		if err := r.Next(&got); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
		if got.String() != frames[n].String() {
			t.Fatalf("frame %d: %s, want %s", n, got.String(), frames[n].String())
		}
	}
	if n != len(frames) {
		t.Fatalf("recorded %d frames, want %d", n, len(frames))
	}
}
