package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMapRender(t *testing.T) {
	tilesFile := filepath.Join(shared, "tiles/monaco.pmtiles")
	if _, err := os.Stat(tilesFile); err != nil {
		t.Skip("Monaco tiles not present")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "m.png")
	code, stdout, stderr := runCLI(t, "map", "render", "--tiles", tilesFile, "--center", "43.7384,7.4246", "--zoom", "16.5",
		"--bearing", "30", "--size", "400x300", "--theme", "night", "--scale", "1.5", "--out", out)
	if code != 0 || !strings.Contains(stdout, "400x300") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil || img.Bounds().Dx() != 400 || img.Bounds().Dy() != 300 {
		t.Fatalf("PNG: %v %v", err, img.Bounds())
	}
	// the embedded demo map is the default source
	code, _, stderr = runCLI(t, "map", "render", "--center", "43.7384,7.4246", "--zoom", "14", "--size", "64x64", "--out", filepath.Join(dir, "demo.png"))
	if code != 0 {
		t.Fatalf("demo map: exit %d: %s", code, stderr)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("temporary files left behind: %v", ents)
	}
	for _, bad := range [][]string{
		{"--center", "43.7", "--zoom", "14", "--out", out},
		{"--center", "95,7", "--zoom", "14", "--out", out},
		{"--center", "43.7,7.4", "--zoom", "19", "--out", out},
		{"--center", "43.7,7.4", "--zoom", "14"},
		{"--center", "43.7,7.4", "--zoom", "14", "--size", "10", "--out", out},
		{"--center", "43.7,7.4", "--zoom", "14", "--theme", "dusk", "--out", out},
		{"--center", "43.7,7.4", "--zoom", "14", "--scale", "0", "--out", out},
	} {
		if code, _, _ := runCLI(t, append([]string{"map", "render"}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
	// a file that is not a tile set, and a directory that does not exist
	junk := filepath.Join(dir, "junk.mbtiles")
	os.WriteFile(junk, []byte("not tiles"), 0o644)
	if code, _, stderr := runCLI(t, "map", "render", "--tiles", junk, "--center", "43.7,7.4", "--zoom", "14", "--out", out); code != 1 || !strings.Contains(stderr, "junk.mbtiles") {
		t.Errorf("junk tiles: exit %d: %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "map", "render", "--tiles", tilesFile, "--center", "43.7,7.4", "--zoom", "14", "--size", "32x32", "--out", filepath.Join(dir, "no/such/dir.png")); code != 1 {
		t.Errorf("unwritable output: exit %d", code)
	}
}
