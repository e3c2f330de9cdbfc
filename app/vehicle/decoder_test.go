package vehicle

import (
	"encoding/binary"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle/dbc"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

// testProfile resolves a mapping against a DBC model built in the test.
func testProfile(t testing.TB, db *dbc.Database, mapping string) *Profile {
	t.Helper()
	mf, err := parseMapping("test.toml", []byte(mapping))
	if err != nil {
		t.Fatal(err)
	}
	p, err := resolveProfile(mf, db)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// muxDB has simple and extended multiplexing, a Motorola signed signal, a
// plain signal and an extended-ID message.
func muxDB() *dbc.Database {
	one := func(v uint64) []dbc.MuxRange { return []dbc.MuxRange{{Lo: v, Hi: v}} }
	m := &dbc.Message{ID: 0x300, Name: "MUXED", Size: 8, CycleTime: 100 * time.Millisecond}
	m.Signals = []*dbc.Signal{
		{Name: "Mode", Start: 0, Length: 4, Factor: 1, IsSwitch: true},
		{Name: "A", Start: 8, Length: 16, Factor: 0.01, MuxSwitch: "Mode", MuxRanges: one(1)},
		{Name: "B", Start: 8, Length: 16, Factor: 1, MuxSwitch: "Mode", MuxRanges: one(2)},
		{Name: "Sub", Start: 24, Length: 8, Factor: 1, IsSwitch: true, MuxSwitch: "Mode", MuxRanges: one(3)},
		{Name: "C", Start: 39, Length: 16, BigEndian: true, Signed: true, Factor: 0.1, MuxSwitch: "Sub",
			MuxRanges: []dbc.MuxRange{{Lo: 5, Hi: 7}, {Lo: 10, Hi: 10}}},
		{Name: "Plain", Start: 56, Length: 8, Factor: 1},
	}
	ext := &dbc.Message{ID: 0x18FF0001, Extended: true, Name: "EXT", Size: 2, Signals: []*dbc.Signal{
		{Name: "Fob", Start: 0, Length: 4, Factor: 1, Values: map[int64]string{1: "one", 2: "two"}},
		{Name: "Volts", Start: 8, Length: 8, Factor: 0.1, Unit: "V"},
	}}
	flt := &dbc.Message{ID: 0x310, Name: "FLOATS", Size: 12, Signals: []*dbc.Signal{
		{Name: "F32", Start: 0, Length: 32, Type: dbc.Float32, Factor: 1},
		{Name: "F64", Start: 32, Length: 64, Type: dbc.Float64, Factor: 1, Unit: "m"},
	}}
	return &dbc.Database{File: "mux.dbc", Messages: []*dbc.Message{m, flt, ext}}
}

const muxMapping = `name = "mux"
dbc = "mux.dbc"
[[signal]]
vss = "Vehicle.Speed"
signal = "A"
[[signal]]
vss = "Vehicle.Powertrain.CombustionEngine.Speed"
signal = "B"
[[signal]]
vss = "Vehicle.Exterior.AirTemperature"
signal = "C"
[[signal]]
vss = "Vehicle.Diagnostics.DTCCount"
signal = "Plain"
[[signal]]
vss = "Vehicle.Occupant.Row1.DriverSide.Identifier.Subject"
signal = "Fob"
values = { one = "driver-1" }
[[signal]]
vss = "Vehicle.LowVoltageBattery.CurrentVoltage"
signal = "Volts"
[[signal]]
vss = "Vehicle.Cabin.HVAC.AmbientAirTemperature"
signal = "F32"
[[signal]]
vss = "Vehicle.CurrentLocation.Altitude"
signal = "F64"
`

func frame(id uint32, data ...byte) *can.Frame {
	f := &can.Frame{ID: id, Len: uint8(len(data)), Time: time.Unix(1000, 0)}
	copy(f.Data[:], data)
	return f
}

func TestDecodeMultiplexed(t *testing.T) {
	p := testProfile(t, muxDB(), muxMapping)
	s := NewStore(func() time.Time { return time.Unix(1000, 0) })
	d := NewDecoder(p, s)
	num := func(id vss.ID) (float64, bool) {
		r := s.Get(id)
		return r.Num, r.State != NoData
	}

	// Mode 1: A (speed) and Plain; B shares A's bits but is not present.
	d.Decode(frame(0x300, 0x01, 0x88, 0x13, 0x06, 0x00, 0x00, 0x00, 7))
	if v, ok := num(vss.Speed); !ok || v != 50 {
		t.Errorf("Mode 1: speed = %v (%v), want 50", v, ok)
	}
	if _, ok := num(vss.PowertrainCombustionEngineSpeed); ok {
		t.Error("Mode 1 decoded B, which needs Mode 2")
	}
	if _, ok := num(vss.ExteriorAirTemperature); ok {
		t.Error("Mode 1 decoded C although Sub (byte 3 = 6) is only present with Mode 3")
	}
	if v, _ := num(vss.DiagnosticsDTCCount); v != 7 {
		t.Errorf("plain signal = %v, want 7", v)
	}

	// Mode 2: B.
	d.Decode(frame(0x300, 0x02, 0xDC, 0x05, 0, 0, 0, 0, 0))
	if v, _ := num(vss.PowertrainCombustionEngineSpeed); v != 1500 {
		t.Errorf("Mode 2: engine speed = %v, want 1500", v)
	}
	if v, _ := num(vss.Speed); v != 50 {
		t.Errorf("Mode 2 changed A: speed = %v", v)
	}

	// Mode 3 (extended multiplexing): Sub selects C in 5..7 and 10.
	for _, tc := range []struct {
		sub  byte
		raw  int16
		want float64
		set  bool
	}{
		{6, -123, -12.3, true},
		{10, 250, 25, true},
		{8, 999, 25, false}, // Sub 8: C absent, keeps 25
		{5, 0, 0, true},
	} {
		var c [2]byte
		binary.BigEndian.PutUint16(c[:], uint16(tc.raw))
		d.Decode(frame(0x300, 0x03, 0, 0, tc.sub, c[0], c[1], 0, 0))
		v, ok := num(vss.ExteriorAirTemperature)
		if !ok || math.Abs(v-tc.want) > 1e-9 {
			t.Errorf("Sub %d raw %d: C = %v, want %v", tc.sub, tc.raw, v, tc.want)
		}
	}
	st := d.Stats()
	if st.Frames != 6 || st.Decoded != 6 || st.Unknown != 0 || st.Short != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestDecodeFloatsAndExtendedIDs(t *testing.T) {
	p := testProfile(t, muxDB(), muxMapping)
	s := NewStore(nil)
	d := NewDecoder(p, s)

	f := frame(0x310)
	f.Len, f.FD = 12, true
	binary.LittleEndian.PutUint32(f.Data[0:], math.Float32bits(21.5))
	binary.LittleEndian.PutUint64(f.Data[4:], math.Float64bits(-12.25))
	d.Decode(f)
	if r := s.Get(vss.CabinHVACAmbientAirTemperature); r.Num != 21.5 {
		t.Errorf("float32 = %v, want 21.5", r.Num)
	}
	if r := s.Get(vss.CurrentLocationAltitude); r.Num != -12.25 {
		t.Errorf("float64 = %v, want -12.25", r.Num)
	}
	// NaN is dropped and counted.
	binary.LittleEndian.PutUint32(f.Data[0:], math.Float32bits(float32(math.NaN())))
	d.Decode(f)
	if r := s.Get(vss.CabinHVACAmbientAirTemperature); r.Num != 21.5 {
		t.Errorf("NaN overwrote the value: %v", r.Num)
	}

	ext := frame(0x18FF0001, 0x01, 126)
	ext.Extended = true
	d.Decode(ext)
	if r := s.Get(vss.OccupantRow1DriverSideIdentifierSubject); r.Str != "driver-1" {
		t.Errorf("extended ID: subject %q, want driver-1", r.Str)
	}
	if r := s.Get(vss.LowVoltageBatteryCurrentVoltage); math.Abs(r.Num-12.6) > 1e-9 {
		t.Errorf("extended ID: voltage %v, want 12.6", r.Num)
	}
	// Raw 2 has a VAL_ name but no mapping: unmapped, value kept.
	ext.Data[0] = 2
	d.Decode(ext)
	if r := s.Get(vss.OccupantRow1DriverSideIdentifierSubject); r.Str != "driver-1" {
		t.Errorf("unmapped enum value changed the subject to %q", r.Str)
	}
	// The same number as a standard ID, and a standard ID as extended, are unknown.
	d.Decode(frame(0x7FF, 1))
	std := frame(0x300, 1, 2, 3, 4, 5, 6, 7, 8)
	std.Extended = true
	d.Decode(std)
	std.Extended = false
	std.Remote = true
	d.Decode(std)

	st := d.Stats()
	want := DecodeStats{Frames: 7, Decoded: 4, Unknown: 2, Remote: 1, Unmapped: 1, Invalid: 1}
	if st.Frames != want.Frames || st.Decoded != want.Decoded || st.Unknown != want.Unknown ||
		st.Remote != want.Remote || st.Unmapped != want.Unmapped || st.Invalid != want.Invalid {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	if st.UnknownIDs[0x7FF] != 1 || st.UnknownIDs[0x300|ExtendedFlag] != 1 || len(st.UnknownIDs) != 2 {
		t.Errorf("unknown IDs %v, want 0x7FF and extended 0x300 once each", st.UnknownIDs)
	}
}

func TestDecodeShortFrames(t *testing.T) {
	p := testProfile(t, muxDB(), muxMapping)
	clock := time.Unix(1000, 0)
	s := NewStore(func() time.Time { return clock })
	d := NewDecoder(p, s)
	d.Decode(frame(0x300, 0x01, 0x88, 0x13, 0, 0, 0, 0, 9))
	before := s.Get(vss.Speed)

	// 2 bytes: A needs 3, Plain needs 8, Mode is readable.
	short := frame(0x300, 0x01, 0xFF)
	short.Time = time.Unix(1001, 0)
	d.Decode(short)
	if r := s.Get(vss.Speed); r.Num != before.Num || !r.At.Equal(before.At) {
		t.Errorf("short frame touched speed: %+v, was %+v", r, before)
	}
	if st := d.Stats(); st.Short != 2 {
		t.Errorf("short = %d, want 2 (A and Plain)", st.Short)
	}
	// Empty payload: even the multiplexer is missing.
	d.Decode(frame(0x300))
	if st := d.Stats(); st.Short != 2+4 {
		t.Errorf("short = %d, want 6 (A, B and C, whose multiplexer is missing, and Plain)", st.Short)
	}
	if r := s.Get(vss.DiagnosticsDTCCount); r.Num != 9 {
		t.Errorf("plain signal = %v after short frames, want 9", r.Num)
	}
}

func TestDecodeDemoFrames(t *testing.T) {
	p := loadDemo(t)
	s := NewStore(nil)
	d := NewDecoder(p, s)
	tests := []struct {
		f    *can.Frame
		id   vss.ID
		want Value
	}{
		{frame(0x104, 0x39, 0x30), vss.Speed, Value{Num: 123.45}},
		{frame(0x104, 0x39, 0x30), vss.IsMoving, Value{Num: 1}},
		{frame(0x100, 0x40, 0x0C, 0x00, 0, 0, 0, 0, 0), vss.PowertrainCombustionEngineSpeed, Value{Num: 784}},
		// Motorola signed: 0xFF38 = -200 → -20.0 kW, rounded to the int16 VSS type.
		{frame(0x108, 0xFF, 0x38, 0, 0, 0, 0, 0, 0), vss.PowertrainElectricMotorPower, Value{Num: -20}},
		{frame(0x120, 0x03), vss.PowertrainTransmissionSelectedGear, Value{Num: 127}},
		{frame(0x120, 0xF1), vss.PowertrainTransmissionCurrentGear, Value{Num: -1}},
		{frame(0x400, 0x38, 0x07, 0x5A, 0x00), vss.ExteriorAirTemperature, Value{Num: -20}},                            // 0x738 = -200 (11-bit)
		{frame(0x400, 0x00, 0x00, 0x5A, 0x00), vss.PowertrainCombustionEngineEngineCoolantTemperature, Value{Num: 50}}, // 90 - 40
		{frame(0x420, 0x10, 0x27, 0, 0, 0, 0, 0, 0), vss.TraveledDistance, Value{Num: 1000000}},                        // 10000 × 0.1 km
		{frame(0x440, 0x38, 0x31, 0, 0, 0, 0), vss.LowVoltageBatteryCurrentVoltage, Value{Num: 12.6}},                  // 12600 mV
		{frame(0x3A0, 0x02, 110, 70), vss.ChassisAxleRow2WheelLeftTirePressure, Value{Num: 220}},                       // page RL: 2.2 bar
		{frame(0x500, 0x00, 0x20), vss.PowertrainType, Value{Num: 2, Str: "ELECTRIC"}},
		{frame(0x600, 0x40, 0xF3, 0x11, 0x1A, 0xA8, 0x41, 0x94, 0x04), vss.CurrentLocationLatitude, Value{Num: 43.7384}},
		{frame(0x600, 0x40, 0xF3, 0x11, 0x1A, 0xA8, 0x41, 0x94, 0x04), vss.CurrentLocationLongitude, Value{Num: 7.6825}},
		{frame(0x200, 0x01, 0x01), vss.CabinDoorRow1DriverSideIsOpen, Value{Num: 1}},
		{frame(0x200, 0x01, 0x01), vss.CabinSeatRow1DriverSideIsBelted, Value{Num: 1}},
	}
	for _, tc := range tests {
		d.Decode(tc.f)
		r := s.Get(tc.id)
		if r.Str != tc.want.Str || math.Abs(r.Num-tc.want.Num) > 1e-9 {
			t.Errorf("%s from %s: %+v, want %+v", vss.Get(tc.id).Path, tc.f, r.Value, tc.want)
		}
	}
	ext := frame(0x18FF4A17, 0x02)
	ext.Extended = true
	d.Decode(ext)
	if r := s.Get(vss.OccupantRow1DriverSideIdentifierSubject); r.Str != "driver-2" {
		t.Errorf("key fob 2: subject %q", r.Str)
	}
	// 0xFF fuel level (102 %) is outside the VSS limits: dropped.
	d.Decode(frame(0x410, 100, 0, 0, 0))
	d.Decode(frame(0x410, 0xFF, 0, 0, 0))
	if r := s.Get(vss.PowertrainFuelSystemRelativeLevel); r.Num != 40 {
		t.Errorf("fuel = %v after an out-of-range frame, want the previous 40", r.Num)
	}
	if st := d.Stats(); st.Invalid != 1 {
		t.Errorf("invalid = %d, want 1", st.Invalid)
	}
}

// TestStaleness: a signal that stops arriving turns stale once its timeout
// (3 × its message's cycle) has passed, by the store's clock.
func TestStaleness(t *testing.T) {
	p := loadDemo(t)
	t0 := time.Unix(5000, 0)
	now := t0
	s := NewStore(func() time.Time { return now })
	d := NewDecoder(p, s)
	f := frame(0x104, 0x10, 0x27) // 100 km/h every 20 ms for a second
	for i := 0; i <= 50; i++ {
		now = t0.Add(time.Duration(i) * 20 * time.Millisecond)
		f.Time = now
		d.Decode(f)
		if r := s.Get(vss.Speed); r.State != Live {
			t.Fatalf("speed %v while arriving", r.State)
		}
	}
	last := now
	now = last.Add(60 * time.Millisecond)
	if r := s.Get(vss.Speed); r.State != Live || r.Num != 100 {
		t.Errorf("at the timeout: %+v, want live 100", r)
	}
	now = last.Add(61 * time.Millisecond)
	if r := s.Get(vss.Speed); r.State != Stale {
		t.Errorf("61 ms after the last frame (timeout 60 ms): %v, want stale", r.State)
	}
	if r := s.Get(vss.IsMoving); r.State != Stale {
		t.Errorf("derived IsMoving: %v, want stale with its source", r.State)
	}
	// A frame without a time is stamped with the store's clock.
	f.Time = time.Time{}
	d.Decode(f)
	if r := s.Get(vss.Speed); r.State != Live || !r.At.Equal(now) {
		t.Errorf("frame without time: %+v, want live at %v", r, now)
	}
	// A 1 s message goes stale after 3 s; a mapping timeout overrides.
	d.Decode(frame(0x400, 0, 0, 90, 0))
	now = time.Unix(1000, 0).Add(2999 * time.Millisecond)
	if r := s.Get(vss.PowertrainCombustionEngineEngineCoolantTemperature); r.State != Live {
		t.Errorf("coolant after 2.999 s: %v", r.State)
	}
	now = time.Unix(1000, 0).Add(3001 * time.Millisecond)
	if r := s.Get(vss.PowertrainCombustionEngineEngineCoolantTemperature); r.State != Stale {
		t.Errorf("coolant after 3.001 s: %v", r.State)
	}
	q, err := loadMapping(t, mappingHead+"[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\ntimeout = \"250ms\"\n")
	if err != nil {
		t.Fatal(err)
	}
	s2 := NewStore(nil)
	NewDecoder(q, s2)
	if got := s2.Timeout(vss.Speed); got != 250*time.Millisecond {
		t.Errorf("mapping timeout: %v, want 250ms", got)
	}
}

// TestDecodeConcurrent runs decoders and readers at once (for -race).
func TestDecodeConcurrent(t *testing.T) {
	p := loadDemo(t)
	s := NewStore(nil)
	d := NewDecoder(p, s)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			f := frame(0x104, byte(g), 0x10)
			u := frame(0x7AB+uint32(g), 1)
			for i := 0; i < 2000; i++ {
				d.Decode(f)
				d.Decode(u)
				_ = s.Get(vss.Speed)
				_ = d.Stats()
			}
		}(g)
	}
	wg.Wait()
	st := d.Stats()
	if st.Frames != 16000 || st.Decoded != 8000 || st.Unknown != 8000 || len(st.UnknownIDs) != 4 {
		t.Errorf("stats after concurrent decoding: %+v", st)
	}
}

func TestDecodeAllocatesNothing(t *testing.T) {
	p := loadDemo(t)
	s := NewStore(nil)
	d := NewDecoder(p, s)
	raw := NewRawDecoder(p.DB)
	frames := []*can.Frame{
		frame(0x104, 0x39, 0x30, 1, 1, 0, 0, 0, 0),
		frame(0x200, 0xFF, 0xFF, 0xFF, 0xFF),
		frame(0x3A0, 0x02, 110, 70),
		frame(0x500, 0x00, 0x20),
		frame(0x123, 1, 2),
		frame(0x7FF),
	}
	var sum float64
	fn := func(m *dbc.Message, s *dbc.Signal, x float64) { sum += x }
	n := testing.AllocsPerRun(200, func() {
		for _, f := range frames {
			d.Decode(f)
			raw.Decode(f, fn)
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per run of %d frames, want 0", n, len(frames))
	}
}

func TestRawDecoder(t *testing.T) {
	raw := NewRawDecoder(muxDB())
	type got struct {
		sig  string
		phys float64
	}
	var out []got
	fn := func(m *dbc.Message, s *dbc.Signal, x float64) { out = append(out, got{m.Name + "." + s.Name, x}) }
	raw.Decode(frame(0x300, 0x03, 0, 0, 6, 0xFF, 0x85, 0, 4), fn)
	want := []got{{"MUXED.Mode", 3}, {"MUXED.Sub", 6}, {"MUXED.C", -12.3}, {"MUXED.Plain", 4}}
	if len(out) != len(want) {
		t.Fatalf("got %v, want %v", out, want)
	}
	for i := range want {
		if out[i].sig != want[i].sig || math.Abs(out[i].phys-want[i].phys) > 1e-9 {
			t.Errorf("signal %d: %v, want %v", i, out[i], want[i])
		}
	}
	raw.Decode(frame(0x301, 1), fn)
	raw.Decode(frame(0x300, 0x01), fn) // too short for A and Plain
	st := raw.Stats()
	if st.Frames != 3 || st.Decoded != 2 || st.Unknown != 1 || st.Short != 2 || st.Values != 5 || st.UnknownIDs[0x301] != 1 {
		t.Errorf("stats %+v", st)
	}
	if len(raw.Skipped) != 0 {
		t.Errorf("skipped %v", raw.Skipped)
	}
	bad := &dbc.Database{Messages: []*dbc.Message{{ID: 1, Name: "BAD", Size: 8, Signals: []*dbc.Signal{
		{Name: "Far", Start: 600, Length: 8, Factor: 1},
		{Name: "Orphan", Start: 0, Length: 8, Factor: 1, MuxSwitch: "Nope", MuxRanges: []dbc.MuxRange{{Lo: 1, Hi: 1}}},
		{Name: "Loop1", Start: 8, Length: 8, Factor: 1, MuxSwitch: "Loop2", MuxRanges: []dbc.MuxRange{{Lo: 1, Hi: 1}}},
		{Name: "Loop2", Start: 16, Length: 8, Factor: 1, MuxSwitch: "Loop1", MuxRanges: []dbc.MuxRange{{Lo: 1, Hi: 1}}},
	}}}}
	if r := NewRawDecoder(bad); len(r.Skipped) != 4 {
		t.Errorf("skipped %q, want all 4 broken signals", r.Skipped)
	}
}

func TestIDTable(t *testing.T) {
	var keys []uint64
	for i := uint32(0); i < 300; i++ {
		keys = append(keys, frameKey(i*7, false), frameKey(0x18000000+i*13, true))
	}
	keys = append(keys, frameKey(0x900, false)) // standard flag, ID beyond 11 bits
	tbl := newIDTable(keys)
	for i, k := range keys {
		id, ext := keyID(k)
		if got := tbl.lookup(id, ext); got != i {
			t.Fatalf("lookup(%#x, %v) = %d, want %d", id, ext, got, i)
		}
	}
	for _, q := range []struct {
		id  uint32
		ext bool
	}{{1, false}, {7, true}, {0x18000001, true}, {0xFFFFFFFF, true}, {0xFFFFFFFF, false}} {
		if got := tbl.lookup(q.id, q.ext); got != -1 {
			t.Errorf("lookup(%#x, %v) = %d, want -1", q.id, q.ext, got)
		}
	}
}

// TestDecodeIgnoresBytesBeyondLen: the fast paths read whole words, but
// bytes past the frame's length never reach a value.
func TestDecodeIgnoresBytesBeyondLen(t *testing.T) {
	p := loadDemo(t)
	s := NewStore(func() time.Time { return time.Unix(1000, 0) })
	d := NewDecoder(p, s)
	f := frame(0x120, 0x13) // GearSelector D, CurrentGear 1
	for i := 1; i < can.MaxLen; i++ {
		f.Data[i] = 0xFF
	}
	d.Decode(f)
	if r := s.Get(vss.PowertrainTransmissionSelectedGear); r.Num != 127 {
		t.Errorf("selected gear %v, want 127", r.Num)
	}
	if r := s.Get(vss.PowertrainTransmissionCurrentGear); r.Num != 1 {
		t.Errorf("current gear %v, want 1", r.Num)
	}
	if r := s.Get(vss.PowertrainTransmissionCurrentGear); r.State != Live {
		t.Errorf("current gear %v", r.State)
	}
	// Motorola and Intel words from a 6-byte frame with garbage after it.
	g := frame(0x108, 0x00, 0x64, 0, 0, 0, 0) // 10.0 kW
	g.Data[6], g.Data[7] = 0xFF, 0xFF
	d.Decode(g)
	if r := s.Get(vss.PowertrainElectricMotorPower); r.Num != 10 {
		t.Errorf("motor power %v, want 10", r.Num)
	}
	if st := d.Stats(); st.Short != 0 || st.Invalid != 0 {
		t.Errorf("stats %+v", st)
	}
}
