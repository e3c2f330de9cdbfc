package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/app/media"
	"github.com/fascia-hmi/fascia/app/media/focus"
	"github.com/fascia-hmi/fascia/app/media/library"
)

// This file connects voice commands to the media service: the audio focus
// that ducks music while the cockpit speaks, the player, and the artist and
// album names the grammar is built from. The library opens in Start, so
// every call looks it up when it runs.

// voiceFocus maps the voice service's focus kinds onto the media arbiter.
type voiceFocus struct{ m *media.Service }

func (f voiceFocus) Acquire(kind string) (release func()) {
	k := focus.Voice
	if kind == "navigation" {
		k = focus.Navigation
	}
	return f.m.Focus.Acquire(k)
}

// volumeStep is one "volume up/down", as on the steering wheel.
const volumeStep = 5

// voicePlayer is the media player as the voice commands drive it.
type voicePlayer struct{ m *media.Service }

func (p voicePlayer) Play()            { p.m.Player.Resume() }
func (p voicePlayer) Pause()           { p.m.Player.Pause() }
func (p voicePlayer) Next()            { p.m.Player.Next() }
func (p voicePlayer) Previous()        { p.m.Player.Previous() }
func (p voicePlayer) Mute()            { p.m.Player.SetVolume(0) }
func (p voicePlayer) Shuffle(on bool)  { p.m.Player.SetShuffle(on) }
func (p voicePlayer) Volume(delta int) { p.m.Player.SetVolume(p.m.Player.Volume() + delta*volumeStep) }

func (p voicePlayer) library() (*library.Library, context.Context, context.CancelFunc, error) {
	lib := p.m.Library()
	if lib == nil {
		return nil, nil, nil, fmt.Errorf("the music library is not open")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	return lib, ctx, cancel, nil
}

// PlayArtist plays every track of the artist the grammar named (names
// compare without case: the recognizer hears words, not spelling).
func (p voicePlayer) PlayArtist(name string) error {
	lib, ctx, cancel, err := p.library()
	if err != nil {
		return err
	}
	defer cancel()
	artists, err := lib.Artists(ctx)
	if err != nil {
		return err
	}
	for _, a := range artists {
		if strings.EqualFold(a.Name, name) {
			tracks, err := lib.ArtistTracks(ctx, a.Name)
			if err != nil {
				return err
			}
			if len(tracks) == 0 {
				return fmt.Errorf("no playable tracks by %s", a.Name)
			}
			p.m.PlayTracks(tracks, 0)
			return nil
		}
	}
	return fmt.Errorf("no artist %q in the library", name)
}

// PlayAlbum plays the album the grammar named, from its first track.
func (p voicePlayer) PlayAlbum(name string) error {
	lib, ctx, cancel, err := p.library()
	if err != nil {
		return err
	}
	defer cancel()
	albums, err := lib.Albums(ctx, nil)
	if err != nil {
		return err
	}
	for _, a := range albums {
		if strings.EqualFold(a.Title, name) {
			tracks, err := lib.AlbumTracks(ctx, a.Artist, a.Title)
			if err != nil {
				return err
			}
			if len(tracks) == 0 {
				return fmt.Errorf("no playable tracks on %s", a.Title)
			}
			p.m.PlayTracks(tracks, 0)
			return nil
		}
	}
	return fmt.Errorf("no album %q in the library", name)
}

// librarySlots gives the grammar the library's artist or album names and
// tells it to rebuild when the library changes.
type librarySlots struct {
	m       *media.Service
	albums  bool
	changed chan struct{}
}

func newLibrarySlots(m *media.Service, albums bool) *librarySlots {
	return &librarySlots{m: m, albums: albums, changed: make(chan struct{}, 1)}
}

func (s *librarySlots) Changed() <-chan struct{} { return s.changed }

// notify is the library's change callback: one pending signal is enough.
func (s *librarySlots) notify() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

func (s *librarySlots) Values() []string {
	lib := s.m.Library()
	if lib == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var out []string
	if s.albums {
		albums, err := lib.Albums(ctx, nil)
		if err != nil {
			return nil
		}
		for _, a := range albums {
			if a.Title != "" {
				out = append(out, a.Title)
			}
		}
		return out
	}
	artists, err := lib.Artists(ctx)
	if err != nil {
		return nil
	}
	for _, a := range artists {
		if a.Name != "" {
			out = append(out, a.Name)
		}
	}
	return out
}
