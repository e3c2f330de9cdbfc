package vehicle

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// MappingFile is the name of a profile's mapping file in its folder. It says
// which DBC signal feeds which VSS signal. The format is strict: only the keys
// below exist, a key of the wrong type is an error, and an unknown key is an
// error naming the key and its line.
//
//	name = "Honda Civic 2017 (opendbc)"   # required: shown to the user
//	dbc  = "honda_civic.dbc"              # required: a DBC file in the profile's folder
//
//	[[signal]]                  # one per mapped VSS signal
//	vss     = "Vehicle.Speed"   # required: a path of the VSS catalog
//	message = "ENGINE_DATA"     # optional when the signal name is unique in the DBC
//	signal  = "XMISSION_SPEED"  # required: the DBC signal
//	unit    = "km/h"            # optional: unit of the DBC physical value
//	scale   = 1.0               # optional: vss = converted*scale + offset
//	offset  = 0.0               # optional
//	values  = { P = 126, R = -1, N = 0, D = 127 }  # optional enum table
//	timeout = "500ms"           # optional staleness timeout
//	command = "MSG.SIGNAL"      # optional: the DBC signal that sets this actuator
//
// unit: the DBC's physical value (raw*factor + offset) is converted from this
// unit to the VSS signal's unit. Left out, the DBC signal's own unit is used
// when it is a known spelling ("kph", "deg", "C", "%"…); otherwise the value
// is taken to be in the VSS unit already (with a warning when the DBC names
// an unknown unit). Known units: km/h, m/s, mph; Celsius, Fahrenheit, K; kPa,
// bar, psi; m, km, mi; V, mV; percent, ratio (0..1); rpm; degrees, rad; l, gal
// (US); W, kW; s, ms, min, h; l/100km. A unit that cannot convert to the VSS
// unit is an error, and so is a unit on a VSS signal that has none.
//
// values: a table from the raw integer of the DBC signal (a key such as 3, -1
// or "0x10", or the name of an entry of the signal's VAL_ table, e.g. P) to
// the VSS value: a number for numeric signals (an integer for integer types,
// within the VSS limits), true/false for booleans, a string for string
// signals (one of the VSS allowed values when VSS lists them). A key that
// reads as an integer is an integer even if the VAL_ table has an entry of
// that name. With values, unit, scale and offset are not allowed. A raw
// value missing from the table leaves the VSS signal untouched and is
// counted (DecodeStats.Unmapped). String VSS signals need a values table;
// boolean ones take a table or the rule "non-zero is true" (then no unit,
// scale or offset).
//
// Decoding rounds values of integer VSS types to the nearest integer, and
// drops (DecodeStats.Invalid) values outside the VSS limits, NaN or infinite,
// so that a "not available" pattern such as 0xFF lets the signal go stale
// instead of showing a wrong value.
//
// timeout: how long a value stays live. Default: 3 × the message's
// GenMsgCycleTime (× the number of multiplexer pages for a multiplexed
// signal, since pages take turns), else DefaultTimeout.
//
// command: the DBC signal the cockpit transmits to ask the car to change
// this VSS signal ("SIGNAL" when the name is unique in the DBC, else
// "MESSAGE.SIGNAL"). The entry's unit, scale, offset and values apply to the
// command signal too, the same way round as for decoding (the command
// carries the value the status signal reports). Only VSS actuators take a
// command (VSS's "type": sensors and attributes are refused). The command
// message must not be mapped as a status message, and carries exactly one
// command: sending one never changes another actuator. A command signal
// must not be multiplexed. Other signals of a command message are sent as
// raw 0.
//
// One DBC signal may feed several VSS signals (e.g. a turn-signal enum feeding
// Left and Right). A VSS signal takes exactly one source: mapping a VSS path
// twice is an error.
const MappingFile = "mapping.toml"

// mappingFile is a parsed mapping file (see MappingFile for the format).
type mappingFile struct {
	File   string // for messages
	Name   string
	DBC    string
	Line   int // line of the dbc key
	Signal []mappingEntry
}

// mappingEntry is one [[signal]] table as written.
type mappingEntry struct {
	Line    int // line of the [[signal]] header
	VSS     string
	Message string
	Signal  string
	Unit    string
	Scale   *float64
	Offset  *float64
	Values  []valueEntry // in file order
	Timeout time.Duration
	Command string         // "SIGNAL" or "MESSAGE.SIGNAL"; "" when none
	lines   map[string]int // key → line
}

// valueEntry is one key = value of a values table.
type valueEntry struct {
	Key   string
	Value any // bool, int64, float64 or string
}

// line returns the line of key within the entry, or the entry's line.
func (e *mappingEntry) line(key string) int {
	if l, ok := e.lines[key]; ok {
		return l
	}
	return e.Line
}

// tomlMapping is the shape BurntSushi/toml decodes into.
type tomlMapping struct {
	Name   string       `toml:"name"`
	DBC    string       `toml:"dbc"`
	Signal []tomlSignal `toml:"signal"`
}

type tomlSignal struct {
	VSS     string   `toml:"vss"`
	Message string   `toml:"message"`
	Signal  string   `toml:"signal"`
	Unit    string   `toml:"unit"`
	Scale   *float64 `toml:"scale"`
	Offset  *float64 `toml:"offset"`
	Values  any      `toml:"values"`
	Timeout string   `toml:"timeout"`
	Command *string  `toml:"command"`
}

// A LoadError is a list of problems found while loading a profile, each
// located as file:line.
type LoadError struct {
	Problems []string
}

func (e *LoadError) Error() string { return strings.Join(e.Problems, "\n") }

type problems struct {
	list []string
}

func (p *problems) add(file string, line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		p.list = append(p.list, fmt.Sprintf("%s:%d: %s", file, line, msg))
	} else {
		p.list = append(p.list, fmt.Sprintf("%s: %s", file, msg))
	}
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &LoadError{Problems: p.list}
}

// parseMapping parses a mapping file. It checks syntax, types, unknown and
// missing keys; resolving against the VSS catalog and the DBC is done by the
// profile loader.
func parseMapping(file string, data []byte) (*mappingFile, error) {
	var raw tomlMapping
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			msg := pe.Message
			if pe.LastKey != "" {
				msg = fmt.Sprintf("key %s: %s", pe.LastKey, pe.Message)
			}
			line := pe.Position.Line
			if strings.Contains(pe.Message, `got '\n'`) && line > 1 {
				line-- // the lexer has already counted the newline it complains about
			}
			return nil, &LoadError{Problems: []string{fmt.Sprintf("%s:%d: %s", file, line, msg)}}
		}
		// Type mismatches come as plain errors: "toml: line N (last key "K"): msg".
		if m := tomlTypeErr.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			if line == 0 {
				line = scanPositions(data).keyLine(m[2])
			}
			return nil, &LoadError{Problems: []string{fmt.Sprintf("%s:%d: key %s: %s", file, line, m[2], m[3])}}
		}
		return nil, &LoadError{Problems: []string{fmt.Sprintf("%s: %v", file, strings.TrimPrefix(err.Error(), "toml: "))}}
	}
	pos := scanPositions(data)
	var p problems

	// Unknown keys. Keys inside values tables are ours to check.
	var reported []toml.Key
	nth := map[string]int{}
undecoded:
	for _, k := range md.Undecoded() {
		if len(k) > 2 && k[0] == "signal" && k[1] == "values" {
			continue
		}
		for _, r := range reported {
			if len(r) < len(k) && r.String() == k[:len(r)].String() {
				continue undecoded
			}
		}
		reported = append(reported, k)
		ks := k.String()
		p.add(file, pos.unknownLine(k, nth[ks]), "unknown key %s", k)
		nth[ks]++
	}

	m := &mappingFile{File: file, Name: raw.Name, DBC: raw.DBC, Line: pos.topLine("dbc")}
	if strings.TrimSpace(raw.Name) == "" {
		p.add(file, pos.topLine("name"), "missing or empty key name")
	}
	if raw.DBC == "" {
		p.add(file, 0, "missing or empty key dbc")
	} else if strings.ContainsAny(raw.DBC, `/\`) || raw.DBC == "." || raw.DBC == ".." {
		p.add(file, m.Line, "dbc %q must name a file in the profile's folder", raw.DBC)
	}
	if len(raw.Signal) == 0 && len(p.list) == 0 {
		p.add(file, 0, "no [[signal]] tables: the profile maps nothing")
	}
	for i, s := range raw.Signal {
		e := mappingEntry{
			Line: pos.elemLine(i), VSS: s.VSS, Message: s.Message, Signal: s.Signal,
			Unit: s.Unit, Scale: s.Scale, Offset: s.Offset, lines: pos.elemKeys(i),
		}
		if s.VSS == "" {
			p.add(file, e.Line, "[[signal]] without vss")
		}
		if s.Signal == "" {
			p.add(file, e.Line, "[[signal]] %s without signal", s.VSS)
		}
		if s.Command != nil {
			c := strings.TrimSpace(*s.Command)
			msg, sig, dotted := strings.Cut(c, ".")
			switch {
			case c == "":
				p.add(file, e.line("command"), "%s: empty command: name the DBC signal that sets it (SIGNAL or MESSAGE.SIGNAL)", s.VSS)
			case dotted && (msg == "" || sig == "" || strings.Contains(sig, ".")):
				p.add(file, e.line("command"), "%s: command %q: want SIGNAL or MESSAGE.SIGNAL", s.VSS, c)
			default:
				e.Command = c
			}
		}
		if s.Timeout != "" {
			d, err := time.ParseDuration(s.Timeout)
			switch {
			case err != nil:
				p.add(file, e.line("timeout"), "%s: timeout %q: not a duration such as \"500ms\"", s.VSS, s.Timeout)
			case d <= 0:
				p.add(file, e.line("timeout"), "%s: timeout %q must be positive", s.VSS, s.Timeout)
			default:
				e.Timeout = d
			}
		}
		if s.Values != nil {
			tbl, ok := s.Values.(map[string]any)
			if !ok {
				p.add(file, e.line("values"), "%s: values must be a table such as { P = 126, D = 127 }, not %s", s.VSS, tomlTypeName(s.Values))
			} else {
				for _, k := range valueKeyOrder(md, i, tbl) {
					v := tbl[k]
					switch v.(type) {
					case bool, int64, float64, string:
						e.Values = append(e.Values, valueEntry{Key: k, Value: v})
					default:
						p.add(file, e.line("values"), "%s: values.%s: value must be a number, boolean or string, not %s", s.VSS, k, tomlTypeName(v))
					}
				}
				if len(tbl) == 0 {
					p.add(file, e.line("values"), "%s: empty values table", s.VSS)
				}
			}
		}
		m.Signal = append(m.Signal, e)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return m, nil
}

var tomlTypeErr = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "([^"]*)"\): (.*)$`)

// valueKeyOrder returns the keys of the i-th signal's values table in file
// order (the metadata lists keys in order), falling back to any order for
// keys it cannot place.
func valueKeyOrder(md toml.MetaData, i int, tbl map[string]any) []string {
	elem := -1
	var out []string
	seen := make(map[string]bool, len(tbl))
	for _, k := range md.Keys() {
		if len(k) == 1 && k[0] == "signal" {
			elem++
			continue
		}
		if elem == i && len(k) == 3 && k[0] == "signal" && k[1] == "values" {
			if _, ok := tbl[k[2]]; ok && !seen[k[2]] {
				seen[k[2]] = true
				out = append(out, k[2])
			}
		}
	}
	for k := range tbl {
		if !seen[k] {
			out = append(out, k)
		}
	}
	return out
}

func tomlTypeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a table"
	case []any, []map[string]any:
		return "an array"
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case string:
		return "a string"
	case time.Time:
		return "a date-time"
	}
	return fmt.Sprintf("%T", v)
}

// tomlPositions records where keys are written, for error messages; the
// TOML library reports positions only for syntax errors. It is a line scan
// of a document the library has already accepted.
type tomlPositions struct {
	top   map[string]int   // top-level key → line
	elems []map[string]int // per [[signal]]: key → line
	lines []int            // per [[signal]]: header line
	other map[string]int   // other table headers → line
}

func scanPositions(data []byte) *tomlPositions {
	p := &tomlPositions{top: map[string]int{}, other: map[string]int{}}
	cur := p.top
	inMulti := ""
	for n, line := range strings.Split(string(data), "\n") {
		ln := n + 1
		t := strings.TrimSpace(line)
		if inMulti != "" {
			if strings.Count(t, inMulti)%2 == 1 {
				inMulti = ""
			}
			continue
		}
		switch {
		case t == "" || t[0] == '#':
			continue
		case strings.HasPrefix(t, "[["):
			name := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.SplitN(t[2:], "]]", 2)[0]), "]]"))
			if name == "signal" {
				cur = map[string]int{}
				p.elems = append(p.elems, cur)
				p.lines = append(p.lines, ln)
			} else {
				if _, ok := p.other[name]; !ok {
					p.other[name] = ln
				}
				cur = map[string]int{}
			}
			continue
		case t[0] == '[':
			name := strings.TrimSpace(strings.SplitN(t[1:], "]", 2)[0])
			if _, ok := p.other[name]; !ok {
				p.other[name] = ln
			}
			cur = map[string]int{}
			continue
		}
		if k, ok := leadingKey(t); ok {
			if _, dup := cur[k]; !dup {
				cur[k] = ln
			}
		}
		for _, q := range []string{`"""`, `'''`} {
			if strings.Count(t, q)%2 == 1 {
				inMulti = q
			}
		}
	}
	return p
}

// leadingKey returns the first segment of the key of a "key = value" line.
func leadingKey(t string) (string, bool) {
	eq := strings.IndexByte(t, '=')
	if eq <= 0 {
		return "", false
	}
	k := strings.TrimSpace(t[:eq])
	if i := strings.IndexByte(k, '.'); i > 0 && k[0] != '"' && k[0] != '\'' {
		k = strings.TrimSpace(k[:i])
	}
	k = strings.Trim(k, `"'`)
	return k, k != ""
}

func (p *tomlPositions) topLine(key string) int { return p.top[key] }

// keyLine locates a dotted key such as "signal.scale": its first place.
func (p *tomlPositions) keyLine(dotted string) int {
	parts := strings.Split(dotted, ".")
	return p.unknownLine(parts, 0)
}

func (p *tomlPositions) elemLine(i int) int {
	if i < len(p.lines) {
		return p.lines[i]
	}
	return 0
}

func (p *tomlPositions) elemKeys(i int) map[string]int {
	if i < len(p.elems) {
		return p.elems[i]
	}
	return nil
}

// unknownLine locates the nth occurrence of an undecoded key.
func (p *tomlPositions) unknownLine(k toml.Key, nth int) int {
	switch {
	case len(k) == 1:
		if l, ok := p.top[k[0]]; ok {
			return l
		}
		return p.other[k[0]]
	case k[0] == "signal":
		for _, e := range p.elems {
			if l, ok := e[k[1]]; ok {
				if nth == 0 {
					return l
				}
				nth--
			}
		}
	}
	if l, ok := p.other[k[0]]; ok {
		return l
	}
	return p.top[k[0]]
}
