package voice

import (
	"math"
	"testing"
)

// TestNoiseFloor: digital silence gets white noise of the floor's level;
// loud samples are clipped, not wrapped; no floor leaves samples alone.
func TestNoiseFloor(t *testing.T) {
	r := &Recognizer{floor: 32768 * math.Pow(10, -60.0/20), rng: 1}
	out := r.addFloor(make([]int16, SampleRate))
	var sum, mean float64
	for _, v := range out {
		sum += float64(v) * float64(v)
		mean += float64(v)
	}
	rms := math.Sqrt(sum / float64(len(out)))
	if db := 20 * math.Log10(rms/32768); math.Abs(db+60) > 0.5 {
		t.Errorf("floor %.2f dBFS, want -60", db)
	}
	if m := mean / float64(len(out)); math.Abs(m) > 1 {
		t.Errorf("floor has a DC offset of %.2f", m)
	}
	if out := r.addFloor([]int16{math.MaxInt16, math.MinInt16}); out[0] < 32700 || out[1] > -32700 {
		t.Errorf("full-scale samples wrapped: %v", out)
	}
	none := &Recognizer{}
	in := []int16{0, 5, -5}
	if out := none.addFloor(in); &out[0] != &in[0] {
		t.Error("no floor: samples copied")
	}
}
