// Package render owns drawing the map: it styles OpenMapTiles-schema
// vector tiles (day and night palettes), rasterizes them in pure Go with
// its own anti-aliasing scanline rasterizer at any pixel density, places
// labels and POI icons without collisions, overzooms past the source's
// deepest zoom by scaling vector geometry, and serves tile rasters from a
// worker pool through bounded, byte-accounted LRU caches (decoded tiles
// and rasters).
//
// Renderer.Tile never blocks and never renders on the caller: a UI calls it
// every frame and composes what is cached; RenderView draws a whole view
// synchronously (rotated, fractional zoom, labels over the whole view, the
// OpenStreetMap attribution) for the command line, screenshots and tests.
//
// It must not read tile files (package tiles), decode MVT itself (package
// vtile), import Fyne or any UI package, or write files.
//
// Rasterizing: features are batched by style (consecutive strokes of one
// colour share a batch) and each batch is drawn by one pass of scanner
// (raster.go): exact-area coverage accumulated per scanline, min(1,
// |winding area|) as in x/image/vector, but sparse — rows are cut into
// 8-px chunks and only chunks an edge touched are visited; between them
// coverage is constant, so empty stretches cost nothing and full ones are
// copied as whole pixels. Coverage is blended straight into the tile (no
// mask to clear, scan and composite, which dominated the x/image/vector
// scheme), except for text, whose mask also feeds the halo. A batch is
// drawn in 64-row bands so that its accumulator stays in the cache.
// Strokes are outlines with bevel joins and half-circle caps; every
// stroke ring has the same orientation, so overlapping pieces saturate
// instead of cancelling.
//
// Labels on tile rasters: a tile's labels come from that tile's own data,
// are placed with a collision index over the tile, and are kept only if
// they fit entirely inside it. No label then crosses a tile edge, so none
// is ever cut and none can collide with a neighbour's; the cost is that a
// label whose anchor sits close to an edge waits for another zoom. Text
// stays as laid out in the tile (a heading-up widget that rotates tiles
// rotates their text); RenderView places labels in screen space instead.
package render
