package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Stats summarises one scan.
type Stats struct {
	Seen      int // files looked at
	Probed    int // files read (new or changed)
	Unchanged int // files skipped by size+mtime
	Tracks    int // playable tracks in the index after the scan
	Skipped   int // audio-looking files marked unusable
	Removed   int // index rows whose file is gone
	Playlists int
	Took      time.Duration
}

// file status in the index.
const (
	statusTrack   = 0
	statusSkipped = 1
	statusOther   = 2 // not audio and not a playlist; kept so rescans skip it
)

// Inspect reads one file the way the scanner does: its tags and duration as
// a Track (ID 0), or an error whose text is the reason it is skipped
// ("unsupported: …", "corrupt: …", "truncated: …", "not audio").
func Inspect(p string) (Track, error) {
	f, err := os.Open(p)
	if err != nil {
		return Track{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Track{}, err
	}
	in, err := probe(f, st.Size())
	if err != nil {
		return Track{}, err
	}
	return in.track(p), nil
}

func (in info) track(p string) Track {
	return Track{Path: p, Title: in.Title, Artist: in.Artist, Album: in.Album, AlbumArtist: in.AlbumArtist,
		Genre: in.Genre, TrackNo: in.TrackNo, DiscNo: in.DiscNo, Year: in.Year, Duration: in.Duration,
		Format: in.Format, HasCover: in.HasCover}
}

// IsPlaylist reports whether a file name is an M3U/M3U8 playlist.
func IsPlaylist(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".m3u", ".m3u8":
		return true
	}
	return false
}

type known struct {
	size, mtime int64
	seen        bool
}

// Scan walks the music folders and the embedded demo music once, probing
// new and changed files and dropping vanished ones. Call it off the UI
// goroutine; Start runs it in the background.
func (l *Library) Scan(ctx context.Context) (Stats, error) {
	l.scanMu.Lock()
	defer l.scanMu.Unlock()
	start := time.Now()
	l.mu.Lock()
	l.progress = Progress{Scanning: true, Started: start, Tracks: l.progress.Tracks, Skipped: l.progress.Skipped}
	l.mu.Unlock()
	l.notify()

	st, problems, err := l.scan(ctx)
	st.Took = time.Since(start)
	l.mu.Lock()
	if err == nil {
		l.problems = problems
	}
	l.progress = Progress{Seen: st.Seen, Tracks: st.Tracks, Skipped: st.Skipped, Started: start, Took: st.Took}
	l.mu.Unlock()
	l.notify()
	return st, err
}

// scanTxBatch is how many file rows go into one transaction.
const scanTxBatch = 500

// indexed returns the size and mtime of every path indexed in table
// ("files" or "playlists"), for the incremental rescan.
func (l *Library) indexed(ctx context.Context, table string) (map[string]*known, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT path, size, mtime FROM `+table)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	defer rows.Close()
	out := map[string]*known{}
	for rows.Next() {
		var p string
		k := &known{}
		if err := rows.Scan(&p, &k.size, &k.mtime); err != nil {
			return nil, fmt.Errorf("library: %w", err)
		}
		out[p] = k
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	return out, nil
}

func (l *Library) scan(ctx context.Context) (Stats, []Problem, error) {
	var st Stats
	var problems []Problem
	old, err := l.indexed(ctx, "files")
	if err != nil {
		return st, nil, err
	}
	oldPl, err := l.indexed(ctx, "playlists")
	if err != nil {
		return st, nil, err
	}

	w := &writer{l: l, ctx: ctx}
	defer w.rollback()
	var keep []string // prefixes whose rows must survive (unreadable roots)
	var todo []job    // new and changed files, probed after the walk
	var playlists []string

	visit := func(p string, size, mtime int64, open func() (readSeekerAt, io.Closer, error)) error {
		st.Seen++
		if st.Seen%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			l.mu.Lock()
			l.progress.Seen = st.Seen
			l.mu.Unlock()
			l.notify()
		}
		if IsPlaylist(p) {
			playlists = append(playlists, p)
			if k := oldPl[p]; k != nil {
				k.seen = true
			}
			return nil
		}
		if k := old[p]; k != nil {
			k.seen = true
			if k.size == size && k.mtime == mtime {
				st.Unchanged++
				return nil
			}
		}
		st.Probed++
		todo = append(todo, job{path: p, size: size, mtime: mtime, open: open})
		return nil
	}

	// Embedded demo music: always part of the library.
	if l.embedded != nil {
		err := fs.WalkDir(l.embedded, EmbeddedDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return nil
			}
			return visit(EmbedPrefix+p, fi.Size(), 0, func() (readSeekerAt, io.Closer, error) {
				f, err := l.embedded.Open(p)
				if err != nil {
					return nil, nil, err
				}
				if rs, ok := f.(readSeekerAt); ok {
					return rs, f, nil
				}
				f.Close()
				return nil, nil, fmt.Errorf("embedded file %s cannot seek", p)
			})
		})
		if err != nil {
			return st, nil, err
		}
	}

	for _, root := range l.roots {
		if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
			reason := "not a folder"
			if err != nil {
				reason = errReason(err)
			}
			if !(errors.Is(err, fs.ErrNotExist) && root == MusicDir()) {
				problems = append(problems, Problem{root, reason})
			}
			if !errors.Is(err, fs.ErrNotExist) {
				keep = append(keep, root+string(filepath.Separator))
			}
			continue
		}
		var files []string
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				problems = append(problems, Problem{p, errReason(err)})
				keep = append(keep, p+string(filepath.Separator))
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if p != root && strings.HasPrefix(d.Name(), ".") {
					return fs.SkipDir
				}
				return nil
			}
			// Regular files and symlinks (followed when they name a file;
			// directory symlinks are not followed: no loops).
			if d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0 {
				files = append(files, p)
			}
			return ctx.Err()
		})
		if err != nil {
			return st, nil, err
		}
		for i, fi := range statAll(files) {
			p := files[i]
			if fi.err != nil {
				problems = append(problems, Problem{p, errReason(fi.err)})
				continue
			}
			if !fi.regular {
				continue
			}
			err := visit(p, fi.size, fi.mtime, func() (readSeekerAt, io.Closer, error) {
				f, err := os.Open(p)
				if err != nil {
					return nil, nil, errors.New(errReason(err))
				}
				return f, f, nil
			})
			if err != nil {
				return st, nil, err
			}
		}
	}

	// Probe on all cores; write in one goroutine (SQLite has one writer).
	for r := range probeAll(ctx, todo) {
		if r.openErr != nil {
			problems = append(problems, Problem{r.path, r.openErr.Error()})
			if k := old[r.path]; k != nil {
				k.seen = false // unreadable now: drop it
			}
			continue
		}
		if err := w.put(r.path, r.size, r.mtime, r.in, r.err); err != nil {
			return st, nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return st, nil, err
	}

	// Drop rows of files that are gone, except below unreadable folders.
	for p, k := range old {
		if k.seen || hasAnyPrefix(p, keep) {
			continue
		}
		if err := w.del(p); err != nil {
			return st, nil, err
		}
		st.Removed++
	}
	for p, k := range oldPl {
		if k.seen || hasAnyPrefix(p, keep) {
			continue
		}
		if err := w.exec(`DELETE FROM playlists WHERE path = ?`, p); err != nil {
			return st, nil, err
		}
	}
	if err := w.commit(); err != nil {
		return st, nil, err
	}
	// Playlists last: their entries are matched against the tracks.
	for _, p := range playlists {
		if err := l.indexPlaylist(ctx, p, oldPl[p]); err != nil {
			problems = append(problems, Problem{p, err.Error()})
		}
	}
	if err := l.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM files WHERE status = 0),
		(SELECT count(*) FROM files WHERE status = 1),
		(SELECT count(*) FROM playlists)`).Scan(&st.Tracks, &st.Skipped, &st.Playlists); err != nil {
		return st, nil, fmt.Errorf("library: %w", err)
	}
	for _, pr := range problems {
		l.log.Warn("media library", "path", pr.Path, "problem", pr.Reason)
	}
	return st, problems, nil
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// errReason is an OS error without the "open /path:" prefix.
func errReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// writer batches index writes into transactions.
type writer struct {
	l   *Library
	ctx context.Context
	tx  *sql.Tx
	ups *sql.Stmt
	n   int
}

func (w *writer) begin() error {
	if w.tx != nil {
		return nil
	}
	tx, err := w.l.db.BeginTx(w.ctx, nil)
	if err != nil {
		return fmt.Errorf("library: %w", err)
	}
	w.tx = tx
	w.ups, err = tx.PrepareContext(w.ctx, `INSERT INTO files
		(path, dir, size, mtime, status, reason, format, title, artist, album, album_artist, genre, track_no, disc_no, year, duration_ms, has_cover)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime=excluded.mtime, status=excluded.status,
		reason=excluded.reason, format=excluded.format, title=excluded.title, artist=excluded.artist,
		album=excluded.album, album_artist=excluded.album_artist, genre=excluded.genre,
		track_no=excluded.track_no, disc_no=excluded.disc_no, year=excluded.year,
		duration_ms=excluded.duration_ms, has_cover=excluded.has_cover`)
	if err != nil {
		return fmt.Errorf("library: %w", err)
	}
	return nil
}

func (w *writer) put(p string, size, mtime int64, in info, perr error) error {
	if err := w.begin(); err != nil {
		return err
	}
	status, reason := statusTrack, ""
	var se *skipError
	switch {
	case perr == nil:
	case errors.As(perr, &se):
		status, reason = statusSkipped, se.Error()
		w.l.log.Info("media library: skipped", "path", p, "reason", reason)
	default: // not audio
		status, reason = statusOther, perr.Error()
		if looksLikeAudio(p) {
			// An audio name on something that is no audio: say so.
			status, reason = statusSkipped, "unsupported: content is not MP3, FLAC, Ogg Vorbis or WAV"
			w.l.log.Info("media library: skipped", "path", p, "reason", reason)
		}
	}
	dir := dirOf(p)
	_, err := w.ups.ExecContext(w.ctx, p, dir, size, mtime, status, reason, in.Format, in.Title, in.Artist, in.Album,
		in.AlbumArtist, in.Genre, in.TrackNo, in.DiscNo, in.Year, in.Duration.Milliseconds(), in.HasCover)
	if err != nil {
		return fmt.Errorf("library: index %s: %w", p, err)
	}
	return w.tick()
}

func (w *writer) del(p string) error { return w.exec(`DELETE FROM files WHERE path = ?`, p) }

func (w *writer) exec(q string, args ...any) error {
	if err := w.begin(); err != nil {
		return err
	}
	if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
		return fmt.Errorf("library: %w", err)
	}
	return w.tick()
}

func (w *writer) tick() error {
	w.n++
	if w.n >= scanTxBatch {
		return w.commit()
	}
	return nil
}

func (w *writer) commit() error {
	if w.tx == nil {
		return nil
	}
	w.ups.Close()
	err := w.tx.Commit()
	w.tx, w.ups, w.n = nil, nil, 0
	if err != nil {
		return fmt.Errorf("library: %w", err)
	}
	return nil
}

func (w *writer) rollback() {
	if w.tx != nil {
		w.ups.Close()
		w.tx.Rollback()
		w.tx = nil
	}
}

// dirOf is the folder of a track path ("embed:music" for embedded ones).
func dirOf(p string) string {
	if strings.HasPrefix(p, EmbedPrefix) {
		return path.Dir(p)
	}
	return filepath.Dir(p)
}

var audioExts = map[string]bool{".mp3": true, ".flac": true, ".ogg": true, ".oga": true, ".wav": true, ".wave": true, ".opus": true, ".m4a": true, ".aac": true, ".wma": true, ".aiff": true, ".aif": true}

func looksLikeAudio(p string) bool { return audioExts[strings.ToLower(path.Ext(p))] }

// job is a file to probe; result is what probing it gave.
type job struct {
	path        string
	size, mtime int64
	open        func() (readSeekerAt, io.Closer, error)
}

type result struct {
	job
	in      info
	err     error // probe result (skip reason)
	openErr error
}

// probeAll probes jobs on GOMAXPROCS workers and delivers the results in
// any order; the channel closes when all are done or ctx ends.
func probeAll(ctx context.Context, jobs []job) <-chan result {
	out := make(chan result, 64)
	in := make(chan job)
	var wg sync.WaitGroup
	for n := min(runtime.GOMAXPROCS(0), max(1, len(jobs))); n > 0; n-- {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range in {
				r := result{job: j}
				rs, c, err := j.open()
				if err != nil {
					r.openErr = err
				} else {
					r.in, r.err = probeSafe(rs, j.size)
					c.Close()
				}
				out <- r
			}
		}()
	}
	go func() {
		defer close(in)
		for _, j := range jobs {
			select {
			case in <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// probeSafe is probe with a panic (a bug on some hostile file) turned into
// a skip reason, so one file never stops a scan.
func probeSafe(rs readSeekerAt, size int64) (in info, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = corrupt("reading the file failed: %v", p)
		}
	}()
	return probe(rs, size)
}

type statResult struct {
	size, mtime int64
	regular     bool
	err         error
}

// statAll stats files on a few goroutines (the calls block in the kernel,
// so more than one in flight pays even on one core).
func statAll(files []string) []statResult {
	out := make([]statResult, len(files))
	const workers = 4
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(files); i += workers {
				fi, err := os.Stat(files[i])
				if err != nil {
					out[i].err = err
					continue
				}
				out[i] = statResult{size: fi.Size(), mtime: fi.ModTime().UnixNano(), regular: fi.Mode().IsRegular()}
			}
		}()
	}
	wg.Wait()
	return out
}
