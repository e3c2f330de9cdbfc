package tiles

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// FuzzPMTilesDirectory: ParseDirectory never panics, accepts only what it
// can encode back to the same entries, and bounds its allocation by the
// input size.
func FuzzPMTilesDirectory(f *testing.F) {
	f.Add(encodeDirectory([]entry{{TileID: 0, Offset: 0, Length: 10, RunLength: 1}}))
	f.Add(encodeDirectory([]entry{{TileID: 1, Offset: 0, Length: 10, RunLength: 3}, {TileID: 5, Offset: 10, Length: 7, RunLength: 0}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := ParseDirectory(b)
		if err != nil {
			return
		}
		if len(es) > len(b)/4 {
			t.Fatalf("%d entries from %d bytes", len(es), len(b))
		}
		back, err := ParseDirectory(encodeDirectory(es))
		if err != nil {
			t.Fatalf("re-encoded directory does not parse: %v", err)
		}
		if len(back) != len(es) {
			t.Fatalf("round trip: %d entries, want %d", len(back), len(es))
		}
		for i := range es {
			if back[i] != es[i] {
				t.Fatalf("entry %d: %+v, want %+v", i, back[i], es[i])
			}
		}
	})
}

// FuzzPMTilesArchive opens arbitrary bytes as a PMTiles archive (header,
// root and leaf directories, metadata, tiles): no panic, and an archive
// that opens can be walked and read tile by tile with errors, not crashes.
func FuzzPMTilesArchive(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		src, err := OpenPMTiles(bytes.NewReader(b), int64(len(b)), "fuzz.pmtiles")
		if err != nil {
			return
		}
		defer src.Close()
		ctx := context.Background()
		n := 0
		_ = Walk(ctx, src, func(z, x, y int, data []byte) error {
			n++
			if n > 1000 {
				return errors.New("enough")
			}
			if _, err := src.Tile(ctx, z, x, y); err != nil && !errors.Is(err, ErrNoTile) && err.Error() == "" {
				t.Fatal("error without text")
			}
			return nil
		})
		_, _ = Count(ctx, src)
		for _, c := range [][3]int{{0, 0, 0}, {14, 8529, 5974}, {5, 31, 31}} {
			_, _ = src.Tile(ctx, c[0], c[1], c[2])
		}
		_ = src.Meta()
	})
}
