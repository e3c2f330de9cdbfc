package can

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// TRCReader reads PEAK-System PCAN trace files (.trc): versions 1.0 to 1.3
// (fixed columns) and 2.x (columns named by the `;$COLUMNS=` header, with
// the 2.0 and 2.1 defaults when it is absent).
//
// A frame's Time is the file's `;$STARTTIME=` plus the line's time offset.
// STARTTIME is an OLE date (days since 1899-12-30) in the recording PC's
// local time zone, which the file does not name; it is read as UTC. Without
// STARTTIME, times start at the Unix epoch.
//
// Error frames, status, error-counter, warning and event lines are skipped
// and counted in Ignored. The bus and direction columns are read and
// checked but not kept.
type TRCReader struct {
	// Lenient skips malformed lines (counting them in Skipped) instead of
	// returning a *ParseError.
	Lenient bool
	// Skipped counts malformed lines skipped in Lenient mode.
	Skipped int
	// Ignored counts error-frame, status, warning and event lines.
	Ignored int

	name    string
	lr      lineReader
	version string
	major   int
	minor   int
	start   time.Time
	cols    string // 2.x column letters, e.g. "NOTBIdRLD"
	verLine int    // line of $FILEVERSION, for errors
	colLine int    // line of $COLUMNS
	pending []byte // first data line, read with the header
	toks    [maxTRCFields][]byte
}

// maxTRCFields bounds the fields of a line: 64 data bytes and the columns.
const maxTRCFields = 80

// NewTRCReader reads the header of a .trc file from r (name appears in
// errors) and returns a reader positioned at its first frame. A header with
// an unsupported version, bad start time or bad column list is a
// *ParseError.
func NewTRCReader(r io.Reader, name string) (*TRCReader, error) {
	t := &TRCReader{
		name:  name,
		lr:    lineReader{br: bufio.NewReaderSize(r, maxLineLen)},
		start: unixEpoch.UTC(),
	}
	for {
		b, err := t.lr.next()
		if err == errLongLine {
			return nil, t.errorf("header line longer than %d bytes", maxLineLen)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		b = trimSpace(b)
		if len(b) == 0 {
			continue
		}
		if b[0] != ';' {
			t.pending = append([]byte(nil), b...)
			break
		}
		if err := t.header(string(b)); err != nil {
			return nil, t.errorf("%s", err)
		}
	}
	if line, err := t.setVersion(); err != nil {
		return nil, &ParseError{File: name, Line: line, Msg: err.Error()}
	}
	return t, nil
}

func (t *TRCReader) errorf(format string, args ...any) *ParseError {
	return &ParseError{File: t.name, Line: t.lr.line, Msg: fmt.Sprintf(format, args...)}
}

// Version is the file version, "1.0" when the file does not say.
func (t *TRCReader) Version() string { return t.version }

// Start is the file's start time (the Unix epoch when the file has none).
func (t *TRCReader) Start() time.Time { return t.start }

// Line is the number of the line last read.
func (t *TRCReader) Line() int { return t.lr.line }

func (t *TRCReader) header(line string) error {
	key, val, ok := strings.Cut(strings.TrimPrefix(line, ";"), "=")
	if !ok || !strings.HasPrefix(key, "$") {
		return nil // a comment
	}
	val = strings.TrimRight(strings.TrimSpace(val), ";")
	switch key {
	case "$FILEVERSION":
		if val == "" {
			return errors.New("$FILEVERSION: empty")
		}
		t.version, t.verLine = val, t.lr.line
	case "$STARTTIME":
		st, err := parseOLEDate(val)
		if err != nil {
			return fmt.Errorf("$STARTTIME: %v", err)
		}
		t.start = st
	case "$COLUMNS":
		cols := strings.ReplaceAll(val, ",", "")
		if len(cols) == 0 || strings.Count(val, ",") != len(cols)-1 {
			return fmt.Errorf("$COLUMNS: %q is not a comma-separated list of letters", val)
		}
		t.cols, t.colLine = cols, t.lr.line
	}
	return nil
}

// oleEpoch is day 0 of OLE automation dates.
var oleEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseOLEDate parses days since 1899-12-30 with a fraction of a day, to
// the microsecond.
func parseOLEDate(s string) (time.Time, error) {
	ip, fp, _ := strings.Cut(s, ".")
	if ip == "" || len(ip) > 7 || strings.Trim(ip, "0123456789") != "" || strings.Trim(fp, "0123456789") != "" {
		return time.Time{}, fmt.Errorf("%q is not a day number", s)
	}
	days, _ := strconv.Atoi(ip)
	if days > 2958465 { // 9999-12-31
		return time.Time{}, fmt.Errorf("%q is after year 9999", s)
	}
	frac := 0.0
	if fp != "" {
		frac, _ = strconv.ParseFloat("0."+fp, 64)
	}
	us := math.Round(frac * 86400e6)
	return oleEpoch.AddDate(0, 0, days).Add(time.Duration(us) * time.Microsecond), nil
}

// setVersion checks the version and columns, returning the line to blame
// with an error.
func (t *TRCReader) setVersion() (int, error) {
	if t.version == "" {
		t.version = "1.0"
		if t.cols != "" {
			t.version = "2.0"
		}
	}
	maj, min, ok := strings.Cut(t.version, ".")
	var err1, err2 error
	t.major, err1 = strconv.Atoi(maj)
	t.minor, err2 = strconv.Atoi(min)
	if !ok || err1 != nil || err2 != nil || t.minor < 0 || t.major < 0 {
		return t.verLine, fmt.Errorf("$FILEVERSION: %q is not MAJOR.MINOR", t.version)
	}
	switch {
	case t.major == 1 && t.minor <= 3:
		if t.cols != "" {
			return t.colLine, fmt.Errorf("$COLUMNS in a version %s file", t.version)
		}
		return 0, nil
	case t.major == 2:
		if t.cols == "" {
			switch t.minor {
			case 0:
				t.cols = "NOTIdlD"
			case 1:
				t.cols = "NOTBIdRLD"
			default:
				return t.verLine, fmt.Errorf("version %s file without $COLUMNS", t.version)
			}
		}
		return t.colLine, checkColumns(t.cols)
	}
	return t.verLine, fmt.Errorf("unsupported .trc version %s (supported: 1.0 to 1.3, 2.x)", t.version)
}

func checkColumns(cols string) error {
	for i := 0; i < len(cols); i++ {
		c := cols[i]
		if !strings.ContainsRune("NOTBIdRLlD", rune(c)) {
			return fmt.Errorf("$COLUMNS: unknown column %q", c)
		}
		if strings.IndexByte(cols[i+1:], c) >= 0 {
			return fmt.Errorf("$COLUMNS: column %q twice", c)
		}
	}
	for _, c := range "OTID" {
		if !strings.ContainsRune(cols, c) {
			return fmt.Errorf("$COLUMNS: no %q column", c)
		}
	}
	if !strings.ContainsAny(cols, "Ll") {
		return errors.New("$COLUMNS: no length column (L or l)")
	}
	if cols[len(cols)-1] != 'D' {
		return errors.New("$COLUMNS: the data column D must be last")
	}
	return nil
}

// Next stores the next frame in f. It returns io.EOF at the end of the
// file, a *ParseError for a malformed line (unless Lenient), or the
// underlying read error.
func (t *TRCReader) Next(f *Frame) error {
	for {
		var b []byte
		if t.pending != nil {
			b, t.pending = t.pending, nil
		} else {
			var err error
			b, err = t.lr.next()
			if err == errLongLine {
				if t.Lenient {
					t.Skipped++
					continue
				}
				return t.errorf("line longer than %d bytes", maxLineLen)
			}
			if err != nil {
				return err
			}
			b = trimSpace(b)
		}
		if len(b) == 0 || b[0] == ';' {
			continue
		}
		var ok bool
		var err error
		if t.major == 1 {
			ok, err = t.parseV1(b, f)
		} else {
			ok, err = t.parseV2(b, f)
		}
		switch {
		case err != nil && t.Lenient:
			t.Skipped++
		case err != nil:
			return t.errorf("%s", err)
		case !ok:
			t.Ignored++
		default:
			return nil
		}
	}
}

// fields splits b at white space into t.toks.
func (t *TRCReader) fields(b []byte) ([][]byte, error) {
	toks := t.toks[:0]
	for len(b) > 0 {
		if len(toks) == maxTRCFields {
			return nil, fmt.Errorf("more than %d fields", maxTRCFields)
		}
		var tok []byte
		tok, b = field(b)
		toks = append(toks, tok)
	}
	return toks, nil
}

// parseV1 parses a line of a version 1.x file. ok is false for lines that
// are valid but hold no frame (errors, warnings).
func (t *TRCReader) parseV1(b []byte, f *Frame) (ok bool, err error) {
	toks, err := t.fields(b)
	if err != nil {
		return false, err
	}
	// number) offset [bus] [type] id [reserved] dlc data...
	need := 4
	if t.minor >= 1 {
		need++
	}
	if t.minor >= 2 {
		need++
	}
	if t.minor >= 3 {
		need++
	}
	if len(toks) < need {
		return false, fmt.Errorf("%d fields, want at least %d", len(toks), need)
	}
	if !isDecimal(bytes.TrimSuffix(toks[0], []byte(")"))) {
		return false, fmt.Errorf("message number: %q is not a number", toks[0])
	}
	off, err := parseOffset(toks[1])
	if err != nil {
		return false, err
	}
	i := 2
	if t.minor >= 2 {
		if !isDecimal(toks[i]) {
			return false, fmt.Errorf("bus: %q is not a number", toks[i])
		}
		i++
	}
	if t.minor >= 1 {
		switch string(toks[i]) {
		case "Rx", "Tx":
		case "Warng", "Error":
			return false, nil
		default:
			return false, fmt.Errorf("type: unknown %q (want Rx, Tx, Warng or Error)", toks[i])
		}
		i++
	}
	idTok := toks[i]
	i++
	if t.minor == 0 && string(idTok) == "FFFFFFFF" {
		return false, nil // bus status warning
	}
	if t.minor >= 3 {
		i++ // reserved
	}
	dlc, err := parseSmallDecimal(toks[i], "length")
	if err != nil {
		return false, err
	}
	if dlc > 8 {
		return false, fmt.Errorf("length: %d, classic CAN carries at most 8 bytes", dlc)
	}
	i++
	*f = Frame{}
	if err := setTRCID(f, idTok); err != nil {
		return false, err
	}
	data := toks[i:]
	if len(data) > 0 && string(data[0]) == "ERROR" {
		return false, nil
	}
	if len(data) == 1 && string(data[0]) == "RTR" {
		f.Remote = true
		f.Len = uint8(dlc)
	} else if err := setTRCData(f, data, dlc); err != nil {
		return false, err
	}
	f.Time = t.start.Add(off)
	return true, f.Validate()
}

// parseV2 parses a line of a version 2.x file.
func (t *TRCReader) parseV2(b []byte, f *Frame) (ok bool, err error) {
	toks, err := t.fields(b)
	if err != nil {
		return false, err
	}
	ti := strings.IndexByte(t.cols, 'T')
	if len(toks) <= ti {
		return false, fmt.Errorf("%d fields, no type column", len(toks))
	}
	*f = Frame{}
	switch string(toks[ti]) {
	case "DT":
	case "RR":
		f.Remote = true
	case "FD":
		f.FD = true
	case "FB":
		f.FD, f.Flags = true, 1
	case "FE":
		f.FD, f.Flags = true, 2
	case "BI":
		f.FD, f.Flags = true, 3
	case "ER", "ST", "EC", "EV":
		return false, nil
	default:
		return false, fmt.Errorf("type: unknown %q", toks[ti])
	}
	var off time.Duration
	length := -1
	dlc := -1
	for ci := 0; ci < len(t.cols); ci++ {
		c := t.cols[ci]
		if c == 'D' {
			toks = toks[ci:]
			break
		}
		if ci >= len(toks) {
			return false, fmt.Errorf("missing column %q", c)
		}
		tok := toks[ci]
		switch c {
		case 'N':
			if !isDecimal(bytes.TrimSuffix(tok, []byte(")"))) {
				return false, fmt.Errorf("message number: %q is not a number", tok)
			}
		case 'O':
			if off, err = parseOffset(tok); err != nil {
				return false, err
			}
		case 'B':
			if string(tok) != "-" && !isDecimal(tok) {
				return false, fmt.Errorf("bus: %q is not a number", tok)
			}
		case 'I':
			if err := setTRCID(f, tok); err != nil {
				return false, err
			}
		case 'd':
			if string(tok) != "Rx" && string(tok) != "Tx" {
				return false, fmt.Errorf("direction: %q (want Rx or Tx)", tok)
			}
		case 'L':
			if dlc, err = parseSmallDecimal(tok, "DLC"); err != nil {
				return false, err
			}
			if dlc > 15 {
				return false, fmt.Errorf("DLC: %d (max 15)", dlc)
			}
		case 'l':
			if length, err = parseSmallDecimal(tok, "length"); err != nil {
				return false, err
			}
		}
	}
	if length < 0 {
		length = dlcLen(dlc, f.FD)
	}
	if f.Remote {
		if len(toks) != 0 {
			return false, errors.New("data: a remote frame carries no data")
		}
		if length > 8 {
			return false, fmt.Errorf("length: %d, a remote frame requests at most 8 bytes", length)
		}
		f.Len = uint8(length)
	} else if err := setTRCData(f, toks, length); err != nil {
		return false, err
	}
	f.Time = t.start.Add(off)
	return true, f.Validate()
}

// dlcLen is the payload length of a DLC code.
func dlcLen(dlc int, fd bool) int {
	if dlc <= 8 {
		return dlc
	}
	if !fd {
		return 8
	}
	return [...]int{12, 16, 20, 24, 32, 48, 64}[dlc-9]
}

func setTRCID(f *Frame, tok []byte) error {
	if len(tok) == 0 || len(tok) > 8 {
		return fmt.Errorf("id: %q, want 1 to 8 hex digits", tok)
	}
	var id uint32
	for _, c := range tok {
		v := hexVal[c]
		if v == 0xff {
			return fmt.Errorf("id: bad hex digit %q in %q", c, tok)
		}
		id = id<<4 | uint32(v)
	}
	if id > MaxExtendedID {
		return fmt.Errorf("id: %s exceeds 29 bits", tok)
	}
	f.ID = id
	f.Extended = len(tok) > 4 || id > MaxStandardID
	return nil
}

func setTRCData(f *Frame, toks [][]byte, n int) error {
	if len(toks) != n {
		return fmt.Errorf("data: %d bytes, the length column says %d", len(toks), n)
	}
	if n > MaxLen {
		return fmt.Errorf("data: %d bytes (max %d)", n, MaxLen)
	}
	for i, tok := range toks {
		if len(tok) != 2 || hexVal[tok[0]] == 0xff || hexVal[tok[1]] == 0xff {
			return fmt.Errorf("data: byte %d %q is not 2 hex digits", i+1, tok)
		}
		f.Data[i] = hexVal[tok[0]]<<4 | hexVal[tok[1]]
	}
	f.Len = uint8(n)
	return nil
}

func isDecimal(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func parseSmallDecimal(b []byte, what string) (int, error) {
	if !isDecimal(b) || len(b) > 3 {
		return 0, fmt.Errorf("%s: %q is not a small number", what, b)
	}
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// parseOffset parses a time offset in milliseconds, "1059.900", to the
// nanosecond.
func parseOffset(b []byte) (time.Duration, error) {
	ip, fp, _ := bytes.Cut(b, []byte("."))
	if !isDecimal(ip) || len(ip) > 12 || (len(fp) > 0 && !isDecimal(fp)) {
		return 0, fmt.Errorf("time offset: %q is not a number of milliseconds", b)
	}
	var ms int64
	for _, c := range ip {
		ms = ms*10 + int64(c-'0')
	}
	var ns int64
	for i := 0; i < 6; i++ {
		ns *= 10
		if i < len(fp) {
			ns += int64(fp[i] - '0')
		}
	}
	return time.Duration(ms)*time.Millisecond + time.Duration(ns), nil
}
