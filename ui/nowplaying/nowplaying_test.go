package nowplaying_test

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/media/player"
	"github.com/fascia-hmi/fascia/ui"
	_ "github.com/fascia-hmi/fascia/ui/home"
	"github.com/fascia-hmi/fascia/ui/nowplaying"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
)

var t0 = time.Date(2024, 6, 20, 14, 5, 20, 0, time.UTC)

const testdata = "../../app/media/player/testdata/"

// cockpit returns a cockpit whose media service is not started: no sound
// device, no library, no saved state touched.
func cockpit(t *testing.T) *app.Cockpit {
	t.Helper()
	cfg := config.Defaults()
	cfg.Path = t.TempDir() + "/config.toml"
	c, err := app.New(&cfg, app.Options{Clock: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func queue(t *testing.T, c *app.Cockpit) {
	t.Helper()
	c.Media.Player.Play([]player.Item{
		{Path: testdata + "sine-a.flac", Title: "First Light", Artist: "Fascia Demo Band", Album: "Demo Drive", Duration: 205 * time.Second},
		{Path: testdata + "tone.ogg", Title: "Open Road", Artist: "Fascia Demo Band"},
	}, 0)
	deadline := time.Now().Add(5 * time.Second)
	for c.Media.Player.State().Loading {
		if time.Now().After(deadline) {
			t.Fatal("track did not open")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		theme  string
		size   fyne.Size
		paused bool
	}{
		{"day", fyne.NewSize(1280, 720), false},
		{"night", fyne.NewSize(1280, 720), false},
		{"day", fyne.NewSize(800, 480), false},
		{"night", fyne.NewSize(800, 480), true},
	} {
		state := "playing"
		if tc.paused {
			state = "paused"
		}
		name := fmt.Sprintf("home_%s_%s_%dx%d.png", state, tc.theme, int(tc.size.Width), int(tc.size.Height))
		t.Run(name, func(t *testing.T) {
			c := cockpit(t)
			queue(t, c)
			if tc.paused {
				c.Media.Player.Pause()
			}
			img, err := ui.Render(c, "home", tc.size, tc.theme)
			if err != nil {
				t.Fatal(err)
			}
			test.AssertImageMatches(t, name, img)
		})
	}
}

func TestHiddenWhenEmptyAndControls(t *testing.T) {
	a := test.NewTempApp(t)
	c := cockpit(t)
	sh := ui.New(c, ui.Options{Theme: "day", SetTheme: a.Settings().SetTheme})
	s := nowplaying.New(sh.Env())
	if s.Content().Visible() {
		t.Fatal("strip shown with an empty queue")
	}
	queue(t, c)
	s.Update()
	if !s.Content().Visible() {
		t.Fatal("strip hidden with a queued track")
	}
	if got := s.Title.Text; got != "First Light – Fascia Demo Band" {
		t.Errorf("title %q", got)
	}
	if got := s.Detail.Text; got != nowplaying.NoOutputText+" · 0:00 / 3:25" {
		t.Errorf("detail %q", got)
	}
	for _, b := range []fyne.CanvasObject{s.PlayPause, s.Next} {
		if m := b.MinSize(); m.Width < fascia.TouchTarget() || m.Height < fascia.TouchTarget() {
			t.Errorf("target %v smaller than %v", m, fascia.TouchTarget())
		}
	}
	if s.PlayPause.Icon.Name() != theme.MediaPauseIcon().Name() {
		t.Errorf("playing shows %s", s.PlayPause.Icon.Name())
	}
	test.Tap(s.PlayPause)
	if c.Media.Player.State().Playing {
		t.Error("play/pause did not pause")
	}
	if s.PlayPause.Icon.Name() != theme.MediaPlayIcon().Name() {
		t.Errorf("paused shows %s", s.PlayPause.Icon.Name())
	}
	test.Tap(s.Next)
	if st := c.Media.Player.State(); st.Index != 1 || !st.Playing {
		t.Errorf("next: %+v", st)
	}
}
