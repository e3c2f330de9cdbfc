package player

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fascia-hmi/fascia/internal/atomicfile"
)

// saved is the state kept across restarts.
type saved struct {
	Version  int           `json:"version"`
	Queue    []Item        `json:"queue"` // in play order
	Index    int           `json:"index"`
	Position time.Duration `json:"position"`
	Volume   int           `json:"volume"`
	Shuffle  bool          `json:"shuffle,omitempty"`
	Repeat   Repeat        `json:"repeat,omitempty"`
}

// parseState decodes and checks a saved state; name is for errors.
func parseState(data []byte, name string) (*saved, error) {
	var s saved
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	switch {
	case s.Version != 1:
		return nil, fmt.Errorf("%s: version %d, want 1", name, s.Version)
	case len(s.Queue) > 0 && (s.Index < 0 || s.Index >= len(s.Queue)):
		return nil, fmt.Errorf("%s: index %d outside the queue of %d", name, s.Index, len(s.Queue))
	case s.Volume < 0 || s.Volume > 100:
		return nil, fmt.Errorf("%s: volume %d outside 0–100", name, s.Volume)
	case s.Position < 0:
		return nil, fmt.Errorf("%s: negative position", name)
	case s.Repeat < RepeatOff || s.Repeat > RepeatOne:
		return nil, fmt.Errorf("%s: repeat %d unknown", name, s.Repeat)
	}
	for i, it := range s.Queue {
		if it.Path == "" {
			return nil, fmt.Errorf("%s: queue[%d] has no path", name, i)
		}
	}
	return &s, nil
}

// loadState reads the state file; a missing file is no state and no error.
func loadState(path string) (*saved, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return parseState(data, path)
}

// Restore takes the queue, track, position, volume and modes kept at path
// (when the queue is still empty; a missing file is no error) and keeps
// them there from now on: on every track change, pause, ten seconds of
// playback and Close. It reads one small file; call it before the UI shows.
func (p *Player) Restore(path string) error {
	p.mu.Lock()
	if p.statePath != "" || p.closed {
		p.mu.Unlock()
		return fmt.Errorf("player: state already kept at %s", p.statePath)
	}
	p.statePath = path
	s, err := loadState(path)
	if err == nil && s != nil && len(p.queue) == 0 {
		p.restore(s)
		p.gain = Gain(p.volume)
		p.publishLocked()
	}
	p.mu.Unlock()
	p.wg.Add(1)
	go p.saver()
	return err
}

func (p *Player) restore(s *saved) {
	for _, it := range s.Queue {
		p.nextUID++
		p.queue = append(p.queue, entry{Item: it, uid: p.nextUID})
	}
	p.orig = append([]entry(nil), p.queue...)
	p.pos = -1
	if len(p.queue) > 0 {
		p.pos = s.Index
	}
	p.resume, p.volume, p.shuffle, p.repeat = s.Position, s.Volume, s.Shuffle, s.Repeat
}

func (p *Player) snapshotLocked() *saved {
	s := &saved{Version: 1, Index: max(p.pos, 0), Position: p.resume, Volume: p.volume, Shuffle: p.shuffle, Repeat: p.repeat}
	if p.cur != nil {
		s.Position = p.cur.position()
	}
	for _, e := range p.queue {
		s.Queue = append(s.Queue, e.Item)
	}
	if len(s.Queue) == 0 {
		s.Index, s.Position = 0, 0
	}
	return s
}

// requestSave asks the saver goroutine to write the state soon.
func (p *Player) requestSave() {
	select {
	case p.save <- struct{}{}:
	default:
	}
}

func (p *Player) saver() {
	defer p.wg.Done()
	for {
		select {
		case <-p.stop:
			return
		case <-p.save:
			if err := p.writeState(); err != nil {
				p.log.Warn("player state not saved", "err", err)
			}
		}
	}
}

// writeState writes the state to a temporary file and renames it over the
// old one, so that a crash never leaves half a file.
func (p *Player) writeState() error {
	p.mu.Lock()
	s := p.snapshotLocked()
	path := p.statePath
	p.mu.Unlock()
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, data, 0o600)
}

// DefaultStatePath returns $XDG_DATA_HOME/fascia/player.json (or
// ~/.local/share/fascia/player.json).
func DefaultStatePath() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "fascia", "player.json")
}
