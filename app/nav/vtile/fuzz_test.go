package vtile

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode: Decode never panics, and what it returns obeys the rules it
// promises: unique non-empty layer names, versions 1 or 2, a non-zero
// extent, every feature with a geometry.
func FuzzDecode(f *testing.F) {
	tiles, _ := filepath.Glob("testdata/mvt-fixtures/*/tile.mvt")
	for _, p := range tiles {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		layers, err := Decode(data)
		seen := map[string]bool{}
		for _, l := range layers {
			if l.Name == "" || seen[l.Name] {
				t.Fatalf("layer name %q empty or repeated", l.Name)
			}
			seen[l.Name] = true
			if (l.Version != 1 && l.Version != 2) || l.Extent == 0 {
				t.Fatalf("layer %q: version %d extent %d", l.Name, l.Version, l.Extent)
			}
			for i, ft := range l.Features {
				if ft == nil || ft.Geometry == nil {
					t.Fatalf("layer %q feature %d without geometry", l.Name, i)
				}
			}
		}
		if err != nil && err.Error() == "" {
			t.Fatal("error without a reason")
		}
	})
}
