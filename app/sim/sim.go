package sim

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

// DefaultEpoch is the wall-clock time of simulated time 0 until SetStart
// changes it: a fixed instant, so that the same seed gives the same frames,
// time stamps included.
var DefaultEpoch = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

// Sim is the simulated car on a CAN bus: the model advanced in simulated
// time, and every message of the encoder sent at its DBC cycle time, each
// with its own fixed phase so that frames do not all bunch together.
//
// A Sim is used from one goroutine, except Override, Release and Command,
// which any goroutine may call.
//
// With SetCommands the car also plays the ECUs that receive the cockpit's
// command frames (e.g. the climate ECU): Command decodes a frame with the
// profile's command mappings and the model takes the request at its next
// step, so the status messages then report it.
type Sim struct {
	sc    *Scenario
	enc   *vehicle.Encoder
	msgs  []vehicle.EncodedMessage
	cycle []time.Duration // per message, never 0
	m     *model
	start time.Time
	now   time.Duration // simulated time reached
	sched []due         // min-heap by (at, msg)
	frame can.Frame
	get   func(vss.ID) (vehicle.Value, bool)

	ovMu      sync.Mutex
	ovVersion atomic.Uint64
	ovPending [vss.Count + 1]vehicle.Value
	ovPendOn  [vss.Count + 1]bool
	ovSeen    uint64
	ov        [vss.Count + 1]vehicle.Value
	ovOn      [vss.Count + 1]bool

	cmds     *vehicle.Commands
	cmdMu    sync.Mutex
	cmdQueue []request
	cmdN     atomic.Int32 // len(cmdQueue)
	taken    atomic.Uint64
	ignored  atomic.Uint64
}

// request is a decoded command waiting for the model's next step.
type request struct {
	id vss.ID
	v  vehicle.Value
}

type due struct {
	at  time.Duration
	msg int32
}

// New returns the simulated car of scenario sc, sending the messages of enc
// (nil: none, the model still runs), driving along route (nil: no position
// signals and no corners). seed 0 takes the scenario's seed.
func New(sc *Scenario, enc *vehicle.Encoder, route *Route, seed uint64) *Sim {
	if seed == 0 {
		seed = sc.Seed
	}
	s := &Sim{sc: sc, enc: enc, m: newModel(sc, route, seed), start: DefaultEpoch}
	s.get = s.value
	if enc != nil {
		s.msgs = enc.Messages()
	}
	for i, msg := range s.msgs {
		c := msg.CycleTime
		if c <= 0 {
			c = vehicle.DefaultCycle
		}
		msg.CycleTime = c
		s.cycle = append(s.cycle, c)
		s.push(due{at: phase(msg), msg: int32(i)})
	}
	return s
}

// Open loads scenario name from assets (a file system holding scenarios/
// and routes/, such as the embedded assets.FS) with its route, and returns
// its simulated car. seed 0 takes the scenario's seed.
func Open(assets fs.FS, name string, enc *vehicle.Encoder, seed uint64) (*Sim, error) {
	scenarios, err := fs.Sub(assets, "scenarios")
	if err != nil {
		return nil, err
	}
	sc, err := LoadScenario(scenarios, name)
	if err != nil {
		return nil, err
	}
	if seed == 0 {
		seed = sc.Seed
	}
	routes, err := fs.Sub(assets, "routes")
	if err != nil {
		return nil, err
	}
	route, err := LoadRoute(routes, sc.Route, seed)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sc.File, err)
	}
	return New(sc, enc, route, seed), nil
}

// phase is a message's fixed offset within its cycle, from a hash of its
// identity, in whole milliseconds.
func phase(msg vehicle.EncodedMessage) time.Duration {
	h := fnv.New32a()
	fmt.Fprintf(h, "%x/%t/%s", msg.ID, msg.Extended, msg.Mux)
	ms := int64(msg.CycleTime / time.Millisecond)
	if ms <= 1 {
		return 0
	}
	return time.Duration(int64(h.Sum32())%ms) * time.Millisecond
}

// Scenario returns the scenario the car runs.
func (s *Sim) Scenario() *Scenario { return s.sc }

// Route returns the route the car drives, or nil.
func (s *Sim) Route() *Route { return s.m.route }

// Messages returns the messages the car sends.
func (s *Sim) Messages() []vehicle.EncodedMessage { return s.msgs }

// SetStart sets the wall-clock time of simulated time 0 (DefaultEpoch by
// default). Frames are stamped start + simulated time.
func (s *Sim) SetStart(t time.Time) { s.start = t }

// Start returns the wall-clock time of simulated time 0.
func (s *Sim) Start() time.Time { return s.start }

// Now returns the simulated time reached.
func (s *Sim) Now() time.Duration { return s.now }

// Value returns the value of id as the car sends it: the override if there
// is one, else the model's value; false when the car has no such signal.
func (s *Sim) Value(id vss.ID) (vehicle.Value, bool) {
	s.syncOverrides()
	return s.value(id)
}

func (s *Sim) value(id vss.ID) (vehicle.Value, bool) {
	if int(id) >= len(s.ov) {
		return vehicle.Value{}, false
	}
	if s.ovOn[id] {
		return s.ov[id], true
	}
	return s.m.val[id], s.m.has[id]
}

// Override makes the car send v for id, whatever the model computes, until
// Release. The model itself is not affected (overriding the speed does not
// move the car faster). Safe for concurrent use.
func (s *Sim) Override(id vss.ID, v vehicle.Value) {
	if !vss.Valid(id) {
		return
	}
	s.ovMu.Lock()
	s.ovPending[id], s.ovPendOn[id] = v, true
	s.ovVersion.Add(1)
	s.ovMu.Unlock()
}

// Release ends an override. Safe for concurrent use.
func (s *Sim) Release(id vss.ID) {
	if !vss.Valid(id) {
		return
	}
	s.ovMu.Lock()
	s.ovPending[id], s.ovPendOn[id] = vehicle.Value{}, false
	s.ovVersion.Add(1)
	s.ovMu.Unlock()
}

func (s *Sim) syncOverrides() {
	if v := s.ovVersion.Load(); v != s.ovSeen {
		s.ovMu.Lock()
		s.ov, s.ovOn = s.ovPending, s.ovPendOn
		s.ovSeen = s.ovVersion.Load()
		s.ovMu.Unlock()
	}
}

// SetCommands makes the car accept the command frames of c (a profile's
// commands; nil: none). Call it before the car runs.
func (s *Sim) SetCommands(c *vehicle.Commands) { s.cmds = c }

// Command hands the car a frame sent to it, as a bus would: a command of
// the profile (see SetCommands) is taken at the model's next step; other
// frames are ignored, as ECUs ignore IDs they do not listen to. Safe for
// concurrent use.
func (s *Sim) Command(f *can.Frame) {
	if s.cmds == nil {
		s.ignored.Add(1)
		return
	}
	id, v, ok := s.cmds.Decode(f)
	if !ok {
		s.ignored.Add(1)
		return
	}
	s.cmdMu.Lock()
	s.cmdQueue = append(s.cmdQueue, request{id, v})
	s.cmdN.Store(int32(len(s.cmdQueue)))
	s.cmdMu.Unlock()
}

// CommandStats returns how many frames Command took as commands the model
// acted on, and how many it ignored (no command of the profile, or a
// signal the model computes itself).
func (s *Sim) CommandStats() (taken, ignored uint64) {
	return s.taken.Load(), s.ignored.Load()
}

// takeCommands applies the queued commands to the model.
func (s *Sim) takeCommands() {
	s.cmdMu.Lock()
	q := s.cmdQueue
	s.cmdQueue = nil
	s.cmdN.Store(0)
	s.cmdMu.Unlock()
	for _, r := range q {
		if s.m.command(r.id, r.v) {
			s.taken.Add(1)
		} else {
			s.ignored.Add(1)
		}
	}
}

// advanceTo runs the model up to simulated time t (the last whole Tick).
func (s *Sim) advanceTo(t time.Duration) {
	if s.cmdN.Load() > 0 {
		s.takeCommands()
	}
	for s.m.t+Tick <= t {
		s.m.advance()
	}
	s.now = max(s.now, t)
}

// Step advances the car to simulated time until, calling emit with every
// frame due up to then, in time order (ties in message order). The frame is
// the Sim's own and is only valid during the call. An error from emit stops
// the step and is returned.
func (s *Sim) Step(until time.Duration, emit func(*can.Frame) error) error {
	for len(s.sched) > 0 && s.sched[0].at <= until {
		s.produce(&s.frame)
		if err := emit(&s.frame); err != nil {
			return err
		}
	}
	s.advanceTo(until)
	return nil
}

// nextDue returns the simulated time of the next frame.
func (s *Sim) nextDue() (time.Duration, bool) {
	if len(s.sched) == 0 {
		return 0, false
	}
	return s.sched[0].at, true
}

// produce builds the next due frame into f, reschedules its message and
// returns the message's index.
func (s *Sim) produce(f *can.Frame) int {
	d := s.sched[0]
	s.advanceTo(d.at)
	s.syncOverrides()
	s.enc.Encode(int(d.msg), s.get, f)
	f.Time = s.start.Add(d.at)
	s.sched[0].at += s.cycle[d.msg]
	s.down(0)
	return int(d.msg)
}

func (s *Sim) less(i, j int) bool {
	a, b := s.sched[i], s.sched[j]
	return a.at < b.at || a.at == b.at && a.msg < b.msg
}

func (s *Sim) push(d due) {
	s.sched = append(s.sched, d)
	for i := len(s.sched) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s.sched[i], s.sched[p] = s.sched[p], s.sched[i]
		i = p
	}
}

func (s *Sim) down(i int) {
	n := len(s.sched)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && s.less(r, l) {
			m = r
		}
		if !s.less(m, i) {
			return
		}
		s.sched[i], s.sched[m] = s.sched[m], s.sched[i]
		i = m
	}
}

// Source is a Sim as a can.Source: it paces frames by the wall clock, so
// that "sim:city" can stand wherever a CAN source can. Frames carry the
// wall-clock time at which they are due. It never ends: a held scenario
// keeps sending its final state.
type Source struct {
	sim   *Sim
	name  string
	speed float64 // simulated seconds per wall second; 0: as fast as possible
	clock func() time.Time
	sleep func(ctx context.Context, d time.Duration) error

	started bool
	wall0   time.Time
	closed  atomic.Bool
}

var _ can.Source = (*Source)(nil)

// Write sends a frame to the simulated car (see Sim.Command). Safe to call
// while another goroutine runs Next.
func (src *Source) Write(f *can.Frame) error {
	if src.closed.Load() {
		return ErrClosed
	}
	if err := f.Validate(); err != nil {
		return fmt.Errorf("%s: %w", src.name, err)
	}
	src.sim.Command(f)
	return nil
}

// SourceOption configures a Source.
type SourceOption func(*Source)

// WithSpeed runs the simulation speed times faster than real time (0: as
// fast as the consumer reads).
func WithSpeed(speed float64) SourceOption { return func(s *Source) { s.speed = speed } }

// WithClock replaces the wall clock and the sleep that paces frames (for
// tests).
func WithClock(now func() time.Time, sleep func(ctx context.Context, d time.Duration) error) SourceOption {
	return func(s *Source) { s.clock, s.sleep = now, sleep }
}

// Source returns the car as a frame source named name (e.g. "sim:city").
func (s *Sim) Source(name string, opts ...SourceOption) *Source {
	src := &Source{sim: s, name: name, speed: 1, clock: time.Now, sleep: sleepCtx}
	for _, o := range opts {
		o(src)
	}
	return src
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ErrClosed is returned by Next after Close.
var ErrClosed = errors.New("sim: source closed")

// ErrNoMessages is returned by Next when the encoder has no messages.
var ErrNoMessages = errors.New("sim: the vehicle profile maps no signal, so there are no frames to send")

// Name returns the source's name.
func (src *Source) Name() string { return src.name }

// Close ends the source; Next then returns ErrClosed.
func (src *Source) Close() error {
	src.closed.Store(true)
	return nil
}

// Sim returns the simulated car behind the source (for overrides).
func (src *Source) Sim() *Sim { return src.sim }

// Next waits until the next frame is due by the wall clock and stores it in
// f. The first call sets the simulation's start to the current time.
func (src *Source) Next(ctx context.Context, f *can.Frame) error {
	if src.closed.Load() {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	at, ok := src.sim.nextDue()
	if !ok {
		return ErrNoMessages
	}
	if !src.started {
		// The first frame goes at once.
		src.started = true
		src.wall0 = src.clock()
		if src.speed > 0 {
			src.wall0 = src.wall0.Add(-time.Duration(float64(at) / src.speed))
		}
		src.sim.SetStart(src.wall0)
	}
	var wall time.Time
	if src.speed > 0 {
		wall = src.wall0.Add(time.Duration(float64(at) / src.speed))
		if d := wall.Sub(src.clock()); d > 0 {
			if err := src.sleep(ctx, d); err != nil {
				return err
			}
		}
		if src.closed.Load() {
			return ErrClosed
		}
	}
	src.sim.produce(f)
	if src.speed > 0 {
		f.Time = wall
	}
	return nil
}

// Run sends the car's frames to sink, paced by the wall clock, until ctx
// ends (returning ctx.Err()) or the sink fails.
func (src *Source) Run(ctx context.Context, sink can.Sink) error {
	var f can.Frame
	for {
		if err := src.Next(ctx, &f); err != nil {
			return err
		}
		if err := sink.Write(&f); err != nil {
			return err
		}
	}
}

// Run sends the car's frames to sink in real time (see Source) until ctx
// ends or the sink fails.
func (s *Sim) Run(ctx context.Context, sink can.Sink, opts ...SourceOption) error {
	return s.Source("sim:"+s.sc.Name, opts...).Run(ctx, sink)
}

// OpenURI opens a simulator source from a URI of the form
//
//	sim:SCENARIO[?seed=N&speed=S]
//
// with the scenarios and routes of assets (see Open). speed is simulated
// seconds per wall second (default 1; "max" or 0: as fast as read).
func OpenURI(assets fs.FS, uri string, enc *vehicle.Encoder) (*Source, error) {
	rest, ok := strings.CutPrefix(uri, "sim:")
	if !ok {
		return nil, fmt.Errorf("%s: not a sim: URI", uri)
	}
	name, query, _ := strings.Cut(rest, "?")
	if name == "" {
		return nil, fmt.Errorf("%s: no scenario name (e.g. sim:city)", uri)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", uri, err)
	}
	var seed uint64
	speed := 1.0
	for k, vs := range q {
		v := vs[len(vs)-1]
		switch k {
		case "seed":
			seed, err = strconv.ParseUint(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: seed %q: want a whole number", uri, v)
			}
		case "speed":
			if v == "max" {
				speed = 0
				continue
			}
			speed, err = strconv.ParseFloat(v, 64)
			if err != nil || speed < 0 || math.IsInf(speed, 0) || math.IsNaN(speed) {
				return nil, fmt.Errorf("%s: speed %q: want a number ≥ 0 or max", uri, v)
			}
		default:
			return nil, fmt.Errorf("%s: unknown option %q (want seed, speed)", uri, k)
		}
	}
	s, err := Open(assets, name, enc, seed)
	if err != nil {
		return nil, err
	}
	return s.Source("sim:"+name, WithSpeed(speed)), nil
}
