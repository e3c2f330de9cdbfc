package library

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// Options configure a Library.
type Options struct {
	// DBPath is the SQLite index file; "" means DefaultDBPath().
	DBPath string
	// Folders are scanned in addition to the XDG music folder.
	Folders []string
	// NoMusicDir leaves the XDG music folder out (tools, tests).
	NoMusicDir bool
	// Embedded holds the demo music below EmbeddedDir ("music"); nil means
	// no embedded tracks. The cockpit passes assets.FS.
	Embedded fs.FS
	// Log receives scan problems; nil means slog.Default().
	Log *slog.Logger
}

// EmbeddedDir is the folder of the embedded demo music inside Options.Embedded.
const EmbeddedDir = "music"

// Problem is a folder or file the library could not use, for Settings.
type Problem struct {
	Path   string
	Reason string
}

// Library is the music index. Its methods are safe for concurrent use;
// every method may block on I/O and must not be called on the UI goroutine.
type Library struct {
	db       *sql.DB
	embedded fs.FS
	roots    []string
	log      *slog.Logger

	mu       sync.Mutex
	problems []Problem
	progress Progress
	subs     map[int]func()
	nextSub  int

	scanMu sync.Mutex // one scan at a time
	kick   chan struct{}

	cancel context.CancelFunc
	done   chan struct{}
}

// DefaultDBPath is ~/.local/share/fascia/media.db (XDG_DATA_HOME honoured).
func DefaultDBPath() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "fascia", "media.db")
}

// New opens (creating and migrating if needed) the index. It does not
// scan; call Start for the background scan and watch, or Scan.
func New(opts Options) (*Library, error) {
	path := opts.DBPath
	if path == "" {
		path = DefaultDBPath()
	}
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("library: %w", err)
		}
	}
	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	l := &Library{db: db, embedded: opts.Embedded, log: opts.Log, subs: map[int]func(){}}
	if l.log == nil {
		l.log = slog.Default()
	}
	if l.embedded != nil {
		if _, err := fs.Stat(l.embedded, EmbeddedDir); err != nil {
			l.embedded = nil
		}
	}
	seen := map[string]bool{}
	add := func(dir string) {
		if dir == "" {
			return
		}
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		dir = filepath.Clean(dir)
		if !seen[dir] {
			seen[dir] = true
			l.roots = append(l.roots, dir)
		}
	}
	if !opts.NoMusicDir {
		add(MusicDir())
	}
	for _, d := range opts.Folders {
		add(d)
	}
	return l, nil
}

// Roots are the folders the library scans (the embedded music aside).
func (l *Library) Roots() []string { return append([]string(nil), l.roots...) }

// Close stops the background scanner and watcher and closes the index.
func (l *Library) Close() error {
	l.mu.Lock()
	cancel, done := l.cancel, l.done
	l.cancel = nil
	l.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	return l.db.Close()
}

// Problems lists unreadable folders and files from the last scan.
func (l *Library) Problems() []Problem {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Problem(nil), l.problems...)
}

// Subscribe calls f (on the scanner's goroutine) whenever the index or the
// scan progress changes; the returned func unsubscribes.
func (l *Library) Subscribe(f func()) (cancel func()) {
	l.mu.Lock()
	id := l.nextSub
	l.nextSub++
	l.subs[id] = f
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		delete(l.subs, id)
		l.mu.Unlock()
	}
}

func (l *Library) notify() {
	l.mu.Lock()
	fs := make([]func(), 0, len(l.subs))
	for _, f := range l.subs {
		fs = append(fs, f)
	}
	l.mu.Unlock()
	for _, f := range fs {
		f()
	}
}
