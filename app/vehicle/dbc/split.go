package dbc

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The splitter cuts the text into definitions ("statements"), each with the
// line numbers it spans, so that every definition can be parsed on its own
// and one bad definition costs nothing else. A statement starts at a line
// whose first word is a DBC keyword; `;`-terminated kinds continue over
// following non-keyword lines until their `;`; a BO_ header and each SG_
// line are statements of their own.

// stmt is one definition in the text.
type stmt struct {
	kw         string
	line, last int // first and last line (1-based)
	s, e       int // byte range in loader.data
	semi       bool
	needQuote  bool // ends inside a string: the loader closes it
	msg        int  // SG_: index in loader.stmts of its BO_, -1 if none
}

// semiKinds are the keywords whose definitions end with ';'.
var semiKinds = map[string]bool{
	"CM_": true, "VAL_": true, "VAL_TABLE_": true, "BA_DEF_": true, "BA_DEF_DEF_": true,
	"BA_": true, "SIG_VALTYPE_": true, "BO_TX_BU_": true, "EV_": true, "ENVVAR_DATA_": true,
	"SG_MUL_VAL_": true, "SIG_GROUP_": true, "SGTYPE_": true, "SGTYPE_VAL_": true,
	"CAT_DEF_": true, "CAT_": true, "FILTER": true, "BA_DEF_REL_": true, "BA_REL_": true,
	"BA_DEF_DEF_REL_": true, "BA_DEF_SGTYPE_": true, "BA_SGTYPE_": true, "SIG_TYPE_REF_": true,
	"SIGTYPE_VALTYPE_": true, "EV_DATA_": true, "BU_SG_REL_": true, "BU_EV_REL_": true,
	"BU_BO_REL_": true,
}

// lineKinds are the keywords whose definitions take one line.
var lineKinds = map[string]bool{
	"BO_": true, "SG_": true, "BU_": true, "BS_": true, "VERSION": true, "NS_": true, "NS_DESC_": true,
}

func knownKeyword(w string) bool { return semiKinds[w] || lineKinds[w] }

// keywords maps each known keyword to itself, to get its string without
// allocating one per line.
var keywords = func() map[string]string {
	m := map[string]string{}
	for _, set := range []map[string]bool{semiKinds, lineKinds} {
		for k := range set {
			m[k] = k
		}
	}
	return m
}()

// keyword returns the known keyword t spells, or "".
func keyword(b []byte, t token) string {
	if t.kind != tIdent {
		return ""
	}
	return keywords[string(b[t.s:t.e])]
}

// keywordLike reports whether w looks like a DBC keyword we do not know
// (upper case, ending with '_'), such as a vendor extension.
func keywordLike(w string) bool {
	if len(w) < 3 || w[len(w)-1] != '_' || w[0] < 'A' || w[0] > 'Z' {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// prepare normalises the raw bytes: strips a UTF-8 BOM, turns old Mac line
// ends into newlines and decodes lines that are not UTF-8 as Latin-1. It
// never changes the number of lines.
func (l *loader) prepare(raw []byte) {
	data := bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
	if bytes.IndexByte(data, '\n') < 0 && bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
		l.warn(1, "lines end with CR only: read as line ends")
	}
	if utf8.Valid(data) {
		l.data = data
		return
	}
	var out []byte
	var lines []string
	n, first, line := 0, 0, 1
	for start := 0; start < len(data); line++ {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start + 1
		}
		seg := data[start:end]
		if utf8.Valid(seg) {
			out = append(out, seg...)
		} else {
			n++
			if n == 1 {
				first = line
			}
			if len(lines) < 5 {
				lines = append(lines, strconv.Itoa(line))
			}
			for _, c := range seg {
				out = utf8.AppendRune(out, rune(c))
			}
		}
		start = end
	}
	more := ""
	if n > len(lines) {
		more = ", …"
	}
	l.warn(first, "%d line(s) not valid UTF-8, decoded as Latin-1 (lines %s%s)", n, strings.Join(lines, ", "), more)
	l.data = out
}

// split fills l.stmts from l.data.
func (l *loader) split() {
	l.cur, l.curMsg = -1, -1
	data := l.data
	l.stmts = make([]stmt, 0, bytes.Count(data, []byte("\n"))+1)
	line := 0
	for start := 0; start < len(data); {
		line++
		end := bytes.IndexByte(data[start:], '\n')
		next := len(data)
		if end < 0 {
			end = len(data)
		} else {
			end += start
			next = end + 1
		}
		if end > start && data[end-1] == '\r' {
			end--
		}
		l.segment(line, start, end)
		start = next
	}
	if l.inStr && l.cur >= 0 {
		st := &l.stmts[l.cur]
		st.needQuote = true
		l.warn(st.line, "unterminated string in %s: closed at the end of the file (line %d)", st.kw, st.last)
		l.inStr = false
	}
	l.finish()
}

// segment handles line n, data[s:e]. The line is lexed once; a ';' or a
// second BO_/SG_ on it starts a new segment at a token boundary, so the
// work is linear in the line's length.
func (l *loader) segment(n, s, e int) {
	b := l.data[s:e]
	toks := lex(l.toks[:0], b)
	l.toks = toks
	if l.inStr {
		if !l.looksLikeDefinition(b, toks) {
			st := &l.stmts[l.cur]
			st.e, st.last = e, n
			q, closed := stringEnd(b, 0)
			if !closed {
				return
			}
			l.inStr = false
			// The rest of the line continues the statement.
			toks = lex(l.toks[:0], b[q:])
			for k := range toks {
				toks[k].s += q
				toks[k].e += q
			}
			l.toks = toks
			i := l.scanStmt(s, b, toks, 0)
			l.segments(n, s, b, toks, i)
			return
		}
		st := &l.stmts[l.cur]
		st.needQuote = true
		l.warn(st.line, "unterminated string in %s: closed at the end of line %d", st.kw, st.last)
		l.inStr = false
	}
	l.segments(n, s, b, toks, 0)
}

// segments handles the tokens toks[i:] of line n (b = data[s:...]).
func (l *loader) segments(n, s int, b []byte, toks []token, i int) {
	for i < len(toks) {
		i = l.segmentAt(n, s, b, toks, i)
	}
}

// segmentAt handles the segment of line n that starts at toks[i] and
// returns the index of the token that starts the next one.
func (l *loader) segmentAt(n, s int, b []byte, toks []token, i int) int {
	if l.identBlock {
		if allIdents(toks[i:]) {
			return len(toks) // NS_ symbols, or BU_ node names continued
		}
		l.identBlock = false
	}
	first := toks[i]
	word := keyword(b, first)
	if word == "" && first.kind == tIdent && keywordLike(string(b[first.s:first.e])) {
		word = first.text(b)
	}
	switch {
	case word != "":
		l.finish()
		st := stmt{kw: word, line: n, last: n, s: s + first.s, e: s + len(b), msg: -1}
		switch word {
		case "SG_":
			st.msg = l.curMsg
		case "BO_":
			l.curMsg = len(l.stmts)
		default:
			l.curMsg = -1
		}
		if word == "NS_" || word == "BU_" {
			l.identBlock = true
		}
		if !knownKeyword(word) {
			l.warn(n, "unknown keyword %s: definition skipped", word)
		}
		l.stmts = append(l.stmts, st)
		l.cur = len(l.stmts) - 1
		if word == "BO_" || word == "SG_" {
			// A second definition on the same line starts a new statement.
			for k := i + 2; k+1 < len(toks); k++ {
				t, u := toks[k], toks[k+1]
				if t.kind == tIdent && (t.is(b, "SG_") && u.kind == tIdent || t.is(b, "BO_") && u.kind == tNumber) {
					l.stmts[l.cur].e = s + trimRight(b, t.s)
					l.endOfLine(toks[i:k])
					return k
				}
			}
			l.endOfLine(toks[i:])
			return len(toks)
		}
		return l.scanStmt(s, b, toks, i+1)
	case l.cur >= 0 && l.open():
		st := &l.stmts[l.cur]
		st.e, st.last = s+len(b), n
		return l.scanStmt(s, b, toks, i)
	default:
		l.warn(n, "unrecognised text skipped: %s", excerpt(b[first.s:]))
		return len(toks)
	}
}

// scanStmt looks through toks[i:] of the current statement's line for its
// ';' and for a string left open at the line end. It returns the index of
// the token after the ';', or len(toks).
func (l *loader) scanStmt(s int, b []byte, toks []token, i int) int {
	st := &l.stmts[l.cur]
	if semiKinds[st.kw] || !knownKeyword(st.kw) {
		for k := i; k < len(toks); k++ {
			if t := toks[k]; t.kind == tPunct && b[t.s] == ';' {
				st.e, st.semi = s+t.e, true
				l.cur = -1
				return k + 1
			}
		}
	}
	l.endOfLine(toks[i:])
	return len(toks)
}

func (l *loader) endOfLine(toks []token) {
	if len(toks) > 0 && toks[len(toks)-1].open {
		l.inStr = true
	}
}

// open reports whether the current statement may continue on the next line.
func (l *loader) open() bool {
	st := &l.stmts[l.cur]
	return !st.semi && (semiKinds[st.kw] || !knownKeyword(st.kw))
}

// finish closes the current statement.
func (l *loader) finish() {
	if l.cur < 0 {
		return
	}
	st := &l.stmts[l.cur]
	if semiKinds[st.kw] && !st.semi {
		l.warn(st.last, "missing ';' after %s definition: added", st.kw)
	}
	l.cur = -1
}

// looksLikeDefinition decides whether a line met inside an open string is
// rather the start of the next definition (the string was never closed):
// it starts with a known keyword, has more than one word and leaves no
// string open.
func (l *loader) looksLikeDefinition(b []byte, toks []token) bool {
	if len(toks) < 2 || keyword(b, toks[0]) == "" {
		return false
	}
	return !toks[len(toks)-1].open
}

func allIdents(toks []token) bool {
	for _, t := range toks {
		if t.kind != tIdent {
			return false
		}
	}
	return true
}

// trimRight returns i moved left over trailing white space in b[:i].
func trimRight(b []byte, i int) int {
	for i > 0 && isSpace(b[i-1]) {
		i--
	}
	return i
}
