package dbc

// A small lexer used to classify lines and to locate the tokens that the
// tolerant pass rewrites before go.einride.tech/can/pkg/dbc sees the text.
// It accepts any byte sequence and never fails: bytes it does not know are
// single-byte punctuation tokens.

type tokKind uint8

const (
	tIdent  tokKind = iota + 1 // [A-Za-z_][A-Za-z0-9_]*
	tNumber                    // starts with a digit, or '.' and a digit
	tString                    // "..." with \" escapes; open if unterminated
	tPunct                     // any other single byte
)

type token struct {
	kind tokKind
	s, e int  // byte offsets in the lexed slice
	open bool // tString only: no closing quote before the end of input
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lex appends the tokens of b to dst.
func lex(dst []token, b []byte) []token {
	i := 0
	for i < len(b) {
		c := b[i]
		switch {
		case isSpace(c):
			i++
		case c == '"':
			e, closed := stringEnd(b, i+1)
			dst = append(dst, token{kind: tString, s: i, e: e, open: !closed})
			i = e
		case isLetter(c):
			j := i + 1
			for j < len(b) && (isLetter(b[j]) || isDigit(b[j])) {
				j++
			}
			dst = append(dst, token{kind: tIdent, s: i, e: j})
			i = j
		case isDigit(c) || c == '.' && i+1 < len(b) && isDigit(b[i+1]):
			j := i + 1
			hex := c == '0' && j < len(b) && (b[j] == 'x' || b[j] == 'X')
			for j < len(b) {
				d := b[j]
				if isLetter(d) || isDigit(d) || d == '.' {
					j++
					continue
				}
				if (d == '+' || d == '-') && !hex && (b[j-1] == 'e' || b[j-1] == 'E') {
					j++
					continue
				}
				break
			}
			dst = append(dst, token{kind: tNumber, s: i, e: j})
			i = j
		default:
			dst = append(dst, token{kind: tPunct, s: i, e: i + 1})
			i++
		}
	}
	return dst
}

// stringEnd returns the offset just past the closing quote of a string whose
// content starts at i, and whether the quote was found. A backslash escapes
// a following quote, as in the einride parser.
func stringEnd(b []byte, i int) (int, bool) {
	for i < len(b) {
		switch b[i] {
		case '\\':
			if i+1 < len(b) && b[i+1] == '"' {
				i += 2
				continue
			}
		case '"':
			return i + 1, true
		}
		i++
	}
	return len(b), false
}

// text returns the token's bytes as a string.
func (t token) text(b []byte) string { return string(b[t.s:t.e]) }

// is reports whether t is the identifier or punctuation word.
func (t token) is(b []byte, word string) bool {
	return t.kind != tString && t.kind != tNumber && string(b[t.s:t.e]) == word
}
