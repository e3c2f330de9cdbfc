//go:build linux

package display

import (
	"io"
	"log/slog"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2/driver/embedded"
)

// spread is two fingers 100 px apart spreading to 200 px, then lifting.
var spread = []rec{
	abs(absMTSlot, 0), abs(absMTTrackingID, 10), abs(absMTPositionX, 300), abs(absMTPositionY, 200), syn,
	abs(absMTSlot, 1), abs(absMTTrackingID, 11), abs(absMTPositionX, 400), abs(absMTPositionY, 200), syn,
	abs(absMTSlot, 0), abs(absMTPositionX, 250), abs(absMTSlot, 1), abs(absMTPositionX, 450), syn,
	abs(absMTSlot, 1), abs(absMTTrackingID, -1), syn,
	abs(absMTSlot, 0), abs(absMTTrackingID, -1), syn,
}

// TestDriverPinch sends a two-finger spread through an evdev pipe: the
// handler sees the pinch and Fyne's queue only the first finger.
func TestDriverPinch(t *testing.T) {
	d, _ := tempFramebuffer(t, 800, 480, 1600, RGB565, Config{})
	steps := make(chan Pinch, 16)
	d.SetPinchHandler(func(p Pinch) { steps <- p })
	w := pipeInput(t, d, mtAxes)
	if _, err := w.Write(encode(NativeLayout(), spread...)); err != nil {
		t.Fatal(err)
	}
	var ps []Pinch
	scale := 1.0
	for len(ps) == 0 || ps[len(ps)-1].Phase != PinchEnd {
		select {
		case p := <-steps:
			ps = append(ps, p)
			scale *= float64(p.Scale)
		case <-time.After(5 * time.Second):
			t.Fatalf("pinch steps so far: %+v", ps)
		}
	}
	if ps[0].Phase != PinchBegin || len(ps) < 3 {
		t.Fatalf("steps %+v", ps)
	}
	if math.Abs(scale-2) > 0.02 {
		t.Errorf("scale %v, want 2 (100 → 200 px apart)", scale)
	}
	if e, ok := next(t, d.queue).(*embedded.TouchDownEvent); !ok || e.ID != 0 {
		t.Fatalf("Fyne's first event %#v, want finger 0 down", e)
	}
	if e, ok := next(t, d.queue).(*embedded.TouchUpEvent); !ok || e.ID != 0 || e.Position.X != 300 {
		t.Fatalf("Fyne's second event %#v, want finger 0 up where it went down", e)
	}
}

// TestPinchWatcher: beside a display server, the watcher reports the same
// pinch from the panel's events and passes nothing on (the display server
// has the single contacts); it refuses a screen without a size and a named
// device that is not there, and with none to find it still starts.
func TestPinchWatcher(t *testing.T) {
	steps := make(chan Pinch, 16)
	d := watcher(WatchConfig{Screen: Screen{Width: 800, Height: 480, Scale: 1}}, func(p Pinch) { steps <- p })
	t.Cleanup(func() { d.Close() })
	w := pipeInput(t, d, mtAxes)
	if _, err := w.Write(encode(NativeLayout(), spread...)); err != nil {
		t.Fatal(err)
	}
	scale := 1.0
	var last Pinch
	for last.Phase != PinchEnd {
		select {
		case last = <-steps:
			scale *= float64(last.Scale)
			if last.Phase == PinchMove && (last.Center.X < 320 || last.Center.X > 380 || last.Center.Y < 190 || last.Center.Y > 210) {
				t.Errorf("pinch centre %v, want near the middle of the fingers (about 350, 200)", last.Center)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no pinch end within 5 s")
		}
	}
	if math.Abs(scale-2) > 0.02 {
		t.Errorf("scale %v, want 2", scale)
	}
	if n := len(d.queue); n != 0 {
		t.Errorf("%d events queued for Fyne; a watcher passes none", n)
	}

	if _, err := WatchPinches(WatchConfig{}, func(Pinch) {}); err == nil {
		t.Error("a screen of 0×0 accepted")
	}
	if _, err := WatchPinches(WatchConfig{Inputs: []string{"/nonexistent/event9"}, Screen: Screen{Width: 800, Height: 480, Scale: 1}}, func(Pinch) {}); err == nil {
		t.Error("a missing device accepted")
	}
	old := inputGlob
	inputGlob = t.TempDir() + "/event*"
	defer func() { inputGlob = old }()
	pw, err := WatchPinches(WatchConfig{Screen: Screen{Width: 800, Height: 480, Scale: 1}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, func(Pinch) {})
	if err != nil {
		t.Fatalf("no panel to find: %v", err)
	}
	if err := pw.Close(); err != nil {
		t.Error(err)
	}
}
