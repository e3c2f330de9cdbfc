package mic

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestRead(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i < 2500; i++ {
		binary.Write(&b, binary.LittleEndian, int16(i-1000))
	}
	b.WriteByte(7) // a trailing half sample is dropped
	var got []int16
	blocks := 0
	if err := Read(&b, 1000, func(s []int16) { blocks++; got = append(got, s...) }); err != nil {
		t.Fatal(err)
	}
	if blocks != 3 || len(got) != 2500 || got[0] != -1000 || got[2499] != 1499 {
		t.Fatalf("blocks %d, samples %d, first %d, last %d", blocks, len(got), got[0], got[len(got)-1])
	}
}

// A fake arecord that lists no cards is the state of a machine without a
// sound card: Start must say there is no microphone.
func TestNoMicrophone(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "arecord")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho 'arecord: device_list:274: no soundcards found...' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{Bin: bin}, func([]int16) {})
	if !errors.Is(err, ErrNoMicrophone) {
		t.Fatalf("err %v, want ErrNoMicrophone", err)
	}
	if _, err := Start(context.Background(), Options{Bin: filepath.Join(dir, "missing")}, func([]int16) {}); err == nil {
		t.Fatal("missing arecord: no error")
	}
}

// A fake arecord that lists a card and streams a raw file stands in for
// the device: samples arrive in blocks and the capture ends at EOF.
func TestCaptureStream(t *testing.T) {
	dir := t.TempDir()
	raw := filepath.Join(dir, "in.raw")
	var b bytes.Buffer
	for i := 0; i < 4000; i++ {
		binary.Write(&b, binary.LittleEndian, int16(i))
	}
	os.WriteFile(raw, b.Bytes(), 0o644)
	bin := filepath.Join(dir, "arecord")
	os.WriteFile(bin, []byte("#!/bin/sh\nif [ \"$1\" = -l ]; then echo 'card 0: USB [USB Mic], device 0'; exit 0; fi\ncat "+raw+"\n"), 0o755)
	n := 0
	c, err := Start(context.Background(), Options{Bin: bin}, func(s []int16) { n += len(s) })
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(); err != nil {
		t.Fatal(err)
	}
	if n != 4000 {
		t.Fatalf("got %d samples, want 4000", n)
	}
}

// On this machine (no sound card) the real arecord must give the
// no-microphone error; with a card it must start.
func TestRealArecord(t *testing.T) {
	err := Check(context.Background(), Options{})
	t.Logf("real arecord: %v", err)
	if err != nil && !errors.Is(err, ErrNoMicrophone) {
		t.Fatalf("arecord present but check failed otherwise: %v", err)
	}
}
