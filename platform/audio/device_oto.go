//go:build cgo && !noos

package audio

/*
#cgo pkg-config: alsa
#include <alsa/asoundlib.h>

// quiet drops libasound's own messages on stderr; failures still reach us
// through oto's errors and are logged once.
static void quiet(const char *file, int line, const char *function, int err, const char *fmt, ...) {}
static void silenceALSA(void) { snd_lib_error_set_handler((snd_lib_error_handler_t)quiet); }
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/ebitengine/oto/v3"
)

// oto allows one context per process; it is kept for later outputs.
var (
	otoMu   sync.Mutex
	otoCtx  *oto.Context
	otoBusy bool
)

// openDevice opens the sound device through oto (ALSA on Linux) and plays
// the output's mixer into it. beep's speaker package wraps the same oto
// context but hides its error: on a machine without a sound card
// speaker.Init returns nil and plays into nothing, so Output talks to oto
// directly to learn whether a device really opened.
func openDevice(o *Output) (func(), error) {
	otoMu.Lock()
	defer otoMu.Unlock()
	if otoBusy {
		return nil, errors.New("sound device already in use by another output")
	}
	if otoCtx == nil {
		C.silenceALSA()
		ctx, ready, err := oto.NewContext(&oto.NewContextOptions{
			SampleRate:   int(Rate),
			ChannelCount: 2,
			Format:       oto.FormatFloat32LE,
			BufferSize:   40 * time.Millisecond,
		})
		if err != nil {
			return nil, err
		}
		<-ready
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		otoCtx = ctx
	}
	if err := otoCtx.Err(); err != nil {
		return nil, err
	}
	p := otoCtx.NewPlayer(&deviceReader{o: o})
	p.SetBufferSize(int(Rate.N(40*time.Millisecond)) * 8)
	p.Play()
	otoBusy = true
	return func() {
		_ = p.Close()
		otoMu.Lock()
		otoBusy = false
		otoMu.Unlock()
	}, nil
}

// deviceReader turns the mixer into interleaved float32 little-endian bytes.
type deviceReader struct {
	o   *Output
	buf [][2]float64
}

func (r *deviceReader) Read(p []byte) (int, error) {
	n := len(p) / 8
	if n == 0 {
		return 0, nil
	}
	if cap(r.buf) < n {
		r.buf = make([][2]float64, n)
	}
	buf := r.buf[:n]
	r.o.Read(buf)
	for i, s := range buf {
		binary.LittleEndian.PutUint32(p[i*8:], math.Float32bits(float32(s[0])))
		binary.LittleEndian.PutUint32(p[i*8+4:], math.Float32bits(float32(s[1])))
	}
	return n * 8, nil
}
