package ui

import (
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

// Display rates of the update loop, in updates per second.
//
// Every tick on which a widget changes repaints the whole window, and with
// software GL (Mesa's llvmpipe, what a cockpit without a GPU driver and
// every CI machine has) a 1280×720 cockpit frame costs tens of
// milliseconds of CPU, so the rate is the cockpit's main CPU cost. 12 Hz is
// enough for a cluster: its readouts are meant to be read, not watched
// (digital speed and rpm readouts of production cars change a few times a
// second so that they stay legible), telltales and stale values appear
// within 83 ms, and it divides a blink period of the 1.5 Hz indicators
// into whole ticks (333 ms = 4 ticks), so every flash lasts the same
// time. MaxRate is for displays that can afford it.
const (
	DefaultRate = 12
	MaxRate     = 60
)

// Loop carries signal changes from the Store to widgets at display rate. On
// each tick it asks one coalescing Watch over every bound signal which ones
// changed (however many updates arrived since the last tick), then runs, on
// the UI goroutine, only the bindings of those signals, and the per-tick
// functions (clock, blinking). A binding runs at most once per tick, so a
// widget fed by it redraws at most Rate times a second. If the UI goroutine
// falls behind, ticks merge instead of queueing.
type Loop struct {
	store    *vehicle.Store
	interval time.Duration

	mu       sync.Mutex
	bindings []func()
	ids      [][]vss.ID
	byID     map[vss.ID][]int
	dirty    []bool
	watch    *vehicle.Watch
	every    []func(now time.Time)

	pending atomic.Bool
	ticks   atomic.Uint64
	runs    atomic.Uint64

	runMu sync.Mutex
	stop  chan struct{}
	done  chan struct{}
}

// NewLoop returns a stopped loop over store at rate ticks per second
// (DefaultRate when rate ≤ 0, at most MaxRate).
func NewLoop(store *vehicle.Store, rate int) *Loop {
	if rate <= 0 {
		rate = DefaultRate
	}
	if rate > MaxRate {
		rate = MaxRate
	}
	return &Loop{store: store, interval: time.Second / time.Duration(rate), byID: map[vss.ID][]int{}}
}

// Interval returns the time between ticks.
func (l *Loop) Interval() time.Duration { return l.interval }

// Bind runs apply on the UI goroutine whenever the value or the state (live,
// stale) of any of ids changed since the last tick, and once on the next
// tick. apply reads the Store itself and updates its widgets.
func (l *Loop) Bind(apply func(), ids ...vss.ID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := len(l.bindings)
	l.bindings = append(l.bindings, apply)
	l.ids = append(l.ids, ids)
	l.dirty = append(l.dirty, true)
	for _, id := range ids {
		l.byID[id] = append(l.byID[id], i)
	}
	l.watch = nil // rebuilt over the new set of signals on the next tick
}

// Every runs f on the UI goroutine on every tick with the Store's clock, for
// what changes with time rather than with a signal: the clock, blinking
// indicators. f must only touch widgets whose shown value changed.
func (l *Loop) Every(f func(now time.Time)) {
	l.mu.Lock()
	l.every = append(l.every, f)
	l.mu.Unlock()
}

// Invalidate makes every binding run on the next tick, e.g. after the units
// changed.
func (l *Loop) Invalidate() {
	l.mu.Lock()
	for i := range l.dirty {
		l.dirty[i] = true
	}
	l.mu.Unlock()
}

// collect asks the watch for changed signals and marks their bindings.
func (l *Loop) collect() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.watch == nil {
		var all []vss.ID
		for id := range l.byID {
			all = append(all, id)
		}
		l.watch = l.store.Watch(all...)
		l.watch.Changed() // everything is already dirty
		return
	}
	for _, id := range l.watch.Changed() {
		for _, i := range l.byID[id] {
			l.dirty[i] = true
		}
	}
}

// apply runs the marked bindings and the per-tick functions; it runs on the
// UI goroutine.
func (l *Loop) apply() {
	l.pending.Store(false)
	var run []func()
	l.mu.Lock()
	for i, d := range l.dirty {
		if d {
			run = append(run, l.bindings[i])
			l.dirty[i] = false
		}
	}
	every := l.every
	l.mu.Unlock()
	l.runs.Add(uint64(len(run)))
	for _, f := range run {
		f()
	}
	now := l.store.Now()
	for _, f := range every {
		f(now)
	}
}

// tick is one loop iteration off the UI goroutine.
func (l *Loop) tick() {
	l.ticks.Add(1)
	l.collect()
	if l.pending.CompareAndSwap(false, true) {
		fyne.Do(l.apply)
	}
}

// Step runs one tick synchronously on the calling goroutine, which must be
// the UI goroutine (or, headless, the only one touching the widgets).
func (l *Loop) Step() {
	l.ticks.Add(1)
	l.collect()
	l.apply()
}

// Start runs the loop on its own goroutine until Stop. Starting a running
// loop does nothing.
func (l *Loop) Start() {
	l.runMu.Lock()
	defer l.runMu.Unlock()
	if l.stop != nil {
		return
	}
	l.stop, l.done = make(chan struct{}), make(chan struct{})
	go l.run(l.stop, l.done)
}

func (l *Loop) run(stop, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(l.interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			l.tick()
		}
	}
}

// Stop ends the loop's goroutine and waits for it. A binding already handed
// to the UI goroutine may still run once.
func (l *Loop) Stop() {
	l.runMu.Lock()
	defer l.runMu.Unlock()
	if l.stop == nil {
		return
	}
	close(l.stop)
	<-l.done
	l.stop, l.done = nil, nil
}

// Stats returns how many ticks the loop made and how many binding runs they
// caused.
func (l *Loop) Stats() (ticks, runs uint64) { return l.ticks.Load(), l.runs.Load() }
