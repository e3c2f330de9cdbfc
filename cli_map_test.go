package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMapInfo(t *testing.T) {
	pm := filepath.Join(shared, "tiles/monaco.pmtiles")
	if _, err := os.Stat(pm); err != nil {
		t.Skipf("shared data absent: %v", err)
	}
	code, out, errs := runCLI(t, "map", "info", pm)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"format:      pmtiles",
		"bounds:      7.383012,43.513684,7.502798,43.754332",
		"center:      43.634008,7.442905 (lat,lon) zoom 7",
		"zooms:       0–14",
		"tiles:       23",
		"layers:      16",
		"transportation       z4–14  brunnel (String), class (String), oneway (Number), ramp (Number), service (String)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("map info: no %q in\n%s", want, out)
		}
	}

	// convert → PMTiles, read back by info; the demo's attribution shows.
	dst := filepath.Join(t.TempDir(), "copy.pmtiles")
	code, out, errs = runCLI(t, "map", "convert", "--attribution", "© OpenStreetMap contributors", "--center", "43.7384,7.4246,14", pm, dst)
	if code != 0 || !strings.Contains(out, "23 tiles") {
		t.Fatalf("map convert: exit %d: %s%s", code, out, errs)
	}
	code, out, _ = runCLI(t, "map", "info", dst)
	if code != 0 || !strings.Contains(out, "attribution: © OpenStreetMap contributors") || !strings.Contains(out, "tiles:       23") ||
		!strings.Contains(out, "center:      43.738400,7.424600 (lat,lon) zoom 14") {
		t.Errorf("info of the converted file: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "map", "info", "assets/maps/krems.pmtiles")
	if code != 0 || !strings.Contains(out, "name (String)") || !strings.Contains(out, "OpenStreetMap contributors") {
		t.Errorf("info of the demo map: exit %d\n%s", code, out)
	}
}

func TestMapCommandErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.mbtiles")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"map"}, 2, "missing subcommand"},
		{[]string{"map", "bogus"}, 2, `unknown subcommand "bogus"`},
		{[]string{"map", "info"}, 2, "usage: fascia map info FILE"},
		{[]string{"map", "info", missing}, 1, missing},
		{[]string{"map", "info", "go.mod"}, 1, "go.mod: not an MBTiles (SQLite) or PMTiles file"},
		{[]string{"map", "convert", "go.mod"}, 2, "usage: fascia map convert"},
		{[]string{"map", "convert", "--center", "43.7,7.4", "a.mbtiles", "b.pmtiles"}, 2, `--center "43.7,7.4": want LAT,LON,ZOOM`},
	} {
		code, _, errs := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}
