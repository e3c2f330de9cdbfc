package widgets

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync/atomic"
	"time"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TileID names one raster tile of a Web-Mercator (XYZ) pyramid at a pixel
// size, in the day or night style, with its labels facing one way.
type TileID struct {
	Z, X, Y int
	Size    int // side in pixels
	Night   bool
	// Turn is the bearing at the top of the map the tile is drawn for, in
	// eighths of a turn clockwise (0–7; 0 is north up): its labels read
	// upright when the map is turned that way. A heading-up map asks for
	// the eighth nearest its bearing.
	Turn int
}

// TurnSteps is the number of Turn values.
const TurnSteps = 8

// TileProvider gives a TileMap its raster tiles. Tile must not block: it
// returns a ready image, or (nil, false) after scheduling the tile, and the
// provider later calls the map's TileReady when it has it. Tile is called
// on the UI goroutine.
type TileProvider interface {
	Tile(id TileID) (image.Image, bool)
}

// Map limits and defaults.
const (
	DefaultTileSize      = 256 // dp per tile side
	DefaultMinZoom       = 3
	DefaultMaxZoom       = 18
	DefaultFollowTimeout = 10 * time.Second
	// Attribution is the notice the map always shows for OpenStreetMap data.
	Attribution = "© OpenStreetMap contributors"
	// maxFallback is how many zoom levels up the map looks for a ready
	// parent tile to scale while a tile loads.
	maxFallback = 4
)

// TileMap is a slippy map: it composes the provider's cached raster tiles
// into one image (scaled for fractional zooms, rotated in heading-up mode),
// with a vehicle marker, a scale bar, the attribution and, when Controls is
// set, zoom, recentre and orientation buttons. Drag pans, scroll and
// double-tap zoom. In follow mode the map keeps the vehicle in the centre;
// panning leaves follow mode, which comes back FollowTimeout after the
// last gesture, or on Recentre.
//
// All methods except TileReady must be called on the UI goroutine. The map
// never decodes or rasterizes a tile: it only copies pixels of images the
// provider already has.
type TileMap struct {
	widget.BaseWidget

	Provider TileProvider
	TileSize float32 // dp per tile side; DefaultTileSize when 0
	MinZoom  float64
	MaxZoom  float64
	// FollowTimeout is how long after the last gesture follow mode comes
	// back; 0 means DefaultFollowTimeout, negative never.
	FollowTimeout time.Duration
	// Interactive enables pan and zoom gestures; without it a tap calls
	// OnTapped.
	Interactive bool
	// Controls shows the zoom, recentre and orientation buttons.
	Controls bool
	OnTapped func()
	// Now is the clock for follow mode; nil is time.Now.
	Now func() time.Time
	// MinMove is the smallest move of the map or the marker, in dp, that
	// redraws it; 0 means half a dp. A small map moved by a car at the
	// display rate can use a few dp to redraw less often.
	MinMove float32

	cx, cy    float64 // centre, normalized Mercator (0..1)
	zoom      float64
	headingUp bool
	night     bool
	imperial  bool
	follow    bool
	manualTil time.Time
	timer     *time.Timer

	hasVehicle bool
	vx, vy     float64
	heading    float64
	hint       string

	hasPin   bool
	px, py   float64
	pinLabel string

	turn      int       // the TileID.Turn the map asks for
	pinchedAt time.Time // the last pinch step

	drawn   drawnState
	pending atomic.Bool
	redraws atomic.Uint64
}

// drawnState is what the last refresh showed, to skip refreshes that would
// change nothing on screen.
type drawnState struct {
	cx, cy, zoom, rot float64
	vx, vy, heading   float64
	hasVehicle        bool
	follow, headingUp bool
	valid             bool
}

// NewTileMap returns an interactive map with controls over p, centred on
// lat, lon at zoom, in follow mode.
func NewTileMap(p TileProvider, lat, lon, zoom float64) *TileMap {
	m := &TileMap{Provider: p, Interactive: true, Controls: true, follow: true}
	m.cx, m.cy = project(lat, lon)
	m.zoom = zoom
	m.ExtendBaseWidget(m)
	return m
}

func (m *TileMap) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *TileMap) tileSize() float32 {
	if m.TileSize > 0 {
		return m.TileSize
	}
	return DefaultTileSize
}

func (m *TileMap) zoomLimits() (float64, float64) {
	lo, hi := m.MinZoom, m.MaxZoom
	if lo <= 0 {
		lo = DefaultMinZoom
	}
	if hi <= 0 {
		hi = DefaultMaxZoom
	}
	return lo, hi
}

func (m *TileMap) followTimeout() time.Duration {
	if m.FollowTimeout == 0 {
		return DefaultFollowTimeout
	}
	return m.FollowTimeout
}

// project returns the normalized Web-Mercator coordinates of lat, lon:
// x grows east, y south, both in 0..1.
func project(lat, lon float64) (x, y float64) {
	const maxLat = 85.0511287798
	lat = math.Max(-maxLat, math.Min(maxLat, lat))
	x = (lon + 180) / 360
	s := math.Sin(lat * math.Pi / 180)
	y = 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
	return x, y
}

// unproject is the inverse of project.
func unproject(x, y float64) (lat, lon float64) {
	lon = x*360 - 180
	lat = math.Atan(math.Sinh(math.Pi*(1-2*y))) * 180 / math.Pi
	return lat, lon
}

// Center returns the map's centre.
func (m *TileMap) Center() (lat, lon float64) { return unproject(m.cx, m.cy) }

// Zoom returns the zoom level, possibly fractional.
func (m *TileMap) Zoom() float64 { return m.zoom }

// Following reports whether the map keeps the vehicle in the centre.
func (m *TileMap) Following() bool { return m.follow }

// HeadingUp reports whether the map turns with the vehicle's heading.
func (m *TileMap) HeadingUp() bool { return m.headingUp }

// Redraws counts the map's refreshes.
func (m *TileMap) Redraws() uint64 { return m.redraws.Load() }

// rotation is the bearing at the top of the map, in degrees.
func (m *TileMap) rotation() float64 {
	if m.headingUp && m.hasVehicle {
		return m.heading
	}
	return 0
}

// SetCenter moves the map's centre.
func (m *TileMap) SetCenter(lat, lon float64) {
	m.cx, m.cy = project(lat, lon)
	m.update()
}

// SetZoom sets the zoom level, clamped to the map's limits; fractional
// zooms scale the nearest level's tiles.
func (m *TileMap) SetZoom(z float64) {
	lo, hi := m.zoomLimits()
	m.zoom = math.Max(lo, math.Min(hi, z))
	m.update()
}

// ZoomIn zooms in to the next whole level.
func (m *TileMap) ZoomIn() { m.SetZoom(math.Floor(m.zoom+1e-9) + 1) }

// ZoomOut zooms out to the previous whole level.
func (m *TileMap) ZoomOut() { m.SetZoom(math.Ceil(m.zoom-1e-9) - 1) }

// ZoomAt changes the zoom by dz levels keeping the point at pos (relative
// to the widget) where it is on screen; in follow mode the vehicle stays
// in the centre instead.
func (m *TileMap) ZoomAt(dz float64, pos fyne.Position) {
	old := m.zoom
	lo, hi := m.zoomLimits()
	nz := math.Max(lo, math.Min(hi, old+dz))
	if !m.follow {
		wx, wy := m.screenToWorld(pos)
		m.zoom = nz
		nx, ny := m.screenToWorld(pos)
		m.cx += wx - nx
		m.cy += wy - ny
		m.clampCenter()
	}
	m.SetZoom(nz)
}

// PanBy moves the map's content by dx, dy dp on screen, as a finger
// dragging it does, and leaves follow mode until the timeout.
func (m *TileMap) PanBy(dx, dy float32) {
	k := m.worldPerDp()
	sin, cos := math.Sincos(m.rotation() * math.Pi / 180)
	// Screen offsets map to the world through a rotation by the bearing.
	wx := (float64(dx)*cos - float64(dy)*sin) * k
	wy := (float64(dx)*sin + float64(dy)*cos) * k
	m.cx -= wx
	m.cy -= wy
	m.clampCenter()
	m.userMoved()
	m.update()
}

func (m *TileMap) clampCenter() {
	m.cx -= math.Floor(m.cx)
	m.cy = math.Max(0, math.Min(1, m.cy))
}

// worldPerDp is the size of one dp in normalized world units.
func (m *TileMap) worldPerDp() float64 {
	return 1 / (float64(m.tileSize()) * math.Exp2(m.zoom))
}

// screenToWorld converts a position on the widget to world coordinates.
func (m *TileMap) screenToWorld(p fyne.Position) (x, y float64) {
	s := m.Size()
	dx, dy := float64(p.X-s.Width/2), float64(p.Y-s.Height/2)
	sin, cos := math.Sincos(m.rotation() * math.Pi / 180)
	k := m.worldPerDp()
	return m.cx + (dx*cos-dy*sin)*k, m.cy + (dx*sin+dy*cos)*k
}

// worldToScreen converts world coordinates to a position on the widget.
func (m *TileMap) worldToScreen(x, y float64) fyne.Position {
	s := m.Size()
	dx, dy := x-m.cx, y-m.cy
	if dx > 0.5 {
		dx--
	} else if dx < -0.5 {
		dx++
	}
	sin, cos := math.Sincos(m.rotation() * math.Pi / 180)
	k := m.worldPerDp()
	return fyne.NewPos(float32((dx*cos+dy*sin)/k)+s.Width/2, float32((-dx*sin+dy*cos)/k)+s.Height/2)
}

// userMoved leaves follow mode until FollowTimeout after now.
func (m *TileMap) userMoved() {
	m.follow = false
	t := m.followTimeout()
	if t < 0 {
		m.manualTil = time.Time{}
		return
	}
	m.manualTil = m.now().Add(t)
	if m.timer != nil {
		m.timer.Stop()
	}
	m.timer = time.AfterFunc(t, func() { fyne.Do(m.CheckFollow) })
}

// CheckFollow re-engages follow mode when the timeout after the last
// gesture has passed. The map calls it from a timer and on every vehicle
// update; tests call it after moving the clock.
func (m *TileMap) CheckFollow() {
	if m.follow || m.manualTil.IsZero() || m.now().Before(m.manualTil) {
		return
	}
	m.Recentre()
}

// Recentre re-engages follow mode: the map centres on the vehicle, or
// stays where it is until there is one.
func (m *TileMap) Recentre() {
	m.follow = true
	m.manualTil = time.Time{}
	if m.timer != nil {
		m.timer.Stop()
		m.timer = nil
	}
	if m.hasVehicle {
		m.cx, m.cy = m.vx, m.vy
	}
	m.update()
}

// SetHeadingUp turns the map with the vehicle's heading (true) or keeps
// north at the top.
func (m *TileMap) SetHeadingUp(on bool) {
	if m.headingUp == on {
		return
	}
	m.headingUp = on
	m.update()
}

// SetNight chooses the night style of the tiles.
func (m *TileMap) SetNight(on bool) {
	if m.night == on {
		return
	}
	m.night = on
	m.forceRefresh()
}

// SetImperial shows the scale bar in feet and miles instead of metres and
// kilometres.
func (m *TileMap) SetImperial(on bool) {
	if m.imperial == on {
		return
	}
	m.imperial = on
	m.forceRefresh()
}

// SetHint shows a short notice over the map (e.g. that there is no
// position); empty hides it.
func (m *TileMap) SetHint(s string) {
	if m.hint == s {
		return
	}
	m.hint = s
	m.forceRefresh()
}

// Hint returns the notice shown over the map.
func (m *TileMap) Hint() string { return m.hint }

// SetVehicle places the vehicle marker at lat, lon pointing at heading
// (degrees clockwise from north); in follow mode the map centres on it.
func (m *TileMap) SetVehicle(lat, lon, heading float64) {
	m.vx, m.vy = project(lat, lon)
	m.heading = math.Mod(math.Mod(heading, 360)+360, 360)
	m.hasVehicle = true
	m.CheckFollow()
	if m.follow {
		m.cx, m.cy = m.vx, m.vy
	}
	m.update()
}

// ClearVehicle hides the marker: the position is unknown. The map stays
// where it is.
func (m *TileMap) ClearVehicle() {
	if !m.hasVehicle {
		return
	}
	m.hasVehicle = false
	m.update()
}

// ShowPin puts a destination pin labelled label at lat, lon and centres
// the map on it; follow mode lets go of the car until the timeout, as
// after a pan.
func (m *TileMap) ShowPin(lat, lon float64, label string) {
	m.px, m.py = project(lat, lon)
	m.pinLabel, m.hasPin = label, true
	m.cx, m.cy = m.px, m.py
	m.clampCenter()
	m.userMoved()
	m.forceRefresh()
}

// ClearPin removes the destination pin.
func (m *TileMap) ClearPin() {
	if m.hasPin {
		m.hasPin = false
		m.forceRefresh()
	}
}

// Pin returns the destination pin, and whether one is shown.
func (m *TileMap) Pin() (lat, lon float64, label string, ok bool) {
	lat, lon = unproject(m.px, m.py)
	return lat, lon, m.pinLabel, m.hasPin
}

// Vehicle returns the marker's position and heading, and whether it is
// shown.
func (m *TileMap) Vehicle() (lat, lon, heading float64, ok bool) {
	lat, lon = unproject(m.vx, m.vy)
	return lat, lon, m.heading, m.hasVehicle
}

// TileReady tells the map that the provider has a tile it asked for. It
// may be called from any goroutine; bursts merge into one redraw.
func (m *TileMap) TileReady() {
	if m.pending.CompareAndSwap(false, true) {
		fyne.Do(func() {
			m.pending.Store(false)
			m.forceRefresh()
		})
	}
}

// update refreshes when the change moves something by at least half a
// pixel or turns it by a visible angle.
func (m *TileMap) update() {
	m.updateTurn()
	d := m.drawn
	rot := m.rotation()
	px := float64(m.tileSize()) * math.Exp2(m.zoom) // dp per world unit
	minMove := 0.5
	if m.MinMove > 0 {
		minMove = float64(m.MinMove)
	}
	moved := func(a, b float64) bool { return math.Abs(a-b)*px >= minMove }
	if d.valid && d.follow == m.follow && d.headingUp == m.headingUp && !moved(d.cx, m.cx) && !moved(d.cy, m.cy) && d.zoom == m.zoom && math.Abs(angleDiff(d.rot, rot)) < 0.5 &&
		d.hasVehicle == m.hasVehicle && (!m.hasVehicle || !moved(d.vx, m.vx) && !moved(d.vy, m.vy) && math.Abs(angleDiff(d.heading, m.heading)) < 2) {
		return
	}
	m.forceRefresh()
}

func (m *TileMap) forceRefresh() {
	m.drawn = drawnState{cx: m.cx, cy: m.cy, zoom: m.zoom, rot: m.rotation(), vx: m.vx, vy: m.vy, heading: m.heading, hasVehicle: m.hasVehicle,
		follow: m.follow, headingUp: m.headingUp, valid: true}
	m.redraws.Add(1)
	m.Refresh()
}

// turnSlack is how far (degrees) past the half-way point between two
// eighths of a turn the bearing must go before the map asks for tiles
// drawn for the other: a car weaving around a boundary does not make the
// tiles be drawn again and again. Labels are at most 22.5° + turnSlack
// off upright.
const turnSlack = 10

// updateTurn picks the tiles' Turn for the map's rotation.
func (m *TileMap) updateTurn() {
	rot := m.rotation()
	if math.Abs(angleDiff(rot, float64(m.turn)*360/TurnSteps)) <= 180/TurnSteps+turnSlack {
		return
	}
	m.turn = int(math.Round(rot/(360/TurnSteps))) % TurnSteps
}

func angleDiff(a, b float64) float64 {
	d := math.Mod(a-b+540, 360) - 180
	return d
}

// Dragged implements fyne.Draggable: the map follows the finger, except
// during a pinch (under a display server the first finger of a pinch also
// arrives as the pointer, which would pan the map while it zooms).
func (m *TileMap) Dragged(e *fyne.DragEvent) {
	if !m.Interactive || m.now().Sub(m.pinchedAt) < pinchHold {
		return
	}
	m.PanBy(e.Dragged.DX, e.Dragged.DY)
}

// pinchHold is how long after a pinch step drags are taken for one of its
// fingers.
const pinchHold = 300 * time.Millisecond

// DragEnd implements fyne.Draggable.
func (m *TileMap) DragEnd() {}

// Scrolled implements fyne.Scrollable: a wheel notch zooms by a fifth of a
// level around the pointer.
func (m *TileMap) Scrolled(e *fyne.ScrollEvent) {
	if !m.Interactive || e.Scrolled.DY == 0 {
		return
	}
	m.ZoomAt(float64(e.Scrolled.DY)/50, e.Position)
}

// Tapped implements fyne.Tappable: a map that is not interactive calls
// OnTapped.
func (m *TileMap) Tapped(*fyne.PointEvent) {
	if !m.Interactive && m.OnTapped != nil {
		m.OnTapped()
	}
}

// Pinchable is an object that zooms with a two-finger pinch. Fyne (v2.7)
// has no pinch gesture: a driver that sees the fingers (the framebuffer
// driver, platform/display) recognises it and the cockpit delivers it to
// the Pinchable under the fingers.
type Pinchable interface {
	// Pinched zooms by scale (the change of the fingers' distance, above
	// 1 to zoom in) about at, relative to the object.
	Pinched(scale float32, at fyne.Position)
}

// Pinched implements Pinchable: the map zooms by log2(scale) levels about
// the fingers' midpoint.
func (m *TileMap) Pinched(scale float32, at fyne.Position) {
	if !m.Interactive || !(scale > 0) || math.IsInf(float64(scale), 0) {
		return
	}
	m.pinchedAt = m.now()
	m.ZoomAt(math.Log2(float64(scale)), at)
}

// DoubleTapped implements fyne.DoubleTappable: zoom in one level at the
// point.
func (m *TileMap) DoubleTapped(e *fyne.PointEvent) {
	if !m.Interactive {
		return
	}
	m.ZoomAt(1, e.Position)
}

// ScaleBar returns the scale bar's length in dp for the widest round
// distance that fits in maxDp at the map's centre, and its label.
func (m *TileMap) ScaleBar(maxDp float32) (float32, string) {
	lat, _ := m.Center()
	// Metres per dp at the centre's latitude.
	mpd := 2 * math.Pi * 6378137 * math.Cos(lat*math.Pi/180) / (float64(m.tileSize()) * math.Exp2(m.zoom))
	if mpd <= 0 || maxDp <= 0 {
		return 0, ""
	}
	maxM := float64(maxDp) * mpd
	if m.imperial {
		const ft, mi = 0.3048, 1609.344
		if maxM >= 0.2*mi {
			v := niceBelow(maxM / mi)
			return float32(v * mi / mpd), trimNumber(v) + " mi"
		}
		v := niceBelow(maxM / ft)
		return float32(v * ft / mpd), trimNumber(v) + " ft"
	}
	v := niceBelow(maxM)
	if v >= 1000 {
		return float32(v / mpd), trimNumber(v/1000) + " km"
	}
	return float32(v / mpd), trimNumber(v) + " m"
}

// niceBelow returns the largest 1, 2 or 5 × 10^n not above v.
func niceBelow(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, f := range []float64{5, 2, 1} {
		if f*p <= v {
			return f * p
		}
	}
	return p
}

func trimNumber(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%g", math.Round(v*1000)/1000)
}

// CreateRenderer implements fyne.Widget.
func (m *TileMap) CreateRenderer() fyne.WidgetRenderer {
	m.ExtendBaseWidget(m)
	r := &tileMapRenderer{m: m, comp: &composer{}}
	r.raster = canvas.NewRaster(r.generate)
	r.raster.ScaleMode = canvas.ImageScaleFastest
	r.halo = &canvas.Circle{}
	r.arrow = canvas.NewRaster(r.drawArrow)
	r.scaleLine = &canvas.Rectangle{}
	r.scaleLeft, r.scaleRight = &canvas.Rectangle{}, &canvas.Rectangle{}
	r.scaleText = canvas.NewText("", color.Black)
	r.scaleBg = &canvas.Rectangle{}
	r.attrBg = &canvas.Rectangle{}
	r.attr = canvas.NewText(Attribution, color.Black)
	r.hintBg = &canvas.Rectangle{}
	r.hint = canvas.NewText("", color.Black)
	r.hint.TextStyle.Bold = true
	r.pin, r.pinDot, r.pinBg = &canvas.Circle{}, &canvas.Circle{}, &canvas.Rectangle{}
	r.pinText = canvas.NewText("", color.Black)
	r.zoomIn = NewTouchButton("", theme.ZoomInIcon(), func() { m.ZoomIn() })
	r.zoomOut = NewTouchButton("", theme.ZoomOutIcon(), func() { m.ZoomOut() })
	r.recentre = NewTouchButton("", iconRecentre, func() { m.Recentre() })
	r.orient = NewTouchButton("", iconNorthUp, func() { m.SetHeadingUp(!m.headingUp) })
	r.update()
	return r
}

type tileMapRenderer struct {
	m      *TileMap
	raster *canvas.Raster
	comp   *composer

	halo       *canvas.Circle
	arrow      *canvas.Raster // the heading arrow, drawn at arrowAngle
	arrowAngle float64
	arrowColor color.Color

	scaleLine, scaleLeft, scaleRight *canvas.Rectangle
	scaleText                        *canvas.Text
	scaleBg                          *canvas.Rectangle
	attrBg                           *canvas.Rectangle
	attr                             *canvas.Text
	hintBg                           *canvas.Rectangle
	hint                             *canvas.Text
	pin, pinDot                      *canvas.Circle
	pinBg                            *canvas.Rectangle
	pinText                          *canvas.Text

	zoomIn, zoomOut, recentre, orient *TouchButton
}

func (r *tileMapRenderer) Destroy() {
	if r.m.timer != nil {
		r.m.timer.Stop()
	}
}

func (r *tileMapRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.raster, r.pin, r.pinDot, r.pinBg, r.pinText, r.halo, r.arrow, r.scaleBg, r.scaleLine, r.scaleLeft, r.scaleRight, r.scaleText, r.attrBg, r.attr, r.hintBg, r.hint}
	if r.m.Controls {
		objs = append(objs, r.zoomIn, r.zoomOut, r.recentre, r.orient)
	}
	return objs
}

func (r *tileMapRenderer) MinSize() fyne.Size {
	if !r.m.Controls {
		return fyne.NewSize(1, 1)
	}
	tt := TouchTarget(r.m)
	pad := theme.SizeForWidget(theme.SizeNamePadding, r.m)
	return fyne.NewSize(2*tt+4*pad, 2*tt+3*pad)
}

func (r *tileMapRenderer) Layout(size fyne.Size) {
	m := r.m
	th := m.Theme()
	pad := th.Size(theme.SizeNamePadding)
	r.raster.Move(fyne.NewPos(0, 0))
	r.raster.Resize(size)

	// Vehicle marker.
	ms := th.Size(theme.SizeNameInlineIcon) * 1.6
	if m.hasVehicle {
		p := m.worldToScreen(m.vx, m.vy)
		r.halo.Move(fyne.NewPos(p.X-ms/2, p.Y-ms/2))
		r.halo.Resize(fyne.NewSize(ms, ms))
		as := ms * 0.62
		r.arrow.Move(fyne.NewPos(p.X-as/2, p.Y-as/2))
		r.arrow.Resize(fyne.NewSize(as, as))
	}

	// Destination pin, its label beside it.
	small := th.Size(theme.SizeNameCaptionText)
	if m.hasPin {
		p := m.worldToScreen(m.px, m.py)
		r.pin.Move(fyne.NewPos(p.X-ms/2, p.Y-ms/2))
		r.pin.Resize(fyne.NewSize(ms, ms))
		ds := ms * 0.36
		r.pinDot.Move(fyne.NewPos(p.X-ds/2, p.Y-ds/2))
		r.pinDot.Resize(fyne.NewSize(ds, ds))
		r.pinText.Text = m.pinLabel
		r.pinText.TextSize = th.Size(theme.SizeNameText)
		r.pinText.TextStyle.Bold = true
		ls := r.pinText.MinSize()
		r.pinText.Move(fyne.NewPos(p.X+ms/2+pad*2, p.Y-ls.Height/2))
		r.pinText.Resize(ls)
		r.pinBg.Move(fyne.NewPos(p.X+ms/2+pad, p.Y-ls.Height/2-pad/2))
		r.pinBg.Resize(fyne.NewSize(ls.Width+pad*2, ls.Height+pad))
	}

	// Scale bar, bottom left.
	stroke := fyne.Max(2, pad/2)
	barLen, label := m.ScaleBar(fyne.Min(size.Width/4, 160))
	r.scaleText.Text = label
	r.scaleText.TextSize = small
	ts := r.scaleText.MinSize()
	y := size.Height - pad*2
	x := pad * 2
	r.scaleLine.Move(fyne.NewPos(x, y-stroke))
	r.scaleLine.Resize(fyne.NewSize(barLen, stroke))
	r.scaleLeft.Move(fyne.NewPos(x, y-3*stroke))
	r.scaleLeft.Resize(fyne.NewSize(stroke, 3*stroke))
	r.scaleRight.Move(fyne.NewPos(x+barLen-stroke, y-3*stroke))
	r.scaleRight.Resize(fyne.NewSize(stroke, 3*stroke))
	r.scaleText.Move(fyne.NewPos(x+pad/2, y-3*stroke-ts.Height))
	r.scaleText.Resize(ts)
	r.scaleBg.Move(fyne.NewPos(x-pad, y-3*stroke-ts.Height-pad/2))
	r.scaleBg.Resize(fyne.NewSize(fyne.Max(barLen, ts.Width+pad)+2*pad, ts.Height+3*stroke+pad*1.5))

	// Attribution, bottom right.
	r.attr.TextSize = small
	as := r.attr.MinSize()
	r.attrBg.Resize(fyne.NewSize(as.Width+pad*2, as.Height))
	r.attrBg.Move(fyne.NewPos(size.Width-as.Width-pad*2, size.Height-as.Height))
	r.attr.Move(fyne.NewPos(size.Width-as.Width-pad, size.Height-as.Height))
	r.attr.Resize(as)

	// Hint, top centre.
	r.hint.Text = m.hint
	r.hint.TextSize = th.Size(theme.SizeNameText)
	hs := r.hint.MinSize()
	r.hintBg.Resize(fyne.NewSize(hs.Width+pad*4, hs.Height+pad*2))
	r.hintBg.Move(fyne.NewPos((size.Width-hs.Width)/2-pad*2, pad*2))
	r.hint.Move(fyne.NewPos((size.Width-hs.Width)/2, pad*3))
	r.hint.Resize(hs)

	// Buttons: orientation and recentre on the left, zoom on the right.
	if m.Controls {
		tt := TouchTarget(m)
		bs := fyne.NewSize(tt, tt)
		for _, b := range []*TouchButton{r.zoomIn, r.zoomOut, r.recentre, r.orient} {
			b.Resize(bs)
		}
		r.orient.Move(fyne.NewPos(pad*2, pad*2))
		r.recentre.Move(fyne.NewPos(pad*2, pad*3+tt))
		r.zoomIn.Move(fyne.NewPos(size.Width-tt-pad*2, pad*2))
		r.zoomOut.Move(fyne.NewPos(size.Width-tt-pad*2, pad*3+tt))
	}
}

func (r *tileMapRenderer) Refresh() {
	r.update()
	r.Layout(r.m.Size())
	r.raster.Refresh()
	for _, o := range []fyne.CanvasObject{r.pin, r.pinDot, r.pinBg, r.pinText, r.halo, r.arrow, r.scaleBg, r.scaleLine, r.scaleLeft, r.scaleRight, r.scaleText, r.attrBg, r.attr, r.hintBg, r.hint} {
		o.Refresh()
	}
}

func (r *tileMapRenderer) update() {
	m := r.m
	th := m.Theme()
	fg, bg := colorOf(th, theme.ColorNameForeground), colorOf(th, theme.ColorNameBackground)
	r.halo.FillColor = colorOf(th, theme.ColorNamePrimary)
	r.halo.StrokeColor = bg
	r.halo.StrokeWidth = fyne.Max(2, th.Size(theme.SizeNamePadding)/2)
	r.arrowColor = colorOf(th, theme.ColorNameForegroundOnPrimary)
	r.arrowAngle = angleDiff(m.heading, m.rotation())
	showIf(m.hasVehicle, r.halo, r.arrow)
	for _, o := range []*canvas.Rectangle{r.scaleLine, r.scaleLeft, r.scaleRight} {
		o.FillColor = fg
	}
	r.scaleText.Color = fg
	r.attrBg.FillColor = withAlpha(bg, 0xb0)
	r.scaleBg.FillColor = r.attrBg.FillColor
	r.scaleBg.CornerRadius = th.Size(theme.SizeNameInputRadius) / 2
	r.attr.Color = fg
	r.hintBg.FillColor = colorOf(th, theme.ColorNameWarning)
	r.hintBg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.hint.Color = colorOf(th, theme.ColorNameForegroundOnWarning)
	r.pin.FillColor = colorOf(th, theme.ColorNameError)
	r.pin.StrokeColor = bg
	r.pin.StrokeWidth = r.halo.StrokeWidth
	r.pinDot.FillColor = colorOf(th, theme.ColorNameForegroundOnError)
	r.pinBg.FillColor = r.attrBg.FillColor
	r.pinBg.CornerRadius = th.Size(theme.SizeNameInputRadius) / 2
	r.pinText.Color = fg
	showIf(m.hasPin, r.pin, r.pinDot)
	showIf(m.hasPin && m.pinLabel != "", r.pinBg, r.pinText)
	showIf(m.hint != "", r.hintBg, r.hint)
	r.recentre.SetSelected(m.follow)
	icon := iconNorthUp
	if m.headingUp {
		icon = iconHeadingUp
	}
	if r.orient.Icon != icon {
		r.orient.Icon = icon
		r.orient.Refresh()
	}
}

// showIf shows objs when on, else hides them.
func showIf(on bool, objs ...fyne.CanvasObject) {
	for _, o := range objs {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
}

// drawArrow draws the vehicle's heading arrow (a chevron pointing at
// arrowAngle, clockwise from the top) at w×h pixels, 4×4 samples a pixel.
// It is a few hundred pixels, redrawn only when the marker changes.
func (r *tileMapRenderer) drawArrow(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	c := color.NRGBAModel.Convert(r.arrowColor).(color.NRGBA)
	sin, cos := math.Sincos(r.arrowAngle * math.Pi / 180)
	rad := math.Min(float64(w), float64(h)) / 2
	// The chevron inside the unit circle (so that no angle clips it),
	// pointing up: tip, right wing, notch, left wing.
	shape := [][2]float64{{0, -1}, {0.62, 0.78}, {0, 0.36}, {-0.62, 0.78}}
	var pts [4][2]float64
	for i, p := range shape {
		pts[i] = [2]float64{float64(w)/2 + rad*(p[0]*cos-p[1]*sin), float64(h)/2 + rad*(p[0]*sin+p[1]*cos)}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := 0
			for sy := 0; sy < 4; sy++ {
				for sx := 0; sx < 4; sx++ {
					if inPolygon(pts[:], float64(x)+(float64(sx)+0.5)/4, float64(y)+(float64(sy)+0.5)/4) {
						n++
					}
				}
			}
			if n > 0 {
				img.SetNRGBA(x, y, color.NRGBA{c.R, c.G, c.B, uint8(int(c.A) * n / 16)})
			}
		}
	}
	return img
}

// inPolygon tests a point against a polygon by the even-odd rule.
func inPolygon(pts [][2]float64, x, y float64) bool {
	in := false
	for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
		a, b := pts[i], pts[j]
		if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// generate composes the map at w×h pixels; Fyne calls it when the raster
// was refreshed.
func (r *tileMapRenderer) generate(w, h int) image.Image {
	m := r.m
	size := m.Size()
	scale := float32(1)
	if size.Width > 0 {
		scale = float32(w) / size.Width
	}
	v := m.view(w, h, scale)
	v.background = colorOf(m.Theme(), ColorNameTrack)
	return r.comp.compose(m.Provider, v)
}

// view is the composition of one frame: everything the pixels depend on.
type view struct {
	w, h       int
	tilePx     int     // tile side in pixels
	cx, cy     float64 // centre, normalized
	zoom       float64
	rot        float64 // degrees
	turn       int     // TileID.Turn of the tiles
	night      bool
	background color.Color
}

func (m *TileMap) view(w, h int, scale float32) view {
	t := int(math.Round(float64(m.tileSize() * scale)))
	if t < 16 {
		t = 16
	}
	return view{w: w, h: h, tilePx: t, cx: m.cx, cy: m.cy, zoom: m.zoom, rot: m.rotation(), turn: m.turn, night: m.night}
}

// composer turns cached tiles into one frame, reusing its buffer.
type composer struct {
	dst     *image.RGBA
	conv    map[image.Image]*image.RGBA
	sources []tileSource
	// asked remembers the ancestors asked for in this frame, so that every
	// tile of the frame sees the same answer even if a worker finishes one
	// meanwhile.
	asked []askedTile
	// shown is the Turn of the last frame drawn wholly from its own
	// tiles: while the tiles of a new Turn are drawn, a tile not ready yet
	// shows the one of this Turn (labels a little off upright) rather than
	// a scaled ancestor.
	shown int
	whole bool // this frame so far drawn from tiles of its own Turn
}

type askedTile struct {
	id  TileID
	img image.Image
	ok  bool
}

// tile asks p for id once per frame.
func (c *composer) tile(p TileProvider, id TileID) (image.Image, bool) {
	for _, a := range c.asked {
		if a.id == id {
			return a.img, a.ok
		}
	}
	img, ok := p.Tile(id)
	c.asked = append(c.asked, askedTile{id, img, ok})
	return img, ok
}

// tileSource says where the pixels of one visible tile come from: the tile
// itself or a scaled part of an ancestor. A pixel (lu, lv) of the tile
// (0..tilePx) samples img at ((lu*fs + ox) >> 16, (lv*fs + oy) >> 16).
type tileSource struct {
	img    *image.RGBA
	fs     int64
	ox, oy int64
}

func (c *composer) rgba(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok {
		return r
	}
	if r, ok := c.conv[img]; ok {
		return r
	}
	if c.conv == nil || len(c.conv) > 64 {
		c.conv = map[image.Image]*image.RGBA{}
	}
	b := img.Bounds()
	r := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(r, r.Rect, img, b.Min, draw.Src)
	c.conv[img] = r
	return r
}

// source finds the best ready image for tile (z, x, y): the tile, the
// tile drawn for the Turn shown before, or the nearest ready ancestor up
// to maxFallback levels, scaled.
func (c *composer) source(p TileProvider, z, x, y, tilePx int, night bool, turn int) tileSource {
	if p == nil {
		return tileSource{}
	}
	for k := 0; k <= maxFallback && k <= z; k++ {
		id := TileID{Z: z - k, X: x >> k, Y: y >> k, Size: tilePx, Night: night, Turn: turn}
		var img image.Image
		var ok bool
		if k == 0 {
			img, ok = p.Tile(id)
			if !ok || img == nil {
				c.whole = false
				if c.shown != turn {
					id.Turn = c.shown
					img, ok = c.tile(p, id)
				}
			}
		} else {
			img, ok = c.tile(p, id)
		}
		if !ok || img == nil {
			continue
		}
		src := c.rgba(img)
		side := int64(src.Rect.Dx())
		if side <= 0 || src.Rect.Dy() != src.Rect.Dx() {
			continue
		}
		// The tile covers 1/2^k of the ancestor: scale by side/(tilePx·2^k).
		fs := (side << 16) / (int64(tilePx) << k)
		sub := int64(1)<<k - 1
		ox := (int64(x)&sub)*side<<16>>k + int64(src.Rect.Min.X)<<16
		oy := (int64(y)&sub)*side<<16>>k + int64(src.Rect.Min.Y)<<16
		return tileSource{img: src, fs: fs, ox: ox, oy: oy}
	}
	return tileSource{}
}

// compose draws view v from p's cached tiles into the reused buffer.
func (c *composer) compose(p TileProvider, v view) *image.RGBA {
	if v.w <= 0 || v.h <= 0 {
		v.w, v.h = 1, 1
	}
	if c.dst == nil || c.dst.Rect.Dx() != v.w || c.dst.Rect.Dy() != v.h {
		c.dst = image.NewRGBA(image.Rect(0, 0, v.w, v.h))
	}
	dst := c.dst
	bg := color.RGBAModel.Convert(v.background).(color.RGBA)

	zi := int(math.Round(v.zoom))
	if zi < 0 {
		zi = 0
	}
	if zi > 30 {
		zi = 30
	}
	T := int64(v.tilePx)
	n := int64(1) << zi
	worldPx := float64(n * T)
	s := math.Exp2(v.zoom - float64(zi)) // screen px per world px at zi
	sin, cos := math.Sincos(v.rot * math.Pi / 180)
	if math.Abs(sin) < 1e-9 {
		sin, cos = 0, math.Copysign(1, cos)
	}
	const one = 1 << 16
	fx := func(f float64) int64 { return int64(math.Floor(f * one)) }
	cu, cv := v.cx*worldPx, v.cy*worldPx
	hw, hh := float64(v.w)/2, float64(v.h)/2
	// World position (at zi, in px) of the centre of screen pixel (x, y):
	// u = cu + ((x+.5-hw)·cos − (y+.5-hh)·sin)/s, v likewise.
	at := func(x, y float64) (float64, float64) {
		dx, dy := x+0.5-hw, y+0.5-hh
		return cu + (dx*cos-dy*sin)/s, cv + (dx*sin+dy*cos)/s
	}
	dudx, dvdx := fx(cos/s), fx(sin/s)
	dudy, dvdy := fx(-sin/s), fx(cos/s)

	// Visible tile range from the corners.
	minU, minV, maxU, maxV := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range [][2]float64{{0, 0}, {float64(v.w), 0}, {0, float64(v.h)}, {float64(v.w), float64(v.h)}} {
		u, vv := at(q[0], q[1])
		minU, maxU = math.Min(minU, u), math.Max(maxU, u)
		minV, maxV = math.Min(minV, vv), math.Max(maxV, vv)
	}
	tx0, tx1 := int64(math.Floor(minU/float64(T)))-1, int64(math.Floor(maxU/float64(T)))+1
	ty0, ty1 := int64(math.Floor(minV/float64(T)))-1, int64(math.Floor(maxV/float64(T)))+1
	cols, rows := tx1-tx0+1, ty1-ty0+1
	if cols*rows > 4096 {
		// Absurd view (tiny tiles, huge window): draw the background.
		fill(dst, bg)
		return dst
	}
	c.sources = c.sources[:0]
	clear(c.asked)
	c.asked = c.asked[:0]
	c.whole = true
	for ty := ty0; ty <= ty1; ty++ {
		for tx := tx0; tx <= tx1; tx++ {
			if ty < 0 || ty >= n {
				c.sources = append(c.sources, tileSource{})
				continue
			}
			wx := ((tx % n) + n) % n
			c.sources = append(c.sources, c.source(p, zi, int(wx), int(ty), int(T), v.night, v.turn))
		}
	}
	srcAt := func(tx, ty int64) *tileSource {
		if tx < tx0 || tx > tx1 || ty < ty0 || ty > ty1 {
			return &tileSource{}
		}
		return &c.sources[(ty-ty0)*cols+(tx-tx0)]
	}
	floorDiv := func(a, b int64) int64 {
		q := a / b
		if a%b != 0 && (a < 0) != (b < 0) {
			q--
		}
		return q
	}

	u0, v0 := at(0, 0)
	ou, ov := fx(u0), fx(v0)
	dpix := pixels(dst.Pix)
	dstride := dst.Stride / 4
	bg32 := pixels([]byte{bg.R, bg.G, bg.B, bg.A})[0]
	T16 := T << 16
	// span draws screen pixels [x0, x1) of row y; (u, vv) is the world
	// position of pixel x0 in 16.16.
	span := func(y, x0, x1 int, u, vv int64) {
		line := dpix[y*dstride : y*dstride+x1]
		for x := x0; x < x1; {
			iu, iv := u>>16, vv>>16
			tx, ty := floorDiv(iu, T), floorDiv(iv, T)
			src := srcAt(tx, ty)
			// Run of pixels in this tile: up to where u or v leaves it.
			end := x1
			if dudx != 0 {
				var lim int64
				if dudx > 0 {
					lim = (tx+1)*T16 - u
				} else {
					lim = u - tx*T16 + 1
				}
				step := dudx
				if step < 0 {
					step = -step
				}
				if k := int((lim + step - 1) / step); x+k < end {
					end = x + k
				}
			}
			if dvdx != 0 {
				var lim int64
				if dvdx > 0 {
					lim = (ty+1)*T16 - vv
				} else {
					lim = vv - ty*T16 + 1
				}
				step := dvdx
				if step < 0 {
					step = -step
				}
				if k := int((lim + step - 1) / step); x+k < end {
					end = x + k
				}
			}
			if end <= x {
				end = x + 1
			}
			out := line[x:end]
			if src.img == nil {
				fillPixels(out, bg32)
				u += dudx * int64(end-x)
				vv += dvdx * int64(end-x)
				x = end
				continue
			}
			// Source coordinates in 16.16, relative to the image's Pix.
			su := (u-tx*T16)*src.fs>>16 + src.ox - int64(src.img.Rect.Min.X)<<16
			sv := (vv-ty*T16)*src.fs>>16 + src.oy - int64(src.img.Rect.Min.Y)<<16
			dsu, dsv := dudx*src.fs>>16, dvdx*src.fs>>16
			sp, ss := pixels(src.img.Pix), src.img.Stride/4
			if dsv == 0 && dsu == one {
				// Straight copy: pan at a whole zoom level, north up.
				o := int(sv>>16)*ss + int(su>>16)
				copy(out, sp[o:o+len(out)])
			} else if dsv == 0 {
				// Scaled, north up: one source row.
				scaleRow(out, sp[int(sv>>16)*ss:], su, dsu)
			} else {
				gather(out, sp, ss, su, sv, dsu, dsv)
			}
			u += dudx * int64(end-x)
			vv += dvdx * int64(end-x)
			x = end
		}
	}
	for y := 0; y < v.h; y++ {
		span(y, 0, v.w, ou+int64(y)*dudy, ov+int64(y)*dvdy)
	}
	if c.whole {
		c.shown = v.turn
	}
	return dst
}

// The pixel loops of compose are separate functions, kept out of line: inlined
// into compose, the compiler keeps their counters on the stack and each pixel
// waits on a store and reload (measured 2–3× slower).

// fillPixels sets every pixel of out to c.
//
//go:noinline
func fillPixels(out []uint32, c uint32) {
	for i := range out {
		out[i] = c
	}
}

// scaleRow samples row at su, su+dsu, … (16.16 pixels).
//
//go:noinline
func scaleRow(out, row []uint32, su, dsu int64) {
	for i := range out {
		out[i] = row[su>>16]
		su += dsu
	}
}

// gather samples src (stride ss pixels) along the line from (su, sv) in
// steps of (dsu, dsv), all in 16.16 pixels.
//
//go:noinline
func gather(out, src []uint32, ss int, su, sv, dsu, dsv int64) {
	for i := range out {
		out[i] = src[int(sv>>16)*ss+int(su>>16)]
		su += dsu
		sv += dsv
	}
}

// pixels views RGBA bytes as one uint32 a pixel (in memory order), so that
// moving a pixel is one load and one store.
func pixels(b []byte) []uint32 {
	if len(b) < 4 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), len(b)/4)
}

func fill(dst *image.RGBA, c color.RGBA) {
	p := dst.Pix
	for i := 0; i+3 < len(p); i += 4 {
		p[i], p[i+1], p[i+2], p[i+3] = c.R, c.G, c.B, c.A
	}
}

func svgIcon(name, body string) fyne.Resource {
	return fyne.NewStaticResource(name+".svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="#000000">`+body+`</svg>`))
}

var (
	// iconRecentre is a crosshair: centre the map on the vehicle.
	iconRecentre = svgIcon("map-recentre", `<path d="M11 1 H13 V4.1 A8 8 0 0 1 19.9 11 H23 V13 H19.9 A8 8 0 0 1 13 19.9 V23 H11 V19.9 A8 8 0 0 1 4.1 13 H1 V11 H4.1 A8 8 0 0 1 11 4.1 Z M12 6 A6 6 0 1 0 12.01 6 Z"/><circle cx="12" cy="12" r="3"/>`)
	// iconNorthUp is an "N" over a north arrow: the map keeps north up.
	iconNorthUp = svgIcon("map-north-up", `<path d="M12 8 L18 22 L12 18.5 L6 22 Z"/><path d="M8 1 H10 L14 5.5 V1 H16 V8 H14 L10 3.5 V8 H8 Z"/>`)
	// iconHeadingUp is a navigation arrow: the map turns with the car.
	iconHeadingUp = svgIcon("map-heading-up", `<path d="M12 2 L20 21 L12 16.5 L4 21 Z"/>`)
)
