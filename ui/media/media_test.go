package media_test

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	ftheme "fyne.io/fyne/v2/theme"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	appmedia "github.com/fascia-hmi/fascia/app/media"
	"github.com/fascia-hmi/fascia/app/media/library"
	"github.com/fascia-hmi/fascia/assets"
	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/ui/media"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
	"github.com/fascia-hmi/fascia/widgets"
)

var t0 = time.Date(2024, 6, 20, 14, 5, 20, 0, time.UTC)

// cockpit returns a cockpit whose media service has a scanned library of
// the embedded demo music and a real M3U playlist, and no sound device
// (the service is not started).
func cockpit(t *testing.T) (*app.Cockpit, *library.Library) {
	t.Helper()
	cfg := config.Defaults()
	cfg.Path = t.TempDir() + "/config.toml"
	c, err := app.New(&cfg, app.Options{Clock: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	dir := t.TempDir()
	lib, err := library.New(library.Options{DBPath: filepath.Join(dir, "media.db"), NoMusicDir: true, Embedded: assets.FS, Folders: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Media.Close()
	if c.Media, err = appmedia.New(appmedia.Options{Library: lib}); err != nil {
		t.Fatal(err)
	}
	if err := media.Preload(lib, "embed:music/01-first-light.flac"); err != nil {
		t.Fatal(err)
	}
	return c, lib
}

func play(t *testing.T, c *app.Cockpit, lib *library.Library) {
	t.Helper()
	ts, err := lib.AlbumTracks(context.Background(), "Fascia Demo Band", "Demo Drive")
	if err != nil || len(ts) != 4 {
		t.Fatalf("album: %d %v", len(ts), err)
	}
	c.Media.PlayTracks(ts, 0)
	deadline := time.Now().Add(5 * time.Second)
	for c.Media.Player.State().Loading {
		if time.Now().After(deadline) {
			t.Fatal("track did not open")
		}
		time.Sleep(time.Millisecond)
	}
	c.Media.Player.Pause()
}

func TestGoldenNowPlaying(t *testing.T) {
	for _, tc := range []struct {
		theme string
		size  fyne.Size
	}{
		{"day", fyne.NewSize(1280, 720)},
		{"night", fyne.NewSize(1280, 720)},
		{"day", fyne.NewSize(800, 480)},
		{"night", fyne.NewSize(800, 480)},
	} {
		name := fmt.Sprintf("media_playing_%s_%dx%d.png", tc.theme, int(tc.size.Width), int(tc.size.Height))
		t.Run(name, func(t *testing.T) {
			c, lib := cockpit(t)
			play(t, c, lib)
			img, err := ui.Render(c, "media", tc.size, tc.theme)
			if err != nil {
				t.Fatal(err)
			}
			test.AssertImageMatches(t, name, img)
		})
	}
}

// screen builds the Media screen in a shell of the given theme. The test
// app runs fyne.Do at once on the calling goroutine, so the screen's
// background results are queued instead and run on the test's goroutine
// by until, as the UI goroutine would run them.
func screen(t *testing.T, c *app.Cockpit, theme string) (*media.Screen, *ui.Shell) {
	t.Helper()
	a := test.NewTempApp(t)
	sh := ui.New(c, ui.Options{Theme: theme, SetTheme: a.Settings().SetTheme})
	s := media.New(sh.Env())
	s.Deliver = func(f func()) { delivered <- f }
	return s, sh
}

var delivered = make(chan func(), 100)

// until runs delivered UI work until cond holds (or fails after 5 s).
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for !cond() {
		select {
		case f := <-delivered:
			f()
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func capture(s *media.Screen, size fyne.Size) image.Image {
	cv := software.NewCanvas()
	cv.SetPadded(false)
	cv.SetContent(s.Content())
	cv.Resize(size)
	return cv.Capture()
}

// waitRows waits until the list shows a row with the given text.
func waitRows(t *testing.T, s *media.Screen, text string) {
	t.Helper()
	until(t, "row "+text, func() bool {
		for _, r := range s.Rows {
			if r.Text == text {
				return true
			}
		}
		return false
	})
}

func TestGoldenBrowse(t *testing.T) {
	for _, tc := range []struct {
		theme  string
		size   fyne.Size
		view   string
		moving bool
	}{
		{"day", fyne.NewSize(1280, 500), media.ViewAlbums, false},
		{"night", fyne.NewSize(800, 300), media.ViewAlbums, true},
		{"day", fyne.NewSize(800, 300), media.ViewFolders, false},
	} {
		state := "parked"
		if tc.moving {
			state = "moving"
		}
		name := fmt.Sprintf("media_%s_%s_%s_%dx%d.png", tc.view, state, tc.theme, int(tc.size.Width), int(tc.size.Height))
		t.Run(name, func(t *testing.T) {
			c, _ := cockpit(t)
			s, sh := screen(t, c, tc.theme)
			sh.Env().Lockout.SetMoving(tc.moving)
			test.Tap(buttonOf(t, s.Views, tc.view))
			if tc.view == media.ViewFolders {
				waitRows(t, s, "Demo music (built in)")
			}
			test.AssertImageMatches(t, name, capture(s, tc.size))
		})
	}
}

func buttonOf(t *testing.T, seg *widgets.Segmented, view string) *widgets.TouchButton {
	t.Helper()
	for i, v := range []string{media.ViewPlaying, media.ViewAlbums, media.ViewArtists, media.ViewTracks, media.ViewFolders, media.ViewPlaylists, media.ViewQueue} {
		if v == view {
			return seg.Buttons()[i]
		}
	}
	t.Fatalf("no view %s", view)
	return nil
}

func TestBrowseAndPlay(t *testing.T) {
	c, _ := cockpit(t)
	s, _ := screen(t, c, "day")
	test.Tap(buttonOf(t, s.Views, media.ViewArtists))
	waitRows(t, s, "Fascia Demo Band")
	s.List.Select(0)
	waitRows(t, s, "Night Roads")
	s.List.Select(1) // Night Roads
	waitRows(t, s, "2. Last Exit")
	s.List.Select(1)
	until(t, "the track to play", func() bool {
		st := c.Media.Player.State()
		return st.HasItem && st.Item.Title == "Last Exit" && st.Len == 2
	})
	if s.Views.Selected() != media.ViewPlaying {
		t.Errorf("view after play: %s", s.Views.Selected())
	}
	// Back out of a drill-down.
	test.Tap(buttonOf(t, s.Views, media.ViewAlbums))
	waitRows(t, s, "Demo Drive")
	s.List.Select(0)
	waitRows(t, s, "3. No Stopping")
	test.Tap(s.Back)
	waitRows(t, s, "Night Roads")
	// Search by word prefixes.
	test.Tap(buttonOf(t, s.Views, media.ViewTracks))
	waitRows(t, s, "City Lights")
	test.Type(s.Search, "dor cru")
	until(t, "one search result", func() bool { return len(s.Rows) == 1 && len(delivered) == 0 })
	if s.Rows[0].Text != "Dorian Cruise" {
		t.Errorf("search found %+v", s.Rows)
	}
	// The queue shows what plays.
	test.Tap(buttonOf(t, s.Views, media.ViewQueue))
	waitRows(t, s, "Last Exit")
	// Transport controls drive the player.
	test.Tap(buttonOf(t, s.Views, media.ViewPlaying))
	test.Tap(s.Shuffle)
	test.Tap(s.Repeat)
	if st := c.Media.Player.State(); !st.Shuffle || st.Repeat.String() != "all" {
		t.Errorf("shuffle/repeat: %+v", st)
	}
	test.Tap(s.Repeat)
	if s.Repeat.Icon.Name() != "media-repeat-one.svg" {
		t.Errorf("repeat one icon: %s", s.Repeat.Icon.Name())
	}
}

func TestLockoutKeepsQuickPicks(t *testing.T) {
	c, _ := cockpit(t)
	s, sh := screen(t, c, "day")
	test.Tap(buttonOf(t, s.Views, media.ViewAlbums))
	sh.Env().Lockout.SetMoving(true)
	if !s.Locked.Locked() || !s.SearchLk.Locked() {
		t.Fatal("long list or search not locked while moving")
	}
	if len(s.Picks.Objects) == 0 || !s.Picks.Visible() {
		t.Fatal("no quick picks")
	}
	pick := s.Picks.Objects[0].(*widgets.TouchButton)
	if pick.Disabled() {
		t.Fatal("quick pick locked while moving")
	}
	test.Tap(pick)
	until(t, "the quick pick to play", func() bool { return c.Media.Player.State().HasItem })
	if st := c.Media.Player.State(); st.Item.Album != pick.Text {
		t.Errorf("quick pick %q played %+v", pick.Text, st.Item)
	}
}

func TestTouchTargets(t *testing.T) {
	c, _ := cockpit(t)
	s, _ := screen(t, c, "day")
	capture(s, fyne.NewSize(800, 300))
	min := fascia.TouchTarget()
	for name, o := range map[string]fyne.CanvasObject{"shuffle": s.Shuffle, "prev": s.Prev, "play": s.PlayPause,
		"next": s.Next, "repeat": s.Repeat, "back": s.Back, "play all": s.PlayAll, "progress": s.Progress} {
		m := o.MinSize()
		if name == "progress" {
			// The slider is as wide as the screen allows, in a row a touch target tall.
			if h := o.Size().Height; h < min {
				t.Errorf("%s: height %v", name, h)
			}
			continue
		}
		if m.Width < min || m.Height < min {
			t.Errorf("%s: %v smaller than %v", name, m, min)
		}
	}
	for _, b := range s.Views.Buttons() {
		if m := b.MinSize(); m.Height < min || m.Width < min {
			t.Errorf("view %s: %v", b.Text, m)
		}
	}
	if s.PlayPause.Icon.Name() != ftheme.MediaPlayIcon().Name() {
		t.Errorf("idle play icon %s", s.PlayPause.Icon.Name())
	}
}
