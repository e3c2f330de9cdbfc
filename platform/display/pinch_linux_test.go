//go:build linux

package display

import (
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2/driver/embedded"
)

// TestDriverPinch sends a two-finger spread through an evdev pipe: the
// handler sees the pinch and Fyne's queue only the first finger.
func TestDriverPinch(t *testing.T) {
	d, _ := tempFramebuffer(t, 800, 480, 1600, RGB565, Config{})
	steps := make(chan Pinch, 16)
	d.SetPinchHandler(func(p Pinch) { steps <- p })
	w := pipeInput(t, d, mtAxes)
	recs := []rec{
		abs(absMTSlot, 0), abs(absMTTrackingID, 10), abs(absMTPositionX, 300), abs(absMTPositionY, 200), syn,
		abs(absMTSlot, 1), abs(absMTTrackingID, 11), abs(absMTPositionX, 400), abs(absMTPositionY, 200), syn,
		abs(absMTSlot, 0), abs(absMTPositionX, 250), abs(absMTSlot, 1), abs(absMTPositionX, 450), syn,
		abs(absMTSlot, 1), abs(absMTTrackingID, -1), syn,
		abs(absMTSlot, 0), abs(absMTTrackingID, -1), syn,
	}
	if _, err := w.Write(encode(NativeLayout(), recs...)); err != nil {
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
