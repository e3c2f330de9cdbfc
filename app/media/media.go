// Package media composes the cockpit's music: the library index, the
// player, audio focus and the one audio output, and joins them to the car —
// steering-wheel buttons from the vehicle Store drive the player, and the
// playback state is published back into the Store as
// Vehicle.Cabin.Infotainment.Media.* signals. It owns the goroutines that do
// so. It has no UI; screens call its methods and follow the player's state.
package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gopxl/beep/v2"

	"github.com/fascia-hmi/fascia/app/media/focus"
	"github.com/fascia-hmi/fascia/app/media/library"
	"github.com/fascia-hmi/fascia/app/media/player"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/audio"
)

// VolumeStep is how much one press of a steering-wheel volume button
// changes the volume (of 0–100).
const VolumeStep = 5

// ButtonPoll is how often the steering-wheel buttons are read; a press on
// the bus lasts at least one message cycle (100 ms on the demo car).
const ButtonPoll = 20 * time.Millisecond

// Heartbeat is how often the playback signals are republished so that they
// stay live in the Store (their timeout is twice this).
const Heartbeat = 500 * time.Millisecond

// Options configure a Service. New touches neither the disk nor the sound
// device; Start opens what the options name.
type Options struct {
	// Sink is the audio sink Start opens, "default" or "null"; ignored when
	// Output is set.
	Sink string
	// Output is an output to use instead of opening one (tests: a capture).
	Output *audio.Output
	// Library is an open music index, or nil. The service owns it: Start
	// starts its background scan, Close closes it.
	Library *library.Library
	// LibraryOptions, when Library is nil, are the index Start opens; nil:
	// no library (bare files only).
	LibraryOptions *library.Options
	// StatePath keeps the queue and position across restarts; Start
	// restores from it. Empty: none.
	StatePath string
	// Store is the vehicle Store for buttons and playback signals; nil: none.
	Store *vehicle.Store
	Log   *slog.Logger
}

// Service is the running media system.
type Service struct {
	Player *player.Player
	Focus  *focus.Arbiter

	opt     Options
	store   *vehicle.Store
	log     *slog.Logger
	ownsOut bool

	mu      sync.Mutex // guards the fields below
	lib     *library.Library
	out     *audio.Output
	started bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closed  bool
}

// New builds the service; it opens nothing (see Start) and plays nothing
// until asked. It fails only for an unknown sink name.
func New(opt Options) (*Service, error) {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	switch opt.Sink {
	case "", audio.SinkDefault, audio.SinkNull:
	default:
		return nil, fmt.Errorf("media: unknown audio sink %q (want default or null)", opt.Sink)
	}
	s := &Service{Focus: focus.New(), opt: opt, store: opt.Store, log: opt.Log, lib: opt.Library}
	s.Player = player.New(player.Options{Open: s.open, Log: opt.Log})
	if opt.Output != nil {
		s.attach(opt.Output)
	}
	if s.store != nil {
		for _, id := range published {
			s.store.SetTimeout(id, 2*Heartbeat)
		}
	}
	return s, nil
}

// open opens a queued track through the library (embedded demo tracks
// included), or as a plain file without one.
func (s *Service) open(it player.Item) (io.ReadSeekCloser, error) {
	if lib := s.Library(); lib != nil {
		return lib.Open(library.Track{ID: it.ID, Path: it.Path})
	}
	if strings.HasPrefix(it.Path, library.EmbedPrefix) {
		return nil, fmt.Errorf("%s: no library to open it", it.Path)
	}
	return os.Open(it.Path)
}

func (s *Service) attach(out *audio.Output) {
	s.mu.Lock()
	s.out = out
	s.mu.Unlock()
	out.Add(s.Focus.Duck(s.Player.Streamer()))
}

// Library returns the music index (nil before Start, or when it could not
// be opened).
func (s *Service) Library() *library.Library {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lib
}

// Output returns the audio output (nil before Start unless one was given).
func (s *Service) Output() *audio.Output {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out
}

// Item turns a library track into a queue item.
func Item(t library.Track) player.Item {
	return player.Item{ID: t.ID, Path: t.Path, Title: t.DisplayTitle(), Artist: t.Artist, Album: t.Album, Duration: t.Duration}
}

// PlayTracks replaces the queue with tracks and plays tracks[start].
func (s *Service) PlayTracks(tracks []library.Track, start int) {
	items := make([]player.Item, len(tracks))
	for i, t := range tracks {
		items[i] = Item(t)
	}
	s.Player.Play(items, start)
}

// NoOutput reports why nothing is heard ("" when a sound device plays).
func (s *Service) NoOutput() string {
	out := s.Output()
	switch {
	case out == nil:
		return "audio not started"
	case out.Sink() == "device":
		return ""
	}
	return out.NoOutput()
}

// Prompt plays a spoken or navigation prompt over the music: it takes
// focus (ducking the music), plays s at the output rate, and releases
// focus when s has drained. The returned channel closes then.
func (s *Service) Prompt(k focus.Kind, st beep.Streamer) <-chan struct{} {
	done := make(chan struct{})
	out := s.Output()
	if out == nil {
		close(done)
		return done
	}
	release := s.Focus.Acquire(k)
	played := out.Play(st)
	go func() {
		<-played
		release()
		close(done)
	}()
	return done
}

// Start opens the audio output (the null sink when no device opens), the
// library and the player's saved state, runs the library's background
// scan, follows the steering-wheel buttons and publishes the playback
// state, until Close. Nothing it opens failing stops the cockpit: problems
// are logged and shown (NoOutput, library Problems).
func (s *Service) Start() {
	s.mu.Lock()
	if s.started || s.closed {
		s.mu.Unlock()
		return
	}
	s.started = true
	s.mu.Unlock()
	if s.Output() == nil {
		out, err := audio.Open(s.opt.Sink, s.log)
		if err != nil { // New checked the name
			s.log.Error("audio output", "err", err)
		} else {
			s.ownsOut = true
			s.attach(out)
		}
	}
	if s.Library() == nil && s.opt.LibraryOptions != nil {
		lib, err := library.New(*s.opt.LibraryOptions)
		if err != nil {
			s.log.Error("music library not opened", "err", err)
		} else {
			s.mu.Lock()
			s.lib = lib
			s.mu.Unlock()
		}
	}
	if lib := s.Library(); lib != nil {
		lib.Start()
	}
	if s.opt.StatePath != "" {
		if err := s.Player.Restore(s.opt.StatePath); err != nil {
			s.log.Warn("player state not restored", "err", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil || s.closed {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(2)
	go s.supervise(ctx, "buttons", s.buttons)
	go s.supervise(ctx, "publish", s.publish)
}

// supervise runs f until ctx ends, restarting it after a panic.
func (s *Service) supervise(ctx context.Context, name string, f func(context.Context)) {
	defer s.wg.Done()
	for ctx.Err() == nil {
		func() {
			defer func() {
				if r := recover(); r != nil {
					s.log.Error("media service panicked; restarting", "loop", name, "panic", fmt.Sprint(r))
				}
			}()
			f(ctx)
		}()
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// buttons are the steering-wheel buttons the player follows.
var buttons = []vss.ID{
	vss.ChassisSteeringWheelButtonVolumeUpIsPressed,
	vss.ChassisSteeringWheelButtonVolumeDownIsPressed,
	vss.ChassisSteeringWheelButtonNextIsPressed,
	vss.ChassisSteeringWheelButtonPreviousIsPressed,
}

// buttons acts on each press (the rising edge of IsPressed); a stale or
// missing reading counts as released.
func (s *Service) buttons(ctx context.Context) {
	held := make([]bool, len(buttons))
	for i, id := range buttons {
		r := s.store.Get(id)
		held[i] = r.OK() && r.Bool()
	}
	t := time.NewTicker(ButtonPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for i, id := range buttons {
			r := s.store.Get(id)
			now := r.OK() && r.Bool()
			if now && !held[i] {
				s.press(id)
			}
			held[i] = now
		}
	}
}

func (s *Service) press(id vss.ID) {
	p := s.Player
	switch id {
	case vss.ChassisSteeringWheelButtonVolumeUpIsPressed:
		p.SetVolume(p.Volume() + VolumeStep)
	case vss.ChassisSteeringWheelButtonVolumeDownIsPressed:
		p.SetVolume(p.Volume() - VolumeStep)
	case vss.ChassisSteeringWheelButtonNextIsPressed:
		p.Next()
	case vss.ChassisSteeringWheelButtonPreviousIsPressed:
		p.Previous()
	}
}

// published are the signals the service keeps in the Store.
var published = []vss.ID{
	vss.CabinInfotainmentMediaAction,
	vss.CabinInfotainmentMediaPlayedArtist,
	vss.CabinInfotainmentMediaPlayedAlbum,
	vss.CabinInfotainmentMediaPlayedTrack,
	vss.CabinInfotainmentMediaVolume,
}

// publish writes the playback state into the Store on every change and
// every Heartbeat.
func (s *Service) publish(ctx context.Context) {
	ch, cancel := s.Player.Subscribe()
	defer cancel()
	t := time.NewTicker(Heartbeat)
	defer t.Stop()
	for {
		Publish(s.store, s.Player.State())
		select {
		case <-ctx.Done():
			return
		case <-ch:
		case <-t.C:
		}
	}
}

// Publish writes a player state into the Store: Action is PLAY while
// playing and STOP otherwise (both allowed values of the VSS catalog).
func Publish(store *vehicle.Store, st player.State) {
	now := store.Now()
	action := "STOP"
	if st.Playing {
		action = "PLAY"
	}
	store.Set(vss.CabinInfotainmentMediaAction, vehicle.Value{Str: action}, now)
	store.Set(vss.CabinInfotainmentMediaPlayedArtist, vehicle.Value{Str: st.Item.Artist}, now)
	store.Set(vss.CabinInfotainmentMediaPlayedAlbum, vehicle.Value{Str: st.Item.Album}, now)
	store.Set(vss.CabinInfotainmentMediaPlayedTrack, vehicle.Value{Str: st.Item.Title}, now)
	store.Set(vss.CabinInfotainmentMediaVolume, vehicle.Value{Num: float64(st.Volume)}, now)
}

// Close stops the service's goroutines and the player (saving its state),
// closes the library and the output it opened.
func (s *Service) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	s.wg.Wait()
	err := s.Player.Close()
	if out := s.Output(); out != nil && s.ownsOut {
		out.Close()
	}
	if lib := s.Library(); lib != nil {
		err = errors.Join(err, lib.Close())
	}
	return err
}
