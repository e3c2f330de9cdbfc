package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// GraphFormat names the street-graph file format written by WriteJSON.
const GraphFormat = "fascia-street-graph/1"

// Graph is a drivable street graph: shape points, and edges that run between
// junctions along some of those points. It is what internal/routegen extracts
// from OpenStreetMap and what Loop turns into a route.
type Graph struct {
	Name        string // e.g. "monaco"
	Attribution string // must be shown wherever the data is shown
	Source      string // where the data came from
	Altitude    string // how the altitudes were obtained
	Points      []Point
	Edges       []Edge
}

// Point is a shape point: WGS 84 degrees and metres above the ellipsoid.
type Point struct {
	Lat, Lon, Alt float64
}

// Edge is a street section between two junctions.
type Edge struct {
	Class  string // OSM highway class: primary, residential…
	Name   string // street name, may be empty
	Oneway bool   // drivable only from Points[0] to Points[len-1]
	Points []int  // indices into Graph.Points; at least two
}

// graphFile is the JSON shape of a Graph. Coordinates are integers to keep
// the file small: micro-degrees and decimetres, each point's values stored
// as differences from the previous point's.
type graphFile struct {
	Format      string      `json:"format"`
	Name        string      `json:"name"`
	Attribution string      `json:"attribution"`
	License     string      `json:"license"`
	Source      string      `json:"source"`
	Altitude    string      `json:"altitude"`
	BBox        [4]float64  `json:"bbox"` // min lat, min lon, max lat, max lon
	Points      []int64     `json:"points"`
	Edges       []edgeEntry `json:"edges"`
}

type edgeEntry struct {
	Class  string `json:"class"`
	Name   string `json:"name,omitempty"`
	Oneway bool   `json:"oneway,omitempty"`
	Points []int  `json:"points"`
}

// BBox returns the bounding box of the graph's points: min lat, min lon, max
// lat, max lon.
func (g *Graph) BBox() [4]float64 {
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range g.Points {
		b[0], b[1] = math.Min(b[0], p.Lat), math.Min(b[1], p.Lon)
		b[2], b[3] = math.Max(b[2], p.Lat), math.Max(b[3], p.Lon)
	}
	return b
}

// WriteJSON writes the graph in the street-graph format.
func (g *Graph) WriteJSON(w io.Writer) error {
	if err := g.validate(); err != nil {
		return err
	}
	f := graphFile{
		Format: GraphFormat, Name: g.Name, Attribution: g.Attribution, License: "ODbL-1.0",
		Source: g.Source, Altitude: g.Altitude,
		Points: make([]int64, 0, 3*len(g.Points)),
		Edges:  make([]edgeEntry, len(g.Edges)),
	}
	for i, v := range g.BBox() {
		f.BBox[i] = math.Round(v*1e6) / 1e6
	}
	var prev [3]int64
	for _, p := range g.Points {
		cur := [3]int64{int64(math.Round(p.Lat * 1e6)), int64(math.Round(p.Lon * 1e6)), int64(math.Round(p.Alt * 10))}
		f.Points = append(f.Points, cur[0]-prev[0], cur[1]-prev[1], cur[2]-prev[2])
		prev = cur
	}
	for i, e := range g.Edges {
		f.Edges[i] = edgeEntry(e)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&f); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// ReadGraph reads a graph written by WriteJSON. The error names the bad
// field.
func ReadGraph(r io.Reader) (*Graph, error) {
	var f graphFile
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("street graph: %w", err)
	}
	if f.Format != GraphFormat {
		return nil, fmt.Errorf("street graph: format %q, want %q", f.Format, GraphFormat)
	}
	if f.Attribution == "" {
		return nil, fmt.Errorf("street graph: no attribution")
	}
	if len(f.Points)%3 != 0 {
		return nil, fmt.Errorf("street graph: points: %d values, not a multiple of 3", len(f.Points))
	}
	g := &Graph{Name: f.Name, Attribution: f.Attribution, Source: f.Source, Altitude: f.Altitude,
		Points: make([]Point, len(f.Points)/3), Edges: make([]Edge, len(f.Edges))}
	var cur [3]int64
	for i := range g.Points {
		for k := range cur {
			d := f.Points[3*i+k]
			if d > 1e9 || d < -1e9 {
				return nil, fmt.Errorf("street graph: points[%d]: value %d out of range", i, d)
			}
			cur[k] += d
		}
		g.Points[i] = Point{Lat: float64(cur[0]) / 1e6, Lon: float64(cur[1]) / 1e6, Alt: float64(cur[2]) / 10}
	}
	for i, e := range f.Edges {
		g.Edges[i] = Edge(e)
	}
	if err := g.validate(); err != nil {
		return nil, fmt.Errorf("street graph: %w", err)
	}
	return g, nil
}

func (g *Graph) validate() error {
	if len(g.Edges) == 0 {
		return fmt.Errorf("no edges")
	}
	for i, p := range g.Points {
		if !(p.Lat >= -85 && p.Lat <= 85) || !(p.Lon >= -180 && p.Lon <= 180) || !(p.Alt > -1000 && p.Alt < 10000) {
			return fmt.Errorf("points[%d]: %.6f,%.6f,%.1f out of range", i, p.Lat, p.Lon, p.Alt)
		}
	}
	for i, e := range g.Edges {
		if len(e.Points) < 2 {
			return fmt.Errorf("edges[%d]: %d points, want at least 2", i, len(e.Points))
		}
		for _, k := range e.Points {
			if k < 0 || k >= len(g.Points) {
				return fmt.Errorf("edges[%d]: point index %d out of range [0,%d)", i, k, len(g.Points))
			}
		}
		if e.Points[0] == e.Points[len(e.Points)-1] {
			return fmt.Errorf("edges[%d]: starts and ends at point %d", i, e.Points[0])
		}
	}
	return nil
}
