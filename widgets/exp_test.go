package widgets

import (
	"image/color"
	"image/png"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
)

func TestExp(t *testing.T) {
	test.NewTempApp(t)
	a := canvas.NewArc(-135, 135, 0.8, color.NRGBA{255, 0, 0, 255})
	a.Move(fyne.NewPos(50, 50))
	a.Resize(fyne.NewSize(100, 100))
	r := canvas.NewRectangle(color.NRGBA{0, 0, 255, 80})
	r.Move(fyne.NewPos(50, 50))
	r.Resize(fyne.NewSize(100, 100))
	c := software.NewCanvas()
	c.SetPadded(false)
	c.SetContent(container.NewWithoutLayout(r, a))
	c.Resize(fyne.NewSize(200, 200))
	f, _ := os.Create("/tmp/exp.png")
	png.Encode(f, c.Capture())
	f.Close()
}
