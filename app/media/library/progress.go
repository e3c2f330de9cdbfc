package library

import "time"

// Progress is the state of the current or last scan.
type Progress struct {
	Scanning bool
	Seen     int // files looked at so far
	Tracks   int // playable tracks in the index
	Skipped  int // audio-looking files that could not be used
	Started  time.Time
	Took     time.Duration // of the last finished scan
}

// Progress reports the current or last scan.
func (l *Library) Progress() Progress {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.progress
}
