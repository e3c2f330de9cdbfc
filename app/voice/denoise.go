package voice

import (
	"math"
	"math/cmplx"
)

// denoiser is a streaming spectral noise suppressor: 32 ms frames every
// 16 ms, square-root Hann windows both ways (they overlap-add to one),
// a noise spectrum learnt from the utterance's first frames and followed
// through its quiet ones, and a Wiener gain with a decision-directed
// a-priori SNR (which keeps "musical" noise down), floored at minGain.
// Its output lines up with its input, sample for sample: the first hop
// it computes (the window's run-in) is dropped, and flush puts out the
// rest, so the decoders' frames match the level measurements'.
type denoiser struct {
	minGain float64
	win     []float64
	hist    []float64    // the last frame of input
	acc     []float64    // overlap-add accumulator
	spec    []complex128 // FFT work buffer
	noise   []float64    // noise power per bin
	clean   []float64    // last frame's clean power estimate per bin
	frames  int
	pending []int16 // input not yet a whole hop
	out     []int16
	in, put int // samples taken and put out (the run-in not counted)
}

const (
	dnFrame      = 512
	dnHop        = dnFrame / 2
	dnInitFrames = 8    // frames averaged for the first noise estimate (≈ 140 ms)
	dnDD         = 0.98 // decision-directed smoothing
	dnTrack      = 0.05 // noise update per quiet frame
	dnQuiet      = 2.0  // a frame is quiet below this × the noise power
)

func newDenoiser(minGain float64) *denoiser {
	d := &denoiser{
		minGain: minGain,
		win:     make([]float64, dnFrame),
		hist:    make([]float64, dnFrame),
		acc:     make([]float64, dnFrame),
		spec:    make([]complex128, dnFrame),
		noise:   make([]float64, dnFrame/2+1),
		clean:   make([]float64, dnFrame/2+1),
	}
	for i := range d.win {
		d.win[i] = math.Sqrt(0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/dnFrame))
	}
	return d
}

// reset forgets the noise estimate and the signal (a new utterance).
func (d *denoiser) reset() {
	clear(d.hist)
	clear(d.acc)
	clear(d.noise)
	clear(d.clean)
	d.frames, d.pending, d.in, d.put = 0, d.pending[:0], 0, 0
}

// process returns the denoised samples for whole hops of the input so
// far; the rest waits for more input or flush. The returned slice is
// reused by the next call.
func (d *denoiser) process(samples []int16) []int16 {
	d.pending = append(d.pending, samples...)
	d.in += len(samples)
	d.out = d.out[:0]
	for len(d.pending) >= dnHop {
		d.hop(d.pending[:dnHop])
		d.pending = d.pending[dnHop:]
	}
	d.pending = append(d.pending[:0], d.pending...)
	return d.out
}

// flush returns the rest of the input's samples: the pending input is
// padded with silence to hops until all of it is out.
func (d *denoiser) flush() []int16 {
	var pad [dnHop]int16
	d.out = d.out[:0]
	copy(pad[:], d.pending)
	d.pending = d.pending[:0]
	for d.put < d.in {
		d.hop(pad[:])
		clear(pad[:])
	}
	d.out = d.out[:len(d.out)-(d.put-d.in)]
	d.put = d.in
	return d.out
}

func (d *denoiser) hop(in []int16) {
	copy(d.hist, d.hist[dnHop:])
	for i, v := range in {
		d.hist[dnFrame-dnHop+i] = float64(v)
	}
	for i, v := range d.hist {
		d.spec[i] = complex(v*d.win[i], 0)
	}
	fft(d.spec, false)
	var power, noise float64
	for k := range d.noise {
		p := sqAbs(d.spec[k])
		power += p
		noise += d.noise[k]
	}
	d.frames++
	for k := range d.noise {
		p := sqAbs(d.spec[k])
		switch {
		case d.frames <= dnInitFrames:
			d.noise[k] += (p - d.noise[k]) / float64(d.frames)
		case power < dnQuiet*noise || p < d.noise[k]:
			d.noise[k] += dnTrack * (p - d.noise[k])
		}
		n := max(d.noise[k], 1e-3)
		post := p / n
		prio := dnDD*d.clean[k]/n + (1-dnDD)*max(post-1, 0)
		g := max(prio/(1+prio), d.minGain)
		d.clean[k] = g * g * p
		d.spec[k] *= complex(g, 0)
		if k > 0 && k < dnFrame/2 {
			d.spec[dnFrame-k] = cmplx.Conj(d.spec[k])
		}
	}
	fft(d.spec, true)
	for i := range d.acc {
		d.acc[i] += real(d.spec[i]) / dnFrame * d.win[i]
	}
	if d.frames > 1 { // the first hop is the run-in
		for _, v := range d.acc[:dnHop] {
			d.out = append(d.out, toSample(v))
		}
		d.put += dnHop
	}
	copy(d.acc, d.acc[dnHop:])
	clear(d.acc[dnFrame-dnHop:])
}

func sqAbs(c complex128) float64 { return real(c)*real(c) + imag(c)*imag(c) }

// fft transforms x in place (len(x) a power of two); inverse without the
// 1/n scaling.
func fft(x []complex128, inverse bool) {
	n := len(x)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j |= bit
		if i < j {
			x[i], x[j] = x[j], x[i]
		}
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	for size := 2; size <= n; size <<= 1 {
		step := cmplx.Rect(1, sign*2*math.Pi/float64(size))
		for start := 0; start < n; start += size {
			w := complex(1, 0)
			for k := 0; k < size/2; k++ {
				a, b := x[start+k], w*x[start+k+size/2]
				x[start+k], x[start+k+size/2] = a+b, a-b
				w *= step
			}
		}
	}
}
