package library

import (
	"bytes"
	"context"
	"errors"
	"image"
	_ "image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/assets"
)

const (
	demoDir       = "../../../assets/music"
	freedesktop   = "/usr/share/sounds/freedesktop/stereo"
	quietLogLevel = slog.LevelError
)

func quiet() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: quietLogLevel}))
}

func copyFile(t testing.TB, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func truncateCopy(t testing.TB, src, dst string, n int) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b[:n], 0o644); err != nil {
		t.Fatal(err)
	}
}

func newLib(t testing.TB, opts Options) *Library {
	t.Helper()
	if opts.DBPath == "" {
		opts.DBPath = filepath.Join(t.TempDir(), "media.db")
	}
	opts.NoMusicDir = true
	opts.Log = quiet()
	l, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// fixture builds a music folder from files nobody here wrote (the
// freedesktop sound theme), the demo tracks, and broken copies of both.
func fixture(t *testing.T) string {
	dir := t.TempDir()
	demo, _ := filepath.Glob(filepath.Join(demoDir, "*"))
	if len(demo) < 6 {
		t.Fatalf("demo music missing in %s", demoDir)
	}
	for _, f := range demo {
		copyFile(t, f, filepath.Join(dir, "Demo", filepath.Base(f)))
	}
	if _, err := os.Stat(freedesktop); err == nil {
		for _, n := range []string{"bell.oga", "complete.oga", "dialog-warning.oga", "alarm-clock-elapsed.oga"} {
			copyFile(t, filepath.Join(freedesktop, n), filepath.Join(dir, "Sounds", n))
		}
	}
	bad := filepath.Join(dir, "Bad")
	os.MkdirAll(bad, 0o755)
	truncateCopy(t, filepath.Join(demoDir, "01-first-light.flac"), filepath.Join(bad, "cut.flac"), 60000)
	truncateCopy(t, filepath.Join(demoDir, "04-dorian-cruise.ogg"), filepath.Join(bad, "cut.ogg"), 20000)
	truncateCopy(t, filepath.Join(demoDir, "01-city-lights.mp3"), filepath.Join(bad, "cut.mp3"), 50000)
	truncateCopy(t, filepath.Join(demoDir, "02-last-exit.wav"), filepath.Join(bad, "cut.wav"), 50000)
	truncateCopy(t, filepath.Join(demoDir, "01-first-light.flac"), filepath.Join(bad, "header-only.flac"), 30)
	// Mislabelled: an Ogg Vorbis file named .mp3 and a FLAC named .ogg are
	// still tracks; a PNG named .flac is not.
	copyFile(t, filepath.Join(demoDir, "04-dorian-cruise.ogg"), filepath.Join(dir, "Mislabelled", "really-ogg.mp3"))
	copyFile(t, filepath.Join(demoDir, "02-open-road.flac"), filepath.Join(dir, "Mislabelled", "really-flac.ogg"))
	copyFile(t, "../../../assets/icon.png", filepath.Join(bad, "picture.flac"))
	// Garbage with an audio name.
	os.WriteFile(filepath.Join(bad, "noise.wav"), bytes.Repeat([]byte{0x55, 0xaa}, 500), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("liner notes\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "Road Trip.m3u8"), []byte("\ufeff#EXTM3U\r\n#EXTINF:5,Open Road\r\nDemo/02-open-road.flac\r\n"+
		"#EXTINF:5,No Stopping\r\nDemo\\03-no-stopping.flac\r\nDemo/missing.flac\r\nhttp://radio.example/stream\r\n"), 0o644)
	return dir
}

func TestScanRealFiles(t *testing.T) {
	dir := fixture(t)
	l := newLib(t, Options{Folders: []string{dir}, Embedded: assets.FS})
	ctx := context.Background()
	st, err := l.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	files, err := l.Files(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]File{}
	for _, f := range files {
		rel := strings.TrimPrefix(f.Path, dir+"/")
		byName[rel] = f
	}
	want := map[string]struct {
		format, title string
		no            int
		dur           time.Duration
		cover         bool
	}{
		"Demo/01-first-light.flac":        {"flac", "First Light", 1, 8 * time.Second, true},
		"Demo/02-open-road.flac":          {"flac", "Open Road", 2, 5 * time.Second, true},
		"Demo/03-no-stopping.flac":        {"flac", "No Stopping", 3, 5 * time.Second, true},
		"Demo/04-dorian-cruise.ogg":       {"ogg", "Dorian Cruise", 4, 9 * time.Second, true},
		"Demo/01-city-lights.mp3":         {"mp3", "City Lights", 1, 9 * time.Second, true},
		"Demo/02-last-exit.wav":           {"wav", "Last Exit", 2, 3 * time.Second, false},
		"Mislabelled/really-ogg.mp3":      {"ogg", "Dorian Cruise", 4, 9 * time.Second, true},
		"Mislabelled/really-flac.ogg":     {"flac", "Open Road", 2, 5 * time.Second, true},
		"embed:music/01-first-light.flac": {"flac", "First Light", 1, 8 * time.Second, true},
		"embed:music/01-city-lights.mp3":  {"mp3", "City Lights", 1, 9 * time.Second, true},
	}
	for name, w := range want {
		f, ok := byName[name]
		if !ok {
			t.Errorf("%s: not in the index", name)
			continue
		}
		if f.Skipped || f.NotAudio {
			t.Errorf("%s: skipped: %s", name, f.Reason)
			continue
		}
		if f.Format != w.format || f.Title != w.title || f.TrackNo != w.no || f.HasCover != w.cover ||
			f.Artist != "Fascia Demo Band" || f.Year != 2026 {
			t.Errorf("%s: got %+v", name, f.Track)
		}
		// MP3 durations are estimated from frames (encoder padding adds up to ~50 ms).
		if d := f.Duration - w.dur; d < -10*time.Millisecond || d > 60*time.Millisecond {
			t.Errorf("%s: duration %v, want %v", name, f.Duration, w.dur)
		}
	}
	if f := byName["Sounds/alarm-clock-elapsed.oga"]; f.Format != "ogg" || f.Skipped ||
		f.Duration.Round(10*time.Millisecond) != 6130*time.Millisecond || f.DisplayTitle() != "alarm-clock-elapsed" {
		t.Errorf("freedesktop alarm: %+v (%s)", f.Track, f.Reason)
	}
	skipped := map[string]string{
		"Bad/cut.flac":         "truncated",
		"Bad/cut.ogg":          "truncated",
		"Bad/cut.mp3":          "truncated",
		"Bad/cut.wav":          "truncated",
		"Bad/header-only.flac": "truncated",
		"Bad/picture.flac":     "unsupported",
		"Bad/noise.wav":        "unsupported",
	}
	for name, class := range skipped {
		f := byName[name]
		if !f.Skipped || !strings.HasPrefix(f.Reason, class+":") {
			t.Errorf("%s: skipped=%v reason %q, want %s", name, f.Skipped, f.Reason, class)
		}
	}
	if f := byName["notes.txt"]; !f.NotAudio || f.Skipped {
		t.Errorf("notes.txt: %+v", f)
	}
	sk, _ := l.Skipped(ctx)
	if len(sk) != len(skipped) || st.Skipped != len(skipped) {
		t.Errorf("Skipped() = %d rows, stats %d, want %d: %v", len(sk), st.Skipped, len(skipped), sk)
	}
	wantTracks := 8 + 6 // demo copies + mislabelled + embedded
	if _, err := os.Stat(freedesktop); err == nil {
		wantTracks += 4
	}
	if st.Tracks != wantTracks {
		t.Errorf("tracks = %d, want %d", st.Tracks, wantTracks)
	}
	if len(l.Problems()) != 0 {
		t.Errorf("problems: %v", l.Problems())
	}
}

func TestRescan(t *testing.T) {
	dir := fixture(t)
	l := newLib(t, Options{Folders: []string{dir}})
	ctx := context.Background()
	first, err := l.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := l.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.Probed != 0 || again.Unchanged != first.Probed || again.Tracks != first.Tracks || again.Removed != 0 {
		t.Fatalf("rescan with no change: %+v after %+v", again, first)
	}
	// Change one file (new tags by copying another over it), remove one,
	// add one: only those are read again.
	copyFile(t, filepath.Join(demoDir, "01-first-light.flac"), filepath.Join(dir, "Demo", "02-open-road.flac"))
	os.Chtimes(filepath.Join(dir, "Demo", "02-open-road.flac"), time.Now(), time.Now().Add(time.Minute))
	os.Remove(filepath.Join(dir, "Demo", "02-last-exit.wav"))
	copyFile(t, filepath.Join(demoDir, "02-last-exit.wav"), filepath.Join(dir, "New", "exit.wav"))
	st, err := l.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Probed != 2 || st.Removed != 1 || st.Tracks != first.Tracks {
		t.Fatalf("rescan after changes: %+v", st)
	}
	tr, ok, _ := l.TrackByPath(ctx, filepath.Join(dir, "Demo", "02-open-road.flac"))
	if !ok || tr.Title != "First Light" {
		t.Fatalf("changed file not re-read: %+v", tr)
	}
}

func TestReopenAndMigrations(t *testing.T) {
	dir := fixture(t)
	db := filepath.Join(t.TempDir(), "sub", "media.db")
	l := newLib(t, Options{DBPath: db, Folders: []string{dir}})
	ctx := context.Background()
	first, err := l.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	l2 := newLib(t, Options{DBPath: db, Folders: []string{dir}})
	st, err := l2.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Probed != 0 || st.Tracks != first.Tracks {
		t.Fatalf("after reopen: %+v", st)
	}
	var mode string
	l2.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal mode %q", mode)
	}
	// A newer schema than this program knows is refused, not clobbered.
	l2.db.Exec(`PRAGMA user_version = 99`)
	l2.Close()
	if _, err := New(Options{DBPath: db, NoMusicDir: true}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("newer schema: %v", err)
	}
}

func TestProblems(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file.txt")
	os.WriteFile(file, []byte("x"), 0o644)
	missing := filepath.Join(dir, "gone")
	l := newLib(t, Options{Folders: []string{file, missing}})
	if _, err := l.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range l.Problems() {
		got[p.Path] = p.Reason
	}
	if got[file] != "not a folder" || !strings.Contains(got[missing], "no such file") {
		t.Fatalf("problems: %v", got)
	}
	if os.Getuid() == 0 {
		return // root reads any folder; the permission case needs a normal user
	}
	locked := filepath.Join(dir, "locked")
	os.MkdirAll(filepath.Join(locked, "inner"), 0o755)
	os.Chmod(filepath.Join(locked, "inner"), 0)
	defer os.Chmod(filepath.Join(locked, "inner"), 0o755)
	l2 := newLib(t, Options{Folders: []string{locked}})
	l2.Scan(context.Background())
	if ps := l2.Problems(); len(ps) != 1 || !strings.Contains(ps[0].Reason, "permission") {
		t.Fatalf("unreadable folder: %v", ps)
	}
}

func TestBrowseAndSearch(t *testing.T) {
	dir := fixture(t)
	l := newLib(t, Options{Folders: []string{dir}, Embedded: assets.FS})
	ctx := context.Background()
	if _, err := l.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	artists, err := l.Artists(ctx)
	if err != nil || len(artists) != 2 || artists[0].Name != "Fascia Demo Band" || artists[1].Name != "" {
		t.Fatalf("artists: %+v %v", artists, err)
	}
	band := "Fascia Demo Band"
	albums, err := l.Albums(ctx, &band)
	if err != nil || len(albums) != 2 || albums[0].Title != "Demo Drive" || albums[1].Title != "Night Roads" {
		t.Fatalf("albums: %+v %v", albums, err)
	}
	if !albums[0].Cover.HasCover {
		t.Errorf("album cover track: %+v", albums[0].Cover)
	}
	tracks, err := l.AlbumTracks(ctx, band, "Night Roads")
	if err != nil || len(tracks) != 4 || tracks[0].TrackNo != 1 || tracks[3].TrackNo != 2 {
		t.Fatalf("album tracks: %+v %v", tracks, err)
	}
	all, _ := l.Tracks(ctx, 0, 0)
	page, _ := l.Tracks(ctx, 2, 3)
	if len(page) != 3 || page[0].ID != all[2].ID {
		t.Fatalf("paging: %d", len(page))
	}
	for q, want := range map[string]int{
		"dor cru":    3, // title words, prefix; demo copy, mislabelled copy, embedded
		"fasc night": 4, // artist + album (demo copy and embedded)
		"NIGHT":      4,
		"exit":       2,
		"zebra":      0,
		`"* OR (`:    0, // FTS syntax in user input is text
		"":           0,
	} {
		got, err := l.Search(ctx, q, 0)
		if err != nil || len(got) != want {
			t.Errorf("search %q: %d results %v, want %d", q, len(got), err, want)
		}
	}
	top, _ := l.Folder(ctx, "")
	if len(top.Folders) != 2 || top.Folders[0] != dir || top.Folders[1] != "embed:music" {
		t.Fatalf("top folders: %v", top.Folders)
	}
	root, _ := l.Folder(ctx, dir)
	if strings.Join(root.Folders, ",") != strings.Join([]string{dir + "/Demo", dir + "/Mislabelled", dir + "/Sounds"}, ",") {
		t.Errorf("folders below root: %v", root.Folders)
	}
	demo, _ := l.Folder(ctx, dir+"/Demo")
	if len(demo.Tracks) != 6 {
		t.Errorf("demo folder tracks: %d", len(demo.Tracks))
	}
	emb, _ := l.Folder(ctx, "embed:music")
	if len(emb.Tracks) != 6 {
		t.Errorf("embedded folder tracks: %d", len(emb.Tracks))
	}
	pls, _ := l.Playlists(ctx)
	if len(pls) != 1 || pls[0].Name != "Road Trip" || pls[0].Entries != 3 {
		t.Fatalf("playlists: %+v", pls)
	}
	pt, missing, err := l.PlaylistTracks(ctx, pls[0].Path)
	if err != nil || len(pt) != 2 || pt[0].Title != "Open Road" || pt[1].Title != "No Stopping" || len(missing) != 1 {
		t.Fatalf("playlist tracks: %+v missing %v %v", pt, missing, err)
	}
	// Quick picks: with no history the first albums; played ones first.
	recent, _ := l.RecentAlbums(ctx, 2)
	if len(recent) != 2 || recent[0].Title != "Demo Drive" {
		t.Fatalf("recent albums without history: %+v", recent)
	}
	l.MarkPlayed(ctx, tracks[0])
	recent, _ = l.RecentAlbums(ctx, 2)
	if recent[0].Title != "Night Roads" {
		t.Fatalf("recent albums: %+v", recent)
	}
	l.MarkPlaylistPlayed(ctx, pls[0].Path)
	rp, _ := l.RecentPlaylists(ctx, 5)
	if len(rp) != 1 || rp[0].Name != "Road Trip" {
		t.Fatalf("recent playlists: %+v", rp)
	}
}

func TestOpenAndCover(t *testing.T) {
	l := newLib(t, Options{Embedded: assets.FS})
	ctx := context.Background()
	if _, err := l.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	all, _ := l.Tracks(ctx, 0, 0)
	if len(all) != 6 {
		t.Fatalf("embedded tracks: %d", len(all))
	}
	for _, tr := range all {
		f, err := l.Open(tr)
		if err != nil {
			t.Fatal(err)
		}
		head := make([]byte, 4)
		io.ReadFull(f, head)
		end, _ := f.Seek(0, io.SeekEnd)
		f.Close()
		if end < 40000 || !strings.Contains("fLaCOggSID3\x03RIFF", string(head[:3])) {
			t.Errorf("%s: head %q size %d", tr.Path, head, end)
		}
		img, mime, err := l.Cover(tr)
		if !tr.HasCover {
			if !errors.Is(err, ErrNoCover) {
				t.Errorf("%s: cover without HasCover: %v", tr.Path, err)
			}
			continue
		}
		if err != nil || mime != "image/png" {
			t.Fatalf("%s: cover %q %v", tr.Path, mime, err)
		}
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(img)); err != nil || cfg.Width != 240 {
			t.Errorf("%s: cover image %v %v", tr.Path, cfg, err)
		}
	}
	// A file on disk.
	tr, err := Inspect(filepath.Join(demoDir, "02-open-road.flac"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := l.Open(tr)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := l.Open(Track{Path: "/nonexistent.flac"}); err == nil {
		t.Error("open of a missing file succeeded")
	}
}

func TestBackgroundScanAndWatch(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join(demoDir, "01-first-light.flac"), filepath.Join(dir, "a.flac"))
	l := newLib(t, Options{Folders: []string{dir}})
	changed := make(chan struct{}, 100)
	defer l.Subscribe(func() { changed <- struct{}{} })()
	l.Start()
	wait := func(n int) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			if p := l.Progress(); !p.Scanning && p.Tracks == n {
				return
			}
			select {
			case <-changed:
			case <-deadline:
				t.Fatalf("tracks = %d, want %d", l.Progress().Tracks, n)
			}
		}
	}
	wait(1)
	// A new folder with a file: the watcher sees it and rescans.
	copyFile(t, filepath.Join(demoDir, "04-dorian-cruise.ogg"), filepath.Join(dir, "sub", "b.ogg"))
	wait(2)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestMusicDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_MUSIC_DIR", "")
	t.Setenv("XDG_CONFIG_HOME", "")
	if got := MusicDir(); got != filepath.Join(home, "Music") {
		t.Errorf("default: %s", got)
	}
	os.MkdirAll(filepath.Join(home, ".config"), 0o755)
	os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"), []byte("# xdg\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_MUSIC_DIR=\"$HOME/Musik\"\n"), 0o644)
	if got := MusicDir(); got != filepath.Join(home, "Musik") {
		t.Errorf("user-dirs.dirs: %s", got)
	}
	t.Setenv("XDG_MUSIC_DIR", "/srv/music")
	if got := MusicDir(); got != "/srv/music" {
		t.Errorf("env: %s", got)
	}
	t.Setenv("XDG_DATA_HOME", "/x/data")
	if got := DefaultDBPath(); got != "/x/data/fascia/media.db" {
		t.Errorf("db path: %s", got)
	}
}
