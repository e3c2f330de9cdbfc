// Package app is the cockpit's composition root: it builds every service
// (vehicle profile and store, frame feed, alerts) from the configuration and
// owns their lifetimes. It has no Fyne imports and is testable headless.
package app

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/feed"
	"github.com/fascia-hmi/fascia/app/health"
	"github.com/fascia-hmi/fascia/app/market"
	"github.com/fascia-hmi/fascia/app/media"
	"github.com/fascia-hmi/fascia/app/media/library"
	"github.com/fascia-hmi/fascia/app/media/player"
	"github.com/fascia-hmi/fascia/app/nav"
	"github.com/fascia-hmi/fascia/app/sim"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/voice"
	"github.com/fascia-hmi/fascia/assets"
	"github.com/fascia-hmi/fascia/platform/can"
)

// Version is the cockpit's version, set at build time with
// -ldflags "-X github.com/fascia-hmi/fascia/app.Version=…".
var Version = "0.1.0-dev"

// DemoProfile is the embedded profile of the simulated car.
const DemoProfile = "vehicles/fascia-demo"

// Cockpit holds the running services.
type Cockpit struct {
	Config  *config.Config
	Profile *vehicle.Profile
	Store   *vehicle.Store
	Decoder *vehicle.Decoder
	Alerts  *health.Monitor
	Feed    *feed.Feed
	Map     *nav.Map       // tile source and renderer
	Media   *media.Service // music; opens the audio device, library and saved queue in Start
	Market  *market.Client // the in-car store; its embedded server starts on first use
	Voice   *voice.Service
	Climate *Climate // sends the profile's climate commands on the feed's source
	Version string
	Log     *slog.Logger

	cancel context.CancelFunc

	artists, albums *librarySlots // the voice grammar's names from the music library
	places          *mapPlaces    // and the streets and POIs of the map around the car
}

// Options adjust New for tools and tests.
type Options struct {
	Clock func() time.Time // the store's clock; nil: time.Now
	Log   *slog.Logger
	// Microphone and Speaker replace the voice commands' ALSA capture and
	// espeak-ng replies (scripted runs speak and listen through them).
	Microphone voice.Capture
	Speaker    voice.Speaker
}

// New builds the cockpit's services from cfg without starting them.
func New(cfg *config.Config, opt Options) (*Cockpit, error) {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	p, err := LoadProfile(cfg.Profile)
	if err != nil {
		return nil, err
	}
	for _, w := range p.Warnings {
		opt.Log.Debug("profile", "warning", w)
	}
	store := vehicle.NewStore(opt.Clock)
	dec := vehicle.NewDecoder(p, store)
	c := &Cockpit{
		Config:  cfg,
		Profile: p,
		Store:   store,
		Decoder: dec,
		Alerts:  health.NewMonitor(store),
		Market:  market.New(market.Options{URL: cfg.Market, Log: opt.Log, Now: opt.Clock}),
		Version: Version,
		Log:     opt.Log,
	}
	c.Feed = feed.New(cfg.CAN, c.OpenSource, dec, store, feed.Options{Record: cfg.Record, Log: opt.Log})
	c.Map = nav.Open(cfg.Map, c.Market.InstalledMaps(), cfg.MapCacheMB, opt.Log)
	if c.Media, err = media.New(media.Options{Sink: cfg.Media.Sink, Store: store, Log: opt.Log, StatePath: player.DefaultStatePath(),
		LibraryOptions: &library.Options{Folders: cfg.Media.Folders, Embedded: assets.FS, Log: opt.Log}}); err != nil {
		return nil, err
	}
	c.artists, c.albums = newLibrarySlots(c.Media, false), newLibrarySlots(c.Media, true)
	c.Climate = NewClimate(p, c.Feed.Send)
	mic := opt.Microphone
	if mic == nil {
		mic = voice.Microphone("")
	}
	vn := voiceNav{m: c.Map, store: store, places: cfg.Places}
	c.places = newMapPlaces(vn)
	c.Voice = voice.New(voice.Options{Store: store, Capture: mic, Speaker: opt.Speaker, Places: c.places,
		Focus: voiceFocus{c.Media}, Player: voicePlayer{c.Media}, Artists: c.artists, Albums: c.albums,
		Nav: vn, Climate: c.Climate,
		Miles: cfg.Units.Distance == "mi", Log: opt.Log})
	return c, nil
}

// LoadProfile loads a vehicle profile folder, or the embedded demo car when
// dir is empty.
func LoadProfile(dir string) (*vehicle.Profile, error) {
	if dir == "" {
		return vehicle.LoadProfileFS(assets.FS, DemoProfile)
	}
	return vehicle.LoadProfile(dir)
}

// OpenSource opens a frame source URI: sim:SCENARIO[?seed=N&speed=X] runs
// the simulated car through the cockpit's profile in real time; every other
// scheme is platform/can's.
func (c *Cockpit) OpenSource(uri string) (can.Source, error) {
	if name, ok := strings.CutPrefix(uri, "sim:"); ok {
		// The simulated car also plays the ECUs that take the profile's
		// command frames (Feed.Send).
		if strings.Contains(name, "?") {
			src, err := sim.OpenURI(assets.FS, uri, vehicle.NewEncoder(c.Profile))
			if err != nil {
				return nil, err
			}
			src.Sim().SetCommands(vehicle.NewCommands(c.Profile))
			return src, nil
		}
		s, err := NewSim(c.Profile, name, c.Config.Seed)
		if err != nil {
			return nil, err
		}
		s.SetCommands(vehicle.NewCommands(c.Profile))
		return s.Source(uri), nil
	}
	return can.Open(uri)
}

// NewSim builds the simulated car for a scenario, given by name (an embedded
// scenario) or by the path of a .toml file, driving the embedded street
// graphs. Seed 0 takes the scenario's own seed.
func NewSim(p *vehicle.Profile, scenario string, seed uint64) (*sim.Sim, error) {
	enc := vehicle.NewEncoder(p)
	if !strings.HasSuffix(scenario, ".toml") {
		return sim.Open(assets.FS, scenario, enc, seed)
	}
	sc, err := sim.LoadScenario(os.DirFS(filepath.Dir(scenario)), filepath.Base(scenario))
	if err != nil {
		return nil, err
	}
	if seed == 0 {
		seed = sc.Seed
	}
	routes, err := fs.Sub(assets.FS, "routes")
	if err != nil {
		return nil, err
	}
	route, err := sim.LoadRoute(routes, sc.Route, seed)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", scenario, err)
	}
	return sim.New(sc, enc, route, seed), nil
}

// Start runs the feed and the alert monitor until Close.
func (c *Cockpit) Start() error {
	if err := c.Feed.Start(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go c.Alerts.Run(ctx, 500*time.Millisecond)
	c.Media.Start()
	if lib := c.Media.Library(); lib != nil {
		lib.Subscribe(func() { c.artists.notify(); c.albums.notify() })
	}
	c.StartVoice(ctx)
	return nil
}

// StartVoice starts the voice commands and keeps the place names of
// their grammar the ones around the car, until ctx ends. Start calls it; scripted runs, which
// start no feed, call it themselves.
func (c *Cockpit) StartVoice(ctx context.Context) {
	c.Voice.Start()
	c.places.follow(ctx)
}

// StartHeadlessMedia replaces the media service with one for headless runs
// (screenshots, scripted tests): the null audio sink, only the embedded demo
// music, its index in dir (not the user's), scanned before it returns, so
// that equal runs show equal lists. The vehicle feed is not started.
func (c *Cockpit) StartHeadlessMedia(ctx context.Context, dir string) error {
	lib, err := library.New(library.Options{DBPath: filepath.Join(dir, "media.db"), NoMusicDir: true, Embedded: assets.FS, Log: c.Log})
	if err != nil {
		return err
	}
	if _, err := lib.Scan(ctx); err != nil {
		lib.Close()
		return err
	}
	m, err := media.New(media.Options{Sink: "null", Library: lib, Store: c.Store, Log: c.Log})
	if err != nil {
		lib.Close()
		return err
	}
	if err := c.Media.Close(); err != nil {
		c.Log.Warn("media", "err", err)
	}
	c.Media = m
	m.Start()
	return nil
}

// Close stops every service.
func (c *Cockpit) Close() {
	if c.cancel != nil {
		c.cancel()
	}
	c.Feed.Close()
	c.Map.Close()
	if err := c.Media.Close(); err != nil {
		c.Log.Warn("media", "err", err)
	}
	c.Market.Close()
	c.Voice.Close()
}

// SaveConfig writes the current configuration to its file.
func (c *Cockpit) SaveConfig() error { return c.Config.Save() }
