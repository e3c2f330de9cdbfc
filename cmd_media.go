package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/app/media/library"
)

// mediaCommands are the `fascia media` subcommands; cmd_media_play.go adds "play".
var mediaCommands = map[string]func(args []string, stdout, stderr io.Writer) error{"scan": mediaScan}

func init() {
	register("media", command{usage: "fascia media scan DIR... [--json]\nfascia media play FILE... [--sink null|default]", run: runMedia})
}

func runMedia(args []string, stdout, stderr io.Writer) error {
	names := make([]string, 0, len(mediaCommands))
	for n := range mediaCommands {
		names = append(names, n)
	}
	if len(args) == 0 {
		return exitCode{2, "media: missing subcommand (" + strings.Join(sorted(names), ", ") + ")"}
	}
	f, ok := mediaCommands[args[0]]
	if !ok {
		return exitCode{2, fmt.Sprintf("media: unknown subcommand %q (%s)", args[0], strings.Join(sorted(names), ", "))}
	}
	return f(args[1:], stdout, stderr)
}

func sorted(s []string) []string {
	sort.Strings(s)
	return s
}

// scanRecord is one line of `fascia media scan --json`.
type scanRecord struct {
	Path        string  `json:"path"`
	Status      string  `json:"status"` // "track", "skipped", "not audio", "playlist"
	Reason      string  `json:"reason,omitempty"`
	Format      string  `json:"format,omitempty"`
	Title       string  `json:"title,omitempty"`
	Artist      string  `json:"artist,omitempty"`
	Album       string  `json:"album,omitempty"`
	AlbumArtist string  `json:"album_artist,omitempty"`
	Genre       string  `json:"genre,omitempty"`
	TrackNo     int     `json:"track,omitempty"`
	DiscNo      int     `json:"disc,omitempty"`
	Year        int     `json:"year,omitempty"`
	Seconds     float64 `json:"seconds,omitempty"`
	Cover       bool    `json:"cover,omitempty"`
	Entries     int     `json:"entries,omitempty"`
}

// mediaScan scans folders into a throw-away index (the cockpit's own index
// is untouched) and lists every file with its tags or the reason it is
// skipped, then a summary line on stderr.
func mediaScan(args []string, stdout, stderr io.Writer) error {
	asJSON := false
	var dirs []string
	for _, a := range args {
		switch {
		case a == "--json" || a == "-json":
			asJSON = true
		case strings.HasPrefix(a, "-"):
			return exitCode{2, fmt.Sprintf("media scan: unknown flag %s\nusage: fascia media scan DIR... [--json]", a)}
		default:
			dirs = append(dirs, a)
		}
	}
	if len(dirs) == 0 {
		return exitCode{2, "usage: fascia media scan DIR... [--json]"}
	}
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("media scan: %w", err)
		}
		if !fi.IsDir() {
			return exitCode{2, fmt.Sprintf("media scan: %s is not a folder", d)}
		}
	}
	start := time.Now()
	tmp, err := os.MkdirTemp("", "fascia-media-scan")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	lib, err := library.New(library.Options{DBPath: tmp + "/media.db", Folders: dirs, NoMusicDir: true, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer lib.Close()
	ctx := context.Background()
	st, err := lib.Scan(ctx)
	if err != nil {
		return err
	}
	files, err := lib.Files(ctx)
	if err != nil {
		return err
	}
	pls, err := lib.Playlists(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	emit := func(r scanRecord) error {
		if asJSON {
			return enc.Encode(r)
		}
		var err error
		switch r.Status {
		case "track":
			cover := ""
			if r.Cover {
				cover = "  [cover]"
			}
			_, err = fmt.Fprintf(stdout, "%s\t%s %5.1fs  %s / %s / %d. %s%s\n", r.Path, r.Format, r.Seconds,
				orDash(r.Artist), orDash(r.Album), r.TrackNo, library.Track{Path: r.Path, Title: r.Title}.DisplayTitle(), cover)
		case "playlist":
			_, err = fmt.Fprintf(stdout, "%s\tplaylist, %d entries%s\n", r.Path, r.Entries, prefixed(r.Reason))
		default:
			_, err = fmt.Fprintf(stdout, "%s\t%s: %s\n", r.Path, strings.ToUpper(r.Status), r.Reason)
		}
		return err
	}
	notAudio := 0
	for _, f := range files {
		r := scanRecord{Path: f.Path, Status: "track"}
		switch {
		case f.Skipped:
			r.Status, r.Reason, r.Format = "skipped", f.Reason, f.Format
		case f.NotAudio:
			r.Status, r.Reason = "not audio", "not MP3, FLAC, Ogg Vorbis or WAV"
			notAudio++
		default:
			t := f.Track
			r.Format, r.Title, r.Artist, r.Album, r.AlbumArtist, r.Genre = t.Format, t.Title, t.Artist, t.Album, t.AlbumArtist, t.Genre
			r.TrackNo, r.DiscNo, r.Year, r.Seconds, r.Cover = t.TrackNo, t.DiscNo, t.Year, t.Duration.Seconds(), t.HasCover
		}
		if err := emit(r); err != nil {
			return err
		}
	}
	for _, p := range pls {
		if err := emit(scanRecord{Path: p.Path, Status: "playlist", Entries: p.Entries, Reason: p.Problem}); err != nil {
			return err
		}
	}
	for _, p := range lib.Problems() {
		fmt.Fprintf(stderr, "problem: %s: %s\n", p.Path, p.Reason)
	}
	fmt.Fprintf(stderr, "%d tracks, %d skipped, %d not audio, %d playlists, %.2f seconds\n",
		st.Tracks, st.Skipped, notAudio, st.Playlists, time.Since(start).Seconds())
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func prefixed(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
