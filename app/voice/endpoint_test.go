package voice

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func tone(ms int, amp float64, rng *rand.Rand) []int16 {
	n := ms * SampleRate / 1000
	s := make([]int16, n)
	for i := range s {
		v := amp*math.Sin(2*math.Pi*220*float64(i)/SampleRate) + 30*rng.NormFloat64()
		s[i] = int16(max(-32768, min(32767, v)))
	}
	return s
}

func TestEndpointer(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	e := NewEndpointer()
	var st int
	feed := func(s []int16) {
		for i := 0; i < len(s) && st < Ended; i += 1600 {
			st = e.Push(s[i:min(i+1600, len(s))])
		}
	}
	feed(tone(500, 0, rng))
	if st != Waiting {
		t.Fatalf("silence: state %d", st)
	}
	feed(tone(1200, 8000, rng))
	if st != Speaking {
		t.Fatalf("speech: state %d", st)
	}
	var after time.Duration
	for st == Speaking {
		feed(tone(10, 0, rng))
		after += 10 * time.Millisecond
	}
	if st != Ended {
		t.Fatalf("state %d", st)
	}
	if after > 500*time.Millisecond || after < 300*time.Millisecond {
		t.Fatalf("ended %v after speech stopped, want 300…500 ms", after)
	}
	if d := e.EndAt() - 1700*time.Millisecond; d < -20*time.Millisecond || d > 20*time.Millisecond {
		t.Fatalf("EndAt %v, want ≈1.7 s", e.EndAt())
	}

	e, st = NewEndpointer(), Waiting
	feed(tone(6000, 0, rng))
	if st != NoInput {
		t.Fatalf("no speech: state %d", st)
	}
	e, st = NewEndpointer(), Waiting
	feed(tone(200, 0, rng))
	feed(tone(11000, 8000, rng))
	if st != TooLong {
		t.Fatalf("endless speech: state %d", st)
	}
}
