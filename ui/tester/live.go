package tester

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/script"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/platform/can"
)

// DefaultPort is the socketcand port a cockpit listens on for testers
// (`--can tcp-listen:0.0.0.0:29536`).
const DefaultPort = 29536

// Session is a live tester session: the panel's player driving a cockpit
// over the socketcand bridge, as a car on a bus would.
type Session struct {
	Player *script.Player
	Panel  *Panel
	// Dir is the session's report folder: run.log (every frame the panel's
	// car sent, finished on Close) and index.html (the actions and notes,
	// written by the panel's Save report button and on Close).
	Dir     string
	started time.Time
	sink    *can.BridgeSink
	rec     can.Sink
}

// reportDir is a new folder for a session's report under the XDG data
// directory: ~/.local/share/fascia/tester/YYYYMMDD-HHMMSS.
func reportDir() (string, error) {
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		base = filepath.Join(home, ".local", "share")
	}
	dir := filepath.Join(base, "fascia", "tester", time.Now().Format("20060102-150405"))
	return dir, os.MkdirAll(dir, 0o755)
}

// ListenForTester prepares a cockpit configuration for `fascia --tester`:
// the cockpit's source becomes a socketcand listener on a free loopback
// port, which the panel's car will feed. It returns the scenario the
// configuration asked for (sim:NAME; "city" otherwise) and the address.
func ListenForTester(cfg *config.Config) (scenario, addr string, err error) {
	scenario = "city"
	if name, ok := strings.CutPrefix(cfg.CAN, "sim:"); ok {
		name, _, _ = strings.Cut(name, "?")
		scenario = name
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", fmt.Errorf("tester: %w", err)
	}
	addr = ln.Addr().String()
	ln.Close()
	// No rate limit: the panel's car is local, and ×10 sends ten times a
	// car's frame rate.
	cfg.CAN = "tcp-listen:" + addr + "?rate=0"
	return scenario, addr, nil
}

// Connect starts a tester session: it connects to the cockpit listening at
// addr, loads the scenario and builds the panel (call it on the UI
// goroutine; the connection is made there once, before the window shows).
// The player starts paused.
func Connect(p *vehicle.Profile, addr, scenario string, seed uint64) (*Session, error) {
	var sink *can.BridgeSink
	var err error
	// The cockpit's listener may still be starting.
	for i := 0; i < 20; i++ {
		if sink, err = can.DialBridge(addr, "can0"); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		return nil, err
	}
	dir, err := reportDir()
	if err != nil {
		sink.Close()
		return nil, fmt.Errorf("tester report folder: %w", err)
	}
	rec, err := can.Create("candump:" + filepath.Join(dir, LogName))
	if err != nil {
		sink.Close()
		return nil, err
	}
	d := script.NewDriver(p, func(f *can.Frame) error {
		if err := sink.Write(f); err != nil {
			return err
		}
		if err := rec.Write(f); err != nil {
			return err
		}
		return sink.Flush()
	}, sink)
	if err := d.Load(scenario, seed); err != nil {
		sink.Close()
		rec.Close()
		return nil, err
	}
	pl := script.NewPlayer(d)
	s := &Session{Player: pl, Panel: NewPanel(pl), Dir: dir, started: time.Now(), sink: sink, rec: rec}
	s.Panel.OnSave = s.Save
	return s, nil
}

// Save writes the session's index.html and returns its path.
func (s *Session) Save() (string, error) {
	rep := s.Panel.Report()
	rep.Log, rep.Started = LogName, s.started
	return filepath.Join(s.Dir, "index.html"), rep.WriteHTML(s.Dir)
}

// Window opens the panel in a window of a.
func (s *Session) Window(a fyne.App) fyne.Window {
	w := a.NewWindow("Fascia tester")
	w.SetContent(s.Panel.Content())
	w.Resize(fyne.NewSize(1000, 720))
	return w
}

// Start runs the player (playing) and the panel.
func (s *Session) Start() {
	s.Player.Start()
	s.Player.Play()
	s.Panel.Start()
}

// Stop ends the panel's goroutines, which post to the UI goroutine: call
// it before the app's event loop ends (from its OnStopped).
func (s *Session) Stop() { s.Panel.Stop() }

// Close stops the panel and the player and closes the connection.
func (s *Session) Close() {
	s.Panel.Stop()
	s.Player.Close()
	s.sink.Close()
	s.rec.Close()
	s.Save()
}
