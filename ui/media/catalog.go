package media

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg" // cover art formats
	_ "image/png"
	"sync"

	"github.com/fascia-hmi/fascia/app/media/library"
)

// catalog is what the browse lists show at their top level, loaded from the
// index off the UI goroutine and kept per library, so that the screen shows
// the last known lists at once when it is built.
type catalog struct {
	albums          []library.Album
	artists         []library.Artist
	tracks          []library.Track
	playlists       []library.Playlist
	recentAlbums    []library.Album
	recentPlaylists []library.Playlist
	progress        library.Progress
}

// quickPicks is how many recent albums and playlists the screen offers.
const quickPicks = 3

// maxTracks bounds the all-tracks list (search finds the rest).
const maxTracks = 2000

var (
	catalogs sync.Map // *library.Library → *catalog
	covers   sync.Map // track path → image.Image (nil: none)
)

// loadCatalog queries the index. It blocks; never call it on the UI goroutine.
func loadCatalog(ctx context.Context, lib *library.Library) (*catalog, error) {
	c := &catalog{progress: lib.Progress()}
	var err error
	if c.albums, err = lib.Albums(ctx, nil); err != nil {
		return nil, err
	}
	if c.artists, err = lib.Artists(ctx); err != nil {
		return nil, err
	}
	if c.tracks, err = lib.Tracks(ctx, 0, maxTracks); err != nil {
		return nil, err
	}
	if c.playlists, err = lib.Playlists(ctx); err != nil {
		return nil, err
	}
	if c.recentAlbums, err = lib.RecentAlbums(ctx, quickPicks); err != nil {
		return nil, err
	}
	if c.recentPlaylists, err = lib.RecentPlaylists(ctx, quickPicks); err != nil {
		return nil, err
	}
	catalogs.Store(lib, c)
	return c, nil
}

func cachedCatalog(lib *library.Library) *catalog {
	if v, ok := catalogs.Load(lib); ok {
		return v.(*catalog)
	}
	return nil
}

// loadCover reads and decodes a track's cover art (nil when it has none).
// It blocks; never call it on the UI goroutine.
func loadCover(lib *library.Library, path string) image.Image {
	if v, ok := covers.Load(path); ok {
		img, _ := v.(image.Image)
		return img
	}
	var img image.Image
	if b, _, err := lib.Cover(library.Track{Path: path}); err == nil {
		img, _, _ = image.Decode(bytes.NewReader(b))
	}
	covers.Store(path, img)
	return img
}

// Preload loads the browse lists and the covers of the given tracks (paths)
// into the screen's cache, blocking until done, so that a screen built
// afterwards shows them at once (cockpit start-up, screenshots, tests).
func Preload(lib *library.Library, paths ...string) error {
	if _, err := loadCatalog(context.Background(), lib); err != nil {
		return err
	}
	for _, p := range paths {
		loadCover(lib, p)
	}
	return nil
}
