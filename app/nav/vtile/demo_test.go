package vtile_test

import (
	"context"
	"testing"

	"github.com/fascia-hmi/fascia/app/nav/tiles"
	"github.com/fascia-hmi/fascia/app/nav/vtile"
)

// busiest is the largest Monaco z14 tile of the demo map (68 KB of MVT).
var busiest = [3]int{14, 8529, 5974}

// TestDemoTiles decodes every tile the demo map ships: all valid, with
// names in `name` (scripts/make-map adds it) and the OpenMapTiles layers.
func TestDemoTiles(t *testing.T) {
	src, err := tiles.Demo()
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	n, named := 0, 0
	layers := map[string]bool{}
	err = tiles.Walk(context.Background(), src, func(z, x, y int, data []byte) error {
		n++
		ls, err := vtile.Decode(data)
		if err != nil {
			t.Errorf("demo tile %d/%d/%d: %v", z, x, y, err)
		}
		for _, l := range ls {
			layers[l.Name] = true
			for _, f := range l.Features {
				if f.Geometry == nil {
					t.Errorf("demo tile %d/%d/%d layer %s: feature without geometry", z, x, y, l.Name)
				}
				if _, ok := f.Properties["name"]; ok {
					named++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"water", "landuse", "building", "transportation", "transportation_name", "place", "poi"} {
		if !layers[l] {
			t.Errorf("no %s layer in the demo map", l)
		}
	}
	if n < 50 || named < 100 {
		t.Errorf("%d tiles, %d named features", n, named)
	}
}

// TestDemoSea: the demo map draws the sea, which scripts/make-map builds
// from the extract's OSM coastline: the z14 tile 2 km off Monaco (43.70 N,
// 7.43 E) is one water polygon covering the whole tile.
func TestDemoSea(t *testing.T) {
	src, err := tiles.Demo()
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	data, err := src.Tile(context.Background(), 14, 8530, 5976)
	if err != nil {
		t.Fatalf("the tile off Monaco: %v", err)
	}
	ls, err := vtile.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.Name != "water" {
			continue
		}
		for _, f := range l.Features {
			if b := f.Geometry.Bound(); b.Min[0] <= 0 && b.Min[1] <= 0 && b.Max[0] >= float64(l.Extent) && b.Max[1] >= float64(l.Extent) {
				return
			}
		}
	}
	t.Errorf("no water polygon covers the tile off Monaco (layers: %d)", len(ls))
}

func BenchmarkDecodeBusiestMonacoZ14(b *testing.B) {
	src, err := tiles.Demo()
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	data, err := src.Tile(context.Background(), busiest[0], busiest[1], busiest[2])
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := vtile.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
