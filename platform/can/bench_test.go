package can

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"
)

var benchLines = [][]byte{
	[]byte("(1674148739.212264) can0 112#FF0015\n"),
	[]byte("(1674148739.212487) can0 14A#FFF1000007FFF124\n"),
	[]byte("(1717547797.692826) can0 17D#222442B40000\n"),
	[]byte("(1717547797.692826) can0 18DAF110#0210030000000000\n"),
}

func BenchmarkParseCandump(b *testing.B) {
	var f Frame
	n := 0
	for _, l := range benchLines {
		n += len(l)
	}
	b.SetBytes(int64(n / len(benchLines)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ParseCandump(benchLines[i%len(benchLines)], &f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCandumpReader(b *testing.B) {
	logs := realLogs(b)
	data, err := os.ReadFile(logs[0])
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var f Frame
	for b.Loop() {
		r := NewCandumpReader(bytes.NewReader(data), "bench")
		for {
			if err := r.Next(&f); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkCandumpWriter(b *testing.B) {
	f := mk(time.Unix(1674148739, 212487000), 0x14a, false, "fff1000007fff124")
	w := NewCandumpWriter(io.Discard, "can0")
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(&f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTRCReader(b *testing.B) {
	data, err := os.ReadFile(realTRC(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var f Frame
	for b.Loop() {
		r, err := NewTRCReader(bytes.NewReader(data), "bench")
		if err != nil {
			b.Fatal(err)
		}
		for {
			if err := r.Next(&f); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}
