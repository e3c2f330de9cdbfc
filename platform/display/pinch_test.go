package display

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/embedded"
)

func down(id int, x, y float32) embedded.Event {
	return &embedded.TouchDownEvent{Position: fyne.NewPos(x, y), ID: id}
}
func move(id int, x, y float32) embedded.Event {
	return &embedded.TouchMoveEvent{Position: fyne.NewPos(x, y), ID: id}
}
func up(id int, x, y float32) embedded.Event {
	return &embedded.TouchUpEvent{Position: fyne.NewPos(x, y), ID: id}
}

// pinchRun passes events through a filter with a pinch handler and returns
// what reached Fyne and the pinch steps.
func pinchRun(handler bool, evs ...embedded.Event) (fyneGot []embedded.Event, pinches []Pinch) {
	f := newPinchFilter()
	if handler {
		f.setHandler(func(p Pinch) { pinches = append(pinches, p) })
	}
	for _, e := range evs {
		f.handle(e, func(e embedded.Event) { fyneGot = append(fyneGot, e) })
	}
	return fyneGot, pinches
}

func TestPinchSpread(t *testing.T) {
	got, ps := pinchRun(true,
		down(0, 100, 100), move(0, 101, 100), // one finger: Fyne drags
		down(1, 140, 100), // second finger: pinch begins, span 39
		move(1, 179, 100), // span 78: ×2
		move(0, 62, 100),  // span 117: ×1.5
		up(1, 179, 100),   // pinch ends
		move(0, 60, 100),  // still held back: Fyne ends it
		up(0, 60, 100))
	var scale float64 = 1
	for _, p := range ps {
		scale *= float64(p.Scale)
	}
	if len(ps) != 4 || ps[0].Phase != PinchBegin || ps[3].Phase != PinchEnd {
		t.Fatalf("pinch steps %+v", ps)
	}
	if math.Abs(scale-3) > 1e-5 {
		t.Errorf("total scale %v, want 3 (39 → 117 dp)", scale)
	}
	if c := ps[1].Center; c != fyne.NewPos(140, 100) {
		t.Errorf("centre %v, want 140,100", c)
	}
	// Fyne saw finger 0 go down, move once and go up where it last saw it;
	// nothing of finger 1.
	want := []embedded.Event{down(0, 100, 100), move(0, 101, 100), up(0, 101, 100)}
	if len(got) != len(want) {
		t.Fatalf("Fyne got %d events %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if g, w := got[i], want[i]; !sameEvent(g, w) {
			t.Errorf("Fyne event %d: %#v, want %#v", i, g, w)
		}
	}
}

func sameEvent(a, b embedded.Event) bool {
	switch x := a.(type) {
	case *embedded.TouchDownEvent:
		y, ok := b.(*embedded.TouchDownEvent)
		return ok && *x == *y
	case *embedded.TouchMoveEvent:
		y, ok := b.(*embedded.TouchMoveEvent)
		return ok && *x == *y
	case *embedded.TouchUpEvent:
		y, ok := b.(*embedded.TouchUpEvent)
		return ok && *x == *y
	}
	return false
}

func TestPinchWithoutHandlerPassesEverything(t *testing.T) {
	evs := []embedded.Event{down(0, 1, 1), down(1, 50, 50), move(1, 60, 60), up(1, 60, 60), up(0, 1, 1)}
	got, ps := pinchRun(false, evs...)
	if len(ps) != 0 || len(got) != len(evs) {
		t.Fatalf("without a handler: %d pinches, %d of %d events passed", len(ps), len(got), len(evs))
	}
}

func TestPinchThirdFingerAndClosePoints(t *testing.T) {
	got, ps := pinchRun(true,
		down(0, 100, 100), down(1, 104, 100), // 4 dp apart: too close for a ratio
		move(1, 120, 100), // from 4 dp: no step, span now 20
		move(1, 140, 100), // ×2
		down(2, 10, 10),   // third finger: ignored
		move(2, 20, 20),   // ignored
		up(0, 100, 100),   // pinch ends
		up(2, 20, 20),     // never passed: nothing for Fyne
		down(3, 50, 50),   // finger 1 still down: a new pinch with 1
		up(1, 140, 100),
		up(3, 50, 50))
	phases := []PinchPhase{}
	for _, p := range ps {
		phases = append(phases, p.Phase)
	}
	want := []PinchPhase{PinchBegin, PinchMove, PinchEnd, PinchBegin, PinchEnd}
	if len(phases) != len(want) {
		t.Fatalf("phases %v, want %v", phases, want)
	}
	for i := range want {
		if phases[i] != want[i] {
			t.Fatalf("phases %v, want %v", phases, want)
		}
	}
	if ps[1].Scale != 2 {
		t.Errorf("scale %v, want 2", ps[1].Scale)
	}
	// Only finger 0 reached Fyne: down, then its up.
	if len(got) != 2 {
		t.Errorf("Fyne got %v", got)
	}
}
