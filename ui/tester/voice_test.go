package tester

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestMicrophone: queued speech goes to the capture that is running, in
// 100 ms blocks and whole, and says which capture took it; with nothing
// queued the microphone hears silence; stop ends the capture.
func TestMicrophone(t *testing.T) {
	m := NewMicrophone()
	blocks := make(chan []int16, 64)
	stop, err := m.Capture(context.Background(), func(b []int16) { blocks <- append([]int16(nil), b...) })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if n, _ := m.session(); n != 1 {
		t.Fatalf("session %d after the first capture", n)
	}
	// Silence first, at the capture rate.
	select {
	case b := <-blocks:
		if len(b) != block || b[0] != 0 || b[block-1] != 0 {
			t.Fatalf("silence block of %d samples: %v…", len(b), b[:4])
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no silence block in 2 s")
	}
	speech := make([]int16, 2*block+100)
	for i := range speech {
		speech[i] = int16(i%100 + 1)
	}
	u := utterance{samples: speech, taken: make(chan int, 1)}
	m.queue <- u
	select {
	case s := <-u.taken:
		if s != 1 {
			t.Errorf("taken by capture %d, want 1", s)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("speech not taken")
	}
	var got []int16
	for len(got) < len(speech) {
		select {
		case b := <-blocks:
			if b[0] == 0 {
				continue // a silence block before the speech
			}
			if len(b) > block {
				t.Fatalf("block of %d samples", len(b))
			}
			got = append(got, b...)
		case <-time.After(2 * time.Second):
			t.Fatalf("%d of %d samples delivered", len(got), len(speech))
		}
	}
	for i := range speech {
		if got[i] != speech[i] {
			t.Fatalf("sample %d: %d, want %d", i, got[i], speech[i])
		}
	}
	stop()
	_, started := m.session()
	stop2, _ := m.Capture(context.Background(), func([]int16) {})
	defer stop2()
	select {
	case <-started:
	default:
		t.Error("the second capture did not signal its start")
	}
	if n, _ := m.session(); n != 2 {
		t.Errorf("session %d after the second capture", n)
	}
}

// errSpeaker fails every reply.
type errSpeaker struct{ said []string }

func (e *errSpeaker) Speak(_ context.Context, text string) error {
	e.said = append(e.said, text)
	return errors.New("no audio device")
}

// TestSpeaker: a reply goes to the next speaker first, then to the script,
// with the next speaker's error; with nobody waiting it is not blocked.
func TestSpeaker(t *testing.T) {
	next := &errSpeaker{}
	s := NewSpeaker(next)
	if err := s.Speak(context.Background(), "Your range is 544 kilometres."); err == nil {
		t.Error("the next speaker's error was lost")
	}
	if len(next.said) != 1 {
		t.Errorf("next speaker said %v", next.said)
	}
	if got := <-s.said; got != "Your range is 544 kilometres." {
		t.Errorf("script heard %q", got)
	}
	for i := 0; i < 2*cap(s.said); i++ { // nobody waiting: never blocks
		if err := NewSpeaker(nil).Speak(context.Background(), "x"); err != nil {
			t.Fatal(err)
		}
		_ = s.Speak(context.Background(), "y")
	}
}
