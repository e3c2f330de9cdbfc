package ui

import (
	"bytes"
	"fmt"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"

	"github.com/fascia-hmi/fascia/app"
)

// Render draws one screen of the cockpit headlessly through Fyne's software
// painter and returns the image, size.Width × size.Height pixels (the
// configuration's display scale applies through the theme). themeName is
// "day", "night" or "auto"; empty follows the configuration.
//
// Render installs Fyne's in-memory test app as the current app, so it is for
// processes without a window: golden tests and `fascia screenshot`. It shows
// the Store and the alert monitor as they are — the caller advances the
// simulated car and evaluates the alerts first — and applies every pending
// signal update synchronously before the capture, so equal inputs give equal
// images.
func Render(c *app.Cockpit, screen string, size fyne.Size, themeName string) (image.Image, error) {
	if c == nil || c.Store == nil || c.Config == nil {
		return nil, fmt.Errorf("render: the cockpit has no store or configuration")
	}
	switch themeName {
	case "", "day", "night", "auto":
	default:
		return nil, fmt.Errorf("render: theme %q is not day, night or auto", themeName)
	}
	if !(size.Width >= 1 && size.Height >= 1) {
		return nil, fmt.Errorf("render: size %vx%v is empty", size.Width, size.Height)
	}
	a := test.NewApp()
	sh := New(c, Options{Theme: themeName, SetTheme: func(th fyne.Theme) { applyTheme(a, th) }})
	if err := sh.Show(screen); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	cv := software.NewCanvas()
	cv.SetPadded(false)
	cv.SetContent(sh.Content())
	cv.Resize(size)
	// Apply every binding, then lay out again: values can change sizes.
	sh.Loop().Step()
	cv.Resize(size)
	sh.Content().Refresh()
	img := cv.Capture()
	if c.Map == nil || c.Map.Renderer == nil {
		return img, nil
	}
	// Map tiles are rendered by the map's workers: wait until they have
	// nothing pending and two captures agree, so that equal inputs give
	// equal images.
	deadline := time.Now().Add(20 * time.Second)
	for range 20 {
		for c.Map.Renderer.Stats().Pending > 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		sh.Loop().Step()
		sh.Content().Refresh()
		next := cv.Capture()
		if sameImage(img, next) {
			return next, nil
		}
		img = next
	}
	return img, nil
}

// sameImage reports whether two captures are pixel-identical.
func sameImage(a, b image.Image) bool {
	ra, okA := a.(*image.NRGBA)
	rb, okB := b.(*image.NRGBA)
	if okA && okB {
		return ra.Rect == rb.Rect && bytes.Equal(ra.Pix, rb.Pix)
	}
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

// applyTheme sets the test app's theme and waits until it is applied. The
// test app applies a theme through fyne.Do, which runs at once only off the
// process's main goroutine (when a GL driver is linked in, the main
// goroutine is the UI's and fyne.Do from it defers the work), so apply it
// from a goroutine of its own and wait.
func applyTheme(a fyne.App, th fyne.Theme) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Settings().SetTheme(th)
	}()
	<-done
}
