// Package tiles owns the map's vector tile sources: read-only access to
// MBTiles (SQLite) and PMTiles v3 files, the embedded demo map, and stacks of
// several sources. A Source hands out the gunzipped MVT bytes of one tile in
// the XYZ scheme and is safe for concurrent readers.
//
// It must not decode MVT (that is package vtile), draw, cache rastered tiles,
// or write to the files it reads; the only writer here is WritePMTiles, which
// builds new files for scripts/make-map.
package tiles

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/fascia-hmi/fascia/assets"
)

// ErrNoTile is returned (wrapped, test with errors.Is) for a tile the source
// does not have.
var ErrNoTile = errors.New("tiles: no such tile")

// MaxTileSize bounds a tile's size, compressed or not, so that a corrupt or
// hostile file cannot make a reader allocate without limit.
const MaxTileSize = 16 << 20

// Source is a read-only vector tile source, safe for concurrent readers.
type Source interface {
	// Tile returns the decompressed (gunzipped) MVT bytes of z/x/y in the
	// XYZ scheme (y grows south). A tile the source does not have returns
	// ErrNoTile (errors.Is).
	Tile(ctx context.Context, z, x, y int) ([]byte, error)
	Meta() Meta
	Close() error
}

// Meta describes a source.
type Meta struct {
	Format                       string // "mbtiles", "pmtiles" or "stack"
	Name, Attribution            string
	Description                  string
	Bounds                       orb.Bound // lon/lat
	Center                       orb.Point // lon/lat
	CenterZoom, MinZoom, MaxZoom int
	Layers                       []Layer // from the vector_layers JSON
}

// Layer is one entry of the TileJSON vector_layers list.
type Layer struct {
	ID               string
	Fields           map[string]string // key → "String", "Number" or "Boolean"
	MinZoom, MaxZoom int
	Description      string
}

// Walker is implemented by sources that can list their tiles. Walk calls fn
// for every tile in the source, in an unspecified order, with the
// decompressed bytes; it stops at fn's first error and returns it.
type Walker interface {
	Walk(ctx context.Context, fn func(z, x, y int, data []byte) error) error
}

// counter is implemented by sources that know their tile count cheaply.
type counter interface {
	count(ctx context.Context) (int, error)
}

// Count returns the number of tiles in src.
func Count(ctx context.Context, src Source) (int, error) {
	if c, ok := src.(counter); ok {
		return c.count(ctx)
	}
	w, ok := src.(Walker)
	if !ok {
		return 0, fmt.Errorf("tiles: %s source cannot count its tiles", src.Meta().Format)
	}
	n := 0
	err := w.Walk(ctx, func(int, int, int, []byte) error { n++; return nil })
	return n, err
}

// Walk calls fn for every tile of src (see Walker).
func Walk(ctx context.Context, src Source, fn func(z, x, y int, data []byte) error) error {
	w, ok := src.(Walker)
	if !ok {
		return fmt.Errorf("tiles: %s source cannot list its tiles", src.Meta().Format)
	}
	return w.Walk(ctx, fn)
}

var sqliteMagic = []byte("SQLite format 3\x00")

// Open opens a tile file, choosing the format by its content (the SQLite
// header or the "PMTiles" magic), not by its name.
func Open(path string) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tiles: %w", err)
	}
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, fmt.Errorf("tiles: %s: %w", path, err)
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte(pmMagic)):
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("tiles: %s: %w", path, err)
		}
		src, err := newPMTiles(f, st.Size(), path, f)
		if err != nil {
			f.Close()
			return nil, err
		}
		return src, nil
	case bytes.Equal(head, sqliteMagic):
		f.Close()
		return OpenMBTiles(path)
	default:
		f.Close()
		return nil, fmt.Errorf("tiles: %s: not an MBTiles (SQLite) or PMTiles file", path)
	}
}

// Demo paths inside assets.FS, in stacking order.
var demoFiles = []string{"maps/monaco.pmtiles", "maps/krems.pmtiles"}

// Demo opens the embedded demo map: Monaco and Krems an der Donau as one
// stacked source, read straight from the binary (no file I/O).
func Demo() (Source, error) {
	var srcs []Source
	for _, name := range demoFiles {
		b, err := fs.ReadFile(assets.FS, name)
		if err != nil {
			closeAll(srcs)
			return nil, fmt.Errorf("tiles: demo map: %w", err)
		}
		s, err := OpenPMTiles(bytes.NewReader(b), int64(len(b)), "assets/"+name)
		if err != nil {
			closeAll(srcs)
			return nil, fmt.Errorf("tiles: demo map: %w", err)
		}
		srcs = append(srcs, s)
	}
	if len(srcs) == 1 {
		return srcs[0], nil
	}
	return NewStack(srcs...), nil
}

func closeAll(srcs []Source) {
	for _, s := range srcs {
		s.Close()
	}
}

// decompress returns data gunzipped (or zlib-inflated) if it carries a gzip
// or zlib header, else data itself. It reads at most MaxTileSize bytes.
func decompress(data []byte) ([]byte, error) {
	var r io.ReadCloser
	var err error
	switch {
	case len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b:
		r, err = gzip.NewReader(bytes.NewReader(data))
	case len(data) >= 2 && data[0] == 0x78 && (uint(data[0])<<8|uint(data[1]))%31 == 0:
		r, err = zlib.NewReader(bytes.NewReader(data))
	default:
		return data, nil
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return readLimited(r, MaxTileSize, gzipSizeHint(data))
}

func gunzip(data []byte, limit int64) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return readLimited(r, limit, gzipSizeHint(data))
}

// gzipSizeHint is the uncompressed size a gzip stream's trailer claims
// (mod 2^32; only a hint for the buffer, never trusted beyond the limit).
func gzipSizeHint(data []byte) int64 {
	if len(data) < 18 || data[0] != 0x1f {
		return 0
	}
	return int64(binary.LittleEndian.Uint32(data[len(data)-4:]))
}

// readLimited reads r to the end, failing beyond limit bytes; hint sizes
// the buffer.
func readLimited(r io.Reader, limit, hint int64) ([]byte, error) {
	var buf bytes.Buffer
	if hint > 0 && hint <= limit {
		buf.Grow(int(hint) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, fmt.Errorf("decompressed size exceeds %d bytes", limit)
	}
	return buf.Bytes(), nil
}

// tileJSON is the part of a TileJSON / MBTiles metadata document we read.
// Zooms are written as numbers by some tools and strings by others.
type tileJSON struct {
	Name         string      `json:"name"`
	Attribution  string      `json:"attribution"`
	Description  string      `json:"description"`
	MinZoom      flexInt     `json:"minzoom"`
	MaxZoom      flexInt     `json:"maxzoom"`
	VectorLayers []jsonLayer `json:"vector_layers"`
}

type jsonLayer struct {
	ID          string            `json:"id"`
	Fields      map[string]string `json:"fields"`
	MinZoom     flexInt           `json:"minzoom"`
	MaxZoom     flexInt           `json:"maxzoom"`
	Description string            `json:"description"`
}

// flexInt accepts 14 and "14".
type flexInt struct {
	v   int
	set bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("zoom %s is not a number", b)
	}
	f.v, f.set = int(v), true
	return nil
}

func layersOf(jl []jsonLayer) []Layer {
	out := make([]Layer, 0, len(jl))
	for _, l := range jl {
		f := l.Fields
		if f == nil {
			f = map[string]string{}
		}
		out = append(out, Layer{ID: l.ID, Fields: f, MinZoom: l.MinZoom.v, MaxZoom: l.MaxZoom.v, Description: l.Description})
	}
	return out
}

func parseTileJSON(b []byte) (tileJSON, error) {
	var tj tileJSON
	err := json.Unmarshal(b, &tj)
	return tj, err
}

// validZXY reports whether z/x/y names a tile of the XYZ pyramid.
func validZXY(z, x, y int) bool {
	if z < 0 || z > 31 {
		return false
	}
	n := 1 << uint(z)
	return x >= 0 && y >= 0 && x < n && y < n
}
