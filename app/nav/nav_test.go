package nav

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/fascia-hmi/fascia/app/nav/render"
)

// TestOpenFallsBackToDemo: a missing or corrupt tile file leaves the
// cockpit with the demo map, the reason recorded and logged once.
func TestOpenFallsBackToDemo(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.pmtiles")
	if err := os.WriteFile(corrupt, []byte("PMTiles\x03 but nothing after"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.mbtiles"), "missing.mbtiles"},
		{corrupt, "corrupt.pmtiles"},
	} {
		var log bytes.Buffer
		m := Open(tc.path, nil, 16, slog.New(slog.NewTextHandler(&log, nil)))
		if m.Err == nil || !strings.Contains(m.Err.Error(), tc.want) {
			t.Errorf("%s: Err = %v, want it to name the file", tc.path, m.Err)
		}
		if m.Name != "demo" || m.Renderer == nil || m.Source == nil {
			t.Errorf("%s: no demo map in its place: %+v", tc.path, m)
		}
		if n := strings.Count(log.String(), "using the demo map"); n != 1 {
			t.Errorf("%s: logged %d times: %s", tc.path, n, log.String())
		}
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	}
}

// TestOpenDemoRenders opens the default (embedded) map with a small cache
// and renders a tile of Monaco through it.
func TestOpenDemoRenders(t *testing.T) {
	m := Open("", nil, 8, nil)
	defer m.Close()
	if m.Err != nil || m.Name != "demo" {
		t.Fatalf("demo map: %v (%q)", m.Err, m.Name)
	}
	if got := m.Renderer.Stats().Limit; got != 8<<20 {
		t.Errorf("cache bound %d, want 8 MB", got)
	}
	ready := make(chan render.Key, 8)
	m.Renderer.SetOnReady(func(k render.Key) { ready <- k })
	k := render.Key{Z: 14, X: 8529, Y: 5974, Size: 256} // Monaco harbour
	if _, ok := m.Renderer.Tile(k); ok {
		t.Fatal("a cold cache had the tile")
	}
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the tile was not rendered in 30 s")
	}
	if img, ok := m.Renderer.Tile(k); !ok || img.Bounds().Dx() != 256 {
		t.Fatalf("tile after ready: %v %v", ok, img)
	}
}

// TestOpenFile opens the shared Monaco extract when it is there.
func TestOpenFile(t *testing.T) {
	path := "../../../shared/data/tiles/monaco.pmtiles"
	if _, err := os.Stat(path); err != nil {
		t.Skip("shared tile data absent")
	}
	m := Open(path, nil, 0, nil)
	defer m.Close()
	if m.Err != nil || m.Name != path || m.Renderer.Stats().Limit != DefaultCacheMB<<20 {
		t.Fatalf("%+v", m)
	}
}

// TestRegionStacked: an installed region pack is stacked over the base map,
// and one that does not open is left out without losing the map.
func TestRegionStacked(t *testing.T) {
	region := "../../assets/maps/krems.pmtiles"
	bad := filepath.Join(t.TempDir(), "broken.pmtiles")
	if err := os.WriteFile(bad, []byte("not a tile archive"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := Open("", []string{region, bad}, 8, nil)
	defer m.Close()
	if m.Renderer == nil || m.Name != "demo + 1 region(s)" {
		t.Fatalf("map %q (renderer %v), want the demo map with one region", m.Name, m.Renderer != nil)
	}
	b := m.Source.Meta().Bounds
	if !b.Contains(orb.Point{15.6, 48.41}) || !b.Contains(orb.Point{7.42, 43.73}) {
		t.Fatalf("bounds %v do not cover Krems and Monaco", b)
	}
}

// TestAddRegion: a region installed while the cockpit runs is stacked at
// once, and the renderer draws from it.
func TestAddRegion(t *testing.T) {
	base := filepath.Join(t.TempDir(), "monaco.pmtiles")
	b, err := os.ReadFile("../../assets/maps/monaco.pmtiles")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base, b, 0o644); err != nil {
		t.Fatal(err)
	}
	m := Open(base, nil, 8, nil)
	defer m.Close()
	ready := make(chan render.Key, 16)
	m.Renderer.SetOnReady(func(k render.Key) { ready <- k })
	krems := render.Key{Z: 14, X: 8902, Y: 5667, Size: 256}
	if err := m.AddRegion(filepath.Join(t.TempDir(), "missing.pmtiles")); err == nil {
		t.Error("a missing region file was added")
	}
	if m.Tiles().Meta().Bounds.Contains(orb.Point{15.6, 48.41}) {
		t.Fatal("Krems in the bounds before its region was added")
	}
	if err := m.AddRegion("../../assets/maps/krems.pmtiles"); err != nil {
		t.Fatal(err)
	}
	if err := m.AddRegion("../../assets/maps/krems.pmtiles"); err != nil || m.Name != base+" + 1 region(s)" {
		t.Fatalf("adding it again: %v, map %q", err, m.Name)
	}
	if !m.Tiles().Meta().Bounds.Contains(orb.Point{15.6, 48.41}) {
		t.Fatal("Krems not in the bounds after AddRegion")
	}
	if got := <-ready; got != (render.Key{}) {
		t.Errorf("the renderer announced %v, want the zero key of a new source", got)
	}
	if _, ok := m.Renderer.Tile(krems); ok {
		t.Fatal("Krems tile ready before rendering")
	}
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the Krems tile was not drawn")
	}
	if _, err := m.Tiles().Tile(context.Background(), 14, 8902, 5667); err != nil {
		t.Errorf("the stacked source has no Krems tile: %v", err)
	}
}
