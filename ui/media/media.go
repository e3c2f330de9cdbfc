// Package media owns the cockpit's Media screen: now playing (cover art,
// title, artist, album, progress with seek, large transport controls,
// shuffle and repeat), the browse lists (albums, artists, tracks with
// search, folders, playlists) with quick picks of recent albums and
// playlists, and the queue. Long lists and text entry are under the
// driving lockout; the quick picks stay usable. Every library query and
// cover decode runs on a goroutine of its own and reaches the widgets
// through fyne.Do; the player is read on the shell's update tick. It plays
// and indexes nothing itself.
package media

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	ftheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	appmedia "github.com/fascia-hmi/fascia/app/media"
	"github.com/fascia-hmi/fascia/app/media/library"
	"github.com/fascia-hmi/fascia/app/media/player"
	"github.com/fascia-hmi/fascia/ui"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
	"github.com/fascia-hmi/fascia/widgets"
)

func init() {
	ui.Register(ui.Screen{Name: "media", Title: "Media", Icon: ftheme.MediaMusicIcon(), Order: 20,
		New: func(env *ui.Env) fyne.CanvasObject { return New(env).Content() }})
}

// Views of the screen, in the selector's order.
const (
	ViewPlaying   = "playing"
	ViewAlbums    = "albums"
	ViewArtists   = "artists"
	ViewTracks    = "tracks"
	ViewFolders   = "folders"
	ViewPlaylists = "playlists"
	ViewQueue     = "queue"
)

var (
	viewNames  = []string{ViewPlaying, ViewAlbums, ViewArtists, ViewTracks, ViewFolders, ViewPlaylists, ViewQueue}
	viewLabels = []string{"Playing", "Albums", "Artists", "Tracks", "Folders", "Lists", "Queue"}
)

// Row is one line of a browse list.
type Row struct {
	Text, Detail string
	Icon         fyne.Resource
	Tap          func()
}

// Screen is the Media screen's widgets, exported for tests.
type Screen struct {
	Views *widgets.Segmented

	// Now playing.
	Cover                    *canvas.Image
	Title, Artist            *widget.Label
	Progress                 *widget.Slider
	Elapsed, Length          *widget.Label
	Shuffle, Prev, PlayPause *widgets.TouchButton
	Next, Repeat             *widgets.TouchButton
	Status                   *widget.Label // library state: scanning, no library, problems

	// Browse.
	Header   *widget.Label
	Back     *widgets.TouchButton
	PlayAll  *widgets.TouchButton
	Picks    *fyne.Container // quick picks (recent albums or playlists), not locked
	List     *widget.List
	Rows     []Row
	Search   *widgets.TouchEntry
	Locked   *ui.Guarded // the list under the driving lockout
	SearchLk *ui.Guarded

	// Deliver runs f on the UI goroutine: how results of the background
	// queries reach the widgets. It is fyne.Do; a test may replace it
	// right after New to run them on its own goroutine.
	Deliver func(f func())

	env     *ui.Env
	svc     *appmedia.Service
	lib     *library.Library
	view    string
	nav     []func() // drill-down: how to rebuild each level above the current
	cur     func()   // how to rebuild the current list
	playAll func()
	gen     int // bumps when the list changes, so stale loads are dropped

	nowPlaying, browse *fyne.Container
	content            fyne.CanvasObject
	last               player.State
	lastCover          string
	shownOnce          bool
}

// New builds the screen and follows the player on the shell's update loop.
func New(env *ui.Env) *Screen {
	s := &Screen{env: env, Deliver: fyne.Do}
	if env.Cockpit != nil {
		s.svc = env.Cockpit.Media
	}
	s.buildNowPlaying()
	s.buildBrowse()
	s.Views = widgets.NewSegmented(viewNames, viewLabels, s.show)
	body := container.NewStack(s.nowPlaying, s.browse)
	s.content = container.NewBorder(s.Views, nil, nil, nil, body)
	s.Views.SetSelected(ViewPlaying)
	s.show(ViewPlaying)
	s.update()
	env.Loop.Every(func(time.Time) { s.update() })
	return s
}

// Content returns the screen's canvas object.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

func (s *Screen) player() *player.Player {
	if s.svc == nil {
		return nil
	}
	return s.svc.Player
}

// library returns the music index once the media service has opened it.
func (s *Screen) library() *library.Library {
	if s.lib == nil && s.svc != nil {
		if s.lib = s.svc.Library(); s.lib != nil {
			s.lib.Subscribe(s.libraryChanged)
		}
	}
	return s.lib
}

// libraryChanged runs on the scanner's goroutine: reload the lists when a
// scan ends.
func (s *Screen) libraryChanged() {
	lib := s.lib
	if lib == nil || lib.Progress().Scanning {
		s.Deliver(s.updateStatus)
		return
	}
	go func() {
		if _, err := loadCatalog(context.Background(), lib); err != nil {
			return
		}
		s.Deliver(func() {
			s.updateStatus()
			if len(s.nav) == 0 && s.view != ViewPlaying && s.view != ViewQueue && s.cur != nil {
				s.cur()
			}
		})
	}()
}

// --- now playing ----------------------------------------------------------

func (s *Screen) buildNowPlaying() {
	s.Cover = canvas.NewImageFromResource(iconMusic)
	s.Cover.FillMode = canvas.ImageFillContain
	s.Title = widget.NewLabel("Nothing playing")
	s.Title.TextStyle.Bold = true
	s.Title.SizeName = ftheme.SizeNameSubHeadingText
	s.Title.Truncation = fyne.TextTruncateEllipsis
	s.Artist = widget.NewLabel("Choose an album, a playlist or a track")
	s.Artist.Truncation = fyne.TextTruncateEllipsis
	s.Progress = widget.NewSlider(0, 1)
	s.Progress.Step = 1
	s.Progress.OnChangeEnded = func(v float64) {
		if p := s.player(); p != nil {
			p.Seek(time.Duration(v * float64(time.Second)))
		}
	}
	s.Elapsed = widget.NewLabel("0:00")
	s.Length = widget.NewLabel("0:00")
	s.Status = widget.NewLabel("")
	s.Status.Importance = widget.LowImportance
	s.Status.SizeName = ftheme.SizeNameCaptionText
	s.Status.Truncation = fyne.TextTruncateEllipsis
	s.Shuffle = widgets.NewTouchButton("", iconShuffle, func() { s.do(func(p *player.Player) { p.SetShuffle(!p.State().Shuffle) }) })
	s.Prev = widgets.NewTouchButton("", ftheme.MediaSkipPreviousIcon(), func() { s.do((*player.Player).Previous) })
	s.PlayPause = widgets.NewTouchButton("", ftheme.MediaPlayIcon(), func() { s.do((*player.Player).Toggle) })
	s.Next = widgets.NewTouchButton("", ftheme.MediaSkipNextIcon(), func() { s.do((*player.Player).Next) })
	s.Repeat = widgets.NewTouchButton("", iconRepeat, func() {
		s.do(func(p *player.Player) { p.SetRepeat((p.State().Repeat + 1) % 3) })
	})
	progress := container.NewBorder(nil, nil, s.Elapsed, s.Length, container.New(minHeight{}, s.Progress))
	controls := container.NewBorder(nil, nil, container.NewHBox(s.Shuffle, s.Prev, s.PlayPause, s.Next, s.Repeat), nil,
		container.NewVBox(layout.NewSpacer(), s.Status, layout.NewSpacer()))
	text := container.New(column{}, container.New(tightRows{}, s.Title, s.Artist), progress, controls)
	s.nowPlaying = container.New(coverLayout{}, s.Cover, text)
}

func (s *Screen) do(f func(*player.Player)) {
	if p := s.player(); p != nil {
		f(p)
		s.update()
	}
}

// update shows the player's state; it runs on the UI goroutine, on every
// tick of the shell's loop, and touches only what changed.
func (s *Screen) update() {
	p := s.player()
	if p == nil {
		s.updateStatus()
		return
	}
	st := p.State()
	first := !s.shownOnce
	s.shownOnce = true
	if first || st.Item != s.last.Item || st.HasItem != s.last.HasItem {
		if st.HasItem {
			s.Title.SetText(st.Item.Title)
			s.Artist.SetText(joinNonEmpty(" · ", st.Item.Artist, st.Item.Album))
		} else {
			s.Title.SetText("Nothing playing")
			s.Artist.SetText("Choose an album, a playlist or a track")
		}
		s.setCover(st.Item.Path)
	}
	dur := st.Duration
	if dur <= 0 {
		dur = st.Item.Duration
	}
	if first || dur != s.last.Duration || st.Position.Truncate(time.Second) != s.last.Position.Truncate(time.Second) {
		s.Progress.Max = max(1, dur.Seconds())
		s.Progress.SetValue(min(st.Position.Seconds(), s.Progress.Max))
		s.Elapsed.SetText(clock(st.Position))
		s.Length.SetText(clock(dur))
	}
	if first || st.Playing != s.last.Playing {
		if st.Playing {
			s.PlayPause.Icon = ftheme.MediaPauseIcon()
		} else {
			s.PlayPause.Icon = ftheme.MediaPlayIcon()
		}
		s.PlayPause.Refresh()
	}
	if first || st.Shuffle != s.last.Shuffle {
		s.Shuffle.SetSelected(st.Shuffle)
	}
	if first || st.Repeat != s.last.Repeat {
		s.Repeat.Icon = iconRepeat
		if st.Repeat == player.RepeatOne {
			s.Repeat.Icon = iconRepeat1
		}
		s.Repeat.SetSelected(st.Repeat != player.RepeatOff)
		s.Repeat.Refresh()
	}
	if s.view == ViewQueue && (first || st.Len != s.last.Len || st.Index != s.last.Index || st.Item != s.last.Item) {
		s.showQueue()
	}
	s.last = st
	s.last.Duration = dur
	if first || s.lib == nil {
		s.updateStatus()
	}
}

// setCover shows the cover of the track at path, decoded off the UI goroutine.
func (s *Screen) setCover(path string) {
	s.lastCover = path
	lib := s.library()
	if path == "" || lib == nil {
		s.showCover(nil)
		return
	}
	if v, ok := covers.Load(path); ok {
		img, _ := v.(image.Image)
		s.showCover(img)
		return
	}
	go func() {
		img := loadCover(lib, path)
		s.Deliver(func() {
			if s.lastCover == path {
				s.showCover(img)
			}
		})
	}()
}

func (s *Screen) showCover(img image.Image) {
	if img == nil {
		s.Cover.Image, s.Cover.Resource = nil, iconMusic
	} else {
		s.Cover.Image, s.Cover.Resource = img, nil
	}
	s.Cover.Refresh()
}

// updateStatus says what the library is doing (or why there is none).
func (s *Screen) updateStatus() {
	text := ""
	switch lib := s.library(); {
	case s.svc == nil:
		text = "No media service"
	case lib == nil:
		text = "Music library not open"
	default:
		pr := lib.Progress()
		switch {
		case pr.Scanning:
			text = fmt.Sprintf("Scanning music… %d files", pr.Seen)
		case len(lib.Problems()) > 0:
			text = fmt.Sprintf("%d tracks · %d folders or files could not be read (see Settings)", pr.Tracks, len(lib.Problems()))
		case pr.Skipped > 0:
			text = fmt.Sprintf("%d tracks · %d files skipped", pr.Tracks, pr.Skipped)
		}
		if text == "" && s.svc.NoOutput() != "" && s.last.HasItem {
			text = "No audio output"
		}
	}
	if s.Status.Text != text {
		s.Status.SetText(text)
	}
}

// --- browse ---------------------------------------------------------------

func (s *Screen) buildBrowse() {
	s.Header = widget.NewLabel("")
	s.Header.TextStyle.Bold = true
	s.Header.Truncation = fyne.TextTruncateEllipsis
	s.Back = widgets.NewTouchButton("", ftheme.NavigateBackIcon(), s.back)
	s.PlayAll = widgets.NewTouchButton("Play all", ftheme.MediaPlayIcon(), func() {
		if s.playAll != nil {
			s.playAll()
		}
	})
	s.Picks = container.New(layout.NewGridLayoutWithColumns(quickPicks))
	s.List = widget.NewList(func() int { return len(s.Rows) }, newRowView, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < len(s.Rows) {
			o.(*rowView).set(s.Rows[id])
		}
	})
	s.List.OnSelected = func(id widget.ListItemID) {
		s.List.Unselect(id)
		if id < len(s.Rows) && s.Rows[id].Tap != nil {
			s.Rows[id].Tap()
		}
	}
	s.Search = widgets.NewTouchEntry()
	s.Search.SetPlaceHolder("Search title, artist, album")
	s.Search.OnChanged = func(q string) { s.search(q) }
	s.Locked = s.env.Lockout.Guard(s.List)
	s.SearchLk = s.env.Lockout.Guard(s.Search)
	top := container.NewVBox(container.NewBorder(nil, nil, s.Back, s.PlayAll, s.Header), s.SearchLk, s.Picks)
	s.browse = container.NewBorder(top, nil, nil, nil, s.Locked)
}

// show switches the view (the selector's callback).
func (s *Screen) show(view string) {
	s.view = view
	s.nav = nil
	if view == ViewPlaying {
		s.browse.Hide()
		s.nowPlaying.Show()
		return
	}
	s.nowPlaying.Hide()
	s.browse.Show()
	switch view {
	case ViewAlbums:
		s.enter(s.showAlbums)
	case ViewArtists:
		s.enter(s.showArtists)
	case ViewTracks:
		s.enter(s.showTracks)
	case ViewFolders:
		s.enter(func() { s.showFolder("") })
	case ViewPlaylists:
		s.enter(s.showPlaylists)
	case ViewQueue:
		s.enter(s.showQueue)
	}
}

// enter makes f the current list (a root view).
func (s *Screen) enter(f func()) {
	s.cur = f
	f()
}

// drill opens a deeper list, remembering how to come back.
func (s *Screen) drill(f func()) {
	s.nav = append(s.nav, s.cur)
	s.cur = f
	f()
}

func (s *Screen) back() {
	if len(s.nav) == 0 {
		return
	}
	s.cur = s.nav[len(s.nav)-1]
	s.nav = s.nav[:len(s.nav)-1]
	s.cur()
}

// setList shows rows under a header; picks are the quick picks above them.
func (s *Screen) setList(header string, rows []Row, picks []*widgets.TouchButton, playAll func()) {
	s.gen++
	s.Header.SetText(header)
	s.Rows = rows
	s.List.UnselectAll()
	s.List.ScrollToTop()
	s.List.Refresh()
	s.playAll = playAll
	if playAll != nil {
		s.PlayAll.Show()
	} else {
		s.PlayAll.Hide()
	}
	if len(s.nav) > 0 {
		s.Back.Show()
	} else {
		s.Back.Hide()
	}
	if s.view == ViewTracks && len(s.nav) == 0 {
		s.SearchLk.Show()
	} else {
		s.SearchLk.Hide()
	}
	s.Picks.Objects = s.Picks.Objects[:0]
	for _, b := range picks {
		s.Picks.Objects = append(s.Picks.Objects, b)
	}
	if len(picks) > 0 {
		s.Picks.Show()
	} else {
		s.Picks.Hide()
	}
	s.Picks.Refresh()
}

// load runs query off the UI goroutine and hands its result to show on it,
// unless the list changed meanwhile.
func load[T any](s *Screen, header string, query func(context.Context, *library.Library) (T, error), show func(T)) {
	lib := s.library()
	if lib == nil {
		s.setList(header, []Row{{Text: "The music library is not open yet"}}, nil, nil)
		return
	}
	s.gen++
	gen := s.gen
	go func() {
		v, err := query(context.Background(), lib)
		s.Deliver(func() {
			if s.gen != gen {
				return
			}
			if err != nil {
				s.setList(header, []Row{{Text: "Could not read the music library", Detail: err.Error()}}, nil, nil)
				return
			}
			show(v)
		})
	}()
}

// fromCatalog shows a root list from the cached catalog at once and
// refreshes it from the index in the background.
func (s *Screen) fromCatalog(show func(*catalog)) {
	lib := s.library()
	if lib == nil {
		s.setList("", []Row{{Text: "The music library is not open yet"}}, nil, nil)
		return
	}
	if c := cachedCatalog(lib); c != nil {
		show(c)
		return
	}
	load(s, "", loadCatalog, show)
}

func (s *Screen) showAlbums() {
	s.fromCatalog(func(c *catalog) {
		rows := make([]Row, len(c.albums))
		for i, a := range c.albums {
			rows[i] = s.albumRow(a)
		}
		var picks []*widgets.TouchButton
		for _, a := range c.recentAlbums {
			picks = append(picks, s.albumPick(a))
		}
		s.setList(count(len(rows), "album", "albums"), rows, picks, nil)
	})
}

func (s *Screen) albumRow(a library.Album) Row {
	return Row{Text: orUnknown(a.Title, "Unknown album"), Detail: joinNonEmpty(" · ", a.Artist, count(a.Tracks, "track", "tracks"), clock(a.Duration)),
		Icon: ftheme.MediaMusicIcon(), Tap: func() { s.drill(func() { s.showAlbum(a) }) }}
}

// albumPick is a quick pick: it plays the album at once.
func (s *Screen) albumPick(a library.Album) *widgets.TouchButton {
	return widgets.NewTouchButton(orUnknown(a.Title, "Unknown album"), ftheme.MediaPlayIcon(), func() { s.playAlbum(a, 0) })
}

func (s *Screen) playAlbum(a library.Album, start int) {
	lib := s.library()
	if lib == nil || s.svc == nil {
		return
	}
	svc := s.svc
	go func() {
		ts, err := lib.AlbumTracks(context.Background(), a.Artist, a.Title)
		if err != nil || len(ts) == 0 {
			return
		}
		svc.PlayTracks(ts, min(start, len(ts)-1))
		lib.MarkPlayed(context.Background(), ts[0])
		loadCatalog(context.Background(), lib)
	}()
}

func (s *Screen) showAlbum(a library.Album) {
	load(s, a.Title, func(ctx context.Context, lib *library.Library) ([]library.Track, error) {
		return lib.AlbumTracks(ctx, a.Artist, a.Title)
	}, func(ts []library.Track) {
		s.setList(joinNonEmpty(" · ", orUnknown(a.Title, "Unknown album"), a.Artist), s.trackRows(ts, true), nil, func() { s.playTracks(ts, 0) })
	})
}

func (s *Screen) trackRows(ts []library.Track, numbered bool) []Row {
	rows := make([]Row, len(ts))
	for i, t := range ts {
		text := t.DisplayTitle()
		if numbered && t.TrackNo > 0 {
			text = fmt.Sprintf("%d. %s", t.TrackNo, text)
		}
		rows[i] = Row{Text: text, Detail: joinNonEmpty(" · ", t.Artist, t.Album, clock(t.Duration)), Icon: ftheme.MediaPlayIcon(),
			Tap: func() { s.playTracks(ts, i) }}
	}
	return rows
}

func (s *Screen) playTracks(ts []library.Track, start int) {
	if s.svc == nil || len(ts) == 0 {
		return
	}
	s.svc.PlayTracks(ts, start)
	if lib := s.library(); lib != nil {
		t := ts[start]
		go func() {
			lib.MarkPlayed(context.Background(), t)
			loadCatalog(context.Background(), lib)
		}()
	}
	s.Views.SetSelected(ViewPlaying)
	s.show(ViewPlaying)
	s.update()
}

func (s *Screen) showArtists() {
	s.fromCatalog(func(c *catalog) {
		rows := make([]Row, len(c.artists))
		for i, a := range c.artists {
			rows[i] = Row{Text: orUnknown(a.Name, "Unknown artist"), Detail: joinNonEmpty(" · ", count(a.Albums, "album", "albums"), count(a.Tracks, "track", "tracks")),
				Icon: ftheme.AccountIcon(), Tap: func() { s.drill(func() { s.showArtist(a.Name) }) }}
		}
		s.setList(count(len(rows), "artist", "artists"), rows, nil, nil)
	})
}

func (s *Screen) showArtist(name string) {
	load(s, name, func(ctx context.Context, lib *library.Library) ([]library.Album, error) {
		return lib.Albums(ctx, &name)
	}, func(as []library.Album) {
		rows := make([]Row, len(as))
		for i, a := range as {
			rows[i] = s.albumRow(a)
		}
		s.setList(orUnknown(name, "Unknown artist"), rows, nil, func() {
			if lib := s.library(); lib != nil {
				go func() {
					if ts, err := lib.ArtistTracks(context.Background(), name); err == nil && len(ts) > 0 {
						s.Deliver(func() { s.playTracks(ts, 0) })
					}
				}()
			}
		})
	})
}

func (s *Screen) showTracks() {
	if q := strings.TrimSpace(s.Search.Text); q != "" {
		s.search(q)
		return
	}
	s.fromCatalog(func(c *catalog) {
		s.setList(count(len(c.tracks), "track", "tracks"), s.trackRows(c.tracks, false), nil, func() { s.playTracks(c.tracks, 0) })
	})
}

func (s *Screen) search(q string) {
	if s.view != ViewTracks || len(s.nav) > 0 {
		return
	}
	if strings.TrimSpace(q) == "" {
		s.showTracks()
		return
	}
	load(s, "", func(ctx context.Context, lib *library.Library) ([]library.Track, error) {
		return lib.Search(ctx, q, 200)
	}, func(ts []library.Track) {
		s.setList(fmt.Sprintf("%s for “%s”", count(len(ts), "track", "tracks"), q), s.trackRows(ts, false), nil, func() { s.playTracks(ts, 0) })
	})
}

func (s *Screen) showFolder(dir string) {
	load(s, dir, func(ctx context.Context, lib *library.Library) (library.Folder, error) {
		return lib.Folder(ctx, dir)
	}, func(f library.Folder) {
		var rows []Row
		for _, d := range f.Folders {
			rows = append(rows, Row{Text: folderName(d), Detail: d, Icon: iconFolder, Tap: func() { s.drill(func() { s.showFolder(d) }) }})
		}
		rows = append(rows, s.trackRows(f.Tracks, true)...)
		header := "Folders"
		if dir != "" {
			header = folderName(dir)
		}
		var all func()
		if len(f.Tracks) > 0 {
			all = func() { s.playTracks(f.Tracks, 0) }
		}
		s.setList(header, rows, nil, all)
	})
}

func (s *Screen) showPlaylists() {
	s.fromCatalog(func(c *catalog) {
		rows := make([]Row, len(c.playlists))
		for i, p := range c.playlists {
			detail := count(p.Entries, "entry", "entries")
			if p.Problem != "" {
				detail += " · " + p.Problem
			}
			rows[i] = Row{Text: p.Name, Detail: detail, Icon: ftheme.ListIcon(), Tap: func() { s.drill(func() { s.showPlaylist(p) }) }}
		}
		var picks []*widgets.TouchButton
		for _, p := range c.recentPlaylists {
			picks = append(picks, widgets.NewTouchButton(p.Name, ftheme.MediaPlayIcon(), func() { s.playPlaylist(p) }))
		}
		header := count(len(rows), "playlist", "playlists")
		if len(rows) == 0 {
			header = "No playlists (M3U files in the music folders)"
		}
		s.setList(header, rows, picks, nil)
	})
}

type playlistTracks struct {
	tracks  []library.Track
	missing []string
}

func (s *Screen) showPlaylist(p library.Playlist) {
	load(s, p.Name, func(ctx context.Context, lib *library.Library) (playlistTracks, error) {
		ts, missing, err := lib.PlaylistTracks(ctx, p.Path)
		return playlistTracks{ts, missing}, err
	}, func(pt playlistTracks) {
		header := p.Name
		if len(pt.missing) > 0 {
			header += fmt.Sprintf(" · %d not found", len(pt.missing))
		}
		s.setList(header, s.trackRows(pt.tracks, false), nil, func() { s.playPlaylist(p) })
	})
}

func (s *Screen) playPlaylist(p library.Playlist) {
	lib := s.library()
	if lib == nil || s.svc == nil {
		return
	}
	svc := s.svc
	go func() {
		ts, _, err := lib.PlaylistTracks(context.Background(), p.Path)
		if err != nil || len(ts) == 0 {
			return
		}
		svc.PlayTracks(ts, 0)
		lib.MarkPlaylistPlayed(context.Background(), p.Path)
		loadCatalog(context.Background(), lib)
	}()
}

// showQueue lists the player's queue (in memory: no index query).
func (s *Screen) showQueue() {
	p := s.player()
	if p == nil {
		s.setList("Queue", nil, nil, nil)
		return
	}
	q := p.Queue()
	st := p.State()
	rows := make([]Row, len(q))
	for i, it := range q {
		icon := fyne.Resource(ftheme.MediaMusicIcon())
		if st.HasItem && i == st.Index {
			icon = ftheme.MediaPlayIcon()
		}
		rows[i] = Row{Text: orUnknown(it.Title, filepath.Base(it.Path)), Detail: joinNonEmpty(" · ", it.Artist, it.Album, clock(it.Duration)), Icon: icon,
			Tap: func() { p.Play(q, i) }}
	}
	s.setList(count(len(q), "track", "tracks")+" in the queue", rows, nil, nil)
	if st.HasItem && st.Index < len(rows) {
		s.List.ScrollTo(st.Index)
	}
}

// --- helpers --------------------------------------------------------------

func clock(d time.Duration) string {
	if d <= 0 {
		return "0:00"
	}
	sec := int(d.Seconds())
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" && p != "0:00" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func orUnknown(s, unknown string) string {
	if s == "" {
		return unknown
	}
	return s
}

func folderName(d string) string {
	if d == library.EmbedPrefix+library.EmbeddedDir {
		return "Demo music (built in)"
	}
	return filepath.Base(d)
}

// --- layouts and rows -------------------------------------------------------

// coverLayout puts a square cover at the left, as tall as the space allows
// (at most 40 % of the width), and the rest beside it.
type coverLayout struct{}

func (coverLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := objs[1].MinSize()
	t := fascia.TouchTarget()
	return fyne.NewSize(t+ftheme.Padding()+m.Width, max(t, m.Height))
}

func (coverLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := ftheme.Padding()
	side := min(size.Height, size.Width*0.4, size.Width-objs[1].MinSize().Width-pad)
	side = max(side, 0)
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSquareSize(side))
	objs[1].Move(fyne.NewPos(side+pad, 0))
	objs[1].Resize(fyne.NewSize(size.Width-side-pad, size.Height))
}

// column puts its first object at the top and the others, at their
// minimum heights, at the bottom (the transport controls line up with the
// bottom of the cover); what is left stays between them.
type column struct{}

func (column) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		m := o.MinSize()
		w, h = max(w, m.Width), h+m.Height
	}
	return fyne.NewSize(w, h)
}

func (column) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var below float32
	for _, o := range objs[1:] {
		below += o.MinSize().Height
	}
	top := objs[0].MinSize().Height
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, top))
	y := max(top, size.Height-below)
	for _, o := range objs[1:] {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h
	}
}

// minHeight makes its single object at least a touch target tall.
type minHeight struct{}

func (minHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := objs[0].MinSize()
	return fyne.NewSize(m.Width, max(m.Height, fascia.TouchTarget()))
}

func (minHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
}

// rowView draws a Row: icon, text and a smaller detail line, a touch target tall.
type rowView struct {
	widget.BaseWidget
	icon         *widget.Icon
	text, detail *widget.Label
}

func newRowView() fyne.CanvasObject {
	r := &rowView{icon: widget.NewIcon(nil), text: widget.NewLabel(""), detail: widget.NewLabel("")}
	r.text.Truncation = fyne.TextTruncateEllipsis
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.detail.Importance = widget.LowImportance
	r.detail.SizeName = ftheme.SizeNameCaptionText
	r.ExtendBaseWidget(r)
	return r
}

func (r *rowView) set(row Row) {
	r.icon.SetResource(row.Icon)
	r.text.SetText(row.Text)
	r.detail.SetText(row.Detail)
}

func (r *rowView) CreateRenderer() fyne.WidgetRenderer {
	texts := container.New(tightRows{}, r.text, r.detail)
	return widget.NewSimpleRenderer(container.New(minHeight{}, container.NewBorder(nil, nil, r.icon, nil, texts)))
}

// tightRows stacks two labels without the VBox gap, centred vertically.
type tightRows struct{}

func (tightRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(a.Width, b.Width), a.Height+b.Height-2*ftheme.InnerPadding()/2)
}

func (tightRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	overlap := ftheme.InnerPadding() / 2
	h := a.Height + b.Height - 2*overlap
	y := (size.Height - h) / 2
	objs[0].Move(fyne.NewPos(0, y))
	objs[0].Resize(fyne.NewSize(size.Width, a.Height))
	objs[1].Move(fyne.NewPos(0, y+a.Height-2*overlap))
	objs[1].Resize(fyne.NewSize(size.Width, b.Height))
}
