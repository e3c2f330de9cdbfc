package can

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeClock jumps to each deadline instead of sleeping.
type fakeClock struct {
	now    time.Time
	sleeps []time.Duration
	fail   error // returned once by the next SleepUntil
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) SleepUntil(ctx context.Context, done <-chan struct{}, t time.Time) error {
	if err := c.fail; err != nil {
		c.fail = nil
		return err
	}
	if d := t.Sub(c.now); d > 0 {
		c.sleeps = append(c.sleeps, d)
		c.now = t
	}
	return nil
}

// writeLog writes a small candump log: frames at 0, 0.1, 0.35 and 1.0 s.
func writeLog(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "drive.log")
	log := "(1690000000.000000) can0 100#01\n" +
		"(1690000000.100000) can0 101#02\n" +
		"(1690000000.350000) can0 102#03\n" +
		"(1690000001.000000) can0 103#04\n"
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var wall0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func TestReplayPacing(t *testing.T) {
	path := writeLog(t)
	tests := []struct {
		query  string
		offset []time.Duration // emission times after the first frame
	}{
		{"", []time.Duration{0, 100 * time.Millisecond, 350 * time.Millisecond, time.Second}},
		{"?speed=1", []time.Duration{0, 100 * time.Millisecond, 350 * time.Millisecond, time.Second}},
		{"?speed=2", []time.Duration{0, 50 * time.Millisecond, 175 * time.Millisecond, 500 * time.Millisecond}},
		{"?speed=0.5", []time.Duration{0, 200 * time.Millisecond, 700 * time.Millisecond, 2 * time.Second}},
		{"?speed=max", []time.Duration{0, 0, 0, 0}},
		{"?speed=0", []time.Duration{0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			clk := &fakeClock{now: wall0}
			src, err := open("candump:"+path+tt.query, clk)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if src.Name() != "candump:"+path+tt.query {
				t.Errorf("Name() = %q", src.Name())
			}
			for i, off := range tt.offset {
				var f Frame
				if err := src.Next(context.Background(), &f); err != nil {
					t.Fatal(err)
				}
				if f.ID != 0x100+uint32(i) || f.Data[0] != byte(i+1) {
					t.Errorf("frame %d is %s", i, &f)
				}
				if !f.Time.Equal(wall0.Add(off)) {
					t.Errorf("frame %d emitted at +%v, want +%v", i, f.Time.Sub(wall0), off)
				}
			}
			var f Frame
			if err := src.Next(context.Background(), &f); err != io.EOF {
				t.Errorf("at the end: %v, want io.EOF", err)
			}
		})
	}
}

func TestReplayLoop(t *testing.T) {
	path := writeLog(t)
	clk := &fakeClock{now: wall0}
	src, err := open("candump:"+path+"?speed=2&loop=1", clk)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	// Two and a half passes; each pass starts where the last one ended.
	pass := []time.Duration{0, 50 * time.Millisecond, 175 * time.Millisecond, 500 * time.Millisecond}
	for i := 0; i < 10; i++ {
		var f Frame
		if err := src.Next(context.Background(), &f); err != nil {
			t.Fatal(err)
		}
		want := wall0.Add(time.Duration(i/4)*500*time.Millisecond + pass[i%4])
		if f.ID != 0x100+uint32(i%4) || !f.Time.Equal(want) {
			t.Errorf("frame %d: %s at +%v, want %03X at +%v", i, &f, f.Time.Sub(wall0), 0x100+i%4, want.Sub(wall0))
		}
	}
}

func TestReplayLoopEmptyLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.log")
	os.WriteFile(path, []byte("\n"), 0o644)
	src, err := open("candump:"+path+"?loop=1", &fakeClock{now: wall0})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var f Frame
	if err := src.Next(context.Background(), &f); err == nil || !strings.Contains(err.Error(), "no frames") {
		t.Errorf("looping an empty log: %v", err)
	}
}

func TestReplayInterruptedWaitKeepsFrame(t *testing.T) {
	path := writeLog(t)
	clk := &fakeClock{now: wall0}
	src, err := open("candump:"+path, clk)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var f Frame
	if err := src.Next(context.Background(), &f); err != nil || f.ID != 0x100 {
		t.Fatalf("%v, %s", err, &f)
	}
	clk.fail = context.Canceled
	if err := src.Next(context.Background(), &f); err != context.Canceled {
		t.Fatalf("interrupted wait: %v", err)
	}
	if err := src.Next(context.Background(), &f); err != nil || f.ID != 0x101 || !f.Time.Equal(wall0.Add(100*time.Millisecond)) {
		t.Fatalf("after the interruption: %v, %s at +%v; want 101 at +100ms", err, &f, f.Time.Sub(wall0))
	}
}

func TestReplayWallClock(t *testing.T) {
	path := writeLog(t)
	src, err := Open("candump:" + path + "?speed=50") // 1 s of log in 20 ms
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	start := time.Now()
	var times []time.Time
	for {
		var f Frame
		err := src.Next(context.Background(), &f)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, f.Time)
	}
	elapsed := time.Since(start)
	if len(times) != 4 || elapsed < 19*time.Millisecond || elapsed > 2*time.Second {
		t.Fatalf("%d frames in %v, want 4 in about 20ms", len(times), elapsed)
	}
	if d := times[3].Sub(times[0]); d < 19*time.Millisecond {
		t.Errorf("first to last frame %v, want at least 20ms", d)
	}

	// A context ending during a wait, and Close during a wait.
	src2, err := Open("candump:" + path + "?speed=0.001")
	if err != nil {
		t.Fatal(err)
	}
	var f Frame
	if err := src2.Next(context.Background(), &f); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := src2.Next(ctx, &f); err != context.DeadlineExceeded {
		t.Errorf("context ended during a wait: %v", err)
	}
	go func() {
		time.Sleep(10 * time.Millisecond)
		src2.Close()
	}()
	if err := src2.Next(context.Background(), &f); !errors.Is(err, errSourceClosed) {
		t.Errorf("closed during a wait: %v", err)
	}
	if err := src2.Next(context.Background(), &f); !errors.Is(err, errSourceClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestOpenRealLogs(t *testing.T) {
	uris := []string{"trc:" + realTRC(t) + "?speed=max"}
	for _, p := range realLogs(t) {
		uris = append(uris, "candump:"+p+"?speed=max")
	}
	for _, uri := range uris {
		src, err := Open(uri)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		before := time.Now()
		var f Frame
		for {
			err := src.Next(context.Background(), &f)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Time.Before(before) {
				t.Fatalf("%s: frame %d keeps the log's time %v", uri, n, f.Time)
			}
			n++
		}
		src.Close()
		path := strings.TrimSuffix(strings.SplitN(uri, ":", 2)[1], "?speed=max")
		want := nonEmptyLines(t, path)
		if strings.HasPrefix(uri, "trc:") {
			want = 1437
		}
		if n != want {
			t.Errorf("%s: %d frames, want %d", uri, n, want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	path := writeLog(t)
	trcBad := filepath.Join(t.TempDir(), "bad.trc")
	os.WriteFile(trcBad, []byte(";$FILEVERSION=9.9\n"), 0o644)
	tests := []struct {
		uri, msg string
	}{
		{"sim:city", "sim: is handled by the application"},
		{"drive.log", "known schemes are socketcan:IFACE, candump:FILE, trc:FILE"},
		{"http://example.com/x.log", `unknown CAN scheme "http"`},
		{"candump:" + path + "?speed=-1", `speed="-1": want a positive number, or max`},
		{"candump:" + path + "?speed=fast", `speed="fast"`},
		{"candump:" + path + "?speed=NaN", `speed="NaN"`},
		{"candump:" + path + "?loop=maybe", `loop="maybe": want 1 or 0`},
		{"candump:" + path + "?rate=2", `unknown option "rate" (known: speed, loop, lenient)`},
		{"candump:" + path + "?speed=%zz", "bad options"},
		{"candump:", "no file name"},
		{"candump:/nonexistent/fascia.log", "no such file"},
		{"trc:" + trcBad, "bad.trc:1: unsupported .trc version 9.9"},
	}
	for _, tt := range tests {
		src, err := Open(tt.uri)
		if err == nil {
			src.Close()
			t.Errorf("Open(%q) succeeded", tt.uri)
			continue
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Open(%q): %v; want %q in it", tt.uri, err, tt.msg)
		}
	}
	_, err := Open("sim:city")
	if !errors.Is(err, ErrUnknownScheme) {
		t.Errorf("sim: error %v does not wrap ErrUnknownScheme", err)
	}
	_, err = Create("sim:city")
	if !errors.Is(err, ErrUnknownScheme) {
		t.Errorf("Create sim: error %v does not wrap ErrUnknownScheme", err)
	}
	if _, err := Create("trc:x.trc"); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("Create trc: %v", err)
	}
}

func TestOpenLenient(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.log")
	os.WriteFile(path, []byte("(1.000000) can0 100#01\ngarbage\n(1.000001) can0 101#02\n"), 0o644)
	for _, tt := range []struct {
		query  string
		frames int
		errs   int
	}{{"?speed=max", 2, 1}, {"?speed=max&lenient=1", 2, 0}} {
		src, err := Open("candump:" + path + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		frames, errs := 0, 0
		for {
			var f Frame
			err := src.Next(context.Background(), &f)
			if err == io.EOF {
				break
			}
			var pe *ParseError
			if errors.As(err, &pe) {
				if pe.Line != 2 || pe.File != path {
					t.Errorf("error %v, want line 2 of %s", pe, path)
				}
				errs++
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			frames++
		}
		src.Close()
		if frames != tt.frames || errs != tt.errs {
			t.Errorf("%s: %d frames, %d errors; want %d, %d", tt.query, frames, errs, tt.frames, tt.errs)
		}
	}
}

func TestCreateCandump(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rec.log")
	sink, err := Create("candump:" + path + "?iface=vcan1")
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Unix(1700000000, 250000000)
	frames := []Frame{
		mk(ts, 0x1a0, false, "0011223344556677"),
		remote(ts.Add(time.Millisecond), 0x123, false, 2),
		fd(ts.Add(2*time.Millisecond), 0x18daf110, true, 1, strings.Repeat("ab", 12)),
	}
	for i := range frames {
		if err := sink.Write(&frames[i]); err != nil {
			t.Fatal(err)
		}
	}
	bad := Frame{Time: ts, ID: 1, Len: 9}
	if err := sink.Write(&bad); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("invalid frame: %v, want an error naming the file", err)
	}
	// Nothing carries the final name until Close.
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("final file exists before Close: %v", err)
	}
	if tmp, _ := filepath.Glob(path + ".tmp-*"); len(tmp) != 1 {
		t.Errorf("temporary files %v, want one", tmp)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sink.Write(&frames[0]); err == nil {
		t.Error("Write after Close succeeded")
	}
	if err := sink.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if tmp, _ := filepath.Glob(path + ".tmp-*"); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r := NewCandumpReader(file, path)
	sameFrames(t, readAll(t, r.Next), frames)
	if r.Iface() != "vcan1" {
		t.Errorf("interface %q, want vcan1", r.Iface())
	}

	// A failed rename leaves no file and says so.
	gone := filepath.Join(t.TempDir(), "sub")
	os.Mkdir(gone, 0o755)
	sink, err = Create("candump:" + filepath.Join(gone, "x.log"))
	if err != nil {
		t.Fatal(err)
	}
	sink.Write(&frames[0])
	os.RemoveAll(gone)
	if err := sink.Close(); err == nil {
		t.Error("Close into a removed folder succeeded")
	}

	for _, uri := range []string{"candump:", "candump:/nonexistent/dir/x.log", "candump:x.log?iface=a%20b", "candump:x.log?speed=2"} {
		if s, err := Create(uri); err == nil {
			s.Close()
			t.Errorf("Create(%q) succeeded", uri)
		}
	}
}

func TestTee(t *testing.T) {
	path := writeLog(t)
	src, err := open("candump:"+path+"?speed=2", &fakeClock{now: wall0})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "rec.log")
	sink, err := Create("candump:" + out)
	if err != nil {
		t.Fatal(err)
	}
	rec := Tee(src, sink)
	if rec.Name() != src.Name() {
		t.Errorf("Name() = %q", rec.Name())
	}
	var passed []Frame
	for {
		var f Frame
		err := rec.Next(context.Background(), &f)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		passed = append(passed, f)
	}
	if n := rec.(*Recorder).Recorded(); n != 4 {
		t.Errorf("Recorded() = %d, want 4", n)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	file, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	// The recording holds the frames as emitted, stamped with replay time.
	sameFrames(t, readAll(t, NewCandumpReader(file, out).Next), passed)
	if !passed[3].Time.Equal(wall0.Add(500 * time.Millisecond)) {
		t.Errorf("last frame at %v", passed[3].Time)
	}
}

func TestTeeFailingSink(t *testing.T) {
	path := writeLog(t)
	src, err := open("candump:"+path+"?speed=max", &fakeClock{now: wall0})
	if err != nil {
		t.Fatal(err)
	}
	// A real sink, closed under the recorder after the first frame.
	out := filepath.Join(t.TempDir(), "rec.log")
	sink, err := Create("candump:" + out)
	if err != nil {
		t.Fatal(err)
	}
	rec := Tee(src, sink).(*Recorder)
	var f Frame
	if err := rec.Next(context.Background(), &f); err != nil || rec.Recorded() != 1 {
		t.Fatalf("%v, %d recorded", err, rec.Recorded())
	}
	sink.Close() // the sink fails from now on
	n := 1
	for {
		err := rec.Next(context.Background(), &f)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("a failing sink held up the frames: %v", err)
		}
		n++
	}
	if n != 4 || rec.Recorded() != 1 {
		t.Errorf("%d frames passed, %d recorded; want 4 and 1", n, rec.Recorded())
	}
	if rec.Err() == nil || !strings.Contains(rec.Err().Error(), "stopped after 1 frames") {
		t.Errorf("Err() = %v", rec.Err())
	}
	if err := rec.Close(); err == nil {
		t.Error("Close did not report the recording error")
	}
}

func TestReplayTRCPacing(t *testing.T) {
	clk := &fakeClock{now: wall0}
	src, err := open("trc:testdata/trc/v2_1.trc?speed=10", clk)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	// Offsets 0.1, 0.2, 0.8, 0.9, 1.0 and 1000 ms, at ten times the speed.
	want := []time.Duration{0, 10 * time.Microsecond, 70 * time.Microsecond, 80 * time.Microsecond, 90 * time.Microsecond, 99990 * time.Microsecond}
	for i, off := range want {
		var f Frame
		if err := src.Next(context.Background(), &f); err != nil {
			t.Fatal(err)
		}
		if !f.Time.Equal(wall0.Add(off)) {
			t.Errorf("frame %d (%s) at +%v, want +%v", i, &f, f.Time.Sub(wall0), off)
		}
	}
	var f Frame
	if err := src.Next(context.Background(), &f); err != io.EOF {
		t.Errorf("at the end: %v", err)
	}
}
