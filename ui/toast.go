package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/app/health"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
	"github.com/fascia-hmi/fascia/widgets"
)

// Severity is an alert's urgency (the health package's).
type Severity = health.Severity

// Severities, for the UI's own notices.
const (
	Info     = health.Info
	Warning  = health.Warning
	Critical = health.Critical
)

// MaxToasts is how many toasts show at once; the status bar counts them all.
const MaxToasts = 2

// Toast is one alert in the toast area: a card in its severity's colour with
// a title, a detail line and an acknowledge button.
type Toast struct {
	widget.BaseWidget

	ID       string
	Severity Severity
	Title    string
	Detail   string

	ack *widgets.TouchButton
}

func newToast(a health.Alert, ack func()) *Toast {
	t := &Toast{ID: a.ID, Severity: a.Severity, Title: a.Title, Detail: a.Detail}
	t.ack = widgets.NewTouchButton("OK", nil, ack)
	t.ExtendBaseWidget(t)
	return t
}

// Ack is the acknowledge button.
func (t *Toast) Ack() *widgets.TouchButton { return t.ack }

func severityColors(s Severity) (bg, fg fyne.ThemeColorName) {
	switch s {
	case health.Critical:
		return fascia.ColorNameCriticalToast, fascia.ColorNameOnCriticalToast
	case health.Warning:
		return fascia.ColorNameWarningToast, fascia.ColorNameOnWarningToast
	}
	return fascia.ColorNameInfo, fascia.ColorNameOnInfo
}

// CreateRenderer implements fyne.Widget.
func (t *Toast) CreateRenderer() fyne.WidgetRenderer {
	r := &toastRenderer{t: t, bg: canvas.NewRectangle(nil), title: canvas.NewText("", nil), detail: widget.NewRichText()}
	r.title.TextStyle.Bold = true
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.update()
	return r
}

type toastRenderer struct {
	t      *Toast
	bg     *canvas.Rectangle
	title  *canvas.Text
	detail *widget.RichText
}

func (r *toastRenderer) Destroy() {}

func (r *toastRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.title, r.detail, r.t.ack}
}

// The toast is inset by the theme padding, so that it is exactly as tall as
// the dock it covers.
func (r *toastRenderer) MinSize() fyne.Size {
	th := r.t.Theme()
	pad := th.Size(theme.SizeNamePadding)
	a := r.t.ack.MinSize()
	h := 2 * r.title.MinSize().Height
	return fyne.NewSize(a.Width*3+3*pad, fyne.Max(h, a.Height)+2*pad)
}

func (r *toastRenderer) Layout(s fyne.Size) {
	th := r.t.Theme()
	pad, in := th.Size(theme.SizeNamePadding), th.Size(theme.SizeNameInnerPadding)
	r.bg.Resize(s)
	a := r.t.ack.MinSize()
	r.t.ack.Resize(a)
	r.t.ack.Move(fyne.NewPos(s.Width-pad-a.Width, (s.Height-a.Height)/2))
	textW := s.Width - a.Width - pad - 2*in
	tm := r.title.MinSize()
	top := (s.Height - 2*tm.Height) / 2
	r.title.Move(fyne.NewPos(in, top))
	r.title.Resize(fyne.NewSize(textW, tm.Height))
	// RichText has its own inner padding; pull it in line with the title.
	dm := r.detail.MinSize()
	r.detail.Move(fyne.NewPos(0, top+tm.Height-(dm.Height-tm.Height)/2))
	r.detail.Resize(fyne.NewSize(textW+2*in, dm.Height))
}

func (r *toastRenderer) Refresh() {
	r.update()
	r.Layout(r.t.Size())
	canvas.Refresh(r.t)
}

func (r *toastRenderer) update() {
	t := r.t
	th := t.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	bg, fg := severityColors(t.Severity)
	r.bg.FillColor = th.Color(bg, v)
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.title.Text, r.title.Color, r.title.TextSize = t.Title, th.Color(fg, v), th.Size(theme.SizeNameText)
	r.detail.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: t.Detail, Style: widget.RichTextStyle{ColorName: fg, Inline: true}}}
	r.detail.Refresh()
}

// toastArea shows the unacknowledged alerts in the monitor's order (most
// urgent first) in a band above the dock.
type toastArea struct {
	box    *fyne.Container
	band   *Panel // the box on an opaque background, over the dock
	shell  *Shell
	seq    uint64
	local  []health.Alert // the UI's own notices
	nextID int
	shown  []*Toast

	// counts of the alert list, kept from the last rebuild
	all, unacked int
	worst        Severity
}

func newToastArea(s *Shell) *toastArea {
	a := &toastArea{shell: s, seq: ^uint64(0)}
	a.box = &fyne.Container{Layout: &toastLayout{}}
	a.band = NewPanel(a.box)
	a.band.Square, a.band.Flush = true, true
	a.band.Hide()
	return a
}

// notify adds a UI notice (not a vehicle alert) until acknowledged.
func (a *toastArea) notify(sev Severity, title, detail string) {
	a.nextID++
	a.local = append(a.local, health.Alert{ID: "ui-" + itoa(a.nextID), Title: title, Detail: detail, Severity: sev, Since: a.shell.env.Store.Now()})
	a.rebuild()
}

// poll rebuilds the toasts when the monitor's alert list changed.
func (a *toastArea) poll() {
	m := a.shell.env.Cockpit.Alerts
	if m == nil {
		return
	}
	if seq := m.Seq(); seq != a.seq {
		a.seq = seq
		a.rebuild()
	}
}

// alerts returns every active alert: the UI's notices, then the monitor's.
func (a *toastArea) alerts() []health.Alert {
	out := append([]health.Alert(nil), a.local...)
	if m := a.shell.env.Cockpit.Alerts; m != nil {
		out = append(out, m.Active()...)
	}
	return out
}

func (a *toastArea) rebuild() {
	var objs []fyne.CanvasObject
	a.shown = a.shown[:0]
	a.all, a.unacked, a.worst = 0, 0, Info
	for _, al := range a.alerts() {
		a.all++
		if !al.Acked {
			a.unacked++
			a.worst = max(a.worst, al.Severity)
		}
		if al.Acked || len(objs) == MaxToasts {
			continue
		}
		id := al.ID
		t := newToast(al, func() { a.ack(id) })
		a.shown = append(a.shown, t)
		objs = append(objs, t)
	}
	a.box.Objects = objs
	if len(objs) > 0 {
		a.band.Show()
	} else {
		a.band.Hide()
	}
	a.box.Refresh()
	a.band.Refresh()
	a.shell.updateStatus(a.shell.env.Store.Now())
}

func (a *toastArea) ack(id string) {
	for i, l := range a.local {
		if l.ID == id {
			a.local = append(a.local[:i], a.local[i+1:]...)
			a.rebuild()
			return
		}
	}
	if m := a.shell.env.Cockpit.Alerts; m != nil {
		m.Ack(id) // changes Seq: the next poll rebuilds
		a.poll()
	}
}

// counts returns the number of active alerts, how many are unacknowledged,
// and the worst severity among those, as of the last change.
func (a *toastArea) counts() (all, unacked int, worst Severity) {
	return a.all, a.unacked, a.worst
}

// toastLayout puts the toasts side by side in a band over the dock, as
// many as fit at the theme's toast width (at least one, at most MaxToasts).
// The band covers the dock, not the screen, so no telltale or readout is
// ever hidden by an alert; the dock comes back once the alerts shown are
// acknowledged.
type toastLayout struct{}

func (toastLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	if len(objs) == 0 {
		return m
	}
	return m
}

// toastSlots returns how many toasts fit side by side in width w.
func toastSlots(w float32) int {
	n := int(w / theme.Size(fascia.SizeNameToastWidth))
	return max(1, min(n, MaxToasts))
}

func (toastLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	pad := theme.Size(theme.SizeNamePadding)
	n := min(len(objs), toastSlots(s.Width))
	if n == 0 {
		return
	}
	w := (s.Width - pad*float32(n-1)) / float32(n)
	for i, o := range objs {
		if i >= n {
			o.Hide()
			continue
		}
		o.Show()
		o.Move(fyne.NewPos(float32(i)*(w+pad), 0))
		o.Resize(fyne.NewSize(w, s.Height))
	}
}
