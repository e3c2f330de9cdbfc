package tester

import (
	"fmt"
	"net"
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
	sink   *can.BridgeSink
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
	d := script.NewDriver(p, func(f *can.Frame) error {
		if err := sink.Write(f); err != nil {
			return err
		}
		return sink.Flush()
	}, sink)
	if err := d.Load(scenario, seed); err != nil {
		sink.Close()
		return nil, err
	}
	pl := script.NewPlayer(d)
	return &Session{Player: pl, Panel: NewPanel(pl), sink: sink}, nil
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

// Close stops the panel and the player and closes the connection.
func (s *Session) Close() {
	s.Panel.Stop()
	s.Player.Close()
	s.sink.Close()
}
