package app

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fascia-hmi/fascia/app/media"
	"github.com/fascia-hmi/fascia/app/media/library"
	"github.com/fascia-hmi/fascia/assets"
)

// TestVoiceMediaLink drives the real media service (embedded demo music,
// null sink) through the voice adapters.
func TestVoiceMediaLink(t *testing.T) {
	lib, err := library.New(library.Options{DBPath: filepath.Join(t.TempDir(), "media.db"), NoMusicDir: true, Embedded: assets.FS})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	m, err := media.New(media.Options{Sink: "null", Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	m.Start()
	defer m.Close()

	artists, albums := newLibrarySlots(m, false), newLibrarySlots(m, true)
	if got := artists.Values(); !slices.Contains(got, "Fascia Demo Band") {
		t.Errorf("artist slot values %q lack the demo band", got)
	}
	if got := albums.Values(); !slices.Contains(got, "Night Roads") || !slices.Contains(got, "Demo Drive") {
		t.Errorf("album slot values %q lack the demo albums", got)
	}

	p := voicePlayer{m}
	if err := p.PlayAlbum("night roads"); err != nil {
		t.Fatal(err)
	}
	if st := m.Player.State(); !st.HasItem || st.Item.Album != "Night Roads" {
		t.Fatalf("after play album: %+v", st.Item)
	}
	if err := p.PlayArtist("Nobody Here"); err == nil {
		t.Error("playing an unknown artist did not fail")
	}
	if err := p.PlayArtist("fascia demo band"); err != nil {
		t.Fatal(err)
	}
	if q := m.Player.Queue(); len(q) != 6 {
		t.Errorf("artist queue has %d tracks, want the 6 demo tracks", len(q))
	}
	m.Player.SetVolume(50)
	p.Volume(+1)
	if v := m.Player.Volume(); v != 50+volumeStep {
		t.Errorf("volume up: %d", v)
	}
	p.Mute()
	if v := m.Player.Volume(); v != 0 {
		t.Errorf("mute: volume %d", v)
	}

	release := voiceFocus{m}.Acquire("voice")
	if !m.Focus.Ducked() {
		t.Error("music not ducked while the cockpit speaks")
	}
	release()
	if m.Focus.Ducked() {
		t.Error("music still ducked after the reply")
	}
}
