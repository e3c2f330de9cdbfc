package sim

import (
	"strconv"
	"strings"
)

// locator finds the line of a key in a TOML file, so that errors found after
// decoding can name file:line. The TOML decoder keeps no per-element
// positions for arrays of tables, so the locator reads the text itself: it
// tracks table headers ([t], [[t]], [t.sub]) and records the first line of
// each key, including the keys of one-line inline tables. It knows enough
// TOML for scenario files; a key it cannot place yields its table's header
// line, or 0.
type locator struct {
	lines map[string]int
}

// locKey builds the locator key of a table (array element idx, or -1) and a
// key path inside it, e.g. ("at", 2, "set", "Vehicle.Speed").
func locKey(table string, idx int, path ...string) string {
	var b strings.Builder
	b.WriteString(table)
	if idx >= 0 {
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(idx))
		b.WriteByte(']')
	}
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(p)
	}
	return b.String()
}

func newLocator(src string) *locator {
	l := &locator{lines: make(map[string]int)}
	arrays := map[string]int{} // array table → elements seen
	table, idx, prefix := "", -1, []string(nil)
	inMulti := "" // open multi-line string delimiter
	for n, line := range strings.Split(src, "\n") {
		lineNo := n + 1
		s := strings.TrimSpace(line)
		if inMulti != "" {
			if strings.Contains(s, inMulti) {
				inMulti = ""
			}
			continue
		}
		if s == "" || s[0] == '#' {
			continue
		}
		if strings.HasPrefix(s, "[[") {
			name := strings.TrimSpace(strings.Trim(stripComment(s), "[] \t"))
			table, idx, prefix = name, arrays[name], nil
			arrays[name]++
			l.put(locKey(table, idx), lineNo)
			continue
		}
		if s[0] == '[' {
			parts := splitKey(strings.TrimSpace(strings.Trim(stripComment(s), "[] \t")))
			if len(parts) == 0 {
				continue
			}
			if c, ok := arrays[parts[0]]; ok && len(parts) > 1 {
				// [at.set] after [[at]]: a subtable of the last element.
				table, idx, prefix = parts[0], c-1, parts[1:]
			} else {
				table, idx, prefix = parts[0], -1, parts[1:]
			}
			l.put(locKey(table, idx, prefix...), lineNo)
			continue
		}
		eq := keyEnd(s)
		if eq < 0 {
			continue
		}
		key := append(append([]string(nil), prefix...), splitKey(strings.TrimSpace(s[:eq]))...)
		for i := 1; i <= len(key); i++ {
			l.put(locKey(table, idx, key[:i]...), lineNo)
		}
		val := strings.TrimSpace(s[eq+1:])
		for _, d := range []string{`"""`, `'''`} {
			if strings.HasPrefix(val, d) && !strings.Contains(val[3:], d) {
				inMulti = d
			}
		}
		if strings.HasPrefix(val, "{") {
			l.inline(table, idx, key, val, lineNo)
		}
	}
	return l
}

// inline records the keys of a one-line inline table value.
func (l *locator) inline(table string, idx int, key []string, val string, lineNo int) {
	depth := 0
	start := -1
	for i := 0; i < len(val); i++ {
		switch c := val[i]; c {
		case '"', '\'':
			j := strings.IndexByte(val[i+1:], c)
			if j < 0 {
				return
			}
			i += j + 1
		case '{', '[':
			depth++
			if depth == 1 && c == '{' {
				start = i + 1
			}
		case '}', ']':
			depth--
		case ',':
			if depth == 1 {
				start = i + 1
			}
		case '=':
			if depth == 1 && start >= 0 {
				k := append(append([]string(nil), key...), splitKey(strings.TrimSpace(val[start:i]))...)
				l.put(locKey(table, idx, k...), lineNo)
				start = -1
			}
		}
	}
}

func (l *locator) put(k string, line int) {
	if _, ok := l.lines[k]; !ok {
		l.lines[k] = line
	}
}

// line returns the line of the most specific known prefix of the key path.
func (l *locator) line(table string, idx int, path ...string) int {
	for i := len(path); i >= 0; i-- {
		if n, ok := l.lines[locKey(table, idx, path[:i]...)]; ok {
			return n
		}
	}
	switch {
	case table != "" && idx < 0:
		// A table written as a top-level key: start = {…}.
		return l.line("", -1, append([]string{table}, path...)...)
	case table != "":
		// An array of inline tables: at = [{…}, {…}].
		return l.line("", -1, table)
	}
	return 0
}

// keyEnd returns the index of the '=' that ends a key, or -1.
func keyEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return -1
			}
			i += j + 1
		case '=':
			return i
		}
	}
	return -1
}

// splitKey splits a dotted TOML key, honouring quotes.
func splitKey(s string) []string {
	var out []string
	for s != "" {
		s = strings.TrimSpace(s)
		if s == "" {
			break
		}
		var part string
		if c := s[0]; c == '"' || c == '\'' {
			j := strings.IndexByte(s[1:], c)
			if j < 0 {
				return append(out, s[1:])
			}
			part, s = s[1:j+1], s[j+2:]
			if c == '"' {
				if u, err := strconv.Unquote(`"` + part + `"`); err == nil {
					part = u
				}
			}
		} else {
			j := strings.IndexByte(s, '.')
			if j < 0 {
				j = len(s)
			}
			part, s = strings.TrimSpace(s[:j]), s[j:]
		}
		out = append(out, part)
		s = strings.TrimPrefix(strings.TrimSpace(s), ".")
	}
	return out
}

// stripComment removes a trailing # comment outside quotes.
func stripComment(s string) string {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return s
			}
			i += j + 1
		case '#':
			return strings.TrimSpace(s[:i])
		}
	}
	return s
}
