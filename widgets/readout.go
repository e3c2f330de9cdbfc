package widgets

import (
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Readout shows one value as large text with an optional caption above it
// and a unit below it (or beside it). The value text grows to fill the space
// the layout gives it, up to the theme size named by TextSize, and shrinks to
// fit its width. An unknown value shows a dash in the muted colour. It
// redraws only when its text, unit or state changes.
type Readout struct {
	widget.BaseWidget

	Caption    string             // small text above the value; empty for none
	TextSize   fyne.ThemeSizeName // largest value text size (default SizeNameReadoutText)
	MinText    fyne.ThemeSizeName // smallest value text size (default theme.SizeNameSubHeadingText)
	Template   string             // widest text expected, used to fit the width (default: the text)
	UnitBeside bool               // put the unit to the right of the value instead of below
	// CaptionLeading puts the caption at the left and the value with its
	// unit at the right, on one line (a trip-computer row).
	CaptionLeading bool
	Alignment      fyne.TextAlign // of the whole readout within its box

	text, unit string
	known      bool
	emphasis   fyne.ThemeColorName
	redraws    atomic.Uint64
}

// NewReadout returns a readout with an unknown value.
func NewReadout(caption, unit string) *Readout {
	r := &Readout{Caption: caption, unit: unit, Alignment: fyne.TextAlignCenter}
	r.ExtendBaseWidget(r)
	return r
}

// SetText shows text as the live value; it redraws only if something changed.
func (r *Readout) SetText(text string) {
	if r.known && r.text == text {
		return
	}
	r.text, r.known = text, true
	r.redraw()
}

// SetUnknown shows a dash instead of the value.
func (r *Readout) SetUnknown() {
	if !r.known && r.text == Unknown {
		return
	}
	r.text, r.known = Unknown, false
	r.redraw()
}

// SetUnit changes the unit text.
func (r *Readout) SetUnit(unit string) {
	if r.unit == unit {
		return
	}
	r.unit = unit
	r.redraw()
}

// SetEmphasis draws the value in the named theme colour (e.g. the warning
// colour for a low tyre); the empty name restores the foreground colour.
func (r *Readout) SetEmphasis(name fyne.ThemeColorName) {
	if r.emphasis == name {
		return
	}
	r.emphasis = name
	r.redraw()
}

// redraw refreshes the readout if it is shown; a hidden readout is
// refreshed by Show.
func (r *Readout) redraw() {
	if r.Visible() {
		r.Refresh()
	}
}

// Text returns the text shown and whether it is a live value.
func (r *Readout) Text() (string, bool) { return r.text, r.known }

// Unit returns the unit text.
func (r *Readout) Unit() string { return r.unit }

// Redraws returns how many times the readout has been redrawn.
func (r *Readout) Redraws() uint64 { return r.redraws.Load() }

// CreateRenderer implements fyne.Widget.
func (r *Readout) CreateRenderer() fyne.WidgetRenderer {
	if r.text == "" && !r.known {
		r.text = Unknown
	}
	rr := &readoutRenderer{r: r, caption: canvas.NewText("", nil), value: canvas.NewText("", nil), unit: canvas.NewText("", nil)}
	rr.value.TextStyle.Bold = true
	rr.update()
	return rr
}

type readoutRenderer struct {
	r                    *Readout
	caption, value, unit *canvas.Text
}

func (rr *readoutRenderer) Destroy() {}

func (rr *readoutRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{rr.caption, rr.value, rr.unit}
}

func (rr *readoutRenderer) sizes() (maxText, minText float32) {
	th := rr.r.Theme()
	maxName, minName := rr.r.TextSize, rr.r.MinText
	if maxName == "" {
		maxName = SizeNameReadoutText
	}
	if minName == "" {
		minName = theme.SizeNameSubHeadingText
	}
	return sizeOf(th, maxName), sizeOf(th, minName)
}

func (rr *readoutRenderer) MinSize() fyne.Size {
	_, minText := rr.sizes()
	// Measure the value at its smallest size on a copy: the live text keeps
	// the size Layout gave it.
	probe := *rr.value
	probe.TextSize = minText
	v := measure(&probe, rr.r.Template)
	c, u := rr.caption.MinSize(), rr.unit.MinSize()
	if rr.r.Caption == "" {
		c = fyne.Size{}
	}
	if rr.r.unit == "" {
		u = fyne.Size{}
	}
	if rr.r.CaptionLeading {
		gap := rr.r.Theme().Size(theme.SizeNamePadding) * 2
		return fyne.NewSize(c.Width+gap+v.Width+u.Width, fyne.Max(c.Height, v.Height))
	}
	if rr.r.UnitBeside {
		return fyne.NewSize(fyne.Max(c.Width, v.Width+u.Width), c.Height+v.Height)
	}
	return fyne.NewSize(fyne.Max(c.Width, fyne.Max(v.Width, u.Width)), c.Height+v.Height+u.Height)
}

// measure returns the size of t's text, or of template when that is wider.
func measure(t *canvas.Text, template string) fyne.Size {
	s := t.MinSize()
	if template != "" {
		m := fyne.MeasureText(template, t.TextSize, t.TextStyle)
		s = s.Max(m)
	}
	return s
}

func (rr *readoutRenderer) Layout(size fyne.Size) {
	r := rr.r
	if r.CaptionLeading {
		rr.layoutRow(size)
		return
	}
	maxText, minText := rr.sizes()
	var c, u fyne.Size
	if r.Caption != "" {
		c = rr.caption.MinSize()
	}
	if r.unit != "" {
		u = rr.unit.MinSize()
	}
	availH := size.Height - c.Height
	if !r.UnitBeside {
		availH -= u.Height
	}
	availW := size.Width
	if r.UnitBeside {
		availW -= u.Width
	}
	// Text height is about 1.2 × its size for Fyne's fonts.
	ts := fyne.Min(maxText, availH/1.2)
	rr.value.TextSize = ts
	if w := measure(rr.value, r.Template).Width; w > availW && w > 0 {
		ts *= availW / w
	}
	rr.value.TextSize = fyne.Max(ts, minText)
	v := measure(rr.value, "")
	vw := measure(rr.value, r.Template).Width

	blockW := fyne.Max(vw, u.Width)
	if r.UnitBeside {
		blockW = vw + u.Width
	}
	blockH := c.Height + v.Height
	if !r.UnitBeside {
		blockH += u.Height
	}
	x := (size.Width - blockW) / 2
	switch r.Alignment {
	case fyne.TextAlignLeading:
		x = 0
	case fyne.TextAlignTrailing:
		x = size.Width - blockW
	}
	y := (size.Height - blockH) / 2

	rr.caption.Alignment = r.Alignment
	rr.caption.Move(fyne.NewPos(0, y))
	rr.caption.Resize(fyne.NewSize(size.Width, c.Height))
	y += c.Height

	rr.value.Alignment = fyne.TextAlignTrailing
	rr.value.Move(fyne.NewPos(x, y))
	rr.value.Resize(fyne.NewSize(vw, v.Height))
	if r.UnitBeside {
		// Align the unit's baseline roughly with the value's.
		rr.unit.Alignment = fyne.TextAlignLeading
		rr.unit.Move(fyne.NewPos(x+vw, y+v.Height-u.Height-v.Height*0.1))
		rr.unit.Resize(u)
		return
	}
	rr.value.Alignment = fyne.TextAlignCenter
	rr.value.Move(fyne.NewPos(x, y))
	rr.value.Resize(fyne.NewSize(blockW, v.Height))
	rr.unit.Alignment = fyne.TextAlignCenter
	rr.unit.Move(fyne.NewPos(x, y+v.Height))
	rr.unit.Resize(fyne.NewSize(blockW, u.Height))
}

// layoutRow places the caption at the left and the value and unit at the
// right, the value as large as the height and the remaining width allow.
func (rr *readoutRenderer) layoutRow(size fyne.Size) {
	r := rr.r
	maxText, minText := rr.sizes()
	gap := r.Theme().Size(theme.SizeNamePadding) * 2
	c := rr.caption.MinSize()
	if r.Caption == "" {
		c = fyne.Size{}
	}
	var u fyne.Size
	if r.unit != "" {
		u = rr.unit.MinSize()
	}
	ts := fyne.Min(maxText, size.Height/1.2)
	rr.value.TextSize = ts
	availW := size.Width - c.Width - gap - u.Width
	if w := measure(rr.value, r.Template).Width; w > availW && w > 0 {
		ts *= availW / w
	}
	rr.value.TextSize = fyne.Max(ts, minText)
	v := measure(rr.value, "")

	mid := size.Height / 2
	rr.caption.Alignment = fyne.TextAlignLeading
	rr.caption.Move(fyne.NewPos(0, mid-c.Height/2))
	rr.caption.Resize(c)
	// Value and unit share a baseline, approximated from their heights.
	base := mid + v.Height*0.3
	rr.unit.Alignment = fyne.TextAlignLeading
	rr.unit.Move(fyne.NewPos(size.Width-u.Width, base-u.Height*0.8))
	rr.unit.Resize(u)
	rr.value.Alignment = fyne.TextAlignTrailing
	rr.value.Move(fyne.NewPos(size.Width-u.Width-v.Width, base-v.Height*0.8))
	rr.value.Resize(v)
}

func (rr *readoutRenderer) Refresh() {
	rr.r.redraws.Add(1)
	rr.update()
	rr.Layout(rr.r.Size())
	canvas.Refresh(rr.r)
}

func (rr *readoutRenderer) update() {
	r := rr.r
	th := r.Theme()
	muted := colorOf(th, ColorNameMuted)
	text := theme.SizeForWidget(theme.SizeNameText, r)
	rr.caption.Text, rr.caption.Color, rr.caption.TextSize = r.Caption, muted, text
	rr.unit.Text, rr.unit.Color, rr.unit.TextSize = r.unit, muted, text
	rr.value.Text = r.text
	switch {
	case !r.known:
		rr.value.Color = muted
	case r.emphasis != "":
		rr.value.Color = colorOf(th, r.emphasis)
	default:
		rr.value.Color = colorOf(th, theme.ColorNameForeground)
	}
}
