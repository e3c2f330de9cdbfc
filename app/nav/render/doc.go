// Package render owns drawing the map: it styles OpenMapTiles-schema
// vector tiles (day and night palettes), rasterizes them in pure Go with
// golang.org/x/image/vector at any pixel density, places labels and POI
// icons without collisions, overzooms past the source's deepest zoom by
// scaling vector geometry, and serves tile rasters from a worker pool
// through bounded, byte-accounted LRU caches (decoded tiles and rasters).
//
// Renderer.Tile never blocks and never renders on the caller: a UI calls it
// every frame and composes what is cached; RenderView draws a whole view
// synchronously (rotated, fractional zoom, labels over the whole view, the
// OpenStreetMap attribution) for the command line, screenshots and tests.
//
// It must not read tile files (package tiles), decode MVT itself (package
// vtile), import Fyne or any UI package, or write files.
//
// Rasterizing: x/image/vector accumulates coverage for one colour batch
// over a rectangle; every Draw touches every pixel of that rectangle. So
// features are batched by style (consecutive strokes of one colour share a
// batch), each batch is rasterized only over its bounding box, and batches
// of small rings (roads, buildings) are binned into 64-px blocks so that
// empty blocks cost nothing. Coverage goes to an alpha mask (vector's SIMD
// path) and is composited by a loop that skips empty and fills full runs
// eight pixels at a time. Strokes are outlines with bevel joins and round
// caps; every stroke ring has the same orientation, so overlapping pieces
// saturate instead of cancelling under the nonzero rule.
//
// Labels on tile rasters: a tile's labels come from that tile's own data,
// are placed with a collision index over the tile, and are kept only if
// they fit entirely inside it. No label then crosses a tile edge, so none
// is ever cut and none can collide with a neighbour's; the cost is that a
// label whose anchor sits close to an edge waits for another zoom. Text
// stays as laid out in the tile (a heading-up widget that rotates tiles
// rotates their text); RenderView places labels in screen space instead.
package render
