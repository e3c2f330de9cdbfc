package media

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopxl/beep/v2/generators"

	"github.com/fascia-hmi/fascia/app/media/focus"
	"github.com/fascia-hmi/fascia/app/media/library"
	"github.com/fascia-hmi/fascia/app/media/player"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/assets"
	"github.com/fascia-hmi/fascia/platform/audio"
	"github.com/fascia-hmi/fascia/platform/can"
)

func testItem(name string) player.Item {
	return player.Item{Path: filepath.Join("player", "testdata", name), Title: name, Artist: "Test Artist", Album: "Test Album"}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestSteeringWheelFromCandump encodes steering-wheel button presses with
// the demo car's DBC into a candump log, replays the log through the real
// candump reader and decoder into the Store, and checks that the presses
// drive the player and that the playback state comes back as VSS signals.
func TestSteeringWheelFromCandump(t *testing.T) {
	p, err := vehicle.LoadProfileFS(assets.FS, "vehicles/fascia-demo")
	if err != nil {
		t.Fatal(err)
	}
	enc := vehicle.NewEncoder(p)
	msg := -1
	for _, m := range enc.Messages() {
		for _, id := range m.IDs {
			if id == vss.ChassisSteeringWheelButtonNextIsPressed {
				msg = m.Index
			}
		}
	}
	if msg < 0 {
		t.Fatal("the demo DBC carries no steering-wheel buttons")
	}
	// One frame per 100 ms cycle; a press is held for one or two cycles and
	// counts once (on its rising edge).
	type cycle struct{ up, down, next, prev bool }
	script := []cycle{{}, {}, {next: true}, {next: true}, {}, {next: true}, {}, {up: true}, {up: true}, {}, {up: true}, {}, {down: true}, {}, {prev: true}, {prev: true}, {}}
	logPath := filepath.Join(t.TempDir(), "buttons.log")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	w := can.NewCandumpWriter(f, "vcan0")
	t0 := time.Unix(1_800_000_000, 0)
	for i, c := range script {
		vals := map[vss.ID]bool{
			vss.ChassisSteeringWheelButtonVolumeUpIsPressed:   c.up,
			vss.ChassisSteeringWheelButtonVolumeDownIsPressed: c.down,
			vss.ChassisSteeringWheelButtonNextIsPressed:       c.next,
			vss.ChassisSteeringWheelButtonPreviousIsPressed:   c.prev,
		}
		var fr can.Frame
		enc.Encode(msg, func(id vss.ID) (vehicle.Value, bool) {
			b, ok := vals[id]
			return vehicle.BoolValue(b), ok
		}, &fr)
		fr.Time = t0.Add(time.Duration(i) * 100 * time.Millisecond)
		if err := w.Write(&fr); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	var clock atomic.Int64
	clock.Store(t0.UnixNano())
	store := vehicle.NewStore(func() time.Time { return time.Unix(0, clock.Load()) })
	dec := vehicle.NewDecoder(p, store)
	out := audio.NewCapture()
	s, err := New(Options{Output: out.Output, Store: store, StatePath: filepath.Join(t.TempDir(), "player.json"), Sink: "null"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Player.SetVolume(70)
	s.Player.Play([]player.Item{testItem("sine-a.flac"), testItem("sine-b.flac"), testItem("tone.ogg")}, 0)
	s.Start()

	lf, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	r := can.NewCandumpReader(lf, logPath)
	var fr can.Frame
	for i := 0; r.Next(&fr) == nil; i++ {
		clock.Store(fr.Time.UnixNano())
		dec.Decode(&fr)
		time.Sleep(3 * ButtonPoll) // the service polls the Store
	}
	if st := dec.Stats(); st.Decoded != uint64(len(script)) {
		t.Fatalf("decoded %d of %d frames", st.Decoded, len(script))
	}
	// Next twice, then Previous (early in the track: back one).
	// Volume: 70 +5 +5 −5.
	waitFor(t, "volume 75", func() bool { return s.Player.State().Volume == 75 })
	if st := s.Player.State(); st.Index != 1 {
		t.Errorf("after next, next, previous: index %d, want 1", st.Index)
	}
	waitFor(t, "published volume", func() bool {
		r := store.Get(vss.CabinInfotainmentMediaVolume)
		return r.OK() && r.Num == 75
	})
	if r := store.Get(vss.CabinInfotainmentMediaPlayedTrack); !r.OK() || r.Str != "sine-b.flac" {
		t.Errorf("published track %+v", r)
	}
	if r := store.Get(vss.CabinInfotainmentMediaPlayedArtist); r.Str != "Test Artist" {
		t.Errorf("published artist %q", r.Str)
	}
	if r := store.Get(vss.CabinInfotainmentMediaAction); r.Str != "PLAY" {
		t.Errorf("published action %q", r.Str)
	}
	sig := vss.Get(vss.CabinInfotainmentMediaAction)
	for _, a := range []string{"PLAY", "STOP"} {
		found := false
		for _, v := range sig.Allowed {
			found = found || v == a
		}
		if !found {
			t.Errorf("action %s not allowed by the catalog %v", a, sig.Allowed)
		}
	}
	s.Player.Pause()
	waitFor(t, "STOP", func() bool { return store.Get(vss.CabinInfotainmentMediaAction).Str == "STOP" })
}

func peak(s [][2]float64) float64 {
	m := 0.0
	for _, x := range s {
		m = math.Max(m, math.Abs(x[0]))
	}
	return m
}

// TestPromptDucksMusic plays a silent prompt over music: the music drops
// by 12 dB while it plays and comes back afterwards.
func TestPromptDucksMusic(t *testing.T) {
	out := audio.NewCapture()
	s, err := New(Options{Output: out.Output})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Player.SetVolume(100)
	s.Player.SetRepeat(player.RepeatOne)
	s.Player.Play([]player.Item{testItem("sine48-a.wav")}, 0)
	waitFor(t, "playing", func() bool { return !s.Player.State().Loading })
	out.Pull(audio.Rate.N(50 * time.Millisecond))
	before := peak(out.Pull(audio.Rate.N(50 * time.Millisecond)))
	done := s.Prompt(focus.Navigation, generators.Silence(audio.Rate.N(300*time.Millisecond)))
	out.Pull(audio.Rate.N(100 * time.Millisecond)) // the ramp
	during := peak(out.Pull(audio.Rate.N(100 * time.Millisecond)))
	out.Pull(audio.Rate.N(150 * time.Millisecond))
	<-done
	if s.Focus.Ducked() {
		t.Fatal("still ducked after the prompt")
	}
	out.Pull(audio.Rate.N(100 * time.Millisecond))
	after := peak(out.Pull(audio.Rate.N(50 * time.Millisecond)))
	if d := 20 * math.Log10(during/before); math.Abs(d-focus.DuckDB) > 0.5 {
		t.Errorf("music during the prompt at %.2f dB, want %.0f", d, focus.DuckDB)
	}
	if math.Abs(after-before) > 0.01 {
		t.Errorf("music after the prompt %.3f, before %.3f", after, before)
	}
}

// TestDemoMusicAndRestart: the service opens the library over the embedded
// demo music, plays it into the null sink, and a second service over the
// same files resumes the same track.
func TestDemoMusicAndRestart(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Sink: audio.SinkNull, StatePath: filepath.Join(dir, "player.json"),
		LibraryOptions: &library.Options{DBPath: filepath.Join(dir, "media.db"), NoMusicDir: true, Embedded: assets.FS}}
	s, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	if s.NoOutput() != "audio not started" || s.Library() != nil {
		t.Fatal("New opened something")
	}
	s.Start()
	if s.NoOutput() == "" {
		t.Error("the null sink reports an output")
	}
	lib := s.Library()
	if lib == nil {
		t.Fatal("no library")
	}
	if _, err := lib.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	tracks, err := lib.Tracks(context.Background(), 0, 100)
	if err != nil || len(tracks) < 2 {
		t.Fatalf("%d demo tracks, %v", len(tracks), err)
	}
	s.PlayTracks(tracks, 1)
	waitFor(t, "the demo track to play", func() bool {
		st := s.Player.State()
		return st.Playing && !st.Loading && st.Position > 100*time.Millisecond
	})
	want := s.Player.State().Item
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	s2.Start()
	st := s2.Player.State()
	if st.Item.Path != want.Path || st.Index != 1 || st.Len != len(tracks) || st.Position < 100*time.Millisecond {
		t.Fatalf("restored %+v, want %s at index 1", st, want.Path)
	}
	s2.Player.Resume()
	waitFor(t, "resumed playback", func() bool { st := s2.Player.State(); return st.Playing && !st.Loading })
}
