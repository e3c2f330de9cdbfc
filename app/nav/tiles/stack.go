package tiles

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Stack serves each tile from the first of its sources that has it, so that
// several regions (or a detailed region over a coarse base) read as one
// source.
type Stack struct {
	srcs []Source
	meta Meta
}

// NewStack stacks srcs, first source first. The stack owns them: Close
// closes them all.
func NewStack(srcs ...Source) *Stack {
	s := &Stack{srcs: srcs, meta: Meta{Format: "stack"}}
	var names, attrs []string
	seenAttr := map[string]bool{}
	layerIdx := map[string]int{}
	for i, src := range srcs {
		m := src.Meta()
		names = append(names, m.Name)
		if m.Attribution != "" && !seenAttr[m.Attribution] {
			seenAttr[m.Attribution] = true
			attrs = append(attrs, m.Attribution)
		}
		if i == 0 {
			s.meta.Bounds, s.meta.Center, s.meta.CenterZoom = m.Bounds, m.Center, m.CenterZoom
			s.meta.MinZoom, s.meta.MaxZoom = m.MinZoom, m.MaxZoom
		} else {
			s.meta.Bounds = s.meta.Bounds.Union(m.Bounds)
			s.meta.MinZoom = min(s.meta.MinZoom, m.MinZoom)
			s.meta.MaxZoom = max(s.meta.MaxZoom, m.MaxZoom)
		}
		for _, l := range m.Layers {
			j, ok := layerIdx[l.ID]
			if !ok {
				f := make(map[string]string, len(l.Fields))
				for k, v := range l.Fields {
					f[k] = v
				}
				l.Fields = f
				layerIdx[l.ID] = len(s.meta.Layers)
				s.meta.Layers = append(s.meta.Layers, l)
				continue
			}
			have := &s.meta.Layers[j]
			for k, v := range l.Fields {
				if _, ok := have.Fields[k]; !ok {
					have.Fields[k] = v
				}
			}
			have.MinZoom, have.MaxZoom = min(have.MinZoom, l.MinZoom), max(have.MaxZoom, l.MaxZoom)
		}
	}
	s.meta.Name = strings.Join(names, " + ")
	s.meta.Attribution = strings.Join(attrs, "; ")
	return s
}

// Sources returns the stacked sources, first first.
func (s *Stack) Sources() []Source { return s.srcs }

// Meta implements Source: bounds and zooms are the union, layers merged by id.
func (s *Stack) Meta() Meta { return s.meta }

// Tile implements Source. A source's error other than ErrNoTile does not
// hide the tile in a later source; it is returned only if no source has
// the tile.
func (s *Stack) Tile(ctx context.Context, z, x, y int) ([]byte, error) {
	var firstErr error
	for _, src := range s.srcs {
		b, err := src.Tile(ctx, z, x, y)
		if err == nil {
			return b, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !errors.Is(err, ErrNoTile) && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return nil, fmt.Errorf("%w: %d/%d/%d", ErrNoTile, z, x, y)
}

// Walk implements Walker: every tile of every source, where a tile present
// in several sources is reported once, from the first.
func (s *Stack) Walk(ctx context.Context, fn func(z, x, y int, data []byte) error) error {
	seen := map[uint64]bool{}
	for _, src := range s.srcs {
		err := Walk(ctx, src, func(z, x, y int, data []byte) error {
			id := ZXYToID(z, x, y)
			if seen[id] {
				return nil
			}
			seen[id] = true
			return fn(z, x, y, data)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Close implements Source; it closes every source.
func (s *Stack) Close() error {
	var errs []error
	for _, src := range s.srcs {
		errs = append(errs, src.Close())
	}
	return errors.Join(errs...)
}
