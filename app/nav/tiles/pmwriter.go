package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/fascia-hmi/fascia/internal/atomicfile"
)

// pmMaxRootSize is the spec's limit on header + root directory.
const pmMaxRootSize = 16384

// WritePMTiles writes every tile of src into a new PMTiles v3 file at
// path: tiles gzip-compressed and clustered in tile-id order, identical
// tiles stored once, directories gzip-compressed with leaf directories
// when the root would exceed the spec's 16 KiB. The metadata (TileJSON)
// and the header's bounds and center come from m, usually src.Meta() with
// edits; zooms come from the tiles. The file appears atomically (temporary
// file + rename).
func WritePMTiles(ctx context.Context, path string, src Source, m Meta) error {
	return writePMTiles(ctx, path, src, m, pmMaxRootSize)
}

// writePMTiles is WritePMTiles with the root size limit as a parameter (the
// tests lower it to exercise leaf directories).
func writePMTiles(ctx context.Context, path string, src Source, m Meta, maxRoot int) error {
	type tile struct {
		id   uint64
		data []byte
	}
	var ts []tile
	err := Walk(ctx, src, func(z, x, y int, data []byte) error {
		ts = append(ts, tile{ZXYToID(z, x, y), bytes.Clone(data)})
		return nil
	})
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return errors.New("tiles: no tiles to write")
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].id < ts[j].id })

	var data bytes.Buffer
	stored := map[[32]byte][2]uint64{} // content hash → offset, length
	var es []entry
	minZ, maxZ := 31, 0
	for i, t := range ts {
		if i > 0 && t.id == ts[i-1].id {
			return fmt.Errorf("tiles: tile id %d twice", t.id)
		}
		z, _, _ := IDToZXY(t.id)
		minZ, maxZ = min(minZ, z), max(maxZ, z)
		h := sha256.Sum256(t.data)
		loc, ok := stored[h]
		if !ok {
			gz, err := gzipBytes(t.data)
			if err != nil {
				return err
			}
			loc = [2]uint64{uint64(data.Len()), uint64(len(gz))}
			data.Write(gz)
			stored[h] = loc
		}
		if n := len(es); n > 0 && es[n-1].Offset == loc[0] && es[n-1].TileID+es[n-1].RunLength == t.id {
			es[n-1].RunLength++
			continue
		}
		es = append(es, entry{TileID: t.id, Offset: loc[0], Length: loc[1], RunLength: 1})
	}

	root, leaves, err := buildDirectories(es, maxRoot)
	if err != nil {
		return err
	}
	meta, err := json.Marshal(tileJSONOf(m, minZ, maxZ))
	if err != nil {
		return err
	}
	if meta, err = gzipBytes(meta); err != nil {
		return err
	}

	h := Header{
		RootOffset: pmHeaderSize, RootLength: uint64(len(root)),
		AddressedTiles: uint64(len(ts)), TileEntries: uint64(len(es)), TileContents: uint64(len(stored)),
		Clustered:           true,
		InternalCompression: compGzip, TileCompression: compGzip, TileType: typeMVT,
		MinZoom: uint8(minZ), MaxZoom: uint8(maxZ),
		MinLonE7: toE7(m.Bounds.Min[0]), MinLatE7: toE7(m.Bounds.Min[1]),
		MaxLonE7: toE7(m.Bounds.Max[0]), MaxLatE7: toE7(m.Bounds.Max[1]),
		CenterZoom:  uint8(min(max(m.CenterZoom, minZ), maxZ)),
		CenterLonE7: toE7(m.Center[0]), CenterLatE7: toE7(m.Center[1]),
	}
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(meta))
	h.LeafOffset = h.MetadataOffset + h.MetadataLength
	h.LeafLength = uint64(len(leaves))
	h.DataOffset = h.LeafOffset + h.LeafLength
	h.DataLength = uint64(data.Len())

	var out bytes.Buffer
	out.Write(h.Bytes())
	out.Write(root)
	out.Write(meta)
	out.Write(leaves)
	out.Write(data.Bytes())
	return writeAtomic(path, out.Bytes())
}

func toE7(v float64) int32 { return int32(math.Round(v * 1e7)) }

func tileJSONOf(m Meta, minZ, maxZ int) map[string]any {
	layers := make([]map[string]any, 0, len(m.Layers))
	for _, l := range m.Layers {
		f := l.Fields
		if f == nil {
			f = map[string]string{}
		}
		jl := map[string]any{"id": l.ID, "fields": f, "minzoom": l.MinZoom, "maxzoom": l.MaxZoom}
		if l.Description != "" {
			jl["description"] = l.Description
		}
		layers = append(layers, jl)
	}
	tj := map[string]any{
		"name": m.Name, "description": m.Description, "attribution": m.Attribution,
		"format": "pbf", "type": "baselayer", "minzoom": minZ, "maxzoom": maxZ,
		"vector_layers": layers,
	}
	return tj
}

// Bytes encodes the header in its 127-byte form.
func (h Header) Bytes() []byte {
	b := make([]byte, pmHeaderSize)
	copy(b, pmMagic)
	b[7] = 3
	for i, v := range []uint64{h.RootOffset, h.RootLength, h.MetadataOffset, h.MetadataLength,
		h.LeafOffset, h.LeafLength, h.DataOffset, h.DataLength,
		h.AddressedTiles, h.TileEntries, h.TileContents} {
		binary.LittleEndian.PutUint64(b[8+8*i:], v)
	}
	if h.Clustered {
		b[96] = 1
	}
	b[97], b[98], b[99], b[100], b[101] = h.InternalCompression, h.TileCompression, h.TileType, h.MinZoom, h.MaxZoom
	for i, v := range []int32{h.MinLonE7, h.MinLatE7, h.MaxLonE7, h.MaxLatE7} {
		binary.LittleEndian.PutUint32(b[102+4*i:], uint32(v))
	}
	b[118] = h.CenterZoom
	binary.LittleEndian.PutUint32(b[119:], uint32(h.CenterLonE7))
	binary.LittleEndian.PutUint32(b[123:], uint32(h.CenterLatE7))
	return b
}

// EncodeDirectory encodes directory entries (uncompressed), the inverse of
// ParseDirectory. Entries must be sorted by tile id.
func encodeDirectory(es []entry) []byte {
	b := binary.AppendUvarint(nil, uint64(len(es)))
	var last uint64
	for _, e := range es {
		b = binary.AppendUvarint(b, e.TileID-last)
		last = e.TileID
	}
	for _, e := range es {
		b = binary.AppendUvarint(b, e.RunLength)
	}
	for _, e := range es {
		b = binary.AppendUvarint(b, e.Length)
	}
	for i, e := range es {
		if i > 0 && e.Offset == es[i-1].Offset+es[i-1].Length {
			b = binary.AppendUvarint(b, 0)
		} else {
			b = binary.AppendUvarint(b, e.Offset+1)
		}
	}
	return b
}

// buildDirectories returns the gzipped root directory and leaf section.
// If all entries fit in the root, there are no leaves; otherwise entries
// are split into leaves of growing size until the root fits.
func buildDirectories(es []entry, maxRoot int) (root, leaves []byte, err error) {
	root, err = gzipBytes(encodeDirectory(es))
	if err != nil {
		return nil, nil, err
	}
	if pmHeaderSize+len(root) <= maxRoot {
		return root, nil, nil
	}
	for size := 256; ; size *= 2 {
		var rootEs []entry
		var lb bytes.Buffer
		for i := 0; i < len(es); i += size {
			chunk := es[i:min(i+size, len(es))]
			gz, err := gzipBytes(encodeDirectory(chunk))
			if err != nil {
				return nil, nil, err
			}
			rootEs = append(rootEs, entry{TileID: chunk[0].TileID, Offset: uint64(lb.Len()), Length: uint64(len(gz))})
			lb.Write(gz)
		}
		root, err = gzipBytes(encodeDirectory(rootEs))
		if err != nil {
			return nil, nil, err
		}
		if pmHeaderSize+len(root) <= maxRoot {
			return root, lb.Bytes(), nil
		}
		if len(rootEs) == 1 {
			return nil, nil, fmt.Errorf("tiles: a one-entry root directory exceeds %d bytes", maxRoot)
		}
	}
}

// gzipPool holds gzip writers: a new one allocates about 1 MB.
var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
	return w
}}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := gzipPool.Get().(*gzip.Writer)
	defer gzipPool.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeAtomic writes b to path through a temporary file and a rename.
func writeAtomic(path string, b []byte) error {
	if err := atomicfile.WriteBytes(path, b, 0o644); err != nil {
		return fmt.Errorf("tiles: %w", err)
	}
	return nil
}
