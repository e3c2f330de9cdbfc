package tiles

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// benchSources returns the shared Monaco PMTiles and an MBTiles file with
// the same tiles, and the z14 tile coordinates to read.
func benchSources(b *testing.B) (pm, mb Source, coords [][3]int) {
	needShared(b)
	var err error
	if pm, err = Open(sharedPMTiles); err != nil {
		b.Fatal(err)
	}
	all := allTiles(b, pm)
	path := filepath.Join(b.TempDir(), "monaco.mbtiles")
	writeMBTiles(b, path, all, nil)
	if mb, err = Open(path); err != nil {
		b.Fatal(err)
	}
	for k := range all {
		var z, x, y int
		fmt.Sscanf(k, "%d/%d/%d", &z, &x, &y)
		if z == 14 {
			coords = append(coords, [3]int{z, x, y})
		}
	}
	return pm, mb, coords
}

// BenchmarkTileRead: one z14 tile read and gunzipped, cycling through the
// Monaco z14 tiles.
func BenchmarkTileRead(b *testing.B) {
	pm, mb, coords := benchSources(b)
	defer pm.Close()
	defer mb.Close()
	ctx := context.Background()
	for _, src := range []Source{pm, mb} {
		b.Run(src.Meta().Format, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c := coords[i%len(coords)]
				i++
				if _, err := src.Tile(ctx, c[0], c[1], c[2]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTileMiss: a tile the source does not have.
func BenchmarkTileMiss(b *testing.B) {
	pm, mb, _ := benchSources(b)
	defer pm.Close()
	defer mb.Close()
	ctx := context.Background()
	for _, src := range []Source{pm, mb} {
		b.Run(src.Meta().Format, func(b *testing.B) {
			for b.Loop() {
				if _, err := src.Tile(ctx, 14, 100, 100); err == nil {
					b.Fatal("tile found")
				}
			}
		})
	}
}
