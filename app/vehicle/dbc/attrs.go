package dbc

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"time"

	syntax "go.einride.tech/can/pkg/dbc"
)

// refText lexes statement i and returns its text after the reference
// repairs (the text itself when there are none).
func (l *loader) refText(i int) []byte {
	b := l.text(i)
	toks := lex(l.toks[:0], b)
	l.toks = toks
	return l.fixRef(&l.stmts[i], b, toks)
}

// lookup finds the message a definition refers to.
func (l *loader) lookup(id syntax.MessageID) *msgInfo {
	return l.byKey[msgKey{id.ToCAN(), id.IsExtended()}]
}

func (l *loader) comment(i int, d *syntax.CommentDef) {
	st := &l.stmts[i]
	var target *string
	var mi *msgInfo
	var s *Signal
	switch d.ObjectType {
	case syntax.ObjectTypeMessage:
		if mi = l.lookup(d.MessageID); mi == nil {
			l.warn(st.line, "CM_ for message %s, which has no BO_: ignored", rawID(d.MessageID))
			return
		}
		target = &mi.m.Comment
	case syntax.ObjectTypeSignal:
		if mi = l.lookup(d.MessageID); mi == nil {
			l.warn(st.line, "CM_ for signal %s of message %s, which has no BO_: ignored", d.SignalName, rawID(d.MessageID))
			return
		}
		if s = mi.signal(string(d.SignalName)); s == nil {
			l.warn(st.line, "CM_ for signal %s, which message %s does not have: ignored", d.SignalName, mi.m.Name)
			return
		}
		target = &s.Comment
	default:
		return // network, node and environment variable comments are not modelled
	}
	c := strings.TrimSpace(unescape(d.Comment))
	if *target == "" {
		*target = c
		return
	}
	if s != nil {
		l.warn(st.line, "second CM_ for signal %s of message %s: appended", s.Name, mi.m.Name)
	} else {
		l.warn(st.line, "second CM_ for message %s: appended", mi.m.Name)
	}
	// Joined once at the end: appending here would copy the text each time.
	if l.moreComments == nil {
		l.moreComments = map[*string][]string{}
	}
	parts, ok := l.moreComments[target]
	if !ok {
		parts = []string{*target}
	}
	l.moreComments[target] = append(parts, c)
}

func rawID(id syntax.MessageID) string {
	return idString(id.ToCAN(), id.IsExtended())
}

func (l *loader) values(i int, d *syntax.ValueDescriptionsDef, base int) {
	st := &l.stmts[i]
	if d.ObjectType != syntax.ObjectTypeSignal {
		return // environment variable values are not modelled
	}
	mi := l.lookup(d.MessageID)
	if mi == nil {
		l.warn(st.line, "VAL_ for message %s, which has no BO_: ignored", rawID(d.MessageID))
		return
	}
	s := mi.signal(string(d.SignalName))
	if s == nil {
		l.warn(st.line, "VAL_ for signal %s, which message %s does not have: ignored", d.SignalName, mi.m.Name)
		return
	}
	if s.Values != nil {
		l.warn(st.line, "second VAL_ for signal %s: merged", s.Name)
	} else if len(d.ValueDescriptions) > 0 {
		s.Values = make(map[int64]string, len(d.ValueDescriptions))
	}
	for _, v := range d.ValueDescriptions {
		line := min(max(base+v.Pos.Line-1, st.line), st.last)
		if v.Value != math.Trunc(v.Value) || v.Value < math.MinInt64 || v.Value >= math.MaxInt64 {
			l.warn(line, "VAL_ %s: value %v is not an integer: entry ignored", s.Name, v.Value)
			continue
		}
		k := int64(v.Value)
		if old, dup := s.Values[k]; dup {
			l.warn(line, "VAL_ %s: value %d described twice (%q, %q): kept the first", s.Name, k, old, v.Description)
			continue
		}
		s.Values[k] = unescape(v.Description)
	}
}

func (l *loader) valueType(i int, d *syntax.SignalValueTypeDef) {
	st := &l.stmts[i]
	mi := l.lookup(d.MessageID)
	if mi == nil {
		l.warn(st.line, "SIG_VALTYPE_ for message %s, which has no BO_: ignored", rawID(d.MessageID))
		return
	}
	s := mi.signal(string(d.SignalName))
	if s == nil {
		l.warn(st.line, "SIG_VALTYPE_ for signal %s, which message %s does not have: ignored", d.SignalName, mi.m.Name)
		return
	}
	t, bits := Integer, 0
	switch d.SignalValueType {
	case syntax.SignalValueTypeFloat32:
		t, bits = Float32, 32
	case syntax.SignalValueTypeFloat64:
		t, bits = Float64, 64
	}
	if bits != 0 && s.Length != bits {
		l.warn(st.line, "SIG_VALTYPE_ %s: %d-bit float on a %d-bit signal: kept as integer", s.Name, bits, s.Length)
		return
	}
	s.Type = t
}

const cycleAttr = "GenMsgCycleTime"

// cycleDefFloat is the parser context for GenMsgCycleTime values when the
// file has no BA_DEF_ for it.
var cycleDefFloat = []byte(`BA_DEF_ BO_ "` + cycleAttr + `" FLOAT;` + "\n")

// attrDef records the BA_DEF_ of GenMsgCycleTime, the only attribute the
// model uses; other attribute definitions are not read.
func (l *loader) attrDef(i int) {
	b := l.text(i)
	toks := lex(l.toks[:0], b)
	l.toks = toks
	if !attrNamed(b, toks, cycleAttr) {
		return
	}
	text := l.fixRef(&l.stmts[i], b, toks)
	def, perr := l.syntax(i, text, nil)
	if perr != nil {
		l.warn(perr.line, "BA_DEF_ %q ignored: %s", cycleAttr, perr.reason)
		return
	}
	d, ok := def.(*syntax.AttributeDef)
	if !ok || d.Name != cycleAttr {
		return
	}
	if d.ObjectType != syntax.ObjectTypeMessage {
		l.warn(l.stmts[i].line, "BA_DEF_ %q is not defined for messages (BO_): ignored", cycleAttr)
		return
	}
	l.cycleDef = append(bytes.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, text), '\n')
	l.cycleType = d.Type
	l.cycleDefSet = true
}

// attrNamed reports whether a BA_DEF_, BA_DEF_DEF_ or BA_ statement is
// about the attribute name.
func attrNamed(b []byte, toks []token, name string) bool {
	for k := 1; k < len(toks) && k < 3; k++ {
		if toks[k].kind == tString {
			t := toks[k]
			return !t.open && string(b[t.s+1:t.e-1]) == name
		}
	}
	return false
}

// attrValue reads BA_DEF_DEF_ and BA_ of GenMsgCycleTime.
func (l *loader) attrValue(i int) {
	st := &l.stmts[i]
	b := l.text(i)
	toks := lex(l.toks[:0], b)
	l.toks = toks
	if !attrNamed(b, toks, cycleAttr) {
		return
	}
	if st.kw == "BA_" && !(len(toks) > 2 && toks[2].is(b, "BO_")) {
		return
	}
	text := l.fixRef(st, b, toks)
	prefix := l.cycleDef
	if !l.cycleDefSet {
		prefix = cycleDefFloat
		l.cycleType = syntax.AttributeValueTypeFloat
		if !l.cycleNoDef {
			l.warn(st.line, "%s %q used without a BA_DEF_ for messages: values read as numbers", st.kw, cycleAttr)
			l.cycleNoDef = true
		}
	}
	def, perr := l.syntax(i, text, prefix)
	if perr != nil {
		l.warn(perr.line, "%s %q ignored: %s", st.kw, cycleAttr, perr.reason)
		return
	}
	var iv int64
	var fv float64
	var sv string
	var mi *msgInfo
	switch d := def.(type) {
	case *syntax.AttributeDefaultValueDef:
		iv, fv, sv = d.DefaultIntValue, d.DefaultFloatValue, d.DefaultStringValue
	case *syntax.AttributeValueForObjectDef:
		iv, fv, sv = d.IntValue, d.FloatValue, d.StringValue
		if mi = l.lookup(d.MessageID); mi == nil {
			l.warn(st.line, "BA_ %q for message %s, which has no BO_: ignored", cycleAttr, rawID(d.MessageID))
			return
		}
	default:
		return
	}
	var ms float64
	switch l.cycleType {
	case syntax.AttributeValueTypeInt, syntax.AttributeValueTypeHex:
		ms = float64(iv)
	case syntax.AttributeValueTypeFloat:
		ms = fv
	default:
		v, err := strconv.ParseFloat(strings.TrimSpace(sv), 64)
		if err != nil {
			l.warn(st.line, "%s %q: value %q is not a number: ignored", st.kw, cycleAttr, sv)
			return
		}
		ms = v
	}
	if !(ms >= 0 && ms <= 24*3600*1000) {
		l.warn(st.line, "%s %q: %v ms is not a usable cycle time: ignored", st.kw, cycleAttr, ms)
		return
	}
	d := time.Duration(ms * float64(time.Millisecond))
	if mi == nil { // BA_DEF_DEF_: the default for messages without a BA_
		l.cycleDefault = d
		return
	}
	if mi.cycleSet {
		l.warn(st.line, "second BA_ %q for message %s: the later value used", cycleAttr, mi.m.Name)
	}
	mi.m.CycleTime = d
	mi.cycleSet = true
}
