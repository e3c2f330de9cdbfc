package can

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func FuzzParseCandump(f *testing.F) {
	for _, s := range []string{
		"(1690000000.123456) can0 1A0#0011223344556677",
		"(1690000000.123456) can0 12345678#DEADBEEF",
		"(1690000000.123456) can0 123#",
		"(1690000000.123456) can0 123#R",
		"(1690000000.123456) can0 123#R5",
		"(1690000000.123456) can0 123##1AABB",
		"(1690000000.123456) can0 123##3" + string(bytes.Repeat([]byte("0F"), 64)),
		"(1690000000.123456) can0 1A0#11.22.33",
		"(1690000000.123456) can0 1A0#1122334455667788_A",
		"(1690000000.123456) can0 1A0#00 R\r\n",
		"(1.5) any 7FF#",
		"(1690000000.123456) can0 20000080#0000000000000000",
		"(1690000000.123456) can0 123#0G",
		"(1690000000) can0 123#00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var fr Frame
		iface, err := ParseCandump(line, &fr)
		if err != nil {
			return
		}
		if err := fr.Validate(); err != nil {
			t.Fatalf("parsed an invalid frame %s: %v", &fr, err)
		}
		var buf bytes.Buffer
		w := NewCandumpWriter(&buf, iface)
		if err := w.Write(&fr); err != nil {
			t.Fatalf("parsed frame does not write back: %v", err)
		}
		w.Flush()
		var again Frame
		iface2, err := ParseCandump(buf.Bytes(), &again)
		if err != nil {
			t.Fatalf("%q (written from %q) does not parse: %v", buf.Bytes(), line, err)
		}
		want := fr
		want.Time = fr.Time.Truncate(time.Microsecond) // the format keeps microseconds
		if iface2 != iface || !sameFrame(again, want) {
			t.Fatalf("%q -> %q: %s", line, buf.Bytes(), frameDiff(again, want))
		}
	})
}

func FuzzTRC(f *testing.F) {
	fixtures, _ := filepath.Glob("testdata/trc/*.trc")
	for _, p := range fixtures {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(";$FILEVERSION=2.0\n;$COLUMNS=N,O,T,I,d,l,D\n1 0.5 FD 0123 Rx 12 00 00\n"))
	f.Add([]byte("     1)       100      0123  8  01 02 03\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, lenient := range []bool{false, true} {
			r, err := NewTRCReader(bytes.NewReader(data), "fuzz.trc")
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("header error %v is not a *ParseError", err)
				}
				return
			}
			r.Lenient = lenient
			lines := bytes.Count(data, []byte("\n")) + 1
			for calls := 0; ; calls++ {
				if calls > lines {
					t.Fatalf("more than %d calls to Next on %d lines", calls, lines)
				}
				var fr Frame
				err := r.Next(&fr)
				if err == io.EOF {
					break
				}
				var pe *ParseError
				if errors.As(err, &pe) {
					if lenient {
						t.Fatalf("lenient reader returned %v", err)
					}
					if pe.Line < 1 || pe.Line > lines {
						t.Fatalf("error at line %d of %d", pe.Line, lines)
					}
					continue
				}
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if err := fr.Validate(); err != nil {
					t.Fatalf("read an invalid frame %s: %v", &fr, err)
				}
			}
		}
	})
}
