package main

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/sim"
	"github.com/fascia-hmi/fascia/internal/atomicfile"
	"github.com/fascia-hmi/fascia/platform/can"
	"github.com/fascia-hmi/fascia/ui"
	uimedia "github.com/fascia-hmi/fascia/ui/media"
)

// cmdScreenshot renders one screen headlessly with the simulated car
// advanced to a given time.
func cmdScreenshot(args []string, out io.Writer) error {
	fs := newFlags("screenshot")
	screen := fs.String("screen", "home", "screen to render: "+fmt.Sprint(ui.ScreenNames()))
	dst := fs.String("out", "", "PNG file to write")
	size := fs.String("size", "1280x720", "WxH")
	theme := fs.String("theme", "day", "day or night")
	scenario := fs.String("scenario", "city", "simulator scenario (embedded name or .toml file)")
	at := fs.Duration("at", 20*time.Second, "simulated time to render at")
	seed := fs.Uint64("seed", 0, "simulator seed (0: the scenario's own)")
	profile := fs.String("profile", "", "vehicle profile (default: the demo car)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dst == "" {
		return exitCode{2, "screenshot: --out FILE.png is required"}
	}
	w, h, err := config.ParseSize(*size)
	if err != nil {
		return exitCode{2, "screenshot: " + err.Error()}
	}
	if *theme != "day" && *theme != "night" {
		return exitCode{2, fmt.Sprintf("screenshot: --theme %q is not day or night", *theme)}
	}
	c, s, err := simulatedCockpit(*profile, *scenario, *seed, *at)
	if err != nil {
		return err
	}
	defer c.Close()
	c.Config.Theme = *theme
	if *screen == "media" {
		dir, err := os.MkdirTemp("", "fascia-screenshot-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if err := c.StartHeadlessMedia(context.Background(), dir); err != nil {
			return err
		}
		if err := uimedia.Preload(c.Media.Library()); err != nil {
			return err
		}
	}
	img, err := ui.Render(c, *screen, fyne.NewSize(float32(w), float32(h)), *theme)
	if err != nil {
		return err
	}
	if err := writePNG(*dst, img); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %s at %s of %s (seed %d), %dx%d, %s theme\n", *dst, *screen, s.Now(), *scenario, *seed, w, h, *theme)
	return nil
}

// simulatedCockpit builds a cockpit whose clock is the simulator's and
// drives the simulated car to time at, decoding every frame through the
// cockpit's feed. Nothing runs in the background.
func simulatedCockpit(profile, scenario string, seed uint64, at time.Duration) (*app.Cockpit, *sim.Sim, error) {
	cfg := config.Defaults()
	cfg.Profile, cfg.CAN, cfg.Seed, cfg.Path = profile, "sim:"+scenario, seed, ""
	var s *sim.Sim
	clock := func() time.Time {
		if s == nil {
			return time.Unix(0, 0)
		}
		return s.Start().Add(s.Now())
	}
	c, err := app.New(&cfg, app.Options{Clock: clock, Log: newLogger("warn", "text", os.Stderr)})
	if err != nil {
		return nil, nil, err
	}
	s, err = app.NewSim(c.Profile, scenario, seed)
	if err != nil {
		return nil, nil, err
	}
	err = s.Step(at, func(f *can.Frame) error {
		c.Feed.Deliver(f)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	c.Alerts.Evaluate()
	return c, s, nil
}

// writePNG writes an image to a temporary file and renames it into place.
func writePNG(path string, img image.Image) error {
	return atomicfile.Write(path, 0o600, func(w io.Writer) error { return png.Encode(w, img) })
}
