// Package mapview owns the cockpit's Map screen: a full-bleed TileMap over
// the cockpit's map renderer, following the car's position and heading
// from the Store, with zoom, recentre and orientation controls and the
// day/night style of the cockpit's theme. It also builds the small map of
// the home screen. It adapts app/nav/render to the widget's TileProvider;
// it never renders or decodes a tile itself and does no I/O.
package mapview

import (
	"image"
	"math"
	"runtime"
	"sync"
	"time"
	"weak"

	"fyne.io/fyne/v2"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/nav"
	"github.com/fascia-hmi/fascia/app/nav/render"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/ui"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
	"github.com/fascia-hmi/fascia/widgets"
)

func init() {
	ui.Register(ui.Screen{Name: "map", Title: "Map", Icon: Icon, Order: 10, FullBleed: true, New: func(env *ui.Env) fyne.CanvasObject { return New(env).Content() }})
}

// Icon is the dock icon of the Map screen: a folded map with a pin.
var Icon = fyne.NewStaticResource("map.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="#000000">`+
	`<path d="M2 5.5 L8 3 L16 5.5 L22 3 V18.5 L16 21 L8 18.5 L2 21 Z M4 7 V18 L7 16.8 V5.8 Z M9 5.8 V16.8 L15 18.7 V7.7 Z M17 7.7 V18.7 L20 17.5 V6.5 Z"/>`+
	`</svg>`))

// Zoom levels the maps open at.
const (
	ScreenZoom = 16
	SmallZoom  = 15
	// NoGPS is the hint shown while the position is unknown or stale.
	NoGPS = "No GPS"
	// NoMap is the hint shown when the cockpit has no map at all.
	NoMap = "No map"
)

// Screen is the Map screen, exported for tests.
type Screen struct {
	Map *widgets.TileMap

	env *ui.Env
}

// New builds the Map screen and binds it to the Store.
func New(env *ui.Env) *Screen {
	s := &Screen{env: env, Map: newMap(env, ScreenZoom)}
	if c := env.Cockpit; c.Map != nil {
		guide(env, &c.Map.Guide, s.Map)
	}
	return s
}

// guide shows the destination and applies the zoom steps that the
// cockpit's guidance asks for (voice commands set them), on every tick.
func guide(env *ui.Env, g *nav.Guidance, m *widgets.TileMap) {
	var seen uint64
	env.Loop.Every(func(time.Time) {
		if p, ok, gen := g.Destination(); gen != seen {
			seen = gen
			if ok {
				m.ShowPin(p.Lat, p.Lon, p.Name)
			} else {
				m.ClearPin()
				m.Recentre()
			}
		}
		for z := g.TakeZoom(); z != 0; {
			if z > 0 {
				m.ZoomIn()
				z--
			} else {
				m.ZoomOut()
				z++
			}
		}
	})
}

// Content returns the screen's canvas object.
func (s *Screen) Content() fyne.CanvasObject { return s.Map }

// NewSmall returns the home screen's small map: it follows the car, takes
// no gestures and calls tapped (if not nil) when tapped.
func NewSmall(env *ui.Env, tapped func()) *widgets.TileMap {
	m := newMap(env, SmallZoom)
	m.Interactive, m.Controls, m.OnTapped = false, false, tapped
	// A small map at 12 Hz would redraw the window on most ticks while
	// driving; moving it in steps of a few dp is as readable.
	m.MinMove = 4
	return m
}

// newMap builds a TileMap over the cockpit's renderer, centred on the
// map's own centre until there is a position, and binds it.
func newMap(env *ui.Env, zoom float64) *widgets.TileMap {
	c := env.Cockpit
	lat, lon := 43.7384, 7.4246 // Monaco, the demo map's centre
	var r *render.Renderer
	if c.Map != nil && c.Map.Renderer != nil {
		r = c.Map.Renderer
		if mc := c.Map.Tiles().Meta().Center; mc[0] != 0 || mc[1] != 0 {
			lat, lon = mc[1], mc[0]
		}
	}
	m := widgets.NewTileMap(Provider{r}, lat, lon, zoom)
	if r != nil {
		listen(r, m)
	}
	bind(env, m, r != nil)
	return m
}

// bind follows the position and heading through the update loop, and the
// theme and distance units on each tick (both only redraw on a change).
func bind(env *ui.Env, m *widgets.TileMap, haveMap bool) {
	get := env.Store.Get
	heading := 0.0
	env.Loop.Bind(func() {
		lat, lon, hd := get(vss.CurrentLocationLatitude), get(vss.CurrentLocationLongitude), get(vss.CurrentLocationHeading)
		if hd.OK() && !math.IsNaN(hd.Num) {
			heading = hd.Num
		}
		if !validFix(lat, lon) {
			m.ClearVehicle()
			m.SetHint(hint(haveMap, NoGPS))
			return
		}
		m.SetVehicle(lat.Num, lon.Num, heading)
		m.SetHint(hint(haveMap, ""))
	}, vss.CurrentLocationLatitude, vss.CurrentLocationLongitude, vss.CurrentLocationHeading)
	env.Loop.Every(func(time.Time) {
		m.SetNight(Night())
		m.SetImperial(env.Units().Distance == "mi")
	})
}

func hint(haveMap bool, h string) string {
	if !haveMap {
		return NoMap
	}
	return h
}

// validFix reports whether lat, lon are a live position. A position that
// is stale, out of range or exactly 0,0 (what a receiver without a fix
// often sends) is not one.
func validFix(lat, lon vehicle.Reading) bool {
	if !lat.OK() || !lon.OK() {
		return false
	}
	la, lo := lat.Num, lon.Num
	return la >= -85 && la <= 85 && lo >= -180 && lo <= 180 && (la != 0 || lo != 0)
}

// Night reports whether the app's theme is the cockpit's night palette.
func Night() bool {
	a := fyne.CurrentApp()
	if a == nil {
		return false
	}
	th, ok := a.Settings().Theme().(*fascia.Theme)
	return ok && th.Variant() == fascia.Night
}

// Provider adapts the map renderer to the widget: tiles at the widget's
// pixel size, day or night. A nil renderer has no tiles.
type Provider struct{ R *render.Renderer }

// Tile implements widgets.TileProvider.
func (p Provider) Tile(id widgets.TileID) (image.Image, bool) {
	if p.R == nil {
		return nil, false
	}
	return p.R.Tile(render.Key{Z: id.Z, X: id.X, Y: id.Y, Size: id.Size, Night: id.Night, Turn: id.Turn})
}

// The renderer calls one function when a tile is ready; hubs fan it out to
// every map drawn from that renderer (the Map screen and the home map).
// They hold the renderer and the maps weakly, so a cockpit that is thrown
// away (tests build many) takes its maps with it.
var (
	hubsMu sync.Mutex
	hubs   = map[weak.Pointer[render.Renderer]]*hub{}
)

type hub struct {
	mu   sync.Mutex
	maps []weak.Pointer[widgets.TileMap]
}

func listen(r *render.Renderer, m *widgets.TileMap) {
	key := weak.Make(r)
	hubsMu.Lock()
	h, ok := hubs[key]
	if !ok {
		h = &hub{}
		hubs[key] = h
		r.SetOnReady(h.ready)
		runtime.AddCleanup(r, func(k weak.Pointer[render.Renderer]) {
			hubsMu.Lock()
			delete(hubs, k)
			hubsMu.Unlock()
		}, key)
	}
	hubsMu.Unlock()
	h.mu.Lock()
	h.maps = append(h.maps, weak.Make(m))
	h.mu.Unlock()
}

// ready runs on a render worker: TileReady only schedules a redraw.
func (h *hub) ready(render.Key) {
	h.mu.Lock()
	live := h.maps[:0]
	for _, w := range h.maps {
		if m := w.Value(); m != nil {
			m.TileReady()
			live = append(live, w)
		}
	}
	h.maps = live
	h.mu.Unlock()
}

// Settle waits until the cockpit's map renderer has no tile queued or in
// progress, or timeout passes, and reports whether it settled. Headless
// renders (golden tests, screenshots) capture, settle, and capture again
// to show rendered tiles instead of the placeholder.
func Settle(c *app.Cockpit, timeout time.Duration) bool {
	if c == nil || c.Map == nil || c.Map.Renderer == nil {
		return true
	}
	deadline := time.Now().Add(timeout)
	for {
		if c.Map.Renderer.Stats().Pending == 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}
