package theme

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/test"
	ftheme "fyne.io/fyne/v2/theme"
)

var allIcons = []fyne.Resource{IconIndicatorLeft, IconIndicatorRight, IconHazard, IconHighBeam, IconSeatBelt,
	IconDoor, IconParkingBrake, IconFuel, IconEngine, IconTyre, IconBattery, IconBell, IconCar, IconMicrophone}

// TestIcons renders every icon recoloured by the theme, as the telltales
// and the dock do, and compares it with the committed image.
func TestIcons(t *testing.T) {
	a := test.NewTempApp(t)
	for _, v := range []Variant{Day, Night} {
		a.Settings().SetTheme(New(v, 1))
		row := container.New(layout.NewGridLayout(len(allIcons)))
		for _, ic := range allIcons {
			img := canvas.NewImageFromResource(ftheme.NewColoredResource(ic, ftheme.ColorNameForeground))
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(fyne.NewSquareSize(48))
			row.Add(img)
		}
		w := test.NewWindow(row)
		w.Resize(row.MinSize().AddWidthHeight(16, 16))
		test.AssertImageMatches(t, "icons_"+v.String()+".png", w.Canvas().Capture())
		w.Close()
	}
}
