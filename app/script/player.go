package script

import (
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fascia-hmi/fascia/assets"
)

// Scenarios lists the embedded scenarios by name.
func Scenarios() []string {
	var out []string
	entries, _ := fs.ReadDir(assets.FS, "scenarios")
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".toml"); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Speed limits of the Player.
const (
	MinSpeed = 0.5
	MaxSpeed = 10
)

// playerTick is how often the Player steps the driver.
const playerTick = 10 * time.Millisecond

// Player runs a Driver in real time on its own goroutine: play, pause,
// seek and speed (×0.5 to ×10) for the tester panel and windowed script
// runs. While paused the car holds its state and keeps sending it.
type Player struct {
	d *Driver

	mu      sync.Mutex
	playing bool
	speed   float64
	err     error
	stop    chan struct{}
	done    chan struct{}
}

// NewPlayer returns a paused player of d at speed ×1; Start runs it.
func NewPlayer(d *Driver) *Player { return &Player{d: d, speed: 1} }

// Driver returns the driver the player runs.
func (p *Player) Driver() *Driver { return p.d }

// Start runs the player's goroutine until Close.
func (p *Player) Start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		return
	}
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go p.run(p.stop, p.done)
}

func (p *Player) run(stop, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(playerTick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			dt := now.Sub(last)
			last = now
			p.tick(dt)
		}
	}
}

// tick advances by wall time dt; a panic in the car or an output is
// recovered and pauses the player with the error.
func (p *Player) tick(dt time.Duration) {
	defer func() {
		if r := recover(); r != nil {
			p.fail(panicError{r})
		}
	}()
	p.mu.Lock()
	playing, speed := p.playing, p.speed
	p.mu.Unlock()
	var err error
	if playing {
		err = p.d.Step(p.d.Now() + time.Duration(float64(dt)*speed))
	} else {
		err = p.d.Hold(dt)
	}
	if err != nil && err != ErrNotLoaded {
		p.fail(err)
	}
}

type panicError struct{ v any }

func (e panicError) Error() string { return "panic in the simulated car: " + fmtAny(e.v) }

func (p *Player) fail(err error) {
	p.mu.Lock()
	p.err, p.playing = err, false
	p.mu.Unlock()
}

// Err returns the error that last paused the player, or nil.
func (p *Player) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Play resumes simulated time.
func (p *Player) Play() {
	p.mu.Lock()
	p.playing, p.err = true, nil
	p.mu.Unlock()
}

// Pause holds simulated time (the car keeps sending its state).
func (p *Player) Pause() {
	p.mu.Lock()
	p.playing = false
	p.mu.Unlock()
}

// Playing reports whether simulated time runs.
func (p *Player) Playing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.playing
}

// SetSpeed sets simulated seconds per wall second, clamped to
// MinSpeed…MaxSpeed.
func (p *Player) SetSpeed(x float64) {
	p.mu.Lock()
	p.speed = min(max(x, MinSpeed), MaxSpeed)
	p.mu.Unlock()
}

// Speed returns the speed.
func (p *Player) Speed() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.speed
}

// Seek jumps to simulated time t.
func (p *Player) Seek(t time.Duration) error { return p.d.Seek(t) }

// Close stops the goroutine and waits for it.
func (p *Player) Close() {
	p.mu.Lock()
	stop, done := p.stop, p.done
	p.stop = nil
	p.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}
