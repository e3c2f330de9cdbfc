package player

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/platform/audio"
)

func item(name string) Item { return Item{Path: filepath.Join("testdata", name), Title: name} }

// rig is a player streaming into a capture sink.
type rig struct {
	t   *testing.T
	out *audio.Capture
	p   *Player
}

func newRig(t *testing.T, opt Options) *rig {
	t.Helper()
	out := audio.NewCapture()
	opt.Seed = 1
	p := New(opt)
	out.Add(p.Streamer())
	t.Cleanup(func() { p.Close(); out.Close() })
	return &rig{t: t, out: out, p: p}
}

// waitLoaded waits until the current track and the one after it are open
// (opening is async). Tests pull audio much faster than real time, so
// without the wait the next track could be still opening at the join; a
// real device gives the open the whole length of the current track.
func (r *rig) waitLoaded() {
	r.t.Helper()
	r.waitOpen(true)
}

// waitOpen waits until the current track is open, and with ahead the
// track opened ahead too.
func (r *rig) waitOpen(ahead bool) {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		r.p.mu.Lock()
		ok := r.p.cur != nil && r.p.loading == nil
		if nx := r.p.next; ok && ahead && nx != nil {
			select {
			case <-nx.done:
			default:
				ok = false
			}
		}
		r.p.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(time.Millisecond)
	}
	r.t.Fatal("track did not open within 5 s")
}

// pull takes d of audio from the sink.
func (r *rig) pull(d time.Duration) [][2]float64 {
	return r.out.Pull(audio.Rate.N(d))
}

// longestSilence returns the longest run of near-zero samples between the
// first and the last sound, and the span of sound.
func longestSilence(s [][2]float64) (longest, first, last int) {
	const eps = 1e-4
	first, last = -1, -1
	for i, x := range s {
		if math.Abs(x[0]) > eps || math.Abs(x[1]) > eps {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	run := 0
	for i := first; i >= 0 && i <= last; i++ {
		if math.Abs(s[i][0]) <= eps && math.Abs(s[i][1]) <= eps {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest, first, last
}

func TestGapless(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b string
		hz   float64
	}{
		{"flac-44k1", "sine-a.flac", "sine-b.flac", 440},
		{"wav-48k-resampled", "sine48-a.wav", "sine48-b.wav", 330},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, Options{})
			r.p.SetVolume(100)
			r.p.Play([]Item{item(tc.a), item(tc.b)}, 0)
			r.waitLoaded()
			s := r.pull(1500 * time.Millisecond)
			longest, first, last := longestSilence(s)
			if first < 0 {
				t.Fatal("no sound")
			}
			if gap := audio.Rate.D(longest); gap > 5*time.Millisecond {
				t.Errorf("silence of %v inside the two tracks", gap)
			}
			// The two halves of one sine: both were played, end to end.
			if got, want := audio.Rate.D(last-first+1), time.Second; got < want-10*time.Millisecond || got > want+10*time.Millisecond {
				t.Errorf("sound lasted %v, want %v", got, want)
			}
			// No click at the join: no step larger than the sine's steepest.
			maxStep := 0.5 * 2 * math.Pi * tc.hz / float64(audio.Rate) * 1.25
			for i := first + 1; i <= last; i++ {
				if d := math.Abs(s[i][0] - s[i-1][0]); d > maxStep {
					t.Fatalf("step of %.4f at sample %d (%v after the start), want ≤ %.4f", d, i, audio.Rate.D(i-first), maxStep)
				}
			}
			if st := r.p.State(); st.Playing || st.Index != 1 {
				t.Errorf("after the queue: playing %v index %d", st.Playing, st.Index)
			}
		})
	}
}

func TestResumeAfterRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fascia", "player.json")
	r := newRig(t, Options{StatePath: path})
	r.p.SetVolume(55)
	r.p.SetRepeat(RepeatAll)
	r.p.Play([]Item{item("sine48-a.wav"), item("sine48-b.wav"), item("tone.ogg")}, 1)
	r.waitLoaded()
	r.pull(200 * time.Millisecond)
	if err := r.p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	// The restarted cockpit: a new player over the same file.
	r2 := newRig(t, Options{StatePath: path})
	st := r2.p.State()
	if !st.HasItem || st.Item.Path != item("sine48-b.wav").Path || st.Index != 1 || st.Len != 3 {
		t.Fatalf("restored %+v", st)
	}
	if st.Playing {
		t.Error("restored player plays before Resume")
	}
	if d := st.Position - 200*time.Millisecond; d < -25*time.Millisecond || d > 25*time.Millisecond {
		t.Errorf("restored position %v, want ≈ 200ms", st.Position)
	}
	if st.Volume != 55 || st.Repeat != RepeatAll {
		t.Errorf("restored volume %d repeat %v", st.Volume, st.Repeat)
	}
	r2.p.Resume()
	r2.waitLoaded()
	s := r2.pull(100 * time.Millisecond)
	if _, first, _ := longestSilence(s); first < 0 || first > audio.Rate.N(5*time.Millisecond) {
		t.Errorf("resumed sound starts at sample %d", first)
	}
	if pos := r2.p.State().Position; pos < 290*time.Millisecond || pos > 320*time.Millisecond {
		t.Errorf("position after resuming 100 ms: %v", pos)
	}
	// A corrupt state file: no state, no crash. (The playing r2 saves its
	// state now and then: close it first, or it may write over the file.)
	if err := r2.p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"version":1,"queue":[{"path":"x"}],"index":7}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r3 := newRig(t, Options{StatePath: path})
	if st := r3.p.State(); st.HasItem || st.Len != 0 {
		t.Errorf("bad state file restored %+v", st)
	}
}

func TestCorruptFilesSkipped(t *testing.T) {
	r := newRig(t, Options{})
	r.p.Play([]Item{item("garbage.mp3"), item("notaudio.wav"), item("missing.flac"), item("truncated.flac"), item("tone.mp3")}, 0)
	deadline := time.Now().Add(5 * time.Second)
	var all [][2]float64
	for time.Now().Before(deadline) && (r.p.State().Playing || r.p.State().Loading) {
		all = append(all, r.pull(50*time.Millisecond)...)
	}
	if r.p.State().Playing {
		t.Fatal("still playing after 5 s")
	}
	if r.p.State().Skipped == "" {
		t.Error("no skip reason reported")
	}
	_, first, last := longestSilence(all)
	// The truncated FLAC plays what it has; the MP3 plays in full.
	if got := audio.Rate.D(last - first); got < 400*time.Millisecond {
		t.Errorf("played %v of sound, want the truncated FLAC's part and the MP3's 0.4 s", got)
	}
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"sine-a.flac", "flac"}, {"tone.ogg", "vorbis"}, {"sine48-a.wav", "wav"}, {"tone.mp3", "mp3"}, {"notaudio.wav", ""},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if got := Sniff(b[:min(len(b), 12)]); got != tc.want {
			t.Errorf("Sniff(%s) = %q, want %q", tc.file, got, tc.want)
		}
	}
}

func TestFreedesktopSounds(t *testing.T) {
	files, _ := filepath.Glob("/usr/share/sounds/freedesktop/stereo/*.oga")
	if len(files) == 0 {
		t.Skip("sound-theme-freedesktop not installed")
	}
	for _, f := range files[:min(len(files), 6)] {
		src, err := openSource(New(Options{}).opt.Open, Item{Path: f})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		buf := make([][2]float64, 4096)
		total, peak := 0, 0.0
		for {
			n, ok := src.stream(buf)
			for _, x := range buf[:n] {
				peak = math.Max(peak, math.Abs(x[0]))
			}
			total += n
			if !ok || n == 0 {
				break
			}
		}
		src.close()
		if src.err != nil {
			t.Errorf("%s: %v", f, src.err)
		}
		want := audio.Rate.N(src.length())
		if src.format.SampleRate != audio.Rate {
			want = int(float64(src.dec.Len()) * float64(audio.Rate) / float64(src.format.SampleRate))
		}
		if total < want-64 || total > want+64 || peak < 0.01 {
			t.Errorf("%s: %d samples (want %d), peak %.3f", filepath.Base(f), total, want, peak)
		}
	}
}

func TestControls(t *testing.T) {
	r := newRig(t, Options{})
	a, b, c := item("sine-a.flac"), item("sine-b.flac"), item("tone.ogg")
	r.p.Play([]Item{a, b}, 0)
	r.waitLoaded()
	r.p.Add(c)
	r.p.PlayNext(item("tone.mp3"))
	q := r.p.Queue()
	if len(q) != 4 || q[1].Path != item("tone.mp3").Path || q[3].Path != c.Path {
		t.Fatalf("queue %v", q)
	}
	r.p.Next()
	r.waitLoaded()
	if st := r.p.State(); st.Index != 1 || !st.Playing {
		t.Fatalf("after next: %+v", st)
	}
	// Previous early in the track goes back; late in it restarts.
	r.p.Previous()
	r.waitLoaded()
	if st := r.p.State(); st.Index != 0 {
		t.Fatalf("previous at 0 s went to %d", st.Index)
	}
	r.p.Play([]Item{item("sine48-a.wav"), item("sine48-b.wav")}, 1)
	r.waitLoaded()
	r.p.Seek(400 * time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	r.pull(10 * time.Millisecond)
	r.p.Previous() // 0.4 s in: not > 3 s, goes back
	r.waitLoaded()
	if st := r.p.State(); st.Index != 0 {
		t.Fatalf("previous went to %d", st.Index)
	}
	// Pause: silence, position kept.
	r.pull(100 * time.Millisecond)
	r.p.Pause()
	pos := r.p.State().Position
	if s := r.pull(50 * time.Millisecond); peak(s) != 0 {
		t.Error("sound while paused")
	}
	if r.p.State().Position != pos {
		t.Error("position moved while paused")
	}
	r.p.Toggle()
	if s := r.pull(50 * time.Millisecond); peak(s) == 0 {
		t.Error("silence after toggling play")
	}
	// Repeat one replays the track at its end; shuffle keeps the current.
	r.p.SetRepeat(RepeatOne)
	r.pull(1200 * time.Millisecond)
	if st := r.p.State(); st.Index != 0 || !st.Playing {
		t.Errorf("repeat one: %+v", st)
	}
	r.p.SetShuffle(true)
	if st := r.p.State(); st.Item.Path != item("sine48-a.wav").Path || !st.Shuffle {
		t.Errorf("shuffle moved the current track: %+v", st)
	}
	r.p.SetShuffle(false)
	if q := r.p.Queue(); q[0].Path != item("sine48-a.wav").Path {
		t.Errorf("unshuffled queue %v", q)
	}
	r.p.SetRepeat(RepeatAll)
	r.p.Next()
	r.p.Next() // wraps
	r.waitLoaded()
	if st := r.p.State(); st.Index != 0 {
		t.Errorf("repeat all did not wrap: %d", st.Index)
	}
}

func peak(s [][2]float64) float64 {
	m := 0.0
	for _, x := range s {
		m = math.Max(m, math.Max(math.Abs(x[0]), math.Abs(x[1])))
	}
	return m
}

func TestVolumeCurve(t *testing.T) {
	if Gain(0) != 0 || Gain(100) != 1 {
		t.Fatalf("ends: %v %v", Gain(0), Gain(100))
	}
	// dB-linear: equal steps of volume are equal steps of decibels.
	db := func(v int) float64 { return 20 * math.Log10(Gain(v)) }
	if d1, d2 := db(60)-db(50), db(90)-db(80); math.Abs(d1-d2) > 1e-9 || math.Abs(d1-4) > 1e-9 {
		t.Errorf("steps %.3f and %.3f dB, want 4", d1, d2)
	}
	r := newRig(t, Options{})
	r.p.SetVolume(50)
	r.p.Play([]Item{item("sine-a.flac")}, 0)
	r.waitLoaded()
	r.pull(50 * time.Millisecond) // past the gain ramp
	if got, want := peak(r.pull(100*time.Millisecond)), 0.5*Gain(50); math.Abs(got-want) > 0.01 {
		t.Errorf("peak at volume 50: %.3f, want %.3f", got, want)
	}
}

// TestSlowNextTrack: when the next track's file is slow to open (slow
// storage), the audio callback plays silence instead of waiting, control
// calls return at once, and the track starts when its open finishes.
func TestSlowNextTrack(t *testing.T) {
	gate := make(chan struct{})
	open := func(it Item) (io.ReadSeekCloser, error) {
		if filepath.Base(it.Path) == "sine-b.flac" {
			<-gate
		}
		return os.Open(it.Path)
	}
	r := newRig(t, Options{Open: open})
	defer func() {
		select {
		case <-gate:
		default:
			close(gate)
		}
	}()
	r.p.Play([]Item{item("sine-a.flac"), item("sine-b.flac")}, 0)
	r.waitOpen(false)
	// Play past the end of the first track while the second cannot open.
	st := r.p.State()
	r.pull(st.Duration + 300*time.Millisecond)
	done := make(chan struct{})
	go func() { r.p.SetVolume(40); r.p.State(); close(done) }()
	select {
	case <-done:
	case <-time.After(500 * time.Millisecond):
		t.Fatal("a control call waited for the slow open")
	}
	if st := r.p.State(); st.Index != 1 || !st.Playing {
		t.Fatalf("while the next track opens: %+v", st)
	}
	close(gate)
	r.waitOpen(false)
	if s := r.pull(200 * time.Millisecond); func() bool {
		_, first, _ := longestSilence(s)
		return first < 0
	}() {
		t.Fatal("no sound once the slow track opened")
	}
}
