package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLayers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte("theme = \"night\"\ncan = \"candump:a.log\"\nsize = \"800x480\"\n[units]\nspeed = \"mph\"\n"), 0o644)
	c, err := Load([]string{"--config", path, "--can", "socketcan:can0"}, env(map[string]string{"FASCIA_THEME": "day", "FASCIA_CAN": "sim:highway"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Theme != "day" || c.CAN != "socketcan:can0" || c.Width != 800 || c.Height != 480 || c.Units.Speed != "mph" || c.Units.Distance != "km" {
		t.Fatalf("got %+v", c)
	}
	d, err := Load([]string{"--config", filepath.Join(dir, "none.toml")}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if d.CAN != "sim:city" || d.Width != 1280 || d.Theme != "auto" {
		t.Fatalf("defaults: %+v", d)
	}
	if d.Map != "" || d.MapCacheMB != 64 {
		t.Fatalf("map defaults: %q, %d MB", d.Map, d.MapCacheMB)
	}
	e, err := Load([]string{"--config", filepath.Join(dir, "none.toml"), "--map-cache-mb", "128"}, env(map[string]string{"FASCIA_MAP": "/maps/alps.pmtiles"}))
	if err != nil {
		t.Fatal(err)
	}
	if e.Map != "/maps/alps.pmtiles" || e.MapCacheMB != 128 {
		t.Fatalf("map settings: %q, %d MB", e.Map, e.MapCacheMB)
	}
}

func TestErrorsNameTheSource(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		file string
		args []string
		env  map[string]string
		want string
	}{
		{file: "theme = \"pink\"\n", want: "config.toml: theme: \"pink\""},
		{file: "bogus = 1\n", want: "unknown setting \"bogus\""},
		{file: "theme = \n", want: "config.toml:1:"},
		{file: "size = \"big\"\n", want: "config.toml: size:"},
		{args: []string{"--size", "10x10"}, want: "flag --size"},
		{env: map[string]string{"FASCIA_SCALE": "x"}, want: "environment FASCIA_SCALE"},
		{args: []string{"--scale", "9"}, want: "scale: 9 is outside"},
		{args: []string{"--units-speed", "knots"}, want: "units.speed"},
		{args: []string{"extra"}, want: "unexpected argument"},
		{file: "map_cache_mb = 2\n", want: "config.toml: map_cache_mb: 2 is outside"},
		{env: map[string]string{"FASCIA_MAP_CACHE_MB": "lots"}, want: "environment FASCIA_MAP_CACHE_MB"},
	}
	for i, tc := range cases {
		path := filepath.Join(dir, "config.toml")
		os.Remove(path)
		if tc.file != "" {
			os.WriteFile(path, []byte(tc.file), 0o644)
		}
		_, err := Load(append([]string{"--config", path}, tc.args...), env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: error %v, want it to contain %q", i, err, tc.want)
		}
	}
}

func TestSaveRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config.toml")
	c, err := Load([]string{"--config", path}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	c.Theme, c.Units.Temperature, c.Width, c.Height = "night", "F", 800, 480
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	d, err := Load([]string{"--config", path}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if d.Theme != "night" || d.Units.Temperature != "F" || d.Width != 800 {
		t.Fatalf("round trip: %+v", d)
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Fatalf("left temporary files: %v", ents)
	}
	c.Theme = "pink"
	if err := c.Save(); err == nil {
		t.Fatal("saved an invalid config")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("theme = \"night\"\n[units]\nspeed = \"mph\"\n"))
	f.Add([]byte("size = \"800x480\"\nscale = 1.5\n"))
	f.Add([]byte("[places]\nhome = \"43.7384, 7.4246\"\nwork = \"91,1e400\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := Defaults()
		if err := c.parse("fuzz.toml", data); err == nil {
			if err := c.Validate(); err != nil {
				t.Fatalf("parse accepted an invalid config: %v", err)
			}
		}
	})
}
