// Package paintprobe owns one measurement: when a Fyne window painted its
// first frame. It adds an invisible 1×1 raster whose generator the painter
// calls only while it paints; it changes nothing on screen.
package paintprobe

import (
	"image"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// New returns an object to place in a window's content; fn runs once, on
// the UI goroutine, the first time the window is painted.
func New(fn func()) fyne.CanvasObject {
	var once sync.Once
	img := image.NewNRGBA(image.Rect(0, 0, 1, 1)) // fully transparent
	r := canvas.NewRaster(func(w, h int) image.Image {
		once.Do(fn)
		return img
	})
	r.SetMinSize(fyne.NewSize(1, 1))
	return r
}
