// Package audio owns the cockpit's one audio output: a mixer at 44.1 kHz
// stereo that music and spoken prompts play into together, drained by a
// sound device (oto over ALSA), by a null sink that consumes samples at real
// time when no device can be opened, or by a capture sink that records
// samples for tests. It knows nothing of tracks, libraries or the car; it
// never decodes files and never blocks its caller on the device.
package audio

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopxl/beep/v2"
)

// Rate is the output sample rate; every streamer added must produce it.
const Rate beep.SampleRate = 44100

// Sink names accepted by Open.
const (
	SinkDefault = "default" // the sound device; the null sink when none opens
	SinkNull    = "null"    // no device: samples consumed at real time
)

// ErrNoDevice is returned by the device backend in builds without one.
var ErrNoDevice = errors.New("audio: this build has no sound device support (cgo/ALSA)")

// Output is the mixer and the sink that drains it. Its methods are safe
// for concurrent use.
type Output struct {
	mu    sync.Mutex
	mixer beep.Mixer

	sink     string // "device", "null" or "capture"
	noOutput string // why nothing is heard; empty when a device plays

	pulled atomic.Int64 // samples handed to the sink
	stop   chan struct{}
	done   chan struct{}
	closer func()
	once   sync.Once
}

// DeviceTimeout bounds how long Open waits for the sound device.
var DeviceTimeout = 2 * time.Second

// Open opens the named sink: "default" tries the sound device and falls
// back to the null sink (reporting NoOutput) when it cannot be opened in
// DeviceTimeout; "null" is the null sink. It fails only for an unknown name.
func Open(sink string, log *slog.Logger) (*Output, error) {
	if log == nil {
		log = slog.Default()
	}
	switch sink {
	case SinkNull:
		o := newOutput("null")
		o.noOutput = "null sink chosen"
		o.runNull()
		return o, nil
	case SinkDefault, "":
		o := newOutput("device")
		type result struct {
			closer func()
			err    error
		}
		ch := make(chan result, 1)
		go func() {
			c, err := openDevice(o)
			ch <- result{c, err}
		}()
		var err error
		select {
		case r := <-ch:
			if r.err == nil {
				o.closer = r.closer
				log.Info("audio output", "sink", "device", "rate", int(Rate))
				return o, nil
			}
			err = r.err
		case <-time.After(DeviceTimeout):
			err = fmt.Errorf("sound device did not open within %v", DeviceTimeout)
			go func() { // close it if it opens late
				if r := <-ch; r.err == nil {
					r.closer()
				}
			}()
		}
		log.Warn("no audio output; playing into the null sink", "err", err)
		o.sink = "null"
		o.noOutput = err.Error()
		o.runNull()
		return o, nil
	}
	return nil, fmt.Errorf("audio: unknown sink %q (want default or null)", sink)
}

func newOutput(sink string) *Output {
	o := &Output{sink: sink, stop: make(chan struct{}), done: make(chan struct{})}
	o.mixer.KeepAlive(true)
	return o
}

// Sink names the sink in use: "device", "null" or "capture".
func (o *Output) Sink() string { return o.sink }

// NoOutput reports why nothing is heard ("" when a sound device plays).
func (o *Output) NoOutput() string { return o.noOutput }

// Pulled returns how many samples the sink has taken so far.
func (o *Output) Pulled() int64 { return o.pulled.Load() }

// Add mixes streamers into the output until they drain.
func (o *Output) Add(s ...beep.Streamer) {
	o.mu.Lock()
	o.mixer.Add(s...)
	o.mu.Unlock()
}

// Play mixes s into the output and returns a channel closed when it has
// drained: for prompts played beside the music.
func (o *Output) Play(s beep.Streamer) <-chan struct{} {
	done := make(chan struct{})
	o.Add(beep.Seq(s, beep.Callback(func() { close(done) })))
	return done
}

// Read fills buf with the next mixed samples, clipped to ±1. Sinks call it.
func (o *Output) Read(buf [][2]float64) {
	o.mu.Lock()
	o.mixer.Stream(buf)
	o.mu.Unlock()
	for i := range buf {
		buf[i][0] = clip(buf[i][0])
		buf[i][1] = clip(buf[i][1])
	}
	o.pulled.Add(int64(len(buf)))
}

func clip(x float64) float64 {
	if x > 1 {
		return 1
	}
	if x < -1 {
		return -1
	}
	if math.IsNaN(x) {
		return 0
	}
	return x
}

// runNull drains the mixer at real time from a goroutine.
func (o *Output) runNull() {
	go func() {
		defer close(o.done)
		const tick = 10 * time.Millisecond
		t := time.NewTicker(tick)
		defer t.Stop()
		start := time.Now()
		buf := make([][2]float64, 1024)
		var taken int64
		for {
			select {
			case <-o.stop:
				return
			case now := <-t.C:
				due := int64(Rate.N(now.Sub(start))) - taken
				for due > 0 {
					n := min(int64(len(buf)), due)
					o.Read(buf[:n])
					taken += n
					due -= n
				}
			}
		}
	}()
}

// Close stops the sink; streamers still in the mixer are dropped.
func (o *Output) Close() {
	o.once.Do(func() {
		close(o.stop)
		if o.closer != nil {
			o.closer()
		}
		if o.sink == "null" {
			<-o.done
		}
		o.mu.Lock()
		o.mixer.Clear()
		o.mu.Unlock()
	})
}

// Capture is an output whose sink is the test: Pull takes samples as a
// device would and records them.
type Capture struct {
	*Output
	mu      sync.Mutex
	samples [][2]float64
}

// NewCapture returns an output drained only by Pull.
func NewCapture() *Capture {
	o := newOutput("capture")
	o.noOutput = "capture sink"
	close(o.done)
	return &Capture{Output: o}
}

// Pull takes the next n samples from the mixer, records and returns them.
func (c *Capture) Pull(n int) [][2]float64 {
	buf := make([][2]float64, n)
	c.Read(buf)
	c.mu.Lock()
	c.samples = append(c.samples, buf...)
	c.mu.Unlock()
	return buf
}

// Samples returns every sample pulled so far.
func (c *Capture) Samples() [][2]float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][2]float64(nil), c.samples...)
}
