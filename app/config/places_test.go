package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlacesKeys(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(file, []byte("[places]\nhome = \"43.7384, 7.4246\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string { return map[string]string{"FASCIA_WORK": "43.7311,7.4197"}[k] }
	c, err := Load([]string{"--config", file}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Places.Home != "43.7384, 7.4246" || c.Places.Work != "43.7311,7.4197" {
		t.Errorf("places %+v", c.Places)
	}
	lat, lon, err := ParsePoint(c.Places.Home)
	if err != nil || lat != 43.7384 || lon != 7.4246 {
		t.Errorf("home parsed as %v,%v %v", lat, lon, err)
	}
	for _, bad := range []string{"43.7", "north,east", "91,7", "43,181", "NaN,1", ""} {
		if _, _, err := ParsePoint(bad); err == nil {
			t.Errorf("ParsePoint(%q) accepted", bad)
		}
	}
	_, err = Load([]string{"--config", file, "--work", "somewhere"}, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "places.work") {
		t.Errorf("a bad work place: %v, want an error naming places.work", err)
	}
}

// FuzzParsePoint: no input panics; accepted points are on the map.
func FuzzParsePoint(f *testing.F) {
	for _, s := range []string{"43.7384,7.4246", " -33.9 , 151.2 ", "91,0", "1e400,0", "NaN,1", ",", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lat, lon, err := ParsePoint(s)
		if err == nil && (lat < -85.06 || lat > 85.06 || lon < -180 || lon > 180) {
			t.Fatalf("%q accepted as %v,%v", s, lat, lon)
		}
	})
}
