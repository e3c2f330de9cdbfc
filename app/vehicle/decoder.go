package vehicle

import (
	"encoding/binary"
	"math"
	"math/bits"
	"sync/atomic"

	"github.com/fascia-hmi/fascia/app/vehicle/dbc"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

// DecodeStats counts what a decoder has seen.
type DecodeStats struct {
	Frames  uint64 // frames given to Decode
	Decoded uint64 // frames of a message the DBC defines
	Unknown uint64 // frames of an ID the DBC does not define
	Remote  uint64 // remote frames (they carry no payload and are ignored)
	Values  uint64 // signal values produced
	// Short counts signals skipped because the frame was shorter than the
	// signal (or its multiplexer) needs; the signal keeps its last value.
	Short uint64
	// Unmapped counts raw values missing from a mapping's values table; the
	// signal keeps its last value.
	Unmapped uint64
	// Invalid counts values dropped because they are NaN, infinite, or
	// outside the VSS signal's limits (e.g. a raw "not available" pattern
	// such as 0xFF on a percentage): the signal keeps its last value and goes
	// stale rather than show a wrong one.
	Invalid uint64
	// UnknownIDs counts frames per unknown ID; an extended (29-bit) ID has
	// ExtendedFlag set, as in SocketCAN and DBC files. Only the first 1024
	// distinct unknown IDs are tracked; the rest count in Unknown alone.
	UnknownIDs map[uint32]uint64
}

// ExtendedFlag marks an extended ID in DecodeStats.UnknownIDs.
const ExtendedFlag = 1 << 31

// counters are the statistics both decoders keep. They are atomic so that
// Stats may be read while another goroutine decodes (the Decoder keeps the
// counts of frames that write values under the store's lock instead).
type counters struct {
	decoded, unknown, remote         atomic.Uint64
	values, short, unmapped, invalid atomic.Uint64
	unknownIDs                       []unknownSlot // open addressing, fixed size
}

type unknownSlot struct {
	key atomic.Uint64 // frameKey; 0 = empty
	n   atomic.Uint64
}

const unknownSlots = 1024 // power of two

func (c *counters) init() { c.unknownIDs = make([]unknownSlot, unknownSlots) }

// countUnknown counts a frame of an unknown ID, without allocating.
func (c *counters) countUnknown(k uint64) {
	c.unknown.Add(1)
	h := hashKey(k, 10)
	for probe := 0; probe < 32; probe++ {
		s := &c.unknownIDs[(h+uint64(probe))&(unknownSlots-1)]
		cur := s.key.Load()
		if cur == 0 && s.key.CompareAndSwap(0, k) {
			cur = k
		} else if cur == 0 {
			cur = s.key.Load()
		}
		if cur == k {
			s.n.Add(1)
			return
		}
	}
}

func (c *counters) stats() DecodeStats {
	st := DecodeStats{
		Decoded: c.decoded.Load(), Unknown: c.unknown.Load(), Remote: c.remote.Load(),
		Values: c.values.Load(), Short: c.short.Load(), Unmapped: c.unmapped.Load(), Invalid: c.invalid.Load(),
		UnknownIDs: map[uint32]uint64{},
	}
	st.Frames = st.Decoded + st.Unknown + st.Remote
	for i := range c.unknownIDs {
		s := &c.unknownIDs[i]
		if k := s.key.Load(); k != 0 {
			id, ext := keyID(k)
			if ext {
				id |= ExtendedFlag
			}
			st.UnknownIDs[id] += s.n.Load()
		}
	}
	return st
}

// frameKey packs an ID and its extended flag into a non-zero key.
func frameKey(id uint32, ext bool) uint64 {
	k := uint64(id)<<1 + 1<<40
	if ext {
		k |= 1
	}
	return k
}

func keyID(k uint64) (uint32, bool) { return uint32((k - 1<<40) >> 1), k&1 == 1 }

func hashKey(k uint64, bits uint) uint64 { return (k * 0x9E3779B97F4A7C15) >> (64 - bits) }

// idTable finds a message plan by frame ID: a direct array for standard IDs,
// open addressing for the others. Built once; lookups never allocate.
type idTable struct {
	std  [can.MaxStandardID + 1]int32 // plan index + 1; 0 = none
	keys []uint64                     // 0 = empty slot
	vals []int32
	bits uint
}

func newIDTable(keys []uint64) *idTable {
	t := &idTable{}
	var ext []int
	for i, k := range keys {
		id, e := keyID(k)
		if !e && id <= can.MaxStandardID {
			if t.std[id] == 0 {
				t.std[id] = int32(i + 1)
			}
			continue
		}
		ext = append(ext, i)
	}
	if len(ext) == 0 {
		return t
	}
	t.bits = 4
	for 1<<t.bits < 2*len(ext) {
		t.bits++
	}
	t.keys = make([]uint64, 1<<t.bits)
	t.vals = make([]int32, 1<<t.bits)
	mask := uint64(1)<<t.bits - 1
	for _, i := range ext {
		k := keys[i]
		for h := hashKey(k, t.bits); ; h = (h + 1) & mask {
			if t.keys[h] == k {
				break // duplicate: first wins
			}
			if t.keys[h] == 0 {
				t.keys[h], t.vals[h] = k, int32(i+1)
				break
			}
		}
	}
	return t
}

// lookup returns the plan index of a frame ID, or -1.
func (t *idTable) lookup(id uint32, ext bool) int {
	if !ext && id <= can.MaxStandardID {
		return int(t.std[id]) - 1
	}
	if t.keys == nil {
		return -1
	}
	k := frameKey(id, ext)
	mask := uint64(len(t.keys) - 1)
	for h := hashKey(k, t.bits); ; h = (h + 1) & mask {
		switch t.keys[h] {
		case k:
			return int(t.vals[h]) - 1
		case 0:
			return -1
		}
	}
}

// present reports whether all multiplexer conditions hold for the payload;
// short is set when a multiplexer lies beyond the frame's length.
// available reports whether a signal can be read from a frame of n bytes:
// its multiplexer conditions hold and the frame is long enough for it. short
// counts the ways a too-short frame left it out (0, 1 or 2).
func available(conds []cond, fld *field, d *[can.MaxLen]byte, n int) (ok bool, short uint64) {
	if len(conds) > 0 {
		ok, sh := present(conds, d, n)
		if sh {
			short++
		}
		if !ok {
			return false, short
		}
	}
	if int(fld.need) > n {
		return false, short + 1
	}
	return true, short
}

func present(conds []cond, d *[can.MaxLen]byte, n int) (ok, short bool) {
	for i := range conds {
		c := &conds[i]
		if int(c.fld.need) > n {
			return false, true
		}
		if !c.holds(c.fld.raw(d)) {
			return false, false
		}
	}
	return true, false
}

// guarded are counters kept under the store's lock.
type guarded struct{ decoded, values, short, unmapped, invalid uint64 }

// span is a plan of the raw decoder: a range of compiled signals.
type span struct{ lo, hi int32 }

// plan is what the Decoder does with one frame ID: its mapped signals. A
// fast plan has only plain signals (integer, within one 8-byte window, not
// multiplexed, numeric conversion): when the frame has need bytes, they take
// the tight loop.
type plan struct {
	sigs    []decSig
	need    uint8
	fast    bool
	classic bool // fast, and all within bytes 0..7
}

// newPlan describes sigs.
func newPlan(sigs []decSig) plan {
	p := plan{sigs: sigs, fast: len(sigs) > 0}
	for i := range sigs {
		c := &sigs[i]
		p.need = max(p.need, c.fld.need)
		if c.kind != convNumber || len(c.conds) > 0 || c.fld.extra != 0 || c.fld.kind != kindInt {
			p.fast = false
		}
	}
	p.classic = p.fast && p.need <= 8
	return p
}

// decSig is a mapped signal compiled for decoding; hot fields first.
type decSig struct {
	fld    field
	a, b   float64
	lo, hi float64 // VSS limits, finite
	id     vss.ID
	kind   uint8
	round  bool // the VSS datatype is an integer type
	conds  []cond
	enum   []EnumValue
}

// Decoder turns frames into VSS values in a Store, following a profile.
// It is compiled once: frame ID → plan → (bit extraction, conversion, VSS
// ID). Decode allocates nothing and may be called from several goroutines.
type Decoder struct {
	counters
	g     guarded // counts of frames that wrote values; guarded by store.mu
	store *Store
	ids   *idTable
	plans []plan
}

// NewDecoder compiles p's mappings and sets the staleness timeout of every
// mapped signal in s (see Mapping.Timeout).
func NewDecoder(p *Profile, s *Store) *Decoder {
	d := &Decoder{store: s}
	d.init()
	keys, groups := groupMessages(p.DB)
	byMsg := map[*dbc.Message][]*Mapping{}
	for i := range p.Mappings {
		m := &p.Mappings[i]
		byMsg[m.Message] = append(byMsg[m.Message], m)
		s.SetTimeout(m.VSS, m.Timeout)
	}
	var sigs []decSig
	var spans []span
	for _, g := range groups {
		lo := int32(len(sigs))
		for _, msg := range g {
			for _, m := range byMsg[msg] {
				vs := vss.Get(m.VSS)
				lo, hi := vs.Limits()
				lo, hi = max(lo, -math.MaxFloat64), min(hi, math.MaxFloat64) // so that ±Inf fails the range check
				sigs = append(sigs, decSig{
					fld: m.fld, kind: m.kind, round: vs.Datatype.IsInteger(), id: m.VSS,
					a: m.a, b: m.b, lo: lo, hi: hi, conds: m.conds, enum: m.Values,
				})
			}
		}
		spans = append(spans, span{lo, int32(len(sigs))})
	}
	for _, sp := range spans {
		d.plans = append(d.plans, newPlan(sigs[sp.lo:sp.hi:sp.hi]))
	}
	d.ids = newIDTable(keys)
	return d
}

// groupMessages groups the DBC's messages by frame key, in DBC order (a
// DBC may define an ID twice; both definitions then decode).
func groupMessages(db *dbc.Database) ([]uint64, [][]*dbc.Message) {
	var keys []uint64
	var groups [][]*dbc.Message
	at := map[uint64]int{}
	if db == nil {
		return nil, nil
	}
	for _, m := range db.Messages {
		k := frameKey(m.ID, m.Extended)
		i, ok := at[k]
		if !ok {
			i = len(keys)
			at[k] = i
			keys = append(keys, k)
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], m)
	}
	return keys, groups
}

// find returns the frame's plan index, or -1 after counting the frame as
// remote or unknown. The caller counts decoded frames.
func (c *counters) find(t *idTable, f *can.Frame) int {
	if f.Remote {
		c.remote.Add(1)
		return -1
	}
	i := t.lookup(f.ID, f.Extended)
	if i < 0 {
		c.countUnknown(frameKey(f.ID, f.Extended))
	}
	return i
}

// Decode writes the values of the frame's mapped signals to the store, all
// under one lock, stamped with f.Time (the store's clock when f.Time is
// zero). Signals the frame is too short for, that are multiplexed out, or
// whose raw value is missing from the values table keep their last value.
func (d *Decoder) Decode(f *can.Frame) {
	pi := d.find(d.ids, f)
	if pi < 0 {
		return
	}
	p := &d.plans[pi]
	sigs := p.sigs
	if len(sigs) == 0 {
		d.decoded.Add(1)
		return
	}
	n := min(int(f.Len), can.MaxLen)
	st := d.store
	var at int64
	if f.Time.IsZero() {
		at = st.clock().UnixNano()
	} else {
		at = f.Time.UnixNano()
	}
	if p.fast && n >= int(p.need) {
		d.decodeFast(p, &f.Data, at)
		return
	}
	var vals, short, unmapped, invalid uint64
	locked := false
	for i := range sigs {
		c := &sigs[i]
		ok, sh := available(c.conds, &c.fld, &f.Data, n)
		short += sh
		if !ok {
			continue
		}
		var r uint64
		if c.fld.extra == 0 {
			r = c.fld.raw8(&f.Data)
		} else {
			r = c.fld.raw9(&f.Data)
		}
		if c.kind == convNumber {
			x := c.fld.value(r)*c.a + c.b
			if c.round {
				x = math.Round(x)
			}
			if !(x >= c.lo && x <= c.hi) { // outside the VSS limits, NaN or ±Inf
				invalid++
				continue
			}
			if !locked {
				st.mu.Lock()
				locked = true
			}
			if !st.putNum(c.id, x, at) {
				st.put(c.id, Value{Num: x}, at)
			}
			vals++
			continue
		}
		var v Value
		switch c.kind {
		case convEnum:
			e, ok := lookupEnum(c.enum, c.fld.integer(r))
			if !ok {
				unmapped++
				continue
			}
			v = e
		default: // convBool
			x := c.fld.value(r)*c.a + c.b
			if x-x != 0 {
				invalid++
				continue
			}
			if x != 0 {
				v.Num = 1
			}
		}
		if !locked {
			st.mu.Lock()
			locked = true
		}
		st.put(c.id, v, at)
		vals++
	}
	if locked {
		// Counted under the store's lock, which is held anyway: no atomics.
		d.g.decoded++
		d.g.values += vals
		d.g.short += short
		d.g.unmapped += unmapped
		d.g.invalid += invalid
		st.mu.Unlock()
		return
	}
	d.decoded.Add(1)
	if short|unmapped|invalid != 0 {
		d.short.Add(short)
		d.unmapped.Add(unmapped)
		d.invalid.Add(invalid)
	}
}

// decodeFast decodes a fast plan (see plan) from a frame long enough for
// all its signals. For a classic plan, bytes 0..7 are read once as a
// little- and a big-endian word and each signal is a shift and a mask.
func (d *Decoder) decodeFast(p *plan, data *[can.MaxLen]byte, at int64) {
	st := d.store
	sigs := p.sigs
	var le, be uint64
	if p.classic {
		le = binary.LittleEndian.Uint64(data[:8])
		be = bits.ReverseBytes64(le)
	}
	var invalid uint64
	st.mu.Lock()
	for i := range sigs {
		c := &sigs[i]
		var r uint64
		switch {
		case !p.classic:
			r = c.fld.raw8(data)
		case c.fld.be:
			r = be >> (c.fld.shift0 & 63) & c.fld.mask
		default:
			r = le >> (c.fld.shift0 & 63) & c.fld.mask
		}
		x := float64(int64(r<<(c.fld.sext&63))>>(c.fld.sext&63))*c.a + c.b
		if c.round {
			x = math.Round(x)
		}
		if !(x >= c.lo && x <= c.hi) { // outside the VSS limits, NaN or ±Inf
			invalid++
			continue
		}
		if !st.putNum(c.id, x, at) {
			st.put(c.id, Value{Num: x}, at)
		}
	}
	d.g.decoded++
	d.g.values += uint64(len(sigs)) - invalid
	d.g.invalid += invalid
	st.mu.Unlock()
}

// lookupEnum finds raw in a table sorted by Raw.
func lookupEnum(t []EnumValue, raw int64) (Value, bool) {
	if len(t) <= 8 {
		for i := range t {
			if t[i].Raw == raw {
				return t[i].Value, true
			}
		}
		return Value{}, false
	}
	lo, hi := 0, len(t)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t[m].Raw < raw {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t) && t[lo].Raw == raw {
		return t[lo].Value, true
	}
	return Value{}, false
}

// Stats returns the counts so far.
func (d *Decoder) Stats() DecodeStats {
	st := d.stats()
	d.store.mu.Lock()
	g := d.g
	d.store.mu.Unlock()
	st.Frames += g.decoded
	st.Decoded += g.decoded
	st.Values += g.values
	st.Short += g.short
	st.Unmapped += g.unmapped
	st.Invalid += g.invalid
	return st
}

// rawSig is a DBC signal compiled for the raw decoder.
type rawSig struct {
	fld            field
	factor, offset float64
	conds          []cond
	msg            *dbc.Message
	sig            *dbc.Signal
}

// RawDecoder decodes every signal of a DBC, without a profile, for tools
// such as `fascia can decode --dbc`. It shares the decoder's compiled bit
// extraction and statistics.
type RawDecoder struct {
	counters
	ids   *idTable
	plans []span
	sigs  []rawSig
	// Skipped lists the signals that cannot be decoded (a layout beyond 64
	// bytes, a broken multiplexer chain), as "MESSAGE.SIGNAL: why".
	Skipped []string
}

// NewRawDecoder compiles every signal of db.
func NewRawDecoder(db *dbc.Database) *RawDecoder {
	d := &RawDecoder{}
	d.init()
	keys, groups := groupMessages(db)
	for _, g := range groups {
		lo := int32(len(d.sigs))
		for _, m := range g {
			for _, s := range m.Signals {
				f, err := compileField(s)
				if err == nil {
					var conds []cond
					conds, err = muxChain(m, s)
					if err == nil {
						d.sigs = append(d.sigs, rawSig{fld: f, factor: s.Factor, offset: s.Offset, conds: conds, msg: m, sig: s})
						continue
					}
				}
				d.Skipped = append(d.Skipped, m.Name+"."+s.Name+": "+err.Error())
			}
		}
		d.plans = append(d.plans, span{lo: lo, hi: int32(len(d.sigs))})
	}
	d.ids = newIDTable(keys)
	return d
}

// Decode calls fn with the physical value (raw*factor + offset) of every
// signal present in the frame, in DBC order. Multiplexed-out signals are
// skipped; signals the frame is too short for are skipped and counted.
func (d *RawDecoder) Decode(f *can.Frame, fn func(m *dbc.Message, s *dbc.Signal, phys float64)) {
	pi := d.find(d.ids, f)
	if pi < 0 {
		return
	}
	d.decoded.Add(1)
	p := d.plans[pi]
	n := min(int(f.Len), can.MaxLen)
	var vals, short, invalid uint64
	for i := p.lo; i < p.hi; i++ {
		c := &d.sigs[i]
		ok, sh := available(c.conds, &c.fld, &f.Data, n)
		short += sh
		if !ok {
			continue
		}
		x := c.fld.value(c.fld.raw(&f.Data))*c.factor + c.offset
		if x-x != 0 {
			invalid++
			continue
		}
		vals++
		fn(c.msg, c.sig, x)
	}
	if vals != 0 {
		d.values.Add(vals)
	}
	if short|invalid != 0 {
		d.short.Add(short)
		d.invalid.Add(invalid)
	}
}

// Stats returns the counts so far.
func (d *RawDecoder) Stats() DecodeStats { return d.stats() }
