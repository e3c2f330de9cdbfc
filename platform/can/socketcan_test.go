package can

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/platform/can/cantest"
)

// record builds a Linux struct can_frame: id+flags (LE), len, 3 pad bytes, data[8].
func record(idFlags uint32, n uint8, data ...byte) []byte {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint32(b, idFlags)
	b[4] = n
	copy(b[8:], data)
	return b
}

const (
	effFlag = 0x80000000
	rtrFlag = 0x40000000
	errFlag = 0x20000000
)

func TestSocketCANReceive(t *testing.T) {
	a, b := net.Pipe()
	src := NewSocketCANSource(a, "socketcan:test0")
	defer src.Close()
	before := time.Now()
	go func() {
		b.Write(record(0x123, 8, 1, 2, 3, 4, 5, 6, 7, 8))
		b.Write(record(effFlag|0x1abcdef0, 3, 0xaa, 0xbb, 0xcc))
		b.Write(record(rtrFlag|0x7ff, 4, 9, 9, 9, 9))     // junk in a remote frame's data
		b.Write(record(0x100, 2, 0xaa, 0xbb, 0xcc, 0xdd)) // junk beyond len
		b.Write(record(errFlag|0x4, 8, 0, 8))             // error frame: skipped
		b.Write(record(0x101, 9, 1, 2, 3, 4, 5, 6, 7, 8)) // len 9: skipped
		b.Write(append(record(effFlag|rtrFlag|0x1234, 0), record(0, 0)...))
		b.Close()
	}()
	want := []Frame{
		mk(time.Time{}, 0x123, false, "0102030405060708"),
		mk(time.Time{}, 0x1abcdef0, true, "aabbcc"),
		remote(time.Time{}, 0x7ff, false, 4),
		mk(time.Time{}, 0x100, false, "aabb"),
		remote(time.Time{}, 0x1234, true, 0),
		mk(time.Time{}, 0, false, ""),
	}
	var got []Frame
	for {
		var f Frame
		err := src.Next(context.Background(), &f)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if f.Time.Before(before) || f.Time.After(time.Now()) {
			t.Errorf("frame time %v not the wall clock at receipt", f.Time)
		}
		f.Time = time.Time{}
		got = append(got, f)
	}
	sameFrames(t, got, want)
	if src.ErrorFrames != 1 || src.Invalid != 1 {
		t.Errorf("ErrorFrames %d, Invalid %d; want 1 and 1", src.ErrorFrames, src.Invalid)
	}
	if src.Name() != "socketcan:test0" {
		t.Errorf("Name() = %q", src.Name())
	}
}

func TestSocketCANTransmit(t *testing.T) {
	a, b := net.Pipe()
	sink := NewSocketCANSink(a, "socketcan:test0")
	defer sink.Close()
	tests := []struct {
		f    Frame
		want []byte
	}{
		{mk(time.Time{}, 0x123, false, "0102030405060708"), record(0x123, 8, 1, 2, 3, 4, 5, 6, 7, 8)},
		{mk(time.Time{}, 0x1abcdef0, true, "aabbcc"), record(effFlag|0x1abcdef0, 3, 0xaa, 0xbb, 0xcc)},
		{remote(time.Time{}, 0x7ff, false, 4), record(rtrFlag|0x7ff, 4)},
		{remote(time.Time{}, 0x1234, true, 0), record(effFlag|rtrFlag|0x1234, 0)},
		{func() Frame { f := mk(time.Time{}, 0x100, false, "aabbccdd"); f.Len = 2; return f }(), record(0x100, 2, 0xaa, 0xbb)},
		{mk(time.Time{}, 0, false, ""), record(0, 0)},
	}
	done := make(chan error, 1)
	go func() {
		for _, tt := range tests {
			if err := sink.Write(&tt.f); err != nil {
				done <- err
				return
			}
			// Frames the sink must refuse write nothing.
			fdf := fd(time.Time{}, 0x123, false, 1, "aabb")
			if err := sink.Write(&fdf); err == nil || !strings.Contains(err.Error(), "CAN FD") {
				done <- errors.New("FD frame: want an error naming CAN FD, got " + errString(err))
				return
			}
			bad := mk(time.Time{}, 0x800, false, "")
			if err := sink.Write(&bad); err == nil {
				done <- errors.New("an 11-bit ID of 0x800 was sent")
				return
			}
		}
		done <- nil
	}()
	for i, tt := range tests {
		got := make([]byte, 16)
		if _, err := io.ReadFull(b, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, tt.want) {
			t.Errorf("frame %d: wrote % x, want % x", i, got, tt.want)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

func TestSocketCANSocketpair(t *testing.T) {
	a, b := cantest.Pair(t)
	srcA, sinkA := NewSocketCANSource(a, "a"), NewSocketCANSink(a, "a")
	srcB, sinkB := NewSocketCANSource(b, "b"), NewSocketCANSink(b, "b")
	defer a.Close()
	defer b.Close()
	frames := []Frame{
		mk(time.Time{}, 0x1a0, false, "0011223344556677"),
		mk(time.Time{}, 0x18daf110, true, "021003"),
		remote(time.Time{}, 0x123, false, 5),
		mk(time.Time{}, 0x7ff, false, ""),
	}
	for _, dir := range []struct {
		name string
		sink *SocketCANSink
		src  *SocketCANSource
	}{{"a to b", sinkA, srcB}, {"b to a", sinkB, srcA}} {
		for i := range frames {
			if err := dir.sink.Write(&frames[i]); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		for i := range frames {
			var f Frame
			if err := dir.src.Next(ctx, &f); err != nil {
				t.Fatalf("%s: %v", dir.name, err)
			}
			f.Time = time.Time{}
			if !sameFrame(f, frames[i]) {
				t.Errorf("%s: frame %d %s", dir.name, i, frameDiff(f, frames[i]))
			}
		}
		cancel()
	}
}

func TestSocketCANCancel(t *testing.T) {
	a, b := net.Pipe()
	src := NewSocketCANSource(a, "socketcan:test0")
	defer src.Close()
	var f Frame

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := src.Next(ctx, &f); err != context.Canceled {
		t.Fatalf("cancelled context: %v", err)
	}

	for i, d := range []time.Duration{10 * time.Millisecond, 30 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		start := time.Now()
		err := src.Next(ctx, &f)
		cancel()
		if err != context.DeadlineExceeded || time.Since(start) > 2*time.Second {
			t.Fatalf("round %d: %v after %v, want context.DeadlineExceeded at once", i, err, time.Since(start))
		}
		// The source carries on afterwards.
		go b.Write(record(0x200+uint32(i), 1, byte(i)))
		ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
		err = src.Next(ctx, &f)
		cancel()
		if err != nil || f.ID != 0x200+uint32(i) || f.Data[0] != byte(i) {
			t.Fatalf("round %d after cancel: %v, %s", i, err, &f)
		}
	}

	// Close from another goroutine ends a blocked Next.
	go func() {
		time.Sleep(10 * time.Millisecond)
		src.Close()
	}()
	if err := src.Next(context.Background(), &f); err == nil || err == io.EOF {
		t.Fatalf("Next on a closed source: %v, want an error", err)
	}
}

func TestSocketCANMissingInterface(t *testing.T) {
	if _, err := Open("socketcan:fascianosuch0"); err == nil || !strings.Contains(err.Error(), "fascianosuch0") {
		t.Errorf("Open: %v, want an error naming the interface", err)
	}
	if _, err := Create("socketcan:fascianosuch0"); err == nil || !strings.Contains(err.Error(), "fascianosuch0") {
		t.Errorf("Create: %v, want an error naming the interface", err)
	}
	for _, uri := range []string{"socketcan:", "socketcan:can0?speed=2"} {
		if _, err := Open(uri); err == nil {
			t.Errorf("Open(%q) succeeded", uri)
		}
	}
}
