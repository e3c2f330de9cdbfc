package can

import (
	"bytes"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// sharedLogs is the real recordings' folder, beside the repository in CI.
const sharedLogs = "../../../shared/data/can/logs"

// realLogs returns the real candump logs, skipping when the shared data
// folder is absent.
func realLogs(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(sharedLogs); os.IsNotExist(err) {
		t.Skipf("%s does not exist", sharedLogs)
	}
	logs, err := filepath.Glob(filepath.Join(sharedLogs, "*.log"))
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) < 2 {
		t.Fatalf("want the 2 real candump logs in %s, found %d", sharedLogs, len(logs))
	}
	return logs
}

func realTRC(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(sharedLogs); os.IsNotExist(err) {
		t.Skipf("%s does not exist", sharedLogs)
	}
	return filepath.Join(sharedLogs, "eldominio_toyota_yaris2009_revstockecu.trc")
}

// nonEmptyLines counts the lines of a file that hold more than white space.
func nonEmptyLines(t testing.TB, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			n++
		}
	}
	return n
}

// mk builds a frame; data is hex.
func mk(t time.Time, id uint32, ext bool, data string) Frame {
	f := Frame{Time: t, ID: id, Extended: ext}
	b, err := hex.DecodeString(data)
	if err != nil {
		panic(err)
	}
	f.Len = uint8(copy(f.Data[:], b))
	return f
}

func remote(t time.Time, id uint32, ext bool, n uint8) Frame {
	return Frame{Time: t, ID: id, Extended: ext, Remote: true, Len: n}
}

func fd(t time.Time, id uint32, ext bool, flags uint8, data string) Frame {
	f := mk(t, id, ext, data)
	f.FD, f.Flags = true, flags
	return f
}

// sameFrame compares frames, times by instant.
func sameFrame(a, b Frame) bool {
	if !a.Time.Equal(b.Time) {
		return false
	}
	a.Time, b.Time = time.Time{}, time.Time{}
	return a == b
}

func frameDiff(a, b Frame) string {
	return a.Time.UTC().Format(time.RFC3339Nano) + " " + a.String() + " vs " + b.Time.UTC().Format(time.RFC3339Nano) + " " + b.String()
}

// readAll reads every frame of a reader, failing the test on any error.
func readAll(t testing.TB, next func(*Frame) error) []Frame {
	t.Helper()
	var out []Frame
	for {
		var f Frame
		err := next(&f)
		if err != nil {
			if err == io.EOF {
				return out
			}
			t.Fatalf("after %d frames: %v", len(out), err)
		}
		out = append(out, f)
	}
}

func sameFrames(t testing.TB, got, want []Frame) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d frames, want %d", len(got), len(want))
	}
	for i := range got {
		if !sameFrame(got[i], want[i]) {
			t.Fatalf("frame %d: got %s", i, frameDiff(got[i], want[i]))
		}
	}
}
