package ui_test

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/widgets"
)

func TestPinchReachesTheMapUnderTheFingers(t *testing.T) {
	test.NewTempApp(t)
	m := widgets.NewTileMap(nil, 43.7384, 7.4246, 14)
	m.Interactive = true
	side := canvas.NewRectangle(nil)
	side.SetMinSize(fyne.NewSize(200, 10))
	w := test.NewTempWindow(t, container.NewBorder(nil, nil, side, nil, m))
	w.Resize(fyne.NewSize(800, 480))
	if ui.Pinch(w.Canvas(), fyne.NewPos(100, 240), 2) {
		t.Error("a pinch beside the map was taken")
	}
	if !ui.Pinch(w.Canvas(), fyne.NewPos(500, 240), 2) {
		t.Fatal("a pinch over the map was not taken")
	}
	if math.Abs(m.Zoom()-15) > 1e-6 {
		t.Errorf("zoom %v after a ×2 pinch from 14, want 15", m.Zoom())
	}
	// A modal overlay takes every touch.
	pop := widget.NewModalPopUp(container.New(layout.NewCenterLayout(), widget.NewLabel("confirm?")), w.Canvas())
	pop.Show()
	if ui.Pinch(w.Canvas(), fyne.NewPos(500, 240), 2) || math.Abs(m.Zoom()-15) > 1e-6 {
		t.Error("a pinch reached the map under a modal pop-up")
	}
}
