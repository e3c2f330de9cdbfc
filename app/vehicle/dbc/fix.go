package dbc

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Line-level repairs applied to a statement's text before the einride
// parser reads it. Repairs never add or remove line breaks, so positions
// reported by the parser still map to the file's lines.

const (
	extFlag  = 0x80000000
	maxStd   = 0x7FF
	maxExt   = 0x1FFFFFFF
	indepSig = 0xC0000000 // VECTOR__INDEPENDENT_SIG_MSG
)

type edit struct {
	s, e int
	repl string
}

// editor collects replacements and a tail for one statement's text.
type editor struct {
	edits []edit
	cut   int // truncate at this offset when > 0
	tail  string
}

func (ed *editor) replace(t token, repl string) { ed.edits = append(ed.edits, edit{t.s, t.e, repl}) }

func (ed *editor) truncate(at int) { ed.cut = at }

func (ed *editor) add(s string) { ed.tail += s }

// apply returns b with the edits applied; b itself when there are none.
// Edits must be in increasing, non-overlapping order.
func (ed *editor) apply(b []byte) []byte {
	if len(ed.edits) == 0 && ed.cut == 0 && ed.tail == "" {
		return b
	}
	if ed.cut > 0 {
		b = b[:ed.cut]
	}
	out := make([]byte, 0, len(b)+len(ed.tail)+16)
	at := 0
	for _, x := range ed.edits {
		if x.s < at || x.e > len(b) {
			continue
		}
		out = append(out, b[at:x.s]...)
		out = append(out, x.repl...)
		at = x.e
	}
	out = append(out, b[at:]...)
	return append(out, ed.tail...)
}

// canonID resolves a message ID as written in the file.
func canonID(raw uint64) (id uint32, ext, ok bool) {
	switch {
	case raw&extFlag != 0 && raw <= math.MaxUint32:
		v := raw &^ extFlag
		return uint32(v), true, v <= maxExt
	case raw <= maxStd:
		return uint32(raw), false, true
	case raw <= maxExt:
		return uint32(raw), true, true
	}
	return 0, false, false
}

// fixID rewrites a 29-bit ID written without the extended flag to its
// flagged form, which is what the einride parser accepts. It reports
// whether it did.
func fixID(ed *editor, b []byte, t token) bool {
	if t.kind != tNumber {
		return false
	}
	raw, err := strconv.ParseUint(t.text(b), 10, 64)
	if err != nil || raw <= maxStd || raw > maxExt {
		return false
	}
	ed.replace(t, strconv.FormatUint(raw|extFlag, 10))
	return true
}

// fixBO repairs a BO_ header. lost is non-empty when the message cannot be
// kept whatever the parser says.
func (l *loader) fixBO(st *stmt, b []byte) (text []byte, lost string) {
	toks := lex(l.toks[:0], b)
	l.toks = toks
	var ed editor
	if len(toks) >= 2 && toks[1].kind == tNumber {
		raw, err := strconv.ParseUint(toks[1].text(b), 10, 64)
		if err == nil && raw == indepSig {
			return nil, "VECTOR__INDEPENDENT_SIG_MSG pseudo-message (its signals are sent in no frame)"
		}
		if fixID(&ed, b, toks[1]) {
			l.warn(st.line, "29-bit ID %d (0x%X) written without the extended flag: read as extended", raw, raw)
		}
	}
	if len(toks) >= 5 && toks[2].kind == tIdent && toks[3].is(b, ":") && toks[4].kind == tNumber {
		switch {
		case len(toks) == 5:
			ed.add(" Vector__XXX")
			l.warn(st.line, "BO_ %s has no transmitter: Vector__XXX assumed", toks[2].text(b))
		case len(toks) > 6 && toks[5].kind == tIdent:
			ed.truncate(toks[5].e)
			l.warn(st.line, "unexpected text after BO_ %s ignored: %s", toks[2].text(b), excerpt(b[toks[6].s:]))
		}
	}
	return ed.apply(b), ""
}

// sgFix is what fixSG found out about a signal line.
type sgFix struct {
	extMux bool // mNM: multiplexed and itself a switch
}

// fixSG repairs an SG_ line.
func (l *loader) fixSG(st *stmt, b []byte) (text []byte, f sgFix, lost string) {
	toks := lex(l.toks[:0], b)
	l.toks = toks
	var ed editor
	if st.needQuote {
		ed.add(`"`)
	}
	if len(toks) < 3 || toks[1].kind != tIdent {
		return ed.apply(b), f, ""
	}
	name := func() string { return toks[1].text(b) }
	i := 2
	if toks[2].kind == tIdent {
		if w := b[toks[2].s:toks[2].e]; isExtMux(w) {
			ed.replace(toks[2], string(w[:len(w)-1]))
			f.extMux = true
		}
		i = 3
	}
	// ( factor , offset ) [ min | max ] "unit" receivers
	p := findPunct(b, toks, i, '(')
	if p < 0 {
		return ed.apply(b), f, ""
	}
	j := p + 1
	for k, what := range [2]string{"factor", "offset"} {
		v, next, ok := numberAt(b, toks, j)
		if !ok {
			return ed.apply(b), f, ""
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, f, fmt.Sprintf("%s is not a finite number (%s)", what, toks[next-1].text(b))
		}
		j = next
		if k == 0 {
			if j >= len(toks) || !toks[j].is(b, ",") {
				return ed.apply(b), f, ""
			}
			j++
		}
	}
	q := findPunct(b, toks, j, '[')
	if q < 0 {
		return ed.apply(b), f, ""
	}
	j = q + 1
	for k, what := range [2]string{"minimum", "maximum"} {
		start := j
		v, next, ok := numberAt(b, toks, j)
		if !ok {
			return ed.apply(b), f, ""
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			for x := start; x < next-1; x++ {
				ed.replace(toks[x], "") // the sign
			}
			ed.replace(toks[next-1], "0")
			l.warn(st.line, "SG_ %s: %s %s is not a finite number: 0 used", name(), what, toks[next-1].text(b))
		}
		j = next
		if k == 0 {
			if j >= len(toks) || !toks[j].is(b, "|") {
				return ed.apply(b), f, ""
			}
			j++
		}
	}
	u := -1
	for x := j; x < len(toks); x++ {
		if toks[x].kind == tString {
			u = x
			break
		}
	}
	if u < 0 {
		return ed.apply(b), f, ""
	}
	rest := toks[u+1:]
	if len(rest) == 0 || rest[0].kind != tIdent {
		if len(rest) > 0 {
			ed.truncate(toks[u].e)
			l.warn(st.line, "SG_ %s: unexpected text after the unit ignored: %s", name(), excerpt(b[rest[0].s:]))
		}
		ed.add(" Vector__XXX")
		l.warn(st.line, "SG_ %s has no receiver: Vector__XXX assumed", name())
		return ed.apply(b), f, ""
	}
	// Receivers: ident { [,] ident }.
	spaced := false
	end := 1
	for end < len(rest) {
		switch {
		case rest[end].is(b, ",") && end+1 < len(rest) && rest[end+1].kind == tIdent:
			end += 2
			continue
		case rest[end].kind == tIdent:
			spaced = true
			end++
			continue
		}
		break
	}
	if spaced {
		var names []string
		for _, t := range rest[:end] {
			if t.kind == tIdent {
				names = append(names, t.text(b))
			}
		}
		ed.edits = append(ed.edits, edit{rest[0].s, rest[end-1].e, strings.Join(names, ",")})
		l.warn(st.line, "SG_ %s: receivers separated by spaces: read as a list", name())
	}
	if end < len(rest) {
		ed.truncate(rest[end-1].e)
		l.warn(st.line, "SG_ %s: unexpected text after the receivers ignored: %s", name(), excerpt(b[rest[end].s:]))
	}
	return ed.apply(b), f, ""
}

// isExtMux reports whether w is an extended multiplexing indicator mNM.
func isExtMux(w []byte) bool {
	if len(w) < 3 || w[0] != 'm' || w[len(w)-1] != 'M' {
		return false
	}
	for i := 1; i < len(w)-1; i++ {
		if !isDigit(w[i]) {
			return false
		}
	}
	return true
}

func findPunct(b []byte, toks []token, from int, c byte) int {
	for i := from; i < len(toks); i++ {
		if toks[i].kind == tPunct && b[toks[i].s] == c {
			return i
		}
	}
	return -1
}

// numberAt reads an optionally negative number at toks[i], accepting the
// words NaN and Inf so that they can be reported. next is the index after.
func numberAt(b []byte, toks []token, i int) (v float64, next int, ok bool) {
	neg := false
	if i < len(toks) && toks[i].is(b, "-") {
		neg = true
		i++
	}
	if i >= len(toks) {
		return 0, i, false
	}
	t := toks[i]
	switch t.kind {
	case tNumber:
		f, err := strconv.ParseFloat(t.text(b), 64)
		if err != nil && !math.IsInf(f, 0) {
			return 0, i + 1, false
		}
		v = f
	case tIdent:
		switch strings.ToLower(t.text(b)) {
		case "nan":
			v = math.NaN()
		case "inf", "infinity":
			v = math.Inf(1)
		default:
			return 0, i + 1, false
		}
	default:
		return 0, i + 1, false
	}
	if neg {
		v = -v
	}
	return v, i + 1, true
}

// fixRef rewrites the message ID that a CM_, VAL_, BA_ or SIG_VALTYPE_
// definition refers to, and repairs CM_ SG_ without a signal name.
func (l *loader) fixRef(st *stmt, b []byte, toks []token) []byte {
	var ed editor
	id := -1
	switch st.kw {
	case "VAL_", "SIG_VALTYPE_", "BO_TX_BU_":
		id = 1
	case "CM_":
		if len(toks) > 2 && (toks[1].is(b, "BO_") || toks[1].is(b, "SG_")) {
			id = 2
			if toks[1].is(b, "SG_") && len(toks) > 3 && toks[3].kind == tString {
				ed.replace(toks[1], "BO_")
				l.warn(st.line, "CM_ SG_ %s without a signal name: kept as the message's comment", toks[2].text(b))
			}
		}
	case "BA_":
		if len(toks) > 3 && (toks[2].is(b, "BO_") || toks[2].is(b, "SG_")) {
			id = 3
		}
	}
	if id > 0 && id < len(toks) {
		fixID(&ed, b, toks[id])
	}
	if st.needQuote {
		ed.add(`"`)
	}
	if !st.semi {
		ed.add(";")
	}
	return ed.apply(b)
}

// excerpt quotes the start of b for a message.
func excerpt(b []byte) string {
	if len(b) > 120 {
		b = b[:120]
	}
	s := strings.TrimSpace(string(b))
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}
