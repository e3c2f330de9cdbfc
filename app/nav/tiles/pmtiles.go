package tiles

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/paulmach/orb"
)

// PMTiles v3, from the published specification
// (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md).

const (
	pmMagic      = "PMTiles"
	pmHeaderSize = 127
	// pmMaxDirSize bounds a decompressed directory or metadata block.
	pmMaxDirSize = 64 << 20
	// pmMaxDepth bounds root + leaf levels (the spec allows root + 3).
	pmMaxDepth = 4
)

// Compression values of the PMTiles header.
const (
	compUnknown = 0
	compNone    = 1
	compGzip    = 2
	compBrotli  = 3
	compZstd    = 4
)

var compNames = map[uint8]string{compUnknown: "unknown", compNone: "none", compGzip: "gzip", compBrotli: "brotli", compZstd: "zstd"}

func compName(c uint8) string {
	if s, ok := compNames[c]; ok {
		return s
	}
	return fmt.Sprintf("code %d", c)
}

// Tile types of the PMTiles header.
const (
	typeUnknown = 0
	typeMVT     = 1
)

// Header is the fixed 127-byte PMTiles v3 header.
type Header struct {
	RootOffset, RootLength         uint64
	MetadataOffset, MetadataLength uint64
	LeafOffset, LeafLength         uint64
	DataOffset, DataLength         uint64
	AddressedTiles, TileEntries    uint64
	TileContents                   uint64
	Clustered                      bool
	InternalCompression            uint8
	TileCompression                uint8
	TileType                       uint8
	MinZoom, MaxZoom               uint8
	MinLonE7, MinLatE7             int32
	MaxLonE7, MaxLatE7             int32
	CenterZoom                     uint8
	CenterLonE7, CenterLatE7       int32
}

// ParseHeader decodes and checks a PMTiles v3 header; size is the file size
// (the sections must lie inside it).
func ParseHeader(b []byte, size int64) (Header, error) {
	var h Header
	if len(b) < pmHeaderSize {
		return h, fmt.Errorf("header is %d bytes, want %d (truncated file?)", len(b), pmHeaderSize)
	}
	if string(b[:7]) != pmMagic {
		return h, errors.New("no PMTiles magic")
	}
	if b[7] != 3 {
		return h, fmt.Errorf("PMTiles version %d, only version 3 is supported", b[7])
	}
	u := func(off int) uint64 { return binary.LittleEndian.Uint64(b[off:]) }
	i := func(off int) int32 { return int32(binary.LittleEndian.Uint32(b[off:])) }
	h = Header{
		RootOffset: u(8), RootLength: u(16),
		MetadataOffset: u(24), MetadataLength: u(32),
		LeafOffset: u(40), LeafLength: u(48),
		DataOffset: u(56), DataLength: u(64),
		AddressedTiles: u(72), TileEntries: u(80), TileContents: u(88),
		Clustered:           b[96] == 1,
		InternalCompression: b[97], TileCompression: b[98], TileType: b[99],
		MinZoom: b[100], MaxZoom: b[101],
		MinLonE7: i(102), MinLatE7: i(106), MaxLonE7: i(110), MaxLatE7: i(114),
		CenterZoom: b[118], CenterLonE7: i(119), CenterLatE7: i(123),
	}
	for _, s := range []struct {
		name     string
		off, len uint64
	}{
		{"root directory", h.RootOffset, h.RootLength},
		{"metadata", h.MetadataOffset, h.MetadataLength},
		{"leaf directories", h.LeafOffset, h.LeafLength},
		{"tile data", h.DataOffset, h.DataLength},
	} {
		if s.off > uint64(size) || s.len > uint64(size)-s.off {
			return h, fmt.Errorf("%s section [%d, +%d) lies beyond the end of the file (%d bytes; truncated?)", s.name, s.off, s.len, size)
		}
	}
	if h.RootLength == 0 {
		return h, errors.New("empty root directory")
	}
	if h.RootLength > pmMaxDirSize || h.MetadataLength > pmMaxDirSize {
		return h, errors.New("root directory or metadata larger than 64 MiB")
	}
	switch h.InternalCompression {
	case compNone, compGzip:
	default:
		return h, fmt.Errorf("internal compression %s is not supported (only none and gzip)", compName(h.InternalCompression))
	}
	switch h.TileCompression {
	case compNone, compGzip, compUnknown:
	default:
		return h, fmt.Errorf("tile compression %s is not supported (only none and gzip)", compName(h.TileCompression))
	}
	if h.TileType != typeMVT && h.TileType != typeUnknown {
		return h, fmt.Errorf("tile type %d is not vector (MVT)", h.TileType)
	}
	if h.MinZoom > h.MaxZoom || h.MaxZoom > 31 {
		return h, fmt.Errorf("bad zoom range %d–%d", h.MinZoom, h.MaxZoom)
	}
	return h, nil
}

// entry is one directory entry. RunLength 0 marks a leaf directory.
type entry struct {
	TileID    uint64
	Offset    uint64
	Length    uint64
	RunLength uint64
}

// ParseDirectory decodes a decompressed PMTiles directory.
func ParseDirectory(b []byte) ([]entry, error) {
	r := &varintReader{b: b}
	n, err := r.next("entry count")
	if err != nil {
		return nil, err
	}
	// Every entry takes at least four bytes (four varints).
	if n > uint64(len(b))/4 {
		return nil, fmt.Errorf("directory claims %d entries in %d bytes", n, len(b))
	}
	es := make([]entry, n)
	var last uint64
	for i := range es {
		d, err := r.next("tile id")
		if err != nil {
			return nil, err
		}
		if i > 0 && d == 0 {
			return nil, fmt.Errorf("entry %d: tile ids not strictly increasing", i)
		}
		if d > maxTileID-last {
			return nil, fmt.Errorf("entry %d: tile id overflows", i)
		}
		last += d
		es[i].TileID = last
	}
	for i := range es {
		if es[i].RunLength, err = r.next("run length"); err != nil {
			return nil, err
		}
	}
	for i := range es {
		if es[i].Length, err = r.next("length"); err != nil {
			return nil, err
		}
		if es[i].Length == 0 {
			return nil, fmt.Errorf("entry %d: zero length", i)
		}
	}
	for i := range es {
		v, err := r.next("offset")
		if err != nil {
			return nil, err
		}
		switch {
		case v == 0 && i > 0:
			es[i].Offset = es[i-1].Offset + es[i-1].Length
			if es[i].Offset < es[i-1].Offset {
				return nil, fmt.Errorf("entry %d: offset overflows", i)
			}
		case v == 0:
			return nil, errors.New("entry 0: offset refers to a previous entry")
		default:
			es[i].Offset = v - 1
		}
	}
	if r.off != len(b) {
		return nil, fmt.Errorf("%d bytes after the last entry", len(b)-r.off)
	}
	return es, nil
}

type varintReader struct {
	b   []byte
	off int
}

func (r *varintReader) next(what string) (uint64, error) {
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		return 0, fmt.Errorf("bad or truncated varint (%s) at byte %d", what, r.off)
	}
	r.off += n
	return v, nil
}

// find returns the entry covering id: a tile entry whose run contains it,
// or the leaf directory whose range may contain it.
func find(es []entry, id uint64) (entry, bool) {
	i := sort.Search(len(es), func(i int) bool { return es[i].TileID > id }) - 1
	if i < 0 {
		return entry{}, false
	}
	e := es[i]
	if e.RunLength == 0 {
		return e, true
	}
	if id-e.TileID < e.RunLength {
		return e, true
	}
	return entry{}, false
}

// PMTiles reads a PMTiles v3 archive. It is safe for concurrent use.
type PMTiles struct {
	r      io.ReaderAt
	closer io.Closer
	name   string
	h      Header
	meta   Meta
	root   []entry

	mu     sync.Mutex
	leaves map[uint64][]entry // leaf directories by offset
}

// maxLeafCache bounds the cached leaf directories.
const maxLeafCache = 64

// OpenPMTiles reads a PMTiles v3 archive of size bytes from r; name is used
// in error messages. r must allow concurrent ReadAt calls (os.File and
// bytes.Reader do).
func OpenPMTiles(r io.ReaderAt, size int64, name string) (Source, error) {
	return newPMTiles(r, size, name, nil)
}

func newPMTiles(r io.ReaderAt, size int64, name string, c io.Closer) (*PMTiles, error) {
	hb := make([]byte, pmHeaderSize)
	if n, err := r.ReadAt(hb, 0); n < pmHeaderSize {
		if err == nil || err == io.EOF {
			err = fmt.Errorf("file is %d bytes, shorter than the 127-byte header", n)
		}
		return nil, fmt.Errorf("tiles: %s: PMTiles: %w", name, err)
	}
	h, err := ParseHeader(hb, size)
	if err != nil {
		return nil, fmt.Errorf("tiles: %s: PMTiles: %w", name, err)
	}
	p := &PMTiles{r: r, closer: c, name: name, h: h, leaves: map[uint64][]entry{}}
	p.root, err = p.readDir(h.RootOffset, h.RootLength)
	if err != nil {
		return nil, fmt.Errorf("tiles: %s: PMTiles root directory: %w", name, err)
	}
	p.meta = Meta{
		Format:     "pmtiles",
		Bounds:     orb.Bound{Min: orb.Point{e7(h.MinLonE7), e7(h.MinLatE7)}, Max: orb.Point{e7(h.MaxLonE7), e7(h.MaxLatE7)}},
		Center:     orb.Point{e7(h.CenterLonE7), e7(h.CenterLatE7)},
		CenterZoom: int(h.CenterZoom), MinZoom: int(h.MinZoom), MaxZoom: int(h.MaxZoom),
	}
	if h.MetadataLength > 0 {
		mb, err := p.readSection(h.MetadataOffset, h.MetadataLength)
		if err == nil {
			mb, err = p.internal(mb)
		}
		var tj tileJSON
		if err == nil {
			tj, err = parseTileJSON(mb)
		}
		if err != nil {
			return nil, fmt.Errorf("tiles: %s: PMTiles metadata: %w", name, err)
		}
		p.meta.Name, p.meta.Attribution, p.meta.Description = tj.Name, tj.Attribution, tj.Description
		p.meta.Layers = layersOf(tj.VectorLayers)
	}
	return p, nil
}

func e7(v int32) float64 { return float64(v) / 1e7 }

// Header returns the archive's header.
func (p *PMTiles) Header() Header { return p.h }

// Meta implements Source.
func (p *PMTiles) Meta() Meta { return p.meta }

// Close implements Source; it closes the file if Open opened it.
func (p *PMTiles) Close() error {
	if p.closer != nil {
		return p.closer.Close()
	}
	return nil
}

func (p *PMTiles) readSection(off, n uint64) ([]byte, error) {
	b := make([]byte, n)
	if _, err := p.r.ReadAt(b, int64(off)); err != nil && !(err == io.EOF && n > 0) {
		return nil, err
	}
	return b, nil
}

func (p *PMTiles) internal(b []byte) ([]byte, error) {
	if p.h.InternalCompression == compGzip {
		return gunzip(b, pmMaxDirSize)
	}
	return b, nil
}

func (p *PMTiles) readDir(off, n uint64) ([]entry, error) {
	b, err := p.readSection(off, n)
	if err != nil {
		return nil, err
	}
	if b, err = p.internal(b); err != nil {
		return nil, err
	}
	return ParseDirectory(b)
}

func (p *PMTiles) leaf(e entry) ([]entry, error) {
	p.mu.Lock()
	es, ok := p.leaves[e.Offset]
	p.mu.Unlock()
	if ok {
		return es, nil
	}
	if e.Offset > p.h.LeafLength || e.Length > p.h.LeafLength-e.Offset {
		return nil, fmt.Errorf("leaf directory [%d, +%d) outside the leaf section", e.Offset, e.Length)
	}
	es, err := p.readDir(p.h.LeafOffset+e.Offset, e.Length)
	if err != nil {
		return nil, fmt.Errorf("leaf directory at %d: %w", e.Offset, err)
	}
	p.mu.Lock()
	if len(p.leaves) >= maxLeafCache {
		clear(p.leaves)
	}
	p.leaves[e.Offset] = es
	p.mu.Unlock()
	return es, nil
}

// Tile implements Source.
func (p *PMTiles) Tile(ctx context.Context, z, x, y int) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validZXY(z, x, y) || z < int(p.h.MinZoom) || z > int(p.h.MaxZoom) {
		return nil, fmt.Errorf("%w: %d/%d/%d", ErrNoTile, z, x, y)
	}
	id := ZXYToID(z, x, y)
	dir := p.root
	for depth := 0; depth < pmMaxDepth; depth++ {
		e, ok := find(dir, id)
		if !ok {
			return nil, fmt.Errorf("%w: %d/%d/%d", ErrNoTile, z, x, y)
		}
		if e.RunLength > 0 {
			data, err := p.tileData(e)
			if err != nil {
				return nil, fmt.Errorf("tiles: %s: tile %d/%d/%d: %w", p.name, z, x, y, err)
			}
			return data, nil
		}
		var err error
		if dir, err = p.leaf(e); err != nil {
			return nil, fmt.Errorf("tiles: %s: tile %d/%d/%d: %w", p.name, z, x, y, err)
		}
	}
	return nil, fmt.Errorf("tiles: %s: tile %d/%d/%d: leaf directories nested deeper than %d", p.name, z, x, y, pmMaxDepth)
}

func (p *PMTiles) tileData(e entry) ([]byte, error) {
	if e.Offset > p.h.DataLength || e.Length > p.h.DataLength-e.Offset {
		return nil, fmt.Errorf("tile data [%d, +%d) outside the data section", e.Offset, e.Length)
	}
	if e.Length > MaxTileSize {
		return nil, fmt.Errorf("tile of %d bytes exceeds the %d-byte limit", e.Length, MaxTileSize)
	}
	b, err := p.readSection(p.h.DataOffset+e.Offset, e.Length)
	if err != nil {
		return nil, err
	}
	switch p.h.TileCompression {
	case compGzip:
		b, err = gunzip(b, MaxTileSize)
	case compUnknown:
		b, err = decompress(b)
	}
	if err != nil {
		return nil, fmt.Errorf("decompressing: %w", err)
	}
	return b, nil
}

// Walk implements Walker: every addressed tile, runs expanded.
func (p *PMTiles) Walk(ctx context.Context, fn func(z, x, y int, data []byte) error) error {
	return p.walkDir(ctx, p.root, 0, fn)
}

func (p *PMTiles) walkDir(ctx context.Context, dir []entry, depth int, fn func(z, x, y int, data []byte) error) error {
	if depth >= pmMaxDepth {
		return fmt.Errorf("tiles: %s: leaf directories nested deeper than %d", p.name, pmMaxDepth)
	}
	for _, e := range dir {
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.RunLength == 0 {
			leaf, err := p.leaf(e)
			if err != nil {
				return fmt.Errorf("tiles: %s: %w", p.name, err)
			}
			if err := p.walkDir(ctx, leaf, depth+1, fn); err != nil {
				return err
			}
			continue
		}
		data, err := p.tileData(e)
		for k := uint64(0); k < e.RunLength; k++ {
			z, x, y := IDToZXY(e.TileID + k)
			if err != nil {
				return fmt.Errorf("tiles: %s: tile %d/%d/%d: %w", p.name, z, x, y, err)
			}
			if err := fn(z, x, y, data); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *PMTiles) count(ctx context.Context) (int, error) {
	if p.h.AddressedTiles > 0 {
		return int(p.h.AddressedTiles), nil
	}
	n := 0
	err := p.walkIDs(p.root, 0, func(e entry) { n += int(e.RunLength) })
	return n, err
}

func (p *PMTiles) walkIDs(dir []entry, depth int, fn func(entry)) error {
	if depth >= pmMaxDepth {
		return fmt.Errorf("tiles: %s: leaf directories nested deeper than %d", p.name, pmMaxDepth)
	}
	for _, e := range dir {
		if e.RunLength > 0 {
			fn(e)
			continue
		}
		leaf, err := p.leaf(e)
		if err != nil {
			return fmt.Errorf("tiles: %s: %w", p.name, err)
		}
		if err := p.walkIDs(leaf, depth+1, fn); err != nil {
			return err
		}
	}
	return nil
}

// maxTileID is the last id of zoom 31: (4^32 - 1) / 3 - 1.
const maxTileID = (1<<64-1)/3 - 1

// zoomBase returns the id of the first tile of zoom z: (4^z - 1) / 3.
func zoomBase(z int) uint64 { return ((uint64(1) << (2 * uint(z))) - 1) / 3 }

// ZXYToID returns the PMTiles tile id of z/x/y: the tiles of lower zooms
// counted first, then the position of x/y along the Hilbert curve.
func ZXYToID(z, x, y int) uint64 {
	n := uint64(1) << uint(z)
	ux, uy := uint64(x), uint64(y)
	var d uint64
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint64
		if ux&s > 0 {
			rx = 1
		}
		if uy&s > 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		ux, uy = hilbertRotate(n, ux, uy, rx, ry)
	}
	return zoomBase(z) + d
}

// IDToZXY is the inverse of ZXYToID.
func IDToZXY(id uint64) (z, x, y int) {
	for z = 0; z < 31 && zoomBase(z+1) <= id; z++ {
	}
	d := id - zoomBase(z)
	n := uint64(1) << uint(z)
	var ux, uy uint64
	for s := uint64(1); s < n; s *= 2 {
		rx := 1 & (d / 2)
		ry := 1 & (d ^ rx)
		ux, uy = hilbertRotate(s, ux, uy, rx, ry)
		ux += s * rx
		uy += s * ry
		d /= 4
	}
	return z, int(ux), int(uy)
}

func hilbertRotate(n, x, y, rx, ry uint64) (uint64, uint64) {
	if ry == 0 {
		if rx == 1 {
			x = n - 1 - x
			y = n - 1 - y
		}
		x, y = y, x
	}
	return x, y
}
