package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mediaFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	demo, _ := filepath.Glob("assets/music/*")
	for _, f := range demo {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
	}
	flac, _ := os.ReadFile("assets/music/01-first-light.flac")
	os.WriteFile(filepath.Join(dir, "cut.flac"), flac[:len(flac)/3], 0o644)
	ogg, _ := os.ReadFile("assets/music/04-dorian-cruise.ogg")
	os.WriteFile(filepath.Join(dir, "really-ogg.mp3"), ogg, 0o644)
	if b, err := os.ReadFile("/usr/share/sounds/freedesktop/stereo/complete.oga"); err == nil {
		os.WriteFile(filepath.Join(dir, "complete.oga"), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "cover.txt"), []byte("not music"), 0o644)
	os.WriteFile(filepath.Join(dir, "mix.m3u"), []byte("#EXTM3U\n#EXTINF:8,First Light\n01-first-light.flac\n"), 0o644)
	return dir
}

func TestMediaScan(t *testing.T) {
	dir := mediaFixture(t)
	code, out, errs := runCLI(t, "media", "scan", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		dir + "/01-first-light.flac\tflac   8.0s  Fascia Demo Band / Demo Drive / 1. First Light  [cover]",
		dir + "/04-dorian-cruise.ogg\togg   9.0s",
		dir + "/01-city-lights.mp3\tmp3   9.0s",
		dir + "/02-last-exit.wav\twav   3.0s  Fascia Demo Band / Night Roads / 2. Last Exit",
		dir + "/really-ogg.mp3\togg   9.0s  Fascia Demo Band / Demo Drive / 4. Dorian Cruise",
		dir + "/cut.flac\tSKIPPED: truncated: flac: stream ends at sample",
		dir + "/cover.txt\tNOT AUDIO",
		dir + "/mix.m3u\tplaylist, 1 entries",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	tracks := "8 tracks"
	if _, err := os.Stat(filepath.Join(dir, "complete.oga")); err != nil {
		tracks = "7 tracks"
	}
	if !strings.Contains(errs, tracks+", 1 skipped, 1 not audio, 1 playlists, ") || !strings.Contains(errs, " seconds") {
		t.Errorf("summary: %s", errs)
	}
}

func TestMediaScanJSON(t *testing.T) {
	dir := mediaFixture(t)
	code, out, errs := runCLI(t, "media", "scan", "--json", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	byPath := map[string]scanRecord{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r scanRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		byPath[filepath.Base(r.Path)] = r
	}
	if r := byPath["02-open-road.flac"]; r.Status != "track" || r.Title != "Open Road" || r.TrackNo != 2 || r.Seconds != 5 || !r.Cover || r.Year != 2026 {
		t.Errorf("open road: %+v", r)
	}
	if r := byPath["cut.flac"]; r.Status != "skipped" || !strings.HasPrefix(r.Reason, "truncated: ") {
		t.Errorf("cut: %+v", r)
	}
	if r := byPath["mix.m3u"]; r.Status != "playlist" || r.Entries != 1 {
		t.Errorf("playlist: %+v", r)
	}
}

func TestMediaScanUsage(t *testing.T) {
	for _, args := range [][]string{{"media"}, {"media", "scan"}, {"media", "scan", "--bogus", "."}, {"media", "frobnicate"}, {"media", "scan", "main.go"}} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errs := runCLI(t, "media", "scan", "/nonexistent/music"); code != 1 || !strings.Contains(errs, "/nonexistent/music") {
		t.Errorf("missing folder: exit %d %s", code, errs)
	}
}
