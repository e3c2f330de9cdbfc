// Package nav composes the cockpit's map services from the configuration:
// the tile source (a file, or the embedded demo map) and the renderer that
// draws its tiles on a worker pool into bounded caches. It owns their
// lifetimes; it does not read tiles, decode or draw itself (packages tiles,
// vtile and render do) and has no Fyne imports.
package nav

import (
	"fmt"
	"log/slog"

	"github.com/fascia-hmi/fascia/app/nav/render"
	"github.com/fascia-hmi/fascia/app/nav/tiles"
)

// DefaultCacheMB is the default bound of the map's tile caches.
const DefaultCacheMB = 64

// Map is the cockpit's map: a tile source and its renderer. Both are nil
// when no map could be opened at all.
type Map struct {
	Source   tiles.Source
	Renderer *render.Renderer
	// Name says where the tiles come from: the file, or "demo".
	Name string
	// Err is why the configured file could not be used (the map then
	// shows the demo map), or why there is no map at all.
	Err error
	// Guide is what the map is asked to show (a destination, zoom steps).
	Guide Guidance
}

// Open opens the tile file at path (the embedded demo map when path is
// empty) and starts a renderer over it with cacheMB megabytes of caches.
// A missing or corrupt file does not stop the cockpit: Open logs the
// reason, falls back to the demo map and records the reason in Err; if not
// even the demo map opens, the Map has no source or renderer.
//
// regions are installed map region packs (PMTiles or MBTiles files, e.g.
// bought in the marketplace), stacked over the base map: where a region has
// a tile it wins. A region that does not open is logged and left out.
func Open(path string, regions []string, cacheMB int, log *slog.Logger) *Map {
	if log == nil {
		log = slog.Default()
	}
	if cacheMB <= 0 {
		cacheMB = DefaultCacheMB
	}
	m := &Map{Name: "demo"}
	var src tiles.Source
	if path != "" {
		s, err := tiles.Open(path)
		if err != nil {
			m.Err = err
			log.Warn("map: using the demo map", "file", path, "err", err)
		} else {
			src, m.Name = s, path
		}
	}
	if src == nil {
		s, err := tiles.Demo()
		if err != nil {
			m.Name, m.Err = "", fmt.Errorf("no map: %w", err)
			log.Warn("map: no map", "err", err)
			return m
		}
		src = s
	}
	var stack []tiles.Source
	for _, r := range regions {
		s, err := tiles.Open(r)
		if err != nil {
			log.Warn("map: region left out", "file", r, "err", err)
			continue
		}
		stack = append(stack, s)
	}
	if len(stack) > 0 {
		src = tiles.NewStack(append(stack, src)...)
		m.Name = fmt.Sprintf("%s + %d region(s)", m.Name, len(stack))
	}
	m.Source = src
	m.Renderer = render.New(src, render.Options{CacheBytes: int64(cacheMB) << 20, Log: log})
	return m
}

// Close stops the renderer's workers, then closes the source.
func (m *Map) Close() error {
	if m == nil {
		return nil
	}
	if m.Renderer != nil {
		m.Renderer.Close()
	}
	if m.Source != nil {
		return m.Source.Close()
	}
	return nil
}
