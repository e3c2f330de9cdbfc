package vehicle

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle/dbc"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/internal/suggest"
)

// Profile is a loaded vehicle profile: a DBC file and the mapping of its
// signals to VSS signals (see the mapping format in mapping.go).
type Profile struct {
	Name     string
	Dir      string // the folder it was loaded from
	DB       *dbc.Database
	Mappings []Mapping // in mapping file order
	// Commands are the actuators the cockpit may ask the car to change
	// (the mapping's command keys), in mapping file order: each a DBC
	// signal of a message that no status mapping reads and that carries
	// no other command. Empty when the profile declares no command.
	Commands []Mapping
	// Warnings lists tolerated defects of the DBC file, definitions the DBC
	// loader could not keep, and doubtful points of the mapping.
	Warnings []dbc.Issue
}

// Mapping is a resolved [[signal]] table: a DBC signal feeding a VSS signal.
type Mapping struct {
	VSS     vss.ID
	Message *dbc.Message
	Signal  *dbc.Signal
	// Unit is the unit the DBC physical value is converted from (canonical
	// spelling), empty when no conversion applies.
	Unit          string
	Scale, Offset float64     // as written; 1 and 0 by default
	Values        []EnumValue // sorted by Raw; nil when there is no table
	// Timeout is the staleness timeout NewDecoder gives the VSS signal: the
	// mapping's timeout, else 3 × the message's cycle time (× multiplexer
	// pages), else DefaultTimeout.
	Timeout time.Duration
	Line    int // line of the [[signal]] table in the mapping file

	fld   field
	conds []cond
	a, b  float64 // vss = raw*a + b (DBC factor/offset, unit, scale/offset folded)
	kind  uint8   // convNumber, convBool, convEnum
}

// EnumValue is one entry of a mapping's values table.
type EnumValue struct {
	Raw   int64
	Value Value
}

// Conversion kinds of a mapping.
const (
	convNumber uint8 = iota
	convBool
	convEnum
)

// LoadProfile loads the profile in folder dir of the file system.
func LoadProfile(dir string) (*Profile, error) {
	return loadProfile(dir,
		func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) },
		func(name string) string { return filepath.Join(dir, name) })
}

// LoadProfileFS loads the profile in folder dir of fsys (e.g. the embedded
// assets).
func LoadProfileFS(fsys fs.FS, dir string) (*Profile, error) {
	return loadProfile(dir,
		func(name string) ([]byte, error) { return fs.ReadFile(fsys, path.Join(dir, name)) },
		func(name string) string { return path.Join(dir, name) })
}

func loadProfile(dir string, read func(string) ([]byte, error), display func(string) string) (*Profile, error) {
	mfile := display(MappingFile)
	data, err := read(MappingFile)
	if err != nil {
		return nil, fmt.Errorf("vehicle profile %s: %w", dir, err)
	}
	mf, err := parseMapping(mfile, data)
	if err != nil {
		return nil, err
	}
	dfile := display(mf.DBC)
	ddata, err := read(mf.DBC)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: dbc: %w", mfile, mf.Line, err)
	}
	db, err := dbc.Parse(dfile, ddata)
	if err != nil {
		return nil, err
	}
	p, err := resolveProfile(mf, db)
	if err != nil {
		return nil, err
	}
	p.Dir = dir
	return p, nil
}

// resolveProfile checks a parsed mapping against the VSS catalog and the DBC
// and compiles every mapping.
func resolveProfile(mf *mappingFile, db *dbc.Database) (*Profile, error) {
	p := &Profile{Name: mf.Name, DB: db}
	p.Warnings = append(p.Warnings, db.Warnings...)
	p.Warnings = append(p.Warnings, db.Lost...)
	var probs problems
	seen := map[vss.ID]int{}
	dbName := path.Base(filepath.ToSlash(db.File))
	var commands []*mappingEntry // entries with a command whose status mapping compiled
	for i := range mf.Signal {
		e := &mf.Signal[i]
		if e.VSS == "" || e.Signal == "" {
			continue // reported by the parser
		}
		fail := func(key string, format string, args ...any) {
			probs.add(mf.File, e.line(key), "%s: %s", e.VSS, fmt.Sprintf(format, args...))
		}
		warn := func(key string, format string, args ...any) {
			p.Warnings = append(p.Warnings, dbc.Issue{File: mf.File, Line: e.line(key), Msg: e.VSS + ": " + fmt.Sprintf(format, args...)})
		}
		id, ok := vss.Lookup(e.VSS)
		if !ok {
			src := e.Signal
			if e.Message != "" {
				src = e.Message + "." + e.Signal
			}
			probs.add(mf.File, e.line("vss"), "unknown VSS path %s for DBC signal %s%s", e.VSS, src, didYouMean(suggestPaths(e.VSS)))
			continue
		}
		if l, dup := seen[id]; dup {
			fail("vss", "already mapped at line %d; a VSS signal takes one source", l)
			continue
		}
		seen[id] = e.Line
		vs := vss.Get(id)

		msg, sig, why := findSignal(db, e.Message, e.Signal)
		if sig == nil {
			fail(keyOr(e, "message", "signal"), "%s", strings.ReplaceAll(why, "%DBC%", dbName))
			continue
		}
		m, ok := compileMapping(e, id, vs, msg, sig, fail, warn)
		if !ok {
			continue
		}
		switch {
		case e.Timeout > 0:
			m.Timeout = e.Timeout
		case msg.CycleTime > 0:
			m.Timeout = 3 * msg.CycleTime * time.Duration(muxPages(msg, sig))
		default:
			m.Timeout = DefaultTimeout
		}
		p.Mappings = append(p.Mappings, m)
		if e.Command != "" {
			commands = append(commands, e)
		}
	}
	p.Commands = resolveCommands(mf, db, p, commands, &probs)
	if err := probs.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// resolveCommands resolves the command keys of entries (whose status
// mappings are in p.Mappings) against db.
func resolveCommands(mf *mappingFile, db *dbc.Database, p *Profile, entries []*mappingEntry, probs *problems) []Mapping {
	dbName := path.Base(filepath.ToSlash(db.File))
	status := map[*dbc.Message]int{} // message → line of its first status mapping
	for _, m := range p.Mappings {
		if _, ok := status[m.Message]; !ok {
			status[m.Message] = m.Line
		}
	}
	type carrier struct {
		vss  string
		line int
	}
	carries := map[*dbc.Message]carrier{}
	var out []Mapping
	for _, e := range entries {
		// Problems of the DBC side point at the command key.
		fail := func(key string, format string, args ...any) {
			if key == "signal" || key == "message" {
				key = "command"
			}
			probs.add(mf.File, e.line(key), "%s: command %s: %s", e.VSS, e.Command, fmt.Sprintf(format, args...))
		}
		warn := func(key string, format string, args ...any) {
			if key == "signal" || key == "message" {
				key = "command"
			}
			p.Warnings = append(p.Warnings, dbc.Issue{File: mf.File, Line: e.line(key), Msg: e.VSS + ": command " + e.Command + ": " + fmt.Sprintf(format, args...)})
		}
		id, _ := vss.Lookup(e.VSS)
		vs := vss.Get(id)
		if vs.Type != vss.Actuator {
			fail("command", "%s is a VSS %s, not an actuator: only actuators take a command", vs.Path, vs.Type)
			continue
		}
		msgName, sigName, dotted := strings.Cut(e.Command, ".")
		if !dotted {
			msgName, sigName = "", msgName
		}
		msg, sig, why := findSignal(db, msgName, sigName)
		if sig == nil {
			fail("command", "%s", strings.ReplaceAll(why, "%DBC%", dbName))
			continue
		}
		if l, ok := status[msg]; ok {
			fail("command", "message %s is mapped as a status message (line %d): a command must have a message of its own", msg.Name, l)
			continue
		}
		if c, ok := carries[msg]; ok {
			fail("command", "message %s already carries the command of %s (line %d): each command message carries one actuator, so that sending one never changes another", msg.Name, c.vss, c.line)
			continue
		}
		if sig.Multiplexed() || sig.IsSwitch {
			fail("command", "DBC %s.%s is multiplexed: a command signal must be a plain signal", msg.Name, sig.Name)
			continue
		}
		m, ok := compileMapping(e, id, vs, msg, sig, fail, warn)
		if !ok {
			continue
		}
		carries[msg] = carrier{e.VSS, e.Line}
		out = append(out, m)
	}
	return out
}

// compileMapping compiles the conversion between DBC signal sig and VSS
// signal vs as entry e describes it (unit, scale, offset, values), for
// decoding and encoding alike. fail reports a problem at a key of e.
func compileMapping(e *mappingEntry, id vss.ID, vs *vss.Signal, msg *dbc.Message, sig *dbc.Signal,
	fail func(string, string, ...any), warn func(string, string, ...any)) (Mapping, bool) {
	m := Mapping{VSS: id, Message: msg, Signal: sig, Scale: 1, Line: e.Line}
	if e.Scale != nil {
		m.Scale = *e.Scale
	}
	if e.Offset != nil {
		m.Offset = *e.Offset
	}
	fld, err := compileField(sig)
	if err != nil {
		fail("signal", "DBC %s.%s: %v", msg.Name, sig.Name, err)
		return m, false
	}
	m.fld = fld
	conds, err := muxChain(msg, sig)
	if err != nil {
		fail("signal", "DBC %s.%s: %v", msg.Name, sig.Name, err)
		return m, false
	}
	m.conds = conds
	if math.IsNaN(m.Scale) || math.IsInf(m.Scale, 0) || m.Scale == 0 {
		fail("scale", "scale must be a non-zero number")
		return m, false
	}
	if math.IsNaN(m.Offset) || math.IsInf(m.Offset, 0) {
		fail("offset", "offset must be a number")
		return m, false
	}
	ref := fmt.Sprintf("DBC %s.%s", msg.Name, sig.Name)
	switch {
	case e.Values != nil:
		if e.Unit != "" || e.Scale != nil || e.Offset != nil {
			fail("values", "a values table replaces unit, scale and offset: remove them")
			return m, false
		}
		if fld.kind == kindFloat32 || fld.kind == kindFloat64 {
			fail("values", "%s is a floating-point signal: a values table needs an integer signal", ref)
			return m, false
		}
		vals, ok := resolveValues(e, vs, sig, &fld, fail)
		if !ok {
			return m, false
		}
		m.Values, m.kind = vals, convEnum
	case vs.Datatype == vss.String:
		fail("vss", "%s is a string signal: map %s with a values table", vs.Path, ref)
		return m, false
	case vs.Datatype == vss.Boolean:
		if e.Unit != "" || e.Scale != nil || e.Offset != nil {
			fail(keyOr(e, "unit", "scale", "offset"), "%s is boolean (non-zero is true): unit, scale and offset do not apply; use a values table to map other values", vs.Path)
			return m, false
		}
		m.kind = convBool
		m.a, m.b = sig.Factor, sig.Offset
	default:
		ua, ub, unitName, ok := resolveUnit(e, vs, sig, ref, fail, warn)
		if !ok {
			return m, false
		}
		m.Unit = unitName
		m.kind = convNumber
		m.a = sig.Factor * ua * m.Scale
		m.b = (sig.Offset*ua+ub)*m.Scale + m.Offset
	}
	return m, true
}

// keyOr returns the first key written in the entry, else the last one given.
func keyOr(e *mappingEntry, keys ...string) string {
	for _, k := range keys {
		if _, ok := e.lines[k]; ok {
			return k
		}
	}
	return keys[len(keys)-1]
}

// findSignal finds a DBC signal by optional message name and signal name.
// When it fails, why says what is missing, with %DBC% for the file name.
func findSignal(db *dbc.Database, msgName, sigName string) (*dbc.Message, *dbc.Signal, string) {
	if msgName != "" {
		m := db.MessageByName(msgName)
		if m == nil {
			var names []string
			for _, m := range db.Messages {
				names = append(names, m.Name)
			}
			return nil, nil, fmt.Sprintf("DBC message %s not in %%DBC%%%s", msgName, didYouMean(suggest.Closest(msgName, names, 3)))
		}
		s := m.Signal(sigName)
		if s == nil {
			var names []string
			for _, s := range m.Signals {
				names = append(names, s.Name)
			}
			return nil, nil, fmt.Sprintf("DBC signal %s not in message %s of %%DBC%%%s", sigName, msgName, didYouMean(suggest.Closest(sigName, names, 3)))
		}
		return m, s, ""
	}
	var hits []*dbc.Message
	var names []string
	for _, m := range db.Messages {
		for _, s := range m.Signals {
			if s.Name == sigName {
				hits = append(hits, m)
			}
			names = append(names, s.Name)
		}
	}
	switch len(hits) {
	case 0:
		return nil, nil, fmt.Sprintf("DBC signal %s not in %%DBC%%%s", sigName, didYouMean(suggest.Closest(sigName, names, 3)))
	case 1:
		return hits[0], hits[0].Signal(sigName), ""
	}
	var in []string
	for _, m := range hits {
		in = append(in, m.Name)
	}
	return nil, nil, fmt.Sprintf("DBC signal %s is in several messages (%s): set message", sigName, strings.Join(in, ", "))
}

// resolveUnit returns the conversion of a numeric mapping from the DBC unit
// to the VSS unit.
func resolveUnit(e *mappingEntry, vs *vss.Signal, sig *dbc.Signal, ref string,
	fail func(string, string, ...any), warn func(string, string, ...any)) (a, b float64, name string, ok bool) {
	dbcUnit, dbcKnown := lookupUnit(strings.TrimSpace(sig.Unit))
	if e.Unit != "" {
		u, known := lookupUnit(e.Unit)
		if !known {
			fail("unit", "unknown unit %q (known: %s)", e.Unit, knownUnits())
			return 0, 0, "", false
		}
		if vs.Unit == "" {
			fail("unit", "%s has no unit: remove unit %q", vs.Path, e.Unit)
			return 0, 0, "", false
		}
		vu, known := lookupUnit(vs.Unit)
		if !known {
			fail("unit", "VSS unit %q of %s is not supported for conversion", vs.Unit, vs.Path)
			return 0, 0, "", false
		}
		a, b, err := conversion(u, vu)
		if err != nil {
			fail("unit", "unit %s: %v (%s is in %s)", e.Unit, err, vs.Path, vs.Unit)
			return 0, 0, "", false
		}
		if dbcKnown && dbcUnit != u {
			warn("unit", "unit %s overrides the unit %q that the DBC gives %s", e.Unit, sig.Unit, ref)
		}
		return a, b, u.name, true
	}
	if vs.Unit == "" {
		return 1, 0, "", true
	}
	vu, known := lookupUnit(vs.Unit)
	if !known {
		// A VSS unit outside the table: values are taken as they come.
		return 1, 0, "", true
	}
	if !dbcKnown {
		if strings.TrimSpace(sig.Unit) != "" {
			warn("signal", "%s has unit %q, which is not a known unit: taking its values as %s (set unit to say so)", ref, sig.Unit, vs.Unit)
		}
		return 1, 0, "", true
	}
	a, b, err := conversion(dbcUnit, vu)
	if err != nil {
		fail("signal", "%s has unit %q: %v; set unit", ref, sig.Unit, err)
		return 0, 0, "", false
	}
	return a, b, dbcUnit.name, true
}

func knownUnits() string {
	names := make([]string, 0, len(units))
	for n := range units {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// resolveValues checks and converts a values table.
func resolveValues(e *mappingEntry, vs *vss.Signal, sig *dbc.Signal, fld *field,
	fail func(string, string, ...any)) ([]EnumValue, bool) {
	ok := true
	bad := func(format string, args ...any) {
		fail("values", format, args...)
		ok = false
	}
	lo, hi := fld.rawRange()
	byRaw := map[int64]string{}
	var out []EnumValue
	for _, ve := range e.Values {
		raw, err := strconv.ParseInt(ve.Key, 0, 64)
		if err != nil {
			var hits []int64
			for r, name := range sig.Values {
				if name == ve.Key {
					hits = append(hits, r)
				}
			}
			slices.Sort(hits)
			switch len(hits) {
			case 0:
				var names []string
				for _, n := range sig.Values {
					names = append(names, n)
				}
				sort.Strings(names)
				if len(names) == 0 {
					bad("values.%s: not an integer, and DBC signal %s has no VAL_ table", ve.Key, sig.Name)
				} else {
					bad("values.%s: not an integer nor a name of the VAL_ table of %s (%s)", ve.Key, sig.Name, strings.Join(names, ", "))
				}
				continue
			case 1:
				raw = hits[0]
			default:
				bad("values.%s: the VAL_ table of %s gives this name to raw values %v: use the integers", ve.Key, sig.Name, hits)
				continue
			}
		}
		if float64(raw) < lo || float64(raw) > hi {
			bad("values.%s: raw value %d does not fit the %d-bit DBC signal %s (%g..%g)", ve.Key, raw, fld.bits, sig.Name, lo, hi)
			continue
		}
		if prev, dup := byRaw[raw]; dup {
			bad("values.%s and values.%s both stand for raw value %d", prev, ve.Key, raw)
			continue
		}
		byRaw[raw] = ve.Key
		v, err := vssValue(vs, ve.Value)
		if err != nil {
			bad("values.%s = %v: %v", ve.Key, tomlLiteral(ve.Value), err)
			continue
		}
		out = append(out, EnumValue{Raw: raw, Value: v})
	}
	slices.SortFunc(out, func(a, b EnumValue) int {
		switch {
		case a.Raw < b.Raw:
			return -1
		case a.Raw > b.Raw:
			return 1
		}
		return 0
	})
	return out, ok
}

func tomlLiteral(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// vssValue converts a TOML value to a Value of signal vs, checking datatype,
// limits and allowed values.
func vssValue(vs *vss.Signal, v any) (Value, error) {
	switch vs.Datatype {
	case vss.Boolean:
		b, ok := v.(bool)
		if !ok {
			return Value{}, fmt.Errorf("%s is boolean: use true or false", vs.Path)
		}
		return BoolValue(b), nil
	case vss.String:
		s, ok := v.(string)
		if !ok {
			return Value{}, fmt.Errorf("%s is a string signal: use a string", vs.Path)
		}
		if vs.Allowed != nil {
			i := vs.AllowedIndex(s)
			if i < 0 {
				return Value{}, fmt.Errorf("not an allowed value of %s (%s)", vs.Path, strings.Join(vs.Allowed, ", "))
			}
			return Value{Num: float64(i), Str: s}, nil
		}
		return Value{Str: s}, nil
	}
	var x float64
	switch n := v.(type) {
	case int64:
		x = float64(n)
	case float64:
		x = n
	default:
		return Value{}, fmt.Errorf("%s is %s: use a number", vs.Path, vs.Datatype)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Value{}, fmt.Errorf("%s needs a finite number", vs.Path)
	}
	if vs.Datatype.IsInteger() && x != math.Trunc(x) {
		return Value{}, fmt.Errorf("%s is %s: use an integer", vs.Path, vs.Datatype)
	}
	if lo, hi := vs.Limits(); x < lo || x > hi {
		return Value{}, fmt.Errorf("outside the range %g..%g of %s", lo, hi, vs.Path)
	}
	return Value{Num: x}, nil
}

// muxPages returns how many multiplexer pages share a multiplexed signal's
// frames (1 for a plain signal): the number of switch values that the
// message's signals on the same switch use, at most 256.
func muxPages(m *dbc.Message, s *dbc.Signal) int {
	if !s.Multiplexed() {
		return 1
	}
	vals := map[uint64]bool{}
	for _, o := range m.Signals {
		if o.MuxSwitch != s.MuxSwitch {
			continue
		}
		for _, r := range o.MuxRanges {
			for v := r.Lo; v <= r.Hi && len(vals) < 256; v++ {
				vals[v] = true
				if v == math.MaxUint64 {
					break
				}
			}
		}
	}
	return max(1, len(vals))
}

// cond is one multiplexer condition: the switch's raw value must fall in
// one of the ranges.
type cond struct {
	fld    field
	ranges []dbc.MuxRange
}

func (c *cond) holds(v uint64) bool {
	for _, r := range c.ranges {
		if v >= r.Lo && v <= r.Hi {
			return true
		}
	}
	return false
}

// muxChain returns the conditions under which signal s is present: its
// switch's ranges and, for extended multiplexing, that switch's own
// conditions; outermost first, so that a frame whose outer switch rules the
// signal out is not counted short for an inner switch it does not carry.
func muxChain(m *dbc.Message, s *dbc.Signal) ([]cond, error) {
	var out []cond
	cur := s
	for depth := 0; cur.Multiplexed(); depth++ {
		if depth == 8 {
			return nil, fmt.Errorf("multiplexer chain of %s is deeper than 8 (a loop?)", s.Name)
		}
		sw := m.Signal(cur.MuxSwitch)
		if sw == nil {
			return nil, fmt.Errorf("multiplexer %s of signal %s is not in message %s", cur.MuxSwitch, cur.Name, m.Name)
		}
		if sw == cur {
			return nil, fmt.Errorf("signal %s is its own multiplexer", cur.Name)
		}
		f, err := compileField(sw)
		if err != nil {
			return nil, err
		}
		if f.kind == kindFloat32 || f.kind == kindFloat64 {
			return nil, fmt.Errorf("multiplexer %s is a floating-point signal", sw.Name)
		}
		out = append(out, cond{fld: f, ranges: cur.MuxRanges})
		cur = sw
	}
	slices.Reverse(out)
	return out, nil
}

// suggestPaths ranks the catalog paths sharing the longest prefix with p by
// edit distance.
func suggestPaths(p string) []string {
	return suggest.Closest(p, vss.Suggest(p, vss.Count), 3)
}

func didYouMean(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return " (did you mean " + strings.Join(s, " or ") + "?)"
}
