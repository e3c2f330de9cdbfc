// Package focus owns audio focus: who may be heard over whom. Voice replies
// and navigation prompts acquire focus; while any holder remains, music is
// ducked (about −12 dB) with a short ramp, and restored when the last one
// releases. It mixes nothing and opens no device; it only computes the
// gain that the music's streamer applies.
package focus

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/gopxl/beep/v2"
)

// Kind is who asks for focus.
type Kind int

// Kinds of focus holders.
const (
	Voice      Kind = iota // spoken replies of the voice assistant
	Navigation             // turn-by-turn prompts
)

func (k Kind) String() string {
	switch k {
	case Voice:
		return "voice"
	case Navigation:
		return "navigation"
	}
	return "unknown"
}

// DuckDB is the music's attenuation while focus is held.
const DuckDB = -12.0

// Ramp is how long the gain takes to move between levels, in samples at
// the output rate (≈ 80 ms at 44.1 kHz).
const Ramp = 3528

// Arbiter counts focus holders. Safe for concurrent use.
type Arbiter struct {
	mu      sync.Mutex
	holders [2]int
	target  atomic.Uint64 // math.Float64bits of the target gain
	onChg   []func(ducked bool)
}

// New returns an arbiter with no holder.
func New() *Arbiter {
	a := &Arbiter{}
	a.target.Store(math.Float64bits(1))
	return a
}

// Acquire takes focus for kind; calls nest. The returned release gives it
// back and may be called more than once (only the first counts).
func (a *Arbiter) Acquire(k Kind) (release func()) {
	if k < 0 || int(k) >= len(a.holders) {
		k = Voice
	}
	a.change(k, +1)
	var once sync.Once
	return func() { once.Do(func() { a.change(k, -1) }) }
}

func (a *Arbiter) change(k Kind, d int) {
	a.mu.Lock()
	before := a.ducked()
	a.holders[k] += d
	after := a.ducked()
	g := 1.0
	if after {
		g = math.Pow(10, DuckDB/20)
	}
	a.target.Store(math.Float64bits(g))
	fns := a.onChg
	a.mu.Unlock()
	if before != after {
		for _, f := range fns {
			f(after)
		}
	}
}

func (a *Arbiter) ducked() bool { return a.holders[Voice]+a.holders[Navigation] > 0 }

// Ducked reports whether music is ducked now.
func (a *Arbiter) Ducked() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ducked()
}

// Holders returns how many holders of kind k there are.
func (a *Arbiter) Holders(k Kind) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if k < 0 || int(k) >= len(a.holders) {
		return 0
	}
	return a.holders[k]
}

// OnChange calls f (from the goroutine that acquired or released) when
// music becomes ducked or restored.
func (a *Arbiter) OnChange(f func(ducked bool)) {
	a.mu.Lock()
	a.onChg = append(a.onChg, f)
	a.mu.Unlock()
}

// Gain returns the gain music should have now (1, or −12 dB when ducked).
func (a *Arbiter) Gain() float64 { return math.Float64frombits(a.target.Load()) }

// Duck wraps the music streamer s: its samples are multiplied by a gain
// that follows the arbiter, moving linearly in dB over Ramp samples.
func (a *Arbiter) Duck(s beep.Streamer) beep.Streamer {
	return &ducker{a: a, s: s, gain: a.Gain()}
}

type ducker struct {
	a    *Arbiter
	s    beep.Streamer
	gain float64
}

func (d *ducker) Stream(samples [][2]float64) (int, bool) {
	n, ok := d.s.Stream(samples)
	target := d.a.Gain()
	if d.gain == target {
		if target != 1 {
			for i := range samples[:n] {
				samples[i][0] *= target
				samples[i][1] *= target
			}
		}
		return n, ok
	}
	// One ramp from 0 dB to DuckDB spans Ramp samples.
	step := math.Abs(DuckDB) / 20 / Ramp // in log10 units per sample
	lg, lt := math.Log10(d.gain), math.Log10(target)
	for i := range samples[:n] {
		if lg < lt {
			lg = math.Min(lg+step, lt)
		} else if lg > lt {
			lg = math.Max(lg-step, lt)
		}
		g := math.Pow(10, lg)
		samples[i][0] *= g
		samples[i][1] *= g
	}
	d.gain = math.Pow(10, lg)
	if lg == lt {
		d.gain = target
	}
	return n, ok
}

func (d *ducker) Err() error { return d.s.Err() }
