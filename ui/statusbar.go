package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/app/health"
	"github.com/fascia-hmi/fascia/app/vehicle"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
)

// StatusInfo is what the status bar shows.
type StatusInfo struct {
	Clock       string        // "14:05"
	Outside     string        // "18 °C" or the unknown dash
	Driver      string        // driver name; empty when unknown
	Source      string        // source name, e.g. "sim:city"
	SourceState vehicle.State // live, stale or no data
	Alerts      int           // active alerts
	Unacked     int           // of which not acknowledged
	Worst       health.Severity
}

// StatusBar is the thin bar at the top of the cockpit: clock, outside
// temperature, driver, the CAN source and its state, and the alert count.
type StatusBar struct {
	widget.BaseWidget
	info StatusInfo
}

func newStatusBar() *StatusBar {
	b := &StatusBar{}
	b.ExtendBaseWidget(b)
	return b
}

// Info returns what the bar shows.
func (b *StatusBar) Info() StatusInfo { return b.info }

// set changes what the bar shows; it redraws only on a change.
func (b *StatusBar) set(i StatusInfo) {
	if i == b.info {
		return
	}
	b.info = i
	b.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (b *StatusBar) CreateRenderer() fyne.WidgetRenderer {
	r := &statusRenderer{b: b, bg: canvas.NewRectangle(nil), dot: canvas.NewCircle(nil), bell: &canvas.Image{FillMode: canvas.ImageFillContain}}
	r.clock = canvas.NewText("", nil)
	r.clock.TextStyle.Bold = true
	r.outside, r.driver, r.source, r.count = canvas.NewText("", nil), canvas.NewText("", nil), canvas.NewText("", nil), canvas.NewText("", nil)
	r.count.TextStyle.Bold = true
	r.update()
	return r
}

type statusRenderer struct {
	b                                     *StatusBar
	bg                                    *canvas.Rectangle
	dot                                   *canvas.Circle
	bell                                  *canvas.Image
	clock, outside, driver, source, count *canvas.Text
}

func (r *statusRenderer) Destroy() {}

func (r *statusRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.clock, r.outside, r.driver, r.dot, r.source, r.bell, r.count}
}

func (r *statusRenderer) MinSize() fyne.Size {
	th := r.b.Theme()
	h := fyne.Max(th.Size(fascia.SizeNameStatusBar), r.clock.MinSize().Height)
	return fyne.NewSize(r.clock.MinSize().Width+r.count.MinSize().Width+4*th.Size(theme.SizeNameInnerPadding), h)
}

func (r *statusRenderer) Layout(s fyne.Size) {
	th := r.b.Theme()
	pad, gap := th.Size(theme.SizeNameInnerPadding), 2*th.Size(theme.SizeNameInnerPadding)
	r.bg.Resize(s)
	mid := s.Height / 2
	place := func(t *canvas.Text, x float32) float32 {
		m := t.MinSize()
		t.Move(fyne.NewPos(x, mid-m.Height/2))
		t.Resize(m)
		return x + m.Width
	}
	x := place(r.clock, pad) + gap
	x = place(r.outside, x) + gap
	place(r.driver, x)

	// Right side, from the right edge: alert count, bell, source, dot.
	icon := th.Size(theme.SizeNameInlineIcon)
	right := s.Width - pad
	cm := r.count.MinSize()
	r.count.Move(fyne.NewPos(right-cm.Width, mid-cm.Height/2))
	r.count.Resize(cm)
	right -= cm.Width + th.Size(theme.SizeNamePadding) + icon
	r.bell.Move(fyne.NewPos(right, mid-icon/2))
	r.bell.Resize(fyne.NewSquareSize(icon))
	right -= gap
	sm := r.source.MinSize()
	right -= sm.Width
	r.source.Move(fyne.NewPos(right, mid-sm.Height/2))
	r.source.Resize(sm)
	d := th.Size(theme.SizeNameText) * 0.6
	right -= th.Size(theme.SizeNamePadding) + d
	r.dot.Move(fyne.NewPos(right, mid-d/2))
	r.dot.Resize(fyne.NewSquareSize(d))
}

func (r *statusRenderer) Refresh() {
	r.update()
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

func (r *statusRenderer) update() {
	th, i := r.b.Theme(), r.b.info
	v := fyne.CurrentApp().Settings().ThemeVariant()
	c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
	size := th.Size(theme.SizeNameText)
	for _, t := range []*canvas.Text{r.clock, r.outside, r.driver, r.source, r.count} {
		t.TextSize = size
		t.Color = c(theme.ColorNameForeground)
	}
	r.bg.FillColor = c(fascia.ColorNameSurface)
	r.clock.Text = i.Clock
	r.outside.Text = i.Outside
	r.driver.Text = i.Driver
	r.driver.Color = c(fascia.ColorNameMuted)

	r.source.Text = i.Source + " · " + i.SourceState.String()
	switch i.SourceState {
	case vehicle.Live:
		r.dot.FillColor = c(fascia.ColorNameTelltaleGreen)
	case vehicle.Stale:
		r.dot.FillColor = c(fascia.ColorNameTelltaleAmber)
	default:
		r.dot.FillColor = c(fascia.ColorNameMuted)
		r.source.Color = c(fascia.ColorNameMuted)
	}

	bell := fascia.ColorNameMuted
	switch {
	case i.Unacked > 0 && i.Worst == health.Critical:
		bell = fascia.ColorNameTelltaleRed
	case i.Unacked > 0 && i.Worst == health.Warning:
		bell = fascia.ColorNameTelltaleAmber
	case i.Unacked > 0:
		bell = fascia.ColorNameTelltaleBlue
	}
	r.count.Text = itoa(i.Alerts)
	if i.Alerts == 0 {
		r.count.Color = c(fascia.ColorNameMuted)
	}
	r.bell.Resource = theme.NewColoredResource(fascia.IconBell, bell)
	r.bell.Refresh()
}

func itoa(n int) string { return Number(float64(n), 0) }
