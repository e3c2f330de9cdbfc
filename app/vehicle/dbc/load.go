package dbc

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/scanner"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	syntax "go.einride.tech/can/pkg/dbc"
)

// Load reads and parses the DBC file at path.
func Load(path string) (*Database, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dbc: %w", err)
	}
	return Parse(path, data)
}

// Parse parses DBC text; name is used in errors and issues. It returns an
// error only when the text is empty or is not DBC at all; every defect it
// tolerates is listed in Warnings and every BO_ or SG_ definition it could
// not keep in Lost.
func Parse(name string, data []byte) (*Database, error) {
	return parse(name, data, false)
}

// parse is Parse; oneByOne turns off the parsing of clean runs in one
// parser call, so that tests can check both paths agree.
func parse(name string, data []byte, oneByOne bool) (*Database, error) {
	l := &loader{name: name, db: &Database{File: name}, oneByOne: oneByOne}
	if u, ok := fromUTF16(data); ok {
		data = u
		l.warn(1, "file is UTF-16 (byte-order mark): decoded")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: empty file, not a DBC file", name)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("%s: binary data (NUL bytes), not a DBC file", name)
	}
	l.prepare(data)
	l.split()
	if !l.anyKeyword() {
		return nil, fmt.Errorf("%s: not a DBC file: no DBC definitions (BO_, BU_, VERSION, …) found", name)
	}
	l.load()
	return l.db, nil
}

// fromUTF16 decodes text that starts with a UTF-16 byte-order mark.
func fromUTF16(data []byte) ([]byte, bool) {
	if len(data) < 2 {
		return nil, false
	}
	var order binary.ByteOrder
	switch {
	case data[0] == 0xFF && data[1] == 0xFE:
		order = binary.LittleEndian
	case data[0] == 0xFE && data[1] == 0xFF:
		order = binary.BigEndian
	default:
		return nil, false
	}
	units := make([]uint16, (len(data)-2)/2)
	for k := range units {
		units[k] = order.Uint16(data[2+2*k:])
	}
	out := make([]byte, 0, len(units))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out, true
}

// Summary is a one-line account of the load, for the command line.
func (d *Database) Summary() string {
	n := 0
	for _, m := range d.Messages {
		n += len(m.Signals)
	}
	return fmt.Sprintf("%s: %d messages, %d signals, %d warnings, %d lost (text has %d BO_, %d SG_)",
		d.File, len(d.Messages), n, len(d.Warnings), len(d.Lost), d.TextMessages, d.TextSignals)
}

type msgKey struct {
	id  uint32
	ext bool
}

// msgInfo is a message being built, with per-signal bookkeeping aligned
// with m.Signals.
type msgInfo struct {
	m        *Message
	muxVal   []int64 // mN value, -1 when not multiplexed
	mulVal   []bool  // SG_MUL_VAL_ seen
	sigStmt  []int
	index    map[string]int // signal name → index, once there are many
	cycleSet bool
}

// find returns the index of the named signal, or -1.
func (mi *msgInfo) find(name string) int {
	if mi.index != nil {
		if k, ok := mi.index[name]; ok {
			return k
		}
		return -1
	}
	for k, s := range mi.m.Signals {
		if s.Name == name {
			return k
		}
	}
	return -1
}

// signal returns the named signal, or nil.
func (mi *msgInfo) signal(name string) *Signal {
	if k := mi.find(name); k >= 0 {
		return mi.m.Signals[k]
	}
	return nil
}

// add appends a signal and its bookkeeping.
func (mi *msgInfo) add(s *Signal, mux int64, stmt int) {
	mi.m.Signals = append(mi.m.Signals, s)
	mi.muxVal = append(mi.muxVal, mux)
	mi.mulVal = append(mi.mulVal, false)
	mi.sigStmt = append(mi.sigStmt, stmt)
	switch n := len(mi.m.Signals); {
	case mi.index != nil:
		mi.index[s.Name] = n - 1
	case n > 16: // linear search is quicker below this
		mi.index = make(map[string]int, 2*n)
		for k, s := range mi.m.Signals {
			mi.index[s.Name] = k
		}
	}
}

type loader struct {
	name     string
	data     []byte
	db       *Database
	oneByOne bool

	// splitter state
	stmts      []stmt
	toks       []token
	cur        int
	curMsg     int
	inStr      bool
	identBlock bool

	// loading state
	status  []int8 // per stmt, BO_/SG_ only: 0 unknown, 1 kept, 2 lost
	msgs    []*msgInfo
	byKey   map[msgKey]*msgInfo
	byName  map[string]*msgInfo
	scratch []byte
	run     []int
	sgText  [][]byte
	sgFix   []sgFix
	sgWhy   []string

	cycleDef     []byte // one-line BA_DEF_ "GenMsgCycleTime", parser context for BA_
	cycleType    syntax.AttributeValueType
	cycleDefSet  bool
	cycleNoDef   bool                 // warned that GenMsgCycleTime has no BA_DEF_
	cycleDefault time.Duration        // BA_DEF_DEF_ "GenMsgCycleTime"
	moreComments map[*string][]string // second and later CM_ for an object
}

const (
	kept int8 = 1
	lost int8 = 2
)

func (l *loader) warn(line int, format string, a ...any) {
	l.db.Warnings = append(l.db.Warnings, Issue{File: l.name, Line: line, Msg: fmt.Sprintf(format, a...)})
}

// lose lists BO_ or SG_ statement i in Lost.
func (l *loader) lose(i int, format string, a ...any) {
	l.status[i] = lost
	l.db.Lost = append(l.db.Lost, Issue{File: l.name, Line: l.stmts[i].line, Msg: l.defName(i) + ": " + fmt.Sprintf(format, a...)})
}

// defName names a BO_ or SG_ statement as written, for Lost entries, which
// start with "BO_" or "SG_".
func (l *loader) defName(i int) string {
	st := &l.stmts[i]
	b := l.data[st.s:st.e]
	toks := lex(nil, b)
	s := st.kw
	n := 2
	if st.kw == "BO_" {
		n = 3
	}
	for k := 1; k < n && k < len(toks) && toks[k].kind != tPunct && toks[k].kind != tString; k++ {
		s += " " + toks[k].text(b)
	}
	return s
}

func (l *loader) anyKeyword() bool {
	for i := range l.stmts {
		if knownKeyword(l.stmts[i].kw) {
			return true
		}
	}
	return false
}

// text returns statement i's text as written.
func (l *loader) text(i int) []byte {
	st := &l.stmts[i]
	return l.data[st.s:st.e]
}

// load turns the statements into the model.
func (l *loader) load() {
	l.status = make([]int8, len(l.stmts))
	l.byKey = map[msgKey]*msgInfo{}
	l.byName = map[string]*msgInfo{}
	// Messages and signals first: everything else refers to them.
	for i := 0; i < len(l.stmts); i++ {
		switch st := &l.stmts[i]; st.kw {
		case "BO_":
			l.db.TextMessages++
			j := i + 1
			for j < len(l.stmts) && l.stmts[j].kw == "SG_" && l.stmts[j].msg == i {
				j++
			}
			l.db.TextSignals += j - i - 1
			l.block(i, j)
			i = j - 1
		case "SG_":
			l.db.TextSignals++
			l.lose(i, "signal outside any message (no BO_ before it)")
		case "BA_DEF_":
			l.attrDef(i)
		}
	}
	l.references()
	for _, mi := range l.msgs {
		if !mi.cycleSet {
			mi.m.CycleTime = l.cycleDefault
		}
		l.resolveMux(mi)
		l.db.Messages = append(l.db.Messages, mi.m)
	}
	slices.SortStableFunc(l.db.Messages, func(a, b *Message) int {
		if a.Extended != b.Extended {
			if a.Extended {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.ID, b.ID)
	})
	// Nothing is dropped silently: every BO_ and SG_ is kept or listed.
	for i := range l.stmts {
		if kw := l.stmts[i].kw; (kw == "BO_" || kw == "SG_") && l.status[i] == 0 {
			l.lose(i, "not loaded")
		}
	}
	byLine := func(a, b Issue) int { return cmp.Compare(a.Line, b.Line) }
	slices.SortStableFunc(l.db.Warnings, byLine)
	slices.SortStableFunc(l.db.Lost, byLine)
}

// references applies the definitions that refer to messages and signals:
// comments, value tables, value types, cycle times and SG_MUL_VAL_. Runs
// of consecutive CM_, VAL_ or SIG_VALTYPE_ that need no repair are parsed
// in one parser call.
func (l *loader) references() {
	run := l.run[:0]
	flush := func() {
		if len(run) > 0 {
			l.applyRun(run)
			run = run[:0]
		}
	}
	for i := range l.stmts {
		switch kw := l.stmts[i].kw; kw {
		case "CM_", "VAL_", "SIG_VALTYPE_":
			text := l.refText(i)
			if l.oneByOne || !sameBytes(text, l.text(i)) {
				flush()
				l.applyOne(i, text)
				continue
			}
			if len(run) > 0 && (l.stmts[run[0]].kw != kw || len(run) >= 256 || !l.adjacent(run[len(run)-1], i)) {
				flush()
			}
			run = append(run, i)
		case "BA_DEF_DEF_", "BA_":
			flush()
			l.attrValue(i)
		case "SG_MUL_VAL_":
			flush()
			l.mulVal(i)
		}
	}
	flush()
	l.run = run
	for target, parts := range l.moreComments {
		*target = strings.Join(parts, "\n")
	}
}

// applyRun parses and applies a run of statements of one kind.
func (l *loader) applyRun(run []int) {
	defs := l.parseRun(run, false)
	if defs == nil {
		for _, i := range run {
			l.applyOne(i, l.text(i))
		}
		return
	}
	base := l.stmts[run[0]].line
	for k, i := range run {
		l.applyRef(i, defs[k], base)
	}
}

// applyOne parses and applies one (possibly repaired) statement.
func (l *loader) applyOne(i int, text []byte) {
	st := &l.stmts[i]
	def, perr := l.syntax(i, text, nil)
	if perr != nil {
		l.warn(perr.line, "%s ignored: %s", st.kw, perr.reason)
		return
	}
	l.applyRef(i, def, st.line)
}

// applyRef applies a parsed CM_, VAL_ or SIG_VALTYPE_; base is the file
// line of the first line the parser saw.
func (l *loader) applyRef(i int, def syntax.Def, base int) {
	switch d := def.(type) {
	case *syntax.CommentDef:
		l.comment(i, d)
	case *syntax.ValueDescriptionsDef:
		l.values(i, d, base)
	case *syntax.SignalValueTypeDef:
		l.valueType(i, d)
	}
}

// adjacent reports whether only white space separates statements i and j.
func (l *loader) adjacent(i, j int) bool {
	for _, c := range l.data[l.stmts[i].e:l.stmts[j].s] {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// parseRun parses the file text from statement run[0] to the end of the
// last one in one parser call and returns one definition per statement, or
// nil when the parser failed or its definitions do not line up with the
// statements (the caller then parses them one by one). For a BO_ block
// (run[0] a BO_, the rest its SG_ lines) it returns the MessageDef alone,
// checked to hold one signal per SG_ line.
func (l *loader) parseRun(run []int, block bool) []syntax.Def {
	first := &l.stmts[run[0]]
	last := &l.stmts[run[len(run)-1]]
	p := syntax.NewParser(l.name, l.data[first.s:last.e])
	if err := safeParse(p); err != nil {
		return nil
	}
	defs := p.Defs()
	at := func(d syntax.Def, i int) bool { return first.line+d.Position().Line-1 == l.stmts[i].line }
	if block {
		if len(defs) != 1 {
			return nil
		}
		md, ok := defs[0].(*syntax.MessageDef)
		if !ok || len(md.Signals) != len(run)-1 || !at(md, run[0]) {
			return nil
		}
		for k := range md.Signals {
			if !at(&md.Signals[k], run[k+1]) {
				return nil
			}
		}
		return defs
	}
	if len(defs) != len(run) {
		return nil
	}
	for k, d := range defs {
		if !at(d, run[k]) {
			return nil
		}
	}
	return defs
}

// parseError is a failure of the syntax parser located in the file.
type parseError struct {
	line   int
	reason string
}

// syntax parses text (statement i's, perhaps repaired) with the einride
// parser, after the optional one-line prefix that gives it context, and
// returns the definition the statement holds.
func (l *loader) syntax(i int, text, prefix []byte) (syntax.Def, *parseError) {
	st := &l.stmts[i]
	buf := append(l.scratch[:0], prefix...)
	buf = append(buf, text...)
	l.scratch = buf
	p := syntax.NewParser(l.name, buf)
	err := safeParse(p)
	defs := p.Defs()
	want := 0
	if len(prefix) > 0 {
		want = 1
	}
	var def syntax.Def
	if len(defs) > want {
		def = defs[want]
	}
	if err != nil {
		line := min(max(st.line+err.Position().Line-1-want, st.line), st.last)
		if def == nil {
			return nil, &parseError{line, err.Reason()}
		}
		l.warn(line, "unexpected text after the %s definition ignored (%s)", st.kw, err.Reason())
	} else if len(defs) > want+1 {
		l.warn(st.line, "unexpected text after the %s definition ignored", st.kw)
	}
	if def == nil {
		return nil, &parseError{st.line, "no definition found"}
	}
	return def, nil
}

type panicError struct{ msg string }

func (e panicError) Error() string              { return e.msg }
func (e panicError) Reason() string             { return e.msg }
func (e panicError) Position() scanner.Position { return scanner.Position{} }

// safeParse runs the parser, turning any panic into an error.
func safeParse(p *syntax.Parser) (err syntax.Error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError{fmt.Sprint("parser failure: ", r)}
		}
	}()
	return p.Parse()
}
