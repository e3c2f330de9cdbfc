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

// TestSecondPass: a second pass decodes the buffered utterance again with
// its own cepstral mean and keeps the first pass's result beside it.
func TestSecondPass(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	calls := 0
	r, g := newTestRecognizer(t, RecognizerOptions{SecondLoop: true, SecondPass: func(Result) bool { calls++; return true }})
	res, err := r.Decode(say(t, "turn on the air conditioning"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := g.Parse("turn on the air conditioning")
	if calls == 0 || res.First == nil || res.Intent == nil || !res.Intent.Equal(want) {
		t.Fatalf("second pass: calls %d, first %v, result %+v", calls, res.First, res)
	}
	if res.First.Intent == nil || res.First.Gap == res.Gap && res.First.GramAc == res.GramAc {
		t.Errorf("first pass %+v, second %+v: the same scores", *res.First, res)
	}
}
