package tiles_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fascia-hmi/fascia/app/nav/tiles"
	"github.com/fascia-hmi/fascia/app/nav/vtile"
)

const (
	sharedDir       = "../../../../shared/data"
	tilemakerConfig = "/usr/share/doc/tilemaker/examples"
)

// TestConformance checks the PMTiles reader against MBTiles built from the
// same data: Debian's tilemaker, with its shipped OpenMapTiles config, turns
// the shared monaco.osm.pbf into a temporary MBTiles, and every tile of the
// shared monaco.pmtiles (built the same way, converted by the reference
// go-pmtiles) must be there, with the same content.
//
// tilemaker with several threads writes the features of a layer in a
// varying order (two runs on this machine differ in 11 of 23 tiles), so
// "the same content" is the decoded layers with their features as a
// multiset: geometry type, coordinates and properties. Tiles whose bytes are
// identical are counted and logged.
func TestConformance(t *testing.T) {
	pmPath := filepath.Join(sharedDir, "tiles/monaco.pmtiles")
	pbf := filepath.Join(sharedDir, "osm/monaco.osm.pbf")
	for _, p := range []string{pmPath, pbf} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("shared data absent: %v", err)
		}
	}
	pbf, err := filepath.Abs(pbf)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := exec.LookPath("tilemaker")
	if err != nil {
		t.Skip("tilemaker is not installed (apt-get install tilemaker): cannot build the MBTiles to compare with")
	}
	ctx := context.Background()
	pm, err := tiles.Open(pmPath)
	if err != nil {
		t.Fatal(err)
	}
	defer pm.Close()
	// The shipped config reads coastline shapefiles, which makes tilemaker
	// demand a bounding box; the PMTiles header carries the one used.
	b := pm.Meta().Bounds
	mbPath := filepath.Join(t.TempDir(), "monaco.mbtiles")
	cmd := exec.Command(tm, "--input", pbf, "--output", mbPath,
		"--bbox", fmt.Sprintf("%f,%f,%f,%f", b.Min[0], b.Min[1], b.Max[0], b.Max[1]),
		"--config", filepath.Join(tilemakerConfig, "config-openmaptiles.json"),
		"--process", filepath.Join(tilemakerConfig, "process-openmaptiles.lua"))
	cmd.Dir = t.TempDir() // shapefiles are looked up (and not found) here
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tilemaker: %v\n%s", err, out)
	}
	mb, err := tiles.Open(mbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()

	pmm, mbm := pm.Meta(), mb.Meta()
	if pmm.Bounds != mbm.Bounds || pmm.MinZoom != mbm.MinZoom || pmm.MaxZoom != mbm.MaxZoom ||
		pmm.Center != mbm.Center || pmm.Name != mbm.Name || layerIDs(pmm) != layerIDs(mbm) {
		t.Errorf("metadata differs:\npmtiles %+v\nmbtiles %+v", pmm, mbm)
	}
	want := map[string][]byte{}
	if err := tiles.Walk(ctx, mb, func(z, x, y int, data []byte) error {
		want[fmt.Sprintf("%d/%d/%d", z, x, y)] = bytes.Clone(data)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	n, err := tiles.Count(ctx, pm)
	if err != nil || n != len(want) {
		t.Errorf("pmtiles has %d tiles (%v), mbtiles %d", n, err, len(want))
	}
	identical := 0
	for k, w := range want {
		var z, x, y int
		fmt.Sscanf(k, "%d/%d/%d", &z, &x, &y)
		got, err := pm.Tile(ctx, z, x, y)
		if err != nil {
			t.Errorf("tile %s: %v", k, err)
			continue
		}
		if bytes.Equal(got, w) {
			identical++
			continue
		}
		if g, w := canonical(t, k, got), canonical(t, k, w); g != w {
			t.Errorf("tile %s: decoded content differs (%d vs %d bytes)", k, len(got), len(w))
		}
	}
	t.Logf("%d tiles: %d byte-identical, the rest equal as feature sets", len(want), identical)
}

func layerIDs(m tiles.Meta) string {
	var ids []string
	for _, l := range m.Layers {
		ids = append(ids, l.ID)
	}
	return strings.Join(ids, ",")
}

// canonical renders a tile as sorted text: per layer, its name, version,
// extent and the sorted list of features (geometry and sorted properties).
func canonical(t *testing.T, name string, tile []byte) string {
	t.Helper()
	layers, err := vtile.Decode(tile)
	if err != nil {
		t.Errorf("tile %s: %v", name, err)
	}
	var out []string
	for _, l := range layers {
		var fs []string
		for _, f := range l.Features {
			var props []string
			for k, v := range f.Properties {
				props = append(props, fmt.Sprintf("%s=%v", k, v))
			}
			sort.Strings(props)
			fs = append(fs, fmt.Sprintf("%s %v %v %v", f.Geometry.GeoJSONType(), f.Geometry, f.ID, props))
		}
		sort.Strings(fs)
		out = append(out, fmt.Sprintf("%s v%d e%d\n%s", l.Name, l.Version, l.Extent, strings.Join(fs, "\n")))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}
