// Package nav composes the cockpit's map services from the configuration:
// the tile source (a file, or the embedded demo map) and the renderer that
// draws its tiles on a worker pool into bounded caches. It owns their
// lifetimes; it does not read tiles, decode or draw itself (packages tiles,
// vtile and render do) and has no Fyne imports.
package nav

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/fascia-hmi/fascia/app/nav/render"
	"github.com/fascia-hmi/fascia/app/nav/tiles"
)

// DefaultCacheMB is the default bound of the map's tile caches.
const DefaultCacheMB = 64

// Map is the cockpit's map: a tile source and its renderer. Both are nil
// when no map could be opened at all.
type Map struct {
	// Source is the tiles drawn: the base map with the regions stacked
	// over it. AddRegion replaces it; read it through Tiles once the
	// cockpit runs.
	Source   tiles.Source
	Renderer *render.Renderer
	// Name says where the tiles come from: the file, or "demo".
	Name string
	// Err is why the configured file could not be used (the map then
	// shows the demo map), or why there is no map at all.
	Err error
	// Guide is what the map is asked to show (a destination, zoom steps).
	Guide Guidance

	mu       sync.Mutex
	base     tiles.Source
	baseName string         // Name of the base map alone
	regions  []tiles.Source // newest first
	paths    map[string]bool
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
	m.base, m.baseName, m.paths = src, m.Name, map[string]bool{}
	for _, r := range regions {
		s, err := tiles.Open(r)
		if err != nil {
			log.Warn("map: region left out", "file", r, "err", err)
			continue
		}
		m.regions = append(m.regions, s)
		m.paths[r] = true
	}
	m.Source = m.stack()
	m.Renderer = render.New(m.Source, render.Options{CacheBytes: int64(cacheMB) << 20, Log: log})
	return m
}

// stack is the regions over the base map; m.mu held (or not yet shared).
func (m *Map) stack() tiles.Source {
	if len(m.regions) == 0 {
		return m.base
	}
	m.Name = fmt.Sprintf("%s + %d region(s)", m.baseName, len(m.regions))
	return tiles.NewStack(append(append([]tiles.Source{}, m.regions...), m.base)...)
}

// Tiles is the source the map draws from now (AddRegion replaces it).
func (m *Map) Tiles() tiles.Source {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.Source
}

// AddRegion stacks the map region file at path (a pack just installed from
// the marketplace) over the map while the cockpit runs: the renderer
// draws from the new stack at once. A file already stacked is left as it
// is. It reads the file's directory: call it off the UI goroutine.
func (m *Map) AddRegion(path string) error {
	if m == nil || m.Renderer == nil {
		return errors.New("no map")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.paths[path] {
		return nil
	}
	s, err := tiles.Open(path)
	if err != nil {
		return fmt.Errorf("map region: %w", err)
	}
	m.regions = append([]tiles.Source{s}, m.regions...)
	m.paths[path] = true
	m.Source = m.stack()
	m.Renderer.SetSource(m.Source)
	return nil
}

// Close stops the renderer's workers, then closes the sources.
func (m *Map) Close() error {
	if m == nil {
		return nil
	}
	if m.Renderer != nil {
		m.Renderer.Close()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	for _, s := range append(m.regions, m.base) {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}
