package mapview_test

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/nav"
	"github.com/fascia-hmi/fascia/app/nav/render"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/ui/home"
	"github.com/fascia-hmi/fascia/ui/mapview"
	"github.com/fascia-hmi/fascia/widgets"
)

var t0 = time.Date(2024, 6, 20, 14, 5, 20, 0, time.UTC)

// Boulevard Albert 1er along Port Hercule, Monaco, heading north-east.
const carLat, carLon, carHeading = 43.73533, 7.42245, 62.0

// cockpit returns the real cockpit (demo profile, embedded demo map) with
// a fixed clock, the car at the harbour, moving.
func cockpit(t testing.TB) *app.Cockpit {
	t.Helper()
	cfg := config.Defaults()
	cfg.Path = t.TempDir() + "/config.toml"
	c, err := app.New(&cfg, app.Options{Clock: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if c.Map == nil || c.Map.Renderer == nil {
		t.Fatalf("the cockpit has no map: %v", c.Map.Err)
	}
	num := func(id vss.ID, v float64) { c.Store.Set(id, vehicle.Value{Num: v}, t0) }
	num(vss.Speed, 42)
	num(vss.CurrentLocationLatitude, carLat)
	num(vss.CurrentLocationLongitude, carLon)
	num(vss.CurrentLocationHeading, carHeading)
	return c
}

// shell builds the shell on screen at size on a software canvas.
func shell(t *testing.T, c *app.Cockpit, screen, theme string, size fyne.Size) (*ui.Shell, test.WindowlessCanvas) {
	t.Helper()
	a := test.NewTempApp(t)
	sh := ui.New(c, ui.Options{Theme: theme, SetTheme: a.Settings().SetTheme})
	if err := sh.Show(screen); err != nil {
		t.Fatal(err)
	}
	cv := software.NewCanvas()
	cv.SetPadded(false)
	cv.SetContent(sh.Content())
	cv.Resize(size)
	sh.Loop().Step()
	return sh, cv
}

// settled captures until the map renderer has nothing pending and two
// captures agree: the first capture asks for the tiles, the workers render
// them, the next captures show them.
func settled(t *testing.T, c *app.Cockpit, cv test.WindowlessCanvas) image.Image {
	t.Helper()
	img := cv.Capture()
	for i := 0; i < 20; i++ {
		if !mapview.Settle(c, 30*time.Second) {
			t.Fatal("the map renderer did not settle in 30 s")
		}
		next := cv.Capture()
		if c.Map.Renderer.Stats().Pending == 0 && samePixels(img, next) {
			return next
		}
		img = next
	}
	t.Fatal("the map kept changing after 20 captures")
	return nil
}

func samePixels(a, b image.Image) bool {
	ra, ok1 := a.(*image.NRGBA)
	rb, ok2 := b.(*image.NRGBA)
	if !ok1 || !ok2 {
		return false
	}
	return ra.Rect == rb.Rect && bytes.Equal(ra.Pix, rb.Pix)
}

// TestGoldenMap renders the Map screen and the home screen with its small
// map over the embedded demo map of Monaco, day and night, at both
// display sizes, after the tiles were rendered.
func TestGoldenMap(t *testing.T) {
	if testing.Short() {
		t.Skip("renders real tiles")
	}
	for _, screen := range []string{"map", "home"} {
		for _, th := range []string{"day", "night"} {
			for _, size := range []fyne.Size{{Width: 1280, Height: 720}, {Width: 800, Height: 480}} {
				name := fmt.Sprintf("%s_%s_%dx%d.png", screen, th, int(size.Width), int(size.Height))
				t.Run(name, func(t *testing.T) {
					c := cockpit(t)
					_, cv := shell(t, c, screen, th, size)
					test.AssertImageMatches(t, name, settled(t, c, cv))
				})
			}
		}
	}
}

// TestGoldenHeadingUp: the Map screen heading-up with the car driving
// south-south-west: the map is turned, its labels and icons still read
// upright (tiles drawn for a turn of 180°).
func TestGoldenHeadingUp(t *testing.T) {
	if testing.Short() {
		t.Skip("renders real tiles")
	}
	c := cockpit(t)
	c.Store.Set(vss.CurrentLocationHeading, vehicle.Value{Num: 200}, t0)
	sh, cv := shell(t, c, "map", "day", fyne.NewSize(800, 480))
	tm := findTileMap(cv.Content())
	if tm == nil {
		t.Fatal("no map on the Map screen")
	}
	tm.SetHeadingUp(true)
	sh.Loop().Step()
	test.AssertImageMatches(t, "map_headingup_day_800x480.png", settled(t, c, cv))
}

// findTileMap finds the map in a tree of containers and widgets.
func findTileMap(o fyne.CanvasObject) *widgets.TileMap {
	var m *widgets.TileMap
	ui.Walk(o, func(o fyne.CanvasObject, _ fyne.Position) bool {
		if t, ok := o.(*widgets.TileMap); ok && m == nil {
			m = t
		}
		return m == nil
	})
	return m
}

// TestTurnSteps: the widget and the renderer count label orientations in
// the same eighths of a turn (Provider passes TileID.Turn through).
func TestTurnSteps(t *testing.T) {
	if render.TurnSteps != widgets.TurnSteps {
		t.Fatalf("render.TurnSteps %d, widgets.TurnSteps %d", render.TurnSteps, widgets.TurnSteps)
	}
}

// mapScreen builds the Map screen of a day shell at 800×480 over the
// test cockpit and runs the update loop once.
func mapScreen(t *testing.T) (*app.Cockpit, *ui.Shell, *widgets.TileMap) {
	t.Helper()
	c := cockpit(t)
	a := test.NewTempApp(t)
	sh := ui.New(c, ui.Options{Theme: "day", SetTheme: a.Settings().SetTheme})
	s := mapview.New(sh.Env())
	w := test.NewWindow(s.Content())
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(800, 480))
	sh.Loop().Step()
	return c, sh, s.Map
}

// TestFollowsPosition moves the car: the map follows, the marker points
// the car's way; a stale position keeps the map where it was, hides the
// marker and says so.
func TestFollowsPosition(t *testing.T) {
	c, sh, m := mapScreen(t)
	lat, lon, hd, ok := m.Vehicle()
	if !ok || math.Abs(lat-carLat) > 1e-9 || math.Abs(lon-carLon) > 1e-9 || hd != carHeading {
		t.Fatalf("marker at %v, %v heading %v (shown %v)", lat, lon, hd, ok)
	}
	if la, lo := m.Center(); math.Abs(la-carLat) > 1e-9 || math.Abs(lo-carLon) > 1e-9 || !m.Following() {
		t.Fatalf("map centred on %v, %v, following %v", la, lo, m.Following())
	}
	if m.Hint() != "" {
		t.Errorf("hint %q with a live position", m.Hint())
	}
	c.Store.Set(vss.CurrentLocationLatitude, vehicle.Value{Num: carLat + 0.001}, t0)
	sh.Loop().Step()
	if la, _ := m.Center(); math.Abs(la-(carLat+0.001)) > 1e-9 {
		t.Errorf("the map did not follow the car: centre latitude %v", la)
	}
	// The heading goes stale: the marker keeps the last heading.
	c.Store.Set(vss.CurrentLocationHeading, vehicle.Value{Num: 10}, t0.Add(-time.Minute))
	sh.Loop().Step()
	if _, _, hd, _ := m.Vehicle(); hd != carHeading {
		t.Errorf("stale heading: marker heading %v, want the last live %v", hd, carHeading)
	}
	// The position goes stale: no marker, the map stays, "No GPS".
	c.Store.Set(vss.CurrentLocationLatitude, vehicle.Value{Num: 10}, t0.Add(-time.Minute))
	sh.Loop().Step()
	if _, _, _, ok := m.Vehicle(); ok {
		t.Error("marker shown for a stale position")
	}
	if m.Hint() != mapview.NoGPS {
		t.Errorf("hint %q, want %q", m.Hint(), mapview.NoGPS)
	}
	if la, _ := m.Center(); math.Abs(la-(carLat+0.001)) > 1e-9 {
		t.Errorf("the map moved when the position went stale: %v", la)
	}
	// 0,0 is what a receiver without a fix sends: not a position.
	c.Store.Set(vss.CurrentLocationLatitude, vehicle.Value{Num: 0}, t0)
	c.Store.Set(vss.CurrentLocationLongitude, vehicle.Value{Num: 0}, t0)
	sh.Loop().Step()
	if _, _, _, ok := m.Vehicle(); ok || m.Hint() != mapview.NoGPS {
		t.Error("0,0 was taken for a position")
	}
}

// TestGuidance: a destination set in the cockpit's guidance (by a voice
// command) shows as a pin the map centres on; zoom steps apply; clearing
// it brings the car back.
func TestGuidance(t *testing.T) {
	c, sh, m := mapScreen(t)
	c.Map.Guide.SetDestination(nav.Place{Name: "Rue Grimaldi", Lat: 43.7367, Lon: 7.4212})
	c.Map.Guide.Zoom(1)
	z := m.Zoom()
	sh.Loop().Step()
	if lat, lon, label, ok := m.Pin(); !ok || label != "Rue Grimaldi" || math.Abs(lat-43.7367) > 1e-9 || math.Abs(lon-7.4212) > 1e-9 {
		t.Fatalf("pin %v,%v %q %v", lat, lon, label, ok)
	}
	if la, lo := m.Center(); math.Abs(la-43.7367) > 1e-9 || math.Abs(lo-7.4212) > 1e-9 || m.Following() {
		t.Errorf("centre %v,%v following %v: want the destination", la, lo, m.Following())
	}
	if m.Zoom() != z+1 {
		t.Errorf("zoom %v, want %v", m.Zoom(), z+1)
	}
	c.Map.Guide.Clear()
	sh.Loop().Step()
	if _, _, _, ok := m.Pin(); ok || !m.Following() {
		t.Errorf("after Clear: pin shown %v, following %v", ok, m.Following())
	}
}

// TestNightAndUnits: the map takes the night style with the night theme
// and miles with imperial distance units.
func TestNightAndUnits(t *testing.T) {
	c := cockpit(t)
	c.Config.Units.Distance = "mi"
	_, cv := shell(t, c, "map", "night", fyne.NewSize(800, 480))
	if !mapview.Night() {
		t.Fatal("the night theme is not seen as night")
	}
	img := settled(t, c, cv)
	// The map's middle (a street scene) is dark at night.
	var sum float64
	b := img.Bounds()
	for y := b.Dy() / 3; y < 2*b.Dy()/3; y += 4 {
		for x := b.Dx() / 3; x < 2*b.Dx()/3; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			sum += float64(r+g+bl) / 3 / 65535
		}
	}
	n := float64((b.Dy()/3/4 + 1) * (b.Dx()/3/4 + 1))
	if mean := sum / n; mean > 0.35 {
		t.Errorf("night map mean brightness %.2f, want dark", mean)
	}
}

// TestSmallMapOnHome: the home screen's map follows the car and takes no
// gestures.
func TestSmallMapOnHome(t *testing.T) {
	c := cockpit(t)
	a := test.NewTempApp(t)
	sh := ui.New(c, ui.Options{Theme: "day", SetTheme: a.Settings().SetTheme})
	h := home.New(sh.Env())
	w := test.NewWindow(h.Content())
	defer w.Close()
	w.Resize(fyne.NewSize(1280, 620))
	sh.Loop().Step()
	if h.Map == nil || h.Map.Interactive || h.Map.Controls {
		t.Fatal("home has no small, non-interactive map")
	}
	if la, lo := h.Map.Center(); math.Abs(la-carLat) > 1e-9 || math.Abs(lo-carLon) > 1e-9 {
		t.Errorf("home map centred on %v, %v", la, lo)
	}
}
