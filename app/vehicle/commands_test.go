package vehicle

import (
	"strings"
	"testing"

	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

// The demo's two climate entries with their commands, for the error cases.
const (
	tempEntry = "[[signal]]\nvss = \"Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature\"\nsignal = \"DriverSetTemp\"\n"
	acEntry   = "[[signal]]\nvss = \"Vehicle.Cabin.HVAC.IsAirConditioningActive\"\nsignal = \"ACActive\"\n"
)

func TestDemoCommands(t *testing.T) {
	p := loadDemo(t)
	if len(p.Commands) != 2 {
		t.Fatalf("demo profile has %d commands, want 2", len(p.Commands))
	}
	want := map[vss.ID]string{
		vss.CabinHVACStationRow1DriverTemperature: "HVAC_TEMP_REQUEST.DriverTempRequest",
		vss.CabinHVACIsAirConditioningActive:      "HVAC_AC_REQUEST.ACRequest",
	}
	for _, m := range p.Commands {
		if got := m.Message.Name + "." + m.Signal.Name; got != want[m.VSS] {
			t.Errorf("%s commanded by %s, want %s", vss.Get(m.VSS).Path, got, want[m.VSS])
		}
		for _, s := range p.Mappings {
			if s.Message == m.Message {
				t.Errorf("command message %s is also a status message", m.Message.Name)
			}
		}
	}
	// The status decoder does not read command messages: they are not in
	// the encoder the simulator sends from either.
	for _, em := range NewEncoder(p).Messages() {
		if strings.HasPrefix(em.Name, "HVAC_") {
			t.Errorf("status encoder sends command message %s", em.Name)
		}
	}
	for _, name := range []string{"honda-civic", "gm-global-a"} {
		q, err := LoadProfile(assetsDir + "/vehicles/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if len(q.Commands) != 0 || len(NewCommands(q).IDs()) != 0 {
			t.Errorf("%s has commands", name)
		}
	}
}

func TestCommandErrors(t *testing.T) {
	tests := []struct {
		name    string
		mapping string
		want    string
	}{
		{
			"unknown command signal",
			mappingHead + tempEntry + "command = \"DriverTempReqest\"\n",
			"car/mapping.toml:6: Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature: command DriverTempReqest: DBC signal DriverTempReqest not in fascia_demo.dbc (did you mean DriverTempRequest?)",
		},
		{
			"unknown command message",
			mappingHead + tempEntry + "command = \"HVAC_TEMP_REQEST.DriverTempRequest\"\n",
			"car/mapping.toml:6: Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature: command HVAC_TEMP_REQEST.DriverTempRequest: DBC message HVAC_TEMP_REQEST not in fascia_demo.dbc (did you mean HVAC_TEMP_REQUEST",
		},
		{
			"signal not in the named message",
			mappingHead + tempEntry + "command = \"HVAC_AC_REQUEST.DriverTempRequest\"\n",
			"car/mapping.toml:6: Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature: command HVAC_AC_REQUEST.DriverTempRequest: DBC signal DriverTempRequest not in message HVAC_AC_REQUEST of fascia_demo.dbc",
		},
		{
			"command on a sensor",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Speed\"\nsignal = \"VehicleSpeed\"\ncommand = \"DriverTempRequest\"\n",
			"car/mapping.toml:6: Vehicle.Speed: command DriverTempRequest: Vehicle.Speed is a VSS sensor, not an actuator: only actuators take a command",
		},
		{
			"command on an attribute",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Type\"\nsignal = \"PowertrainType\"\nvalues = { ICE = \"COMBUSTION\" }\ncommand = \"ACRequest\"\n",
			"car/mapping.toml:7: Vehicle.Powertrain.Type: command ACRequest: Vehicle.Powertrain.Type is a VSS attribute, not an actuator",
		},
		{
			"command in a status message",
			mappingHead + tempEntry + "command = \"CLIMATE.PassengerSetTemp\"\n",
			"car/mapping.toml:6: Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature: command CLIMATE.PassengerSetTemp: message CLIMATE is mapped as a status message (line 3): a command must have a message of its own",
		},
		{
			"status mapped from a command message",
			mappingHead + tempEntry + "command = \"DriverTempRequest\"\n" +
				"[[signal]]\nvss = \"Vehicle.Cabin.HVAC.IsAirConditioningActive\"\nsignal = \"DriverTempRequest\"\n",
			"car/mapping.toml:6: Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature: command DriverTempRequest: message HVAC_TEMP_REQUEST is mapped as a status message (line 7)",
		},
		{
			"two commands in one message",
			mappingHead + tempEntry + "command = \"DriverTempRequest\"\n" + acEntry + "command = \"HVAC_TEMP_REQUEST.DriverTempRequest\"\n",
			"car/mapping.toml:10: Vehicle.Cabin.HVAC.IsAirConditioningActive: command HVAC_TEMP_REQUEST.DriverTempRequest: message HVAC_TEMP_REQUEST already carries the command of Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature (line 3): each command message carries one actuator",
		},
		{
			"multiplexed command signal",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed\"\nsignal = \"FanSpeed\"\ncommand = \"TireTempFL\"\n",
			"car/mapping.toml:6: Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed: command TireTempFL: DBC TPMS_STATUS.TireTempFL is multiplexed: a command signal must be a plain signal",
		},
		{
			"empty command",
			mappingHead + tempEntry + "command = \"\"\n",
			"car/mapping.toml:6: Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature: empty command",
		},
		{
			"malformed command",
			mappingHead + tempEntry + "command = \"A.B.C\"\n",
			"car/mapping.toml:6: Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature: command \"A.B.C\": want SIGNAL or MESSAGE.SIGNAL",
		},
		{
			"command of the wrong type",
			mappingHead + tempEntry + "command = 3\n",
			"car/mapping.toml:6: key signal.command: incompatible types",
		},
		{
			"values table the command signal cannot hold",
			mappingHead + "[[signal]]\nvss = \"Vehicle.Powertrain.Transmission.SelectedGear\"\nsignal = \"GearSelector\"\nvalues = { P = 126, D = 127 }\ncommand = \"ACRequest\"\n",
			"car/mapping.toml:6: Vehicle.Powertrain.Transmission.SelectedGear: command ACRequest: values.P: not an integer, and DBC signal ACRequest has no VAL_ table",
		},
		{
			"unit the command signal cannot convert",
			mappingHead + tempEntry + "command = \"VehicleSpeed\"\n",
			"car/mapping.toml:6: Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature: command VehicleSpeed: DBC VEHICLE_SPEED.VehicleSpeed has unit \"km/h\": cannot convert km/h (speed) to Celsius (temperature); set unit",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := loadMapping(t, tc.mapping)
			if err == nil {
				t.Fatalf("loaded %d commands, want an error", len(p.Commands))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n%v\ndoes not contain\n%s", err, tc.want)
			}
		})
	}
}

func TestCommandUnitScaleValues(t *testing.T) {
	// The entry's unit, scale and values apply to the command signal too:
	// a mapping in Fahrenheit sends Fahrenheit.
	p, err := loadMapping(t, mappingHead+tempEntry+"unit = \"Celsius\"\ncommand = \"DriverTempRequest\"\n"+
		acEntry+"values = { 1 = true }\ncommand = \"ACRequest\"\n")
	if err != nil {
		t.Fatal(err)
	}
	c := NewCommands(p)
	var f can.Frame
	if err := c.Encode(vss.CabinHVACIsAirConditioningActive, BoolValue(true), &f); err != nil {
		t.Fatal(err)
	}
	if f.ID != 770 || f.Len != 1 || f.Data[0] != 1 {
		t.Errorf("AC on: %s", &f)
	}
	if err := c.Encode(vss.CabinHVACIsAirConditioningActive, BoolValue(false), &f); err == nil || !strings.Contains(err.Error(), "Vehicle.Cabin.HVAC.IsAirConditioningActive: false is not a value the command DBC HVAC_AC_REQUEST.ACRequest can send (true)") {
		t.Errorf("AC off without a table entry: %v", err)
	}
	if err := c.Encode(vss.CabinHVACIsAirConditioningActive, Value{Num: 2}, &f); err == nil || !strings.Contains(err.Error(), "is boolean: 2 is neither true nor false") {
		t.Errorf("AC = 2: %v", err)
	}
	if err := c.Encode(vss.CabinHVACStationRow1DriverTemperature, Value{Num: 20}, &f); err != nil || f.String() != "301#0A" {
		t.Errorf("20 Celsius: %s %v", &f, err)
	}
}

func TestCommandEncodeDecode(t *testing.T) {
	c := NewCommands(loadDemo(t))
	if ids := c.IDs(); len(ids) != 2 || !c.Has(vss.CabinHVACStationRow1DriverTemperature) || c.Has(vss.Speed) {
		t.Fatalf("IDs %v", ids)
	}
	if lo, hi, ok := c.Limits(vss.CabinHVACStationRow1DriverTemperature); !ok || lo != 16 || hi != 30 {
		t.Errorf("temperature limits %v..%v %v, want the DBC's 16..30", lo, hi, ok)
	}
	for _, tc := range []struct {
		id   vss.ID
		v    Value
		want string // the frame in candump notation
	}{
		{vss.CabinHVACStationRow1DriverTemperature, Value{Num: 19}, "301#08"},   // (19-15)/0.5
		{vss.CabinHVACStationRow1DriverTemperature, Value{Num: 21.5}, "301#0D"}, // 13
		{vss.CabinHVACStationRow1DriverTemperature, Value{Num: 16}, "301#02"},
		{vss.CabinHVACStationRow1DriverTemperature, Value{Num: 30}, "301#1E"},
		{vss.CabinHVACIsAirConditioningActive, BoolValue(true), "302#01"},
		{vss.CabinHVACIsAirConditioningActive, BoolValue(false), "302#00"},
	} {
		var f can.Frame
		if err := c.Encode(tc.id, tc.v, &f); err != nil {
			t.Fatal(err)
		}
		if got := f.String(); got != tc.want {
			t.Errorf("%s = %v: frame %s, want %s", vss.Get(tc.id).Path, tc.v, got, tc.want)
		}
		id, v, ok := c.Decode(&f)
		if !ok || id != tc.id || v != tc.v {
			t.Errorf("decoded %s back as %d %v %v", &f, id, v, ok)
		}
	}
	for _, tc := range []struct {
		id   vss.ID
		v    Value
		want string
	}{
		{vss.CabinHVACStationRow1DriverTemperature, Value{Num: 31}, "Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature: 31 Celsius is outside the limits 16..30 Celsius of DBC HVAC_TEMP_REQUEST.DriverTempRequest"},
		{vss.CabinHVACStationRow1DriverTemperature, Value{Num: 15.5}, "outside the limits 16..30"},
		{vss.CabinHVACStationRow1DriverTemperature, Value{Num: nan()}, "needs a finite number"},
		{vss.CabinHVACIsAirConditioningActive, Value{Num: 0.5}, "is boolean: 0.5 is neither true nor false"},
		{vss.Speed, Value{Num: 1}, "the vehicle profile declares no command for Vehicle.Speed"},
		{vss.CabinHVACStationRow1PassengerTemperature, Value{Num: 20}, "no command for Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature"},
	} {
		f := can.Frame{ID: 0x7AB}
		err := c.Encode(tc.id, tc.v, &f)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s = %v: error %v, want %q", vss.Get(tc.id).Path, tc.v, err, tc.want)
		}
		if f.ID != 0x7AB {
			t.Errorf("a refused command changed the frame: %s", &f)
		}
	}
	// Frames that are no command.
	for _, f := range []can.Frame{
		{ID: 0x300, Len: 4},                 // CLIMATE: a status message
		{ID: 0x301, Len: 0},                 // too short
		{ID: 0x301, Len: 1, Remote: true},   // remote
		{ID: 0x301, Len: 1, Extended: true}, // another ID
	} {
		if id, v, ok := c.Decode(&f); ok {
			t.Errorf("%s decoded as command %d = %v", &f, id, v)
		}
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}
