package vehicle

import (
	"context"
	"sync"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

// Value is a signal value: numbers, booleans (0 or 1) and enum indices are
// in Num; string signals (including VSS string enums) are in Str.
type Value struct {
	Num float64
	Str string
}

// Bool reports a boolean value.
func (v Value) Bool() bool { return v.Num != 0 }

// BoolValue returns the Value of a boolean.
func BoolValue(b bool) Value {
	if b {
		return Value{Num: 1}
	}
	return Value{}
}

// State says whether a reading can be shown as live.
type State uint8

// Reading states.
const (
	NoData State = iota // never received
	Live                // received within its timeout
	Stale               // last received longer ago than its timeout
)

func (s State) String() string {
	return [...]string{"no data", "live", "stale"}[s]
}

// Reading is a signal's latest value with its time and state.
type Reading struct {
	Value
	At    time.Time
	State State
}

// OK reports whether the reading is live and can be shown as the current value.
func (r Reading) OK() bool { return r.State == Live }

// DefaultTimeout is the staleness timeout of a signal whose message has no
// cycle time.
const DefaultTimeout = time.Second

type slot struct {
	v   Value
	at  int64 // unix nanoseconds; 0 = never
	seq uint64
}

// Store holds the latest value of every catalog signal. It is safe for
// concurrent use: the decoder writes, the UI and services read.
type Store struct {
	clock func() time.Time

	// mu guards slots, timeouts and seq, and the decoders' counters. A
	// plain mutex: writes (every decoded frame) are the hot path, and
	// readers hold it only to copy a few slots.
	mu       sync.Mutex
	slots    [vss.Count + 1]slot
	timeouts [vss.Count + 1]time.Duration
	seq      uint64
}

// NewStore returns an empty store that judges staleness by clock (time.Now
// when nil).
func NewStore(clock func() time.Time) *Store {
	if clock == nil {
		clock = time.Now
	}
	s := &Store{clock: clock}
	for i := range s.timeouts {
		s.timeouts[i] = DefaultTimeout
	}
	return s
}

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.clock() }

// SetTimeout sets how long a value of id stays live after it was received.
func (s *Store) SetTimeout(id vss.ID, d time.Duration) {
	s.mu.Lock()
	s.timeouts[id] = d
	for _, r := range derivations {
		if r.from == id {
			s.timeouts[r.to] = d
		}
	}
	s.mu.Unlock()
}

// Timeout returns the staleness timeout of id.
func (s *Store) Timeout(id vss.ID) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.timeouts[id]
}

// Set stores a value of id received at time at.
func (s *Store) Set(id vss.ID, v Value, at time.Time) {
	s.mu.Lock()
	s.put(id, v, at.UnixNano())
	s.mu.Unlock()
}

// put stores a value; the caller holds mu.
func (s *Store) put(id vss.ID, v Value, at int64) {
	s.seq++
	sl := &s.slots[id]
	sl.v, sl.at, sl.seq = v, at, s.seq
	if derivedFrom[id] {
		s.derive(id, v, at)
	}
}

// putNum stores a number like put, cheaply enough to inline into the
// decoder's loop. It stores nothing and returns false when put is needed: a
// derivation uses the signal, or the slot holds a string. The caller holds mu.
func (s *Store) putNum(id vss.ID, x float64, at int64) bool {
	sl := &s.slots[id]
	if derivedFrom[id] || sl.v.Str != "" {
		return false
	}
	s.seq++
	sl.v.Num, sl.at, sl.seq = x, at, s.seq
	return true
}

// derive stores the signals derived from id; the caller holds mu.
func (s *Store) derive(id vss.ID, v Value, at int64) {
	for i := range derivations {
		if r := &derivations[i]; r.from == id {
			s.seq++
			d := &s.slots[r.to]
			d.v, d.at, d.seq = r.f(v), at, s.seq
		}
	}
}

// Get returns the latest reading of id.
func (s *Store) Get(id vss.ID) Reading {
	now := s.clock().UnixNano()
	s.mu.Lock()
	sl := s.slots[id]
	to := s.timeouts[id]
	s.mu.Unlock()
	return reading(sl, to, now)
}

func reading(sl slot, timeout time.Duration, now int64) Reading {
	if sl.at == 0 {
		return Reading{}
	}
	r := Reading{Value: sl.v, At: time.Unix(0, sl.at), State: Live}
	if now-sl.at > int64(timeout) {
		r.State = Stale
	}
	return r
}

// Seq returns a counter that grows with every stored value.
func (s *Store) Seq() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seq
}

// A derivation computes a signal from another whenever that one is stored.
type derivation struct {
	from, to vss.ID
	f        func(Value) Value
}

// MovingThreshold is the speed above which the vehicle counts as moving, for
// Vehicle.IsMoving and the driving lockout (km/h).
const MovingThreshold = 5.0

var derivations = []derivation{
	{from: vss.Speed, to: vss.IsMoving, f: func(v Value) Value { return BoolValue(v.Num > MovingThreshold) }},
}

// derivedFrom marks the signals some derivation is computed from.
var derivedFrom = func() (m [vss.Count + 1]bool) {
	for _, r := range derivations {
		m[r.from] = true
	}
	return m
}()

// Watch is a coalescing view of some signals: each call to Changed returns
// the signals whose value or state changed since the previous call, however
// many updates arrived in between.
type Watch struct {
	store   *Store
	ids     []vss.ID
	seq     []uint64
	state   []State
	changed []vss.ID
}

// Watch returns a coalescing view of ids. The first call to Changed reports
// every id.
func (s *Store) Watch(ids ...vss.ID) *Watch {
	w := &Watch{store: s, ids: append([]vss.ID(nil), ids...), seq: make([]uint64, len(ids)), state: make([]State, len(ids))}
	for i := range w.seq {
		w.seq[i] = ^uint64(0)
	}
	return w
}

// Changed returns the watched signals whose value or state changed since the
// last call. The slice is reused by the next call.
func (w *Watch) Changed() []vss.ID {
	now := w.store.clock().UnixNano()
	w.changed = w.changed[:0]
	s := w.store
	s.mu.Lock()
	for i, id := range w.ids {
		sl := s.slots[id]
		st := reading(sl, s.timeouts[id], now).State
		if sl.seq != w.seq[i] || st != w.state[i] {
			w.seq[i], w.state[i] = sl.seq, st
			w.changed = append(w.changed, id)
		}
	}
	s.mu.Unlock()
	return w.changed
}

// Subscribe calls fn at most once per interval with the signals among ids
// that changed, from its own goroutine, until ctx ends. It is the way the UI
// follows signals at display rate however fast they arrive.
func (s *Store) Subscribe(ctx context.Context, every time.Duration, fn func(changed []vss.ID), ids ...vss.ID) {
	w := s.Watch(ids...)
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if ch := w.Changed(); len(ch) > 0 {
				fn(ch)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}
