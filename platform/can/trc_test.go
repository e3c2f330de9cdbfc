package can

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestRealTRC(t *testing.T) {
	path := realTRC(t)
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r, err := NewTRCReader(file, path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version() != "1.1" {
		t.Errorf("version %q, want 1.1", r.Version())
	}
	// ;$STARTTIME=45678.9020548264, "Start time: 1/21/2025 21:38:57.537.0"
	if got, want := r.Start(), time.Date(2025, 1, 21, 21, 38, 57, 537000000, time.UTC); got.Sub(want).Abs() > time.Millisecond {
		t.Errorf("start %v, want %v", got, want)
	}
	frames := readAll(t, r.Next)

	b, _ := os.ReadFile(path)
	messages := len(regexp.MustCompile(`(?m)^\s*\d+\)`).FindAll(b, -1))
	if len(frames) != messages || messages < 1000 {
		t.Errorf("%d frames from %d message lines", len(frames), messages)
	}
	if r.Skipped != 0 || r.Ignored != 0 {
		t.Errorf("Skipped %d, Ignored %d; want 0", r.Skipped, r.Ignored)
	}
	// "1)        16.0  Rx         0260  8  00 00 00 00 00 00 00 6A"
	want0 := mk(r.Start().Add(16*time.Millisecond), 0x260, false, "000000000000006a")
	if !sameFrame(frames[0], want0) {
		t.Errorf("first frame %s", frameDiff(frames[0], want0))
	}
	// "22)       130.6  Rx         0394  1  00"
	want21 := mk(r.Start().Add(130600*time.Microsecond), 0x394, false, "00")
	if !sameFrame(frames[21], want21) {
		t.Errorf("frame 22 %s", frameDiff(frames[21], want21))
	}
	for i := range frames {
		if err := frames[i].Validate(); err != nil || frames[i].Extended {
			t.Fatalf("frame %d %s: %v", i, &frames[i], err)
		}
		if i > 0 && frames[i].Time.Before(frames[i-1].Time) {
			t.Fatalf("frame %d goes back in time", i)
		}
	}
	t.Logf("%d frames over %v", len(frames), frames[len(frames)-1].Time.Sub(frames[0].Time))

	// Round trip through candump.
	var out bytes.Buffer
	w := NewCandumpWriter(&out, "can0")
	for i := range frames {
		if err := w.Write(&frames[i]); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	sameFrames(t, readAll(t, NewCandumpReader(&out, "from-trc").Next), frames)
}

func TestTRCVersions(t *testing.T) {
	ms := func(base time.Time, v float64) time.Time { return base.Add(time.Duration(v * 1e6)) }
	epoch := time.Unix(0, 0)
	day := time.Date(2023, 3, 15, 0, 0, 0, 0, time.UTC) // OLE day 45000
	seq := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "%02x", i)
		}
		return b.String()
	}
	tests := []struct {
		file    string
		version string
		start   time.Time
		ignored int
		want    []Frame
	}{
		{"v1_0.trc", "1.0", epoch, 2, []Frame{
			mk(ms(epoch, 100), 0x123, false, "0102030405060708"),
			remote(ms(epoch, 200), 0x456, false, 2),
			mk(ms(epoch, 250), 0x1abcdef0, true, "aabbcc"),
		}},
		{"v1_1_crlf.trc", "1.1", day.Add(12 * time.Hour), 2, []Frame{
			mk(ms(day.Add(12*time.Hour), 10.5), 0x7ff, false, "ff"),
			mk(ms(day.Add(12*time.Hour), 20), 0x100, false, ""),
			mk(ms(day.Add(12*time.Hour), 50.1), 0x42, true, "1020304050607080"),
			remote(ms(day.Add(12*time.Hour), 60), 0x200, false, 4),
		}},
		{"v1_2.trc", "1.2", day.Add(6 * time.Hour), 1, []Frame{
			mk(ms(day.Add(6*time.Hour), 500.125), 0x321, false, "01000000020003"),
			mk(ms(day.Add(6*time.Hour), 612), 0x654, false, "feed"),
			remote(ms(day.Add(6*time.Hour), 800.999), 0x111, false, 1),
		}},
		{"v1_3.trc", "1.3", day.Add(18 * time.Hour), 1, []Frame{
			mk(ms(day.Add(18*time.Hour), 5), 0x321, false, "abcdef"),
			mk(ms(day.Add(18*time.Hour), 7.125), 0x1fffffff, true, ""),
			remote(ms(day.Add(18*time.Hour), 8), 0x55, false, 5),
		}},
		{"v2_0.trc", "2.0", day, 3, []Frame{
			mk(ms(day, 0), 0x123, false, "1122334455667788"),
			fd(ms(day, 1.25), 0x456, false, 0, "0102030405060708090a0b0c"),
			mk(ms(day, 4), 0x18daf110, true, "021003"),
			remote(ms(day, 5), 0x789, false, 4),
			fd(ms(day, 6), 0x7e0, false, 1, seq(16)),
			fd(ms(day, 7), 1, true, 2, ""),
		}},
		{"v2_1.trc", "2.1", day, 5, []Frame{
			mk(ms(day, 0.1), 0x123, false, "1122334455667788"),
			fd(ms(day, 0.2), 0x456, false, 0, "0102030405060708090a0b0c"),
			fd(ms(day, 0.8), 0x18daf110, true, 3, seq(64)),
			remote(ms(day, 0.9), 0x789, false, 4),
			mk(ms(day, 1), 1, false, ""),
			mk(ms(day, 1000), 2, false, "aabbccddeeff0011"),
		}},
		{"v2_custom.trc", "2.1", epoch, 0, []Frame{
			mk(ms(epoch, 0.001), 0x100, false, "cafe"),
			fd(ms(epoch, 10), 0x101, false, 1, strings.Repeat("00", 19)+"01"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			file, err := os.Open("testdata/trc/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer file.Close()
			r, err := NewTRCReader(file, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if r.Version() != tt.version || !r.Start().Equal(tt.start) {
				t.Errorf("version %s, start %v; want %s, %v", r.Version(), r.Start(), tt.version, tt.start)
			}
			got := readAll(t, r.Next)
			sameFrames(t, got, tt.want)
			if r.Ignored != tt.ignored || r.Skipped != 0 {
				t.Errorf("Ignored %d, Skipped %d; want %d, 0", r.Ignored, r.Skipped, tt.ignored)
			}
		})
	}
}

func TestTRCHeaderErrors(t *testing.T) {
	tests := []struct {
		name, input string
		line        int
		msg         string
	}{
		{"future version", ";$FILEVERSION=3.0\n", 1, "unsupported .trc version 3.0"},
		{"bad version", ";\n;$FILEVERSION=two\n", 2, `"two" is not MAJOR.MINOR`},
		{"empty version", ";$FILEVERSION=\n", 1, "$FILEVERSION: empty"},
		{"bad start", ";$FILEVERSION=1.1\n;$STARTTIME=yesterday\n", 2, "$STARTTIME: \"yesterday\" is not a day number"},
		{"start too late", ";$FILEVERSION=1.1\n;$STARTTIME=9999999.5\n", 2, "after year 9999"},
		{"unknown column", ";$FILEVERSION=2.0\n;$COLUMNS=N,O,T,X,I,d,l,D\n", 2, "unknown column 'X'"},
		{"data not last", ";$FILEVERSION=2.0\n;$COLUMNS=N,O,T,I,d,D,l\n", 2, "must be last"},
		{"no length", ";$FILEVERSION=2.0\n;$COLUMNS=N,O,T,I,d,D\n", 2, "no length column"},
		{"no id", ";$FILEVERSION=2.0\n;$COLUMNS=N,O,T,d,l,D\n", 2, "no 'I' column"},
		{"twice", ";$FILEVERSION=2.0\n;$COLUMNS=N,O,T,I,I,l,D\n", 2, "column 'I' twice"},
		{"not a list", ";$FILEVERSION=2.0\n;$COLUMNS=NOTIdlD\n", 2, "not a comma-separated list"},
		{"2.x without columns", ";$FILEVERSION=2.2\n", 1, "without $COLUMNS"},
		{"columns in 1.x", ";$FILEVERSION=1.1\n;$COLUMNS=N,O,T,I,d,l,D\n", 2, "$COLUMNS in a version 1.1 file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewTRCReader(strings.NewReader(tt.input), "x.trc")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want *ParseError", err)
			}
			if pe.Line != tt.line || pe.File != "x.trc" || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("%v; want line %d and %q", err, tt.line, tt.msg)
			}
		})
	}
}

func TestTRCMalformed(t *testing.T) {
	v11 := ";$FILEVERSION=1.1\n;$STARTTIME=45000.5\n;\n     1)        10.5  Rx         07FF  1  FF\n"
	v21 := ";$FILEVERSION=2.1\n;$STARTTIME=45000.5\n;$COLUMNS=N,O,T,B,I,d,R,L,D\n      1         0.100 DT 1      0123 Rx -  1    11\n"
	v20 := ";$FILEVERSION=2.0\n;$COLUMNS=N,O,T,I,d,l,D\n;\n      1         0.000 DT     0123 Rx 1  11\n"
	tests := []struct {
		name, head, line, msg string
	}{
		{"v1 bad hex", v11, "     2)        11.0  Rx         0100  2  0G 00", `data: byte 1 "0G" is not 2 hex digits`},
		{"v1 byte count", v11, "     2)        11.0  Rx         0100  4  00 11 22", "data: 3 bytes, the length column says 4"},
		{"v1 long byte", v11, "     2)        11.0  Rx         0100  1  001", `data: byte 1 "001"`},
		{"v1 length 9", v11, "     2)        11.0  Rx         0100  9  00 00 00 00 00 00 00 00 00", "length: 9, classic CAN carries at most 8"},
		{"v1 unknown type", v11, "     2)        11.0  Xx         0100  1  00", `type: unknown "Xx"`},
		{"v1 bad offset", v11, "     2)        1a.0  Rx         0100  1  00", `time offset: "1a.0"`},
		{"v1 bad id", v11, "     2)        11.0  Rx         01G0  1  00", `id: bad hex digit 'G'`},
		{"v1 id too long", v11, "     2)        11.0  Rx    123456789  1  00", "id: \"123456789\", want 1 to 8 hex digits"},
		{"v1 id too big", v11, "     2)        11.0  Rx     FFFFFFFE  1  00", "id: FFFFFFFE exceeds 29 bits"},
		{"v1 too few fields", v11, "     2)        11.0  Rx", "3 fields, want at least 5"},
		{"v1 bad number", v11, "     x)        11.0  Rx         0100  1  00", `message number: "x)"`},
		{"v1 bad length", v11, "     2)        11.0  Rx         0100  -1  00", `length: "-1"`},
		{"v2 unknown type", v21, "      2         0.200 ZZ 1      0123 Rx -  1    11", `type: unknown "ZZ"`},
		{"v2 missing column", v21, "      2         0.200 DT 1      0123", `missing column 'd'`},
		{"v2 direction", v21, "      2         0.200 DT 1      0123 Qx -  1    11", `direction: "Qx"`},
		{"v2 dlc 16", v21, "      2         0.200 FD 1      0123 Rx -  16   11", "DLC: 16 (max 15)"},
		{"v2 fd byte count", v21, "      2         0.200 FD 1      0123 Rx -  9    11 22", "data: 2 bytes, the length column says 12"},
		{"v2 remote with data", v21, "      2         0.200 RR 1      0123 Rx -  1    11", "a remote frame carries no data"},
		{"v2 remote too long", v20, "      2         0.200 RR     0123 Rx 9", "at most 8 bytes"},
		{"v2 bus", v21, "      2         0.200 DT x      0123 Rx -  1    11", `bus: "x"`},
		{"v2 too many fields", v21, "      2         0.200 DT 1      0123 Rx -  8" + strings.Repeat(" 00", 80), "more than 80 fields"},
		{"v2 no type", v21, "      2         0.200", "no type column"},
		{"v2.0 bad fd length", v20, "      2         1.000 FD     0123 Rx 9  " + strings.Repeat("00 ", 9), "CAN FD frame with 9 data bytes"},
		{"v2.0 classic length 12", v20, "      2         1.000 DT     0123 Rx 12 " + strings.Repeat("00 ", 12), "classic CAN frame with 12 data bytes"},
		{"v2.0 long line", v20, strings.Repeat("x", 5000), "line longer than 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := tt.head + "\n" + tt.line + "\r\n" + strings.SplitAfterN(tt.head, "\n", 4)[3]
			r, err := NewTRCReader(strings.NewReader(input), "bad.trc")
			if err != nil {
				t.Fatal(err)
			}
			var f Frame
			if err := r.Next(&f); err != nil {
				t.Fatal(err)
			}
			err = r.Next(&f)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want *ParseError", err)
			}
			if pe.Line != 6 || r.Line() != 6 || pe.File != "bad.trc" || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("%v (Line() %d); want bad.trc:6 and %q", err, r.Line(), tt.msg)
			}
			if err := r.Next(&f); err != nil || r.Line() != 7 {
				t.Errorf("after the bad line: %v at line %d", err, r.Line())
			}

			r, _ = NewTRCReader(strings.NewReader(input), "bad.trc")
			r.Lenient = true
			if n := len(readAll(t, r.Next)); n != 2 || r.Skipped != 1 {
				t.Errorf("lenient: %d frames, %d skipped; want 2 and 1", n, r.Skipped)
			}
		})
	}
}

func TestTRCEmpty(t *testing.T) {
	for _, input := range []string{"", "\n\n", ";$FILEVERSION=2.1\n"} {
		r, err := NewTRCReader(strings.NewReader(input), "empty.trc")
		if err != nil {
			t.Fatalf("%q: %v", input, err)
		}
		if frames := readAll(t, r.Next); len(frames) != 0 {
			t.Errorf("%q: %d frames", input, len(frames))
		}
	}
}
