package audio

import (
	"testing"
	"time"

	"github.com/gopxl/beep/v2"
	"github.com/gopxl/beep/v2/generators"
)

func TestOpenDefaultNeverFails(t *testing.T) {
	o, err := Open(SinkDefault, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	switch o.Sink() {
	case "device":
		if o.NoOutput() != "" {
			t.Errorf("device sink reports no output: %s", o.NoOutput())
		}
	case "null":
		if o.NoOutput() == "" {
			t.Error("null fallback does not say why nothing is heard")
		}
		t.Logf("no sound device here: %s", o.NoOutput())
	default:
		t.Errorf("sink %q", o.Sink())
	}
	if _, err := Open("hdmi", nil); err == nil {
		t.Error("unknown sink accepted")
	}
}

// TestNullSinkRealTime: the null sink consumes samples at about real time,
// and plays a streamer to its end.
func TestNullSinkRealTime(t *testing.T) {
	o, err := Open(SinkNull, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	start := time.Now()
	<-o.Play(generators.Silence(Rate.N(200 * time.Millisecond)))
	if el := time.Since(start); el < 180*time.Millisecond || el > 2*time.Second {
		t.Errorf("200 ms of samples took %v", el)
	}
	if n := o.Pulled(); n < int64(Rate.N(180*time.Millisecond)) {
		t.Errorf("pulled %d samples", n)
	}
}

// TestCaptureMixes: two streamers are mixed (summed) and clipped.
func TestCaptureMixes(t *testing.T) {
	c := NewCapture()
	konst := func(v float64, n int) beep.Streamer {
		return beep.Take(n, beep.StreamerFunc(func(s [][2]float64) (int, bool) {
			for i := range s {
				s[i] = [2]float64{v, -v}
			}
			return len(s), true
		}))
	}
	c.Add(konst(0.25, 100), konst(0.5, 50))
	c.Play(konst(0.5, 10))
	got := c.Pull(200)
	for i, want := range map[int]float64{0: 1, 9: 1, 10: 0.75, 49: 0.75, 50: 0.25, 99: 0.25, 100: 0, 199: 0} {
		if got[i][0] != want || got[i][1] != -want {
			t.Errorf("sample %d = %v, want ±%v", i, got[i], want)
		}
	}
	if len(c.Samples()) != 200 {
		t.Errorf("recorded %d", len(c.Samples()))
	}
}
