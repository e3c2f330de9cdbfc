package can

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync/atomic"
	"time"
)

// ParseError is a malformed line in a log file.
type ParseError struct {
	File string // the name given to the reader, usually the file's path
	Line int    // 1-based line number
	Msg  string // what is wrong, starting with the field: "data: odd number of hex digits (3)"
}

func (e *ParseError) Error() string {
	return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
}

// ErrErrorFrame is returned by ParseCandump for a line holding a SocketCAN
// error frame (CAN_ERR_FLAG, 0x20000000, set in the ID). Readers skip such
// lines and count them; they are not malformed.
var ErrErrorFrame = errors.New("CAN error frame")

var errBlankLine = errors.New("blank line")

// canErrFlag is SocketCAN's CAN_ERR_FLAG as candump prints it in an 8-digit ID.
const canErrFlag = 0x20000000

// hexVal maps an ASCII byte to its hex value, or 0xff.
var hexVal = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c-'a') + 10
		t[c-'a'+'A'] = byte(c-'a') + 10
	}
	return t
}()

const hexDigits = "0123456789ABCDEF"

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// trimSpace trims ASCII white space (including CR and LF) at both ends.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// field splits off the first white-space separated token of b (which must
// not start with white space) and returns it with the rest, leading white
// space removed.
func field(b []byte) (tok, rest []byte) {
	i := 0
	for i < len(b) && !isSpace(b[i]) {
		i++
	}
	tok, rest = b[:i], b[i:]
	for len(rest) > 0 && isSpace(rest[0]) {
		rest = rest[1:]
	}
	return tok, rest
}

// validIface reports whether s can be an interface name in a candump line:
// non-empty printable ASCII without spaces.
func validIface[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// ifaceCache interns interface names so that ParseCandump does not allocate
// for the few names a log uses.
var (
	ifaceCache [8]atomic.Pointer[string]
	ifaceNext  atomic.Uint32
)

func internIface(b []byte) string {
	for i := range ifaceCache {
		if p := ifaceCache[i].Load(); p != nil && *p == string(b) {
			return *p
		}
	}
	s := string(b)
	if len(s) <= 32 {
		ifaceCache[ifaceNext.Add(1)%uint32(len(ifaceCache))].Store(&s)
	}
	return s
}

// ParseCandump parses one line of a `candump -l` log,
//
//	(1690000000.123456) can0 1A0#0011223344556677
//
// into f and returns the interface name. The frame notations are those of
// can-utils: 3-digit (11-bit) and 8-digit (29-bit) IDs, `123#` (no data),
// `123#R` and `123#R5` (remote), `123##1AABB` (CAN FD, flags digit then data),
// optional '.' between data bytes and a `_X` raw-DLC suffix after 8 classic
// bytes (accepted, not kept). Trailing white space, CR and trailing
// alphabetic flag fields (candump's " R"/" T") are accepted. f.Time is the
// line's timestamp. A line holding an error frame returns ErrErrorFrame.
// Errors name the field ("id: ...", "data: ..."); they carry no file or
// line, which CandumpReader adds. On the happy path nothing is allocated.
func ParseCandump(line []byte, f *Frame) (iface string, err error) {
	line = trimSpace(line)
	if len(line) == 0 {
		return "", errBlankLine
	}
	if line[0] != '(' {
		return "", errors.New("timestamp: line does not start with '('")
	}
	end := bytes.IndexByte(line, ')')
	if end < 0 {
		return "", errors.New("timestamp: missing ')'")
	}
	sec, nsec, err := parseTimestamp(line[1:end])
	if err != nil {
		return "", err
	}
	rest := line[end+1:]
	if len(rest) == 0 {
		return "", errors.New("interface: missing after the timestamp")
	}
	if !isSpace(rest[0]) {
		return "", errors.New("timestamp: want a space after ')'")
	}
	rest = trimSpace(rest)
	ifaceTok, rest := field(rest)
	if !validIface(ifaceTok) {
		return "", errors.New("interface: missing or not printable")
	}
	frameTok, rest := field(rest)
	if len(frameTok) == 0 {
		return "", errors.New("frame: missing after interface")
	}
	for len(rest) > 0 {
		var tok []byte
		tok, rest = field(rest)
		for _, c := range tok {
			if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
				return "", fmt.Errorf("trailing field %q is not a flag", tok)
			}
		}
	}
	if err := parseFrameToken(frameTok, f); err != nil {
		return "", err
	}
	f.Time = time.Unix(sec, nsec)
	return internIface(ifaceTok), nil
}

// parseTimestamp parses "1690000000.123456" (1 to 9 fraction digits).
func parseTimestamp(b []byte) (sec, nsec int64, err error) {
	dot := bytes.IndexByte(b, '.')
	if dot < 0 {
		return 0, 0, fmt.Errorf("timestamp: %q has no '.'", b)
	}
	ip, fp := b[:dot], b[dot+1:]
	if len(ip) == 0 || len(ip) > 17 {
		return 0, 0, fmt.Errorf("timestamp: %q: want 1 to 17 digits of seconds", b)
	}
	if len(fp) == 0 || len(fp) > 9 {
		return 0, 0, fmt.Errorf("timestamp: %q: want 1 to 9 digits after '.'", b)
	}
	for _, c := range ip {
		if c < '0' || c > '9' {
			return 0, 0, fmt.Errorf("timestamp: %q is not a decimal number", b)
		}
		sec = sec*10 + int64(c-'0')
	}
	for i := 0; i < 9; i++ {
		nsec *= 10
		if i < len(fp) {
			c := fp[i]
			if c < '0' || c > '9' {
				return 0, 0, fmt.Errorf("timestamp: %q is not a decimal number", b)
			}
			nsec += int64(c - '0')
		}
	}
	return sec, nsec, nil
}

// parseFrameToken parses candump's compact frame notation into f (all of f
// but Time is overwritten).
func parseFrameToken(tok []byte, f *Frame) error {
	hash := bytes.IndexByte(tok, '#')
	if hash < 0 {
		return fmt.Errorf("frame: %q has no '#' between ID and data", tok)
	}
	idTok, rest := tok[:hash], tok[hash+1:]
	var id uint32
	for _, c := range idTok {
		v := hexVal[c]
		if v == 0xff {
			return fmt.Errorf("id: bad hex digit %q in %q", c, idTok)
		}
		if len(idTok) <= 8 {
			id = id<<4 | uint32(v)
		}
	}
	*f = Frame{}
	switch len(idTok) {
	case 3:
		if id > MaxStandardID {
			return fmt.Errorf("id: %s exceeds 11 bits (max 7FF)", idTok)
		}
	case 8:
		if id&^MaxExtendedID == canErrFlag {
			return ErrErrorFrame
		}
		if id > MaxExtendedID {
			return fmt.Errorf("id: %s exceeds 29 bits (max 1FFFFFFF)", idTok)
		}
		f.Extended = true
	case 0:
		return errors.New("id: empty")
	default:
		if len(idTok) > 8 {
			return fmt.Errorf("id: too long (%d hex digits, want 3 or 8)", len(idTok))
		}
		return fmt.Errorf("id: %d hex digits, want 3 (11-bit) or 8 (29-bit)", len(idTok))
	}
	f.ID = id
	maxLen := 8
	if len(rest) > 0 && rest[0] == '#' {
		if len(rest) < 2 {
			return errors.New("fd: missing flags digit after '##'")
		}
		v := hexVal[rest[1]]
		if v == 0xff {
			return fmt.Errorf("fd: bad flags digit %q", rest[1])
		}
		f.FD, f.Flags, maxLen = true, v, MaxLen
		rest = rest[2:]
	} else if len(rest) > 0 && (rest[0] == 'R' || rest[0] == 'r') {
		f.Remote = true
		rest = rest[1:]
		if len(rest) > 0 {
			c := rest[0]
			if c < '0' || c > '8' {
				return fmt.Errorf("remote: bad length %q (want 0-8)", rest)
			}
			f.Len = c - '0'
			rest = rest[1:]
		}
		if err := parseRawDLC(rest, f.Len); err != nil {
			return err
		}
		return nil
	}
	n := 0
	digits := 0
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if c == '.' && digits%2 == 0 && digits > 0 {
			continue
		}
		if c == '_' && !f.FD && digits%2 == 0 {
			if err := parseRawDLC(rest[i:], uint8(n)); err != nil {
				return err
			}
			break
		}
		v := hexVal[c]
		if v == 0xff {
			return fmt.Errorf("data: bad hex digit %q", c)
		}
		if digits%2 == 0 {
			if n == maxLen {
				if f.FD {
					return fmt.Errorf("data: more than %d bytes for a CAN FD frame", MaxLen)
				}
				return errors.New("data: more than 8 bytes for a classic CAN frame")
			}
			f.Data[n] = v << 4
		} else {
			f.Data[n] |= v
			n++
		}
		digits++
	}
	if digits%2 != 0 {
		return fmt.Errorf("data: odd number of hex digits (%d)", digits)
	}
	f.Len = uint8(n)
	if f.FD && !validFDLen(f.Len) {
		return fmt.Errorf("data: %d bytes is not a CAN FD length (0-8, 12, 16, 20, 24, 32, 48, 64)", n)
	}
	return nil
}

// parseRawDLC accepts an empty suffix, or "_X" (X = 9..F) after a length-8
// classic frame: can-utils' len8_dlc notation. The raw DLC is not kept.
func parseRawDLC(b []byte, n uint8) error {
	if len(b) == 0 {
		return nil
	}
	if len(b) == 2 && b[0] == '_' && n == 8 {
		if v := hexVal[b[1]]; v != 0xff && v > 8 {
			return nil
		}
	}
	return fmt.Errorf("data: unexpected %q after the frame", b)
}

// lineReader reads lines without allocating, reporting over-long lines.
type lineReader struct {
	br   *bufio.Reader
	line int
	err  error // sticky read error
}

const maxLineLen = 4096

var errLongLine = errors.New("line too long")

// next returns the next line (without its end) and its number. The slice
// is valid until the next call. A line longer than maxLineLen is consumed
// and returned as errLongLine.
func (lr *lineReader) next() ([]byte, error) {
	if lr.err != nil {
		return nil, lr.err
	}
	b, err := lr.br.ReadSlice('\n')
	switch {
	case err == nil:
		lr.line++
		return b, nil
	case errors.Is(err, bufio.ErrBufferFull):
		lr.line++
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = lr.br.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			lr.err = err
		}
		return nil, errLongLine
	case err == io.EOF && len(b) > 0:
		lr.line++
		lr.err = io.EOF
		return b, nil
	default:
		lr.err = err
		return nil, err
	}
}

// CandumpReader reads frames from a `candump -l` log.
type CandumpReader struct {
	// Lenient skips malformed lines (counting them in Skipped) instead of
	// returning a *ParseError.
	Lenient bool
	// Skipped counts malformed lines skipped in Lenient mode.
	Skipped int
	// Ignored counts lines holding error frames, which are never returned.
	Ignored int

	name  string
	lr    lineReader
	iface string
}

// NewCandumpReader reads r; name (usually the file's path) appears in errors.
func NewCandumpReader(r io.Reader, name string) *CandumpReader {
	return &CandumpReader{name: name, lr: lineReader{br: bufio.NewReaderSize(r, maxLineLen)}}
}

// Line is the number of the line last read: that of the last frame
// returned, or of the malformed line in a *ParseError.
func (r *CandumpReader) Line() int { return r.lr.line }

// Iface is the interface name of the last frame returned.
func (r *CandumpReader) Iface() string { return r.iface }

// Next stores the next frame in f. It returns io.EOF at the end of the log,
// a *ParseError for a malformed line (unless Lenient), or the underlying
// read error. Blank lines are skipped. After a *ParseError, Next continues
// with the following line.
func (r *CandumpReader) Next(f *Frame) error {
	for {
		b, err := r.lr.next()
		if err == errLongLine {
			if r.Lenient {
				r.Skipped++
				continue
			}
			return &ParseError{File: r.name, Line: r.lr.line, Msg: fmt.Sprintf("line longer than %d bytes", maxLineLen)}
		}
		if err != nil {
			return err
		}
		iface, err := ParseCandump(b, f)
		switch {
		case err == nil:
			r.iface = iface
			return nil
		case err == errBlankLine:
			continue
		case err == ErrErrorFrame:
			r.Ignored++
			continue
		case r.Lenient:
			r.Skipped++
			continue
		default:
			return &ParseError{File: r.name, Line: r.lr.line, Msg: err.Error()}
		}
	}
}

// CandumpWriter writes frames in `candump -l` format. Call Flush when done.
type CandumpWriter struct {
	bw    *bufio.Writer
	iface string
	buf   []byte
}

// NewCandumpWriter writes to w with iface as each line's interface name.
func NewCandumpWriter(w io.Writer, iface string) *CandumpWriter {
	return &CandumpWriter{bw: bufio.NewWriter(w), iface: iface, buf: make([]byte, 0, 256)}
}

var unixEpoch = time.Unix(0, 0)

// Write writes one line: `(%d.%06d) IFACE FRAME`, the time truncated to
// microseconds. It refuses invalid frames, times before 1970 and an
// interface name candump could not have written, so that every line it
// writes reads back.
func (w *CandumpWriter) Write(f *Frame) error {
	if !validIface(w.iface) {
		return fmt.Errorf("candump: interface name %q is empty or has spaces", w.iface)
	}
	if err := f.Validate(); err != nil {
		return fmt.Errorf("candump: %w", err)
	}
	if f.Time.Before(unixEpoch) {
		return fmt.Errorf("candump: frame time %v is before 1970", f.Time)
	}
	w.buf = appendCandump(w.buf[:0], f, w.iface)
	_, err := w.bw.Write(w.buf)
	return err
}

// Flush writes buffered lines to the underlying writer.
func (w *CandumpWriter) Flush() error { return w.bw.Flush() }

func appendCandump(b []byte, f *Frame, iface string) []byte {
	b = append(b, '(')
	b = strconv.AppendInt(b, f.Time.Unix(), 10)
	b = append(b, '.')
	us := f.Time.Nanosecond() / 1000
	for d := 100000; d > 0; d /= 10 {
		b = append(b, byte('0'+us/d%10))
	}
	b = append(b, ") "...)
	b = append(b, iface...)
	b = append(b, ' ')
	b = appendFrame(b, f)
	return append(b, '\n')
}

// appendFrame appends candump's compact notation of f.
func appendFrame(b []byte, f *Frame) []byte {
	digits := 3
	if f.Extended {
		digits = 8
	}
	for i := digits - 1; i >= 0; i-- {
		b = append(b, hexDigits[f.ID>>(4*uint(i))&0xf])
	}
	b = append(b, '#')
	switch {
	case f.FD:
		b = append(b, '#', hexDigits[f.Flags&0xf])
	case f.Remote:
		b = append(b, 'R')
		if f.Len > 0 {
			b = append(b, '0'+f.Len)
		}
		return b
	}
	for _, c := range f.Data[:f.Len] {
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return b
}
