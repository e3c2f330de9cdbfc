package widgets

import (
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// LampState is what a telltale shows.
type LampState uint8

// Lamp states.
const (
	LampUnknown LampState = iota // no live value: dim, with a dash
	LampOff                      // known to be off: unlit
	LampOn                       // lit in its colour
)

func (s LampState) String() string {
	return [...]string{"unknown", "off", "on"}[s]
}

// Telltale is an indicator lamp: an icon that is lit in its colour when on,
// unlit when off, and dim with a dash when its state is unknown. The icon is a
// single-colour SVG made of filled shapes; the telltale recolours it from the
// theme. It redraws only when its state changes.
type Telltale struct {
	widget.BaseWidget

	Icon  fyne.Resource       // single-colour SVG, filled shapes only
	Color fyne.ThemeColorName // the lit colour
	Name  string              // what the lamp means, for tests and accessibility

	state   LampState
	redraws atomic.Uint64
}

// NewTelltale returns a telltale in the unknown state.
func NewTelltale(name string, icon fyne.Resource, lit fyne.ThemeColorName) *Telltale {
	t := &Telltale{Icon: icon, Color: lit, Name: name}
	t.ExtendBaseWidget(t)
	return t
}

// SetState changes the lamp; it redraws only if the state changed.
func (t *Telltale) SetState(s LampState) {
	if s == t.state {
		return
	}
	t.state = s
	if t.Visible() { // a hidden telltale is refreshed by Show
		t.Refresh()
	}
}

// SetOn sets the lamp on or off from a known value.
func (t *Telltale) SetOn(on bool) {
	if on {
		t.SetState(LampOn)
	} else {
		t.SetState(LampOff)
	}
}

// State returns what the lamp shows.
func (t *Telltale) State() LampState { return t.state }

// Redraws returns how many times the telltale has been redrawn.
func (t *Telltale) Redraws() uint64 { return t.redraws.Load() }

// CreateRenderer implements fyne.Widget.
func (t *Telltale) CreateRenderer() fyne.WidgetRenderer {
	r := &telltaleRenderer{t: t, img: &canvas.Image{FillMode: canvas.ImageFillContain}, dash: &canvas.Rectangle{}}
	r.update()
	return r
}

type telltaleRenderer struct {
	t    *Telltale
	img  *canvas.Image
	dash *canvas.Rectangle
}

func (r *telltaleRenderer) Destroy() {}

func (r *telltaleRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.img, r.dash}
}

func (r *telltaleRenderer) MinSize() fyne.Size {
	th := r.t.Theme()
	s := sizeOf(th, SizeNameTelltale) + 2*th.Size(theme.SizeNamePadding)
	return fyne.NewSize(s, s)
}

func (r *telltaleRenderer) Layout(size fyne.Size) {
	th := r.t.Theme()
	icon := fyne.Min(sizeOf(th, SizeNameTelltale), fyne.Min(size.Width, size.Height))
	pos := fyne.NewPos((size.Width-icon)/2, (size.Height-icon)/2)
	r.img.Move(pos)
	r.img.Resize(fyne.NewSize(icon, icon))
	// The unknown dash sits across the bottom right corner of the icon.
	dw, dh := icon*0.45, fyne.Max(2*th.Size(theme.SizeNameSeparatorThickness), icon*0.1)
	r.dash.Move(fyne.NewPos(pos.X+icon-dw, pos.Y+icon-dh))
	r.dash.Resize(fyne.NewSize(dw, dh))
}

func (r *telltaleRenderer) Refresh() {
	r.t.redraws.Add(1)
	r.update()
	canvas.Refresh(r.t)
}

func (r *telltaleRenderer) update() {
	t := r.t
	name := ColorNameTelltaleOff
	if t.state == LampOn {
		name = t.Color
	}
	if t.Icon != nil {
		r.img.Resource = theme.NewColoredResource(t.Icon, name)
	}
	r.dash.FillColor = colorOf(t.Theme(), ColorNameMuted)
	r.dash.CornerRadius = 1
	if t.state == LampUnknown {
		r.dash.Show()
	} else {
		r.dash.Hide()
	}
	r.img.Refresh()
}
