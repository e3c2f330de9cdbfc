package sim

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/internal/suggest"
)

// Scenario is a parsed scenario file: the car's initial state and a
// timeline of driver targets and events. See docs/scenarios.md.
type Scenario struct {
	Name        string
	Description string
	File        string // file name used in messages
	Seed        uint64
	Duration    time.Duration
	End         EndMode
	Route       RouteSpec
	Start       Start
	Events      []Event // in time order
}

// EndMode says what happens when a scenario's duration has passed.
type EndMode uint8

// End modes.
const (
	// Hold keeps the last targets and state for ever.
	Hold EndMode = iota
	// Loop starts the timeline again: the controls of [start] (gear,
	// engine, parking brake, lights, doors, belts…) are applied again and
	// the events replay, while quantities (fuel, charge, odometer, trip,
	// temperatures, tyre pressures, faults) carry on.
	Loop
)

func (e EndMode) String() string {
	if e == Loop {
		return "loop"
	}
	return "hold"
}

// RouteSpec says which street graph the car drives on and how long its
// closed loop is.
type RouteSpec struct {
	Name      string  // street graph, e.g. "monaco" for routes/monaco.json
	MinLength float64 // metres; the loop is at least this long
	Prefer    string  // "any" or "major" (prefer trunk and primary roads)
}

// Powertrain types, as VSS Vehicle.Powertrain.Type spells them.
const (
	Combustion = "COMBUSTION"
	Hybrid     = "HYBRID"
	Electric   = "ELECTRIC"
)

// Gear is a VSS selected gear: 126 park, -1 reverse, 0 neutral, 127 drive.
type Gear int8

// Selected gears.
const (
	Park    Gear = 126
	Reverse Gear = -1
	Neutral Gear = 0
	Drive   Gear = 127
)

func (g Gear) String() string {
	switch g {
	case Park:
		return "P"
	case Reverse:
		return "R"
	case Neutral:
		return "N"
	case Drive:
		return "D"
	}
	return fmt.Sprintf("gear(%d)", int8(g))
}

// Indicator is the state of the direction-indicator stalk and hazard switch.
type Indicator uint8

// Indicator states.
const (
	IndicatorOff Indicator = iota
	IndicatorLeft
	IndicatorRight
	IndicatorHazard
)

// Lights is the headlight switch.
type Lights uint8

// Headlight states.
const (
	LightsOff Lights = iota
	LightsLow
	LightsHigh
)

// Fault is a set of simulated defects beyond trouble codes.
type Fault uint8

// Faults.
const (
	FaultNone       Fault = 0
	FaultOverheat   Fault = 1 << 0 // coolant climbs toward 122 °C
	FaultAlternator Fault = 1 << 1 // no charging: 12 V falls from 12.4 V while running
)

var faultNames = map[string]Fault{"none": FaultNone, "overheat": FaultOverheat, "alternator": FaultAlternator}

// Tyre positions, indices of Leak.Tyre.
var tyreNames = [4]string{"Row1.Left", "Row1.Right", "Row2.Left", "Row2.Right"}

// Leak is a tyre losing pressure.
type Leak struct {
	Tyre      int     // 0 Row1.Left, 1 Row1.Right, 2 Row2.Left, 3 Row2.Right
	KPaPerMin float64 // 0 stops the leak
}

// Assign sets an input signal (a door, a belt, the driver ID…).
type Assign struct {
	ID    vss.ID
	Value vehicle.Value
}

// Start is the car's state at t = 0.
type Start struct {
	Powertrain   string
	Fuel         float64 // percent
	SoC          float64 // percent
	OdometerKm   float64
	TripKm       float64
	OutsideTemp  float64 // °C
	CabinTemp    float64 // °C; NaN: outside temperature
	CoolantTemp  float64 // °C; NaN: outside temperature (cold start)
	TyreKPa      float64
	Driver       string
	Gear         Gear
	Engine       bool
	ParkingBrake bool
	Belt         bool // driver's belt
	Lights       Lights
	Speed        float64 // km/h
	Set          []Assign
}

// Event is one timeline entry. Nil fields leave things as they are.
type Event struct {
	At           time.Duration
	Line         int // line of the [[at]] entry
	Speed        *float64
	Gear         *Gear
	Engine       *bool
	ParkingBrake *bool
	Indicator    *Indicator
	Lights       *Lights
	OutsideTemp  *float64
	Set          []Assign
	Leak         *Leak
	DTC          *int
	MIL          *bool
	Fault        *Fault
	Press        []vss.ID
	TripReset    bool
}

// MaxDuration bounds a scenario's duration.
const MaxDuration = 24 * time.Hour

// LoadScenario reads and parses the scenario name (e.g. "city", or
// "city.toml") from fsys.
func LoadScenario(fsys fs.FS, name string) (*Scenario, error) {
	file := name
	if !strings.HasSuffix(file, ".toml") {
		file += ".toml"
	}
	if !fs.ValidPath(file) {
		return nil, fmt.Errorf("scenario %q: invalid name", name)
	}
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("scenario %q: %w", name, err)
	}
	return ParseScenario(file, data)
}

// ScenarioNames lists the scenarios (*.toml) in fsys, sorted, without the
// extension.
func ScenarioNames(fsys fs.FS) ([]string, error) {
	m, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	for i, f := range m {
		m[i] = strings.TrimSuffix(f, ".toml")
	}
	slices.Sort(m)
	return m, nil
}

// ScenarioError is a problem in a scenario file.
type ScenarioError struct {
	File  string
	Line  int    // 0 when unknown
	Field string // e.g. "at[3].speed"
	Msg   string
}

func (e *ScenarioError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxErrors bounds how many problems one parse reports.
const maxErrors = 10

// ParseScenario parses a scenario file; name is the file name used in
// messages and the scenario's default name. Every problem found is
// reported (up to 10), each as a *ScenarioError naming file:line and field.
func ParseScenario(name string, data []byte) (*Scenario, error) {
	var m map[string]any
	if _, err := toml.Decode(string(data), &m); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &ScenarioError{File: name, Line: pe.Position.Line, Msg: pe.Message}
		}
		return nil, &ScenarioError{File: name, Msg: err.Error()}
	}
	p := &parser{file: name, loc: newLocator(string(data))}
	sc := p.scenario(m)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return sc, nil
}

type parser struct {
	file string
	loc  *locator
	errs []error
}

// at is where a value sits: table, array index (-1 if none), key path.
type at struct {
	table string
	idx   int
	path  []string
}

func (a at) field() string {
	var b strings.Builder
	if a.table != "" {
		b.WriteString(a.table)
		if a.idx >= 0 {
			fmt.Fprintf(&b, "[%d]", a.idx)
		}
	}
	for _, p := range a.path {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		if strings.Contains(p, ".") {
			fmt.Fprintf(&b, "%q", p)
		} else {
			b.WriteString(p)
		}
	}
	return b.String()
}

func (a at) key(k ...string) at {
	return at{a.table, a.idx, append(append([]string(nil), a.path...), k...)}
}

func (p *parser) errorf(a at, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		return
	}
	line := p.loc.line(a.table, a.idx, a.path...)
	p.errs = append(p.errs, &ScenarioError{File: p.file, Line: line, Field: a.field(), Msg: fmt.Sprintf(format, args...)})
}

var (
	topKeys   = []string{"name", "description", "seed", "duration", "end", "route", "start", "at"}
	routeKeys = []string{"name", "length_km", "prefer"}
	startKeys = []string{"powertrain", "fuel", "soc", "odometer_km", "trip_km", "outside_temp", "cabin_temp",
		"coolant_temp", "tyre_kpa", "driver", "gear", "engine", "parking_brake", "belt", "lights", "speed", "set"}
	eventKeys = []string{"t", "speed", "gear", "engine", "parking_brake", "indicator", "lights", "outside_temp",
		"set", "leak", "dtc", "mil", "fault", "press", "trip_reset"}
	leakKeys = []string{"tyre", "kpa_per_min"}
)

// keys reports unknown keys of a table and returns its keys sorted.
func (p *parser) keys(a at, m map[string]any, known []string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	for _, k := range ks {
		if !slices.Contains(known, k) {
			msg := "unknown key"
			if s := closest(k, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			p.errorf(a.key(k), "%s", msg)
		}
	}
	return ks
}

func (p *parser) scenario(m map[string]any) *Scenario {
	base := path.Base(p.file)
	sc := &Scenario{
		Name:  strings.TrimSuffix(base, path.Ext(base)),
		File:  p.file,
		Seed:  1,
		Route: RouteSpec{Name: "monaco", MinLength: 10000, Prefer: "any"},
		Start: Start{
			Powertrain: Hybrid, Fuel: 70, SoC: 60, OdometerKm: 12000, OutsideTemp: 18,
			CabinTemp: math.NaN(), CoolantTemp: math.NaN(), TyreKPa: 240, Gear: Park,
			ParkingBrake: true, Belt: true,
		},
	}
	top := at{idx: -1}
	p.keys(top, m, topKeys)
	if v, ok := m["name"]; ok {
		sc.Name = p.str(top.key("name"), v)
	}
	if v, ok := m["description"]; ok {
		sc.Description = p.str(top.key("description"), v)
	}
	if v, ok := m["seed"]; ok {
		if n, ok := p.integer(top.key("seed"), v, 0, math.MaxInt64); ok {
			sc.Seed = uint64(n)
		}
	}
	if v, ok := m["duration"]; ok {
		if d, ok := p.duration(top.key("duration"), v); ok {
			if d <= 0 {
				p.errorf(top.key("duration"), "must be longer than 0s")
			}
			sc.Duration = d
		}
	} else {
		p.errorf(top, "missing duration (e.g. duration = \"10m\")")
	}
	if v, ok := m["end"]; ok {
		switch p.str(top.key("end"), v) {
		case "hold":
			sc.End = Hold
		case "loop":
			sc.End = Loop
		default:
			p.errorf(top.key("end"), "want \"hold\" or \"loop\", got %s", show(v))
		}
	}
	if v, ok := m["route"]; ok {
		p.route(&sc.Route, v)
	}
	if v, ok := m["start"]; ok {
		p.start(&sc.Start, v)
	}
	if v, ok := m["at"]; ok {
		list, ok := v.([]map[string]any)
		if arr, isArr := v.([]any); isArr {
			// at = [{…}, {…}]: inline tables.
			ok = true
			for _, e := range arr {
				m, isMap := e.(map[string]any)
				ok = ok && isMap
				list = append(list, m)
			}
		}
		if !ok {
			p.errorf(top.key("at"), "want [[at]] tables, got %s", typeName(v))
			list = nil
		}
		var prev time.Duration
		for i, e := range list {
			ev := p.event(i, e)
			if ev.At < prev {
				p.errorf(at{"at", i, []string{"t"}}, "%s comes before the previous entry's %s: keep [[at]] entries in time order", ev.At, prev)
			}
			if sc.Duration > 0 && ev.At > sc.Duration {
				p.errorf(at{"at", i, []string{"t"}}, "%s is after the scenario's duration %s", ev.At, sc.Duration)
			}
			prev = max(prev, ev.At)
			sc.Events = append(sc.Events, ev)
		}
	}
	return sc
}

func (p *parser) table(a at, v any) map[string]any {
	t, ok := v.(map[string]any)
	if !ok {
		p.errorf(a, "want a table, got %s", typeName(v))
	}
	return t
}

func (p *parser) route(r *RouteSpec, v any) {
	a := at{table: "route", idx: -1}
	t := p.table(a, v)
	p.keys(a, t, routeKeys)
	if v, ok := t["name"]; ok {
		r.Name = p.str(a.key("name"), v)
		if !validRouteName(r.Name) {
			p.errorf(a.key("name"), "want a street-graph name of letters, digits, '-' and '_' (e.g. \"monaco\"), got %q", r.Name)
		}
	}
	if v, ok := t["length_km"]; ok {
		if x, ok := p.number(a.key("length_km"), v, 0.5, 200); ok {
			r.MinLength = x * 1000
		}
	}
	if v, ok := t["prefer"]; ok {
		switch s := p.str(a.key("prefer"), v); s {
		case "any", "major":
			r.Prefer = s
		default:
			p.errorf(a.key("prefer"), "want \"any\" or \"major\", got %q", s)
		}
	}
}

func validRouteName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (p *parser) start(s *Start, v any) {
	a := at{table: "start", idx: -1}
	t := p.table(a, v)
	for _, k := range p.keys(a, t, startKeys) {
		v, f := t[k], a.key(k)
		switch k {
		case "powertrain":
			switch x := p.str(f, v); x {
			case Combustion, Hybrid, Electric:
				s.Powertrain = x
			default:
				p.errorf(f, "want %q, %q or %q, got %s", Combustion, Hybrid, Electric, show(v))
			}
		case "fuel":
			p.numberTo(&s.Fuel, f, v, 0, 100)
		case "soc":
			p.numberTo(&s.SoC, f, v, 0, 100)
		case "odometer_km":
			p.numberTo(&s.OdometerKm, f, v, 0, 4e6)
		case "trip_km":
			p.numberTo(&s.TripKm, f, v, 0, 4e6)
		case "outside_temp":
			p.numberTo(&s.OutsideTemp, f, v, -50, 60)
		case "cabin_temp":
			p.numberTo(&s.CabinTemp, f, v, -50, 80)
		case "coolant_temp":
			p.numberTo(&s.CoolantTemp, f, v, -50, 130)
		case "tyre_kpa":
			p.numberTo(&s.TyreKPa, f, v, 0, 500)
		case "driver":
			s.Driver = p.str(f, v)
		case "gear":
			if g, ok := p.gear(f, v); ok {
				s.Gear = g
			}
		case "engine":
			if b, ok := p.onOff(f, v); ok {
				s.Engine = b
			}
		case "parking_brake":
			s.ParkingBrake = p.boolean(f, v)
		case "belt":
			s.Belt = p.boolean(f, v)
		case "lights":
			if l, ok := p.lights(f, v); ok {
				s.Lights = l
			}
		case "speed":
			p.numberTo(&s.Speed, f, v, 0, 250)
		case "set":
			s.Set = p.set(f, v)
		}
	}
	if s.Speed > 0 && (s.Gear != Drive || !s.Engine || s.ParkingBrake) {
		p.errorf(a.key("speed"), "a car moving at the start needs gear = \"D\", engine = \"on\" and parking_brake = false")
	}
}

func (p *parser) event(i int, m map[string]any) Event {
	a := at{table: "at", idx: i}
	ev := Event{Line: p.loc.line("at", i)}
	ks := p.keys(a, m, eventKeys)
	if _, ok := m["t"]; !ok {
		p.errorf(a, "missing t (e.g. t = \"12s\")")
	}
	for _, k := range ks {
		v, f := m[k], a.key(k)
		switch k {
		case "t":
			if d, ok := p.duration(f, v); ok {
				ev.At = d
			}
		case "speed":
			var x float64
			if p.numberTo(&x, f, v, 0, 250) {
				ev.Speed = &x
			}
		case "gear":
			if g, ok := p.gear(f, v); ok {
				ev.Gear = &g
			}
		case "engine":
			if b, ok := p.onOff(f, v); ok {
				ev.Engine = &b
			}
		case "parking_brake":
			b := p.boolean(f, v)
			ev.ParkingBrake = &b
		case "indicator":
			var ind Indicator
			switch s := p.str(f, v); s {
			case "off":
				ind = IndicatorOff
			case "left":
				ind = IndicatorLeft
			case "right":
				ind = IndicatorRight
			case "hazard":
				ind = IndicatorHazard
			default:
				p.errorf(f, "want \"left\", \"right\", \"hazard\" or \"off\", got %s", show(v))
				continue
			}
			ev.Indicator = &ind
		case "lights":
			if l, ok := p.lights(f, v); ok {
				ev.Lights = &l
			}
		case "outside_temp":
			var x float64
			if p.numberTo(&x, f, v, -50, 60) {
				ev.OutsideTemp = &x
			}
		case "set":
			ev.Set = p.set(f, v)
		case "leak":
			ev.Leak = p.leak(f, v)
		case "dtc":
			if n, ok := p.integer(f, v, 0, 255); ok {
				x := int(n)
				ev.DTC = &x
			}
		case "mil":
			b := p.boolean(f, v)
			ev.MIL = &b
		case "fault":
			if x, ok := p.fault(f, v); ok {
				ev.Fault = &x
			}
		case "press":
			ev.Press = p.press(f, v)
		case "trip_reset":
			ev.TripReset = p.boolean(f, v)
		}
	}
	return ev
}

func (p *parser) leak(a at, v any) *Leak {
	t := p.table(a, v)
	if t == nil {
		return nil
	}
	p.keys(a, t, leakKeys)
	l := &Leak{Tyre: -1}
	if v, ok := t["tyre"]; ok {
		s := p.str(a.key("tyre"), v)
		l.Tyre = slices.Index(tyreNames[:], s)
		if l.Tyre < 0 && s != "" {
			p.errorf(a.key("tyre"), "want one of %s, got %q", strings.Join(tyreNames[:], ", "), s)
		}
	} else {
		p.errorf(a, "leak needs tyre = \"Row1.Left\" (or Row1.Right, Row2.Left, Row2.Right)")
	}
	if v, ok := t["kpa_per_min"]; ok {
		p.numberTo(&l.KPaPerMin, a.key("kpa_per_min"), v, 0, 1000)
	} else {
		p.errorf(a, "leak needs kpa_per_min")
	}
	if l.Tyre < 0 {
		return nil
	}
	return l
}

// fault parses a fault name or a list of them: the set of active faults.
func (p *parser) fault(a at, v any) (Fault, bool) {
	var names []any
	switch x := v.(type) {
	case string:
		names = []any{x}
	case []any:
		names = x
	default:
		p.errorf(a, "want a fault name or a list of them, got %s", typeName(v))
		return 0, false
	}
	var set Fault
	ok := true
	for _, n := range names {
		s, _ := n.(string)
		f, known := faultNames[s]
		if !known {
			p.errorf(a, "unknown fault %s: want \"overheat\", \"alternator\" or \"none\"", show(n))
			ok = false
		}
		set |= f
	}
	return set, ok
}

var buttons = map[string]vss.ID{
	"volume_up":   vss.ChassisSteeringWheelButtonVolumeUpIsPressed,
	"volume_down": vss.ChassisSteeringWheelButtonVolumeDownIsPressed,
	"next":        vss.ChassisSteeringWheelButtonNextIsPressed,
	"previous":    vss.ChassisSteeringWheelButtonPreviousIsPressed,
	"voice":       vss.ChassisSteeringWheelButtonVoiceIsPressed,
}

func (p *parser) press(a at, v any) []vss.ID {
	var names []any
	switch x := v.(type) {
	case string:
		names = []any{x}
	case []any:
		names = x
	default:
		p.errorf(a, "want a button name or a list of them, got %s", typeName(v))
		return nil
	}
	var out []vss.ID
	for _, n := range names {
		s, _ := n.(string)
		id, ok := buttons[s]
		if !ok {
			p.errorf(a, "unknown button %s: want volume_up, volume_down, next, previous or voice", show(n))
			continue
		}
		out = append(out, id)
	}
	return out
}

// set parses a table of VSS path → value for input signals.
func (p *parser) set(a at, v any) []Assign {
	t := p.table(a, v)
	paths := make([]string, 0, len(t))
	for k := range t {
		paths = append(paths, k)
	}
	slices.Sort(paths)
	var out []Assign
	for _, path := range paths {
		f := a.key(path)
		id, ok := vss.Lookup(path)
		if !ok {
			msg := fmt.Sprintf("unknown VSS path %q", path)
			if s := vss.Suggest(path, 3); len(s) > 0 {
				msg += " (known paths nearby: " + strings.Join(s, ", ") + ")"
			}
			p.errorf(f, "%s", msg)
			continue
		}
		if hint, computed := notSettable(id); computed {
			p.errorf(f, "%s cannot be set: %s", path, hint)
			continue
		}
		if val, ok := p.signalValue(f, vss.Get(id), t[path]); ok {
			out = append(out, Assign{ID: id, Value: val})
		}
	}
	return out
}

// signalValue checks a TOML value against a signal's datatype and limits.
func (p *parser) signalValue(a at, sig *vss.Signal, v any) (vehicle.Value, bool) {
	switch {
	case sig.Datatype == vss.Boolean:
		b, ok := v.(bool)
		if !ok {
			p.errorf(a, "%s is a boolean: want true or false, got %s", sig.Path, show(v))
			return vehicle.Value{}, false
		}
		return vehicle.BoolValue(b), true
	case sig.Datatype == vss.String:
		s, ok := v.(string)
		if !ok {
			p.errorf(a, "%s is a string, got %s", sig.Path, show(v))
			return vehicle.Value{}, false
		}
		if sig.Allowed != nil && sig.AllowedIndex(s) < 0 {
			p.errorf(a, "%s allows %s, got %q", sig.Path, strings.Join(sig.Allowed, ", "), s)
			return vehicle.Value{}, false
		}
		return vehicle.Value{Str: s}, true
	default:
		lo, hi := sig.Limits()
		x, ok := toFloat(v)
		if !ok {
			p.errorf(a, "%s is a number (%s), got %s", sig.Path, sig.Datatype, show(v))
			return vehicle.Value{}, false
		}
		if sig.Datatype.IsInteger() && x != math.Trunc(x) {
			p.errorf(a, "%s is an integer (%s), got %v", sig.Path, sig.Datatype, x)
			return vehicle.Value{}, false
		}
		if !(x >= lo && x <= hi) {
			p.errorf(a, "%v is outside %s's range [%v, %v]", x, sig.Path, lo, hi)
			return vehicle.Value{}, false
		}
		return vehicle.Value{Num: x}, true
	}
}

func (p *parser) str(a at, v any) string {
	s, ok := v.(string)
	if !ok {
		p.errorf(a, "want a string, got %s", show(v))
	}
	return s
}

func (p *parser) boolean(a at, v any) bool {
	b, ok := v.(bool)
	if !ok {
		p.errorf(a, "want true or false, got %s", show(v))
	}
	return b
}

func (p *parser) onOff(a at, v any) (bool, bool) {
	switch v {
	case "on":
		return true, true
	case "off":
		return false, true
	}
	p.errorf(a, "want \"on\" or \"off\", got %s", show(v))
	return false, false
}

func (p *parser) gear(a at, v any) (Gear, bool) {
	switch v {
	case "P":
		return Park, true
	case "R":
		return Reverse, true
	case "N":
		return Neutral, true
	case "D":
		return Drive, true
	}
	p.errorf(a, "want \"P\", \"R\", \"N\" or \"D\", got %s", show(v))
	return 0, false
}

func (p *parser) lights(a at, v any) (Lights, bool) {
	switch v {
	case "off":
		return LightsOff, true
	case "low":
		return LightsLow, true
	case "high":
		return LightsHigh, true
	}
	p.errorf(a, "want \"off\", \"low\" or \"high\", got %s", show(v))
	return 0, false
}

func (p *parser) number(a at, v any, lo, hi float64) (float64, bool) {
	x, ok := toFloat(v)
	if !ok {
		p.errorf(a, "want a number, got %s", show(v))
		return 0, false
	}
	if !(x >= lo && x <= hi) {
		p.errorf(a, "%v is outside [%v, %v]", x, lo, hi)
		return 0, false
	}
	return x, true
}

func (p *parser) numberTo(dst *float64, a at, v any, lo, hi float64) bool {
	x, ok := p.number(a, v, lo, hi)
	if ok {
		*dst = x
	}
	return ok
}

func (p *parser) integer(a at, v any, lo, hi int64) (int64, bool) {
	n, ok := v.(int64)
	if !ok {
		p.errorf(a, "want an integer, got %s", show(v))
		return 0, false
	}
	if n < lo || n > hi {
		p.errorf(a, "%d is outside [%d, %d]", n, lo, hi)
		return 0, false
	}
	return n, true
}

// duration accepts a Go duration string ("90s", "1m30s") or a number of
// seconds.
func (p *parser) duration(a at, v any) (time.Duration, bool) {
	var d time.Duration
	switch x := v.(type) {
	case string:
		var err error
		d, err = time.ParseDuration(x)
		if err != nil {
			p.errorf(a, "bad duration %q: want e.g. \"12s\", \"1m30s\", \"250ms\" or a number of seconds", x)
			return 0, false
		}
	case int64, float64:
		s, _ := toFloat(x)
		if !(s >= 0 && s <= MaxDuration.Seconds()) {
			p.errorf(a, "%v s is outside [0, %s]", s, MaxDuration)
			return 0, false
		}
		d = time.Duration(s * float64(time.Second))
	default:
		p.errorf(a, "want a duration like \"12s\", got %s", show(v))
		return 0, false
	}
	if d < 0 || d > MaxDuration {
		p.errorf(a, "%s is outside [0s, %s]", d, MaxDuration)
		return 0, false
	}
	return d, true
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		return x, true
	}
	return 0, false
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}

// show renders a TOML value for a message.
func show(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case int64, float64, bool:
		return fmt.Sprintf("%v", x)
	}
	return typeName(v)
}

// closest returns the known word nearest to s, if it is a plausible typo.
func closest(s string, known []string) string {
	if c := suggest.Closest(s, known, 1); len(c) > 0 {
		return c[0]
	}
	return ""
}
