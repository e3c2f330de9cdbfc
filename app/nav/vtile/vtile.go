// Package vtile owns decoding Mapbox Vector Tiles (MVT 2.1) for the
// cockpit: it is the only way the map decodes a tile. Decode checks every
// layer and feature against the specification before handing it to
// github.com/paulmach/orb/encoding/mvt, drops what the specification forbids
// (and what orb would crash on or silently misread), recovers orb's panics,
// and reports each dropped part with its reason.
//
// It must not read files, cache, project, style or draw.
package vtile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/paulmach/orb/encoding/mvt"
	"google.golang.org/protobuf/encoding/protowire"
)

// MaxTileSize bounds a tile's decompressed size.
const MaxTileSize = 32 << 20

// maxReasons bounds the reasons kept in an Error (the count is exact).
const maxReasons = 32

// Error lists what Decode dropped from a tile. The layers Decode returned
// alongside are the valid rest.
type Error struct {
	Dropped []string // one reason per dropped tile part, at most maxReasons
	Count   int      // total number of dropped parts
}

func (e *Error) Error() string {
	s := "vtile: " + strings.Join(e.Dropped, "; ")
	if e.Count > len(e.Dropped) {
		s += fmt.Sprintf("; and %d more", e.Count-len(e.Dropped))
	}
	return s
}

func (e *Error) add(format string, args ...any) {
	e.Count++
	if len(e.Dropped) < maxReasons {
		e.Dropped = append(e.Dropped, fmt.Sprintf(format, args...))
	}
}

// Decode validates and decodes an MVT tile (raw or gzip-compressed).
// Coordinates are tile coordinates in [0, extent) (features may lie a
// little outside, in the buffer). It never panics.
//
// A nil error means the whole tile was valid. A non-nil error is an *Error
// whose Dropped lists the reasons; the returned layers still hold every
// valid layer and, within them, every valid feature. Rules applied, from the
// specification (MVT 2.1) and @mapbox/mvt-fixtures:
//   - a malformed protobuf stops decoding; the layers before it are kept;
//   - a layer is dropped for: missing or empty name, a name already used
//     by an earlier layer, missing version or a version other than 1 or 2,
//     extent 0, a key or value field of the wrong wire type, a value with
//     none, several or unknown fields;
//   - a feature is dropped for: missing geometry type or one above 3,
//     missing or repeated geometry, an odd number of tags or a tag index
//     outside keys/values, a command with an unknown id, a count of 0 or
//     more parameters than present, a command sequence its geometry type
//     does not allow (ClosePath count other than 1; ClosePath in a
//     version 2 linestring);
//   - a linestring point repeating the previous one (not OGC-valid; seen in
//     real tiles after quantisation) is removed and reported; a part left
//     with one point is removed, a feature left with none is dropped;
//   - features of type UNKNOWN (0) are valid but have nothing to draw: they
//     are skipped without a reason. (The type field is required: an absent
//     one is an error, although proto2 writes UNKNOWN as absent, which
//     makes fixtures 003 and 016 byte-identical.)
//
// Polygon winding order is not checked; orb groups rings by winding.
func Decode(data []byte) (layers mvt.Layers, err error) {
	var e Error
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		if data, err = gunzip(data); err != nil {
			return nil, fmt.Errorf("vtile: gzip: %w", err)
		}
	}
	clean, changed := sanitize(data, &e)
	if !changed {
		// The common case: every part valid, one pass of orb over the tile.
		if layers, err := decodeTile(data); err == nil {
			return layers, nil
		}
		// orb failed on a tile the checks passed: fall back to layer by
		// layer so that the rest is kept, and report the failing layer.
	}
	for _, l := range clean {
		layer, derr := decodeLayer(l.raw)
		if derr != nil {
			e.add("layer %q: %v", l.name, derr)
			continue
		}
		layers = append(layers, layer)
	}
	if e.Count > 0 {
		return layers, &e
	}
	return layers, nil
}

// decodeTile runs orb on a whole tile and turns a panic into an error.
func decodeTile(data []byte) (layers mvt.Layers, err error) {
	defer func() {
		if r := recover(); r != nil {
			layers, err = nil, fmt.Errorf("decoder panic: %v", r)
		}
	}()
	return mvt.Unmarshal(data)
}

func gunzip(data []byte) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxTileSize+1))
	if err != nil {
		return nil, err
	}
	if len(out) > MaxTileSize {
		return nil, fmt.Errorf("decompressed tile exceeds %d bytes", MaxTileSize)
	}
	return out, nil
}

// decodeLayer runs orb on one checked layer, wrapped as a one-layer tile,
// and turns a panic into an error.
func decodeLayer(raw []byte) (layer *mvt.Layer, err error) {
	defer func() {
		if r := recover(); r != nil {
			layer, err = nil, fmt.Errorf("decoder panic: %v", r)
		}
	}()
	tile := protowire.AppendTag(make([]byte, 0, len(raw)+8), 3, protowire.BytesType)
	tile = protowire.AppendBytes(tile, raw)
	ls, err := mvt.Unmarshal(tile)
	if err != nil {
		return nil, err
	}
	if len(ls) != 1 {
		return nil, errors.New("decoder returned no layer")
	}
	return ls[0], nil
}

// cleanLayer is a checked layer: its bytes as they were, or re-encoded
// with only its valid (or repaired) features if changed.
type cleanLayer struct {
	name    string
	raw     []byte
	changed bool
}

// sanitize splits a tile into checked layers, re-encoded where a part was
// dropped or repaired. changed reports whether anything was dropped,
// repaired or reported.
func sanitize(data []byte, e *Error) (out []cleanLayer, changed bool) {
	defer func() { changed = changed || e.Count > 0 }()
	seen := map[string]bool{}
	for i, off := 0, 0; off < len(data); i++ {
		num, typ, n := protowire.ConsumeTag(data[off:])
		if n < 0 {
			e.add("tile: malformed protobuf at byte %d: %v", off, protowire.ParseError(n))
			return out, true
		}
		start := off
		off += n
		if num == 3 && typ != protowire.BytesType {
			e.add("tile: layer field %d with wire type %d", i, typ)
		}
		if num == 3 && typ == protowire.BytesType {
			b, n := protowire.ConsumeBytes(data[off:])
			if n < 0 {
				e.add("tile: malformed layer %d at byte %d: %v", i, start, protowire.ParseError(n))
				return out, true
			}
			off += n
			l, ok := checkLayer(b, i, e)
			if !ok {
				continue
			}
			changed = changed || l.changed
			if seen[l.name] {
				e.add("layer %d: duplicate layer name %q", i, l.name)
				continue
			}
			seen[l.name] = true
			out = append(out, l)
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, data[off:])
		if n < 0 {
			e.add("tile: malformed field %d at byte %d: %v", num, start, protowire.ParseError(n))
			return out, true
		}
		off += n
	}
	return out, changed
}

// field is one protobuf field of a message.
type field struct {
	num protowire.Number
	typ protowire.Type
	val uint64 // varint, fixed32 or fixed64
	b   []byte // bytes
}

// fields splits a message into its fields.
func fields(b []byte) ([]field, error) { return appendFields(nil, b) }

// appendFields appends the fields of message b to fs.
func appendFields(fs []field, b []byte) ([]field, error) {
	for off := 0; off < len(b); {
		num, typ, n := protowire.ConsumeTag(b[off:])
		if n < 0 {
			return nil, fmt.Errorf("malformed protobuf at byte %d: %v", off, protowire.ParseError(n))
		}
		off += n
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.val, n = protowire.ConsumeVarint(b[off:])
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b[off:])
			f.val = uint64(v)
		case protowire.Fixed64Type:
			f.val, n = protowire.ConsumeFixed64(b[off:])
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b[off:])
		default:
			n = protowire.ConsumeFieldValue(num, typ, b[off:])
		}
		if n < 0 {
			return nil, fmt.Errorf("malformed field %d at byte %d: %v", num, off, protowire.ParseError(n))
		}
		off += n
		fs = append(fs, f)
	}
	return fs, nil
}

// Layer field numbers.
const (
	lName     = 1
	lFeature  = 2
	lKey      = 3
	lValue    = 4
	lExtent   = 5
	lVersion  = 15
	fID       = 1
	fTags     = 2
	fType     = 3
	fGeometry = 4
)

// layerScratch holds checkLayer's slices between calls: a tile's layers
// have thousands of fields, and allocating them each time doubled the
// garbage our checks add to orb's.
type layerScratch struct {
	fs                     []field
	keys, values, features [][]byte
}

var layerScratches = sync.Pool{New: func() any { return new(layerScratch) }}

func checkLayer(b []byte, idx int, e *Error) (cleanLayer, bool) {
	sc := layerScratches.Get().(*layerScratch)
	defer layerScratches.Put(sc)
	fs, err := appendFields(sc.fs[:0], b)
	sc.fs = fs
	if err != nil {
		e.add("layer %d: %v", idx, err)
		return cleanLayer{}, false
	}
	var (
		name            string
		hasName, hasVer bool
		version         uint64
		extent          uint64 = 4096
		keys                   = sc.keys[:0]
		values                 = sc.values[:0]
		features               = sc.features[:0]
	)
	defer func() { sc.keys, sc.values, sc.features = keys, values, features }()
	bad := func(format string, args ...any) (cleanLayer, bool) {
		label := fmt.Sprintf("layer %d", idx)
		if hasName {
			label = fmt.Sprintf("layer %q", name)
		}
		e.add(label+": "+format, args...)
		return cleanLayer{}, false
	}
	// The name first, for messages.
	for _, f := range fs {
		if f.num == lName && f.typ == protowire.BytesType {
			name, hasName = string(f.b), true
		}
	}
	for _, f := range fs {
		want := protowire.Type(-1)
		switch f.num {
		case lName, lFeature, lKey, lValue:
			want = protowire.BytesType
		case lExtent, lVersion:
			want = protowire.VarintType
		}
		if want >= 0 && f.typ != want {
			return bad("field %d has wire type %d, want %d", f.num, f.typ, want)
		}
		switch f.num {
		case lVersion:
			version, hasVer = f.val, true
		case lExtent:
			extent = f.val
		case lKey:
			if !utf8.Valid(f.b) {
				return bad("key %d is not UTF-8", len(keys))
			}
			keys = append(keys, f.b)
		case lValue:
			if err := checkValue(f.b); err != nil {
				return bad("value %d: %v", len(values), err)
			}
			values = append(values, f.b)
		case lFeature:
			features = append(features, f.b)
		}
	}
	switch {
	case !hasName || name == "":
		return bad("no name")
	case !utf8.ValidString(name):
		return bad("name is not UTF-8")
	case !hasVer:
		return bad("no version")
	case version != 1 && version != 2:
		return bad("version %d (want 1 or 2)", version)
	case extent == 0 || extent > 1<<31:
		return bad("extent %d", extent)
	}
	// Check the features; re-encode the layer only if one is dropped or
	// repaired.
	var out []byte
	for i, fb := range features {
		fixed, keep, reason := checkFeature(fb, len(keys), len(values), version)
		if reason != "" {
			e.add("layer %q feature %d: %s", name, i, reason)
		}
		if (keep && fixed == nil) && out == nil {
			continue
		}
		if out == nil {
			out = layerHeader(version, name, extent, keys, values)
			for _, prev := range features[:i] { // all kept unchanged
				out = appendFeature(out, prev)
			}
		}
		if fixed != nil {
			fb = fixed
		}
		if keep {
			out = appendFeature(out, fb)
		}
	}
	if out == nil {
		return cleanLayer{name: name, raw: b}, true
	}
	return cleanLayer{name: name, raw: out, changed: true}, true
}

func layerHeader(version uint64, name string, extent uint64, keys, values [][]byte) []byte {
	out := protowire.AppendTag(nil, lVersion, protowire.VarintType)
	out = protowire.AppendVarint(out, version)
	out = protowire.AppendTag(out, lName, protowire.BytesType)
	out = protowire.AppendString(out, name)
	out = protowire.AppendTag(out, lExtent, protowire.VarintType)
	out = protowire.AppendVarint(out, extent)
	for _, k := range keys {
		out = protowire.AppendTag(out, lKey, protowire.BytesType)
		out = protowire.AppendBytes(out, k)
	}
	for _, v := range values {
		out = protowire.AppendTag(out, lValue, protowire.BytesType)
		out = protowire.AppendBytes(out, v)
	}
	return out
}

func appendFeature(out, fb []byte) []byte {
	out = protowire.AppendTag(out, lFeature, protowire.BytesType)
	return protowire.AppendBytes(out, fb)
}

// checkValue checks a Value message: exactly one known field, of the right
// wire type.
func checkValue(b []byte) error {
	num, typ, n := protowire.ConsumeTag(b)
	if n < 0 {
		return fmt.Errorf("malformed protobuf: %v", protowire.ParseError(n))
	}
	m := protowire.ConsumeFieldValue(num, typ, b[n:])
	if m < 0 {
		return fmt.Errorf("malformed field %d: %v", num, protowire.ParseError(m))
	}
	if n+m != len(b) {
		return errors.New("several fields, want exactly one")
	}
	var want protowire.Type
	switch num {
	case 1:
		want = protowire.BytesType
	case 2:
		want = protowire.Fixed32Type
	case 3:
		want = protowire.Fixed64Type
	case 4, 5, 6, 7:
		want = protowire.VarintType
	default:
		return fmt.Errorf("unknown value field %d", num)
	}
	if typ != want {
		return fmt.Errorf("field %d has wire type %d, want %d", num, typ, want)
	}
	if num == 1 {
		if s, _ := protowire.ConsumeBytes(b[n:]); !utf8.Valid(s) {
			return errors.New("string is not UTF-8")
		}
	}
	return nil
}

// Geometry types.
const (
	geomUnknown = 0
	geomPoint   = 1
	geomLine    = 2
	geomPolygon = 3
)

// Geometry commands.
const (
	cmdMoveTo    = 1
	cmdLineTo    = 2
	cmdClosePath = 7
)

// checkFeature reports whether the feature is kept, and why not (or why
// it was repaired). A repaired feature comes back re-encoded in fixed.
func checkFeature(b []byte, nkeys, nvals int, version uint64) (fixed []byte, keep bool, reason string) {
	keep, reason, geom := checkFeatureFields(b, nkeys, nvals, version)
	if !keep || geom == nil {
		return nil, keep, reason
	}
	// Re-encode with the repaired geometry, other fields unchanged.
	fs, err := fields(b)
	if err != nil {
		return nil, false, err.Error()
	}
	for _, f := range fs {
		if f.num == fGeometry {
			fixed = protowire.AppendTag(fixed, fGeometry, protowire.BytesType)
			var g []byte
			for _, v := range geom {
				g = protowire.AppendVarint(g, uint64(v))
			}
			fixed = protowire.AppendBytes(fixed, g)
			continue
		}
		fixed = protowire.AppendTag(fixed, f.num, f.typ)
		switch f.typ {
		case protowire.VarintType:
			fixed = protowire.AppendVarint(fixed, f.val)
		case protowire.Fixed32Type:
			fixed = protowire.AppendFixed32(fixed, uint32(f.val))
		case protowire.Fixed64Type:
			fixed = protowire.AppendFixed64(fixed, f.val)
		case protowire.BytesType:
			fixed = protowire.AppendBytes(fixed, f.b)
		default:
			return nil, false, "feature with a group field cannot be repaired"
		}
	}
	return fixed, true, reason
}

// checkFeatureFields checks a feature without allocating. A non-nil
// repaired is a geometry command stream to re-encode.
func checkFeatureFields(b []byte, nkeys, nvals int, version uint64) (keep bool, reason string, repaired []uint32) {
	var (
		hasType, hasGeom, hasTags bool
		gtype                     uint64
		geom, tags                []byte
	)
	for off := 0; off < len(b); {
		num, typ, n := protowire.ConsumeTag(b[off:])
		if n < 0 {
			return false, fmt.Sprintf("malformed protobuf at byte %d", off), nil
		}
		off += n
		var v uint64
		var bs []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b[off:])
		case protowire.BytesType:
			bs, n = protowire.ConsumeBytes(b[off:])
		default:
			n = protowire.ConsumeFieldValue(num, typ, b[off:])
		}
		if n < 0 {
			return false, fmt.Sprintf("malformed field %d at byte %d", num, off), nil
		}
		off += n
		switch num {
		case fID:
			if typ != protowire.VarintType {
				return false, "id of the wrong wire type", nil
			}
		case fType:
			if typ != protowire.VarintType {
				return false, "geometry type of the wrong wire type", nil
			}
			hasType, gtype = true, v
		case fTags:
			if typ != protowire.BytesType {
				return false, "tags not packed", nil
			}
			if hasTags {
				return false, "tags field repeated", nil
			}
			hasTags, tags = true, bs
		case fGeometry:
			if typ != protowire.BytesType {
				return false, "geometry not packed", nil
			}
			if hasGeom {
				return false, "geometry field repeated", nil
			}
			hasGeom, geom = true, bs
		}
	}
	switch {
	case !hasType:
		return false, "no geometry type", nil
	case gtype == geomUnknown:
		return false, "", nil // valid, nothing to draw
	case gtype > geomPolygon:
		return false, fmt.Sprintf("unknown geometry type %d", gtype), nil
	case !hasGeom:
		return false, "no geometry", nil
	}
	ntags := 0
	for off := 0; off < len(tags); ntags++ {
		v, n := uint64(tags[off]), 1 // most indexes are one byte
		if v >= 0x80 {
			v, n = protowire.ConsumeVarint(tags[off:])
		}
		if n < 0 {
			return false, fmt.Sprintf("tags: malformed varint at byte %d", off), nil
		}
		off += n
		if ntags%2 == 0 && v >= uint64(nkeys) {
			return false, fmt.Sprintf("tag key index %d, layer has %d keys", v, nkeys), nil
		}
		if ntags%2 == 1 && v >= uint64(nvals) {
			return false, fmt.Sprintf("tag value index %d, layer has %d values", v, nvals), nil
		}
	}
	if ntags%2 != 0 {
		return false, fmt.Sprintf("%d tags, an odd number", ntags), nil
	}
	repeats, err := checkGeometry(geom, gtype, version)
	if err != nil {
		return false, "geometry: " + err.Error(), nil
	}
	if repeats > 0 {
		gv, err := packed(geom)
		if err != nil {
			return false, "geometry: " + err.Error(), nil
		}
		fixed, n := dropRepeatedPoints(gv)
		if fixed == nil {
			return false, fmt.Sprintf("geometry: linestring with %d repeated points and nothing else", n), nil
		}
		return true, fmt.Sprintf("geometry: %d repeated linestring points removed", n), fixed
	}
	return true, "", nil
}

// packed decodes packed uint32 varints.
func packed(b []byte) ([]uint32, error) {
	out := make([]uint32, 0, len(b))
	for off := 0; off < len(b); {
		v, n := protowire.ConsumeVarint(b[off:])
		if n < 0 {
			return nil, fmt.Errorf("malformed varint at byte %d", off)
		}
		if v > 1<<32-1 {
			return nil, fmt.Errorf("value %d at byte %d exceeds uint32", v, off)
		}
		out = append(out, uint32(v))
		off += n
	}
	return out, nil
}

// checkGeometry checks a packed command stream against the grammar of its
// type, without allocating. For linestrings it counts the LineTo steps of
// zero length (repeated points).
func checkGeometry(g []byte, gtype, version uint64) (repeats int, err error) {
	// Parameters are counted in varints: one byte each with the high bit
	// clear ends a varint.
	nv := 0
	for _, c := range g {
		if c < 0x80 {
			nv++
		}
	}
	if len(g) == 0 {
		return 0, errors.New("empty")
	}
	if g[len(g)-1] >= 0x80 {
		return 0, errors.New("truncated varint")
	}
	const (
		wantMove  = iota // a new part (or the end)
		wantLine         // LineTo after a MoveTo
		afterLine        // after a linestring's LineTo: MoveTo, ClosePath (v1) or end
		wantClose        // polygon: ClosePath after the LineTo
	)
	state := wantMove
	ops, off, used := 0, 0, 0
	next := func() (uint64, bool) {
		v, n := protowire.ConsumeVarint(g[off:])
		if n < 0 || v > 1<<32-1 {
			return 0, false
		}
		off += n
		used++
		return v, true
	}
	for off < len(g) {
		c, ok := next()
		if !ok {
			return 0, fmt.Errorf("bad varint at byte %d", off)
		}
		id, count := c&7, c>>3
		switch id {
		case cmdMoveTo, cmdLineTo:
			if count == 0 {
				return 0, fmt.Errorf("command %d with count 0", id)
			}
			if count*2 > uint64(nv-used) {
				return 0, fmt.Errorf("command %d with count %d needs %d parameters, %d left", id, count, count*2, nv-used)
			}
		case cmdClosePath:
			if count != 1 {
				return 0, fmt.Errorf("ClosePath with count %d (want 1)", count)
			}
		default:
			return 0, fmt.Errorf("unknown command %d", id)
		}
		switch gtype {
		case geomPoint:
			if ops > 0 || id != cmdMoveTo {
				return 0, errors.New("a point must be exactly one MoveTo")
			}
		case geomLine:
			switch {
			case id == cmdMoveTo && count == 1 && (state == wantMove || state == afterLine):
				state = wantLine
			case id == cmdLineTo && state == wantLine:
				state = afterLine
			case id == cmdClosePath && state == afterLine && version < 2:
				state = wantMove
			case id == cmdClosePath && state == afterLine:
				return 0, errors.New("ClosePath in a linestring")
			default:
				return 0, fmt.Errorf("linestring command %d (id %d, count %d) out of order", ops, id, count)
			}
		case geomPolygon:
			switch {
			case id == cmdMoveTo && count == 1 && state == wantMove:
				state = wantLine
			case id == cmdLineTo && state == wantLine:
				if count < 2 {
					return 0, fmt.Errorf("polygon ring at command %d has %d points (want 3 or more)", ops, count+1)
				}
				state = wantClose
			case id == cmdClosePath && state == wantClose:
				state = wantMove
			default:
				return 0, fmt.Errorf("polygon command %d (id %d, count %d) out of order", ops, id, count)
			}
		}
		ops++
		if id == cmdClosePath {
			continue
		}
		// The parameters (count ≤ what is left, checked above) are only
		// skipped: byte by byte, without decoding them.
		for k := uint64(0); k < count; k++ {
			var zx, zy, ok bool
			if off, zx, ok = skipUint32(g, off); !ok {
				return 0, fmt.Errorf("bad parameter varint at byte %d", off)
			}
			if off, zy, ok = skipUint32(g, off); !ok {
				return 0, fmt.Errorf("bad parameter varint at byte %d", off)
			}
			used += 2
			if zx && zy && id == cmdLineTo && gtype == geomLine {
				repeats++
			}
		}
	}
	switch {
	case gtype == geomLine && state == wantLine:
		return 0, errors.New("linestring part without LineTo")
	case gtype == geomPolygon && state != wantMove:
		return 0, errors.New("polygon ring not closed")
	}
	return repeats, nil
}

// skipUint32 skips the varint at g[off:], which must fit in 32 bits. It
// returns the offset after it, whether its value is zero, and false (with
// the varint's offset) if it is truncated or too large.
func skipUint32(g []byte, off int) (next int, zero, ok bool) {
	var bits byte
	for i := off; i < len(g) && i-off < 5; i++ {
		c := g[i]
		bits |= c & 0x7f
		if c < 0x80 {
			if i-off == 4 && c > 0x0f {
				return off, false, false // above 1<<32-1
			}
			return i + 1, bits == 0, true
		}
	}
	return off, false, false
}

// dropRepeatedPoints removes LineTo steps of zero length from a checked
// linestring command stream. It returns the new stream (nil if no part is
// left) and the number of points removed; n == 0 means unchanged.
func dropRepeatedPoints(g []uint32) (out []uint32, n int) {
	for i := 0; i < len(g); {
		id, count := g[i]&7, int(g[i]>>3)
		if id == cmdLineTo {
			for k := 0; k < count; k++ {
				if g[i+1+2*k] == 0 && g[i+2+2*k] == 0 {
					n++
				}
			}
		}
		if id == cmdClosePath {
			i++
		} else {
			i += 1 + 2*count
		}
	}
	if n == 0 {
		return nil, 0
	}
	// A dropped part's MoveTo delta moves the cursor all the same: carry it
	// into the next part's MoveTo.
	var carryX, carryY int64
	for i := 0; i < len(g); {
		// Checked: MoveTo(1) LineTo(k) [ClosePath].
		mx, my := unzigzag(g[i+1]), unzigzag(g[i+2])
		count := int(g[i+3] >> 3)
		var pts []uint32
		for k := 0; k < count; k++ {
			dx, dy := g[i+4+2*k], g[i+5+2*k]
			if dx != 0 || dy != 0 {
				pts = append(pts, dx, dy)
			}
		}
		i += 4 + 2*count
		closed := i < len(g) && g[i]&7 == cmdClosePath
		if closed {
			i++
		}
		if len(pts) == 0 {
			carryX, carryY = carryX+mx, carryY+my
			continue
		}
		out = append(out, 1<<3|cmdMoveTo, zigzag(carryX+mx), zigzag(carryY+my), uint32(len(pts)/2)<<3|cmdLineTo)
		out = append(out, pts...)
		if closed {
			out = append(out, 1<<3|cmdClosePath)
		}
		carryX, carryY = 0, 0
	}
	return out, n
}

func unzigzag(v uint32) int64 { return int64(int32(v>>1) ^ -int32(v&1)) }

// zigzag encodes a delta, wrapping to int32 as the coordinates do.
func zigzag(v int64) uint32 { w := int32(v); return uint32((w << 1) ^ (w >> 31)) }
