package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TouchButton is a large button for a finger, in the theme's button colour:
// never smaller than the theme's touch target, with an optional icon beside (or, when Stacked, above) its
// text. A selected button is drawn in the primary colour; a disabled one
// ignores taps.
type TouchButton struct {
	widget.DisableableWidget

	Text     string
	Icon     fyne.Resource // single-colour SVG; recoloured from the theme
	Stacked  bool          // icon above the text instead of beside it
	OnTapped func()

	selected bool
}

// NewTouchButton returns a button that calls tapped when tapped.
func NewTouchButton(text string, icon fyne.Resource, tapped func()) *TouchButton {
	b := &TouchButton{Text: text, Icon: icon, OnTapped: tapped}
	b.ExtendBaseWidget(b)
	return b
}

// SetSelected marks the button as the current choice; it redraws only if the
// selection changed.
func (b *TouchButton) SetSelected(on bool) {
	if b.selected == on {
		return
	}
	b.selected = on
	b.Refresh()
}

// Selected reports whether the button is marked as the current choice.
func (b *TouchButton) Selected() bool { return b.selected }

// Tapped implements fyne.Tappable.
func (b *TouchButton) Tapped(*fyne.PointEvent) {
	if b.Disabled() || b.OnTapped == nil {
		return
	}
	b.OnTapped()
}

// CreateRenderer implements fyne.Widget.
func (b *TouchButton) CreateRenderer() fyne.WidgetRenderer {
	r := &buttonRenderer{b: b, bg: &canvas.Rectangle{}, icon: &canvas.Image{FillMode: canvas.ImageFillContain}, text: canvas.NewText("", nil)}
	r.text.Alignment = fyne.TextAlignCenter
	r.update()
	return r
}

type buttonRenderer struct {
	b    *TouchButton
	bg   *canvas.Rectangle
	icon *canvas.Image
	text *canvas.Text
}

func (r *buttonRenderer) Destroy() {}

func (r *buttonRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.icon, r.text}
}

func (r *buttonRenderer) iconSize() float32 {
	if r.b.Icon == nil {
		return 0
	}
	return theme.SizeForWidget(theme.SizeNameInlineIcon, r.b)
}

func (r *buttonRenderer) MinSize() fyne.Size {
	th := r.b.Theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	t := r.text.MinSize()
	if r.b.Text == "" {
		t = fyne.Size{}
	}
	i := r.iconSize()
	var w, h float32
	if r.b.Stacked {
		w = fyne.Max(t.Width, i) + 2*pad
		h = i + t.Height + 2*pad
		if i > 0 && t.Height > 0 {
			h += th.Size(theme.SizeNamePadding)
		}
	} else {
		w = i + t.Width + 2*pad
		if i > 0 && t.Width > 0 {
			w += th.Size(theme.SizeNamePadding)
		}
		h = fyne.Max(i, t.Height) + 2*pad
	}
	tt := sizeOf(th, SizeNameTouchTarget)
	return fyne.NewSize(fyne.Max(w, tt), fyne.Max(h, tt))
}

func (r *buttonRenderer) Layout(size fyne.Size) {
	th := r.b.Theme()
	gap := th.Size(theme.SizeNamePadding)
	r.bg.Resize(size)
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	t := r.text.MinSize()
	if r.b.Text == "" {
		t = fyne.Size{}
	}
	i := r.iconSize()
	if i == 0 || t.Width == 0 {
		gap = 0
	}
	if r.b.Stacked {
		y := (size.Height - i - gap - t.Height) / 2
		r.icon.Move(fyne.NewPos((size.Width-i)/2, y))
		r.icon.Resize(fyne.NewSize(i, i))
		r.text.Move(fyne.NewPos(0, y+i+gap))
		r.text.Resize(fyne.NewSize(size.Width, t.Height))
		return
	}
	x := (size.Width - i - gap - t.Width) / 2
	r.icon.Move(fyne.NewPos(x, (size.Height-i)/2))
	r.icon.Resize(fyne.NewSize(i, i))
	r.text.Move(fyne.NewPos(x+i+gap, (size.Height-t.Height)/2))
	r.text.Resize(t)
}

func (r *buttonRenderer) Refresh() {
	r.update()
	r.Layout(r.b.Size())
	canvas.Refresh(r.b)
}

func (r *buttonRenderer) update() {
	b := r.b
	th := b.Theme()
	bg, fg := theme.ColorNameButton, theme.ColorNameForeground
	switch {
	case b.Disabled():
		bg, fg = theme.ColorNameDisabledButton, theme.ColorNameDisabled
	case b.selected:
		bg, fg = theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary
	}
	r.bg.FillColor = colorOf(th, bg)
	r.text.Text = b.Text
	r.text.Color = colorOf(th, fg)
	r.text.TextSize = th.Size(theme.SizeNameText)
	r.text.TextStyle.Bold = b.selected
	if b.Icon != nil {
		r.icon.Resource = theme.NewColoredResource(b.Icon, fg)
		r.icon.Show()
	} else {
		r.icon.Hide()
	}
	r.icon.Refresh()
	r.bg.Refresh()
}
