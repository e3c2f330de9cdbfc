package voice

import (
	"math"
	"time"
)

// Endpointer is an energy voice-activity detector that decides when an
// utterance has ended: speech is a run of 10 ms frames louder than the
// tracked noise floor by StartDB; the utterance ends once Hangover of
// frames quieter than floor + StopDB follows speech. It also ends
// utterances that never start (NoSpeech) or never stop (MaxLength).
type Endpointer struct {
	StartDB, StopDB float64
	Hangover        time.Duration // ≤ 500 ms by the voice issue's target
	NoSpeech        time.Duration
	MaxLength       time.Duration

	floor    float64 // dB
	frames   int     // frames seen
	loud     int     // consecutive loud frames
	quiet    int     // consecutive quiet frames after speech
	speech   bool
	buf      []int16
	endFrame int
}

// Endpoint states returned by Push.
const (
	Waiting  = iota // no speech yet
	Speaking        // speech heard, not ended
	Ended           // speech then Hangover of silence
	NoInput         // NoSpeech passed without speech
	TooLong         // MaxLength reached
)

// NewEndpointer returns the defaults: 9 dB to start, 6 dB to stop,
// 400 ms hangover, 5 s without speech, 10 s maximum.
func NewEndpointer() *Endpointer {
	return &Endpointer{StartDB: 9, StopDB: 6, Hangover: 400 * time.Millisecond, NoSpeech: 5 * time.Second, MaxLength: 10 * time.Second}
}

const frameLen = SampleRate / 100

// Push feeds samples and returns the state after them. After Ended the
// end frame (EndAt) is the first frame of the hangover.
func (e *Endpointer) Push(s []int16) int {
	e.buf = append(e.buf, s...)
	st := e.state()
	for len(e.buf) >= frameLen && st < Ended {
		st = e.frame(e.buf[:frameLen])
		e.buf = e.buf[frameLen:]
	}
	return st
}

func (e *Endpointer) state() int {
	switch {
	case e.speech && e.quiet >= int(e.Hangover/(10*time.Millisecond)):
		return Ended
	case e.frames >= int(e.MaxLength/(10*time.Millisecond)):
		return TooLong
	case !e.speech && e.frames >= int(e.NoSpeech/(10*time.Millisecond)):
		return NoInput
	case e.speech:
		return Speaking
	}
	return Waiting
}

func (e *Endpointer) frame(f []int16) int {
	db := 10 * math.Log10(meanSquare(f)+1)
	if e.frames == 0 {
		e.floor = db
	}
	e.frames++
	switch {
	case db > e.floor+e.StartDB:
		e.loud++
		e.quiet = 0
		if e.loud >= 3 {
			e.speech = true
		}
	case db < e.floor+e.StopDB:
		e.loud = 0
		if e.speech {
			e.quiet++
			if e.quiet == 1 {
				e.endFrame = e.frames
			}
		}
	default:
		e.loud = 0
	}
	// the floor follows quiet frames quickly and loud ones slowly
	if db < e.floor {
		e.floor = 0.7*e.floor + 0.3*db
	} else if !e.speech || e.quiet > 0 {
		e.floor += 0.01 * (db - e.floor)
	}
	return e.state()
}

// EndAt is the time from the start of the stream to where speech stopped.
func (e *Endpointer) EndAt() time.Duration {
	return time.Duration(e.endFrame) * 10 * time.Millisecond
}

// meanSquare is the mean of the squared samples (0 for none): a frame's
// energy, for the end-pointer and the recognizer's level measurements.
func meanSquare(x []int16) float64 {
	var sum float64
	for _, v := range x {
		f := float64(v)
		sum += f * f
	}
	return sum / float64(max(len(x), 1))
}
