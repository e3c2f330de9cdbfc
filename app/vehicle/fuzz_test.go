package vehicle

import (
	"os"
	"sync"
	"testing"

	"github.com/fascia-hmi/fascia/app/vehicle/dbc"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

var fuzzSetup = sync.OnceValues(func() (*Profile, *dbc.Database) {
	p, err := LoadProfile(demoDir)
	if err != nil {
		panic(err)
	}
	civic, err := dbc.Load(civicDir + "/honda_civic_hatchback_ex_2017_can_generated.dbc")
	if err != nil {
		panic(err)
	}
	return p, civic
})

// FuzzDecode sends arbitrary frames (IDs, flags, lengths, payloads) through
// the demo profile's decoder and raw decoders of the demo and Civic DBCs,
// plus the multiplexed test DBC. Nothing may panic, and the counts add up.
func FuzzDecode(f *testing.F) {
	f.Add(uint32(0x104), false, false, uint8(8), []byte{0x39, 0x30, 0x10, 1, 0, 0, 0, 0})
	f.Add(uint32(0x3A0), false, false, uint8(3), []byte{0x02, 110, 70})
	f.Add(uint32(0x18FF4A17), true, false, uint8(2), []byte{0x02, 0x10})
	f.Add(uint32(0x300), false, false, uint8(8), []byte{0x03, 0, 0, 6, 0xFF, 0x85, 0, 4})
	f.Add(uint32(0x310), false, true, uint8(12), []byte{0, 0, 0xC0, 0x7F, 0, 0, 0, 0, 0, 0, 0xF8, 0x7F})
	f.Add(uint32(0x158), false, false, uint8(8), []byte{0x03, 0x7A, 0x05, 0xDC, 0, 0, 0, 0})
	f.Add(uint32(0x7FF), false, false, uint8(0), []byte{})
	f.Add(uint32(0xFFFFFFFF), true, true, uint8(255), make([]byte, 70))
	mux := testProfileFuzz(f)
	p, civic := fuzzSetup()
	s := NewStore(nil)
	d := NewDecoder(p, s)
	dm := NewDecoder(mux, s)
	raws := []*RawDecoder{NewRawDecoder(p.DB), NewRawDecoder(civic), NewRawDecoder(mux.DB)}
	var n uint64
	f.Fuzz(func(t *testing.T, id uint32, ext, remote bool, length uint8, data []byte) {
		fr := can.Frame{ID: id, Extended: ext, Remote: remote, Len: length, FD: length > 8}
		copy(fr.Data[:], data)
		d.Decode(&fr)
		dm.Decode(&fr)
		for _, r := range raws {
			r.Decode(&fr, func(m *dbc.Message, s *dbc.Signal, x float64) {
				if x-x != 0 {
					t.Fatalf("%s.%s: non-finite %v", m.Name, s.Name, x)
				}
			})
		}
		n++
		if st := d.Stats(); st.Frames != n || st.Decoded+st.Unknown+st.Remote != n {
			t.Fatalf("after %d frames: %+v", n, st)
		}
		for _, id := range []vss.ID{vss.Speed, vss.CurrentLocationLatitude, vss.ChassisSteeringWheelAngle} {
			r := s.Get(id)
			if lo, hi := vss.Get(id).Limits(); r.State != NoData && (r.Num < lo || r.Num > hi || r.Num-r.Num != 0) {
				t.Fatalf("%s = %v outside %v..%v", vss.Get(id).Path, r.Num, lo, hi)
			}
		}
	})
}

func testProfileFuzz(f *testing.F) *Profile {
	mf, err := parseMapping("test.toml", []byte(muxMapping))
	if err != nil {
		f.Fatal(err)
	}
	p, err := resolveProfile(mf, muxDB())
	if err != nil {
		f.Fatal(err)
	}
	return p
}

// FuzzMapping parses arbitrary mapping files and resolves them against the
// demo DBC. Nothing may panic; a mapping that loads must compile into a
// decoder and an encoder that round-trip without panicking.
func FuzzMapping(f *testing.F) {
	for _, dir := range []string{demoDir, civicDir, gmDir} {
		data, err := os.ReadFile(dir + "/" + MappingFile)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Transmission.SelectedGear\"\nsignal = \"GearSelector\"\nvalues = { P = 126, 1 = -1, \"0x2\" = 0, D = 127 }\n"))
	f.Add([]byte(mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\nunit = \"mph\"\nscale = 1.5\noffset = -2\ntimeout = \"1s\"\n"))
	f.Add([]byte("name = \"x\"\ndbc = \"fascia_demo.dbc\"\n[[signal]]\nvss = '''Vehicle.Speed'''\nsignal = \"\"\"\nVehicleSpeed\"\"\"\n[x]\ny = [1, {a = 2}]\n"))
	f.Add([]byte(mappingHead + tempEntry + "command = \"HVAC_TEMP_REQUEST.DriverTempRequest\"\n" + acEntry + "command = \"ACRequest\"\n"))
	f.Add([]byte(mappingHead + tempEntry + "unit = \"Fahrenheit\"\nscale = 2\ncommand = \"DriverTempRequest\"\n" + acEntry + "values = { 1 = true, 0 = false }\ncommand = 'HVAC_AC_REQUEST.ACRequest'\n"))
	f.Add([]byte(mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Transmission.SelectedGear\"\nsignal = \"CurrentGear\"\ncommand = \"GearSelector\"\n"))
	p, _ := fuzzSetup()
	db := p.DB
	f.Fuzz(func(t *testing.T, data []byte) {
		mf, err := parseMapping("fuzz.toml", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		q, err := resolveProfile(mf, db)
		if err != nil {
			return
		}
		s := NewStore(nil)
		d := NewDecoder(q, s)
		enc := NewEncoder(q)
		var fr can.Frame
		get := func(id vss.ID) (Value, bool) { return Value{Num: 1, Str: "x"}, true }
		for i := range enc.Messages() {
			enc.Encode(i, get, &fr)
			d.Decode(&fr)
		}
		cmds := NewCommands(q)
		for _, id := range cmds.IDs() {
			for _, v := range []Value{{Num: 1}, {}, {Num: 21.5}, {Num: -3}, {Num: 1e300}, {Str: "x"}} {
				if err := cmds.Encode(id, v, &fr); err != nil {
					if err.Error() == "" {
						t.Fatal("empty error")
					}
					continue
				}
				if got, _, ok := cmds.Decode(&fr); ok && got != id {
					t.Fatalf("command for %d decoded as %d", id, got)
				}
				d.Decode(&fr)
			}
		}
	})
}
