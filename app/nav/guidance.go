package nav

import "sync"

// Guidance is what the cockpit asks the map to show: a destination and
// zoom steps. Voice commands (and, once it lands, routing) set it; the Map
// screen follows it from its display loop. It is safe for concurrent use;
// the zero value has no destination.
type Guidance struct {
	mu   sync.Mutex
	dest Place
	has  bool
	gen  uint64
	zoom int
}

// SetDestination shows p as the destination.
func (g *Guidance) SetDestination(p Place) {
	g.mu.Lock()
	g.dest, g.has = p, true
	g.gen++
	g.mu.Unlock()
}

// Clear removes the destination; it reports whether there was one.
func (g *Guidance) Clear() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	had := g.has
	g.dest, g.has = Place{}, false
	g.gen++
	return had
}

// Destination returns the destination, whether there is one, and a
// generation that changes whenever it does (0 before any change).
func (g *Guidance) Destination() (p Place, ok bool, gen uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.dest, g.has, g.gen
}

// Zoom asks for delta zoom levels (positive: in).
func (g *Guidance) Zoom(delta int) {
	g.mu.Lock()
	g.zoom += delta
	g.mu.Unlock()
}

// TakeZoom returns the zoom levels asked for since the last call.
func (g *Guidance) TakeZoom() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	z := g.zoom
	g.zoom = 0
	return z
}
