package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMediaKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte("[media]\nfolders = [\"/srv/music\", \"/media/usb\"]\nsink = \"null\"\n"), 0o644)
	c, err := Load([]string{"--config", path}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Media.Folders, ",") != "/srv/music,/media/usb" || c.Media.Sink != "null" {
		t.Fatalf("file: %+v", c.Media)
	}
	c, err = Load([]string{"--config", path, "--media-sink", "default"}, env(map[string]string{"FASCIA_MEDIA_FOLDERS": "/a" + string(filepath.ListSeparator) + "/b"}))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Media.Folders, ",") != "/a,/b" || c.Media.Sink != "default" {
		t.Fatalf("env and flag: %+v", c.Media)
	}
	if d := Defaults(); d.Media.Sink != "default" || len(d.Media.Folders) != 0 {
		t.Fatalf("defaults: %+v", d.Media)
	}
	os.WriteFile(path, []byte("[media]\nsink = \"hdmi\"\n"), 0o644)
	if _, err := Load([]string{"--config", path}, env(nil)); err == nil || !strings.Contains(err.Error(), "media.sink") {
		t.Fatalf("bad sink: %v", err)
	}
	c.Path = filepath.Join(dir, "saved.toml")
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	r, err := Load([]string{"--config", c.Path}, env(nil))
	if err != nil || strings.Join(r.Media.Folders, ",") != "/a,/b" {
		t.Fatalf("round trip: %+v %v", r.Media, err)
	}
}
