package vehicle

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

const (
	assetsDir   = "../../assets"
	demoDir     = assetsDir + "/vehicles/fascia-demo"
	civicDir    = assetsDir + "/vehicles/honda-civic"
	gmDir       = assetsDir + "/vehicles/gm-global-a"
	sharedLogs  = "../../../shared/data/can/logs/"
	civicLog    = sharedLogs + "eldominio_honda_civic2019typer_turnonanddrive.log"
	camaroLog   = sharedLogs + "eldominio_chevrolet_camaro_engineon.log"
	demoDBCFile = demoDir + "/fascia_demo.dbc"
)

func loadDemo(t testing.TB) *Profile {
	t.Helper()
	p, err := LoadProfile(demoDir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// loadMapping loads a profile made of the demo DBC and the given mapping.
func loadMapping(t testing.TB, mapping string) (*Profile, error) {
	t.Helper()
	data, err := os.ReadFile(demoDBCFile)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"car/mapping.toml":    {Data: []byte(mapping)},
		"car/fascia_demo.dbc": {Data: data},
	}
	return LoadProfileFS(fsys, "car")
}

func TestShippedProfilesLoad(t *testing.T) {
	for _, name := range []string{"fascia-demo", "honda-civic", "gm-global-a"} {
		t.Run(name, func(t *testing.T) {
			p, err := LoadProfile(assetsDir + "/vehicles/" + name)
			if err != nil {
				t.Fatal(err)
			}
			q, err := LoadProfileFS(os.DirFS(assetsDir), "vehicles/"+name)
			if err != nil {
				t.Fatal(err)
			}
			if p.Name == "" || len(p.Mappings) == 0 || len(p.Mappings) != len(q.Mappings) {
				t.Fatalf("%q: %d mappings from the OS, %d from an fs.FS", p.Name, len(p.Mappings), len(q.Mappings))
			}
			for i := range p.Mappings {
				a, b := p.Mappings[i], q.Mappings[i]
				if a.VSS != b.VSS || a.Signal.Name != b.Signal.Name || a.a != b.a || a.b != b.b || a.Timeout != b.Timeout {
					t.Errorf("mapping %d differs between LoadProfile and LoadProfileFS", i)
				}
			}
			for _, w := range p.Warnings {
				t.Logf("warning: %s", w)
			}
			if name == "fascia-demo" && len(p.Warnings) > 0 {
				t.Errorf("our own DBC and mapping have %d warnings", len(p.Warnings))
			}
			for _, w := range q.Warnings {
				if !strings.HasPrefix(w.File, "vehicles/"+name+"/") {
					t.Errorf("a warning from an fs.FS names %q, want the path in the FS", w.File)
				}
			}
		})
	}
}

// TestDemoCoversCatalog checks that the demo car carries every catalog
// signal a car can send: all but the derived Vehicle.IsMoving and the media
// signals the cockpit publishes itself.
func TestDemoCoversCatalog(t *testing.T) {
	p := loadDemo(t)
	mapped := map[vss.ID]bool{}
	for _, m := range p.Mappings {
		mapped[m.VSS] = true
	}
	for _, s := range vss.All() {
		if s.ID == vss.IsMoving || strings.HasPrefix(s.Path, "Vehicle.Cabin.Infotainment.Media.") {
			continue
		}
		if !mapped[s.ID] {
			t.Errorf("%s is not mapped by the demo profile", s.Path)
		}
	}
}

func TestDemoTimeouts(t *testing.T) {
	p := loadDemo(t)
	want := map[vss.ID]time.Duration{
		vss.Speed:                                   60 * time.Millisecond,  // 20 ms cycle
		vss.PowertrainCombustionEngineSpeed:         30 * time.Millisecond,  // 10 ms
		vss.CabinDoorRow1DriverSideIsOpen:           300 * time.Millisecond, // 100 ms
		vss.TraveledDistance:                        3 * time.Second,        // 1 s
		vss.ChassisAxleRow1WheelLeftTirePressure:    3 * time.Second,        // 250 ms × 4 pages
		vss.PowertrainTransmissionSelectedGear:      150 * time.Millisecond, // 50 ms
		vss.OccupantRow1DriverSideIdentifierSubject: 3 * time.Second,        // 1 s, extended ID
	}
	for _, m := range p.Mappings {
		if w, ok := want[m.VSS]; ok && m.Timeout != w {
			t.Errorf("%s: timeout %v, want %v", vss.Get(m.VSS).Path, m.Timeout, w)
		}
	}
	s := NewStore(nil)
	NewDecoder(p, s)
	if got := s.Timeout(vss.Speed); got != 60*time.Millisecond {
		t.Errorf("store timeout of Vehicle.Speed = %v after NewDecoder, want 60ms", got)
	}
	if got := s.Timeout(vss.IsMoving); got != 60*time.Millisecond {
		t.Errorf("derived Vehicle.IsMoving timeout = %v, want that of Vehicle.Speed", got)
	}
}

const mappingHead = "name = \"test car\"\ndbc = \"fascia_demo.dbc\"\n"

func TestMappingErrors(t *testing.T) {
	tests := []struct {
		name    string
		mapping string
		want    []string // every one must appear in the error
	}{
		{
			"unknown VSS path with suggestion",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Sped\"\nsignal = \"VehicleSpeed\"\n",
			[]string{"car/mapping.toml:4: unknown VSS path Vehicle.Sped for DBC signal VehicleSpeed (did you mean Vehicle.Speed?)"},
		},
		{
			"unknown DBC signal in a message",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nmessage = \"VEHICLE_SPEED\"\nsignal = \"VehicleSped\"\n",
			[]string{"car/mapping.toml:5: Vehicle.Speed: DBC signal VehicleSped not in message VEHICLE_SPEED of fascia_demo.dbc (did you mean VehicleSpeed?)"},
		},
		{
			"unknown DBC signal anywhere",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSped\"\n",
			[]string{"car/mapping.toml:5: Vehicle.Speed: DBC signal VehicleSped not in fascia_demo.dbc (did you mean VehicleSpeed?)"},
		},
		{
			"unknown DBC message",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nmessage = \"VEHICLE_SPED\"\nsignal = \"VehicleSpeed\"\n",
			[]string{"car/mapping.toml:5: Vehicle.Speed: DBC message VEHICLE_SPED not in fascia_demo.dbc (did you mean VEHICLE_SPEED?)"},
		},
		{
			"unit of another dimension",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\nunit = \"Celsius\"\n",
			[]string{"car/mapping.toml:6: Vehicle.Speed: unit Celsius: cannot convert Celsius (temperature) to km/h (speed)"},
		},
		{
			"unknown unit",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\nunit = \"furlong/fortnight\"\n",
			[]string{"car/mapping.toml:6: Vehicle.Speed: unknown unit \"furlong/fortnight\" (known: "},
		},
		{
			"unit on a unitless signal",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Diagnostics.DTCCount\"\nsignal = \"DTCCount\"\nunit = \"km\"\n",
			[]string{"car/mapping.toml:6: Vehicle.Diagnostics.DTCCount: Vehicle.Diagnostics.DTCCount has no unit: remove unit \"km\""},
		},
		{
			"DBC unit that cannot convert",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"CoolantTemp\"\n",
			[]string{"car/mapping.toml:5: Vehicle.Speed: DBC TEMPERATURES.CoolantTemp has unit \"C\": cannot convert Celsius (temperature) to km/h (speed); set unit"},
		},
		{
			"enum value of the wrong type",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Transmission.SelectedGear\"\nsignal = \"GearSelector\"\nvalues = { P = \"park\" }\n",
			[]string{"car/mapping.toml:6: Vehicle.Powertrain.Transmission.SelectedGear: values.P = \"park\": Vehicle.Powertrain.Transmission.SelectedGear is int8: use a number"},
		},
		{
			"enum value out of the VSS range",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Transmission.SelectedGear\"\nsignal = \"GearSelector\"\nvalues = { P = 200 }\n",
			[]string{"values.P = 200: outside the range -128..127 of Vehicle.Powertrain.Transmission.SelectedGear"},
		},
		{
			"enum string not allowed by VSS",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Type\"\nsignal = \"PowertrainType\"\nvalues = { ICE = \"DIESEL\" }\n",
			[]string{"values.ICE = \"DIESEL\": not an allowed value of Vehicle.Powertrain.Type (COMBUSTION, HYBRID, ELECTRIC)"},
		},
		{
			"enum key that is not in the VAL_ table",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Transmission.SelectedGear\"\nsignal = \"GearSelector\"\nvalues = { Q = 1 }\n",
			[]string{"values.Q: not an integer nor a name of the VAL_ table of GearSelector (D, N, P, R, SNA)"},
		},
		{
			"enum number for a boolean",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Cabin.Seat.Row1.DriverSide.IsBelted\"\nsignal = \"BeltDriver\"\nvalues = { Buckled = 1 }\n",
			[]string{"values.Buckled = 1: Vehicle.Cabin.Seat.Row1.DriverSide.IsBelted is boolean: use true or false"},
		},
		{
			"enum raw value beyond the signal's bits",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Transmission.SelectedGear\"\nsignal = \"GearSelector\"\nvalues = { 16 = 1 }\n",
			[]string{"values.16: raw value 16 does not fit the 4-bit DBC signal GearSelector (0..15)"},
		},
		{
			"enum name and number for the same raw value",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Transmission.SelectedGear\"\nsignal = \"GearSelector\"\nvalues = { P = 126, 0 = 0 }\n",
			[]string{"values.P and values.0 both stand for raw value 0"},
		},
		{
			"unknown key in a signal",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\nscael = 2.0\n",
			[]string{"car/mapping.toml:6: unknown key signal.scael"},
		},
		{
			"unknown key in the second signal",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\n\n[[signal]]\nvss = \"Vehicle.Powertrain.CombustionEngine.Speed\"\nsignal = \"EngineSpeed\"\nmesage = \"ENGINE_1\"\n",
			[]string{"car/mapping.toml:10: unknown key signal.mesage"},
		},
		{
			"unknown top-level key and table",
			"name = \"x\"\ndbc = \"fascia_demo.dbc\"\nmodel = \"y\"\n[extra]\nkey = 1\n[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\n",
			[]string{"car/mapping.toml:3: unknown key model", "car/mapping.toml:4: unknown key extra"},
		},
		{
			"a VSS signal mapped twice",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\n[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"AverageSpeed\"\n",
			[]string{"car/mapping.toml:7: Vehicle.Speed: already mapped at line 3; a VSS signal takes one source"},
		},
		{
			"a string signal without values",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Type\"\nsignal = \"PowertrainType\"\n",
			[]string{"car/mapping.toml:4: Vehicle.Powertrain.Type: Vehicle.Powertrain.Type is a string signal: map DBC DIAGNOSTICS.PowertrainType with a values table"},
		},
		{
			"values with a scale",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Transmission.SelectedGear\"\nsignal = \"GearSelector\"\nscale = 2.0\nvalues = { P = 126 }\n",
			[]string{"car/mapping.toml:7: Vehicle.Powertrain.Transmission.SelectedGear: a values table replaces unit, scale and offset: remove them"},
		},
		{
			"values that are not a table",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Transmission.SelectedGear\"\nsignal = \"GearSelector\"\nvalues = [1, 2]\n",
			[]string{"car/mapping.toml:6: Vehicle.Powertrain.Transmission.SelectedGear: values must be a table such as { P = 126, D = 127 }, not an array"},
		},
		{
			"bad timeout",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\ntimeout = \"soon\"\n",
			[]string{"car/mapping.toml:6: Vehicle.Speed: timeout \"soon\": not a duration such as \"500ms\""},
		},
		{
			"wrong type",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\nscale = \"x\"\n",
			[]string{"car/mapping.toml:6: key signal.scale: incompatible types: TOML value has type string; destination has type float"},
		},
		{
			"zero scale",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\nscale = 0\n",
			[]string{"car/mapping.toml:6: Vehicle.Speed: scale must be a non-zero number"},
		},
		{
			"syntax error",
			mappingHead + "[[signal]\nvss = \"Vehicle.Speed\"\n",
			[]string{"car/mapping.toml:3: expected end of table array name delimiter ']'"},
		},
		{
			"boolean with a unit",
			mappingHead + "[[signal]]\nvss = \"Vehicle.OBD.Status.IsMILOn\"\nsignal = \"MILOn\"\nunit = \"V\"\n",
			[]string{"car/mapping.toml:6: Vehicle.OBD.Status.IsMILOn: Vehicle.OBD.Status.IsMILOn is boolean (non-zero is true): unit, scale and offset do not apply"},
		},
		{
			"missing keys",
			"name = \"\"\n[[signal]]\nvss = \"Vehicle.Speed\"\n",
			[]string{"car/mapping.toml:1: missing or empty key name", "car/mapping.toml: missing or empty key dbc", "car/mapping.toml:2: [[signal]] Vehicle.Speed without signal"},
		},
		{
			"dbc outside the folder",
			"name = \"x\"\ndbc = \"../other/x.dbc\"\n[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\n",
			[]string{"car/mapping.toml:2: dbc \"../other/x.dbc\" must name a file in the profile's folder"},
		},
		{
			"missing DBC file",
			"name = \"x\"\ndbc = \"nothere.dbc\"\n[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\n",
			[]string{"car/mapping.toml:2: dbc: open car/nothere.dbc: file does not exist"},
		},
		{
			"several problems at once",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Sped\"\nsignal = \"VehicleSpeed\"\n[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"Nope\"\n",
			[]string{"car/mapping.toml:4: unknown VSS path Vehicle.Sped", "car/mapping.toml:8: Vehicle.Speed: DBC signal Nope not in fascia_demo.dbc"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := loadMapping(t, tc.mapping)
			if err == nil {
				t.Fatalf("loaded %d mappings, want an error", len(p.Mappings))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

func TestMappingWarnings(t *testing.T) {
	p, err := loadMapping(t, mappingHead+
		"[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\nunit = \"mph\"\n"+
		"[[signal]]\nvss = \"Vehicle.Chassis.Axle.Row1.Wheel.Left.Tire.Pressure\"\nsignal = \"TirePressureFL\"\n")
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, w := range p.Warnings {
		msgs = append(msgs, w.String())
	}
	want := "car/mapping.toml:6: Vehicle.Speed: unit mph overrides the unit \"km/h\" that the DBC gives DBC VEHICLE_SPEED.VehicleSpeed"
	if !slices.Contains(msgs, want) {
		t.Errorf("warnings %q lack %q", msgs, want)
	}
	// The DBC's "bar" converts to VSS kPa without a unit key.
	if a := p.Mappings[1].a; a != 2 {
		t.Errorf("bar → kPa: factor %v, want 0.02 bar × 100 = 2 kPa per raw step", a)
	}
}

func TestMappingValuesByNumberAndName(t *testing.T) {
	p, err := loadMapping(t, mappingHead+
		"[[signal]]\nvss = \"Vehicle.Powertrain.Transmission.SelectedGear\"\nsignal = \"GearSelector\"\nvalues = { P = 126, 1 = -1, \"0x2\" = 0, D = 127 }\n")
	if err != nil {
		t.Fatal(err)
	}
	got := p.Mappings[0].Values
	want := []EnumValue{{0, Value{Num: 126}}, {1, Value{Num: -1}}, {2, Value{Num: 0}}, {3, Value{Num: 127}}}
	if !slices.Equal(got, want) {
		t.Errorf("values = %v, want %v", got, want)
	}
}

func TestUnitConversions(t *testing.T) {
	tests := []struct {
		from, to string
		x, want  float64
	}{
		{"mph", "km/h", 100, 160.9344},
		{"m/s", "km/h", 10, 36},
		{"Fahrenheit", "Celsius", 212, 100},
		{"F", "Celsius", 32, 0},
		{"K", "Celsius", 273.15, 0},
		{"psi", "kPa", 32, 220.63223338138756},
		{"bar", "kPa", 2.5, 250},
		{"mi", "m", 1, 1609.344},
		{"km", "m", 1.5, 1500},
		{"mV", "V", 12600, 12.6},
		{"ratio", "percent", 0.42, 42},
		{"%", "percent", 42, 42},
		{"rad", "degrees", 3.141592653589793, 180},
		{"gal", "l", 1, 3.785411784},
		{"W", "kW", 1500, 1.5},
		{"kph", "km/h", 50, 50},
		{"deg", "degrees", 12, 12},
		{"RPM", "rpm", 800, 800},
		{"min", "s", 2, 120},
	}
	for _, tc := range tests {
		f, ok1 := lookupUnit(tc.from)
		to, ok2 := lookupUnit(tc.to)
		if !ok1 || !ok2 {
			t.Errorf("%s or %s unknown", tc.from, tc.to)
			continue
		}
		a, b, err := conversion(f, to)
		if err != nil {
			t.Errorf("%s → %s: %v", tc.from, tc.to, err)
			continue
		}
		if got := tc.x*a + b; !near(got, tc.want, 1e-9) {
			t.Errorf("%v %s = %v %s, want %v", tc.x, tc.from, got, tc.to, tc.want)
		}
	}
	c, _ := lookupUnit("Celsius")
	kmh, _ := lookupUnit("km/h")
	if _, _, err := conversion(c, kmh); err == nil {
		t.Error("Celsius converted to km/h")
	}
}

func near(a, b, tol float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	s := max(1, abs(a), abs(b))
	return d <= tol*s
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
