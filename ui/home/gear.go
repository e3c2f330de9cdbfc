package home

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/app/vehicle"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
)

// VSS SelectedGear values with a name.
const (
	gearPark    = 126
	gearDrive   = 127
	gearReverse = -1
	gearNeutral = 0
)

// gearSlot returns which of P, R, N, D a selected gear lights (-1: none)
// and the text of that slot: the letter, or the gear number for a manual
// gear (shown in the D slot when forward, the R slot when reverse).
func gearSlot(r vehicle.Reading) (slot int, text string) {
	if !r.OK() {
		return -1, ""
	}
	g := int(r.Num)
	switch {
	case g == gearPark:
		return 0, "P"
	case g == gearReverse:
		return 1, "R"
	case g == gearNeutral:
		return 2, "N"
	case g == gearDrive:
		return 3, "D"
	case g > 0:
		return 3, strconv.Itoa(g)
	}
	return 1, "R" + strconv.Itoa(-g)
}

// Gear shows the selector positions P R N D with the selected one lit and
// underlined; with no live value none is lit.
type Gear struct {
	widget.BaseWidget
	slot int
	text string
}

func newGear() *Gear {
	g := &Gear{slot: -1}
	g.ExtendBaseWidget(g)
	return g
}

// Set shows a reading of SelectedGear; it redraws only on a change.
func (g *Gear) Set(r vehicle.Reading) {
	slot, text := gearSlot(r)
	if slot == g.slot && text == g.text {
		return
	}
	g.slot, g.text = slot, text
	g.Refresh()
}

// Selected returns the lit slot's text, empty when none.
func (g *Gear) Selected() string { return g.text }

var gearLetters = [4]string{"P", "R", "N", "D"}

// CreateRenderer implements fyne.Widget.
func (g *Gear) CreateRenderer() fyne.WidgetRenderer {
	r := &gearRenderer{g: g, bar: canvas.NewRectangle(nil)}
	for i := range r.texts {
		r.texts[i] = canvas.NewText("", nil)
		r.texts[i].Alignment = fyne.TextAlignCenter
	}
	r.update()
	return r
}

type gearRenderer struct {
	g     *Gear
	texts [4]*canvas.Text
	bar   *canvas.Rectangle
}

func (r *gearRenderer) Destroy() {}

func (r *gearRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.texts[0], r.texts[1], r.texts[2], r.texts[3], r.bar}
}

func (r *gearRenderer) cell() fyne.Size {
	th := r.g.Theme()
	m := fyne.MeasureText("R8", th.Size(theme.SizeNameHeadingText), fyne.TextStyle{Bold: true})
	return m.AddWidthHeight(th.Size(theme.SizeNameInnerPadding), th.Size(theme.SizeNamePadding)*2)
}

func (r *gearRenderer) MinSize() fyne.Size {
	c := r.cell()
	return fyne.NewSize(4*c.Width, c.Height)
}

func (r *gearRenderer) Layout(s fyne.Size) {
	c := r.cell()
	x := (s.Width - 4*c.Width) / 2
	th := r.g.Theme()
	for i, t := range r.texts {
		t.Move(fyne.NewPos(x+float32(i)*c.Width, (s.Height-c.Height)/2))
		t.Resize(fyne.NewSize(c.Width, c.Height-th.Size(theme.SizeNamePadding)))
	}
	h := th.Size(theme.SizeNamePadding)
	if r.g.slot >= 0 {
		r.bar.Move(fyne.NewPos(x+float32(r.g.slot)*c.Width+c.Width*0.2, (s.Height+c.Height)/2-h))
	}
	r.bar.Resize(fyne.NewSize(c.Width*0.6, h))
}

func (r *gearRenderer) Refresh() {
	r.update()
	r.Layout(r.g.Size())
	canvas.Refresh(r.g)
}

func (r *gearRenderer) update() {
	g := r.g
	th := g.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	for i, t := range r.texts {
		t.Text = gearLetters[i]
		t.TextSize = th.Size(theme.SizeNameHeadingText)
		t.TextStyle.Bold = i == g.slot
		t.Color = th.Color(fascia.ColorNameMuted, v)
		if i == g.slot {
			t.Text = g.text
			t.Color = th.Color(theme.ColorNameForeground, v)
		}
		if g.slot < 0 {
			t.Color = th.Color(fascia.ColorNameTelltaleOff, v)
		}
	}
	r.bar.FillColor = th.Color(theme.ColorNamePrimary, v)
	r.bar.CornerRadius = th.Size(theme.SizeNamePadding) / 2
	if g.slot >= 0 {
		r.bar.Show()
	} else {
		r.bar.Hide()
	}
}
