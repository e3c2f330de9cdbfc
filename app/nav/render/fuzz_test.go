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
		rasterTile(p, tileID{14, 0, 0}, Key{14, 0, 0, 64, false})
		rasterTile(p, tileID{14, 0, 0}, Key{17, 3, 5, 48, true})
	})
}

// FuzzParseCenter: no input panics; accepted centres are on the map.
func FuzzParseCenter(f *testing.F) {
	for _, s := range []string{"43.7384,7.4246", " -33.9 , 151.2 ", "91,0", "1e400,0", "NaN,1", ",", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseCenter(s)
		if err == nil && (p[1] < -85.06 || p[1] > 85.06 || p[0] < -180 || p[0] > 180) {
			t.Fatalf("%q accepted as %v", s, p)
		}
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
