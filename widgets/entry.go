package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TouchEntry is a single-line text entry at least as tall as the theme's
// touch target.
type TouchEntry struct {
	widget.Entry
}

// NewTouchEntry returns an empty single-line entry.
func NewTouchEntry() *TouchEntry {
	e := &TouchEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// MinSize implements fyne.Widget: the entry's own size, raised to the touch
// target.
func (e *TouchEntry) MinSize() fyne.Size {
	m := e.Entry.MinSize()
	tt := sizeOf(theme.CurrentForWidget(e), SizeNameTouchTarget)
	return fyne.NewSize(fyne.Max(m.Width, 3*tt), fyne.Max(m.Height, tt))
}
