package render

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"log/slog"
	"math"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"github.com/fascia-hmi/fascia/app/nav/tiles"
	"github.com/fascia-hmi/fascia/app/nav/vtile"
)

// MaxZoom is the deepest zoom the renderer draws; past the source's own
// maximum it scales the deepest tile's vector geometry.
const MaxZoom = 18

// MaxTileSize bounds Key.Size (pixels).
const MaxTileSize = 2048

// Key names one tile raster: the XYZ tile, its edge in pixels (256 ×
// pixel density), the theme and the way its labels face.
type Key struct {
	Z, X, Y int
	Size    int // px
	Night   bool
	// Turn is the bearing, in eighths of a turn clockwise (0–7), that
	// the tile is meant to be shown with at the top: its labels and icons
	// read upright when the map is turned that way (a heading-up map
	// driving south asks for 4). 0 is north up.
	Turn int
}

// TurnSteps is the number of label orientations (Key.Turn values).
const TurnSteps = 8

// Options configure a Renderer.
type Options struct {
	Workers    int          // rendering goroutines; default 2
	CacheBytes int64        // decoded + rastered tile caches together; default 64 MB
	Log        *slog.Logger // default slog.Default()
}

// Stats are the caches' figures.
type Stats struct {
	Bytes, Limit                int64 // both caches together, and their bound
	RasterBytes, DecodedBytes   int64
	RasterEntries, DecodedTiles int
	Hits, Misses                uint64 // Tile calls answered from / not from the cache
	Rendered, Dropped, Panics   uint64 // rasters made; requests dropped from a full queue; recovered panics
	Pending                     int    // queued or rendering
}

// View is one synchronous render: centre (lon, lat), fractional zoom,
// bearing in degrees clockwise (the bearing points up), size in pixels
// and pixel density.
type View struct {
	Center  orb.Point
	Zoom    float64
	Bearing float64
	W, H    int
	Scale   float32
	Night   bool
}

// Attribution is drawn on every RenderView image (ODbL).
const Attribution = "© OpenStreetMap contributors"

type tileID struct{ z, x, y int }

// Renderer renders tiles of one source on a worker pool into bounded LRU
// caches. Tile never blocks and never renders on the caller's goroutine.
//
// Labels: each tile raster carries its own labels, placed collision-free
// inside the tile and only where they fit entirely inside it, so a label
// is never cut at a tile edge and never overlaps a neighbour tile's labels
// (no label crosses an edge). The price is that a label whose place sits
// near an edge may be left out of that zoom. RenderView places labels over
// the whole view with one collision index and keeps them upright when the
// view is rotated.
type Renderer struct {
	cur atomic.Pointer[source] // what tiles are drawn from; replaced by SetSource
	log *slog.Logger

	mu       sync.Mutex
	cond     *sync.Cond
	raster   *lru[Key, *image.RGBA]
	decoded  *lru[tileID, *prepared] // nil value: the source has no such tile (or it failed)
	inflight map[tileID]chan struct{}
	pending  map[Key]bool
	queue    []Key
	onReady  func(Key)
	closed   bool
	st       Stats
	wg       sync.WaitGroup

	reasons  sync.Map // logged reasons, each once
	nReasons atomic.Int32

	ctx    context.Context // cancelled by Close: stops reads in flight
	cancel context.CancelFunc
}

// source is a tile source with its metadata; gen numbers the sources a
// Renderer was given, so that work begun on an old one is not kept.
type source struct {
	src  tiles.Source
	meta tiles.Meta
	gen  uint64
	// areas are the bounds of the data, one per stacked source (the
	// union of Monaco's and Krems's would cover half of Europe); nil when
	// a source has none (it covers the world).
	areas []orb.Bound
}

func newSource(src tiles.Source, gen uint64) *source {
	s := &source{src: src, meta: src.Meta(), gen: gen, areas: areasOf(src)}
	if s.meta.MaxZoom <= 0 || s.meta.MaxZoom > MaxZoom {
		s.meta.MaxZoom = 14
	}
	return s
}

// areasOf lists the bounds of src's data: each stacked source's own.
func areasOf(src tiles.Source) []orb.Bound {
	if st, ok := src.(*tiles.Stack); ok {
		var out []orb.Bound
		for _, s := range st.Sources() {
			a := areasOf(s)
			if a == nil {
				return nil
			}
			out = append(out, a...)
		}
		return out
	}
	b := src.Meta().Bounds
	if b.Max[0] <= b.Min[0] || b.Max[1] <= b.Min[1] || b.Min[0] <= -180 && b.Max[0] >= 180 {
		return nil
	}
	return []orb.Bound{b}
}

// MinCacheBytes is the smallest cache bound New accepts (smaller values
// are raised to it): the raster cache must hold a screenful of tiles, or
// tiles would be rendered, dropped and asked for again every frame.
const MinCacheBytes = 8 << 20

// maxQueue bounds the queued requests; older ones are dropped first (they
// are for places the user has panned away from).
const maxQueue = 256

// New starts a renderer over src with opt's workers and cache bound. The
// caller keeps ownership of src (close it after the renderer).
func New(src tiles.Source, opt Options) *Renderer {
	if opt.Workers <= 0 {
		opt.Workers = 2
	}
	if opt.CacheBytes <= 0 {
		opt.CacheBytes = 64 << 20
	}
	opt.CacheBytes = max(opt.CacheBytes, MinCacheBytes)
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	r := &Renderer{
		log:      opt.Log,
		raster:   newLRU[Key, *image.RGBA](opt.CacheBytes * 3 / 4),
		decoded:  newLRU[tileID, *prepared](opt.CacheBytes - opt.CacheBytes*3/4),
		inflight: map[tileID]chan struct{}{},
		pending:  map[Key]bool{},
	}
	r.cur.Store(newSource(src, 0))
	r.st.Limit = opt.CacheBytes
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.cond = sync.NewCond(&r.mu)
	for i := 0; i < opt.Workers; i++ {
		r.wg.Add(1)
		go r.worker()
	}
	return r
}

// SetSource makes the renderer draw from src from now on (a map region was
// installed): the caches are emptied, tiles being drawn from the old source
// are not kept, and the function of SetOnReady is called (with a zero Key)
// so that maps ask for their tiles again. The caller keeps ownership of
// both sources.
func (r *Renderer) SetSource(src tiles.Source) {
	r.mu.Lock()
	old := r.cur.Load()
	r.cur.Store(newSource(src, old.gen+1))
	r.raster = newLRU[Key, *image.RGBA](r.raster.max)
	r.decoded = newLRU[tileID, *prepared](r.decoded.max)
	r.queue = nil
	clear(r.pending)
	f := r.onReady
	r.mu.Unlock()
	if f != nil {
		f(Key{})
	}
}

// SetOnReady sets the function a worker calls when a requested tile is in
// the cache. It runs on the worker: hand over to the UI goroutine there.
func (r *Renderer) SetOnReady(f func(Key)) {
	r.mu.Lock()
	r.onReady = f
	r.mu.Unlock()
}

// Valid reports whether k names a tile the renderer can draw.
func (k Key) Valid() bool {
	n := 1 << max(0, min(k.Z, 30))
	return k.Z >= 0 && k.Z <= MaxZoom && k.X >= 0 && k.Y >= 0 && k.X < n && k.Y < n && k.Size > 0 && k.Size <= MaxTileSize &&
		k.Turn >= 0 && k.Turn < TurnSteps
}

// Tile returns the cached raster of k, or (nil, false) after scheduling it;
// SetOnReady's function is called once it is ready. It never blocks on
// rendering. Invalid keys return (nil, false) and are not scheduled.
func (r *Renderer) Tile(k Key) (image.Image, bool) {
	if !k.Valid() {
		r.once("invalid tile key", "key", fmt.Sprint(k))
		return nil, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if img, ok := r.raster.get(k); ok {
		r.st.Hits++
		return img, true
	}
	r.st.Misses++
	r.enqueue(k, true)
	return nil, false
}

// Prefetch schedules keys that are not cached, behind the tiles already
// asked for with Tile.
func (r *Renderer) Prefetch(keys []Key) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range keys {
		if !k.Valid() {
			continue
		}
		if _, ok := r.raster.get(k); !ok {
			r.enqueue(k, false)
		}
	}
}

// enqueue adds k (urgent: served next, else last); r.mu held.
func (r *Renderer) enqueue(k Key, urgent bool) {
	if r.closed || r.pending[k] {
		return
	}
	r.pending[k] = true
	if urgent {
		r.queue = append(r.queue, k) // the queue is served from its end
	} else {
		r.queue = append([]Key{k}, r.queue...)
	}
	if len(r.queue) > maxQueue {
		old := r.queue[0]
		r.queue = r.queue[1:]
		delete(r.pending, old)
		r.st.Dropped++
	}
	r.cond.Signal()
}

func (r *Renderer) worker() {
	defer r.wg.Done()
	for {
		r.mu.Lock()
		for len(r.queue) == 0 && !r.closed {
			r.cond.Wait()
		}
		if r.closed {
			r.mu.Unlock()
			return
		}
		k := r.queue[len(r.queue)-1]
		r.queue = r.queue[:len(r.queue)-1]
		src := r.cur.Load()
		r.mu.Unlock()

		img := r.renderSafe(src, k)
		if r.ctx.Err() != nil {
			return // closed while rendering: the tile may be incomplete
		}

		r.mu.Lock()
		if r.cur.Load() != src {
			img = nil // drawn from a source that was replaced meanwhile
		}
		stored := img != nil && r.raster.put(k, img, int64(len(img.Pix)))
		if img != nil && !stored {
			r.once("tile raster larger than the raster cache: not kept", "tile", fmt.Sprint(k), "bytes", len(img.Pix))
		}
		delete(r.pending, k)
		r.st.Rendered++
		f := r.onReady
		r.mu.Unlock()
		if stored && f != nil {
			f(k)
		}
	}
}

// renderSafe renders k and turns a panic into a logged blank tile.
func (r *Renderer) renderSafe(src *source, k Key) (img *image.RGBA) {
	defer func() {
		if p := recover(); p != nil {
			r.mu.Lock()
			r.st.Panics++
			r.mu.Unlock()
			r.log.Error("map: tile render panicked", "tile", fmt.Sprint(k), "panic", p, "stack", string(debug.Stack()))
			img = r.blank(k)
		}
	}()
	return r.RenderTile(r.ctx, k)
}

// Stats returns the cache figures.
func (r *Renderer) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.st
	s.RasterBytes, s.DecodedBytes = r.raster.used, r.decoded.used
	s.Bytes = s.RasterBytes + s.DecodedBytes
	s.RasterEntries, s.DecodedTiles = r.raster.len(), r.decoded.len()
	s.Pending = len(r.pending)
	return s
}

// Close stops the workers, cancelling source reads in flight. It does not
// close the source. Tile and Stats keep working on the caches; nothing
// new is rendered.
func (r *Renderer) Close() {
	r.cancel()
	r.mu.Lock()
	r.closed = true
	r.queue = nil
	r.cond.Broadcast()
	r.mu.Unlock()
	r.wg.Wait()
}

// maxReasons bounds the distinct reasons logged (a file full of broken
// tiles must not grow the set without limit).
const maxReasons = 64

// once logs msg at warning level the first time it is seen.
func (r *Renderer) once(msg string, args ...any) { r.logOnce(slog.LevelWarn, msg, args) }

// onceInfo is once at info level, for expected conditions.
func (r *Renderer) onceInfo(msg string, args ...any) { r.logOnce(slog.LevelInfo, msg, args) }

func (r *Renderer) logOnce(level slog.Level, msg string, args []any) {
	if _, seen := r.reasons.Load(msg); seen {
		return
	}
	if n := r.nReasons.Add(1); n > maxReasons {
		if n == maxReasons+1 {
			r.log.Warn("map: more problems with the tiles; no longer logged")
		}
		return
	}
	if _, seen := r.reasons.LoadOrStore(msg, true); !seen {
		r.log.Log(context.Background(), level, "map: "+msg, args...)
	}
}

// prepared returns the decoded tile z/x/y from the cache or the source;
// nil if the source has none or it cannot be decoded (logged once per
// reason). Concurrent callers for one tile wait for a single decode.
func (r *Renderer) prepared(ctx context.Context, src *source, id tileID) *prepared {
	for {
		r.mu.Lock()
		if p, ok := r.decoded.get(id); ok {
			r.mu.Unlock()
			return p
		}
		ch, busy := r.inflight[id]
		if !busy {
			ch = make(chan struct{})
			r.inflight[id] = ch
			r.mu.Unlock()
			break
		}
		r.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil
		}
	}
	p := r.load(ctx, src, id)
	r.mu.Lock()
	n := int64(64)
	if p != nil {
		n = p.bytes
	}
	if ctx.Err() == nil && r.cur.Load() == src {
		r.decoded.put(id, p, n)
	}
	close(r.inflight[id])
	delete(r.inflight, id)
	r.mu.Unlock()
	return p
}

func (r *Renderer) load(ctx context.Context, src *source, id tileID) *prepared {
	data, err := src.src.Tile(ctx, id.z, id.x, id.y)
	if errors.Is(err, tiles.ErrNoTile) {
		return nil
	}
	if err != nil {
		if ctx.Err() == nil {
			r.once("tile source: "+err.Error(), "tile", fmt.Sprintf("%d/%d/%d", id.z, id.x, id.y))
		}
		return nil
	}
	layers, err := vtile.Decode(data)
	var ve *vtile.Error
	switch {
	case err == nil:
	case errors.As(err, &ve) && len(layers) > 0:
		r.once("tile drawn partially: "+err.Error(), "tile", fmt.Sprintf("%d/%d/%d", id.z, id.x, id.y))
	default:
		r.once("tile not decodable: "+err.Error(), "tile", fmt.Sprintf("%d/%d/%d", id.z, id.x, id.y))
		return nil
	}
	p := prepare(layers)
	if err != nil {
		p.partial = err.Error()
	}
	return p
}

// resolve finds the tile whose geometry covers z/x/y: the tile itself, or
// the nearest ancestor (past the source's maximum zoom, or where the
// source has no tile). ok is false if no ancestor has data.
func (r *Renderer) resolve(ctx context.Context, src *source, z, x, y int) (p *prepared, id tileID, ok bool) {
	if !src.covers(z, x, y) {
		return nil, tileID{}, false
	}
	sz, sx, sy := z, x, y
	for sz > src.meta.MaxZoom {
		sz, sx, sy = sz-1, sx>>1, sy>>1
	}
	for ; sz >= max(0, src.meta.MinZoom); sz, sx, sy = sz-1, sx>>1, sy>>1 {
		if p := r.prepared(ctx, src, tileID{sz, sx, sy}); p != nil {
			if sz < z && z <= src.meta.MaxZoom {
				r.onceInfo("tiles missing from the source: drawing the overzoomed parent", "first", fmt.Sprintf("%d/%d/%d", z, x, y))
			}
			return p, tileID{sz, sx, sy}, true
		}
		if ctx.Err() != nil {
			return nil, tileID{}, false
		}
	}
	return nil, tileID{}, false
}

// covers reports whether tile z/x/y meets one of the source's data areas
// (a source without bounds covers the world). Outside them even the
// low-zoom ancestors hold nothing but emptiness, which must not pass for
// ground.
func (s *source) covers(z, x, y int) bool {
	if s.areas == nil {
		return true
	}
	n := float64(int(1) << z)
	t := box{float64(x) / n, float64(y) / n, float64(x+1) / n, float64(y+1) / n}
	for _, a := range s.boxes(1) {
		if t.x1 >= a.x0 && t.x0 <= a.x1 && t.y1 >= a.y0 && t.y0 <= a.y1 {
			return true
		}
	}
	return false
}

func pal(night bool) *palette {
	if night {
		return nightPalette
	}
	return dayPalette
}

// RenderTile renders k synchronously (the workers' job; exported for the
// benchmarks and tools).
func (r *Renderer) RenderTile(ctx context.Context, k Key) *image.RGBA {
	return r.renderTile(ctx, r.cur.Load(), k)
}

func (r *Renderer) renderTile(ctx context.Context, src *source, k Key) *image.RGBA {
	if !k.Valid() {
		return nil
	}
	p, id, ok := r.resolve(ctx, src, k.Z, k.X, k.Y)
	if !ok {
		r.onceInfo("no data for a tile or any parent: blank tile", "tile", fmt.Sprintf("%d/%d/%d", k.Z, k.X, k.Y))
		return r.blank(k)
	}
	return rasterTile(p, id, k, src.outside(k)...)
}

// rasterTile draws prepared tile p (tile id, an ancestor of k or k itself)
// as the raster of k. The nodata rectangles (tile pixels), outside the
// data's bounds, get the blank tiles' hatch under whatever the tile has
// there.
func rasterTile(p *prepared, id tileID, k Key, nodata ...image.Rectangle) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, k.Size, k.Size))
	pl := pal(k.Night)
	draw.Draw(img, img.Rect, image.NewUniform(pl.bg), image.Point{}, draw.Src)
	for _, r := range nodata {
		hatch(img, r, k)
	}
	dz := k.Z - id.z
	f := float64(int(1) << dz)
	s := float64(k.Size)
	m := affine{A: f * s, C: -float64(k.X-id.x<<dz) * s, E: f * s, F: -float64(k.Y-id.y<<dz) * s}
	paint(img, []layer{{p, m}}, paintOpts{zoom: float64(k.Z), scale: float32(s / 256), pal: pl, clip: img.Rect, labels: labelsInside,
		up: float64(k.Turn) * 2 * math.Pi / TurnSteps})
	return img
}

// blank is the tile for places without data: the no-data tone with a
// faint diagonal hatch, so it is not mistaken for empty land.
func (r *Renderer) blank(k Key) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, k.Size, k.Size))
	hatch(img, img.Rect, k)
	return img
}

// hatch paints clip (pixels of tile k's raster img) as a place without
// data. The hatch lines run on across tile edges.
func hatch(img *image.RGBA, clip image.Rectangle, k Key) {
	pl := pal(k.Night)
	draw.Draw(img, clip, image.NewUniform(pl.noData), image.Point{}, draw.Src)
	pb := newPathBuf()
	pb.reset()
	step := float32(k.Size) / 8
	n := float32(k.Size)
	for o := -n; o < n; o += step {
		pb.stroke([]pt{{o, n}, {o + n, 0}}, max(0.5, n/512), false)
	}
	pb.fill(img, clip, mix(pl.noData, pl.text, 0.07))
}

// outside returns the parts of tile k's raster (pixel rectangles) that no
// data area meets.
func (s *source) outside(k Key) []image.Rectangle {
	if s.areas == nil {
		return nil
	}
	size := float64(k.Size)
	ox, oy := float64(k.X)*size, float64(k.Y)*size
	var out []image.Rectangle
	for _, c := range uncovered(box{ox, oy, ox + size, oy + size}, s.boxes(size*float64(int(1)<<k.Z))) {
		r := image.Rect(int(math.Round(c.x0-ox)), int(math.Round(c.y0-oy)), int(math.Round(c.x1-ox)), int(math.Round(c.y1-oy)))
		if !r.Empty() {
			out = append(out, r)
		}
	}
	return out
}

// box is a rectangle in world pixels.
type box struct{ x0, y0, x1, y1 float64 }

// boxes returns the data areas in the pixels of a world ws pixels wide.
func (s *source) boxes(ws float64) []box {
	out := make([]box, len(s.areas))
	for i, a := range s.areas {
		x0, y1 := mercator(a.Min) // south-west: y grows south
		x1, y0 := mercator(a.Max)
		out[i] = box{x0 * ws, y0 * ws, x1 * ws, y1 * ws}
	}
	return out
}

// uncovered cuts r on the edges of areas into a grid and returns the
// cells of r that lie in no area (areas may overlap).
func uncovered(r box, areas []box) []box {
	xs, ys := []float64{r.x0, r.x1}, []float64{r.y0, r.y1}
	var in []box
	for _, a := range areas {
		c := box{max(a.x0, r.x0), max(a.y0, r.y0), min(a.x1, r.x1), min(a.y1, r.y1)}
		if c.x0 >= c.x1 || c.y0 >= c.y1 {
			continue
		}
		if c == r {
			return nil
		}
		in = append(in, c)
		xs, ys = append(xs, c.x0, c.x1), append(ys, c.y0, c.y1)
	}
	slices.Sort(xs)
	slices.Sort(ys)
	xs, ys = slices.Compact(xs), slices.Compact(ys)
	var out []box
	for j := 0; j+1 < len(ys); j++ {
		for i := 0; i+1 < len(xs); i++ {
			c := box{xs[i], ys[j], xs[i+1], ys[j+1]}
			covered := false
			for _, a := range in {
				covered = covered || c.x0 >= a.x0 && c.x1 <= a.x1 && c.y0 >= a.y0 && c.y1 <= a.y1
			}
			if !covered {
				out = append(out, c)
			}
		}
	}
	return out
}

// mercator returns the web-mercator position of lon/lat in [0,1]².
func mercator(p orb.Point) (float64, float64) {
	lat := math.Max(-85.05112878, math.Min(85.05112878, p[1]))
	x := (p[0] + 180) / 360
	s := math.Sin(lat * math.Pi / 180)
	y := 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
	return x, y
}

// RenderView renders a whole view synchronously, straight from the vector
// tiles (no tile rasters): rotation by the bearing, fractional zoom,
// labels over the whole view, the attribution. For the CLI, screenshots
// and tests.
func (r *Renderer) RenderView(ctx context.Context, v View) (*image.RGBA, error) {
	if v.W <= 0 || v.H <= 0 || v.W > 8192 || v.H > 8192 {
		return nil, fmt.Errorf("render: view size %dx%d out of range (1..8192)", v.W, v.H)
	}
	if v.Scale <= 0 {
		v.Scale = 1
	}
	if math.IsNaN(v.Zoom) || v.Zoom < 0 || v.Zoom > MaxZoom {
		return nil, fmt.Errorf("render: zoom %g out of range (0..%d)", v.Zoom, MaxZoom)
	}
	if math.IsNaN(v.Center[0]) || math.IsNaN(v.Center[1]) || math.Abs(v.Center[1]) > 90 || math.Abs(v.Center[0]) > 180 {
		return nil, fmt.Errorf("render: centre %v out of range", v.Center)
	}
	img := image.NewRGBA(image.Rect(0, 0, v.W, v.H))
	pl := pal(v.Night)
	draw.Draw(img, img.Rect, image.NewUniform(pl.bg), image.Point{}, draw.Src)

	ws := 256 * float64(v.Scale) * math.Pow(2, v.Zoom) // world size in px
	mx, my := mercator(v.Center)
	cx, cy := mx*ws, my*ws
	sin, cos := math.Sincos(-v.Bearing * math.Pi / 180)
	// screen → world for the corners
	inv := func(x, y float64) (float64, float64) {
		dx, dy := x-float64(v.W)/2, y-float64(v.H)/2
		return cos*dx + sin*dy + cx, -sin*dx + cos*dy + cy
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [4][2]float64{{0, 0}, {float64(v.W), 0}, {0, float64(v.H)}, {float64(v.W), float64(v.H)}} {
		wx, wy := inv(c[0], c[1])
		x0, y0, x1, y1 = math.Min(x0, wx), math.Min(y0, wy), math.Max(x1, wx), math.Max(y1, wy)
	}
	src := r.cur.Load()
	tz := min(int(math.Floor(v.Zoom)), src.meta.MaxZoom)
	n := 1 << tz
	tpx := ws / float64(n)
	clampT := func(f float64) int { return max(0, min(n-1, int(math.Floor(f)))) }
	seen := map[tileID]bool{}
	var ls []layer
	nodata := newPathBuf()
	nodata.reset()
	for ty := clampT(y0 / tpx); ty <= clampT(y1/tpx); ty++ {
		for tx := clampT(x0 / tpx); tx <= clampT(x1/tpx); tx++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			p, id, ok := r.resolve(ctx, src, tz, tx, ty)
			if !ok { // no data here: the no-data tone, as on blank tiles
				T := ws / float64(n)
				var q [4]pt
				for i, c := range [4][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
					wx, wy := (float64(tx)+c[0])*T-cx, (float64(ty)+c[1])*T-cy
					q[i] = pt{float32(cos*wx - sin*wy + float64(v.W)/2), float32(sin*wx + cos*wy + float64(v.H)/2)}
				}
				nodata.ringNeg(q[:])
				continue
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			T := ws / float64(int(1)<<id.z)
			ox, oy := float64(id.x)*T-cx, float64(id.y)*T-cy
			ls = append(ls, layer{p, affine{
				A: cos * T, B: -sin * T, C: cos*ox - sin*oy + float64(v.W)/2,
				D: sin * T, E: cos * T, F: sin*ox + cos*oy + float64(v.H)/2,
			}})
		}
	}
	if src.areas != nil { // and what lies outside the data's bounds
		for _, c := range uncovered(box{x0, y0, x1, y1}, src.boxes(ws)) {
			var q [4]pt
			for i, p := range [4][2]float64{{c.x0, c.y0}, {c.x1, c.y0}, {c.x1, c.y1}, {c.x0, c.y1}} {
				wx, wy := p[0]-cx, p[1]-cy
				q[i] = pt{float32(cos*wx - sin*wy + float64(v.W)/2), float32(sin*wx + cos*wy + float64(v.H)/2)}
			}
			nodata.ringNeg(q[:])
		}
	}
	nodata.fill(img, img.Rect, pl.noData)
	if len(ls) > 0 {
		paint(img, ls, paintOpts{zoom: v.Zoom, scale: v.Scale, pal: pl, clip: img.Rect, labels: labelsView})
	}
	drawAttribution(img, v.Scale, pl)
	return img, nil
}

// attributionRect is where drawAttribution draws in b.
func attributionRect(b image.Rectangle, scale float32) rect {
	loadFaces()
	size := 10 * scale
	tw := faces.regular.measure(Attribution, size)
	pad := 3 * scale
	return rect{float32(b.Max.X) - tw - 2*pad, float32(b.Max.Y) - size - 2*pad, float32(b.Max.X), float32(b.Max.Y)}
}

// drawAttribution writes the OpenStreetMap credit in the bottom-right
// corner on a translucent plate.
func drawAttribution(img *image.RGBA, scale float32, pl *palette) {
	loadFaces()
	size := 10 * scale
	fc := faces.regular
	pad := 3 * scale
	b := img.Bounds()
	ar := attributionRect(b, scale)
	x0, y0 := ar.X0, ar.Y0
	bg := newPathBuf()
	bg.reset()
	bg.ring([]pt{{x0, y0}, {x0, float32(b.Max.Y)}, {float32(b.Max.X), float32(b.Max.Y)}, {float32(b.Max.X), y0}})
	bg.fill(img, b, pl.attribBg)
	tb := newPathBuf()
	tb.reset()
	x := x0 + pad
	var tmp []pt
	for _, c := range Attribution {
		g := fc.glyph(c)
		tmp = placedGlyph{g, pt{x, float32(b.Max.Y) - pad - 0.22*size}, 0, size}.emit(tb, tmp)
		x += g.adv * size / glyphPPEM
	}
	tb.fill(img, b, pl.attribution)
}

// tileGrid is the integer-zoom tile layout of a bearing-0 view.
type tileGrid struct {
	z, size        int
	tpx, cx, cy    float64 // tile edge on screen; screen origin in world px
	x0, y0, x1, y1 int     // tile range
}

func gridOf(v View) tileGrid {
	if v.Scale <= 0 {
		v.Scale = 1
	}
	g := tileGrid{z: max(0, min(MaxZoom, int(math.Round(v.Zoom)))), size: int(math.Round(256 * float64(v.Scale)))}
	ws := 256 * float64(v.Scale) * math.Pow(2, v.Zoom)
	mx, my := mercator(v.Center)
	g.cx, g.cy = mx*ws-float64(v.W)/2, my*ws-float64(v.H)/2
	n := 1 << g.z
	g.tpx = ws / float64(n)
	g.x0, g.x1 = max(0, int(math.Floor(g.cx/g.tpx))), min(n-1, int(math.Floor((g.cx+float64(v.W))/g.tpx)))
	g.y0, g.y1 = max(0, int(math.Floor(g.cy/g.tpx))), min(n-1, int(math.Floor((g.cy+float64(v.H))/g.tpx)))
	return g
}

// ViewKeys lists the tile keys Compose uses for v: the nearest integer
// zoom, tiles of 256×Scale pixels.
func ViewKeys(v View) []Key {
	g := gridOf(v)
	var ks []Key
	for ty := g.y0; ty <= g.y1; ty++ {
		for tx := g.x0; tx <= g.x1; tx++ {
			ks = append(ks, Key{Z: g.z, X: tx, Y: ty, Size: g.size, Night: v.Night})
		}
	}
	return ks
}

// Compose draws view v (bearing 0) onto dst from cached tile rasters at
// the nearest integer zoom, scaling them for fractional zooms (nearest
// neighbour: the frame is transient, bilinear costs ~10× more), and
// schedules the missing ones; it reports whether every tile was cached.
// It is what a map widget does each frame; it never renders a tile.
func (r *Renderer) Compose(dst *image.RGBA, v View) bool {
	g := gridOf(v)
	draw.Draw(dst, dst.Rect, image.NewUniform(pal(v.Night).bg), image.Point{}, draw.Src)
	complete := true
	for ty := g.y0; ty <= g.y1; ty++ {
		for tx := g.x0; tx <= g.x1; tx++ {
			im, ok := r.Tile(Key{Z: g.z, X: tx, Y: ty, Size: g.size, Night: v.Night})
			if !ok {
				complete = false
				continue
			}
			img := im.(*image.RGBA)
			x0, y0 := float64(tx)*g.tpx-g.cx, float64(ty)*g.tpx-g.cy
			dr := image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x0+g.tpx)), int(math.Round(y0+g.tpx)))
			if dr.Dx() == g.size && dr.Dy() == g.size {
				draw.Draw(dst, dr, img, image.Point{}, draw.Src)
			} else {
				scaleNearest(dst, dr, img)
			}
		}
	}
	return complete
}

// scaleNearest draws src scaled to dr on dst, nearest neighbour, copying
// whole pixels (x/image/draw's general path is several times slower).
func scaleNearest(dst *image.RGBA, dr image.Rectangle, src *image.RGBA) {
	vis := dr.Intersect(dst.Rect)
	if vis.Empty() {
		return
	}
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	xs := make([]int, vis.Dx())
	for i := range xs {
		xs[i] = 4 * min(sw-1, (vis.Min.X+i-dr.Min.X)*sw/dr.Dx())
	}
	for y := vis.Min.Y; y < vis.Max.Y; y++ {
		sy := min(sh-1, (y-dr.Min.Y)*sh/dr.Dy())
		srow := src.Pix[sy*src.Stride:]
		drow := dst.Pix[dst.PixOffset(vis.Min.X, y):]
		for i, sx := range xs {
			*(*[4]byte)(drow[4*i:]) = *(*[4]byte)(srow[sx:])
		}
	}
}
