package feed

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/platform/can"
	"github.com/fascia-hmi/fascia/platform/can/cantest"
)

// TestSendSocketCAN transmits through the running SocketCAN source and
// records the frame sent with --record.
func TestSendSocketCAN(t *testing.T) {
	p, enc := demo(t)
	store := vehicle.NewStore(nil)
	a, b := cantest.Pair(t)
	out := filepath.Join(t.TempDir(), "rec.log")
	open := func(string) (can.Source, error) { return can.NewSocketCANSource(a, "socketcan:a"), nil }
	fd := New("socketcan:a", open, vehicle.NewDecoder(p, store), store, Options{Record: out})
	cmd := can.Frame{ID: 0x301, Len: 1, Data: [can.MaxLen]byte{8}}
	if err := fd.Send(&cmd); err == nil || !strings.Contains(err.Error(), "socketcan:a is not running") {
		t.Errorf("send before Start: %v", err)
	}
	if err := fd.Start(); err != nil {
		t.Fatal(err)
	}
	// The car's frames arrive while the cockpit sends.
	bus := can.NewSocketCANSink(b, "socketcan:b")
	f := speedFrame(t, enc, 30)
	if err := bus.Write(&f); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the car's frame", func() bool { return fd.Status().Frames == 1 })
	if err := fd.Send(&cmd); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got can.Frame
	if err := can.NewSocketCANSource(b, "socketcan:b").Next(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if got.String() != "301#08" || fd.Sent() != 1 {
		t.Errorf("the bus got %s; %d sent", &got, fd.Sent())
	}
	fd.Close()
	file, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r := can.NewCandumpReader(file, out)
	var lines []string
	for {
		if err := r.Next(&got); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
		lines = append(lines, got.String())
	}
	if len(lines) != 2 || lines[0] != f.String() || lines[1] != "301#08" {
		t.Errorf("recording %q, want the car's frame then the command", lines)
	}
}

// TestSendReadOnly: a recording cannot transmit, with or without --record.
func TestSendReadOnly(t *testing.T) {
	p, enc := demo(t)
	dir := t.TempDir()
	log := filepath.Join(dir, "drive.log")
	sink, err := can.Create("candump:" + log)
	if err != nil {
		t.Fatal(err)
	}
	f := speedFrame(t, enc, 30)
	f.Time = time.Unix(1_700_000_000, 0)
	if err := sink.Write(&f); err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	uri := "candump:" + log + "?loop=1&speed=0.01"
	for _, record := range []string{"", filepath.Join(dir, "rec.log")} {
		store := vehicle.NewStore(nil)
		fd := New(uri, can.Open, vehicle.NewDecoder(p, store), store, Options{Record: record})
		if err := fd.Start(); err != nil {
			t.Fatal(err)
		}
		cmd := can.Frame{ID: 0x302, Len: 1, Data: [can.MaxLen]byte{1}}
		err := fd.Send(&cmd)
		want := uri + " is a recording: commands cannot be sent"
		if err == nil || err.Error() != want || !errors.Is(err, can.ErrReadOnly) {
			t.Errorf("record %q: error %v, want %q", record, err, want)
		}
		fd.Close()
	}
}

// TestSendTransmit: a feed that runs no source (its frames come through
// Deliver) says so, until Transmit gives it somewhere to send; then Send
// stamps and hands over the frame and counts it.
func TestSendTransmit(t *testing.T) {
	p, _ := demo(t)
	store := vehicle.NewStore(func() time.Time { return time.Unix(1_700_000_000, 0) })
	fd := New("sim:city", nil, vehicle.NewDecoder(p, store), store, Options{})
	cmd := can.Frame{ID: 0x302, Len: 1, Data: [can.MaxLen]byte{1}}
	if err := fd.Send(&cmd); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Fatalf("no source, no transmitter: %v", err)
	}
	var got []can.Frame
	fd.Transmit(func(f *can.Frame) error { got = append(got, *f); return nil })
	if err := fd.Send(&cmd); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != 0x302 || !got[0].Time.Equal(time.Unix(1_700_000_000, 0)) || fd.Sent() != 1 {
		t.Fatalf("sent %v, count %d", got, fd.Sent())
	}
	fd.Transmit(func(*can.Frame) error { return errors.New("car asleep") })
	if err := fd.Send(&cmd); err == nil || !strings.Contains(err.Error(), "car asleep") || fd.Sent() != 1 {
		t.Fatalf("failing transmitter: %v, count %d", err, fd.Sent())
	}
}
