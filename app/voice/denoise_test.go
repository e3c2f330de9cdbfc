package voice

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

func TestFFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]complex128, 64)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	y := append([]complex128(nil), x...)
	fft(y, false)
	for _, k := range []int{0, 1, 17, 63} { // against the definition
		var want complex128
		for n, v := range x {
			want += v * cmplx.Rect(1, -2*math.Pi*float64(k*n)/64)
		}
		if cmplx.Abs(y[k]-want) > 1e-9 {
			t.Fatalf("bin %d: %v, want %v", k, y[k], want)
		}
	}
	fft(y, true)
	for i := range y {
		if cmplx.Abs(y[i]/64-x[i]) > 1e-9 {
			t.Fatalf("round trip: sample %d is %v, want %v", i, y[i]/64, x[i])
		}
	}
}

// runDenoiser feeds in to d in blocks of block samples and returns
// everything it put out, the flush included.
func runDenoiser(d *denoiser, in []int16, block int) []int16 {
	var out []int16
	for i := 0; i < len(in); i += block {
		out = append(out, d.process(in[i:min(i+block, len(in))])...)
	}
	return append(out, d.flush()...)
}

// noisyTone is 0.5 s of noise, then a 1 kHz tone for 0.5 s with the
// noise, then the noise alone again; noise is brown-ish (integrated
// white noise, leaky) at the given RMS.
func noisyTone(toneAmp, noiseRMS float64) (mixed, tone []int16) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := SampleRate * 3 / 2
	mixed, tone = make([]int16, n), make([]int16, n)
	var b float64
	noise := make([]float64, n)
	var e float64
	for i := range noise {
		b = 0.98*b + rng.NormFloat64()
		noise[i] = b
		e += b * b
	}
	k := noiseRMS / math.Sqrt(e/float64(n))
	for i := range mixed {
		var s float64
		if i >= SampleRate/2 && i < SampleRate {
			s = toneAmp * math.Sin(2*math.Pi*1000*float64(i)/SampleRate)
		}
		tone[i] = int16(s)
		mixed[i] = int16(math.Round(s + k*noise[i]))
	}
	return mixed, tone
}

func TestDenoiserKeepsCleanInput(t *testing.T) {
	_, tone := noisyTone(8000, 0)
	for _, n := range []int{len(tone), 100, len(tone) - 1, 1600, 257, 1} {
		in := tone[:n]
		for _, block := range []int{1600, 257, 1} {
			out := runDenoiser(newDenoiser(0.15), in, block)
			if len(out) != len(in) {
				t.Fatalf("%d samples in blocks of %d: %d out", len(in), block, len(out))
			}
			// with no noise there is nothing to take away: sample for
			// sample the same (within rounding)
			for i := range in {
				if d := int(out[i]) - int(in[i]); d < -1 || d > 1 {
					t.Fatalf("%d samples in blocks of %d: sample %d is %d, want %d", len(in), block, i, out[i], in[i])
				}
			}
		}
	}
	if out := runDenoiser(newDenoiser(0.15), nil, 1600); len(out) != 0 {
		t.Errorf("nothing in, %d samples out", len(out))
	}
}

func TestDenoiserSuppressesStationaryNoise(t *testing.T) {
	mixed, _ := noisyTone(3000, 1500) // ≈ 3 dB SNR
	out := runDenoiser(newDenoiser(0.15), mixed, 1600)
	noiseIn := meanSquare(mixed[SampleRate*11/10 : SampleRate*14/10])
	noiseOut := meanSquare(out[SampleRate*11/10 : SampleRate*14/10])
	toneIn := meanSquare(mixed[SampleRate*6/10 : SampleRate*9/10])
	toneOut := meanSquare(out[SampleRate*6/10 : SampleRate*9/10])
	if cut := 10 * math.Log10(noiseIn/noiseOut); cut < 10 {
		t.Errorf("noise only %.1f dB quieter, want ≥ 10", cut)
	}
	// the tone region keeps the tone: its level falls by no more than the
	// noise it carried
	if loss := 10 * math.Log10(toneIn/toneOut); loss > 3 {
		t.Errorf("tone region %.1f dB quieter, want ≤ 3", loss)
	}
	for i, v := range out {
		if v == math.MinInt16 || v == math.MaxInt16 {
			t.Fatalf("sample %d clipped", i)
		}
	}
}

func TestDenoiserReset(t *testing.T) {
	mixed, _ := noisyTone(3000, 1500)
	d := newDenoiser(0.15)
	first := runDenoiser(d, mixed, len(mixed))
	d.reset()
	second := runDenoiser(d, mixed, len(mixed))
	if len(first) != len(second) {
		t.Fatalf("lengths %d and %d", len(first), len(second))
	}
	for i := range first {
		if first[i] != second[i] {
			t.Fatalf("sample %d: %d after reset, %d before", i, second[i], first[i])
		}
	}
}
