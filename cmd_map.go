package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/nav/tiles"
	"github.com/paulmach/orb"
)

// mapCommands are the "fascia map" subcommands; other files add theirs
// (render) from their own init.
var mapCommands = map[string]func(args []string, stdout, stderr io.Writer) error{
	"info":    mapInfo,
	"convert": mapConvert,
}

func init() {
	register("map", command{
		usage: "fascia map info FILE\n" +
			"fascia map convert [--name S] [--attribution S] [--center LAT,LON,ZOOM] IN.mbtiles OUT.pmtiles\n" +
			"fascia map render --tiles FILE --center LAT,LON --zoom Z [--bearing DEG] [--size WxH] [--theme day|night] --out FILE.png",
		run: runMap,
	})
}

// runMap dispatches "fascia map SUB ...".
func runMap(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return exitCode{2, "map: missing subcommand (" + strings.Join(mapCommandNames(), ", ") + ")"}
	}
	f, ok := mapCommands[args[0]]
	if !ok {
		return exitCode{2, fmt.Sprintf("map: unknown subcommand %q (want %s)", args[0], strings.Join(mapCommandNames(), ", "))}
	}
	return f(args[1:], stdout, stderr)
}

func mapCommandNames() []string {
	names := make([]string, 0, len(mapCommands))
	for n := range mapCommands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// mapInfo prints what a tile file holds: format, bounds, center, zooms,
// layers with their fields, tile count.
func mapInfo(args []string, stdout, _ io.Writer) error {
	fs := newFlags("map info")
	if err := fs.Parse(args); err != nil {
		return exitCode{2, ""}
	}
	if fs.NArg() != 1 {
		return exitCode{2, "usage: fascia map info FILE"}
	}
	src, err := tiles.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer src.Close()
	n, err := tiles.Count(context.Background(), src)
	if err != nil {
		return err
	}
	m := src.Meta()
	w := func(format string, a ...any) { fmt.Fprintf(stdout, format, a...) }
	w("file:        %s\n", fs.Arg(0))
	w("format:      %s\n", m.Format)
	if m.Name != "" {
		w("name:        %s\n", m.Name)
	}
	if m.Attribution != "" {
		w("attribution: %s\n", m.Attribution)
	}
	w("bounds:      %.6f,%.6f,%.6f,%.6f (west,south,east,north)\n", m.Bounds.Min[0], m.Bounds.Min[1], m.Bounds.Max[0], m.Bounds.Max[1])
	w("center:      %.6f,%.6f (lat,lon) zoom %d\n", m.Center[1], m.Center[0], m.CenterZoom)
	w("zooms:       %d–%d\n", m.MinZoom, m.MaxZoom)
	w("tiles:       %d\n", n)
	w("layers:      %d\n", len(m.Layers))
	for _, l := range m.Layers {
		keys := make([]string, 0, len(l.Fields))
		for k, t := range l.Fields {
			keys = append(keys, k+" ("+t+")")
		}
		sort.Strings(keys)
		w("  %-20s z%d–%d  %s\n", l.ID, l.MinZoom, l.MaxZoom, strings.Join(keys, ", "))
	}
	return nil
}

// mapConvert writes a tile file (MBTiles or PMTiles) as PMTiles v3.
func mapConvert(args []string, stdout, _ io.Writer) error {
	fs := newFlags("map convert")
	name := fs.String("name", "", "tileset name (default: the input's)")
	attribution := fs.String("attribution", "", "attribution (default: the input's)")
	center := fs.String("center", "", "where maps open without a position, LAT,LON,ZOOM (default: the input's)")
	if err := fs.Parse(args); err != nil {
		return exitCode{2, ""}
	}
	if fs.NArg() != 2 {
		return exitCode{2, "usage: fascia map convert [--name S] [--attribution S] [--center LAT,LON,ZOOM] IN OUT.pmtiles"}
	}
	in, out := fs.Arg(0), fs.Arg(1)
	var cpt *orb.Point
	var cz int
	if *center != "" {
		i := strings.LastIndex(*center, ",")
		var lat, lon float64
		var z int
		var err error
		if i > 0 {
			lat, lon, err = config.ParsePoint((*center)[:i])
			if err == nil {
				z, err = strconv.Atoi((*center)[i+1:])
			}
		}
		if i <= 0 || err != nil || z < 0 || z > 22 {
			return exitCode{2, fmt.Sprintf("--center %q: want LAT,LON,ZOOM, e.g. 43.7384,7.4246,14", *center)}
		}
		cpt, cz = &orb.Point{lon, lat}, z
	}
	src, err := tiles.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	m := src.Meta()
	if *name != "" {
		m.Name = *name
	}
	if *attribution != "" {
		m.Attribution = *attribution
	}
	if cpt != nil {
		m.Center, m.CenterZoom = *cpt, cz
	}
	if err := tiles.WritePMTiles(context.Background(), out, src, m); err != nil {
		return err
	}
	dst, err := tiles.Open(out)
	if err != nil {
		return errors.Join(errors.New("written file does not read back"), err)
	}
	defer dst.Close()
	n, err := tiles.Count(context.Background(), dst)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d tiles\n", out, n)
	return nil
}
