package vehicle

import (
	"fmt"
	"math"
	"strings"

	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

// Commands builds the frames that ask the car to change an actuator, from
// a profile's command mappings (Profile.Commands), and reads them back (for
// the simulated car, which plays the receiving ECU). Only the messages the
// profile declares as commands can be built: the cockpit never sends
// anything else.
//
// A command frame is built by an Encoder over the command mappings, so the
// conversions are exactly the decoder's, inverted. Unlike the Encoder,
// which saturates, Commands refuses a value that the VSS signal or the DBC
// signal cannot carry: a command is never silently changed into another.
// A Commands is immutable and safe for concurrent use.
type Commands struct {
	enc   *Encoder
	cmds  []command
	byID  map[vss.ID]int
	byMsg map[uint64]int
}

type command struct {
	m      *Mapping
	msg    int     // index of its message in enc
	lo, hi float64 // accepted values, VSS units (numeric signals)
	// why names where lo and hi come from, for errors.
	why string
}

// NewCommands compiles p's command mappings.
func NewCommands(p *Profile) *Commands {
	c := &Commands{byID: map[vss.ID]int{}, byMsg: map[uint64]int{}}
	c.enc = NewEncoder(&Profile{Name: p.Name, DB: p.DB, Mappings: p.Commands})
	for i := range p.Commands {
		m := &p.Commands[i]
		cmd := command{m: m, msg: -1}
		for j, em := range c.enc.Messages() {
			if em.ID == m.Message.ID && em.Extended == m.Message.Extended {
				cmd.msg = j
			}
		}
		if cmd.msg < 0 {
			continue // cannot happen: the encoder has a message per command
		}
		cmd.lo, cmd.hi, cmd.why = commandLimits(m)
		c.byID[m.VSS] = len(c.cmds)
		c.byMsg[frameKey(m.Message.ID, m.Message.Extended)] = len(c.cmds)
		c.cmds = append(c.cmds, cmd)
	}
	return c
}

// commandLimits returns the values of a numeric command that both the VSS
// signal and the DBC signal (its bit range, and its [min|max] unless both
// are 0, the DBC's "no limits") can carry, in VSS units.
func commandLimits(m *Mapping) (lo, hi float64, why string) {
	vs := vss.Get(m.VSS)
	lo, hi = vs.Limits()
	var whys []string
	if !math.IsInf(lo, -1) || !math.IsInf(hi, 1) {
		whys = append(whys, "VSS "+vs.Path)
	}
	if m.kind != convNumber || m.a == 0 {
		return lo, hi, strings.Join(whys, " and ")
	}
	toVSS := func(raw float64) float64 { return raw*m.a + m.b }
	clip := func(a, b float64) {
		if a > b {
			a, b = b, a
		}
		if a > lo || b < hi {
			whys = append(whys, fmt.Sprintf("DBC %s.%s", m.Message.Name, m.Signal.Name))
		}
		lo, hi = max(lo, a), min(hi, b)
	}
	rlo, rhi := m.fld.rawRange()
	clip(toVSS(rlo), toVSS(rhi))
	if s := m.Signal; (s.Min != 0 || s.Max != 0) && s.Factor != 0 && s.Min <= s.Max {
		phys := func(x float64) float64 { return toVSS((x - s.Offset) / s.Factor) }
		clip(phys(s.Min), phys(s.Max))
	}
	// Deduplicate the names (the bit range and [min|max] are one signal).
	if len(whys) > 1 && whys[len(whys)-1] == whys[len(whys)-2] {
		whys = whys[:len(whys)-1]
	}
	return lo, hi, strings.Join(whys, " and ")
}

// IDs lists the actuators the profile can command, in mapping file order.
func (c *Commands) IDs() []vss.ID {
	out := make([]vss.ID, len(c.cmds))
	for i, cmd := range c.cmds {
		out[i] = cmd.m.VSS
	}
	return out
}

// Has reports whether the profile declares a command for id.
func (c *Commands) Has(id vss.ID) bool {
	_, ok := c.byID[id]
	return ok
}

// Limits returns the values a numeric command for id accepts, in the VSS
// signal's unit; ok is false when the profile has no command for id.
func (c *Commands) Limits(id vss.ID) (lo, hi float64, ok bool) {
	i, ok := c.byID[id]
	if !ok {
		return 0, 0, false
	}
	return c.cmds[i].lo, c.cmds[i].hi, true
}

// Mapping returns the command mapping of id, or nil.
func (c *Commands) Mapping(id vss.ID) *Mapping {
	if i, ok := c.byID[id]; ok {
		return c.cmds[i].m
	}
	return nil
}

// Encode fills f with the frame that asks the car to set actuator id to v
// (f.Time is left alone). It fails, leaving f untouched, when the profile
// has no command for id, or v is not a value of the signal's type, is
// outside the VSS or DBC limits, or is missing from the values table.
func (c *Commands) Encode(id vss.ID, v Value, f *can.Frame) error {
	i, ok := c.byID[id]
	if !ok {
		path := fmt.Sprintf("signal %d", id)
		if vss.Valid(id) {
			path = vss.Get(id).Path
		}
		return fmt.Errorf("the vehicle profile declares no command for %s", path)
	}
	cmd := &c.cmds[i]
	if err := cmd.check(v); err != nil {
		return err
	}
	get := func(x vss.ID) (Value, bool) { return v, x == id }
	t := f.Time
	c.enc.Encode(cmd.msg, get, f)
	f.Time = t
	return nil
}

// check reports why v cannot be sent.
func (cmd *command) check(v Value) error {
	m := cmd.m
	vs := vss.Get(m.VSS)
	if vs.Datatype == vss.Boolean && v.Num != 0 && v.Num != 1 {
		return fmt.Errorf("%s is boolean: %g is neither true nor false", vs.Path, v.Num)
	}
	switch {
	case m.kind == convEnum:
		for _, e := range m.Values {
			if (&encMap{dt: vs.Datatype}).same(e.Value, v) {
				return nil
			}
		}
		var vals []string
		for _, e := range m.Values {
			vals = append(vals, e.Value.format(vs))
		}
		return fmt.Errorf("%s: %s is not a value the command DBC %s.%s can send (%s)",
			vs.Path, v.format(vs), m.Message.Name, m.Signal.Name, strings.Join(vals, ", "))
	case vs.Datatype == vss.Boolean:
		return nil
	}
	x := v.Num
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("%s needs a finite number, not %g", vs.Path, x)
	}
	if vs.Datatype.IsInteger() && x != math.Trunc(x) {
		return fmt.Errorf("%s is %s: %g is not an integer", vs.Path, vs.Datatype, x)
	}
	if x < cmd.lo || x > cmd.hi {
		unit := ""
		if vs.Unit != "" {
			unit = " " + vs.Unit
		}
		return fmt.Errorf("%s: %g%s is outside the limits %g..%g%s of %s", vs.Path, x, unit, cmd.lo, cmd.hi, unit, cmd.why)
	}
	return nil
}

// format writes v the way a mapping file would.
func (v Value) format(vs *vss.Signal) string {
	switch vs.Datatype {
	case vss.String:
		return fmt.Sprintf("%q", v.Str)
	case vss.Boolean:
		return fmt.Sprint(v.Num != 0)
	}
	return fmt.Sprintf("%g", v.Num)
}

// Decode reads a command frame: the actuator it sets and the value asked
// for. ok is false for a frame that is no command of the profile, is too
// short, or carries a raw value the mapping cannot convert (a value outside
// the values table or the VSS limits).
func (c *Commands) Decode(f *can.Frame) (id vss.ID, v Value, ok bool) {
	if f.Remote {
		return 0, Value{}, false
	}
	i, found := c.byMsg[frameKey(f.ID, f.Extended)]
	if !found {
		return 0, Value{}, false
	}
	m := c.cmds[i].m
	if int(f.Len) < int(m.fld.need) {
		return 0, Value{}, false
	}
	var r uint64
	if m.fld.extra == 0 {
		r = m.fld.raw8(&f.Data)
	} else {
		r = m.fld.raw9(&f.Data)
	}
	vs := vss.Get(m.VSS)
	switch m.kind {
	case convEnum:
		e, found := lookupEnum(m.Values, m.fld.integer(r))
		return m.VSS, e, found
	case convBool:
		x := m.fld.value(r)*m.a + m.b
		if x-x != 0 {
			return 0, Value{}, false
		}
		return m.VSS, BoolValue(x != 0), true
	}
	x := m.fld.value(r)*m.a + m.b
	if vs.Datatype.IsInteger() {
		x = math.Round(x)
	}
	if lo, hi := vs.Limits(); !(x >= lo && x <= hi) {
		return 0, Value{}, false
	}
	return m.VSS, Value{Num: x}, true
}
