package voice_test

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	avoice "github.com/fascia-hmi/fascia/app/voice"
	"github.com/fascia-hmi/fascia/ui"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
	uvoice "github.com/fascia-hmi/fascia/ui/voice"
	"github.com/fascia-hmi/fascia/widgets"
)

var t0 = time.Date(2024, 6, 20, 14, 5, 20, 0, time.UTC)

// cockpit returns the real cockpit with a real voice service (no
// microphone: this machine has no sound card; replies go to WAV files)
// brought into a given state through the service's own calls.
func cockpit(t *testing.T, state string) *app.Cockpit {
	t.Helper()
	cfg := config.Defaults()
	cfg.Path = t.TempDir() + "/config.toml"
	c, err := app.New(&cfg, app.Options{Clock: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	// The screen's states come from the service's own calls; none of
	// them needs the recognizer loaded (Start), which the voice tests in
	// app/voice cover.
	svc := avoice.New(avoice.Options{Store: c.Store, Speaker: avoice.NewEspeakTo(t.TempDir())})
	t.Cleanup(svc.Close)
	c.Voice = svc
	switch state {
	case "confirm":
		in := avoice.Intent{Kind: avoice.NavigateTo, Slots: map[string]string{avoice.SlotPlace: "Rue Grimaldi"}}
		svc.Handle(avoice.Result{Heard: "navigate to rue grimaldi", Transcript: "navigate to rue grimaldi", Intent: &in})
	case "rejected":
		svc.Handle(avoice.Result{Heard: "gbg_t gbg_eh gbg_l gbg_m gbg_iy", Rejected: "not a command"})
	case "nomic":
		svc.Listen()
	}
	return c
}

func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		state, theme string
		size         fyne.Size
	}{
		{"confirm", "day", fyne.NewSize(1280, 720)},
		{"confirm", "night", fyne.NewSize(1280, 720)},
		{"confirm", "day", fyne.NewSize(800, 480)},
		{"confirm", "night", fyne.NewSize(800, 480)},
		{"rejected", "night", fyne.NewSize(800, 480)},
		{"nomic", "day", fyne.NewSize(800, 480)},
	} {
		name := fmt.Sprintf("voice_%s_%s_%dx%d.png", tt.state, tt.theme, int(tt.size.Width), int(tt.size.Height))
		t.Run(name, func(t *testing.T) {
			c := cockpit(t, tt.state)
			img, err := ui.Render(c, "voice", tt.size, tt.theme)
			if err != nil {
				t.Fatal(err)
			}
			test.AssertImageMatches(t, name, img)
		})
	}
}

func TestScreenStates(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(fascia.New(fascia.Day, 1))
	c := cockpit(t, "nomic")
	s := uvoice.New(&ui.Env{Cockpit: c, Store: c.Store})
	if !s.Mic.Disabled() || s.State.Text == uvoice.Hint {
		t.Fatalf("no microphone: mic enabled %v, state %q", !s.Mic.Disabled(), s.State.Text)
	}
	test.NewTempWindow(t, s.Content())
	if sz := s.Mic.MinSize(); sz.Height < widgets.TouchTarget(s.Mic) || sz.Width < widgets.TouchTarget(s.Mic) || widgets.TouchTarget(s.Mic) < 76 {
		t.Fatalf("mic button %v, touch target %v", sz, widgets.TouchTarget(s.Mic))
	}
	in := avoice.Intent{Kind: avoice.SetTemperature, Slots: map[string]string{avoice.SlotTemperature: "21"}}
	s.Apply(avoice.Status{State: avoice.Idle, Heard: "set temperature to twenty one degrees", Intent: &in, Reply: "Climate control is not available."})
	if s.Mic.Disabled() || s.Intent.Text != "climate.temperature — temperature: 21" || s.Yes.Visible() {
		t.Fatalf("idle: mic disabled %v, intent %q, yes visible %v", s.Mic.Disabled(), s.Intent.Text, s.Yes.Visible())
	}
	s.Apply(avoice.Status{State: avoice.Idle, Heard: "gbg_t gbg_eh"})
	if s.Intent.Text != "Not a command" || s.Heard.Text != "“…”" {
		t.Fatalf("rejected: %q %q", s.Intent.Text, s.Heard.Text)
	}
	// A question: asked, then listened for; Yes and No stay until the
	// answer.
	nav := avoice.Intent{Kind: avoice.NavigateTo, Slots: map[string]string{avoice.SlotPlace: "Rue Grimaldi"}}
	for _, st := range []avoice.State{avoice.Confirming, avoice.Listening} {
		s.Apply(avoice.Status{State: st, Heard: "navigate to rue grimaldi", Intent: &nav, Pending: &nav, Reply: "Navigate to Rue Grimaldi?"})
		if !s.Yes.Visible() || !s.No.Visible() || s.State.Text != "Navigate to Rue Grimaldi? Say yes or no." {
			t.Errorf("question, state %v: yes %v no %v, %q", st, s.Yes.Visible(), s.No.Visible(), s.State.Text)
		}
		// Shown after being laid out hidden, the buttons get their size.
		if h := s.Yes.Size().Height; h < widgets.TouchTarget(s.Yes) {
			t.Errorf("question, state %v: Yes is %v dp high, want ≥ %v", st, h, widgets.TouchTarget(s.Yes))
		}
	}
	s.Apply(avoice.Status{State: avoice.Listening})
	if s.Yes.Visible() || s.State.Text != "Listening…" {
		t.Errorf("listening for a command: yes %v, %q", s.Yes.Visible(), s.State.Text)
	}
}
