//go:build noos

package display

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
)

// Attach makes d the driver of a, an app created with app.New in a build
// with -tags noos. Call it before creating windows.
func Attach(a fyne.App, d *Driver) {
	app.SetDriverDetails(a, d)
}

// SetCanvasScale gives w's canvas the driver's scale. Fyne's embedded
// driver sizes windows to ScreenSize (dp) but leaves its canvas at scale 1;
// with a scale other than 1 call this once after creating the window, or
// frames come out at dp resolution and are clipped to the screen.
func SetCanvasScale(w fyne.Window, d *Driver) {
	if c, ok := w.Canvas().(interface{ SetScale(float32) }); ok {
		c.SetScale(d.Scale())
	}
}

// Repaint paints w and draws it. Fyne's embedded driver (v2.7) repaints only
// after input events and Show, not after widgets change from fyne.Do, so a
// cockpit whose values change without touches must call this, on the UI
// goroutine (inside fyne.Do), when its display-rate tick changed something.
func Repaint(w fyne.Window, d *Driver) {
	d.Render(w.Canvas().Capture())
}
