//go:build !noos

package main

import (
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/platform/display"
	"github.com/fascia-hmi/fascia/ui"
)

// newFyneApp returns the app on Fyne's desktop (GLFW) driver, which repaints
// by itself whenever a widget changes. Full screen on Linux (a dash rig
// running X11 or Wayland), two-finger pinches on the touch panel zoom the
// map under them: GLFW gives Fyne one pointer, so the panels are read beside
// the display server for pinches only (FASCIA_INPUTS, FASCIA_TOUCH_*
// calibration as in the framebuffer build).
func newFyneApp(cfg *config.Config) (fyne.App, func(fyne.Window, *ui.Shell), func(), error) {
	a := fyneapp.NewWithID(AppID)
	if !cfg.Fullscreen {
		return a, func(fyne.Window, *ui.Shell) {}, func() {}, nil
	}
	var mu sync.Mutex
	var watcher *display.PinchWatcher
	stop := make(chan struct{})
	afterWindow := func(w fyne.Window, _ *ui.Shell) {
		go func() {
			pw := watchPinches(w, stop)
			mu.Lock()
			defer mu.Unlock()
			select {
			case <-stop:
				if pw != nil {
					pw.Close()
				}
			default:
				watcher = pw
			}
		}()
	}
	closeFn := func() {
		close(stop)
		mu.Lock()
		defer mu.Unlock()
		if watcher != nil {
			watcher.Close()
		}
	}
	return a, afterWindow, closeFn, nil
}

// watchPinches waits for the full-screen window to have its size, then
// starts a pinch watcher for it; nil (and a logged reason) when it cannot.
func watchPinches(w fyne.Window, stop chan struct{}) *display.PinchWatcher {
	cal, err := display.CalibrationFromEnv(os.Getenv)
	if err != nil {
		slog.Warn("pinch zoom off", "err", err)
		return nil
	}
	var inputs []string
	if s := os.Getenv("FASCIA_INPUTS"); s != "" {
		inputs = strings.Split(s, ",")
	}
	var size fyne.Size
	var scale float32
	for i := 0; size.Width < 1 || size.Height < 1; i++ {
		if i == 50 {
			slog.Warn("pinch zoom off", "err", "the window has no size after 5 s")
			return nil
		}
		select {
		case <-stop:
			return nil
		case <-time.After(100 * time.Millisecond):
		}
		fyne.DoAndWait(func() { size, scale = w.Canvas().Size(), w.Canvas().Scale() })
	}
	screen := display.Screen{Width: int(size.Width * scale), Height: int(size.Height * scale), Scale: scale}
	pw, err := display.WatchPinches(display.WatchConfig{Inputs: inputs, Screen: screen, Calibration: cal, Logger: slog.Default()}, func(p display.Pinch) {
		if p.Phase != display.PinchMove {
			return
		}
		fyne.Do(func() { ui.Pinch(w.Canvas(), p.Center, p.Scale) })
	})
	if err != nil {
		slog.Warn("pinch zoom off", "err", err)
		return nil
	}
	return pw
}
