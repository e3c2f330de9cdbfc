package tester

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/fascia-hmi/fascia/app/voice"
)

// Microphone is the microphone of scripted runs: what a script says
// (`say "WORDS"`), synthesized by espeak-ng, reaches the cockpit's voice
// commands through it as a driver's speech would, and otherwise it hears
// silence. Its Capture is the cockpit's voice.Capture.
type Microphone struct {
	queue chan utterance

	mu       sync.Mutex
	sessions int // captures started
	started  chan struct{}
}

// NewMicrophone returns a silent scripted microphone.
func NewMicrophone() *Microphone {
	return &Microphone{queue: make(chan utterance, 4), started: make(chan struct{})}
}

// utterance is speech waiting for a capture; taken receives the number of
// the capture that plays it.
type utterance struct {
	samples []int16
	taken   chan int
}

// block is the capture block: 100 ms at 16 kHz, as from ALSA.
const block = 1600

// Capture implements voice.Capture: queued speech is delivered as fast as
// the recognizer takes it; with none queued, a block of silence every
// 100 ms (a push-to-talk with nothing said times out as it would in the
// car).
func (m *Microphone) Capture(ctx context.Context, fn func([]int16)) (func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	m.mu.Lock()
	m.sessions++
	session := m.sessions
	close(m.started)
	m.started = make(chan struct{})
	m.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		quiet := make([]int16, block)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case u := <-m.queue:
				u.taken <- session
				for i := 0; i < len(u.samples) && ctx.Err() == nil; i += block {
					fn(u.samples[i:min(i+block, len(u.samples))])
				}
			case <-tick.C:
				fn(quiet)
			}
		}
	}()
	return func() { cancel(); <-done }, nil
}

// session returns the number of captures started so far and a channel
// closed when the next one starts.
func (m *Microphone) session() (int, <-chan struct{}) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sessions, m.started
}

// Speaker is the voice replies' speaker in scripted runs: it passes each
// reply on to next (nil: silence, as headless runs have no audio) and
// then hands it to the script. The voice service speaks a reply after it
// has published its status and acted, so a script that has the reply sees
// the screen as the driver does.
type Speaker struct {
	next voice.Speaker
	said chan string
}

// NewSpeaker returns a scripted speaker in front of next.
func NewSpeaker(next voice.Speaker) *Speaker {
	return &Speaker{next: next, said: make(chan string, 8)}
}

// Speak implements voice.Speaker.
func (s *Speaker) Speak(ctx context.Context, text string) error {
	var err error
	if s.next != nil {
		err = s.next.Speak(ctx, text)
	}
	select {
	case s.said <- text:
	default: // nobody is listening for it
	}
	return err
}

// voiceDriver speaks a script's words to the cockpit's voice service and
// hears its replies.
type voiceDriver struct {
	svc *voice.Service
	mic *Microphone
	out *Speaker
}

// sayTimeout bounds one say: loading the recognizer, synthesis, the
// utterance and the reply.
const sayTimeout = 60 * time.Second

// Say says words to the cockpit and returns its reply.
func (d *voiceDriver) Say(words string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), sayTimeout)
	defer cancel()
	select {
	case <-d.svc.Ready():
	case <-ctx.Done():
		return "", errors.New("say: voice commands did not start")
	}
	if ok, why := d.svc.Available(); !ok {
		return "", fmt.Errorf("say: %s", why)
	}
	speech, err := synthesize(ctx, words)
	if err != nil {
		return "", fmt.Errorf("say %q: %w", words, err)
	}
	for len(d.out.said) > 0 { // replies nobody waited for
		<-d.out.said
	}
	u := utterance{samples: speech, taken: make(chan int, 1)}
	d.mic.queue <- u
	// Waiting for an answer to a question, the cockpit listens by itself.
	// Otherwise press the voice button, and again every 200 ms while the
	// cockpit is still busy with its last utterance (a press is ignored
	// then), until a capture takes the words.
	press := d.svc.Status().Pending == nil
	var session int
	for taken := false; !taken; {
		if press {
			d.svc.Listen()
		}
		select {
		case session = <-u.taken:
			taken = true
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
			return "", fmt.Errorf("say %q: the cockpit did not listen", words)
		}
	}
	var reply string
	select {
	case reply = <-d.out.said:
	case <-ctx.Done():
		return "", fmt.Errorf("say %q: no reply from the cockpit in %v", words, sayTimeout)
	}
	// After a question the cockpit listens for the answer at once, and
	// shows it: wait until it does (a capture after the one that heard
	// the question), so that the script reads a screen nothing changes.
	if d.svc.Status().Pending != nil {
		for {
			n, started := d.mic.session()
			if n > session {
				break
			}
			select {
			case <-started:
			case <-ctx.Done():
				return "", fmt.Errorf("say %q: the cockpit asked %q but did not listen for the answer", words, reply)
			}
		}
	}
	return reply, nil
}

// synthesize speaks words with espeak-ng (US English, 150 words a minute)
// and resamples them with sox to the microphone's 16 kHz mono, padded
// with 0.3 s of silence before and 1.2 s after (the end-pointer ends the
// utterance in it).
func synthesize(ctx context.Context, words string) ([]int16, error) {
	var wav, raw, stderr bytes.Buffer
	tts := exec.CommandContext(ctx, "espeak-ng", "-v", "en-us", "-s", "150", "--stdout", words)
	tts.Stdout, tts.Stderr = &wav, &stderr
	if err := tts.Run(); err != nil {
		return nil, fmt.Errorf("espeak-ng: %v %s", err, strings.TrimSpace(stderr.String()))
	}
	stderr.Reset()
	sox := exec.CommandContext(ctx, "sox", "-t", "wav", "-", "-t", "raw", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-L", "-",
		"norm", "-6", "pad", "0.3", "1.2")
	sox.Stdin, sox.Stdout, sox.Stderr = &wav, &raw, &stderr
	if err := sox.Run(); err != nil {
		return nil, fmt.Errorf("sox: %v %s", err, strings.TrimSpace(stderr.String()))
	}
	b := raw.Bytes()
	if len(b) < 2*block {
		return nil, errors.New("espeak-ng made no speech")
	}
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out, nil
}
