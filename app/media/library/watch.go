package library

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// rescanDelay gathers a burst of file events (a copy of an album) into one rescan.
const rescanDelay = 2 * time.Second

// Start scans in the background, then watches the music folders and
// rescans (incrementally) when something changes in them. Close stops it.
// A panic in the scanner is logged and the scanner restarted.
func (l *Library) Start() {
	l.mu.Lock()
	if l.cancel != nil {
		l.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel, l.done = cancel, make(chan struct{})
	done := l.done
	l.mu.Unlock()
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if l.run(ctx) {
				return
			}
			select { // restart after a panic, not in a tight loop
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
}

// Rescan asks the background scanner for a rescan (no-op before Start).
func (l *Library) Rescan() {
	l.mu.Lock()
	ch := l.kick
	l.mu.Unlock()
	if ch != nil {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// run is the scanner loop; it returns true when ctx ends and false after a panic.
func (l *Library) run(ctx context.Context) (finished bool) {
	defer func() {
		if p := recover(); p != nil {
			l.log.Error("media library: scanner panicked; restarting", "panic", p, "stack", string(debug.Stack()))
			finished = false
		}
	}()
	kick := make(chan struct{}, 1)
	l.mu.Lock()
	l.kick = kick
	l.mu.Unlock()
	w, err := fsnotify.NewWatcher()
	if err != nil {
		l.log.Warn("media library: no file watching", "err", err)
		w = nil
	} else {
		defer w.Close()
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w != nil {
		events, errs = w.Events, w.Errors
	}
	timer := time.NewTimer(0) // first scan now
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return true
		case <-kick:
			timer.Reset(0)
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if ev.Op&fsnotify.Create != 0 {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					l.watchTree(w, ev.Name)
				}
			}
			if ev.Op&(fsnotify.Create|fsnotify.Write|fsnotify.Remove|fsnotify.Rename) != 0 {
				timer.Reset(rescanDelay)
			}
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			l.log.Warn("media library: watch", "err", err)
		case <-timer.C:
			// Watch first, so that nothing changed during the scan is missed.
			for _, r := range l.roots {
				l.watchTree(w, r)
			}
			st, err := l.Scan(ctx)
			if err != nil {
				if errors.Is(err, context.Canceled) {
					return true
				}
				l.log.Error("media library: scan", "err", err)
				continue
			}
			l.log.Info("media library: scanned", "tracks", st.Tracks, "skipped", st.Skipped, "probed", st.Probed, "took", st.Took)
		}
	}
}

// watchTree adds a watch on every folder below root (fsnotify is not recursive).
func (l *Library) watchTree(w *fsnotify.Watcher, root string) {
	if w == nil {
		return
	}
	watched := map[string]bool{}
	for _, p := range w.WatchList() {
		watched[p] = true
	}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if !watched[p] {
			if err := w.Add(p); err != nil {
				l.log.Debug("media library: watch", "path", p, "err", err)
			}
		}
		return nil
	})
}
