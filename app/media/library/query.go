package library

import (
	"context"
	"database/sql"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Artist is a browse row: an album artist (or artist) with counts.
type Artist struct {
	Name   string // "" for tracks without artist tags
	Albums int
	Tracks int
}

// Album is a browse row.
type Album struct {
	Title    string
	Artist   string // album artist, else the artist
	Year     int
	Tracks   int
	Duration time.Duration
	Cover    Track // a track of the album with cover art, or its first track
}

// Playlist is an M3U playlist found in the music folders.
type Playlist struct {
	Path    string
	Name    string
	Entries int
	Problem string // parse error, if the file was only partly read
}

// Folder is one level of the folder browser.
type Folder struct {
	Path    string   // "" for the top level
	Folders []string // child folders (absolute, or "embed:music")
	Tracks  []Track
}

const trackCols = `id, path, title, artist, album, album_artist, genre, track_no, disc_no, year, duration_ms, format, has_cover`

// albumArtist is the SQL expression grouping albums.
const albumArtist = `CASE WHEN album_artist != '' THEN album_artist ELSE artist END`

func scanTracks(rows *sql.Rows, err error) ([]Track, error) {
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	defer rows.Close()
	var out []Track
	for rows.Next() {
		var t Track
		var ms int64
		if err := rows.Scan(&t.ID, &t.Path, &t.Title, &t.Artist, &t.Album, &t.AlbumArtist, &t.Genre,
			&t.TrackNo, &t.DiscNo, &t.Year, &ms, &t.Format, &t.HasCover); err != nil {
			return nil, fmt.Errorf("library: %w", err)
		}
		t.Duration = time.Duration(ms) * time.Millisecond
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	return out, nil
}

// Track returns one track by ID.
func (l *Library) Track(ctx context.Context, id int64) (Track, error) {
	ts, err := scanTracks(l.db.QueryContext(ctx, `SELECT `+trackCols+` FROM files WHERE id = ? AND status = 0`, id))
	if err != nil {
		return Track{}, err
	}
	if len(ts) == 0 {
		return Track{}, fmt.Errorf("library: no track %d", id)
	}
	return ts[0], nil
}

// TrackByPath returns the indexed track at a path.
func (l *Library) TrackByPath(ctx context.Context, p string) (Track, bool, error) {
	ts, err := scanTracks(l.db.QueryContext(ctx, `SELECT `+trackCols+` FROM files WHERE path = ? AND status = 0`, p))
	if err != nil || len(ts) == 0 {
		return Track{}, false, err
	}
	return ts[0], true, nil
}

// Tracks lists all tracks by artist, album, disc and number; limit ≤ 0 means all.
func (l *Library) Tracks(ctx context.Context, offset, limit int) ([]Track, error) {
	if limit <= 0 {
		limit = -1
	}
	return scanTracks(l.db.QueryContext(ctx, `SELECT `+trackCols+` FROM files WHERE status = 0
		ORDER BY `+albumArtist+` COLLATE NOCASE, album COLLATE NOCASE, max(disc_no, 1), track_no, title COLLATE NOCASE, path
		LIMIT ? OFFSET ?`, limit, offset))
}

// Artists lists album artists (or artists) with their album and track counts.
func (l *Library) Artists(ctx context.Context) ([]Artist, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT `+albumArtist+` AS a, count(DISTINCT album), count(*)
		FROM files WHERE status = 0 GROUP BY a ORDER BY a = '', a COLLATE NOCASE`)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	defer rows.Close()
	var out []Artist
	for rows.Next() {
		var a Artist
		if err := rows.Scan(&a.Name, &a.Albums, &a.Tracks); err != nil {
			return nil, fmt.Errorf("library: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Albums lists albums, all of them or those of one artist (as in Artists).
func (l *Library) Albums(ctx context.Context, artist *string) ([]Album, error) {
	q := `SELECT ` + albumArtist + ` AS a, album, max(year), count(*), sum(duration_ms),
		coalesce(min(CASE WHEN has_cover THEN id END), min(id))
		FROM files WHERE status = 0`
	var args []any
	if artist != nil {
		q += ` AND ` + albumArtist + ` = ?`
		args = append(args, *artist)
	}
	q += ` GROUP BY a, album ORDER BY album = '', album COLLATE NOCASE, a COLLATE NOCASE`
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	var out []Album
	var coverIDs []int64
	for rows.Next() {
		var a Album
		var ms, cid int64
		if err := rows.Scan(&a.Artist, &a.Title, &a.Year, &a.Tracks, &ms, &cid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("library: %w", err)
		}
		a.Duration = time.Duration(ms) * time.Millisecond
		out = append(out, a)
		coverIDs = append(coverIDs, cid)
	}
	rows.Close()
	for i, id := range coverIDs {
		if t, err := l.Track(ctx, id); err == nil {
			out[i].Cover = t
		}
	}
	return out, nil
}

// AlbumTracks lists an album's tracks in disc and track order.
func (l *Library) AlbumTracks(ctx context.Context, artist, album string) ([]Track, error) {
	return scanTracks(l.db.QueryContext(ctx, `SELECT `+trackCols+` FROM files WHERE status = 0 AND album = ? AND `+albumArtist+` = ?
		ORDER BY max(disc_no, 1), track_no, title COLLATE NOCASE, path`, album, artist))
}

// ArtistTracks lists an artist's tracks (as in Artists) by album and number.
func (l *Library) ArtistTracks(ctx context.Context, artist string) ([]Track, error) {
	return scanTracks(l.db.QueryContext(ctx, `SELECT `+trackCols+` FROM files WHERE status = 0 AND `+albumArtist+` = ?
		ORDER BY album COLLATE NOCASE, max(disc_no, 1), track_no, path`, artist))
}

// Folder lists one level of the folder tree: at "" the scanned roots that
// hold tracks (and "embed:music"); below, the child folders holding tracks
// somewhere beneath, and the tracks directly inside.
func (l *Library) Folder(ctx context.Context, dir string) (Folder, error) {
	f := Folder{Path: dir}
	rows, err := l.db.QueryContext(ctx, `SELECT DISTINCT dir FROM files WHERE status = 0`)
	if err != nil {
		return f, fmt.Errorf("library: %w", err)
	}
	var dirs []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			rows.Close()
			return f, fmt.Errorf("library: %w", err)
		}
		dirs = append(dirs, d)
	}
	rows.Close()
	children := map[string]bool{}
	if dir == "" {
		for _, d := range dirs {
			if strings.HasPrefix(d, EmbedPrefix) {
				children[EmbedPrefix+EmbeddedDir] = true
				continue
			}
			for _, r := range l.roots {
				if d == r || strings.HasPrefix(d, r+string(filepath.Separator)) {
					children[r] = true
				}
			}
		}
	} else {
		sep := "/"
		for _, d := range dirs {
			if rest, ok := strings.CutPrefix(d, dir+sep); ok && rest != "" {
				first, _, _ := strings.Cut(rest, sep)
				if strings.HasPrefix(dir, EmbedPrefix) {
					children[path.Join(dir, first)] = true
				} else {
					children[filepath.Join(dir, first)] = true
				}
			}
		}
		f.Tracks, err = scanTracks(l.db.QueryContext(ctx, `SELECT `+trackCols+` FROM files WHERE status = 0 AND dir = ?
			ORDER BY max(disc_no, 1), track_no, path`, dir))
		if err != nil {
			return f, err
		}
	}
	for c := range children {
		f.Folders = append(f.Folders, c)
	}
	sort.Strings(f.Folders)
	return f, nil
}

// Playlists lists the M3U playlists found in the music folders.
func (l *Library) Playlists(ctx context.Context) ([]Playlist, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT path, name, entries, problem FROM playlists ORDER BY name COLLATE NOCASE, path`)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	defer rows.Close()
	var out []Playlist
	for rows.Next() {
		var p Playlist
		var entries string
		if err := rows.Scan(&p.Path, &p.Name, &entries, &p.Problem); err != nil {
			return nil, fmt.Errorf("library: %w", err)
		}
		p.Entries = strings.Count(entries, "\n")
		out = append(out, p)
	}
	return out, rows.Err()
}

// PlaylistTracks returns a playlist's entries that are indexed tracks, in
// playlist order, and the locations that are not (missing or skipped files).
func (l *Library) PlaylistTracks(ctx context.Context, p string) (tracks []Track, missing []string, err error) {
	var entries string
	if err := l.db.QueryRowContext(ctx, `SELECT entries FROM playlists WHERE path = ?`, p).Scan(&entries); err != nil {
		return nil, nil, fmt.Errorf("library: playlist %s: %w", p, err)
	}
	for _, e := range strings.Split(strings.TrimSuffix(entries, "\n"), "\n") {
		if e == "" {
			continue
		}
		t, ok, err := l.TrackByPath(ctx, e)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			tracks = append(tracks, t)
		} else {
			missing = append(missing, e)
		}
	}
	return tracks, missing, nil
}

// Search finds tracks whose title, artist or album has a word starting
// with each word of q (so "bea ab" finds "Abbey Road" by "The Beatles").
func (l *Library) Search(ctx context.Context, q string, limit int) ([]Track, error) {
	match := ftsQuery(q)
	if match == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = -1
	}
	return scanTracks(l.db.QueryContext(ctx, `SELECT `+trackCols+` FROM files WHERE id IN
		(SELECT rowid FROM files_fts WHERE files_fts MATCH ?) AND status = 0
		ORDER BY `+albumArtist+` COLLATE NOCASE, album COLLATE NOCASE, max(disc_no, 1), track_no, path LIMIT ?`, match, limit))
}

// ftsQuery turns user text into an FTS5 query of quoted prefix terms, so
// that no user input is read as FTS5 syntax.
func ftsQuery(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	var b strings.Builder
	for _, w := range words {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`"` + w + `"*`)
	}
	return b.String()
}

// Skipped lists the files marked unusable, with the reason.
func (l *Library) Skipped(ctx context.Context) ([]Problem, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT path, reason FROM files WHERE status = 1 ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	defer rows.Close()
	var out []Problem
	for rows.Next() {
		var p Problem
		if err := rows.Scan(&p.Path, &p.Reason); err != nil {
			return nil, fmt.Errorf("library: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MarkPlayed records that a track's album was played, for RecentAlbums.
func (l *Library) MarkPlayed(ctx context.Context, t Track) error {
	artist := t.AlbumArtist
	if artist == "" {
		artist = t.Artist
	}
	_, err := l.db.ExecContext(ctx, `INSERT INTO played (kind, key, at) VALUES ('album', ?, ?)
		ON CONFLICT(kind, key) DO UPDATE SET at = excluded.at`, artist+"\x00"+t.Album, time.Now().UnixNano())
	return err
}

// MarkPlaylistPlayed records that a playlist was played, for RecentPlaylists.
func (l *Library) MarkPlaylistPlayed(ctx context.Context, p string) error {
	_, err := l.db.ExecContext(ctx, `INSERT INTO played (kind, key, at) VALUES ('playlist', ?, ?)
		ON CONFLICT(kind, key) DO UPDATE SET at = excluded.at`, p, time.Now().UnixNano())
	return err
}

// RecentAlbums are the last n albums played, newest first; with no history
// yet, the first albums of the library (so the quick picks are never empty
// while there is music).
func (l *Library) RecentAlbums(ctx context.Context, n int) ([]Album, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT key FROM played WHERE kind = 'album' ORDER BY at DESC LIMIT ?`, n)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err == nil {
			keys = append(keys, k)
		}
	}
	rows.Close()
	all, err := l.Albums(ctx, nil)
	if err != nil {
		return nil, err
	}
	byKey := map[string]Album{}
	for _, a := range all {
		byKey[a.Artist+"\x00"+a.Title] = a
	}
	var out []Album
	used := map[string]bool{}
	for _, k := range keys {
		if a, ok := byKey[k]; ok {
			out = append(out, a)
			used[k] = true
		}
	}
	for _, a := range all {
		if len(out) >= n {
			break
		}
		if k := a.Artist + "\x00" + a.Title; !used[k] && a.Title != "" {
			out = append(out, a)
			used[k] = true
		}
	}
	return out, nil
}

// RecentPlaylists are the last n playlists played, newest first, then the
// others by name.
func (l *Library) RecentPlaylists(ctx context.Context, n int) ([]Playlist, error) {
	all, err := l.Playlists(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := l.db.QueryContext(ctx, `SELECT key FROM played WHERE kind = 'playlist' ORDER BY at DESC`)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	rank := map[string]int{}
	for i := 0; rows.Next(); i++ {
		var k string
		if err := rows.Scan(&k); err == nil {
			rank[k] = i + 1
		}
	}
	rows.Close()
	sort.SliceStable(all, func(i, j int) bool {
		ri, rj := rank[all[i].Path], rank[all[j].Path]
		if ri == 0 || rj == 0 {
			return ri != 0 && rj == 0
		}
		return ri < rj
	})
	if len(all) > n {
		all = all[:n]
	}
	return all, nil
}

// File is one index row: a track, or a file that is not one and why.
type File struct {
	Track
	Skipped  bool   // looks like audio but cannot be played
	NotAudio bool   // not an audio file at all (pictures, text…)
	Reason   string // why it is skipped or not audio
}

// Files lists every file the last scans looked at, by path.
func (l *Library) Files(ctx context.Context) ([]File, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT status, reason, `+trackCols+` FROM files ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		var status int
		var ms int64
		t := &f.Track
		if err := rows.Scan(&status, &f.Reason, &t.ID, &t.Path, &t.Title, &t.Artist, &t.Album, &t.AlbumArtist, &t.Genre,
			&t.TrackNo, &t.DiscNo, &t.Year, &ms, &t.Format, &t.HasCover); err != nil {
			return nil, fmt.Errorf("library: %w", err)
		}
		t.Duration = time.Duration(ms) * time.Millisecond
		f.Skipped, f.NotAudio = status == statusSkipped, status == statusOther
		out = append(out, f)
	}
	return out, rows.Err()
}
