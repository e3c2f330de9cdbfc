package dbc

import (
	"os"
	"testing"
)

// BenchmarkLoadFord loads the largest real file (800 KB, 331 messages,
// 2150 signals), reading it from disk each time.
func BenchmarkLoadFord(b *testing.B) {
	path := realPath("ford_lincoln_base_pt.dbc")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse parses real files from memory, with clean runs parsed in
// one parser call (the default) and one definition at a time (the
// fallback path), to show what the runs save.
func BenchmarkParse(b *testing.B) {
	for _, file := range []string{"ford_lincoln_base_pt.dbc", "hyundai_canfd_generated.dbc"} {
		data, err := os.ReadFile(realPath(file))
		if err != nil {
			b.Fatal(err)
		}
		for _, mode := range []struct {
			name     string
			oneByOne bool
		}{{"runs", false}, {"oneByOne", true}} {
			b.Run(file+"/"+mode.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := parse(file, data, mode.oneByOne); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
