package render

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fascia-hmi/fascia/app/nav/vtile"
)

// FuzzRenderTile feeds arbitrary bytes through the decoder and the
// renderer as a tile and as an overzoomed tile: whatever vtile lets
// through must draw without panicking.
func FuzzRenderTile(f *testing.F) {
	files, _ := filepath.Glob("../vtile/testdata/mvt-fixtures/0[0-3]*/tile.mvt")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ls, _ := vtile.Decode(data)
		p := prepare(ls)
		rasterTile(p, tileID{14, 0, 0}, Key{14, 0, 0, 64, false, 0})
		rasterTile(p, tileID{14, 0, 0}, Key{17, 3, 5, 48, true, 0})
	})
}

// FuzzParseSize: no input panics; accepted sizes are in range.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1280x720", "800X480", "0x1", "x", "99999x1", "-1x5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, h, err := ParseSize(s)
		if err == nil && (w < 1 || h < 1 || w > 8192 || h > 8192) {
			t.Fatalf("%q accepted as %dx%d", s, w, h)
		}
	})
}
