// Package voice owns the cockpit's voice screen: the on-screen microphone
// button, what the recognizer heard, the intent with its slots, the
// result, the yes/no of a confirmation, and the "no microphone" or
// "unavailable" state. It only shows app/voice's status and calls its
// Listen and Confirm; recognition runs in the service's goroutines, never
// on the UI goroutine.
package voice

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	ftheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	avoice "github.com/fascia-hmi/fascia/app/voice"
	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/ui/theme"
	"github.com/fascia-hmi/fascia/widgets"
)

func init() {
	ui.Register(ui.Screen{Name: "voice", Title: "Voice", Icon: theme.IconMicrophone, Order: 80, New: func(env *ui.Env) fyne.CanvasObject { return New(env).Content() }})
}

// Screen is the voice screen's widgets, exported for tests.
type Screen struct {
	Mic          *widgets.TouchButton
	Yes, No      *widgets.TouchButton
	State        *widget.Label
	Heard        *widget.Label
	Intent       *widget.Label
	Reply        *widget.Label
	confirmation *fyne.Container

	svc     *avoice.Service
	content fyne.CanvasObject
}

// Hint is the idle prompt.
const Hint = "Tap the microphone or press the voice button on the steering wheel, then speak."

// New builds the voice screen for the cockpit's voice service.
func New(env *ui.Env) *Screen {
	s := &Screen{}
	if env.Cockpit != nil {
		s.svc = env.Cockpit.Voice
	}
	s.State = widget.NewLabel("")
	s.State.TextStyle.Bold = true
	s.State.Wrapping = fyne.TextWrapWord
	s.Heard = widget.NewLabel("—")
	s.Heard.Wrapping = fyne.TextWrapWord
	s.Intent = widget.NewLabel("—")
	s.Intent.Wrapping = fyne.TextWrapWord
	s.Reply = widget.NewLabel("—")
	s.Reply.Wrapping = fyne.TextWrapWord
	s.Mic = widgets.NewTouchButton("Speak", theme.IconMicrophone, func() {
		if s.svc != nil {
			s.svc.Listen()
		}
	})
	s.Mic.Stacked = true
	s.Yes = widgets.NewTouchButton("Yes", ftheme.ConfirmIcon(), func() { s.svc.Confirm(true) })
	s.No = widgets.NewTouchButton("No", ftheme.CancelIcon(), func() { s.svc.Confirm(false) })
	s.confirmation = container.NewGridWithColumns(2, s.Yes, s.No)

	rows := container.New(layout.NewFormLayout(),
		caption("Heard"), s.Heard,
		caption("Command"), s.Intent,
		caption("Result"), s.Reply,
	)
	s.content = container.NewBorder(
		container.NewVBox(s.State, widget.NewSeparator()),
		s.confirmation, nil,
		container.NewCenter(s.Mic),
		container.NewVBox(rows),
	)
	if s.svc == nil {
		s.Apply(avoice.Status{State: avoice.Unavailable, Err: "Voice commands are not part of this cockpit."})
		return s
	}
	s.Apply(s.svc.Status())
	s.svc.Subscribe(func(st avoice.Status) { fyne.Do(func() { s.Apply(st) }) })
	return s
}

// Content is the screen's root object.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

func caption(t string) *widget.Label {
	l := widget.NewLabel(t)
	l.Importance = widget.LowImportance
	return l
}

// Apply shows a status; it runs on the UI goroutine.
func (s *Screen) Apply(st avoice.Status) {
	// A question stays on screen, with Yes and No, while the cockpit
	// listens for the spoken answer.
	asking := st.Pending != nil && (st.State == avoice.Confirming || st.State == avoice.Listening)
	switch st.State {
	case avoice.Unavailable:
		s.State.SetText(st.Err)
		s.Mic.Disable()
	case avoice.Listening:
		if asking {
			s.State.SetText(st.Reply + " Say yes or no.")
		} else {
			s.State.SetText("Listening…")
		}
		s.Mic.Enable()
	case avoice.Thinking:
		s.State.SetText("Recognizing…")
	case avoice.Confirming:
		s.State.SetText(st.Reply + " Say yes or no.")
		s.Mic.Enable()
	default:
		s.State.SetText(Hint)
		s.Mic.Enable()
	}
	s.Mic.SetSelected(st.State == avoice.Listening)
	if st.Heard != "" {
		s.Heard.SetText(heard(st.Heard))
	}
	switch {
	case st.Intent != nil:
		s.Intent.SetText(Describe(*st.Intent))
	case st.Heard != "":
		s.Intent.SetText("Not a command")
	}
	if st.Reply != "" {
		s.Reply.SetText(st.Reply)
	}
	if s.Yes.Visible() != asking {
		for _, b := range []*widgets.TouchButton{s.Yes, s.No} {
			if asking {
				b.Show()
			} else {
				b.Hide()
			}
		}
		// The buttons' row was laid out at no height while they were
		// hidden: lay the screen out again.
		s.content.Refresh()
	}
}

// heard shows a transcript; phones of the garbage model read as "…".
func heard(h string) string {
	var out []string
	for _, w := range strings.Fields(h) {
		if strings.HasPrefix(w, avoice.GarbagePrefix) {
			if len(out) == 0 || out[len(out)-1] != "…" {
				out = append(out, "…")
			}
			continue
		}
		out = append(out, w)
	}
	return "“" + strings.Join(out, " ") + "”"
}

// Describe is an intent as the screen shows it: "navigate.to — place:
// Rue Grimaldi".
func Describe(in avoice.Intent) string {
	if len(in.Slots) == 0 {
		return in.Kind
	}
	keys := make([]string, 0, len(in.Slots))
	for k := range in.Slots {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %s", k, in.Slots[k]))
	}
	return in.Kind + " — " + strings.Join(parts, ", ")
}
