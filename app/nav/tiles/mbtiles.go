package tiles

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver "sqlite"
)

// MBTiles reads an MBTiles 1.3 file (SQLite; tiles in the TMS scheme,
// optionally gzip-compressed). It is safe for concurrent use.
type MBTiles struct {
	db   *sql.DB
	path string
	meta Meta
	get  *sql.Stmt
}

// OpenMBTiles opens an MBTiles file read-only. The database is opened
// immutable (no locks, no journal), which is right for tile files that are
// replaced rather than edited in place; a file with a -wal beside it is
// opened read-only but not immutable, so committed WAL pages are seen.
func OpenMBTiles(path string) (Source, error) {
	return openMBTiles(path)
}

func openMBTiles(path string) (*MBTiles, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tiles: %w", err)
	}
	head := make([]byte, len(sqliteMagic))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, sqliteMagic) {
		return nil, fmt.Errorf("tiles: %s: not an SQLite (MBTiles) file", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("tiles: %s: %w", path, err)
	}
	q := url.Values{"mode": {"ro"}}
	if _, err := os.Stat(abs + "-wal"); err != nil {
		q.Set("immutable", "1")
	}
	q.Add("_pragma", "query_only(1)")
	dsn := (&url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("tiles: %s: %w", path, err)
	}
	db.SetMaxOpenConns(runtime.GOMAXPROCS(0))
	db.SetMaxIdleConns(runtime.GOMAXPROCS(0))
	m := &MBTiles{db: db, path: path}
	if err := m.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("tiles: %s: MBTiles: %w", path, err)
	}
	return m, nil
}

func (m *MBTiles) init() error {
	var n int
	err := m.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'tiles' AND type IN ('table', 'view')`).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.New("no tiles table or view")
	}
	if m.get, err = m.db.Prepare(`SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?`); err != nil {
		return err
	}
	m.meta = Meta{Format: "mbtiles", MinZoom: -1, MaxZoom: -1}
	md := map[string]string{}
	rows, err := m.db.Query(`SELECT name, value FROM metadata`)
	if err == nil {
		for rows.Next() {
			var k, v sql.NullString
			if err := rows.Scan(&k, &v); err != nil {
				rows.Close()
				return fmt.Errorf("metadata: %w", err)
			}
			md[k.String] = v.String
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("metadata: %w", err)
		}
	} else if !strings.Contains(err.Error(), "no such table") {
		return fmt.Errorf("metadata: %w", err)
	}
	return m.applyMetadata(md)
}

func (m *MBTiles) applyMetadata(md map[string]string) error {
	mt := &m.meta
	mt.Name, mt.Attribution, mt.Description = md["name"], md["attribution"], md["description"]
	if s, ok := md["json"]; ok && s != "" {
		tj, err := parseTileJSON([]byte(s))
		if err != nil {
			return fmt.Errorf("metadata field json: %w", err)
		}
		mt.Layers = layersOf(tj.VectorLayers)
		if mt.Attribution == "" {
			mt.Attribution = tj.Attribution
		}
	}
	if s, ok := md["bounds"]; ok {
		v, err := floats(s, 4)
		if err != nil {
			return fmt.Errorf("metadata field bounds %q: %w", s, err)
		}
		mt.Bounds = orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
	} else {
		mt.Bounds = orb.Bound{Min: orb.Point{-180, -85.0511}, Max: orb.Point{180, 85.0511}}
	}
	for _, f := range []struct {
		key string
		dst *int
	}{{"minzoom", &mt.MinZoom}, {"maxzoom", &mt.MaxZoom}} {
		s, ok := md[f.key]
		if !ok {
			continue
		}
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("metadata field %s %q: not an integer", f.key, s)
		}
		*f.dst = v
	}
	if mt.MinZoom < 0 || mt.MaxZoom < 0 {
		var lo, hi sql.NullInt64
		if err := m.db.QueryRow(`SELECT min(zoom_level), max(zoom_level) FROM tiles`).Scan(&lo, &hi); err != nil {
			return fmt.Errorf("zoom levels: %w", err)
		}
		if mt.MinZoom < 0 {
			mt.MinZoom = int(lo.Int64)
		}
		if mt.MaxZoom < 0 {
			mt.MaxZoom = int(hi.Int64)
		}
	}
	if s, ok := md["center"]; ok {
		v, err := floats(s, 3)
		if err != nil {
			return fmt.Errorf("metadata field center %q: %w", s, err)
		}
		mt.Center, mt.CenterZoom = orb.Point{v[0], v[1]}, int(v[2])
	} else {
		mt.Center, mt.CenterZoom = mt.Bounds.Center(), mt.MinZoom
	}
	return nil
}

func floats(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("want %d comma-separated numbers", n)
	}
	v := make([]float64, n)
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", p)
		}
		v[i] = f
	}
	return v, nil
}

// Meta implements Source.
func (m *MBTiles) Meta() Meta { return m.meta }

// Close implements Source.
func (m *MBTiles) Close() error {
	m.get.Close()
	return m.db.Close()
}

// Tile implements Source.
func (m *MBTiles) Tile(ctx context.Context, z, x, y int) ([]byte, error) {
	if !validZXY(z, x, y) {
		return nil, fmt.Errorf("%w: %d/%d/%d", ErrNoTile, z, x, y)
	}
	row := (1 << uint(z)) - 1 - y
	var b []byte
	err := m.get.QueryRowContext(ctx, z, x, row).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %d/%d/%d", ErrNoTile, z, x, y)
	}
	if err != nil {
		return nil, fmt.Errorf("tiles: %s: tile %d/%d/%d: %w", m.path, z, x, y, err)
	}
	if len(b) > MaxTileSize {
		return nil, fmt.Errorf("tiles: %s: tile %d/%d/%d: %d bytes exceeds the limit", m.path, z, x, y, len(b))
	}
	out, err := decompress(b)
	if err != nil {
		return nil, fmt.Errorf("tiles: %s: tile %d/%d/%d: decompressing: %w", m.path, z, x, y, err)
	}
	return out, nil
}

// Walk implements Walker.
func (m *MBTiles) Walk(ctx context.Context, fn func(z, x, y int, data []byte) error) error {
	rows, err := m.db.QueryContext(ctx, `SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles`)
	if err != nil {
		return fmt.Errorf("tiles: %s: %w", m.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var z, x, row int
		var b []byte
		if err := rows.Scan(&z, &x, &row, &b); err != nil {
			return fmt.Errorf("tiles: %s: %w", m.path, err)
		}
		if z < 0 || z > 31 {
			return fmt.Errorf("tiles: %s: zoom level %d out of range", m.path, z)
		}
		y := (1 << uint(z)) - 1 - row
		out, err := decompress(b)
		if err != nil {
			return fmt.Errorf("tiles: %s: tile %d/%d/%d: decompressing: %w", m.path, z, x, y, err)
		}
		if err := fn(z, x, y, out); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("tiles: %s: %w", m.path, err)
	}
	return nil
}

func (m *MBTiles) count(ctx context.Context) (int, error) {
	var n int
	if err := m.db.QueryRowContext(ctx, `SELECT count(*) FROM tiles`).Scan(&n); err != nil {
		return 0, fmt.Errorf("tiles: %s: %w", m.path, err)
	}
	return n, nil
}
