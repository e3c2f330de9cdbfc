// Package config owns the cockpit's settings and where they come from:
// command-line flags override FASCIA_* environment variables, which override
// ~/.config/fascia/config.toml, which overrides the built-in defaults. It
// validates every value and names the source of a bad one; it knows nothing
// of the UI or the car.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/fascia-hmi/fascia/internal/atomicfile"
)

// Units are the display units the driver chose.
type Units struct {
	Speed       string `toml:"speed"`       // "km/h" or "mph"
	Temperature string `toml:"temperature"` // "C" or "F"
	Distance    string `toml:"distance"`    // "km" or "mi"
}

// Media are the music settings.
type Media struct {
	Folders []string `toml:"folders"` // music folders scanned besides the XDG music folder
	Sink    string   `toml:"sink"`    // audio sink: "default" (the sound device) or "null"
}

// Places are the driver's favourite places, "LAT,LON" in degrees (empty:
// not set): "navigate home" and "navigate to work" go there.
type Places struct {
	Home string `toml:"home"`
	Work string `toml:"work"`
}

// ParsePoint parses "LAT,LON" in decimal degrees: a place on the map
// (Web Mercator reaches ±85.05° of latitude).
func ParsePoint(s string) (lat, lon float64, err error) {
	la, lo, ok := strings.Cut(strings.TrimSpace(s), ",")
	if !ok {
		return 0, 0, fmt.Errorf("%q: want LAT,LON in decimal degrees (e.g. 43.7384,7.4246)", s)
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(la), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	switch {
	case err1 != nil || math.IsNaN(lat) || math.IsInf(lat, 0):
		return 0, 0, fmt.Errorf("%q: latitude %q is not a number", s, la)
	case err2 != nil || math.IsNaN(lon) || math.IsInf(lon, 0):
		return 0, 0, fmt.Errorf("%q: longitude %q is not a number", s, lo)
	case lat < -85.05112878 || lat > 85.05112878:
		return 0, 0, fmt.Errorf("%q: latitude %g outside the map's ±85.05°", s, lat)
	case lon < -180 || lon > 180:
		return 0, 0, fmt.Errorf("%q: longitude %g outside ±180°", s, lon)
	}
	return lat, lon, nil
}

// Config is the cockpit's configuration.
type Config struct {
	Width      int     `toml:"-"`
	Height     int     `toml:"-"`
	Size       string  `toml:"size"` // "WxH"; parsed into Width and Height
	Fullscreen bool    `toml:"fullscreen"`
	Profile    string  `toml:"profile"` // vehicle profile folder; empty: the embedded demo car
	CAN        string  `toml:"can"`     // frame source URI
	Record     string  `toml:"record"`  // candump file to record every frame to; empty: none
	Theme      string  `toml:"theme"`   // "day", "night" or "auto"
	Scale      float32 `toml:"scale"`   // UI scale factor
	Seed       uint64  `toml:"seed"`    // simulator seed
	LogLevel   string  `toml:"log_level"`
	LogFormat  string  `toml:"log_format"`
	Units      Units   `toml:"units"`
	// Tester opens the tester panel in a second window beside the cockpit.
	Tester     bool   `toml:"tester"`
	Map        string `toml:"map"`          // MBTiles or PMTiles file; empty: the embedded demo map
	MapCacheMB int    `toml:"map_cache_mb"` // bound of the map's tile caches, MB
	Media      Media  `toml:"media"`
	Market     string `toml:"market"` // store URL; empty: the embedded local store
	Places     Places `toml:"places"`

	// ExitAfter quits the cockpit this long after its first frame (for
	// benchmarks and end-to-end tests); 0 keeps it open.
	ExitAfter time.Duration `toml:"-"`

	// Path is the config file that was read or will be written.
	Path string `toml:"-"`
}

// Defaults returns the built-in configuration: a 1280×720 window on the
// simulated car driving the city scenario.
func Defaults() Config {
	return Config{
		Width: 1280, Height: 720, Size: "1280x720",
		CAN:   "sim:city",
		Theme: "auto", Scale: 1,
		LogLevel: "info", LogFormat: "text",
		Units:      Units{Speed: "km/h", Temperature: "C", Distance: "km"},
		MapCacheMB: 64,
		Media:      Media{Sink: "default"},
	}
}

// DefaultPath returns $XDG_CONFIG_HOME/fascia/config.toml (or ~/.config/…).
func DefaultPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "fascia", "config.toml")
}

// Load builds the configuration for the cockpit from defaults, the config
// file, the environment and the command-line args (without the program
// name). getenv is os.Getenv in production. A missing config file is not an
// error; an unreadable or invalid one is.
func Load(args []string, getenv func(string) string) (*Config, error) {
	c := Defaults()
	fs := flag.NewFlagSet("fascia", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	path := fs.String("config", "", "config file (default "+DefaultPath()+")")
	bind(fs, &c)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c.Path = *path
	if c.Path == "" {
		c.Path = getenv("FASCIA_CONFIG")
	}
	if c.Path == "" {
		c.Path = DefaultPath()
	}
	// Layers: defaults < file < env < flags. Flags were parsed into c only to
	// learn which were set; start again from the defaults.
	set := map[string]string{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = f.Value.String() })
	c2 := Defaults()
	c2.Path = c.Path
	if err := c2.readFile(c.Path); err != nil {
		return nil, err
	}
	for _, name := range keys {
		env := "FASCIA_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		if v := getenv(env); v != "" {
			if err := c2.setKey(name, v); err != nil {
				return nil, fmt.Errorf("environment %s: %w", env, err)
			}
		}
	}
	for _, name := range keys {
		if v, ok := set[name]; ok {
			if err := c2.setKey(name, v); err != nil {
				return nil, fmt.Errorf("flag --%s: %w", name, err)
			}
		}
	}
	if err := c2.Validate(); err != nil {
		return nil, err
	}
	return &c2, nil
}

// keys are the settings that flags and environment variables can set, by
// their flag name.
var keys = []string{"size", "fullscreen", "profile", "can", "record", "theme", "scale", "seed", "log-level", "log-format", "units-speed", "units-temperature", "units-distance", "exit-after", "tester", "map", "map-cache-mb", "media-folders", "media-sink", "market", "home", "work"}

func bind(fs *flag.FlagSet, c *Config) {
	fs.String("size", c.Size, "window size WxH")
	fs.Bool("fullscreen", c.Fullscreen, "full screen")
	fs.String("profile", c.Profile, "vehicle profile folder (default: the embedded demo car)")
	fs.String("can", c.CAN, "CAN source: socketcan:IFACE, candump:FILE[?speed=N&loop=1], trc:FILE, sim:SCENARIO")
	fs.String("record", c.Record, "record every frame to this candump file")
	fs.String("theme", c.Theme, "day, night or auto")
	fs.String("scale", "1", "UI scale factor")
	fs.String("seed", "0", "simulator seed (0: the scenario's own)")
	fs.String("log-level", c.LogLevel, "debug, info, warn or error")
	fs.String("log-format", c.LogFormat, "text or json")
	fs.String("units-speed", c.Units.Speed, "km/h or mph")
	fs.String("units-temperature", c.Units.Temperature, "C or F")
	fs.String("units-distance", c.Units.Distance, "km or mi")
	fs.String("exit-after", "0s", "quit this long after the first frame (benchmarks, tests)")
	fs.Bool("tester", c.Tester, "open the tester panel beside the cockpit (scenario player, overrides, faults)")
	fs.String("map", c.Map, "map tiles: an MBTiles or PMTiles file (default: the embedded demo map)")
	fs.String("map-cache-mb", "64", "bound of the map's tile caches in MB")
	fs.String("media-folders", "", "music folders besides the XDG music folder, separated by "+string(filepath.ListSeparator))
	fs.String("media-sink", c.Media.Sink, "audio sink: default (the sound device) or null")
	fs.String("market", c.Market, "store URL (default: the embedded local store)")
	fs.String("home", c.Places.Home, "home, LAT,LON (for \"navigate home\")")
	fs.String("work", c.Places.Work, "work, LAT,LON (for \"navigate to work\")")
}

func (c *Config) setKey(name, v string) error {
	switch name {
	case "size":
		w, h, err := ParseSize(v)
		if err != nil {
			return err
		}
		c.Size, c.Width, c.Height = v, w, h
	case "fullscreen":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		c.Fullscreen = b
	case "profile":
		c.Profile = v
	case "can":
		c.CAN = v
	case "record":
		c.Record = v
	case "theme":
		c.Theme = v
	case "scale":
		f, err := strconv.ParseFloat(v, 32)
		if err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		c.Scale = float32(f)
	case "seed":
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		c.Seed = n
	case "log-level":
		c.LogLevel = v
	case "log-format":
		c.LogFormat = v
	case "units-speed":
		c.Units.Speed = v
	case "units-temperature":
		c.Units.Temperature = v
	case "units-distance":
		c.Units.Distance = v
	case "tester":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		c.Tester = b
	case "media-folders":
		c.Media.Folders = filepath.SplitList(v)
	case "media-sink":
		c.Media.Sink = v
	case "market":
		c.Market = v
	case "home":
		c.Places.Home = v
	case "work":
		c.Places.Work = v
	case "exit-after":
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("%q is not a duration such as 30s", v)
		}
		c.ExitAfter = d
	case "map":
		c.Map = v
	case "map-cache-mb":
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		c.MapCacheMB = n
	}
	return nil
}

func (c *Config) readFile(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return c.parse(path, data)
}

func (c *Config) parse(path string, data []byte) error {
	md, err := toml.Decode(string(data), c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s:%d: %s", path, pe.Position.Line, pe.Message)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return fmt.Errorf("%s: unknown setting %q", path, und[0].String())
	}
	if c.Size != "" {
		w, h, err := ParseSize(c.Size)
		if err != nil {
			return fmt.Errorf("%s: size: %w", path, err)
		}
		c.Width, c.Height = w, h
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ParseSize parses "WxH".
func ParseSize(s string) (w, h int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	if ok {
		w, err = strconv.Atoi(a)
		if err == nil {
			h, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || w < 320 || h < 240 || w > 7680 || h > 4320 {
		return 0, 0, fmt.Errorf("size %q is not WxH between 320x240 and 7680x4320", s)
	}
	return w, h, nil
}

// Validate checks every field and names the first bad one.
func (c *Config) Validate() error {
	oneOf := func(field, v string, allowed ...string) error {
		for _, a := range allowed {
			if v == a {
				return nil
			}
		}
		return fmt.Errorf("%s: %q is not one of %s", field, v, strings.Join(allowed, ", "))
	}
	switch {
	case c.Scale < 0.5 || c.Scale > 4:
		return fmt.Errorf("scale: %g is outside 0.5–4", c.Scale)
	case c.CAN == "":
		return fmt.Errorf("can: empty source")
	case c.MapCacheMB < 8 || c.MapCacheMB > 4096:
		return fmt.Errorf("map_cache_mb: %d is outside 8–4096", c.MapCacheMB)
	case c.Market != "" && !strings.HasPrefix(c.Market, "http://") && !strings.HasPrefix(c.Market, "https://"):
		return fmt.Errorf("market: %q is not an http:// or https:// URL (empty: the embedded store)", c.Market)
	}
	for field, v := range map[string]string{"places.home": c.Places.Home, "places.work": c.Places.Work} {
		if v != "" {
			if _, _, err := ParsePoint(v); err != nil {
				return fmt.Errorf("%s: %w", field, err)
			}
		}
	}
	for _, err := range []error{
		oneOf("theme", c.Theme, "day", "night", "auto"),
		oneOf("log_level", c.LogLevel, "debug", "info", "warn", "error"),
		oneOf("log_format", c.LogFormat, "text", "json"),
		oneOf("units.speed", c.Units.Speed, "km/h", "mph"),
		oneOf("units.temperature", c.Units.Temperature, "C", "F"),
		oneOf("units.distance", c.Units.Distance, "km", "mi"),
		oneOf("media.sink", c.Media.Sink, "default", "null"),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// Save writes the configuration to c.Path atomically (temporary file, then
// rename), creating the folder if needed.
func (c *Config) Save() error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.Size = fmt.Sprintf("%dx%d", c.Width, c.Height)
	if err := os.MkdirAll(filepath.Dir(c.Path), 0o755); err != nil {
		return err
	}
	err := atomicfile.Write(c.Path, 0o600, func(w io.Writer) error { return toml.NewEncoder(w).Encode(c) })
	if err != nil {
		return fmt.Errorf("saving the configuration: %w", err)
	}
	return nil
}
