package library

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Entry is one item of an M3U playlist.
type Entry struct {
	Path     string        // absolute and cleaned for file entries; URLs kept as written
	Title    string        // from #EXTINF, "" if none
	Duration time.Duration // from #EXTINF, 0 if unknown (-1 in the file)
	Line     int           // 1-based line of the location in the file
}

// URL reports whether the entry is a URL (not a local file).
func (e Entry) URL() bool { return strings.Contains(e.Path, "://") }

// maxPlaylistLine bounds one line of a playlist; longer lines are an error.
const maxPlaylistLine = 64 << 10

// ParseM3U reads an M3U or M3U8 playlist. Relative locations are resolved
// against dir (the playlist's folder). Both plain lists and extended M3U
// (#EXTM3U, #EXTINF:seconds,title) are read; other # lines are comments.
// Text is UTF-8 (a BOM is dropped); a line that is not valid UTF-8 is read
// as Latin-1, as old .m3u writers produce. CRLF and CR line ends are fine.
// Backslashes in relative locations are read as folder separators.
func ParseM3U(r io.Reader, dir string) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxPlaylistLine)
	sc.Split(scanLinesAnyEOL)
	var out []Entry
	var pendTitle string
	var pendDur time.Duration
	havePend := false
	for n := 1; sc.Scan(); n++ {
		raw := sc.Bytes()
		if n == 1 {
			raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
		}
		line := strings.TrimSpace(decodeText(raw))
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "#EXTINF:"):
			d, t, err := parseEXTINF(line[len("#EXTINF:"):])
			if err != nil {
				return out, fmt.Errorf("line %d: #EXTINF: %w", n, err)
			}
			pendTitle, pendDur, havePend = t, d, true
			continue
		case strings.HasPrefix(line, "#"):
			continue
		}
		if strings.ContainsRune(line, 0) {
			return out, fmt.Errorf("line %d: NUL byte in location", n)
		}
		e := Entry{Line: n}
		if havePend {
			e.Title, e.Duration = pendTitle, pendDur
			havePend = false
		}
		e.Path = resolveLocation(line, dir)
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return out, fmt.Errorf("line longer than %d bytes", maxPlaylistLine)
		}
		return out, err
	}
	return out, nil
}

// parseEXTINF reads "seconds[ attributes],title".
func parseEXTINF(s string) (time.Duration, string, error) {
	head, title, _ := strings.Cut(s, ",")
	head = strings.TrimSpace(head)
	if i := strings.IndexAny(head, " \t"); i >= 0 {
		head = head[:i] // attributes such as tvg-id="…" follow the length
	}
	var d time.Duration
	if head != "" {
		sec, err := strconv.ParseFloat(head, 64)
		if err != nil {
			return 0, "", fmt.Errorf("length %q is not a number", head)
		}
		if sec > 0 && sec < 1e7 {
			d = time.Duration(sec * float64(time.Second))
		}
	}
	return d, strings.TrimSpace(title), nil
}

func resolveLocation(loc, dir string) string {
	if strings.HasPrefix(loc, "file://") {
		if u, err := url.Parse(loc); err == nil && u.Path != "" {
			return filepath.Clean(u.Path)
		}
	}
	if strings.Contains(loc, "://") {
		return loc
	}
	if filepath.IsAbs(loc) {
		return filepath.Clean(loc)
	}
	loc = strings.ReplaceAll(loc, `\`, "/")
	return filepath.Join(dir, loc)
}

// scanLinesAnyEOL splits on \n, \r\n or a lone \r.
func scanLinesAnyEOL(data []byte, atEOF bool) (int, []byte, error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		if data[i] == '\r' {
			if i+1 < len(data) {
				if data[i+1] == '\n' {
					return i + 2, data[:i], nil
				}
				return i + 1, data[:i], nil
			}
			if !atEOF {
				return 0, nil, nil // need to see whether \n follows
			}
		}
		return i + 1, data[:i], nil
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// indexPlaylist parses a playlist file (if new or changed) into the index.
func (l *Library) indexPlaylist(ctx context.Context, p string, k *known) error {
	fi, err := os.Stat(p)
	if err != nil {
		return errors.New(errReason(err))
	}
	size, mtime := fi.Size(), fi.ModTime().UnixNano()
	if k != nil && k.size == size && k.mtime == mtime {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return errors.New(errReason(err))
	}
	defer f.Close()
	entries, perr := ParseM3U(f, filepath.Dir(p))
	var b strings.Builder
	for _, e := range entries {
		if e.URL() {
			continue
		}
		b.WriteString(e.Path)
		b.WriteByte('\n')
	}
	problem := ""
	if perr != nil {
		problem = perr.Error()
	}
	name := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
	_, err = l.db.ExecContext(ctx, `INSERT INTO playlists (path, name, size, mtime, entries, problem) VALUES (?,?,?,?,?,?)
		ON CONFLICT(path) DO UPDATE SET name=excluded.name, size=excluded.size, mtime=excluded.mtime,
		entries=excluded.entries, problem=excluded.problem`, p, name, size, mtime, b.String(), problem)
	if err != nil {
		return fmt.Errorf("library: %w", err)
	}
	if perr != nil {
		return perr
	}
	return nil
}
