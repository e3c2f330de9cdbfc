package vehicle

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle/dbc"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

// DefaultCycle is the send period of a message whose DBC gives no
// GenMsgCycleTime.
const DefaultCycle = 100 * time.Millisecond

// EncodedMessage is a frame the Encoder can build: a DBC message carrying
// mapped signals, or one page of a multiplexed message.
type EncodedMessage struct {
	Index    int // argument to Encode
	ID       uint32
	Extended bool
	Name     string
	// CycleTime is how often to send this entry: the DBC's GenMsgCycleTime
	// (DefaultCycle when it gives none), times the number of multiplexer
	// pages for a page of a multiplexed message (pages take turns).
	CycleTime time.Duration
	Size      int      // payload bytes: the DBC's size (rounded up to a CAN FD length above 8)
	Mux       string   // the multiplexer page, e.g. "TPMS_WHEEL=2"; "" when not multiplexed
	IDs       []vss.ID // the VSS signals it carries
}

// Encoder builds frames from VSS values through a profile's DBC: the inverse
// of the Decoder, so that the simulator and the tester kit drive the cockpit
// exactly as a car would.
//
// Per signal it inverts the values table (the smallest raw value that maps
// to the VSS value; none: raw 0), or the unit conversion, scale/offset and
// DBC factor/offset, then rounds to the DBC resolution and saturates to the
// signal's bit range. DBC signals of the message that no mapping feeds, and
// mapped signals whose value get does not have, are sent as raw 0.
//
// A multiplexed message becomes one EncodedMessage per page that carries a
// mapped signal. A page sets each multiplexer switch on the way to its
// signals to the lowest value of the signal's range (for extended
// multiplexing, the whole chain of switches); other switches are raw 0. A
// page carries its multiplexed signals plus the message's plain ones.
//
// When one DBC signal feeds several VSS signals, Encode picks the smallest
// raw value that is consistent with all of them (e.g. a turn-signal enum
// feeding Left and Right); when there is none, or the mappings are not all
// value tables, the first mapping in the file with a value wins.
type Encoder struct {
	msgs []encMsg
	list []EncodedMessage
}

type encMsg struct {
	id    uint32
	ext   bool
	len   uint8
	fd    bool
	fixed []fixedField // multiplexer switches of the page
	sigs  []encSig
}

type fixedField struct {
	fld field
	raw uint64
}

type encSig struct {
	fld  field
	maps []encMap
}

type encMap struct {
	id     vss.ID
	kind   uint8
	dt     vss.Datatype
	a, b   float64
	lo, hi float64 // VSS limits
	enum   []EnumValue
}

// NewEncoder compiles p's mappings for encoding.
func NewEncoder(p *Profile) *Encoder {
	e := &Encoder{}
	byMsg := map[*dbc.Message][]*Mapping{}
	for i := range p.Mappings {
		m := &p.Mappings[i]
		byMsg[m.Message] = append(byMsg[m.Message], m)
	}
	if p.DB == nil {
		return e
	}
	for _, msg := range p.DB.Messages {
		maps := byMsg[msg]
		if len(maps) == 0 {
			continue
		}
		for _, pg := range pages(msg, maps) {
			e.addPage(msg, maps, pg)
		}
	}
	return e
}

// page is an assignment of multiplexer switch values.
type page []switchValue

type switchValue struct {
	sig *dbc.Signal
	v   uint64
}

func (pg page) value(s *dbc.Signal) uint64 {
	for _, sv := range pg {
		if sv.sig == s {
			return sv.v
		}
	}
	return 0
}

func (pg page) String() string {
	parts := make([]string, len(pg))
	for i, sv := range pg {
		parts[i] = fmt.Sprintf("%s=%d", sv.sig.Name, sv.v)
	}
	return strings.Join(parts, ",")
}

// pages returns the distinct switch assignments the mapped signals need;
// a single empty page when none is multiplexed.
func pages(msg *dbc.Message, maps []*Mapping) []page {
	var out []page
	for _, m := range maps {
		if !m.Signal.Multiplexed() {
			continue
		}
		var pg page
		cur := m.Signal
		for depth := 0; cur.Multiplexed() && depth < 8 && len(cur.MuxRanges) > 0; depth++ {
			sw := msg.Signal(cur.MuxSwitch)
			if sw == nil {
				break
			}
			pg = append(pg, switchValue{sw, cur.MuxRanges[0].Lo})
			cur = sw
		}
		slices.Reverse(pg) // outermost switch first
		dup := false
		for _, o := range out {
			if o.String() == pg.String() {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, pg)
		}
	}
	if len(out) == 0 {
		return []page{nil}
	}
	slices.SortFunc(out, comparePages)
	return out
}

// comparePages orders pages by switch, then value (numerically).
func comparePages(a, b page) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := strings.Compare(a[i].sig.Name, b[i].sig.Name); c != 0 {
			return c
		}
		if a[i].v != b[i].v {
			if a[i].v < b[i].v {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

// holds reports whether signal s is present on page pg.
func (pg page) holds(msg *dbc.Message, s *dbc.Signal) bool {
	cur := s
	for depth := 0; cur.Multiplexed(); depth++ {
		sw := msg.Signal(cur.MuxSwitch)
		if sw == nil || depth == 8 {
			return false
		}
		c := cond{ranges: cur.MuxRanges}
		if !c.holds(pg.value(sw)) {
			return false
		}
		cur = sw
	}
	return true
}

func (e *Encoder) addPage(msg *dbc.Message, maps []*Mapping, pg page) {
	em := encMsg{id: msg.ID, ext: msg.Extended}
	for _, sv := range pg {
		if f, err := compileField(sv.sig); err == nil {
			em.fixed = append(em.fixed, fixedField{fld: f, raw: sv.v})
		}
	}
	info := EncodedMessage{
		Index: len(e.msgs), ID: msg.ID, Extended: msg.Extended, Name: msg.Name,
		CycleTime: msg.CycleTime, Mux: pg.String(),
	}
	if info.CycleTime <= 0 {
		info.CycleTime = DefaultCycle
	}
	muxed := false
	var sigs []*dbc.Signal
	for _, m := range maps {
		if !pg.holds(msg, m.Signal) || slices.ContainsFunc(pg, func(sv switchValue) bool { return sv.sig == m.Signal }) {
			continue
		}
		if m.Signal.Multiplexed() && !muxed {
			muxed = true
			info.CycleTime *= time.Duration(muxPages(msg, m.Signal))
		}
		info.IDs = append(info.IDs, m.VSS)
		j := slices.Index(sigs, m.Signal)
		if j < 0 {
			sigs = append(sigs, m.Signal)
			em.sigs = append(em.sigs, encSig{fld: m.fld})
			j = len(em.sigs) - 1
		}
		vs := vss.Get(m.VSS)
		lo, hi := vs.Limits()
		em.sigs[j].maps = append(em.sigs[j].maps, encMap{
			id: m.VSS, kind: m.kind, dt: vs.Datatype, a: m.a, b: m.b, lo: lo, hi: hi, enum: m.Values,
		})
	}
	if len(info.IDs) == 0 {
		return
	}
	// The DBC's size, or more if a signal reaches further (a defective DBC):
	// the frame must carry every signal written.
	size := min(max(msg.Size, 0), can.MaxLen)
	for _, f := range em.fixed {
		size = max(size, int(f.fld.need))
	}
	for _, s := range em.sigs {
		size = max(size, int(s.fld.need))
	}
	em.len, em.fd = uint8(size), size > 8
	if em.fd {
		em.len = fdLen(size)
	}
	info.Size = int(em.len)
	e.msgs = append(e.msgs, em)
	e.list = append(e.list, info)
}

// fdLen rounds a payload length up to a valid CAN FD length.
func fdLen(n int) uint8 {
	for _, l := range []int{8, 12, 16, 20, 24, 32, 48, 64} {
		if n <= l {
			return uint8(l)
		}
	}
	return can.MaxLen
}

// Messages lists the frames the encoder can build.
func (e *Encoder) Messages() []EncodedMessage { return e.list }

// Encode fills f with message i (see Messages): ID, length, and the payload
// built from the values get returns. It does not touch f.Time. It allocates
// nothing.
func (e *Encoder) Encode(i int, get func(vss.ID) (Value, bool), f *can.Frame) {
	m := &e.msgs[i]
	f.ID, f.Extended, f.Len, f.FD, f.Remote, f.Flags = m.id, m.ext, m.len, m.fd, false, 0
	f.Data = [can.MaxLen]byte{}
	for j := range m.fixed {
		m.fixed[j].fld.put(&f.Data, m.fixed[j].raw)
	}
	for j := range m.sigs {
		s := &m.sigs[j]
		if r, ok := s.encode(get); ok {
			s.fld.put(&f.Data, r)
		}
	}
}

// encode returns the raw bits of a DBC signal.
func (s *encSig) encode(get func(vss.ID) (Value, bool)) (uint64, bool) {
	if len(s.maps) > 1 && s.allEnums() {
		first := &s.maps[0]
	candidates:
		for _, c := range first.enum {
			for k := range s.maps {
				mp := &s.maps[k]
				v, ok := get(mp.id)
				if !ok {
					continue
				}
				e, found := lookupEnum(mp.enum, c.Raw)
				if !found || !mp.same(e, v) {
					continue candidates
				}
			}
			return uint64(c.Raw) & s.fld.mask, true
		}
	}
	for k := range s.maps {
		mp := &s.maps[k]
		if v, ok := get(mp.id); ok {
			return mp.raw(&s.fld, v)
		}
	}
	return 0, false
}

func (s *encSig) allEnums() bool {
	for k := range s.maps {
		if s.maps[k].kind != convEnum {
			return false
		}
	}
	return true
}

// same reports whether table value e stands for v.
func (mp *encMap) same(e, v Value) bool {
	switch mp.dt {
	case vss.String:
		return e.Str == v.Str
	case vss.Boolean:
		return (e.Num != 0) == (v.Num != 0)
	}
	return e.Num == v.Num
}

// raw inverts one mapping.
func (mp *encMap) raw(f *field, v Value) (uint64, bool) {
	switch mp.kind {
	case convEnum:
		for _, e := range mp.enum {
			if mp.same(e.Value, v) {
				return uint64(e.Raw) & f.mask, true
			}
		}
		return 0, false
	case convBool:
		if mp.a == 0 {
			return 0, false
		}
		t := 0.0
		if v.Num != 0 {
			t = 1
		}
		return f.fromValue((t - mp.b) / mp.a), true
	}
	if mp.a == 0 {
		return 0, false
	}
	r := f.fromValue((v.Num - mp.b) / mp.a)
	if f.kind == kindInt || f.kind == kindUint64 {
		// The nearest raw value may decode just outside the VSS limits
		// (e.g. a uint32 maximum): step one raw value back inside.
		x := f.value(r)*mp.a + mp.b
		step := 0.0
		switch {
		case x > mp.hi:
			step = -1
		case x < mp.lo:
			step = 1
		}
		if step != 0 {
			if mp.a < 0 {
				step = -step
			}
			r = f.fromValue(f.value(r) + step)
		}
	}
	return r, true
}
