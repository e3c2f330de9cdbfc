package can

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/platform/can/cantest"
)

// TestSocketCANSourceWrite sends frames on a source's own socket while a
// goroutine blocks in its Next, and receives them at the other end.
func TestSocketCANSourceWrite(t *testing.T) {
	a, b := cantest.Pair(t)
	src, peer := NewSocketCANSource(a, "socketcan:a"), NewSocketCANSource(b, "socketcan:b")
	defer b.Close()
	var _ Transmitter = src

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		var f Frame
		done <- src.Next(ctx, &f) // nothing comes back: blocks until cancelled
	}()
	frames := []Frame{mk(time.Time{}, 0x301, false, "08"), mk(time.Time{}, 0x18daf110, true, "0102")}
	for i := range frames {
		if err := src.Write(&frames[i]); err != nil {
			t.Fatal(err)
		}
	}
	rctx, rcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer rcancel()
	for i := range frames {
		var f Frame
		if err := peer.Next(rctx, &f); err != nil {
			t.Fatal(err)
		}
		f.Time = time.Time{}
		if !sameFrame(f, frames[i]) {
			t.Errorf("frame %d: %s", i, frameDiff(f, frames[i]))
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Next: %v", err)
	}
	fdf := fd(time.Time{}, 0x301, false, 0, "000102030405060708090A0B")
	if err := src.Write(&fdf); err == nil || !strings.Contains(err.Error(), "socketcan:a: cannot send CAN FD frame") {
		t.Errorf("FD frame: %v", err)
	}
	bad := Frame{ID: 0x800}
	if err := src.Write(&bad); err == nil || !strings.Contains(err.Error(), "does not fit in 11 bits") {
		t.Errorf("bad ID: %v", err)
	}
	src.Close()
	if err := src.Write(&frames[0]); err == nil {
		t.Error("write after Close succeeded")
	}
}

// TestTeeWrite records transmitted frames with the received ones, and
// refuses to transmit through a recording.
func TestTeeWrite(t *testing.T) {
	a, b := cantest.Pair(t)
	defer b.Close()
	out := filepath.Join(t.TempDir(), "rec.log")
	sink, err := Create("candump:" + out)
	if err != nil {
		t.Fatal(err)
	}
	rec := Tee(NewSocketCANSource(a, "socketcan:a"), sink).(*Recorder)
	sent := mk(time.Unix(1700000000, 0), 0x302, false, "01")
	if err := rec.Write(&sent); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got Frame
	if err := NewSocketCANSource(b, "socketcan:b").Next(ctx, &got); err != nil {
		t.Fatal(err)
	}
	got.Time = sent.Time
	if !sameFrame(got, sent) {
		t.Errorf("sent %s", frameDiff(got, sent))
	}
	if rec.Recorded() != 1 {
		t.Errorf("Recorded() = %d after a write", rec.Recorded())
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sameFrames(t, readAll(t, NewCandumpReader(file, out).Next), []Frame{sent})

	// A replay cannot transmit.
	path := writeLog(t)
	src, err := open("candump:"+path, &fakeClock{now: wall0})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.(Transmitter); ok {
		t.Error("a replay claims to transmit")
	}
	sink2, err := Create("candump:" + filepath.Join(t.TempDir(), "rec2.log"))
	if err != nil {
		t.Fatal(err)
	}
	rec2 := Tee(src, sink2).(*Recorder)
	defer rec2.Close()
	if err := rec2.Write(&sent); !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "candump:"+path) {
		t.Errorf("write through a replay: %v", err)
	}
	if rec2.Recorded() != 0 {
		t.Error("a refused write was recorded")
	}
}
