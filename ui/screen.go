package ui

import (
	"fmt"
	"sort"
	"sync"

	"fyne.io/fyne/v2"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/vehicle"
)

// Screen describes one screen of the cockpit: a target in the dock and the
// content shown when it is chosen.
type Screen struct {
	Name  string        // the --screen name, e.g. "home"
	Title string        // the dock label
	Icon  fyne.Resource // the dock icon: a single-colour SVG
	Order int           // dock position, lowest first
	// FullBleed screens fill the whole area between the status bar and the
	// dock (the map); others are inset by the theme's padding.
	FullBleed bool
	// New builds the screen's content. It runs once per shell, on the UI
	// goroutine; the screen follows signals through env.Loop.
	New func(env *Env) fyne.CanvasObject
}

var (
	registryMu sync.Mutex
	registry   = map[string]Screen{}
)

// Register adds a screen to the dock. Screen packages call it from init, so
// adding a screen to the cockpit is one import of its package. Registering
// a name twice, or a screen without a name or constructor, panics: it is a
// programming error found at start-up.
func Register(s Screen) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if s.Name == "" || s.New == nil {
		panic("ui: Register of a screen without a name or New")
	}
	if _, dup := registry[s.Name]; dup {
		panic(fmt.Sprintf("ui: screen %q registered twice", s.Name))
	}
	registry[s.Name] = s
}

// Screens returns the registered screens in dock order.
func Screens() []Screen {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]Screen, 0, len(registry))
	for _, s := range registry {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// ScreenNames returns the names of the registered screens in dock order.
func ScreenNames() []string {
	var names []string
	for _, s := range Screens() {
		names = append(names, s.Name)
	}
	return names
}

// Env is what a screen gets to build itself: the cockpit's services, the
// update loop to follow signals, and the driving lockout.
type Env struct {
	Cockpit *app.Cockpit
	Store   *vehicle.Store
	Loop    *Loop
	Lockout *Lockout

	shell *Shell
}

// Config returns the cockpit's configuration. Screens read it on the UI
// goroutine and change it only through ConfigChanged.
func (e *Env) Config() *config.Config { return e.Cockpit.Config }

// Units returns the display units the driver chose.
func (e *Env) Units() config.Units { return e.Cockpit.Config.Units }

// ConfigChanged applies a change a screen made to the configuration: the
// theme and scale are re-applied, every value is redrawn in the new units,
// and the configuration is saved in the background. It must be called on
// the UI goroutine.
func (e *Env) ConfigChanged() { e.shell.configChanged() }

// Show switches the shell to the named screen, as the dock does.
func (e *Env) Show(name string) error { return e.shell.Show(name) }

// Notify shows a message in the toast area until acknowledged, for errors
// of the UI's own (a setting that could not be saved).
func (e *Env) Notify(sev Severity, title, detail string) { e.shell.toasts.notify(sev, title, detail) }
