package voice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

// Focus is the media audio focus: while a reply is spoken the cockpit
// holds focus of kind "voice" and music ducks. Release gives it back.
type Focus interface {
	Acquire(kind string) (release func())
}

// Speaker speaks a reply.
type Speaker interface {
	Speak(ctx context.Context, text string) error
}

// Player is the media player's control surface.
type Player interface {
	Play()
	Pause()
	Next()
	Previous()
	PlayArtist(name string) error
	PlayAlbum(name string) error
	Volume(delta int) // steps, + louder
	Mute()
	Shuffle(on bool)
}

// Navigator is the map and routing's control surface. Until routing
// lands, the navigation commands find the place and show it on the map.
type Navigator interface {
	NavigateTo(place string) (Found, error)
	NavigateHome() (Found, error)
	NavigateWork() (Found, error)
	FindNearest(kind string) (Found, error) // "charging", "parking", "gas"
	Cancel() error
	Zoom(delta int)
}

// Found is the place a navigation command found.
type Found struct {
	Name   string
	Metres float64 // from the car; 0 when not known
}

// Screens shows a screen of the shell by name ("map", "market",
// "settings", "vehicle", "home").
type Screens interface {
	Show(name string)
}

// Climate sets the cabin climate.
type Climate interface {
	SetTemperature(celsius float64) error
	AirConditioning(on bool) error
}

// Payments pays for things the driver confirmed.
type Payments interface {
	PayParking() error
}

// Slot sources give the current values of a slot (display names).
// A source that also has `Changed() <-chan struct{}` makes the service
// regenerate the grammar whenever it signals.
type SlotSource interface {
	Values() []string
}

// Capture starts the microphone: fn receives 16 kHz mono blocks until stop
// is called. platform/mic provides the real one.
type Capture func(ctx context.Context, fn func([]int16)) (stop func(), err error)

// Options wire a Service. Nil control surfaces make the matching intents
// answer that the feature is not available; nothing is faked.
type Options struct {
	Store      *vehicle.Store
	Capture    Capture
	Focus      Focus
	Speaker    Speaker
	Player     Player
	Nav        Navigator
	Screens    Screens
	Climate    Climate
	Payments   Payments
	Places     SlotSource
	Artists    SlotSource
	Albums     SlotSource
	Miles      bool // answer distances in miles
	Log        *slog.Logger
	Recognizer RecognizerOptions
}

// State of the service, for the voice screen.
type State int

// States.
const (
	Idle State = iota
	Listening
	Thinking
	Confirming
	Unavailable // no recognizer or no microphone
)

func (s State) String() string {
	return [...]string{"idle", "listening", "thinking", "confirming", "unavailable"}[s]
}

// Status is what the voice screen shows.
type Status struct {
	State   State
	Heard   string  // the transcript, or what was heard when rejected
	Intent  *Intent // the recognized intent
	Pending *Intent // the intent awaiting yes/no
	Reply   string  // the spoken reply / result
	Err     string  // why voice is unavailable ("no microphone…")
	Decode  time.Duration
}

// Grammar names.
const (
	CommandGrammar = "commands"
	AnswerGrammar  = "answers"
)

// Service runs voice commands: push-to-talk (steering-wheel button or the
// on-screen mic), capture, end-pointing, recognition, confirmation,
// actions and spoken replies. It owns its goroutines; Close stops them.
type Service struct {
	opt Options
	log *slog.Logger
	rec *Recognizer

	mu      sync.Mutex
	status  Status
	subs    []func(Status)
	slots   Slots
	busy    bool
	pending *Intent

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	ready  chan struct{}

	startOnce sync.Once

	screens atomic.Pointer[Screens] // set by SetScreens once the shell exists
}

// SetScreens connects the shell's screen switching after the service was
// built (the UI is built after the services). Safe from any goroutine.
func (s *Service) SetScreens(sc Screens) { s.screens.Store(&sc) }

// New builds the service without loading anything; Start loads the
// recognizer and grammar in the background. Until then, and for good when
// PocketSphinx is missing (a build without cgo) or its model is not
// installed, the status is Unavailable and says why. Close stops
// everything.
func New(opt Options) *Service {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Speaker == nil {
		opt.Speaker = Espeak{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{opt: opt, log: opt.Log, ctx: ctx, cancel: cancel, ready: make(chan struct{})}
	s.status = Status{State: Unavailable, Err: "Voice commands are starting…"}
	return s
}

// Start loads the recognizer (≈ 0.2 s plus pronunciations of new words)
// in the background, then follows the steering-wheel voice button and
// slot sources that signal changes, until Close. Calling it again does
// nothing.
func (s *Service) Start() {
	s.startOnce.Do(func() {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer close(s.ready)
			rec, err := NewRecognizer(s.opt.Recognizer)
			if err == nil {
				err = s.loadGrammars(rec)
				if err != nil {
					rec.Close()
				}
			}
			if err != nil {
				s.log.Warn("voice unavailable", "err", err)
				s.set(func(st *Status) { st.State, st.Err = Unavailable, "Voice commands are unavailable: "+err.Error() })
				return
			}
			s.mu.Lock()
			s.rec = rec
			s.mu.Unlock()
			s.set(func(st *Status) { st.State, st.Err = Idle, "" })
			s.follow()
		}()
	})
}

// Ready returns a channel closed once loading has finished (successfully
// or not).
func (s *Service) Ready() <-chan struct{} { return s.ready }

func (s *Service) currentSlots() Slots {
	vals := func(src SlotSource) []string {
		if src == nil {
			return nil
		}
		return src.Values()
	}
	return NewSlots(vals(s.opt.Places), vals(s.opt.Artists), vals(s.opt.Albums))
}

func (s *Service) loadGrammars(rec *Recognizer) error {
	slots := s.currentSlots()
	if _, err := rec.Build(s.ctx, CommandGrammar, Catalog, slots); err != nil {
		return err
	}
	if _, err := rec.Build(s.ctx, AnswerGrammar, Answers, nil); err != nil {
		return err
	}
	s.mu.Lock()
	s.slots = slots
	s.mu.Unlock()
	return nil
}

// follow follows the steering-wheel voice button and slot sources that
// signal changes, until Close.
func (s *Service) follow() {
	if s.opt.Store != nil {
		was := s.opt.Store.Get(vss.ChassisSteeringWheelButtonVoiceIsPressed).Bool()
		s.opt.Store.Subscribe(s.ctx, 20*time.Millisecond, func([]vss.ID) {
			r := s.opt.Store.Get(vss.ChassisSteeringWheelButtonVoiceIsPressed)
			now := r.OK() && r.Bool()
			if now && !was {
				s.Listen()
			}
			was = now
		}, vss.ChassisSteeringWheelButtonVoiceIsPressed)
	}
	for _, src := range []SlotSource{s.opt.Places, s.opt.Artists, s.opt.Albums} {
		if c, ok := src.(interface{ Changed() <-chan struct{} }); ok {
			ch := c.Changed()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				for {
					select {
					case <-s.ctx.Done():
						return
					case <-ch:
						s.Regenerate()
					}
				}
			}()
		}
	}
}

// Close stops listening and frees the recognizer.
func (s *Service) Close() {
	if s == nil {
		return
	}
	s.cancel()
	s.wg.Wait()
	if r := s.recognizer(); r != nil {
		r.Close()
	}
}

func (s *Service) recognizer() *Recognizer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rec
}

// Available reports whether voice commands can run, and why not.
func (s *Service) Available() (bool, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rec != nil, s.status.Err
}

// Status returns the current status.
func (s *Service) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Subscribe calls fn (from a service goroutine) whenever the status changes.
func (s *Service) Subscribe(fn func(Status)) {
	s.mu.Lock()
	s.subs = append(s.subs, fn)
	s.mu.Unlock()
}

func (s *Service) set(f func(*Status)) {
	s.mu.Lock()
	f(&s.status)
	st, subs := s.status, append([]func(Status){}, s.subs...)
	s.mu.Unlock()
	for _, fn := range subs {
		fn(st)
	}
}

// Grammar returns the current command grammar (nil when unavailable).
func (s *Service) Grammar() *Grammar {
	r := s.recognizer()
	if r == nil {
		return nil
	}
	return r.Grammar(CommandGrammar)
}

// Regenerate rebuilds the command grammar from the slot sources' current
// values. It waits for a running utterance to finish.
func (s *Service) Regenerate() error {
	if s.recognizer() == nil {
		return errors.New("voice unavailable")
	}
	slots := s.currentSlots()
	for {
		s.mu.Lock()
		if !s.busy {
			s.busy = true
			s.mu.Unlock()
			break
		}
		s.mu.Unlock()
		select {
		case <-s.ctx.Done():
			return s.ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	defer func() { s.mu.Lock(); s.busy = false; s.mu.Unlock() }()
	if _, err := s.rec.Build(s.ctx, CommandGrammar, Catalog, slots); err != nil {
		s.log.Error("voice grammar", "err", err)
		return err
	}
	s.mu.Lock()
	s.slots = slots
	s.mu.Unlock()
	return nil
}

// Listen starts one push-to-talk utterance from the microphone, in the
// background; the status reports what happens. It does nothing while an
// utterance is already running.
func (s *Service) Listen() {
	if s.opt.Capture == nil {
		s.set(func(st *Status) { st.State, st.Err = Unavailable, "No microphone: voice commands need a microphone." })
		return
	}
	if s.recognizer() == nil {
		return
	}
	s.mu.Lock()
	if s.busy {
		s.mu.Unlock()
		return
	}
	s.busy = true
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() { s.mu.Lock(); s.busy = false; s.mu.Unlock() }()
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("voice: panic", "panic", p, "stack", string(debug.Stack()))
				s.set(func(st *Status) { st.State, st.Reply = Idle, "Sorry, something went wrong." })
			}
		}()
		for s.listen() {
		}
	}()
}

// listen runs one utterance and reports whether to listen again at once
// (for the answer to a confirmation question).
func (s *Service) listen() bool {
	s.set(func(st *Status) { st.State, st.Err = Listening, "" })
	grammar := CommandGrammar
	if s.pendingIntent() != nil {
		grammar = AnswerGrammar
	}
	if err := s.rec.Use(grammar); err != nil {
		s.fail(err)
		return false
	}
	if err := s.rec.Begin(); err != nil {
		s.fail(err)
		return false
	}
	ep := NewEndpointer()
	done := make(chan int, 1)
	var feedErr error
	var finished bool
	var mu sync.Mutex
	stop, err := s.opt.Capture(s.ctx, func(b []int16) {
		mu.Lock()
		defer mu.Unlock()
		if feedErr != nil || finished {
			return
		}
		st := ep.Push(b)
		if err := s.rec.Feed(b); err != nil {
			feedErr = err
		}
		if st >= Ended || feedErr != nil {
			select {
			case done <- st:
			default:
			}
		}
	})
	if err != nil {
		s.rec.End()
		s.set(func(st *Status) { st.State, st.Err = Unavailable, "No microphone: "+err.Error() })
		return false
	}
	var st int
	select {
	case st = <-done:
	case <-s.ctx.Done():
	}
	stop()
	mu.Lock()
	s.set(func(x *Status) { x.State = Thinking })
	finished = true
	res, err := s.rec.End()
	mu.Unlock()
	if err != nil {
		s.fail(err)
		return false
	}
	if st == NoInput {
		res.Intent, res.Rejected = nil, "nothing heard"
	}
	return s.handle(res) && s.ctx.Err() == nil
}

func (s *Service) fail(err error) {
	s.log.Error("voice", "err", err)
	s.set(func(st *Status) { st.State, st.Reply = Idle, "Sorry, voice commands failed: "+err.Error() })
}

func (s *Service) pendingIntent() *Intent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending
}

// Recognize decodes a whole utterance with the active grammar (the
// command line and tests use it).
func (s *Service) Recognize(samples []int16) (Result, error) {
	r := s.recognizer()
	if r == nil {
		_, why := s.Available()
		return Result{}, errors.New(why)
	}
	return r.Decode(samples)
}

// Handle acts on a recognition result: rejection, confirmation, or the
// intent's action, and speaks the reply. It blocks while the reply is
// spoken; after a confirmation question it listens for the answer.
func (s *Service) Handle(res Result) {
	if s.handle(res) && s.opt.Capture != nil {
		s.Listen()
	}
}

func (s *Service) handle(res Result) bool {
	pending := s.pendingIntent()
	var reply string
	var ask *Intent
	switch {
	case pending != nil:
		switch {
		case res.Intent != nil && res.Intent.Kind == Yes:
			reply = s.Do(*pending)
		case res.Intent != nil && res.Intent.Kind == No:
			reply = "Okay, cancelled."
		default:
			reply = "Sorry, I didn't catch that. Cancelled."
		}
	case res.Intent == nil:
		reply = "Sorry, I didn't catch that."
	case res.Intent.Confirm():
		ask = res.Intent
		reply = Question(*res.Intent)
	default:
		reply = s.Do(*res.Intent)
	}
	s.mu.Lock()
	s.pending = ask
	s.mu.Unlock()
	s.set(func(st *Status) {
		st.State, st.Heard, st.Intent, st.Pending, st.Reply, st.Decode = Idle, res.Heard, res.Intent, ask, reply, res.Decode
		if res.Transcript != "" {
			st.Heard = res.Transcript
		}
		if ask != nil {
			st.State = Confirming
		}
	})
	s.say(reply)
	return ask != nil
}

// Confirm answers a pending confirmation from the screen's buttons.
func (s *Service) Confirm(yes bool) {
	kind := No
	if yes {
		kind = Yes
	}
	go s.Handle(Result{Heard: map[bool]string{true: "yes", false: "no"}[yes], Intent: &Intent{Kind: kind}})
}

// say speaks a reply holding the audio focus, and returns when it is done
// (so that the microphone does not hear it).
func (s *Service) say(text string) {
	if text == "" {
		return
	}
	if s.opt.Focus != nil {
		release := s.opt.Focus.Acquire("voice")
		defer release()
	}
	ctx, cancel := context.WithTimeout(s.ctx, 20*time.Second)
	defer cancel()
	if err := s.opt.Speaker.Speak(ctx, text); err != nil {
		s.log.Warn("voice: reply not spoken", "err", err, "text", text)
	}
}

// Question is the confirmation asked for an intent.
func Question(in Intent) string {
	switch in.Kind {
	case NavigateTo:
		return fmt.Sprintf("Navigate to %s?", in.Slots[SlotPlace])
	case NavigateHome:
		return "Navigate home?"
	case NavigateWork:
		return "Navigate to work?"
	case FindCharging:
		return "Route to the nearest charging station?"
	case FindParking:
		return "Route to a parking spot?"
	case FindGas:
		return "Route to a gas station?"
	case CancelRoute:
		return "Cancel navigation?"
	case PayParking:
		return "Pay for parking?"
	}
	return "Are you sure?"
}

// Espeak speaks with the espeak-ng command through its own audio output,
// or, when Dir is set (machines without a sound card, tests), writes each
// reply to Dir/reply-N.wav.
type Espeak struct {
	Voice string
	Dir   string
	n     *atomic.Int64
}

// Speak runs espeak-ng.
func (e Espeak) Speak(ctx context.Context, text string) error {
	v := e.Voice
	if v == "" {
		v = "en-us"
	}
	args := []string{"-v", v}
	if e.Dir != "" {
		if e.n == nil {
			return fmt.Errorf("espeak: use NewEspeakTo for a reply directory")
		}
		args = append(args, "-w", filepath.Join(e.Dir, fmt.Sprintf("reply-%d.wav", e.n.Add(1))))
	}
	out, err := exec.CommandContext(ctx, "espeak-ng", append(args, "--", text)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("espeak-ng: %v: %s", err, out)
	}
	return nil
}

// NewEspeakTo returns an Espeak that writes replies as WAV files into dir.
func NewEspeakTo(dir string) Espeak { return Espeak{Dir: dir, n: new(atomic.Int64)} }
