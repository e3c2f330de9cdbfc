package market_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	ftheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	appmarket "github.com/fascia-hmi/fascia/app/market"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/market/demo"
	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/ui/market"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
	"github.com/fascia-hmi/fascia/ui/uithread"
	"github.com/fascia-hmi/fascia/widgets"
)

const regionPack = "../../../shared/data/tiles/monaco.pmtiles"

var t0 = time.Date(2024, 6, 20, 14, 5, 0, 0, time.UTC)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// cockpit is the demo cockpit parked (or moving) in Monaco with a store
// client whose catalog is loaded, so the screen renders without waiting.
func cockpit(t *testing.T, moving bool, url, dataDir string) *app.Cockpit {
	t.Helper()
	if _, err := os.Stat(regionPack); err != nil {
		t.Skip("shared map data absent")
	}
	cfg := config.Defaults()
	cfg.Path = t.TempDir() + "/config.toml"
	c, err := app.New(&cfg, app.Options{Clock: func() time.Time { return t0 }, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	c.Version = "0.1.0-test"
	s := c.Store
	s.Set(vss.Speed, vehicle.Value{Num: map[bool]float64{true: 42, false: 0}[moving]}, t0)
	s.Set(vss.IsMoving, vehicle.BoolValue(moving), t0)
	s.Set(vss.CurrentLocationLatitude, vehicle.Value{Num: 43.7384}, t0)
	s.Set(vss.CurrentLocationLongitude, vehicle.Value{Num: 7.4246}, t0)
	s.Set(vss.OccupantRow1DriverSideIdentifierSubject, vehicle.Value{Str: "Alex"}, t0)
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	c.Market.Close()
	c.Market = appmarket.New(appmarket.Options{URL: url, DataDir: dataDir, RegionPack: regionPack, Log: quiet, Now: func() time.Time { return t0 }, Backoff: 10 * time.Millisecond})
	t.Cleanup(c.Market.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = c.Market.RefreshCatalog(ctx)
	if url == "" && err != nil {
		t.Fatal(err)
	}
	c.Market.Load()
	return c
}

func show(t *testing.T, c *app.Cockpit, th string, size fyne.Size) (*ui.Shell, func() image.Image) {
	t.Helper()
	a := test.NewTempApp(t)
	// The test's goroutine is the UI goroutine: the screen's store calls
	// finish on their own goroutines, and their fyne.Do calls wait for
	// tap, wait and capture (Fyne's test app would run them at once,
	// racing the test's reads and each other).
	serial = uithread.Install(a)
	var sh *ui.Shell
	cv := software.NewCanvas()
	serial.Step(func() {
		sh = ui.New(c, ui.Options{Theme: th, SetTheme: a.Settings().SetTheme})
		if err := sh.Show("market"); err != nil {
			t.Fatal(err)
		}
		cv.SetPadded(false)
		cv.SetContent(sh.Content())
		cv.Resize(size)
		sh.Loop().Step()
	})
	return sh, func() (img image.Image) {
		serial.Step(func() { sh.Loop().Step(); cv.Resize(size); sh.Content().Refresh(); img = cv.Capture() })
		return img
	}
}

// serial is the UI goroutine of the screen show made last.
var serial *uithread.Serial

func find(o fyne.CanvasObject, prefix string) *widgets.TouchButton {
	switch v := o.(type) {
	case *widgets.TouchButton:
		if strings.HasPrefix(v.Text, prefix) && v.Visible() {
			return v
		}
	case *fyne.Container:
		if !v.Visible() {
			return nil
		}
		for _, c := range v.Objects {
			if b := find(c, prefix); b != nil {
				return b
			}
		}
	case fyne.Widget:
		if !v.Visible() {
			return nil
		}
		for _, c := range test.WidgetRenderer(v).Objects() {
			if b := find(c, prefix); b != nil {
				return b
			}
		}
	}
	return nil
}

func tap(t *testing.T, root fyne.CanvasObject, prefix string) {
	t.Helper()
	serial.Step(func() {
		b := find(root, prefix)
		if b == nil {
			t.Fatalf("no button %q", prefix)
		}
		test.Tap(b)
	})
}

func labels(o fyne.CanvasObject, out *[]string) {
	switch v := o.(type) {
	case *widget.Label:
		*out = append(*out, v.Text)
	case *fyne.Container:
		for _, c := range v.Objects {
			labels(c, out)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			labels(c, out)
		}
	}
}

func hasLabel(root fyne.CanvasObject, sub string) bool {
	var ls []string
	labels(root, &ls)
	for _, l := range ls {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

func TestGoldenBrowse(t *testing.T) {
	for _, th := range []string{"day", "night"} {
		for _, size := range []fyne.Size{{Width: 1280, Height: 720}, {Width: 800, Height: 480}} {
			name := "market_browse_" + th + "_" + sizeName(size) + ".png"
			t.Run(name, func(t *testing.T) {
				c := cockpit(t, false, "", "")
				sh, capture := show(t, c, th, size)
				tap(t, sh.Content(), "Weather Radar")
				test.AssertImageMatches(t, name, capture())
			})
		}
	}
}

func sizeName(s fyne.Size) string { return fmt.Sprintf("%dx%d", int(s.Width), int(s.Height)) }

// TestGoldenFlows shows the PIN pad, the lockout while moving, parking,
// and the offline state.
func TestGoldenFlows(t *testing.T) {
	t.Run("pin", func(t *testing.T) {
		c := cockpit(t, false, "", "")
		sh, capture := show(t, c, "day", fyne.NewSize(1280, 720))
		tap(t, sh.Content(), "Weather Radar")
		tap(t, sh.Content(), "Buy")
		tap(t, sh.Content(), "Continue")
		tap(t, sh.Content(), "1")
		tap(t, sh.Content(), "2")
		test.AssertImageMatches(t, "market_pin_day_1280x720.png", capture())
	})
	t.Run("locked", func(t *testing.T) {
		c := cockpit(t, true, "", "")
		sh, capture := show(t, c, "night", fyne.NewSize(800, 480))
		tap(t, sh.Content(), "Weather Radar")
		img := capture()
		b := find(sh.Content(), "Buy")
		if b == nil || !b.Disabled() {
			t.Fatalf("Buy not locked while moving: %v", b)
		}
		test.AssertImageMatches(t, "market_locked_night_800x480.png", img)
	})
	t.Run("parking", func(t *testing.T) {
		c := cockpit(t, false, "", "")
		sh, capture := show(t, c, "day", fyne.NewSize(1280, 720))
		tap(t, sh.Content(), "Parking")
		tap(t, sh.Content(), "Parking de la Condamine")
		test.AssertImageMatches(t, "market_parking_day_1280x720.png", capture())
	})
	t.Run("offline", func(t *testing.T) {
		dir := t.TempDir()
		on := cockpit(t, false, "", dir)
		on.Market.Close()
		c := cockpit(t, false, "http://127.0.0.1:1", dir)
		if st, _ := c.Market.State(); st != appmarket.Offline {
			t.Fatalf("state %v", st)
		}
		sh, capture := show(t, c, "day", fyne.NewSize(800, 480))
		if !hasLabel(sh.Content(), "Offline") {
			t.Fatal("no offline state shown")
		}
		test.AssertImageMatches(t, "market_offline_day_800x480.png", capture())
	})
}

// TestBuyThroughScreen buys the weather app with taps: confirmation, PIN
// pad, receipt; then the product shows as owned.
func TestBuyThroughScreen(t *testing.T) {
	c := cockpit(t, false, "", "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Market.SetPIN(ctx, "alex", "1234", ""); err != nil {
		t.Fatal(err)
	}
	sh, _ := show(t, c, "day", fyne.NewSize(1280, 720))
	root := sh.Content()
	tap(t, root, "Weather Radar")
	tap(t, root, "Buy")
	tap(t, root, "Continue")
	for _, k := range []string{"1", "2", "3", "4"} {
		tap(t, root, k)
	}
	scr := screen(t, root)
	n := scr.Settled()
	tap(t, root, "OK")
	wait(t, func() bool { return scr.Settled() > n })
	if !hasLabel(root, "Receipt") {
		var ls []string
		labels(root, &ls)
		t.Fatalf("no receipt; labels %q", ls)
	}
	if !c.Market.Entitled("app.weather-radar") {
		t.Fatal("not entitled after buying through the screen")
	}
	tap(t, root, "Done")
	if !hasLabel(root, "Owned") {
		t.Fatal("product not shown as owned")
	}
}

// TestGoldenThemePack buys, installs and switches to the Aurora theme pack
// through the screen: the cockpit's colours change.
func TestGoldenThemePack(t *testing.T) {
	c := cockpit(t, false, "", "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Market.SetPIN(ctx, "alex", "1234", ""); err != nil {
		t.Fatal(err)
	}
	if p, err := c.Market.Buy(ctx, appmarket.NewIntent("content.theme-aurora", "alex", "1234", nil)); err != nil || p.Status != appmarket.Succeeded {
		t.Fatalf("buy: %+v %v", p, err)
	}
	defer fascia.SetPack(nil, nil)
	sh, capture := show(t, c, "night", fyne.NewSize(1280, 720))
	root := sh.Content()
	tap(t, root, "Themes")
	tap(t, root, "Theme: Aurora")
	scr := screen(t, root)
	n := scr.Settled()
	tap(t, root, "Download and install")
	wait(t, func() bool { return scr.Settled() > n })
	n = scr.Settled()
	tap(t, root, "Use this theme")
	wait(t, func() bool { return scr.Settled() > n })
	if find(root, "Use the standard theme") == nil {
		t.Fatal("the pack is not shown as in use")
	}
	if got := sh.Theme().Color(ftheme.ColorNamePrimary, 0); got != (color.NRGBA{0x2e, 0xc4, 0xb6, 0xff}) {
		t.Fatalf("night primary is %v, not the pack's", got)
	}
	test.AssertImageMatches(t, "market_theme_aurora_night_1280x720.png", capture())
}

func wait(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var done bool
		serial.Step(func() { done = ok() })
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// screen finds the Marketplace screen in the shell.
func screen(t *testing.T, o fyne.CanvasObject) *market.Screen {
	t.Helper()
	var walk func(o fyne.CanvasObject) *market.Screen
	walk = func(o fyne.CanvasObject) *market.Screen {
		switch v := o.(type) {
		case *market.Screen:
			return v
		case *fyne.Container:
			for _, c := range v.Objects {
				if s := walk(c); s != nil {
					return s
				}
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				if s := walk(c); s != nil {
					return s
				}
			}
		}
		return nil
	}
	s := walk(o)
	if s == nil {
		t.Fatal("no Marketplace screen")
	}
	return s
}

// TestPurchasesTab shows subscription status with its renewal date and
// the purchase history with receipts.
func TestPurchasesTab(t *testing.T) {
	c := cockpit(t, false, "", "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Market.SetPIN(ctx, "alex", "1234", ""); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"sub.live-traffic-monthly", "app.weather-radar"} {
		if p, err := c.Market.Buy(ctx, appmarket.NewIntent(id, "alex", "1234", nil)); err != nil || p.Status != appmarket.Succeeded {
			t.Fatalf("buy %s: %+v %v", id, p, err)
		}
	}
	sh, _ := show(t, c, "day", fyne.NewSize(1280, 720))
	root := sh.Content()
	tap(t, root, "My purchases")
	// Several loads settle (catalog refresh, purchases), in an order that
	// depends on the machine's load: wait for the list of purchases.
	wait(t, func() bool { return hasLabel(root, "Live Traffic (monthly) — renews") })
	for _, want := range []string{"Live Traffic (monthly) — renews", "€3.99 monthly", "receipt ", "Weather Radar — valid until"} {
		if !hasLabel(root, want) {
			var ls []string
			labels(root, &ls)
			t.Fatalf("no %q in %q", want, ls)
		}
	}
}

// TestMapRegionInstall installs the Monaco region pack through the screen:
// the cockpit's map stacks it at once, without a restart.
func TestMapRegionInstall(t *testing.T) {
	c := cockpit(t, false, "", "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Market.SetPIN(ctx, "alex", "1234", ""); err != nil {
		t.Fatal(err)
	}
	if p, err := c.Market.Buy(ctx, appmarket.NewIntent(demo.MapMonaco, "alex", "1234", nil)); err != nil || p.Status != appmarket.Succeeded {
		t.Fatalf("buy: %+v %v", p, err)
	}
	if strings.Contains(c.Map.Name, "region") {
		t.Fatalf("map %q has a region before the install", c.Map.Name)
	}
	sh, _ := show(t, c, "day", fyne.NewSize(1280, 720))
	root := sh.Content()
	tap(t, root, "Map region: Monaco")
	scr := screen(t, root)
	n := scr.Settled()
	tap(t, root, "Download and install")
	wait(t, func() bool { return scr.Settled() > n })
	if hasLabel(root, "Not installed") {
		var ls []string
		labels(root, &ls)
		t.Fatalf("install failed: %q", ls)
	}
	if c.Map.Name != "demo + 1 region(s)" {
		t.Errorf("map %q after the install, want the region stacked", c.Map.Name)
	}
}
