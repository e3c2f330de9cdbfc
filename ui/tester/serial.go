package tester

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
)

// serialUI stands in for Fyne's UI goroutine in headless runs. Fyne's test
// driver runs fyne.Do at once on the goroutine that calls it, so the
// cockpit's background goroutines (a map tile rendered, a voice status,
// the store's watchers) would change widgets while the script's goroutine
// reads or paints them. Installed as the current app's driver, serialUI
// queues those calls, and the script's goroutine runs them around each of
// its own UI steps (run), as a real UI goroutine would between events.
type serialUI struct {
	fyne.Driver
	mu    sync.Mutex
	queue []func()
	owner atomic.Int64 // the goroutine in run, 0 outside it
}

// serialApp is the app whose Driver is the serialUI.
type serialApp struct {
	fyne.App
	ui *serialUI
}

func (a serialApp) Driver() fyne.Driver { return a.ui }

// newSerialUI makes a's fyne.Do calls queue for run, and makes a (so
// wrapped) the current app.
func newSerialUI(a fyne.App) *serialUI {
	s := &serialUI{Driver: a.Driver()}
	fyne.SetCurrentApp(serialApp{a, s})
	return s
}

// DoFromGoroutine queues fn for the script's goroutine; with wait, until
// it has run (from within run itself, fn runs at once).
func (s *serialUI) DoFromGoroutine(fn func(), wait bool) {
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

// run runs f as a UI step: the queued calls first, then f, then what f
// and the queue queued meanwhile.
func (s *serialUI) run(f func()) {
	s.owner.Store(goid())
	defer s.owner.Store(0)
	s.drain()
	f()
	s.drain()
}

func (s *serialUI) drain() {
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
