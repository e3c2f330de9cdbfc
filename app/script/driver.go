// Package script owns the UX tester's kit below the UI: the Driver (the
// simulated car with live overrides and fault injection, sending real CAN
// frames encoded with the profile's DBC), the Player that runs it in real
// time (play, pause, seek, speed), the plain-text test script language and
// its runner, and the HTML report of a run.
//
// It must not import Fyne: taps, screenshots and on-screen text are reached
// through the UI interface, which ui/tester implements.
package script

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/sim"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/internal/suggest"
	"github.com/fascia-hmi/fascia/platform/can"
)

// Output is where the Driver's frames go: a sink (the bridge, SocketCAN, a
// log) or an in-process cockpit's feed. The frame is only valid during the
// call.
type Output func(f *can.Frame) error

// RawWriter is implemented by outputs that can carry a malformed protocol
// message (the socketcand bridge sink).
type RawWriter interface {
	WriteRaw(text string) error
}

// Faults is the set of faults active now.
type Faults struct {
	Silence      bool
	SilenceUntil time.Duration // 0: until cleared
	Drop         []uint32      // frame IDs not sent
	Freeze       map[vss.ID]vehicle.Value
	Noise        map[vss.ID]float64 // ± amplitude
}

// Driver is the simulated car as the tester drives it: the scenario's
// model, the tester's overrides, and faults applied to the frames on the
// way out. Every change reaches the cockpit as CAN frames encoded through
// the profile's DBC, exactly as a car would send them.
//
// A Driver is safe for concurrent use: the Player steps it on its own
// goroutine while the panel sets overrides and faults.
type Driver struct {
	prof *vehicle.Profile
	enc  *vehicle.Encoder
	msgs []vehicle.EncodedMessage
	byID map[uint32][]int  // frame ID → messages
	byVS map[vss.ID][]int  // VSS signal → messages carrying it
	name map[string]uint32 // DBC message name → frame ID

	mu        sync.Mutex
	out       Output
	raw       RawWriter
	scenario  string
	seed      uint64
	sim       *sim.Sim
	overrides map[vss.ID]vehicle.Value
	faults    Faults
	drop      map[uint32]bool
	rng       *rand.Rand
	tmp       can.Frame
	sent      uint64
	dropped   uint64
	holdClock time.Duration
	holdNext  []time.Duration

	virt atomic.Int64 // unix nanoseconds of the simulated present, for VirtualNow
}

// VirtualNow is the wall-clock reading of the simulated present (the
// scenario's start plus simulated time): the clock of a cockpit that the
// driver feeds in virtual time. It takes no lock, so a store may call it
// while the driver delivers frames.
func (d *Driver) VirtualNow() time.Time {
	if n := d.virt.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return sim.DefaultEpoch
}

func (d *Driver) setVirt() { d.virt.Store(d.sim.Start().Add(d.sim.Now()).UnixNano()) }

// NewDriver returns a driver sending p's frames to out. raw, when not nil,
// carries malformed protocol messages (see Malformed).
func NewDriver(p *vehicle.Profile, out Output, raw RawWriter) *Driver {
	enc := vehicle.NewEncoder(p)
	d := &Driver{prof: p, enc: enc, msgs: enc.Messages(), out: out, raw: raw,
		byID: map[uint32][]int{}, byVS: map[vss.ID][]int{}, name: map[string]uint32{},
		overrides: map[vss.ID]vehicle.Value{}, drop: map[uint32]bool{}}
	d.faults.Freeze, d.faults.Noise = map[vss.ID]vehicle.Value{}, map[vss.ID]float64{}
	for i, m := range d.msgs {
		d.byID[m.ID] = append(d.byID[m.ID], i)
		d.name[m.Name] = m.ID
		for _, id := range m.IDs {
			d.byVS[id] = append(d.byVS[id], i)
		}
	}
	return d
}

// Profile is the vehicle profile the driver encodes with.
func (d *Driver) Profile() *vehicle.Profile { return d.prof }

// Load (re)starts the car on a scenario (embedded name or .toml path) at
// time 0. Overrides and faults stay in force. seed 0 takes the scenario's.
func (d *Driver) Load(scenario string, seed uint64) error {
	s, err := app.NewSim(d.prof, scenario, seed)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	s.SetCommands(vehicle.NewCommands(d.prof))
	d.scenario, d.seed, d.sim = scenario, seed, s
	d.setVirt()
	for id, v := range d.overrides {
		s.Override(id, v)
	}
	seedRNG := seed
	if seedRNG == 0 {
		seedRNG = s.Scenario().Seed
	}
	d.rng = rand.New(rand.NewPCG(seedRNG, 0x7e57e7))
	return nil
}

// Write hands the car a frame the cockpit sends (a command of the
// profile, e.g. a climate request; see sim.Sim.Command).
func (d *Driver) Write(f *can.Frame) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sim == nil {
		return errors.New("no car: the script has not started a scenario")
	}
	d.sim.Command(f)
	return nil
}

// Scenario returns the scenario's name, "" before Load.
func (d *Driver) Scenario() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.scenario
}

// Sim returns the simulated car (nil before Load).
func (d *Driver) Sim() *sim.Sim {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sim
}

// Now is the simulated time reached.
func (d *Driver) Now() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sim == nil {
		return 0
	}
	return d.sim.Now()
}

// Duration is the scenario's length.
func (d *Driver) Duration() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sim == nil {
		return 0
	}
	return d.sim.Scenario().Duration
}

// Counts returns the frames sent and the frames held back by faults.
func (d *Driver) Counts() (sent, dropped uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sent, d.dropped
}

// ErrNotLoaded is returned by Step and Seek before Load.
var ErrNotLoaded = errors.New("no scenario loaded")

// Step advances the car to simulated time until, sending every frame due.
func (d *Driver) Step(until time.Duration) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sim == nil {
		return ErrNotLoaded
	}
	defer d.setVirt()
	return d.sim.Step(until, d.emit)
}

// Seek moves to simulated time t without sending the frames in between
// (backwards: the scenario restarts from 0 with the same seed).
func (d *Driver) Seek(t time.Duration) error {
	d.mu.Lock()
	if d.sim == nil {
		d.mu.Unlock()
		return ErrNotLoaded
	}
	back := t < d.sim.Now()
	sc, seed := d.scenario, d.seed
	d.mu.Unlock()
	if back {
		if err := d.Load(sc, seed); err != nil {
			return err
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	defer d.setVirt()
	return d.sim.Step(t, func(*can.Frame) error { return nil })
}

// emit applies the faults to one frame and sends it; d.mu is held.
func (d *Driver) emit(f *can.Frame) error {
	d.virt.Store(f.Time.UnixNano())
	now := d.sim.Now()
	if d.faults.Silence && d.faults.SilenceUntil > 0 && now >= d.faults.SilenceUntil {
		d.faults.Silence, d.faults.SilenceUntil = false, 0
	}
	if d.faults.Silence || d.drop[f.ID] {
		d.dropped++
		return nil
	}
	if len(d.faults.Freeze) > 0 || len(d.faults.Noise) > 0 {
		d.reencode(f)
	}
	d.sent++
	return d.out(f)
}

// reencode builds f again with frozen and noisy values when its message
// carries an affected signal. A multiplexed ID has several messages (one per
// page): the page is the one whose encoding of the car's values gives f.
func (d *Driver) reencode(f *can.Frame) {
	plain := func(id vss.ID) (vehicle.Value, bool) { return d.sim.Value(id) }
	faulty := func(id vss.ID) (vehicle.Value, bool) {
		if v, ok := d.faults.Freeze[id]; ok {
			return v, true
		}
		v, ok := d.sim.Value(id)
		if a, noisy := d.faults.Noise[id]; noisy && ok {
			v.Num += (d.rng.Float64()*2 - 1) * a
			lo, hi := vss.Get(id).Limits()
			v.Num = min(max(v.Num, lo), hi)
		}
		return v, ok
	}
	for _, i := range d.byID[f.ID] {
		m := &d.msgs[i]
		if m.Extended != f.Extended || !d.affects(m) {
			continue
		}
		if len(d.byID[f.ID]) > 1 {
			d.enc.Encode(i, plain, &d.tmp)
			if d.tmp.Data != f.Data {
				continue
			}
		}
		t := f.Time
		d.enc.Encode(i, faulty, f)
		f.Time = t
		return
	}
}

func (d *Driver) affects(m *vehicle.EncodedMessage) bool {
	for _, id := range m.IDs {
		if _, ok := d.faults.Freeze[id]; ok {
			return true
		}
		if _, ok := d.faults.Noise[id]; ok {
			return true
		}
	}
	return false
}

// Mapped returns the signals the profile can send, in catalog order.
func (d *Driver) Mapped() []vss.ID {
	out := make([]vss.ID, 0, len(d.byVS))
	for id := range d.byVS {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Signal resolves a VSS path to a signal the profile maps, with a "did you
// mean" hint when it is not one.
func (d *Driver) Signal(path string) (vss.ID, error) {
	id, ok := vss.Lookup(path)
	if ok {
		if _, mapped := d.byVS[id]; mapped {
			return id, nil
		}
	}
	var names []string
	for mid := range d.byVS {
		names = append(names, vss.Get(mid).Path)
	}
	sort.Strings(names)
	hint := suggest.Closest(path, names, 3)
	if len(hint) == 0 && !ok {
		hint = vss.Suggest(path, 3)
	}
	msg := fmt.Sprintf("unknown signal %q", path)
	if ok {
		msg = fmt.Sprintf("signal %s is not sent by profile %s", path, d.prof.Name)
	}
	if len(hint) > 0 {
		msg += " (did you mean " + strings.Join(hint, ", ") + "?)"
	}
	return 0, errors.New(msg)
}

// ParseValue reads a value for signal id as a tester writes it: a number
// (clamped to nothing: out-of-range is an error), true/false/on/off for
// booleans, or one of the allowed values of an enum.
func ParseValue(id vss.ID, s string) (vehicle.Value, error) {
	sig := vss.Get(id)
	switch {
	case sig.Datatype == vss.Boolean:
		switch strings.ToLower(s) {
		case "true", "on", "1", "yes":
			return vehicle.BoolValue(true), nil
		case "false", "off", "0", "no":
			return vehicle.BoolValue(false), nil
		}
		return vehicle.Value{}, fmt.Errorf("%s is a boolean: want true or false, not %q", sig.Path, s)
	case len(sig.Allowed) > 0:
		if sig.AllowedIndex(s) < 0 {
			return vehicle.Value{}, fmt.Errorf("%s: %q is not one of %s", sig.Path, s, strings.Join(sig.Allowed, ", "))
		}
		return vehicle.Value{Str: s}, nil
	case sig.Datatype == vss.String:
		return vehicle.Value{Str: s}, nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || x != x {
		return vehicle.Value{}, fmt.Errorf("%s: %q is not a number", sig.Path, s)
	}
	lo, hi := sig.Limits()
	if x < lo || x > hi {
		return vehicle.Value{}, fmt.Errorf("%s: %v is outside %v…%v %s", sig.Path, x, lo, hi, sig.Unit)
	}
	return vehicle.Value{Num: x}, nil
}

// Set overrides a signal: the car sends v until Release.
func (d *Driver) Set(id vss.ID, v vehicle.Value) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.overrides[id] = v
	if d.sim != nil {
		d.sim.Override(id, v)
	}
}

// Release ends an override (id 0: all of them).
func (d *Driver) Release(id vss.ID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for oid := range d.overrides {
		if id == 0 || oid == id {
			delete(d.overrides, oid)
			if d.sim != nil {
				d.sim.Release(oid)
			}
		}
	}
}

// Overrides returns the overrides in force.
func (d *Driver) Overrides() map[vss.ID]vehicle.Value {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[vss.ID]vehicle.Value, len(d.overrides))
	for k, v := range d.overrides {
		out[k] = v
	}
	return out
}

// Value is the value the car sends for id now (override included), ok
// false before Load or when the car has no such value.
func (d *Driver) Value(id vss.ID) (vehicle.Value, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sim == nil {
		return vehicle.Value{}, false
	}
	return d.sim.Value(id)
}

// Freeze makes the car keep sending id's present value (a stuck sensor):
// the cockpit sees a live signal that no longer changes.
func (d *Driver) Freeze(id vss.ID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var v vehicle.Value
	if d.sim != nil {
		v, _ = d.sim.Value(id)
	}
	d.faults.Freeze[id] = v
}

// Noise adds uniform noise of ± amplitude to a numeric signal.
func (d *Driver) Noise(id vss.ID, amplitude float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.faults.Noise[id] = amplitude
}

// MessageID resolves what `fault drop` names: a VSS path (the message
// carrying it), a DBC message name, or a frame ID in hex (0x…).
func (d *Driver) MessageID(what string) (uint32, error) {
	if id, ok := d.name[what]; ok {
		return id, nil
	}
	if h, ok := strings.CutPrefix(strings.ToLower(what), "0x"); ok {
		v, err := strconv.ParseUint(h, 16, 32)
		if err == nil {
			if _, known := d.byID[uint32(v)]; known {
				return uint32(v), nil
			}
			return 0, fmt.Errorf("profile %s sends no frame with ID %#x", d.prof.Name, v)
		}
	}
	if strings.HasPrefix(what, "Vehicle.") {
		id, err := d.Signal(what)
		if err != nil {
			return 0, err
		}
		return d.msgs[d.byVS[id][0]].ID, nil
	}
	var names []string
	for n := range d.name {
		names = append(names, n)
	}
	sort.Strings(names)
	msg := fmt.Sprintf("no message %q in profile %s", what, d.prof.Name)
	if hint := suggest.Closest(what, names, 3); len(hint) > 0 {
		msg += " (did you mean " + strings.Join(hint, ", ") + "?)"
	}
	return 0, errors.New(msg)
}

// Drop stops sending the frames with ID id (the cockpit sees its signals
// go stale).
func (d *Driver) Drop(id uint32) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.drop[id] = true
	d.faults.Drop = append(d.faults.Drop, id)
}

// Silence stops every frame for length of simulated time (0: until
// ClearFaults).
func (d *Driver) Silence(length time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.faults.Silence, d.faults.SilenceUntil = true, 0
	if length > 0 && d.sim != nil {
		d.faults.SilenceUntil = d.sim.Now() + length
	}
}

// ClearFaults ends the faults on signal id (0: every fault, silence and
// dropped messages included).
func (d *Driver) ClearFaults(id vss.ID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if id != 0 {
		delete(d.faults.Freeze, id)
		delete(d.faults.Noise, id)
		for _, i := range d.byVS[id] {
			delete(d.drop, d.msgs[i].ID)
		}
		return
	}
	d.faults = Faults{Freeze: map[vss.ID]vehicle.Value{}, Noise: map[vss.ID]float64{}}
	d.drop = map[uint32]bool{}
}

// Faults returns the faults active now.
func (d *Driver) Faults() Faults {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := d.faults
	f.Drop = nil
	for id := range d.drop {
		f.Drop = append(f.Drop, id)
	}
	sort.Slice(f.Drop, func(i, j int) bool { return f.Drop[i] < f.Drop[j] })
	f.Freeze, f.Noise = map[vss.ID]vehicle.Value{}, map[vss.ID]float64{}
	for k, v := range d.faults.Freeze {
		f.Freeze[k] = v
	}
	for k, v := range d.faults.Noise {
		f.Noise[k] = v
	}
	return f
}

// Malformed sends one frame the decoder must refuse: the ID of the
// profile's first message with a single byte where the DBC wants more (or
// more bytes than it wants), and, over the bridge, one malformed protocol
// message. It returns what it sent.
func (d *Driver) Malformed() (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.msgs) == 0 {
		return "", errors.New("the profile sends no messages")
	}
	m := d.msgs[0]
	f := can.Frame{ID: m.ID, Extended: m.Extended, Len: 1}
	if m.Size <= 1 {
		f.Len = 8
	}
	for i := range f.Len {
		f.Data[i] = 0xff
	}
	if d.sim != nil {
		f.Time = d.sim.Start().Add(d.sim.Now())
	}
	what := f.String() + " (" + m.Name + " is " + strconv.Itoa(m.Size) + " bytes)"
	if err := d.out(&f); err != nil {
		return what, err
	}
	d.sent++
	if d.raw != nil {
		const bad = "< send ZZZ 9 malformed >"
		if err := d.raw.WriteRaw(bad); err != nil {
			return what, err
		}
		what += " and " + bad
	}
	return what, nil
}

// Hold sends the car's present state for wall time dt without advancing
// simulated time: every message at its own cycle, encoded from the model's
// values with overrides and faults applied. A paused scenario keeps the
// cockpit's signals live this way, as a parked car keeps talking.
func (d *Driver) Hold(dt time.Duration) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sim == nil {
		return ErrNotLoaded
	}
	if len(d.holdNext) != len(d.msgs) {
		d.holdNext = make([]time.Duration, len(d.msgs))
	}
	d.holdClock += dt
	get := func(id vss.ID) (vehicle.Value, bool) { return d.sim.Value(id) }
	var f can.Frame
	for i, m := range d.msgs {
		if d.holdNext[i] > d.holdClock {
			continue
		}
		c := m.CycleTime
		if c <= 0 {
			c = vehicle.DefaultCycle
		}
		d.holdNext[i] = d.holdClock + c
		d.enc.Encode(i, get, &f)
		f.Time = d.sim.Start().Add(d.sim.Now())
		if err := d.emit(&f); err != nil {
			return err
		}
	}
	return nil
}

// NewDriverEpoch is the virtual clock's reading before any scenario runs.
func NewDriverEpoch() time.Time { return sim.DefaultEpoch }
