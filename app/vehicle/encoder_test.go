package vehicle

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

// testValues returns values of mapping m to send: every table entry, both
// booleans, or numbers across the range the DBC signal can carry (within
// the VSS limits; integers for integer VSS types).
func testValues(m *Mapping, rng *rand.Rand) []Value {
	switch m.kind {
	case convEnum:
		out := make([]Value, len(m.Values))
		for i, e := range m.Values {
			out[i] = e.Value
		}
		return out
	case convBool:
		return []Value{{Num: 1}, {Num: 0}, {Num: 1}}
	}
	rlo, rhi := m.fld.rawRange()
	lo, hi := rlo*m.a+m.b, rhi*m.a+m.b
	if lo > hi {
		lo, hi = hi, lo
	}
	vs := vss.Get(m.VSS)
	vlo, vhi := vs.Limits()
	// Where a VSS limit cuts the DBC range, stay one DBC step inside it: the
	// encoder keeps values within the limits, so a value between the last
	// step and the limit comes back up to a step away.
	if vlo > lo {
		lo = vlo + math.Abs(m.a)
	}
	if vhi < hi {
		hi = vhi - math.Abs(m.a)
	}
	if vs.Datatype.IsInteger() {
		lo, hi = math.Ceil(lo), math.Floor(hi)
	}
	xs := []float64{lo, hi, (lo + hi) / 2}
	for i := 0; i < 8; i++ {
		xs = append(xs, lo+rng.Float64()*(hi-lo))
	}
	out := make([]Value, len(xs))
	for i, x := range xs {
		if vs.Datatype.IsInteger() {
			x = math.Round(x)
		}
		out[i] = Value{Num: x}
	}
	return out
}

// tolerance is how far a decoded value may be from the one sent: half the
// DBC resolution in VSS units, or half an integer step for integer types.
func tolerance(m *Mapping, x float64) float64 {
	tol := math.Abs(m.a) / 2
	if vss.Get(m.VSS).Datatype.IsInteger() {
		tol = max(tol, 0.5)
	}
	return tol + 1e-9*math.Abs(x)
}

// TestDemoRoundTrip encodes every mapped signal of the demo profile, all
// signals of a message at once with changing values, decodes the frames
// and checks each VSS value comes back within the DBC resolution.
func TestDemoRoundTrip(t *testing.T) {
	p := loadDemo(t)
	enc := NewEncoder(p)
	rng := rand.New(rand.NewPCG(7, 8))
	byID := map[vss.ID]*Mapping{}
	for i := range p.Mappings {
		byID[p.Mappings[i].VSS] = &p.Mappings[i]
	}
	covered := map[vss.ID]int{}
	var f can.Frame
	for _, em := range enc.Messages() {
		// One round per test value of the message's signals.
		vals := map[vss.ID][]Value{}
		rounds := 0
		for _, id := range em.IDs {
			vals[id] = testValues(byID[id], rng)
			rounds = max(rounds, len(vals[id]))
		}
		for r := 0; r < rounds; r++ {
			want := map[vss.ID]Value{}
			for _, id := range em.IDs {
				want[id] = vals[id][r%len(vals[id])]
			}
			enc.Encode(em.Index, func(id vss.ID) (Value, bool) { v, ok := want[id]; return v, ok }, &f)
			if err := f.Validate(); err != nil {
				t.Fatalf("%s: invalid frame: %v", em.Name, err)
			}
			if f.ID != em.ID || f.Extended != em.Extended || int(f.Len) != em.Size {
				t.Fatalf("%s: frame %s does not match %+v", em.Name, f.String(), em)
			}
			f.Time = time.Unix(100, 0)
			s := NewStore(func() time.Time { return time.Unix(100, 0) })
			d := NewDecoder(p, s)
			d.Decode(&f)
			for _, id := range em.IDs {
				got, w, m := s.Get(id), want[id], byID[id]
				switch {
				case got.State != Live:
					t.Errorf("%s %s: %s not decoded from %s", em.Name, em.Mux, vss.Get(id).Path, f.String())
				case got.Str != w.Str:
					t.Errorf("%s: sent %q, decoded %q", vss.Get(id).Path, w.Str, got.Str)
				case math.Abs(got.Num-w.Num) > tolerance(m, w.Num):
					t.Errorf("%s: sent %v, decoded %v (tolerance %v) via %s", vss.Get(id).Path, w.Num, got.Num, tolerance(m, w.Num), f.String())
				}
				covered[id]++
			}
			if st := d.Stats(); st.Short+st.Unmapped+st.Invalid != 0 {
				t.Errorf("%s: %+v", em.Name, st)
			}
		}
	}
	for _, m := range p.Mappings {
		if covered[m.VSS] == 0 {
			t.Errorf("%s is mapped but no encoded message carries it", vss.Get(m.VSS).Path)
		}
	}
}

func TestEncoderMessages(t *testing.T) {
	p := loadDemo(t)
	enc := NewEncoder(p)
	var tpms []EncodedMessage
	for i, em := range enc.Messages() {
		if em.Index != i {
			t.Errorf("message %d has index %d", i, em.Index)
		}
		if em.Name == "TPMS_STATUS" {
			tpms = append(tpms, em)
		}
		if em.Name == "VEHICLE_SPEED" && (em.CycleTime != 20*time.Millisecond || em.Size != 8 || !slices.Equal(em.IDs, []vss.ID{vss.Speed, vss.ChassisBrakePedalPosition})) {
			t.Errorf("VEHICLE_SPEED: %+v", em)
		}
		if em.Name == "KEYFOB_ID" && (!em.Extended || em.ID != 0x18FF4A17) {
			t.Errorf("KEYFOB_ID: %+v", em)
		}
	}
	// Multiplexed: one entry per page, each page every 4 × 250 ms.
	if len(tpms) != 4 {
		t.Fatalf("TPMS pages: %+v", tpms)
	}
	wantIDs := []vss.ID{vss.ChassisAxleRow1WheelLeftTirePressure, vss.ChassisAxleRow1WheelRightTirePressure,
		vss.ChassisAxleRow2WheelLeftTirePressure, vss.ChassisAxleRow2WheelRightTirePressure}
	for i, em := range tpms {
		if em.Mux != fmt.Sprintf("TpmsWheel=%d", i) || em.CycleTime != time.Second || !slices.Equal(em.IDs, wantIDs[i:i+1]) {
			t.Errorf("TPMS page %d: %+v", i, em)
		}
		var f can.Frame
		enc.Encode(em.Index, func(vss.ID) (Value, bool) { return Value{Num: 230}, true }, &f)
		if f.Data[0] != byte(i) || f.Data[1] != 115 || f.Data[2] != 0 {
			t.Errorf("TPMS page %d: %s, want switch %d, 115 × 0.02 bar, unmapped temperature raw 0", i, f.String(), i)
		}
	}
}

func TestEncoderDetails(t *testing.T) {
	p := loadDemo(t)
	enc := NewEncoder(p)
	index := func(name string) int {
		for _, em := range enc.Messages() {
			if em.Name == name {
				return em.Index
			}
		}
		t.Fatalf("no message %s", name)
		return -1
	}
	var f can.Frame
	f.Data[7] = 0xAA // stale bytes are cleared
	// Saturation: 1000 km/h does not fit 16 bits × 0.01.
	enc.Encode(index("VEHICLE_SPEED"), func(id vss.ID) (Value, bool) {
		if id == vss.Speed {
			return Value{Num: 1000}, true
		}
		return Value{}, false
	}, &f)
	if got := f.String(); got != "104#FFFF000000000000" {
		t.Errorf("saturated speed: %s, want 104#FFFF000000000000 (brake pedal missing: raw 0; counter and checksum unmapped: raw 0)", got)
	}
	// Negative into an unsigned signal saturates at 0; rounding to the resolution.
	enc.Encode(index("VEHICLE_SPEED"), func(id vss.ID) (Value, bool) {
		if id == vss.Speed {
			return Value{Num: -3}, true
		}
		return Value{Num: 50.1}, true // brake pedal: 50.1 % / 0.4 = 125.25 → 125
	}, &f)
	if got := f.String(); got != "104#00007D0000000000" {
		t.Errorf("%s, want 104#00007D0000000000", got)
	}
	// Enum: the VSS value picks the raw value; an unknown one sends raw 0.
	for _, tc := range []struct {
		gear float64
		want string
	}{{127, "120#03000000"}, {-1, "120#01000000"}, {5, "120#00000000"}} {
		enc.Encode(index("GEAR_STATUS"), func(id vss.ID) (Value, bool) {
			if id == vss.PowertrainTransmissionSelectedGear {
				return Value{Num: tc.gear}, true
			}
			return Value{}, false
		}, &f)
		if got := f.String(); got != tc.want {
			t.Errorf("gear %v: %s, want %s", tc.gear, got, tc.want)
		}
	}
	// The nearest raw value of the uint32 maximum would decode beyond it:
	// the encoder steps back inside the VSS limits.
	enc.Encode(index("ODOMETER"), func(id vss.ID) (Value, bool) { return Value{Num: math.MaxUint32}, true }, &f)
	s := NewStore(nil)
	d := NewDecoder(p, s)
	d.Decode(&f)
	if r := s.Get(vss.TraveledDistance); r.State != Live || r.Num != 4294967200 {
		t.Errorf("odometer at the uint32 limit: %+v from %s, want live 4294967200", r, f.String())
	}
	// Strings.
	enc.Encode(index("DIAGNOSTICS"), func(id vss.ID) (Value, bool) {
		switch id {
		case vss.PowertrainType:
			return Value{Str: "HYBRID"}, true
		case vss.DiagnosticsDTCCount:
			return Value{Num: 3}, true
		}
		return Value{Num: 1}, true
	}, &f)
	if got := f.String(); got != "500#0311" {
		t.Errorf("diagnostics: %s, want 500#0311", got)
	}
}

// TestEncoderSharedSignal: GM's TurnSignals enum feeds Left and Right; the
// encoder sends the raw value consistent with both.
func TestEncoderSharedSignal(t *testing.T) {
	p, err := LoadProfile(gmDir)
	if err != nil {
		t.Fatal(err)
	}
	enc := NewEncoder(p)
	i := slices.IndexFunc(enc.Messages(), func(em EncodedMessage) bool { return em.Name == "BCMTurnSignals" })
	if i < 0 {
		t.Fatal("no BCMTurnSignals")
	}
	for _, tc := range []struct {
		left, right bool
		raw         byte
	}{{false, false, 0}, {true, false, 1}, {false, true, 2}, {true, true, 1}} {
		var f can.Frame
		enc.Encode(i, func(id vss.ID) (Value, bool) {
			switch id {
			case vss.BodyLightsDirectionIndicatorLeftIsSignaling:
				return BoolValue(tc.left), true
			case vss.BodyLightsDirectionIndicatorRightIsSignaling:
				return BoolValue(tc.right), true
			}
			return Value{}, false
		}, &f)
		// TurnSignals : 19|2@0+ → bits 19..18 of byte 2.
		if got := f.Data[2] >> 2 & 3; got != tc.raw {
			t.Errorf("left %v right %v: raw %d, want %d", tc.left, tc.right, got, tc.raw)
		}
	}
}

func TestEncodeAllocatesNothing(t *testing.T) {
	p := loadDemo(t)
	enc := NewEncoder(p)
	vals := [vss.Count + 1]Value{}
	for i := range vals {
		vals[i] = Value{Num: 1, Str: "driver-1"}
	}
	get := func(id vss.ID) (Value, bool) { return vals[id], true }
	var f can.Frame
	n := testing.AllocsPerRun(100, func() {
		for i := range enc.Messages() {
			enc.Encode(i, get, &f)
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}

// TestEncoderExtendedMux: pages of simple and extended multiplexing, with
// the plain signal on every page, decode back.
func TestEncoderExtendedMux(t *testing.T) {
	p := testProfile(t, muxDB(), muxMapping)
	enc := NewEncoder(p)
	var muxed []string
	want := map[vss.ID]Value{
		vss.Speed: {Num: 88.5}, vss.PowertrainCombustionEngineSpeed: {Num: 3000}, vss.ExteriorAirTemperature: {Num: -7.5},
		vss.DiagnosticsDTCCount: {Num: 2}, vss.OccupantRow1DriverSideIdentifierSubject: {Str: "driver-1"},
		vss.LowVoltageBatteryCurrentVoltage: {Num: 13.8}, vss.CabinHVACAmbientAirTemperature: {Num: 19.25},
		vss.CurrentLocationAltitude: {Num: 1234.5},
	}
	get := func(id vss.ID) (Value, bool) { v, ok := want[id]; return v, ok }
	s := NewStore(nil)
	d := NewDecoder(p, s)
	var f can.Frame
	for _, em := range enc.Messages() {
		if em.Name == "MUXED" {
			muxed = append(muxed, em.Mux)
		}
		enc.Encode(em.Index, get, &f)
		d.Decode(&f)
	}
	if !slices.Equal(muxed, []string{"Mode=1", "Mode=2", "Mode=3,Sub=5"}) {
		t.Errorf("pages %q", muxed)
	}
	for id, w := range want {
		r := s.Get(id)
		if r.State != Live || r.Str != w.Str || math.Abs(r.Num-w.Num) > 1e-6 {
			t.Errorf("%s: %+v, want %+v", vss.Get(id).Path, r, w)
		}
	}
	if st := d.Stats(); st.Short+st.Unmapped+st.Invalid != 0 {
		t.Errorf("stats %+v", st)
	}
}
