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
	for _, l := range sanitize(data, &e) {
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

// cleanLayer is a checked layer, re-encoded with only its valid features.
type cleanLayer struct {
	name string
	raw  []byte
}

// sanitize splits a tile into checked, re-encoded layers.
func sanitize(data []byte, e *Error) []cleanLayer {
	var out []cleanLayer
	seen := map[string]bool{}
	for i, off := 0, 0; off < len(data); i++ {
		num, typ, n := protowire.ConsumeTag(data[off:])
		if n < 0 {
			e.add("tile: malformed protobuf at byte %d: %v", off, protowire.ParseError(n))
			return out
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
				return out
			}
			off += n
			l, ok := checkLayer(b, i, e)
			if !ok {
				continue
			}
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
			return out
		}
		off += n
	}
	return out
}

// field is one protobuf field of a message.
type field struct {
	num protowire.Number
	typ protowire.Type
	val uint64 // varint, fixed32 or fixed64
	b   []byte // bytes
}

// fields splits a message into its fields.
func fields(b []byte) ([]field, error) {
	var fs []field
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

func checkLayer(b []byte, idx int, e *Error) (cleanLayer, bool) {
	fs, err := fields(b)
	if err != nil {
		e.add("layer %d: %v", idx, err)
		return cleanLayer{}, false
	}
	var (
		name            string
		hasName, hasVer bool
		version         uint64
		extent          uint64 = 4096
		keys, values    [][]byte
		features        [][]byte
	)
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
	for i, fb := range features {
		fixed, keep, reason := checkFeature(fb, len(keys), len(values), version)
		if reason != "" {
			e.add("layer %q feature %d: %s", name, i, reason)
		}
		if fixed != nil {
			fb = fixed
		}
		if keep {
			out = protowire.AppendTag(out, lFeature, protowire.BytesType)
			out = protowire.AppendBytes(out, fb)
		}
	}
	return cleanLayer{name: name, raw: out}, true
}

// checkValue checks a Value message: exactly one known field, of the right
// wire type.
func checkValue(b []byte) error {
	fs, err := fields(b)
	if err != nil {
		return err
	}
	if len(fs) != 1 {
		return fmt.Errorf("%d fields, want exactly one", len(fs))
	}
	f := fs[0]
	var want protowire.Type
	switch f.num {
	case 1:
		want = protowire.BytesType
	case 2:
		want = protowire.Fixed32Type
	case 3:
		want = protowire.Fixed64Type
	case 4, 5, 6, 7:
		want = protowire.VarintType
	default:
		return fmt.Errorf("unknown value field %d", f.num)
	}
	if f.typ != want {
		return fmt.Errorf("field %d has wire type %d, want %d", f.num, f.typ, want)
	}
	if f.num == 1 && !utf8.Valid(f.b) {
		return errors.New("string is not UTF-8")
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
	keep, reason, fs, geom := checkFeatureFields(b, nkeys, nvals, version)
	if !keep || geom == nil {
		return nil, keep, reason
	}
	// Re-encode with the repaired geometry, other fields unchanged.
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

// checkFeatureFields checks a feature. A non-nil geom is a repaired
// geometry command stream to re-encode.
func checkFeatureFields(b []byte, nkeys, nvals int, version uint64) (keep bool, reason string, fs []field, repaired []uint32) {
	fs, err := fields(b)
	if err != nil {
		return false, err.Error(), nil, nil
	}
	var (
		hasType, hasGeom, hasTags bool
		gtype                     uint64
		geom, tags                []byte
	)
	for _, f := range fs {
		switch f.num {
		case fID:
			if f.typ != protowire.VarintType {
				return false, "id of the wrong wire type", nil, nil
			}
		case fType:
			if f.typ != protowire.VarintType {
				return false, "geometry type of the wrong wire type", nil, nil
			}
			hasType, gtype = true, f.val
		case fTags:
			if f.typ != protowire.BytesType {
				return false, "tags not packed", nil, nil
			}
			if hasTags {
				return false, "tags field repeated", nil, nil
			}
			hasTags, tags = true, f.b
		case fGeometry:
			if f.typ != protowire.BytesType {
				return false, "geometry not packed", nil, nil
			}
			if hasGeom {
				return false, "geometry field repeated", nil, nil
			}
			hasGeom, geom = true, f.b
		}
	}
	switch {
	case !hasType:
		return false, "no geometry type", nil, nil
	case gtype == geomUnknown:
		return false, "", nil, nil // valid, nothing to draw
	case gtype > geomPolygon:
		return false, fmt.Sprintf("unknown geometry type %d", gtype), nil, nil
	case !hasGeom:
		return false, "no geometry", nil, nil
	}
	tv, err := packed(tags)
	if err != nil {
		return false, "tags: " + err.Error(), nil, nil
	}
	if len(tv)%2 != 0 {
		return false, fmt.Sprintf("%d tags, an odd number", len(tv)), nil, nil
	}
	for i := 0; i < len(tv); i += 2 {
		if int(tv[i]) >= nkeys {
			return false, fmt.Sprintf("tag key index %d, layer has %d keys", tv[i], nkeys), nil, nil
		}
		if int(tv[i+1]) >= nvals {
			return false, fmt.Sprintf("tag value index %d, layer has %d values", tv[i+1], nvals), nil, nil
		}
	}
	gv, err := packed(geom)
	if err != nil {
		return false, "geometry: " + err.Error(), nil, nil
	}
	if err := checkGeometry(gv, gtype, version); err != nil {
		return false, "geometry: " + err.Error(), nil, nil
	}
	if gtype == geomLine {
		if fixed, n := dropRepeatedPoints(gv); n > 0 {
			if fixed == nil {
				return false, fmt.Sprintf("geometry: linestring with %d repeated points and nothing else", n), nil, nil
			}
			return true, fmt.Sprintf("geometry: %d repeated linestring points removed", n), fs, fixed
		}
	}
	return true, "", fs, nil
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

// checkGeometry checks the command stream against the grammar of its type.
func checkGeometry(g []uint32, gtype, version uint64) error {
	if len(g) == 0 {
		return errors.New("empty")
	}
	type op struct {
		id, count uint32
	}
	var ops []op
	for i := 0; i < len(g); {
		id, count := g[i]&7, g[i]>>3
		i++
		switch id {
		case cmdMoveTo, cmdLineTo:
			if count == 0 {
				return fmt.Errorf("command %d with count 0", id)
			}
			if uint64(count)*2 > uint64(len(g)-i) {
				return fmt.Errorf("command %d with count %d needs %d parameters, %d left", id, count, uint64(count)*2, len(g)-i)
			}
			i += int(count) * 2
			ops = append(ops, op{id, count})
		case cmdClosePath:
			if count != 1 {
				return fmt.Errorf("ClosePath with count %d (want 1)", count)
			}
			ops = append(ops, op{id: id, count: count})
		default:
			return fmt.Errorf("unknown command %d", id)
		}
	}
	switch gtype {
	case geomPoint:
		if len(ops) != 1 || ops[0].id != cmdMoveTo {
			return errors.New("a point must be exactly one MoveTo")
		}
	case geomLine:
		for i := 0; i < len(ops); {
			if ops[i].id != cmdMoveTo || ops[i].count != 1 {
				return fmt.Errorf("linestring part at command %d does not start with MoveTo(1)", i)
			}
			if i+1 >= len(ops) || ops[i+1].id != cmdLineTo {
				return fmt.Errorf("linestring part at command %d has no LineTo", i)
			}
			i += 2
			if i < len(ops) && ops[i].id == cmdClosePath {
				if version >= 2 {
					return errors.New("ClosePath in a linestring")
				}
				i++
			}
		}
	case geomPolygon:
		for i := 0; i < len(ops); i += 3 {
			if ops[i].id != cmdMoveTo || ops[i].count != 1 {
				return fmt.Errorf("polygon ring at command %d does not start with MoveTo(1)", i)
			}
			if i+2 >= len(ops) || ops[i+1].id != cmdLineTo || ops[i+2].id != cmdClosePath {
				return fmt.Errorf("polygon ring at command %d is not MoveTo, LineTo, ClosePath", i)
			}
			if ops[i+1].count < 2 {
				return fmt.Errorf("polygon ring at command %d has %d points (want 3 or more)", i, ops[i+1].count+1)
			}
		}
	}
	return nil
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
