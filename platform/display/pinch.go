package display

import (
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/embedded"
)

// PinchPhase says where a pinch is.
type PinchPhase int

// Pinch phases.
const (
	PinchBegin PinchPhase = iota // the second finger touched
	PinchMove                    // the fingers moved
	PinchEnd                     // a finger of the pair lifted
)

// Pinch is one step of a two-finger gesture. Fyne (v2.7) has no pinch
// gesture, so the driver recognises it below Fyne: while two fingers are on
// the panel their contacts are not passed to Fyne (which would drag with
// each in turn) but reported as pinches.
type Pinch struct {
	Phase PinchPhase
	// Center is the midpoint of the two fingers, in dp on the screen.
	Center fyne.Position
	// Scale is the distance between the fingers over the distance at the
	// previous step of this gesture: above 1 when they spread (zoom in).
	// It is 1 at PinchBegin and PinchEnd.
	Scale float32
}

// minPinchSpan is the smallest finger distance (dp) a scale is computed
// from; closer fingers give meaningless ratios.
const minPinchSpan = 8

// pinchFilter sits between the decoders and Fyne: it passes single-finger
// contacts through and turns a pair into Pinch steps. Events from every
// input device go through one filter (their touch IDs are distinct).
type pinchFilter struct {
	mu      sync.Mutex
	at      map[int]fyne.Position // every contact on the panel
	passed  map[int]fyne.Position // contacts Fyne was told about, where it last saw them
	held    map[int]bool          // passed contacts that joined a pinch: Fyne sees only their end
	a, b    int                   // the pinching pair, while pinching
	pinch   bool
	span    float32
	onPinch func(Pinch)
}

func newPinchFilter() *pinchFilter {
	return &pinchFilter{at: map[int]fyne.Position{}, passed: map[int]fyne.Position{}, held: map[int]bool{}}
}

// setHandler sets where pinches go; nil passes every contact to Fyne.
func (f *pinchFilter) setHandler(h func(Pinch)) {
	f.mu.Lock()
	f.onPinch = h
	f.mu.Unlock()
}

// handle passes e on to emit, or holds it back as part of a pinch.
func (f *pinchFilter) handle(e embedded.Event, emit func(embedded.Event)) {
	f.mu.Lock()
	var steps []Pinch
	out := f.route(e, &steps)
	h := f.onPinch
	f.mu.Unlock()
	if out != nil {
		emit(out)
	}
	if h != nil {
		for _, p := range steps {
			h(p)
		}
	}
}

// route updates the contacts and returns what Fyne gets for e (nil:
// nothing); pinch steps go to steps. Called with f.mu held.
func (f *pinchFilter) route(e embedded.Event, steps *[]Pinch) embedded.Event {
	switch ev := e.(type) {
	case *embedded.TouchDownEvent:
		f.at[ev.ID] = ev.Position
		if f.onPinch != nil && !f.pinch && len(f.at) == 2 {
			for id := range f.at {
				if id != ev.ID {
					f.a = id
				}
			}
			f.b, f.pinch = ev.ID, true
			f.held[f.a] = true
			f.span = f.distance()
			*steps = append(*steps, Pinch{Phase: PinchBegin, Center: f.center(), Scale: 1})
			return nil
		}
		if f.pinch {
			return nil // a third finger: ignored until the pinch ends
		}
		f.passed[ev.ID] = ev.Position
		return e
	case *embedded.TouchMoveEvent:
		if _, ok := f.at[ev.ID]; !ok {
			return nil // never saw it go down (see the down's handling)
		}
		f.at[ev.ID] = ev.Position
		if f.pinch && (ev.ID == f.a || ev.ID == f.b) {
			d := f.distance()
			if f.span >= minPinchSpan && d >= minPinchSpan {
				*steps = append(*steps, Pinch{Phase: PinchMove, Center: f.center(), Scale: d / f.span})
			}
			f.span = d
			return nil
		}
		if _, ok := f.passed[ev.ID]; !ok || f.pinch || f.held[ev.ID] {
			return nil
		}
		f.passed[ev.ID] = ev.Position
		return e
	case *embedded.TouchUpEvent:
		if _, ok := f.at[ev.ID]; !ok {
			return nil
		}
		f.at[ev.ID] = ev.Position
		if f.pinch && (ev.ID == f.a || ev.ID == f.b) {
			*steps = append(*steps, Pinch{Phase: PinchEnd, Center: f.center(), Scale: 1})
			f.pinch = false
		}
		delete(f.at, ev.ID)
		last, ok := f.passed[ev.ID]
		delete(f.passed, ev.ID)
		delete(f.held, ev.ID)
		if !ok {
			return nil
		}
		// Fyne ends the contact where it last saw it: the moves of a
		// finger that joined a pinch are held back until it lifts, so
		// that the map does not jump by the pinch's motion.
		return &embedded.TouchUpEvent{Position: last, ID: ev.ID}
	}
	return e
}

func (f *pinchFilter) distance() float32 {
	p, q := f.at[f.a], f.at[f.b]
	return float32(math.Hypot(float64(p.X-q.X), float64(p.Y-q.Y)))
}

func (f *pinchFilter) center() fyne.Position {
	p, q := f.at[f.a], f.at[f.b]
	return fyne.NewPos((p.X+q.X)/2, (p.Y+q.Y)/2)
}
