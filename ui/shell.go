package ui

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
	"github.com/fascia-hmi/fascia/widgets"
)

// Options adjust a Shell.
type Options struct {
	// Rate is the update loop's rate in ticks per second (DefaultRate when
	// 0, at most MaxRate).
	Rate int
	// Theme forces "day" or "night" (or "auto"); empty follows the
	// configuration.
	Theme string
	// SetTheme applies a theme to the running app; nil uses the current
	// app's settings.
	SetTheme func(fyne.Theme)
}

// themeCheck is how often the auto theme looks at the sun again.
const themeCheck = 10 * time.Second

// Shell is the cockpit's frame: status bar on top, the current screen with
// the toast area over it, and the dock at the bottom.
type Shell struct {
	env  *Env
	opt  Options
	root *fyne.Container

	status  *StatusBar
	toasts  *toastArea
	content *fyne.Container
	dock    *fyne.Container
	buttons map[string]*widgets.TouchButton
	screens map[string]fyne.CanvasObject
	specs   map[string]Screen
	current string

	th        *fascia.Theme
	lastCheck time.Time

	saveMu   sync.Mutex
	saveNext *config.Config
	saving   sync.WaitGroup
	saveRun  bool
}

// New builds the shell over the cockpit's services, without starting the
// update loop. Call it on the UI goroutine (or headless, before rendering).
func New(c *app.Cockpit, opt Options) *Shell {
	s := &Shell{opt: opt, buttons: map[string]*widgets.TouchButton{}, screens: map[string]fyne.CanvasObject{}, specs: map[string]Screen{}}
	s.env = &Env{Cockpit: c, Store: c.Store, Loop: NewLoop(c.Store, opt.Rate), Lockout: NewLockout(), shell: s}
	s.applyTheme(c.Store.Now(), true)

	s.status = newStatusBar()
	s.toasts = newToastArea(s)
	s.content = container.NewStack()

	var dockButtons []fyne.CanvasObject
	for _, sc := range Screens() {
		sc := sc
		s.specs[sc.Name] = sc
		b := widgets.NewTouchButton(sc.Title, sc.Icon, func() { _ = s.Show(sc.Name) })
		b.Stacked = true
		s.buttons[sc.Name] = b
		dockButtons = append(dockButtons, b)
	}
	dock := NewPanel(&fyne.Container{Layout: dockLayout{}, Objects: dockButtons})
	dock.Square, dock.Tight = true, true
	s.dock = container.NewStack(dock)

	statusPanel := s.status
	s.root = container.NewBorder(statusPanel, withStrips(s.env, container.NewStack(s.dock, s.toasts.band)), nil, nil, s.content)

	loop, store := s.env.Loop, c.Store
	loop.Bind(func() { s.env.Lockout.Follow(store.Get(vss.IsMoving)) }, vss.IsMoving)
	loop.Bind(func() { s.updateStatus(store.Now()) }, vss.ExteriorAirTemperature, vss.OccupantRow1DriverSideIdentifierSubject)
	loop.Every(func(now time.Time) {
		s.toasts.poll()
		s.updateStatus(now)
		s.applyTheme(now, false)
	})
	if names := ScreenNames(); len(names) > 0 {
		_ = s.Show(names[0])
	}
	return s
}

// Env returns what screens get to build themselves.
func (s *Shell) Env() *Env { return s.env }

// Loop returns the shell's update loop.
func (s *Shell) Loop() *Loop { return s.env.Loop }

// Content returns the shell's canvas object, to put in a window.
func (s *Shell) Content() fyne.CanvasObject { return s.root }

// StatusBar returns the status bar.
func (s *Shell) StatusBar() *StatusBar { return s.status }

// Toasts returns the toasts shown now.
func (s *Shell) Toasts() []*Toast { return append([]*Toast(nil), s.toasts.shown...) }

// DockButton returns the dock target of a screen.
func (s *Shell) DockButton(name string) *widgets.TouchButton { return s.buttons[name] }

// Theme returns the theme in use.
func (s *Shell) Theme() *fascia.Theme { return s.th }

// Current returns the name of the screen shown.
func (s *Shell) Current() string { return s.current }

// Show switches to the named screen, building it the first time.
func (s *Shell) Show(name string) error {
	spec, ok := s.specs[name]
	if !ok {
		return fmt.Errorf("no screen %q (have %s)", name, strings.Join(ScreenNames(), ", "))
	}
	obj, built := s.screens[name]
	if !built {
		obj = spec.New(s.env)
		if !spec.FullBleed {
			obj = container.NewPadded(obj)
		}
		s.screens[name] = obj
	}
	s.current = name
	s.content.Objects = []fyne.CanvasObject{obj}
	s.content.Refresh()
	for n, b := range s.buttons {
		b.SetSelected(n == name)
	}
	return nil
}

// Switcher switches the shell's screens for callers off the UI goroutine
// (voice commands): Show runs on the UI goroutine and logs a name that is
// not a screen. It implements voice.Screens.
type Switcher struct{ Shell *Shell }

// Show switches to the named screen.
func (s Switcher) Show(name string) {
	fyne.Do(func() {
		if err := s.Shell.Show(name); err != nil {
			s.Shell.env.Cockpit.Log.Warn("voice: screen", "name", name, "err", err)
		}
	})
}

// Start runs the update loop.
func (s *Shell) Start() { s.env.Loop.Start() }

// Stop ends the update loop and waits for pending configuration saves.
func (s *Shell) Stop() {
	s.env.Loop.Stop()
	s.saving.Wait()
}

// WaitSaved waits until every configuration change has been written.
func (s *Shell) WaitSaved() { s.saving.Wait() }

// updateStatus refreshes the status bar from the store, the feed and the
// alerts; the bar redraws only when something it shows changed.
func (s *Shell) updateStatus(now time.Time) {
	c, store := s.env.Cockpit, s.env.Store
	i := StatusInfo{Clock: now.Format("15:04"), Outside: widgets.Unknown}
	if r := store.Get(vss.ExteriorAirTemperature); r.OK() {
		v, unit := Temperature(r.Num, c.Config.Units)
		i.Outside = Number(v, 0) + " " + unit
	}
	if r := store.Get(vss.OccupantRow1DriverSideIdentifierSubject); r.OK() {
		i.Driver = r.Str
	}
	i.Source, i.SourceState = c.Config.CAN, vehicle.NoData
	if c.Feed != nil {
		st := c.Feed.Status()
		i.Source, i.SourceState = st.Name, st.State
	}
	i.Alerts, i.Unacked, i.Worst = s.toasts.counts()
	s.status.set(i)
}

// themeMode returns "day", "night" or "auto".
func (s *Shell) themeMode() string {
	if s.opt.Theme != "" {
		return s.opt.Theme
	}
	return s.env.Cockpit.Config.Theme
}

// applyTheme chooses the palette (by the sun in auto mode, at most every
// themeCheck) and applies it when it or the scale changed.
func (s *Shell) applyTheme(now time.Time, force bool) {
	if !force && s.themeMode() == "auto" && now.Sub(s.lastCheck) < themeCheck && now.Sub(s.lastCheck) >= 0 {
		return
	}
	s.lastCheck = now
	prev := fascia.Day
	if s.th != nil {
		prev = s.th.Variant()
	}
	v := variant(s.env.Store, s.themeMode(), prev, now)
	scale := s.env.Cockpit.Config.Scale
	if !force && s.th != nil && s.th.Variant() == v && s.th.Scale() == scale {
		return
	}
	if s.opt.SetTheme != nil {
		s.th = fascia.New(v, scale)
		s.opt.SetTheme(s.th)
		return
	}
	// A new shell adopts the app's theme when it is the one it would apply
	// (see StartTheme): the shell may be built off the UI goroutine while
	// the window opens, and must not change the app's settings from there.
	settings := fyne.CurrentApp().Settings()
	if cur, ok := settings.Theme().(*fascia.Theme); ok && s.th == nil && cur.Variant() == v && cur.Scale() == scale {
		s.th = cur
		return
	}
	s.th = fascia.New(v, scale)
	settings.SetTheme(s.th)
}

// StartTheme returns the theme a shell over c starts with, for mode "day",
// "night" or "auto" (empty: the configuration's). A cockpit that applies it
// to its app before calling New can build the shell on another goroutine
// while the window opens: New then adopts that theme instead of setting it.
func StartTheme(c *app.Cockpit, mode string) *fascia.Theme {
	if mode == "" {
		mode = c.Config.Theme
	}
	return fascia.New(variant(c.Store, mode, fascia.Day, c.Store.Now()), c.Config.Scale)
}

// variant chooses the palette for mode: the named one, or in auto mode by
// the sun at the vehicle's position (by local time without one).
func variant(store *vehicle.Store, mode string, prev fascia.Variant, now time.Time) fascia.Variant {
	if v, ok := fascia.ParseVariant(mode); ok {
		return v
	}
	lat, lon := store.Get(vss.CurrentLocationLatitude), store.Get(vss.CurrentLocationLongitude)
	return fascia.Auto(prev, now, lat.Num, lon.Num, lat.OK() && lon.OK())
}

// configChanged re-applies the configuration after a screen changed it.
func (s *Shell) configChanged() {
	s.applyTheme(s.env.Store.Now(), true)
	s.env.Loop.Invalidate()
	s.updateStatus(s.env.Store.Now())
	s.save()
}

// save writes a copy of the configuration on a goroutine (no file I/O on
// the UI goroutine); saves happen in order and the last one wins.
func (s *Shell) save() {
	cfg := *s.env.Cockpit.Config
	s.saveMu.Lock()
	s.saveNext = &cfg
	start := !s.saveRun
	if start {
		s.saveRun = true
		s.saving.Add(1)
	}
	s.saveMu.Unlock()
	if start {
		go s.saver()
	}
}

func (s *Shell) saver() {
	defer s.saving.Done()
	for {
		s.saveMu.Lock()
		cfg := s.saveNext
		s.saveNext = nil
		if cfg == nil {
			s.saveRun = false
			s.saveMu.Unlock()
			return
		}
		s.saveMu.Unlock()
		if err := cfg.Save(); err != nil {
			msg := err.Error()
			fyne.Do(func() { s.toasts.notify(Warning, "Settings not saved", msg) })
		}
	}
}

// dockLayout centres the dock targets, each as wide as a share of the
// width allows but no wider than three touch targets.
type dockLayout struct{}

func (dockLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	pad := theme.Padding()
	return fyne.NewSize(float32(len(objs))*(m.Width+pad), m.Height)
}

func (dockLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	if len(objs) == 0 {
		return
	}
	pad := theme.Padding()
	n := float32(len(objs))
	w := fyne.Min((s.Width-pad*(n-1))/n, 3*fascia.TouchTarget())
	x := (s.Width - (w*n + pad*(n-1))) / 2
	for _, o := range objs {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, s.Height))
		x += w + pad
	}
}
