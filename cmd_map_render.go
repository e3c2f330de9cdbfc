package main

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/nav/render"
	"github.com/fascia-hmi/fascia/app/nav/tiles"
	"github.com/paulmach/orb"
)

func init() { mapCommands["render"] = mapRender }

// mapRender renders one view of a tile file to a PNG, written atomically.
func mapRender(args []string, stdout, stderr io.Writer) error {
	const usage = "usage: fascia map render [--tiles FILE] --center LAT,LON --zoom Z [--bearing DEG] [--size WxH] [--theme day|night] [--scale S] --out FILE.png"
	fs := newFlags("map render")
	file := fs.String("tiles", "", "MBTiles or PMTiles file (default: the embedded demo map)")
	center := fs.String("center", "", "view centre, LAT,LON in decimal degrees")
	zoom := fs.Float64("zoom", math.NaN(), "zoom level, 0–18 (fractions allowed; past the tiles' maximum the geometry is scaled)")
	bearing := fs.Float64("bearing", 0, "map rotation: the compass direction pointing up, degrees")
	size := fs.String("size", "1280x720", "image size WxH in pixels")
	theme := fs.String("theme", "day", "day or night")
	scale := fs.Float64("scale", 1, "pixel density (1, 1.5, 2…): line widths and text grow, the area shown shrinks")
	out := fs.String("out", "", "PNG file to write")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *center == "" || math.IsNaN(*zoom) || *out == "" {
		return exitCode{2, "map render: --center, --zoom and --out are required\n" + usage}
	}
	lat, lon, err := config.ParsePoint(*center)
	if err != nil {
		return exitCode{2, "map render: --center " + err.Error()}
	}
	c := orb.Point{lon, lat}
	w, h, err := render.ParseSize(*size)
	if err != nil {
		return exitCode{2, "map render: " + err.Error()}
	}
	if *theme != "day" && *theme != "night" {
		return exitCode{2, fmt.Sprintf("map render: --theme %q: want day or night", *theme)}
	}
	if *scale < 0.5 || *scale > 4 || math.IsNaN(*scale) {
		return exitCode{2, fmt.Sprintf("map render: --scale %g: want 0.5 to 4", *scale)}
	}
	if *zoom < 0 || *zoom > render.MaxZoom {
		return exitCode{2, fmt.Sprintf("map render: --zoom %g: want 0 to %d", *zoom, render.MaxZoom)}
	}
	var src tiles.Source
	name := *file
	if name == "" {
		src, err = tiles.Demo()
		name = "embedded demo map"
	} else {
		src, err = tiles.Open(name)
	}
	if err != nil {
		return err
	}
	defer src.Close()
	r := render.New(src, render.Options{Log: newLogger("warn", "text", stderr)})
	defer r.Close()
	img, err := r.RenderView(context.Background(), render.View{
		Center: c, Zoom: *zoom, Bearing: *bearing, W: w, H: h, Scale: float32(*scale), Night: *theme == "night",
	})
	if err != nil {
		return err
	}
	// writePNG (cmd_screenshot.go) writes a temporary file beside *out and
	// renames it into place
	if err := writePNG(*out, img); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %dx%d, zoom %g, bearing %g°, %s, from %s\n", *out, w, h, *zoom, *bearing, *theme, name)
	return nil
}
