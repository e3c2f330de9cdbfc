package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/app/vehicle"
)

// LockoutMessage is the explanation shown over a locked control.
const LockoutMessage = "Not available while driving"

// Lockout disables distracting controls while the vehicle moves: text
// entry, video, long scrolling lists. A screen wraps such a control with
// Guard; while the vehicle is moving the control is disabled (when it can
// be) and covered by a short explanation that also swallows taps and
// scrolling.
//
// The shell drives it from Vehicle.IsMoving: the last known value counts,
// stale included, because a car that was moving when its data stopped may
// well still be moving; only a car never heard from (no data) is unlocked,
// so that a bench set-up can still reach the source setting. It is used on
// the UI goroutine only.
type Lockout struct {
	moving bool
	guards []*Guarded
}

// NewLockout returns an unlocked lockout.
func NewLockout() *Lockout { return &Lockout{} }

// Locked reports whether guarded controls are locked.
func (l *Lockout) Locked() bool { return l.moving }

// SetMoving locks (true) or unlocks every guarded control.
func (l *Lockout) SetMoving(moving bool) {
	if moving == l.moving {
		return
	}
	l.moving = moving
	for _, g := range l.guards {
		g.setLocked(moving)
	}
}

// Follow sets the lockout from a reading of Vehicle.IsMoving.
func (l *Lockout) Follow(r vehicle.Reading) {
	l.SetMoving(r.State != vehicle.NoData && r.Bool())
}

// Guard wraps obj so that it is locked while the vehicle moves: obj, or
// every control in obj's containers, is disabled, and obj is covered.
func (l *Lockout) Guard(obj fyne.CanvasObject) *Guarded {
	g := &Guarded{content: obj}
	g.ExtendBaseWidget(g)
	l.guards = append(l.guards, g)
	g.setLocked(l.moving)
	return g
}

// Guarded is a control under the driving lockout.
type Guarded struct {
	widget.BaseWidget

	content fyne.CanvasObject
	locked  bool
	// disabledByUs are the controls the lockout disabled, so that unlocking
	// does not enable a control its screen had disabled.
	disabledByUs []fyne.Disableable
	cover        *cover
}

// Locked reports whether the control is locked now.
func (g *Guarded) Locked() bool { return g.locked }

// Content returns the guarded control.
func (g *Guarded) Content() fyne.CanvasObject { return g.content }

func (g *Guarded) setLocked(on bool) {
	if on == g.locked && g.cover != nil {
		return
	}
	g.locked = on
	if on {
		g.disabledByUs = g.disabledByUs[:0]
	}
	for _, d := range disableables(g.content, nil) {
		switch {
		case on && !d.Disabled():
			d.Disable()
			g.disabledByUs = append(g.disabledByUs, d)
		case !on && contains(g.disabledByUs, d):
			d.Enable()
		}
	}
	if !on {
		g.disabledByUs = g.disabledByUs[:0]
	}
	if g.cover == nil {
		g.cover = newCover()
	}
	if on {
		g.cover.Show()
	} else {
		g.cover.Hide()
	}
	g.Refresh()
}

// disableables returns the controls that can be disabled in o: o itself,
// or the ones in its containers (not inside other widgets).
func disableables(o fyne.CanvasObject, out []fyne.Disableable) []fyne.Disableable {
	if d, ok := o.(fyne.Disableable); ok {
		return append(out, d)
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, child := range c.Objects {
			out = disableables(child, out)
		}
	}
	return out
}

func contains(list []fyne.Disableable, d fyne.Disableable) bool {
	for _, x := range list {
		if x == d {
			return true
		}
	}
	return false
}

// CreateRenderer implements fyne.Widget.
func (g *Guarded) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(&fyne.Container{Layout: stackLayout{}, Objects: []fyne.CanvasObject{g.content, g.cover}})
}

// cover is the explanation over a locked control; it absorbs taps and
// scrolling so nothing beneath reacts.
type cover struct {
	widget.BaseWidget
}

func newCover() *cover {
	c := &cover{}
	c.ExtendBaseWidget(c)
	return c
}

func (c *cover) Tapped(*fyne.PointEvent)          {}
func (c *cover) Scrolled(*fyne.ScrollEvent)       {}
func (c *cover) Dragged(*fyne.DragEvent)          {}
func (c *cover) DragEnd()                         {}
func (c *cover) TappedSecondary(*fyne.PointEvent) {}

func (c *cover) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(nil)
	text := canvas.NewText(LockoutMessage, nil)
	text.Alignment = fyne.TextAlignCenter
	text.TextStyle.Bold = true
	r := &coverRenderer{c: c, bg: bg, text: text}
	r.Refresh()
	return r
}

type coverRenderer struct {
	c    *cover
	bg   *canvas.Rectangle
	text *canvas.Text
}

func (r *coverRenderer) Destroy() {}
func (r *coverRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.text}
}
func (r *coverRenderer) MinSize() fyne.Size { return r.text.MinSize() }
func (r *coverRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	ts := r.text.MinSize()
	r.text.Move(fyne.NewPos(0, (s.Height-ts.Height)/2))
	r.text.Resize(fyne.NewSize(s.Width, ts.Height))
}
func (r *coverRenderer) Refresh() {
	th := r.c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	bg := th.Color(theme.ColorNameButton, v)
	r.bg.FillColor = bg
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.text.Color = th.Color(theme.ColorNameForeground, v)
	r.text.TextSize = th.Size(theme.SizeNameText)
	r.bg.Refresh()
	r.text.Refresh()
}

// stackLayout gives every object the full size (container.NewStack without
// importing container here).
type stackLayout struct{}

func (stackLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(s)
	}
}

func (stackLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		if o.Visible() {
			m = m.Max(o.MinSize())
		}
	}
	return m
}
