// Package library owns the local music index: it finds audio files (MP3,
// FLAC, Ogg Vorbis, WAV) in the music folders and the embedded demo music,
// reads their tags, cover art and durations, keeps them in a SQLite index
// that is rescanned incrementally in the background, and answers browse
// and search queries (artists, albums, tracks, folders, M3U playlists). It
// opens a track's bytes for the player but decodes no audio and plays
// nothing; it has no UI and never runs on the UI goroutine's behalf.
package library

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/dhowden/tag"
)

// EmbedPrefix marks a Track.Path that names a file in the embedded assets
// (for example "embed:music/01-first-light.flac").
const EmbedPrefix = "embed:"

// Track is one playable file in the library.
type Track struct {
	ID   int64
	Path string // absolute path, or "embed:music/…" for the embedded demo tracks

	Title, Artist, Album, AlbumArtist, Genre string
	TrackNo, DiscNo, Year                    int

	Duration time.Duration // 0 if unknown
	Format   string        // "mp3", "flac", "ogg", "wav"
	HasCover bool
}

// Embedded reports whether the track is one of the embedded demo tracks.
func (t Track) Embedded() bool { return strings.HasPrefix(t.Path, EmbedPrefix) }

// DisplayTitle is the title, or the file name without extension when the
// file has no title tag.
func (t Track) DisplayTitle() string {
	if t.Title != "" {
		return t.Title
	}
	return titleFromPath(t.Path)
}

// Open opens the audio bytes of a track: the file on disk, or the embedded
// demo file. The caller closes it.
func (l *Library) Open(t Track) (io.ReadSeekCloser, error) {
	if name, ok := strings.CutPrefix(t.Path, EmbedPrefix); ok {
		if l.embedded == nil {
			return nil, fmt.Errorf("library: %s: no embedded files", t.Path)
		}
		f, err := l.embedded.Open(name)
		if err != nil {
			return nil, fmt.Errorf("library: %w", err)
		}
		rs, ok := f.(io.ReadSeekCloser)
		if !ok {
			// embed.FS files seek; other fs.FS implementations may not.
			b, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("library: %s: %w", t.Path, err)
			}
			return nopCloser{bytes.NewReader(b)}, nil
		}
		return rs, nil
	}
	f, err := os.Open(t.Path)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	return f, nil
}

// ErrNoCover is returned by Cover for a track without embedded cover art.
var ErrNoCover = errors.New("library: no cover art")

// Cover returns the track's embedded cover art and its MIME type, or
// ErrNoCover.
func (l *Library) Cover(t Track) ([]byte, string, error) {
	f, err := l.Open(t)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	m, err := tag.ReadFrom(f)
	if err != nil {
		return nil, "", ErrNoCover
	}
	p := m.Picture()
	if p == nil || len(p.Data) == 0 {
		return nil, "", ErrNoCover
	}
	mime := p.MIMEType
	if mime == "" || !strings.Contains(mime, "/") {
		mime = sniffImage(p.Data)
	}
	return p.Data, mime, nil
}

func sniffImage(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("\xff\xd8")):
		return "image/jpeg"
	}
	return "application/octet-stream"
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// titleFromPath is the file name without directory and extension.
func titleFromPath(p string) string {
	p = strings.TrimPrefix(p, EmbedPrefix)
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	if i := strings.LastIndexByte(p, '.'); i > 0 {
		p = p[:i]
	}
	return p
}
