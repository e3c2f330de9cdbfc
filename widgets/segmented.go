package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Segmented is a row of touch buttons of which exactly one is selected, for
// a small set of choices (units, theme, scale).
type Segmented struct {
	widget.BaseWidget

	// OnChanged is called with the chosen option when the user picks one.
	OnChanged func(option string)

	options  []string
	labels   []string
	buttons  []*TouchButton
	selected string
	disabled bool
}

// NewSegmented returns a choice among options, shown with the labels of the
// same index (or the options themselves when labels is nil).
func NewSegmented(options, labels []string, changed func(string)) *Segmented {
	s := &Segmented{OnChanged: changed, options: options, labels: labels}
	for i, o := range options {
		text := o
		if i < len(labels) {
			text = labels[i]
		}
		o := o
		s.buttons = append(s.buttons, NewTouchButton(text, nil, func() { s.pick(o) }))
	}
	s.ExtendBaseWidget(s)
	return s
}

func (s *Segmented) pick(o string) {
	if s.disabled || o == s.selected {
		return
	}
	s.SetSelected(o)
	if s.OnChanged != nil {
		s.OnChanged(o)
	}
}

// SetSelected marks option as chosen without calling OnChanged.
func (s *Segmented) SetSelected(option string) {
	s.selected = option
	for i, b := range s.buttons {
		b.SetSelected(s.options[i] == option)
	}
}

// Selected returns the chosen option.
func (s *Segmented) Selected() string { return s.selected }

// Buttons returns the option buttons, in option order.
func (s *Segmented) Buttons() []*TouchButton { return s.buttons }

// Disable stops the choice from changing.
func (s *Segmented) Disable() {
	s.disabled = true
	for _, b := range s.buttons {
		b.Disable()
	}
}

// Enable lets the choice change again.
func (s *Segmented) Enable() {
	s.disabled = false
	for _, b := range s.buttons {
		b.Enable()
	}
}

// Disabled reports whether the choice is disabled.
func (s *Segmented) Disabled() bool { return s.disabled }

// CreateRenderer implements fyne.Widget.
func (s *Segmented) CreateRenderer() fyne.WidgetRenderer {
	objs := make([]fyne.CanvasObject, len(s.buttons))
	for i, b := range s.buttons {
		objs[i] = b
	}
	return widget.NewSimpleRenderer(&fyne.Container{Layout: &rowLayout{w: s}, Objects: objs})
}

// rowLayout gives every button the same width with the theme padding
// between them.
type rowLayout struct{ w fyne.Widget }

func (l *rowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.SizeForWidget(theme.SizeNamePadding, l.w)
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	n := float32(len(objs))
	if n == 0 {
		return fyne.Size{}
	}
	return fyne.NewSize(m.Width*n+pad*(n-1), m.Height)
}

func (l *rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.SizeForWidget(theme.SizeNamePadding, l.w)
	n := float32(len(objs))
	if n == 0 {
		return
	}
	w := (size.Width - pad*(n-1)) / n
	for i, o := range objs {
		o.Move(fyne.NewPos(float32(i)*(w+pad), 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

var _ fyne.Layout = (*rowLayout)(nil)
