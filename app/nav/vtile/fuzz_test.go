package vtile

import (
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
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

// TestSkipUint32 checks the geometry check's varint skipper against
// protowire: same end, same zero test, uint32 range enforced.
func TestSkipUint32(t *testing.T) {
	vals := []uint64{0, 1, 127, 128, 300, 1<<21 - 1, 1 << 28, 1<<32 - 1, 1 << 32, 1 << 35, 1<<64 - 1}
	for _, v := range vals {
		b := append(protowire.AppendVarint(nil, v), 0x01)
		next, zero, ok := skipUint32(b, 0)
		want := v <= 1<<32-1
		if ok != want {
			t.Errorf("%d: ok %v, want %v", v, ok, want)
			continue
		}
		if ok && (next != protowire.SizeVarint(v) || zero != (v == 0)) {
			t.Errorf("%d: next %d zero %v, want %d %v", v, next, zero, protowire.SizeVarint(v), v == 0)
		}
	}
	for _, b := range [][]byte{{}, {0x80}, {0xff, 0xff}, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}} {
		if _, _, ok := skipUint32(b, 0); ok {
			t.Errorf("% x accepted", b)
		}
	}
	if next, zero, ok := skipUint32([]byte{0x80, 0x00}, 0); !ok || !zero || next != 2 {
		t.Errorf("non-minimal zero: %d %v %v", next, zero, ok)
	}
}
