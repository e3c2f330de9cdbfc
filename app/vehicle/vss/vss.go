// Package vss owns the catalog of COVESA Vehicle Signal Specification
// signals that Fascia uses: their paths, datatypes, units, limits and allowed
// values. The catalog is generated from the VSS 6.0 JSON export (MPL-2.0,
// COVESA) plus Fascia's overlay.json; it holds no values and does no I/O.
package vss

//go:generate go run ./internal/gen -vss ../../../../shared/data/vss/vss_release_6.0.json -overlay overlay.json -signals signals.txt -out catalog_gen.go

import (
	"math"
	"strings"
)

// ID identifies a signal of the catalog. The zero ID is no signal.
type ID uint16

// Datatype is a VSS datatype.
type Datatype uint8

// VSS datatypes that the catalog uses.
const (
	Boolean Datatype = iota + 1
	Int8
	Int16
	Int32
	Int64
	Uint8
	Uint16
	Uint32
	Uint64
	Float
	Double
	String
)

var datatypeNames = [...]string{"", "boolean", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float", "double", "string"}

// String returns the VSS spelling of the datatype.
func (d Datatype) String() string {
	if int(d) < len(datatypeNames) {
		return datatypeNames[d]
	}
	return "invalid"
}

// IsNumeric reports whether values of d are numbers (booleans are not).
func (d Datatype) IsNumeric() bool { return d >= Int8 && d <= Double }

// IsInteger reports whether d is one of the integer types.
func (d Datatype) IsInteger() bool { return d >= Int8 && d <= Uint64 }

// Kind is what a VSS signal is: a sensor the car reports, an actuator
// the car reports and can be asked to change, or a fixed attribute.
type Kind uint8

// VSS signal kinds ("type" in the VSS export).
const (
	Sensor Kind = iota + 1
	Actuator
	Attribute
)

var kindNames = [...]string{"", "sensor", "actuator", "attribute"}

// String returns the VSS spelling of the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// Signal is one catalog entry.
type Signal struct {
	ID          ID
	Path        string
	Type        Kind // sensor, actuator or attribute, as VSS (or the overlay) says
	Datatype    Datatype
	Unit        string   // VSS unit, e.g. "km/h"; empty when unitless
	Min, Max    float64  // NaN when VSS gives no limit
	Allowed     []string // allowed string values, nil when free
	Description string
	Overlay     bool // defined by Fascia's overlay, not by VSS 6.0
}

// Limits returns the range a value may take: VSS min/max, else the range of
// the integer datatype, else ±Inf.
func (s *Signal) Limits() (lo, hi float64) {
	lo, hi = math.Inf(-1), math.Inf(1)
	switch s.Datatype {
	case Boolean:
		lo, hi = 0, 1
	case Int8:
		lo, hi = math.MinInt8, math.MaxInt8
	case Int16:
		lo, hi = math.MinInt16, math.MaxInt16
	case Int32:
		lo, hi = math.MinInt32, math.MaxInt32
	case Uint8:
		lo, hi = 0, math.MaxUint8
	case Uint16:
		lo, hi = 0, math.MaxUint16
	case Uint32:
		lo, hi = 0, math.MaxUint32
	case Uint64, Int64:
		lo = math.MinInt64
		if s.Datatype == Uint64 {
			lo = 0
		}
		hi = math.MaxInt64
	}
	if !math.IsNaN(s.Min) {
		lo = s.Min
	}
	if !math.IsNaN(s.Max) {
		hi = s.Max
	}
	return lo, hi
}

// AllowedIndex returns the index of v in Allowed, or -1.
func (s *Signal) AllowedIndex(v string) int {
	for i, a := range s.Allowed {
		if a == v {
			return i
		}
	}
	return -1
}

// Count is the number of catalog signals; valid IDs are 1..Count.
const Count = len(catalog) - 1

// Get returns the catalog entry of id; it panics on an ID outside 1..Count,
// which only a programming error can produce.
func Get(id ID) *Signal { return &catalog[id] }

// Valid reports whether id names a catalog signal.
func Valid(id ID) bool { return id > 0 && int(id) <= Count }

// Lookup finds a signal by its full VSS path.
func Lookup(path string) (ID, bool) {
	id, ok := byPath[path]
	return id, ok
}

// All returns every catalog signal in ID order.
func All() []Signal { return catalog[1:] }

// Suggest returns up to n catalog paths that share the longest prefix with
// path, for error messages about unknown paths.
func Suggest(path string, n int) []string {
	best := 0
	var out []string
	for i := 1; i <= Count; i++ {
		p := catalog[i].Path
		k := commonPrefix(p, path)
		switch {
		case k > best:
			best, out = k, []string{p}
		case k == best && len(out) < n:
			out = append(out, p)
		}
	}
	return out
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	// Count whole path segments only.
	return strings.LastIndexByte(a[:n], '.') + 1
}

var byPath = func() map[string]ID {
	m := make(map[string]ID, Count)
	for i := 1; i <= Count; i++ {
		m[catalog[i].Path] = ID(i)
	}
	return m
}()
