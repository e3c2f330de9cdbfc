//go:build noos

package main

import (
	"log/slog"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/platform/display"
	"github.com/fascia-hmi/fascia/ui"
)

// newFyneApp returns the app on Fyne's embedded driver over the Linux
// framebuffer (FASCIA_FRAMEBUFFER, default /dev/fb0) and evdev touch panels
// and keyboards (FASCIA_INPUTS, comma-separated; default: every one found).
// Two fingers on a panel pinch-zoom the map under them.
// The UI theme applies --scale itself, so the driver draws one pixel per dp.
func newFyneApp(*config.Config) (fyne.App, func(fyne.Window, *ui.Shell), func(), error) {
	cal, err := display.CalibrationFromEnv(os.Getenv)
	if err != nil {
		return nil, nil, nil, err
	}
	var inputs []string
	if s := os.Getenv("FASCIA_INPUTS"); s != "" {
		inputs = strings.Split(s, ",")
	}
	d, err := display.OpenConfig(display.Config{Framebuffer: os.Getenv("FASCIA_FRAMEBUFFER"), Inputs: inputs, Calibration: cal, Logger: slog.Default()})
	if err != nil {
		return nil, nil, nil, err
	}
	a := fyneapp.NewWithID(AppID)
	display.Attach(a, d)
	stop := make(chan struct{})
	afterWindow := func(w fyne.Window, shell *ui.Shell) {
		display.SetCanvasScale(w, d)
		// Fyne has no pinch gesture: the driver recognises two-finger
		// pinches and the map under the fingers zooms.
		d.SetPinchHandler(func(p display.Pinch) {
			if p.Phase != display.PinchMove {
				return
			}
			fyne.Do(func() {
				if ui.Pinch(w.Canvas(), p.Center, p.Scale) {
					display.Repaint(w, d)
				}
			})
		})
		go repaint(w, d, shell, stop)
	}
	return a, afterWindow, func() { close(stop); d.Close() }, nil
}

// repaint redraws the framebuffer when the display-rate loop changed a
// widget, when the indicators' blink phase flips, or when the clock's minute
// changes: Fyne's embedded driver repaints only after input events.
func repaint(w fyne.Window, d *display.Driver, shell *ui.Shell, stop chan struct{}) {
	loop := shell.Loop()
	t := time.NewTicker(loop.Interval())
	defer t.Stop()
	var lastRuns uint64
	var lastBlink bool
	var lastMinute int
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		_, runs := loop.Stats()
		now := shell.Env().Store.Now()
		blink, minute := ui.BlinkOn(now), now.Minute()
		if runs == lastRuns && blink == lastBlink && minute == lastMinute {
			continue
		}
		lastRuns, lastBlink, lastMinute = runs, blink, minute
		fyne.DoAndWait(func() { display.Repaint(w, d) })
	}
}
