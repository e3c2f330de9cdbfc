package tester

import (
	"errors"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/app/script"
)

// tapCover is a tappable rectangle laid over other objects.
type tapCover struct {
	widget.BaseWidget
	taps int
}

func (c *tapCover) Tapped(*fyne.PointEvent) { c.taps++ }

func (c *tapCover) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

func TestCockpitGestures(t *testing.T) {
	test.NewTempApp(t)
	var a, b int
	btnA := widget.NewButton("Alpha", func() { a++ })
	btnB := widget.NewButton("Beta", func() { b++ })
	disabled := widget.NewButton("Gamma", func() { t.Error("a disabled button was tapped") })
	disabled.Disable()
	slider := widget.NewSlider(0, 100)
	cover := &tapCover{}
	cover.ExtendBaseWidget(cover)
	wrapped := widget.NewLabel("A sentence long enough to wrap onto three lines in a narrow label.")
	wrapped.Wrapping = fyne.TextWrapWord
	wrapped.Move(fyne.NewPos(150, 10))
	wrapped.Resize(fyne.NewSize(160, 120))
	content := container.NewWithoutLayout(btnA, btnB, disabled, slider, cover, wrapped)
	btnA.Move(fyne.NewPos(10, 10))
	btnA.Resize(fyne.NewSize(100, 40))
	btnB.Move(fyne.NewPos(10, 60))
	btnB.Resize(fyne.NewSize(100, 40))
	disabled.Move(fyne.NewPos(10, 110))
	disabled.Resize(fyne.NewSize(100, 40))
	slider.Move(fyne.NewPos(10, 200))
	slider.Resize(fyne.NewSize(300, 40))
	cover.Move(fyne.NewPos(0, 55)) // over Beta only
	cover.Resize(fyne.NewSize(200, 50))
	cv := software.NewCanvas()
	cv.SetPadded(false)
	cv.SetContent(content)
	cv.Resize(fyne.NewSize(400, 300))
	ck := &Cockpit{Canvas: cv, do: func(f func()) { f() }}

	if err := ck.TapLabel("Alpha"); err != nil || a != 1 {
		t.Errorf("tap Alpha: %v, %d taps", err, a)
	}
	if err := ck.TapLabel("alpha"); err != nil || a != 2 {
		t.Errorf("tap alpha (case): %v, %d taps", err, a)
	}
	// Beta is under the cover: the finger hits the cover.
	if err := ck.TapLabel("Beta"); err != nil || b != 0 || cover.taps != 1 {
		t.Errorf("tap covered Beta: %v, beta %d, cover %d", err, b, cover.taps)
	}
	if err := ck.TapLabel("Gamma"); !errors.Is(err, script.ErrNoLabel) {
		t.Errorf("tap disabled Gamma: %v", err)
	}
	if err := ck.TapLabel("Delta"); !errors.Is(err, script.ErrNoLabel) {
		t.Errorf("tap Delta: %v", err)
	}
	if err := ck.TapAt(50, 30); err != nil || a != 3 {
		t.Errorf("tap 50,30: %v, %d taps", err, a)
	}
	if err := ck.TapAt(390, 290); !errors.Is(err, ErrNothingThere) {
		t.Errorf("tap on nothing: %v", err)
	}
	if err := ck.Drag(12, 220, 300, 220); err != nil || slider.Value < 80 {
		t.Errorf("drag the slider: %v, value %v", err, slider.Value)
	}
	if err := ck.Drag(390, 290, 10, 10); !errors.Is(err, ErrNothingThere) {
		t.Errorf("drag from nothing: %v", err)
	}
	texts, _ := ck.Texts()
	// a wrapped label is one text, not its lines
	for _, want := range []string{"Alpha", "Beta", "Gamma", wrapped.Text} {
		if !slices.Contains(texts, want) {
			t.Errorf("texts %q lack %q", texts, want)
		}
	}
	if img, err := ck.Capture(); err != nil || img.Bounds().Dx() != 400 {
		t.Errorf("capture: %v", err)
	}
}
