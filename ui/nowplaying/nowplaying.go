// Package nowplaying owns the now-playing strip that the shell shows on
// every screen between the screen and the dock: title – artist, album and
// progress, play/pause and next, and a visible "No audio output" state when
// no sound device plays. It hides itself while the queue is empty. It reads
// the player's state snapshot on the shell's update tick and calls the
// player's controls; it does no I/O and decodes nothing.
package nowplaying

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/app/media"
	"github.com/fascia-hmi/fascia/app/media/player"
	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/widgets"
)

func init() {
	ui.RegisterStrip(func(env *ui.Env) fyne.CanvasObject { return New(env).Content() })
}

// NoOutputText is shown while music plays into no device.
const NoOutputText = "No audio output"

// Strip is the now-playing strip's widgets, exported for tests.
type Strip struct {
	Title     *widget.Label // "Title – Artist"
	Detail    *widget.Label // "Album · 1:23 / 3:45", or NoOutputText
	PlayPause *widgets.TouchButton
	Next      *widgets.TouchButton

	svc     *media.Service
	content *ui.Panel
	last    shown
}

// shown is what the strip displays, to redraw only on change.
type shown struct {
	visible, playing, noOutput bool
	title, detail              string
}

// New builds the strip over the cockpit's media service (hidden when the
// cockpit has none) and follows it on the shell's update loop.
func New(env *ui.Env) *Strip {
	s := &Strip{svc: env.Cockpit.Media}
	s.Title = widget.NewLabel("")
	s.Title.TextStyle.Bold = true
	s.Title.Truncation = fyne.TextTruncateEllipsis
	s.Detail = widget.NewLabel("")
	s.Detail.Truncation = fyne.TextTruncateEllipsis
	s.Detail.Importance = widget.LowImportance
	s.Detail.SizeName = theme.SizeNameCaptionText
	s.PlayPause = widgets.NewTouchButton("", theme.MediaPlayIcon(), s.toggle)
	s.Next = widgets.NewTouchButton("", theme.MediaSkipNextIcon(), s.next)
	text := container.New(rows{}, s.Title, s.Detail)
	buttons := container.NewHBox(s.PlayPause, s.Next)
	s.content = ui.NewPanel(container.NewBorder(nil, nil, nil, buttons, text))
	s.content.Flush = true // the 76 dp buttons set the height
	s.content.Hide()
	s.Update()
	env.Loop.Every(func(time.Time) { s.Update() })
	return s
}

// Content returns the strip's canvas object.
func (s *Strip) Content() fyne.CanvasObject { return s.content }

func (s *Strip) toggle() {
	if s.svc != nil {
		s.svc.Player.Toggle()
		s.Update()
	}
}

func (s *Strip) next() {
	if s.svc != nil {
		s.svc.Player.Next()
		s.Update()
	}
}

// Update shows the player's state; it runs on the UI goroutine and touches
// the widgets only when what they show changed.
func (s *Strip) Update() {
	var sh shown
	if s.svc != nil {
		sh = describe(s.svc.Player.State(), s.svc.NoOutput())
	}
	if sh == s.last {
		return
	}
	prev := s.last
	s.last = sh
	if !sh.visible {
		s.content.Hide()
		return
	}
	if sh.title != prev.title {
		s.Title.SetText(sh.title)
	}
	if sh.detail != prev.detail || sh.noOutput != prev.noOutput {
		s.Detail.Importance = widget.LowImportance
		if sh.noOutput {
			s.Detail.Importance = widget.WarningImportance
		}
		s.Detail.SetText(sh.detail)
	}
	if sh.playing != prev.playing || !prev.visible {
		s.PlayPause.Icon = theme.MediaPlayIcon()
		if sh.playing {
			s.PlayPause.Icon = theme.MediaPauseIcon()
		}
		s.PlayPause.Refresh()
	}
	if !prev.visible {
		s.content.Show()
	}
}

func describe(st player.State, noOutput string) shown {
	if !st.HasItem {
		return shown{}
	}
	sh := shown{visible: true, playing: st.Playing || st.Loading}
	sh.title = st.Item.Title
	if sh.title == "" {
		sh.title = "Untitled"
	}
	if st.Item.Artist != "" {
		sh.title += " – " + st.Item.Artist
	}
	sh.detail = clock(st.Position)
	if st.Duration > 0 {
		sh.detail += " / " + clock(st.Duration)
	}
	if noOutput != "" {
		sh.noOutput = true
		sh.detail = NoOutputText + " · " + sh.detail
	} else if st.Item.Album != "" {
		sh.detail = st.Item.Album + " · " + sh.detail
	}
	return sh
}

// clock formats a duration as m:ss (h:mm:ss from an hour).
func clock(d time.Duration) string {
	s := int(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// rows stacks labels without their inner padding between and around them,
// so that two lines of text fit beside the 76 dp buttons (a label's padding
// is transparent; it may extend past the container).
type rows struct{}

func (rows) pad() float32 { return theme.Size(theme.SizeNameInnerPadding) }

func (r rows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		ms := o.MinSize()
		m.Width = fyne.Max(m.Width, ms.Width)
		m.Height += ms.Height - 2*r.pad()
	}
	return m
}

func (r rows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := (size.Height-r.MinSize(objs).Height)/2 - r.pad()
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - 2*r.pad()
	}
}
