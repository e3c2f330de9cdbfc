package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const sharedPMTiles = "../../../../shared/data/tiles/monaco.pmtiles"

func needShared(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(sharedPMTiles); err != nil {
		t.Skipf("shared data absent: %v", err)
	}
}

// allTiles reads every tile of src into a map keyed "z/x/y".
func allTiles(t testing.TB, src Source) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	err := Walk(context.Background(), src, func(z, x, y int, data []byte) error {
		k := fmt.Sprintf("%d/%d/%d", z, x, y)
		if _, dup := m[k]; dup {
			return fmt.Errorf("tile %s listed twice", k)
		}
		m[k] = bytes.Clone(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTileIDs(t *testing.T) {
	// From the PMTiles v3 specification.
	for _, c := range []struct {
		z, x, y int
		id      uint64
	}{{0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4}, {2, 0, 0, 5}} {
		if got := ZXYToID(c.z, c.x, c.y); got != c.id {
			t.Errorf("ZXYToID(%d,%d,%d) = %d, want %d", c.z, c.x, c.y, got, c.id)
		}
	}
	for z := 0; z <= 7; z++ {
		seen := map[uint64]bool{}
		for x := 0; x < 1<<z; x++ {
			for y := 0; y < 1<<z; y++ {
				id := ZXYToID(z, x, y)
				if id < zoomBase(z) || id >= zoomBase(z+1) || seen[id] {
					t.Fatalf("%d/%d/%d: id %d out of zoom range or repeated", z, x, y, id)
				}
				seen[id] = true
				if gz, gx, gy := IDToZXY(id); gz != z || gx != x || gy != y {
					t.Fatalf("IDToZXY(%d) = %d/%d/%d, want %d/%d/%d", id, gz, gx, gy, z, x, y)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		z := r.IntN(32)
		x, y := r.IntN(1<<z), r.IntN(1<<z)
		if gz, gx, gy := IDToZXY(ZXYToID(z, x, y)); gz != z || gx != x || gy != y {
			t.Fatalf("round trip %d/%d/%d → %d/%d/%d", z, x, y, gz, gx, gy)
		}
	}
	if ZXYToID(31, 0, 0) > maxTileID || ZXYToID(31, 1<<31-1, 0) != maxTileID {
		t.Errorf("maxTileID %d is not the last id of zoom 31", uint64(maxTileID))
	}
}

func TestSharedPMTiles(t *testing.T) {
	needShared(t)
	src, err := Open(sharedPMTiles)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	m := src.Meta()
	if m.Format != "pmtiles" || m.MinZoom != 0 || m.MaxZoom != 14 || len(m.Layers) != 16 {
		t.Errorf("meta: %+v", m)
	}
	if b := m.Bounds; b.Min[0] != 7.383012 || b.Max[1] != 43.754332 {
		t.Errorf("bounds %v", b)
	}
	n, err := Count(context.Background(), src)
	if err != nil || n != 23 {
		t.Errorf("count %d, %v; want 23", n, err)
	}
	tiles := allTiles(t, src)
	if len(tiles) != 23 {
		t.Errorf("walked %d tiles, want 23", len(tiles))
	}
	for k, want := range tiles {
		var z, x, y int
		fmt.Sscanf(k, "%d/%d/%d", &z, &x, &y)
		got, err := src.Tile(context.Background(), z, x, y)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("Tile(%s): %d bytes, %v; walk gave %d bytes", k, len(got), err, len(want))
		}
		if len(got) >= 2 && got[0] == 0x1f && got[1] == 0x8b {
			t.Errorf("Tile(%s) is not decompressed MVT", k)
		}
	}
	for _, c := range [][3]int{{14, 0, 0}, {15, 17000, 11900}, {-1, 0, 0}, {3, 8, 0}, {2, -1, 0}} {
		if _, err := src.Tile(context.Background(), c[0], c[1], c[2]); !errors.Is(err, ErrNoTile) {
			t.Errorf("Tile(%v): %v, want ErrNoTile", c, err)
		}
	}
}

// writeMBTiles creates an MBTiles file with the given XYZ tiles (stored
// gzip-compressed in TMS rows, as tilemaker does) and metadata.
func writeMBTiles(t testing.TB, path string, tiles map[string][]byte, meta map[string]string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE metadata (name text, value text, UNIQUE (name))`,
		`CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob, UNIQUE (zoom_level, tile_column, tile_row))`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range meta {
		if _, err := db.Exec(`INSERT INTO metadata VALUES (?, ?)`, k, v); err != nil {
			t.Fatal(err)
		}
	}
	tx, _ := db.Begin()
	for k, data := range tiles {
		var z, x, y int
		fmt.Sscanf(k, "%d/%d/%d", &z, &x, &y)
		gz, err := gzipBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO tiles VALUES (?, ?, ?, ?)`, z, x, (1<<z)-1-y, gz); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestMBTilesAndWriterRoundTrip(t *testing.T) {
	needShared(t)
	ctx := context.Background()
	pm, err := Open(sharedPMTiles)
	if err != nil {
		t.Fatal(err)
	}
	defer pm.Close()
	want := allTiles(t, pm)
	dir := t.TempDir()
	mbPath := filepath.Join(dir, "monaco.mbtiles")
	writeMBTiles(t, mbPath, want, map[string]string{
		"name": "Monaco", "attribution": "© OpenStreetMap contributors",
		"bounds": "7.383012,43.513684,7.502798,43.754332", "center": "7.442905,43.634008,12",
		"minzoom": "0", "maxzoom": "14", "format": "pbf",
		"json": `{"vector_layers":[{"id":"water","fields":{"class":"String"},"minzoom":"6","maxzoom":14}]}`,
	})
	mb, err := Open(mbPath) // by content, not by name
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	m := mb.Meta()
	if m.Format != "mbtiles" || m.Name != "Monaco" || m.CenterZoom != 12 || m.Center[1] != 43.634008 ||
		len(m.Layers) != 1 || m.Layers[0].MinZoom != 6 || m.Layers[0].Fields["class"] != "String" {
		t.Errorf("meta %+v", m)
	}
	// TMS → XYZ: the same tiles under the same XYZ names.
	for k, w := range want {
		var z, x, y int
		fmt.Sscanf(k, "%d/%d/%d", &z, &x, &y)
		got, err := mb.Tile(ctx, z, x, y)
		if err != nil || !bytes.Equal(got, w) {
			t.Fatalf("MBTiles Tile(%s): %v", k, err)
		}
	}
	if _, err := mb.Tile(ctx, 14, 0, 0); !errors.Is(err, ErrNoTile) {
		t.Errorf("missing tile: %v", err)
	}
	if n, err := Count(ctx, mb); n != len(want) || err != nil {
		t.Errorf("count %d, %v", n, err)
	}

	for _, maxRoot := range []int{pmMaxRootSize, 200} { // 200: forces leaf directories
		out := filepath.Join(dir, fmt.Sprintf("out-%d.pmtiles", maxRoot))
		if err := writePMTiles(ctx, out, mb, m, maxRoot); err != nil {
			t.Fatal(err)
		}
		back, err := Open(out)
		if err != nil {
			t.Fatal(err)
		}
		p := back.(*PMTiles)
		if maxRoot < pmMaxRootSize && p.Header().LeafLength == 0 {
			t.Errorf("root limit %d: no leaf directories written", maxRoot)
		}
		got := allTiles(t, back)
		if len(got) != len(want) {
			t.Errorf("round trip: %d tiles, want %d", len(got), len(want))
		}
		for k, w := range want {
			var z, x, y int
			fmt.Sscanf(k, "%d/%d/%d", &z, &x, &y)
			g, err := back.Tile(ctx, z, x, y)
			if err != nil || !bytes.Equal(g, w) {
				t.Errorf("round trip Tile(%s): %v", k, err)
			}
		}
		bm := back.Meta()
		if bm.Name != "Monaco" || bm.Attribution != m.Attribution || bm.Bounds != m.Bounds || len(bm.Layers) != 1 {
			t.Errorf("round trip meta %+v", bm)
		}
		back.Close()
	}
}

// TestLeafDirectories writes enough distinct tiles for several leaves at a
// lowered root limit and reads every one back.
func TestLeafDirectories(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	want := map[string][]byte{}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; len(want) < 1500; i++ {
		z := 10 + r.IntN(5)
		x, y := r.IntN(1<<z), r.IntN(1<<z)
		data := fmt.Appendf(nil, "tile %d %x", i, r.Uint64())
		if i%5 == 0 {
			data = []byte("shared content") // runs and deduplication
		}
		want[fmt.Sprintf("%d/%d/%d", z, x, y)] = data
	}
	mbPath := filepath.Join(dir, "many.mbtiles")
	writeMBTiles(t, mbPath, want, nil)
	mb, err := OpenMBTiles(mbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	if m := mb.Meta(); m.MinZoom != 10 || m.MaxZoom != 14 {
		t.Errorf("zooms without metadata: %d–%d", m.MinZoom, m.MaxZoom)
	}
	out := filepath.Join(dir, "many.pmtiles")
	if err := writePMTiles(ctx, out, mb, mb.Meta(), 1024); err != nil {
		t.Fatal(err)
	}
	pm, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer pm.Close()
	h := pm.(*PMTiles).Header()
	if h.LeafLength == 0 || h.TileContents >= h.AddressedTiles {
		t.Errorf("header %+v: want leaves and deduplicated contents", h)
	}
	for k, w := range want {
		var z, x, y int
		fmt.Sscanf(k, "%d/%d/%d", &z, &x, &y)
		g, err := pm.Tile(ctx, z, x, y)
		if err != nil || !bytes.Equal(g, w) {
			t.Fatalf("Tile(%s) = %q, %v; want %q", k, g, err, w)
		}
	}
	if n, _ := Count(ctx, pm); n != len(want) {
		t.Errorf("count %d, want %d", n, len(want))
	}
}

func TestConcurrentReaders(t *testing.T) {
	needShared(t)
	ctx := context.Background()
	pm, err := Open(sharedPMTiles)
	if err != nil {
		t.Fatal(err)
	}
	defer pm.Close()
	want := allTiles(t, pm)
	mbPath := filepath.Join(t.TempDir(), "m.mbtiles")
	writeMBTiles(t, mbPath, want, nil)
	mb, err := Open(mbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	demo, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for _, src := range []Source{pm, mb} {
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 5 {
					for k, w := range want {
						var z, x, y int
						fmt.Sscanf(k, "%d/%d/%d", &z, &x, &y)
						got, err := src.Tile(ctx, z, x, y)
						if err != nil || !bytes.Equal(got, w) {
							errs <- fmt.Errorf("%s reader %d round %d: tile %s: %v", src.Meta().Format, g, i, k, err)
							return
						}
						if _, err := demo.Tile(ctx, z, x, y); err != nil && !errors.Is(err, ErrNoTile) {
							errs <- err
							return
						}
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDemoStack(t *testing.T) {
	ctx := context.Background()
	src, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	m := src.Meta()
	if m.Format != "stack" || !strings.Contains(m.Attribution, "OpenStreetMap contributors") {
		t.Errorf("meta %+v", m)
	}
	// Monaco (7.4°E 43.7°N) and Krems (15.6°E 48.4°N) both inside the union.
	for _, p := range [][2]float64{{7.42, 43.73}, {15.61, 48.41}} {
		if p[0] < m.Bounds.Min[0] || p[0] > m.Bounds.Max[0] || p[1] < m.Bounds.Min[1] || p[1] > m.Bounds.Max[1] {
			t.Errorf("%v outside the stack bounds %v", p, m.Bounds)
		}
	}
	stack := src.(*Stack)
	parts := stack.Sources()
	if len(parts) != 2 {
		t.Fatalf("%d sources", len(parts))
	}
	mon, kre := allTiles(t, parts[0]), allTiles(t, parts[1])
	all := allTiles(t, src)
	overlap := 0
	for k := range kre {
		if _, ok := mon[k]; ok {
			overlap++
		}
	}
	if len(all) != len(mon)+len(kre)-overlap || overlap == 0 {
		t.Errorf("stack walks %d tiles; Monaco %d, Krems %d, shared %d", len(all), len(mon), len(kre), overlap)
	}
	// Krems z14 comes from the second source; z0 (in both) from the first.
	for k, w := range kre {
		var z, x, y int
		fmt.Sscanf(k, "%d/%d/%d", &z, &x, &y)
		got, err := src.Tile(ctx, z, x, y)
		if err != nil {
			t.Fatalf("Tile(%s): %v", k, err)
		}
		if mw, inMonaco := mon[k]; inMonaco {
			w = mw
		}
		if !bytes.Equal(got, w) {
			t.Errorf("Tile(%s) not from the first source that has it", k)
		}
	}
	if _, err := src.Tile(ctx, 14, 0, 0); !errors.Is(err, ErrNoTile) {
		t.Errorf("tile in no source: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	needShared(t)
	ctx := context.Background()
	dir := t.TempDir()
	good, err := os.ReadFile(sharedPMTiles)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mustFail := func(path, want string) {
		t.Helper()
		_, err := Open(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%s): %v; want an error naming the file and %q", filepath.Base(path), err, want)
		}
	}
	mustFail(filepath.Join(dir, "missing.pmtiles"), "no such file")
	mustFail(write("garbage.mbtiles", []byte("hello, not a map")), "not an MBTiles (SQLite) or PMTiles file")
	mustFail(write("empty.pmtiles", nil), "not an MBTiles")
	mustFail(write("short.pmtiles", good[:100]), "shorter than the 127-byte header")
	mustFail(write("cut-root.pmtiles", good[:200]), "beyond the end of the file")
	mustFail(write("cut-data.pmtiles", good[:len(good)-1000]), "tile data section")
	v2 := bytes.Clone(good)
	v2[7] = 2
	mustFail(write("v2.pmtiles", v2), "version 2")
	brotli := bytes.Clone(good)
	brotli[98] = compBrotli
	mustFail(write("brotli.pmtiles", brotli), "tile compression brotli is not supported")
	zstd := bytes.Clone(good)
	zstd[97] = compZstd
	mustFail(write("zstd.pmtiles", zstd), "internal compression zstd is not supported")
	badRoot := bytes.Clone(good)
	copy(badRoot[127:], bytes.Repeat([]byte{0xff}, 20))
	mustFail(write("badroot.pmtiles", badRoot), "root directory")

	// A corrupt tile: the error names the tile.
	pm, _ := Open(sharedPMTiles)
	var z, x, y int
	Walk(ctx, pm, func(tz, tx, ty int, _ []byte) error { z, x, y = tz, tx, ty; return nil })
	pm.Close()
	h, _ := ParseHeader(good, int64(len(good)))
	corrupt := bytes.Clone(good)
	for i := h.DataOffset + 10; i < h.DataOffset+h.DataLength; i += 7 {
		corrupt[i] ^= 0x5a
	}
	cp, err := Open(write("corrupt-tiles.pmtiles", corrupt))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cp.Tile(ctx, z, x, y); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("tile %d/%d/%d", z, x, y)) ||
		!strings.Contains(err.Error(), "corrupt-tiles.pmtiles") {
		t.Errorf("corrupt tile %d/%d/%d: %v; want an error naming the file and the tile", z, x, y, err)
	}
	if err := Walk(ctx, cp, func(int, int, int, []byte) error { return nil }); err == nil {
		t.Error("walking corrupt tiles: no error")
	}
	cp.Close()

	// MBTiles: no tiles table; a tile that does not gunzip.
	db, _ := sql.Open("sqlite", filepath.Join(dir, "notiles.mbtiles"))
	db.Exec(`CREATE TABLE metadata (name text, value text)`)
	db.Close()
	mustFail(filepath.Join(dir, "notiles.mbtiles"), "no tiles table")
	badGz := filepath.Join(dir, "badgz.mbtiles")
	writeMBTiles(t, badGz, map[string][]byte{"3/4/2": []byte("x")}, nil)
	db, _ = sql.Open("sqlite", badGz)
	if _, err := db.Exec(`UPDATE tiles SET tile_data = ?`, []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	mb, err := Open(badGz)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	if _, err := mb.Tile(ctx, 3, 4, 2); err == nil || !strings.Contains(err.Error(), "tile 3/4/2") || !strings.Contains(err.Error(), badGz) {
		t.Errorf("bad gzip: %v", err)
	}
	badMeta := filepath.Join(dir, "badmeta.mbtiles")
	writeMBTiles(t, badMeta, map[string][]byte{"0/0/0": []byte("x")}, map[string]string{"bounds": "1,2,three,4"})
	mustFail(badMeta, "bounds")
}

// TestGzipBomb: a tile that inflates past MaxTileSize is refused.
func TestGzipBomb(t *testing.T) {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(make([]byte, MaxTileSize+10))
	w.Close()
	if _, err := decompress(buf.Bytes()); err == nil {
		t.Fatal("no error for a tile inflating past the limit")
	}
}
