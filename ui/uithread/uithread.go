// Package uithread gives headless Fyne runs (Fyne's test app: scripted
// runs, tests) a UI goroutine. Fyne's test driver runs fyne.Do at once on
// the goroutine that calls it, so background goroutines change widgets
// while the goroutine that drives the UI reads or paints them. Serial
// queues those calls for the driving goroutine instead. It owns no
// widgets and knows nothing of the cockpit.
package uithread

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
)

// Serial stands in for Fyne's UI goroutine in a headless run. Installed
// as the current app's driver, it queues fyne.Do calls, and the driving
// goroutine runs them around each of its own UI steps (Step), as a real UI
// goroutine would between events.
type Serial struct {
	fyne.Driver
	mu    sync.Mutex
	queue []func()
	owner atomic.Int64 // the goroutine in Step, 0 outside it
}

// serialApp is the app whose Driver is the Serial.
type serialApp struct {
	fyne.App
	ui *Serial
}

func (a serialApp) Driver() fyne.Driver { return a.ui }

// Install makes a's fyne.Do calls queue for Step, and makes a (so wrapped)
// the current app.
func Install(a fyne.App) *Serial {
	s := &Serial{Driver: a.Driver()}
	fyne.SetCurrentApp(serialApp{a, s})
	return s
}

// DoFromGoroutine queues fn for the driving goroutine; with wait, until
// it has run (from within Step itself, fn runs at once).
func (s *Serial) DoFromGoroutine(fn func(), wait bool) {
	if wait && s.owner.Load() == goid() {
		fn()
		return
	}
	if !wait {
		s.mu.Lock()
		s.queue = append(s.queue, fn)
		s.mu.Unlock()
		return
	}
	done := make(chan struct{})
	s.mu.Lock()
	s.queue = append(s.queue, func() { defer close(done); fn() })
	s.mu.Unlock()
	<-done
}

// Step runs f as a UI step: the queued calls first, then f, then what f
// and the queue queued meanwhile.
func (s *Serial) Step(f func()) {
	s.owner.Store(goid())
	defer s.owner.Store(0)
	s.drain()
	f()
	s.drain()
}

func (s *Serial) drain() {
	for {
		s.mu.Lock()
		q := s.queue
		s.queue = nil
		s.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, fn := range q {
			fn()
		}
	}
}

// goid is the calling goroutine's number, read from its stack header
// ("goroutine 42 [running]:"); only a DoAndWait needs it.
func goid() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		if n, err := strconv.ParseInt(string(b[:i]), 10, 64); err == nil {
			return n
		}
	}
	return -1
}
