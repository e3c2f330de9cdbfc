package vtile

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fixtureInfo is the part of an mvt-fixtures info.json we use.
type fixtureInfo struct {
	Description string `json:"description"`
	Validity    struct {
		V1    bool   `json:"v1"`
		V2    bool   `json:"v2"`
		Error string `json:"error"`
	} `json:"validity"`
}

// contradictions are fixtures marked valid whose bytes say otherwise; Decode
// treats them as invalid, and the test checks that the contradiction holds
// (so that a changed fixture set is noticed).
var contradictions = map[string]struct {
	twin, why string
}{
	// proto2 writes geometry type UNKNOWN (0) as an absent field, so "valid,
	// type UNKNOWN" is byte-identical to 003 "invalid, no type field".
	"016": {"003", "byte-identical to 003 (feature without a type field)"},
	// A MoveTo whose count needs 2^30 parameters with 2 present; 051 is the
	// same command with other coordinates and is marked invalid ("count too
	// large"). Decoding it as valid means allocating or reading past the end.
	"057": {"051", "same command header as 051 (count beyond the parameters present)"},
}

// TestMVTFixtures runs every @mapbox/mvt-fixtures tile through Decode:
// valid ones decode without error, invalid ones are rejected or decoded in
// part with a reason, and none panics (Decode recovers, but a recovered
// panic is itself a reason, so a panic in a valid fixture fails too).
func TestMVTFixtures(t *testing.T) {
	dirs, err := filepath.Glob("testdata/mvt-fixtures/[0-9][0-9][0-9]")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var valid, invalid int
	for _, dir := range dirs {
		id := filepath.Base(dir)
		t.Run(id, func(t *testing.T) {
			var info fixtureInfo
			b, err := os.ReadFile(filepath.Join(dir, "info.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &info); err != nil {
				t.Fatalf("%s/info.json: %v", dir, err)
			}
			tile, err := os.ReadFile(filepath.Join(dir, "tile.mvt"))
			if err != nil {
				t.Fatal(err)
			}
			layers, err := Decode(tile)
			// The tiles are version 2 unless a layer says 1; fixture 061
			// (linestring with ClosePath) is valid only in version 1.
			isValid := info.Validity.V2 || (info.Validity.V1 && anyV1(tile))
			if c, ok := contradictions[id]; ok {
				twin, err := os.ReadFile(filepath.Join(filepath.Dir(dir), c.twin, "tile.mvt"))
				if err != nil {
					t.Fatal(err)
				}
				switch id {
				case "016":
					if !bytes.Equal(tile, twin) {
						t.Errorf("fixture 016 is no longer identical to 003; revisit the contradiction")
					}
				case "057":
					if !bytes.Contains(tile, []byte{0xf9, 0xff, 0xff, 0xff, 0x0f}) || !bytes.Contains(twin, []byte{0xf9, 0xff, 0xff, 0xff, 0x0f}) {
						t.Errorf("fixtures 057/051 no longer share the huge MoveTo; revisit the contradiction")
					}
				}
				isValid = false
				t.Logf("marked valid, treated as invalid: %s", c.why)
			}
			if isValid {
				valid++
				if err != nil {
					t.Errorf("valid fixture (%s) rejected: %v", info.Description, err)
				}
				return
			}
			invalid++
			if err == nil {
				t.Errorf("invalid fixture (%s) accepted: %d layers", info.Description, len(layers))
				return
			}
			var ve *Error
			if !errors.As(err, &ve) || len(ve.Dropped) == 0 {
				t.Errorf("error without reasons: %v", err)
			}
			t.Logf("%s: %d layers kept; %v", info.Description, len(layers), err)
		})
	}
	t.Logf("%d valid, %d invalid fixtures", valid, invalid)
}

// anyV1 reports whether the first layer of tile declares version 1.
func anyV1(tile []byte) bool {
	var e Error
	clean, _ := sanitize(tile, &e)
	for _, l := range clean {
		layer, err := decodeLayer(l.raw)
		if err == nil && layer.Version == 1 {
			return true
		}
	}
	return false
}
