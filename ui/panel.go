package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	fascia "github.com/fascia-hmi/fascia/ui/theme"
)

// Panel is a rounded card in a theme colour (the surface colour by default)
// around content, inset by the theme's inner padding.
type Panel struct {
	widget.BaseWidget

	Color   fyne.ThemeColorName
	Content fyne.CanvasObject
	Square  bool // no rounded corners (bars that span the window)
	Tight   bool // inset by the theme's padding instead of its inner padding
	Flush   bool // no inset at all
}

// NewPanel returns a surface-coloured card around content.
func NewPanel(content fyne.CanvasObject) *Panel {
	p := &Panel{Color: fascia.ColorNameSurface, Content: content}
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer implements fyne.Widget.
func (p *Panel) CreateRenderer() fyne.WidgetRenderer {
	r := &panelRenderer{p: p, bg: canvas.NewRectangle(nil)}
	r.update()
	return r
}

type panelRenderer struct {
	p  *Panel
	bg *canvas.Rectangle
}

func (r *panelRenderer) Destroy() {}

func (r *panelRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.p.Content}
}

func (r *panelRenderer) pad() float32 {
	if r.p.Flush {
		return 0
	}
	if r.p.Tight {
		return r.p.Theme().Size(theme.SizeNamePadding)
	}
	return r.p.Theme().Size(theme.SizeNameInnerPadding)
}

func (r *panelRenderer) MinSize() fyne.Size {
	return r.p.Content.MinSize().AddWidthHeight(2*r.pad(), 2*r.pad())
}

func (r *panelRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	p := r.pad()
	r.p.Content.Move(fyne.NewPos(p, p))
	r.p.Content.Resize(s.SubtractWidthHeight(2*p, 2*p))
}

func (r *panelRenderer) Refresh() {
	r.update()
	r.bg.Refresh()
	r.p.Content.Refresh()
}

func (r *panelRenderer) update() {
	th := r.p.Theme()
	r.bg.FillColor = th.Color(r.p.Color, fyne.CurrentApp().Settings().ThemeVariant())
	r.bg.CornerRadius = 0
	if !r.p.Square {
		r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	}
}
