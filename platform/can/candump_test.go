package can

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRealCandumpLogs(t *testing.T) {
	for _, path := range realLogs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			file, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer file.Close()
			r := NewCandumpReader(file, path)
			frames := readAll(t, r.Next)
			lines := nonEmptyLines(t, path)
			if len(frames) != lines {
				t.Errorf("%d frames from %d non-empty lines", len(frames), lines)
			}
			if r.Skipped != 0 || r.Ignored != 0 {
				t.Errorf("Skipped %d, Ignored %d; want 0", r.Skipped, r.Ignored)
			}
			if r.Line() != lines {
				t.Errorf("Line() = %d at the end, want %d", r.Line(), lines)
			}
			if r.Iface() != "can0" {
				t.Errorf("interface %q, want can0", r.Iface())
			}
			for i := range frames {
				if err := frames[i].Validate(); err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				if i > 0 && frames[i].Time.Before(frames[i-1].Time) {
					t.Fatalf("frame %d goes back in time", i)
				}
			}
			t.Logf("%d frames over %v", len(frames), frames[len(frames)-1].Time.Sub(frames[0].Time))

			// Round trip: write, compare bytes with the original, read again.
			var out bytes.Buffer
			w := NewCandumpWriter(&out, r.Iface())
			for i := range frames {
				if err := w.Write(&frames[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			orig, _ := os.ReadFile(path)
			if !bytes.Equal(out.Bytes(), orig) {
				t.Errorf("rewritten log differs from the original")
			}
			again := readAll(t, NewCandumpReader(&out, "rewritten").Next)
			sameFrames(t, again, frames)
		})
	}
}

func TestParseCandump(t *testing.T) {
	ts := time.Unix(1690000000, 123456000)
	tests := []struct {
		line  string
		iface string
		want  Frame
	}{
		{"(1690000000.123456) can0 1A0#0011223344556677", "can0", mk(ts, 0x1a0, false, "0011223344556677")},
		{"(1690000000.123456) can0 7FF#01", "can0", mk(ts, 0x7ff, false, "01")},
		{"(1690000000.123456) can0 000#", "can0", mk(ts, 0, false, "")},
		{"(1690000000.123456) vcan1 12345678#DEADBEEF", "vcan1", mk(ts, 0x12345678, true, "deadbeef")},
		{"(1690000000.123456) can0 1FFFFFFF#", "can0", mk(ts, 0x1fffffff, true, "")},
		{"(1690000000.123456) can0 00000001#AA", "can0", mk(ts, 1, true, "aa")},
		{"(1690000000.123456) can0 123#R", "can0", remote(ts, 0x123, false, 0)},
		{"(1690000000.123456) can0 123#R5", "can0", remote(ts, 0x123, false, 5)},
		{"(1690000000.123456) can0 123#R8_F", "can0", remote(ts, 0x123, false, 8)},
		{"(1690000000.123456) can0 0000ABCD#R0", "can0", remote(ts, 0xabcd, true, 0)},
		{"(1690000000.123456) can0 123##1AABB", "can0", fd(ts, 0x123, false, 1, "aabb")},
		{"(1690000000.123456) can0 123##0", "can0", fd(ts, 0x123, false, 0, "")},
		{"(1690000000.123456) can0 12345678##3" + strings.Repeat("5A", 12), "can0", fd(ts, 0x12345678, true, 3, strings.Repeat("5a", 12))},
		{"(1690000000.123456) can0 123##2" + strings.Repeat("01", 64), "can0", fd(ts, 0x123, false, 2, strings.Repeat("01", 64))},
		{"(1690000000.123456) can0 1a0#deadbeef", "can0", mk(ts, 0x1a0, false, "deadbeef")},
		{"(1690000000.123456) can0 1A0#11.2233.44", "can0", mk(ts, 0x1a0, false, "11223344")},
		{"(1690000000.123456) can0 1A0#1122334455667788_9", "can0", mk(ts, 0x1a0, false, "1122334455667788")},
		{"(1690000000.123456) can0 1A0#00 R", "can0", mk(ts, 0x1a0, false, "00")},
		{"(1690000000.123456) can0 1A0#00 T", "can0", mk(ts, 0x1a0, false, "00")},
		{"(1690000000.123456) can0 1A0#00   \t ", "can0", mk(ts, 0x1a0, false, "00")},
		{"(1690000000.123456) can0 1A0#00\r\n", "can0", mk(ts, 0x1a0, false, "00")},
		{"  (1690000000.123456)\tcan0\t1A0#00", "can0", mk(ts, 0x1a0, false, "00")},
		{"(0000000001.5) can0 001#", "can0", mk(time.Unix(1, 5e8), 1, false, "")},
		{"(1.000000001) any 001#", "any", mk(time.Unix(1, 1), 1, false, "")},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			var f Frame
			f.Data[63] = 0xee // stale bytes must not survive
			iface, err := ParseCandump([]byte(tt.line), &f)
			if err != nil {
				t.Fatal(err)
			}
			if iface != tt.iface {
				t.Errorf("iface %q, want %q", iface, tt.iface)
			}
			if !sameFrame(f, tt.want) {
				t.Errorf("got %s", frameDiff(f, tt.want))
			}
		})
	}
}

func TestCandumpMalformed(t *testing.T) {
	const good = "(1690000000.000001) can0 123#00\n"
	tests := []struct {
		name string
		line string
		msg  string // part of the error message
	}{
		{"bad hex in data", "(1690000000.000002) can0 123#0G", `data: bad hex digit 'G'`},
		{"bad hex in id", "(1690000000.000002) can0 1X3#00", `id: bad hex digit 'X'`},
		{"odd digit count", "(1690000000.000002) can0 123#001", "data: odd number of hex digits (3)"},
		{"odd digit count fd", "(1690000000.000002) can0 123##1001", "data: odd number of hex digits (3)"},
		{"id too long", "(1690000000.000002) can0 123456789#00", "id: too long (9 hex digits"},
		{"id of 4 digits", "(1690000000.000002) can0 0123#00", "id: 4 hex digits, want 3 (11-bit) or 8 (29-bit)"},
		{"empty id", "(1690000000.000002) can0 #00", "id: empty"},
		{"11-bit id too big", "(1690000000.000002) can0 800#00", "id: 800 exceeds 11 bits"},
		{"29-bit id too big", "(1690000000.000002) can0 40000000#00", "id: 40000000 exceeds 29 bits"},
		{"missing #", "(1690000000.000002) can0 12300", "has no '#'"},
		{"too many bytes", "(1690000000.000002) can0 123#001122334455667788", "data: more than 8 bytes"},
		{"too many fd bytes", "(1690000000.000002) can0 123##0" + strings.Repeat("00", 65), "data: more than 64 bytes"},
		{"bad fd length", "(1690000000.000002) can0 123##0" + strings.Repeat("00", 9), "data: 9 bytes is not a CAN FD length"},
		{"fd without flags", "(1690000000.000002) can0 123##", "fd: missing flags digit"},
		{"fd bad flags", "(1690000000.000002) can0 123##G00", "fd: bad flags digit 'G'"},
		{"remote bad length", "(1690000000.000002) can0 123#R9", "remote: bad length"},
		{"remote with data", "(1690000000.000002) can0 123#R100", "data: unexpected"},
		{"raw dlc on short frame", "(1690000000.000002) can0 123#00_9", "data: unexpected"},
		{"timestamp letters", "(1690000000.00000x) can0 123#00", "timestamp:"},
		{"timestamp no dot", "(1690000000) can0 123#00", "timestamp: \"1690000000\" has no '.'"},
		{"timestamp no paren", "1690000000.000002 can0 123#00", "timestamp: line does not start with '('"},
		{"timestamp unclosed", "(1690000000.000002 can0 123#00", "timestamp: missing ')'"},
		{"timestamp empty fraction", "(1690000000.) can0 123#00", "timestamp:"},
		{"timestamp too precise", "(1690000000.0000000001) can0 123#00", "timestamp:"},
		{"timestamp negative", "(-1.000000) can0 123#00", "timestamp:"},
		{"timestamp glued", "(1690000000.000002)can0 123#00", "timestamp: want a space"},
		{"missing frame", "(1690000000.000002) can0", "frame: missing"},
		{"missing interface", "(1690000000.000002) ", "interface: missing"},
		{"trailing junk", "(1690000000.000002) can0 123#00 12", "trailing field \"12\""},
		{"binary", "(1690000000.000002) can\x01 123#00", "interface:"},
		{"long line", "(1690000000.000002) can0 123#00 " + strings.Repeat("R", 5000), "line longer than 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Two good lines, a blank one, the bad one (line 4), a good one.
			input := good + good + "\r\n" + tt.line + "\n" + good
			r := NewCandumpReader(strings.NewReader(input), "drive.log")
			var f Frame
			for i := 0; i < 2; i++ {
				if err := r.Next(&f); err != nil {
					t.Fatal(err)
				}
			}
			err := r.Next(&f)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want *ParseError", err, err)
			}
			if pe.File != "drive.log" || pe.Line != 4 || r.Line() != 4 {
				t.Errorf("error at %s:%d (Line() %d), want drive.log:4", pe.File, pe.Line, r.Line())
			}
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("message %q does not contain %q", pe.Msg, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "drive.log:4: ") {
				t.Errorf("Error() = %q, want drive.log:4: prefix", err)
			}
			// The reader carries on after the bad line.
			if err := r.Next(&f); err != nil || f.ID != 0x123 || r.Line() != 5 {
				t.Errorf("after the bad line: %v, %s, line %d", err, &f, r.Line())
			}
			if err := r.Next(&f); err != io.EOF {
				t.Errorf("at the end: %v, want io.EOF", err)
			}

			// Lenient: the bad line is skipped and counted.
			r = NewCandumpReader(strings.NewReader(input), "drive.log")
			r.Lenient = true
			n := len(readAll(t, r.Next))
			if n != 3 || r.Skipped != 1 {
				t.Errorf("lenient: %d frames, %d skipped; want 3 and 1", n, r.Skipped)
			}
		})
	}
}

func TestCandumpErrorFramesIgnored(t *testing.T) {
	input := "(1.000000) can0 123#00\n(1.000001) can0 20000080#0000000000000000\n(1.000002) can0 124#00\n"
	r := NewCandumpReader(strings.NewReader(input), "err.log")
	frames := readAll(t, r.Next)
	if len(frames) != 2 || r.Ignored != 1 || frames[1].ID != 0x124 {
		t.Errorf("%d frames, %d ignored; want 2 and 1", len(frames), r.Ignored)
	}
	var f Frame
	if _, err := ParseCandump([]byte("(1.000001) can0 20000080#0000000000000000"), &f); err != ErrErrorFrame {
		t.Errorf("ParseCandump: %v, want ErrErrorFrame", err)
	}
}

func TestCandumpWriter(t *testing.T) {
	ts := time.Unix(1690000000, 123456789)
	tests := []struct {
		f    Frame
		line string
	}{
		{mk(ts, 0x1a0, false, "0011223344556677"), "(1690000000.123456) can0 1A0#0011223344556677\n"},
		{mk(ts, 0x5, false, ""), "(1690000000.123456) can0 005#\n"},
		{mk(ts, 0xabc, true, "ff"), "(1690000000.123456) can0 00000ABC#FF\n"},
		{remote(ts, 0x123, false, 0), "(1690000000.123456) can0 123#R\n"},
		{remote(ts, 0x123, false, 5), "(1690000000.123456) can0 123#R5\n"},
		{fd(ts, 0x123, false, 1, "aabb"), "(1690000000.123456) can0 123##1AABB\n"},
		{mk(time.Unix(5, 7000), 1, false, ""), "(5.000007) can0 001#\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		w := NewCandumpWriter(&b, "can0")
		if err := w.Write(&tt.f); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if b.String() != tt.line {
			t.Errorf("wrote %q, want %q", b.String(), tt.line)
		}
	}

	bad := []struct {
		name  string
		iface string
		f     Frame
		msg   string
	}{
		{"zero time", "can0", mk(time.Time{}, 1, false, ""), "before 1970"},
		{"invalid id", "can0", mk(ts, 0x800, false, ""), "11 bits"},
		{"classic too long", "can0", Frame{Time: ts, ID: 1, Len: 9}, "max 8"},
		{"fd bad length", "can0", Frame{Time: ts, ID: 1, Len: 9, FD: true}, "CAN FD frame with 9"},
		{"empty iface", "", mk(ts, 1, false, ""), "interface name"},
		{"iface with space", "can 0", mk(ts, 1, false, ""), "interface name"},
	}
	for _, tt := range bad {
		var b bytes.Buffer
		w := NewCandumpWriter(&b, tt.iface)
		err := w.Write(&tt.f)
		w.Flush()
		if err == nil || !strings.Contains(err.Error(), tt.msg) || b.Len() != 0 {
			t.Errorf("%s: %v, wrote %q; want an error containing %q and nothing written", tt.name, err, b.String(), tt.msg)
		}
	}
}

func TestParseCandumpAllocs(t *testing.T) {
	lines := [][]byte{
		[]byte("(1690000000.123456) can0 1A0#0011223344556677"),
		[]byte("(1690000000.123456) vcan0 12345678##1" + strings.Repeat("AB", 64)),
		[]byte("(1690000000.123456) can0 123#R5\r\n"),
	}
	var f Frame
	for _, l := range lines {
		if _, err := ParseCandump(l, &f); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, l := range lines {
			if _, err := ParseCandump(l, &f); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("ParseCandump allocates %v times per run, want 0", allocs)
	}
}
