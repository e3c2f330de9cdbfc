package sim

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

const (
	assetsDir    = "../../assets"
	scenariosDir = assetsDir + "/scenarios"
	routesDir    = assetsDir + "/routes"
)

// The scenarios the cockpit and its tests rely on.
var requiredScenarios = []string{"city", "highway", "parking", "low-fuel", "tyre-slow-leak", "door-open-while-moving", "fault"}

func TestShippedScenariosLoad(t *testing.T) {
	fsys := os.DirFS(scenariosDir)
	names, err := ScenarioNames(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range requiredScenarios {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("scenario %q is not shipped (have %v)", want, names)
		}
	}
	for _, name := range names {
		sc, err := LoadScenario(fsys, name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if sc.Name != name {
			t.Errorf("%s: name = %q, want the file name", name, sc.Name)
		}
		if sc.Description == "" || sc.Duration <= 0 || len(sc.Events) == 0 {
			t.Errorf("%s: description %q, duration %v, %d events", name, sc.Description, sc.Duration, len(sc.Events))
		}
		if _, err := LoadRoute(os.DirFS(routesDir), sc.Route, sc.Seed); err != nil {
			t.Errorf("%s: route: %v", name, err)
		}
	}
}

func TestLoadScenarioNames(t *testing.T) {
	fsys := os.DirFS(scenariosDir)
	a, err := LoadScenario(fsys, "city")
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadScenario(fsys, "city.toml")
	if err != nil {
		t.Fatal(err)
	}
	if a.File != "city.toml" || b.File != "city.toml" {
		t.Errorf("File = %q, %q", a.File, b.File)
	}
	for _, bad := range []string{"../city", "/etc/passwd", "nope"} {
		if _, err := LoadScenario(fsys, bad); err == nil {
			t.Errorf("LoadScenario(%q) succeeded", bad)
		}
	}
}

func TestParseScenario(t *testing.T) {
	src := `
name = "test"
description = "all keys"
seed = 42
duration = "2m"
end = "loop"

[route]
name = "krems"
length_km = 4.5
prefer = "major"

[start]
powertrain = "ELECTRIC"
fuel = 10
soc = 80.5
odometer_km = 100
trip_km = 2
outside_temp = -5
cabin_temp = 3
coolant_temp = 4
tyre_kpa = 250
driver = "driver-3"
gear = "D"
engine = "on"
parking_brake = false
belt = false
lights = "high"
speed = 20
set = { "Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed" = 70 }

[[at]]
t = 1.5
speed = 30
gear = "N"
engine = "off"
parking_brake = true
indicator = "hazard"
lights = "low"
outside_temp = 2
set.'Vehicle.Cabin.Infotainment.Media.Action' = "PLAY"
leak = { tyre = "Row2.Right", kpa_per_min = 3.5 }
dtc = 4
mil = false
fault = ["overheat", "alternator"]
press = ["next", "voice"]
trip_reset = true

[[at]]
t = "1m30s"

[at.set]
"Vehicle.Cabin.Door.Row2.DriverSide.IsOpen" = true
"Vehicle.Occupant.Row1.DriverSide.Identifier.Subject" = "guest"
`
	sc, err := ParseScenario("test.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "test" || sc.Seed != 42 || sc.Duration != 2*time.Minute || sc.End != Loop {
		t.Errorf("header: %+v", sc)
	}
	if sc.Route != (RouteSpec{Name: "krems", MinLength: 4500, Prefer: "major"}) {
		t.Errorf("route: %+v", sc.Route)
	}
	st := sc.Start
	if st.Powertrain != Electric || st.Fuel != 10 || st.SoC != 80.5 || st.OdometerKm != 100 || st.TripKm != 2 ||
		st.OutsideTemp != -5 || st.CabinTemp != 3 || st.CoolantTemp != 4 || st.TyreKPa != 250 || st.Driver != "driver-3" ||
		st.Gear != Drive || !st.Engine || st.ParkingBrake || st.Belt || st.Lights != LightsHigh || st.Speed != 20 {
		t.Errorf("start: %+v", st)
	}
	if len(st.Set) != 1 || st.Set[0].ID != vss.CabinHVACStationRow1DriverFanSpeed || st.Set[0].Value.Num != 70 {
		t.Errorf("start.set: %+v", st.Set)
	}
	if len(sc.Events) != 2 {
		t.Fatalf("%d events", len(sc.Events))
	}
	e := sc.Events[0]
	if e.At != 1500*time.Millisecond || *e.Speed != 30 || *e.Gear != Neutral || *e.Engine || !*e.ParkingBrake ||
		*e.Indicator != IndicatorHazard || *e.Lights != LightsLow || *e.OutsideTemp != 2 || *e.DTC != 4 || *e.MIL ||
		*e.Fault != FaultOverheat|FaultAlternator || !e.TripReset || e.Line != 32 {
		t.Errorf("event 0: %+v", e)
	}
	if *e.Leak != (Leak{Tyre: 3, KPaPerMin: 3.5}) {
		t.Errorf("leak: %+v", *e.Leak)
	}
	if len(e.Press) != 2 || e.Press[0] != vss.ChassisSteeringWheelButtonNextIsPressed || e.Press[1] != vss.ChassisSteeringWheelButtonVoiceIsPressed {
		t.Errorf("press: %v", e.Press)
	}
	if len(e.Set) != 1 || e.Set[0].Value.Str != "PLAY" {
		t.Errorf("set: %+v", e.Set)
	}
	e = sc.Events[1]
	if e.At != 90*time.Second || len(e.Set) != 2 || e.Set[0].ID != vss.CabinDoorRow2DriverSideIsOpen || e.Set[1].Value.Str != "guest" {
		t.Errorf("event 1: %+v", e)
	}
}

func TestParseScenarioDefaults(t *testing.T) {
	sc, err := ParseScenario("dir/min.toml", []byte(`duration = 60`))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "min" || sc.Seed != 1 || sc.End != Hold || sc.Duration != time.Minute || sc.Route.Name != "monaco" ||
		sc.Start.Powertrain != Hybrid || sc.Start.Gear != Park || sc.Start.Engine || !sc.Start.ParkingBrake {
		t.Errorf("defaults: %+v", sc)
	}
}

func TestParseScenarioErrors(t *testing.T) {
	const head = "duration = \"1m\"\n" // line 1
	tests := []struct {
		name string
		src  string
		want []string // substrings of the error
	}{
		{"syntax", head + "speed = = 3\n", []string{"bad.toml:2:"}},
		{"missing duration", "name = \"x\"\n", []string{"bad.toml", "missing duration"}},
		{"unknown top key", head + "sped = 3\n", []string{"bad.toml:2:", "sped", "unknown key"}},
		{"unknown event key", head + "[[at]]\nt = \"1s\"\nsped = 50\n", []string{"bad.toml:4:", "at[0].sped", `did you mean "speed"`}},
		{"unknown start key", head + "[start]\nfule = 3\n", []string{"bad.toml:3:", "start.fule", `"fuel"`}},
		{"bad duration", head + "[[at]]\nt = \"12 parsecs\"\n", []string{"bad.toml:3:", "at[0].t", `bad duration "12 parsecs"`}},
		{"negative duration", "duration = \"-5s\"\n", []string{"bad.toml:1:", "duration"}},
		{"zero duration", "duration = 0\n", []string{"bad.toml:1:", "longer than 0s"}},
		{"duration type", "duration = true\n", []string{"bad.toml:1:", "duration", "want a duration"}},
		{"unknown VSS path", head + "[[at]]\nt = 1\nset = { \"Vehicle.Cabin.Door.Row1.Driver.IsOpen\" = true }\n",
			[]string{"bad.toml:4:", `at[0].set."Vehicle.Cabin.Door.Row1.Driver.IsOpen"`, "unknown VSS path", "Vehicle.Cabin.Door.Row1"}},
		{"wrong type bool", head + "[[at]]\nt = 1\n\nset = { \"Vehicle.Cabin.Door.Row1.DriverSide.IsOpen\" = 3 }\n",
			[]string{"bad.toml:5:", "is a boolean", "got 3"}},
		{"wrong type number", head + "[start]\nset = { \"Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed\" = \"high\" }\n",
			[]string{"bad.toml:3:", "start.set", "is a number", `"high"`}},
		{"integer signal", head + "[start]\nset = { \"Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed\" = 2.5 }\n",
			[]string{"bad.toml:3:", "is an integer"}},
		{"out of range", head + "[start]\nset = { \"Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed\" = 101 }\n",
			[]string{"bad.toml:3:", "outside"}},
		{"enum string", head + "[start]\nset = { \"Vehicle.Cabin.Infotainment.Media.Action\" = \"DANCE\" }\n",
			[]string{"bad.toml:3:", "allows", "DANCE"}},
		{"computed signal", head + "[[at]]\nt = 1\nset = { \"Vehicle.Speed\" = 50 }\n",
			[]string{"bad.toml:4:", "cannot be set", "use speed"}},
		{"computed no key", head + "[[at]]\nt = 1\nset = { \"Vehicle.Powertrain.CombustionEngine.Speed\" = 900 }\n",
			[]string{"bad.toml:4:", "computed by the simulated car"}},
		{"speed type", head + "[[at]]\nt = 1\nspeed = \"fast\"\n", []string{"bad.toml:4:", "at[0].speed", "want a number", `"fast"`}},
		{"speed range", head + "[[at]]\nt = 1\nspeed = 400\n", []string{"bad.toml:4:", "outside [0, 250]"}},
		{"gear", head + "[[at]]\nt = 1\ngear = \"X\"\n", []string{"bad.toml:4:", "at[0].gear", `"P", "R", "N" or "D"`}},
		{"engine", head + "[start]\nengine = true\n", []string{"bad.toml:3:", `"on" or "off"`}},
		{"order", head + "[[at]]\nt = 10\n[[at]]\nt = 5\n", []string{"bad.toml:5:", "at[1].t", "time order"}},
		{"after end", head + "[[at]]\nt = \"2m\"\n", []string{"bad.toml:3:", "after the scenario's duration"}},
		{"missing t", head + "[[at]]\nspeed = 3\n", []string{"bad.toml:2:", "missing t"}},
		{"leak tyre", head + "[[at]]\nt = 1\nleak = { tyre = \"Row3.Left\", kpa_per_min = 1 }\n", []string{"bad.toml:4:", "at[0].leak.tyre", "Row3.Left"}},
		{"leak key", head + "[[at]]\nt = 1\nleak = { tyre = \"Row1.Left\", kpa = 1 }\n", []string{"bad.toml:4:", "at[0].leak.kpa", "unknown key"}},
		{"fault", head + "[[at]]\nt = 1\nfault = \"fire\"\n", []string{"bad.toml:4:", "unknown fault"}},
		{"press", head + "[[at]]\nt = 1\npress = \"horn\"\n", []string{"bad.toml:4:", "unknown button"}},
		{"end", head + "end = \"repeat\"\n", []string{"bad.toml:2:", `"hold" or "loop"`}},
		{"route name", head + "[route]\nname = \"../x\"\n", []string{"bad.toml:3:", "route.name"}},
		{"at not tables", head + "at = 3\n", []string{"bad.toml:2:", "want [[at]] tables"}},
		{"at not all tables", head + "at = [{ t = 1 }, 2]\n", []string{"bad.toml:2:", "want [[at]] tables"}},
		{"inline at", head + "at = [{ t = 1 }, { t = 2, gear = 3 }]\n", []string{"bad.toml:2:", "at[1].gear"}},
		{"start not table", head + "start = 3\n", []string{"bad.toml:2:", "want a table"}},
		{"moving start", head + "[start]\nspeed = 50\n", []string{"bad.toml:3:", "start.speed", "needs gear"}},
		{"seed", head + "seed = -1\n", []string{"bad.toml:2:", "seed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScenario("bad.toml", []byte(tc.src))
			if err == nil {
				t.Fatalf("no error for\n%s", tc.src)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			var se *ScenarioError
			if !errors.As(err, &se) {
				t.Errorf("error %T is not a *ScenarioError", err)
			}
		})
	}
}

func TestParseScenarioReportsAll(t *testing.T) {
	src := "duration = \"1m\"\n[[at]]\nt = 1\nsped = 1\n[[at]]\nt = 2\ngear = \"Q\"\n"
	_, err := ParseScenario("many.toml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "many.toml:4: at[0].sped") || !strings.Contains(msg, "many.toml:7: at[1].gear") {
		t.Errorf("want both problems, got:\n%s", msg)
	}
}

func TestLocator(t *testing.T) {
	src := `# comment
duration = "1m" # trailing
text = """
[[at]]
speed = 3
"""
[route]
name = "x"

[[at]]
t = 1
set = { "A.B" = 1, 'C' = { d = 2 } }
set."E.F" = 3

[[at]]
t = 2
[at.set]
"G.H" = true
`
	l := newLocator(src)
	tests := []struct {
		table string
		idx   int
		path  []string
		want  int
	}{
		{"", -1, []string{"duration"}, 2},
		{"", -1, []string{"text"}, 3},
		{"route", -1, []string{"name"}, 8},
		{"at", 0, nil, 10},
		{"at", 0, []string{"t"}, 11},
		{"at", 0, []string{"set", "A.B"}, 12},
		{"at", 0, []string{"set", "C"}, 12},
		{"at", 0, []string{"set", "E.F"}, 13},
		{"at", 1, []string{"t"}, 16},
		{"at", 1, []string{"set", "G.H"}, 18},
		{"at", 1, []string{"speed"}, 15}, // unknown: the entry's header
		{"at", 5, []string{"t"}, 0},
	}
	for _, tc := range tests {
		if got := l.line(tc.table, tc.idx, tc.path...); got != tc.want {
			t.Errorf("line(%q, %d, %q) = %d, want %d", tc.table, tc.idx, tc.path, got, tc.want)
		}
	}
}

func FuzzParseScenario(f *testing.F) {
	for _, name := range requiredScenarios {
		data, err := os.ReadFile(scenariosDir + "/" + name + ".toml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("duration = 1\n[[at]]\nt = 0\nset = { \"Vehicle.Speed\" = 1 }\n"))
	f.Add([]byte("duration = \"1h\"\n[at.set]\n'x' = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ParseScenario("fuzz.toml", data)
		if err != nil {
			if sc != nil {
				t.Fatal("scenario and error")
			}
			if !strings.HasPrefix(err.Error(), "fuzz.toml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if sc.Duration <= 0 || sc.Duration > MaxDuration {
			t.Fatalf("duration %v accepted", sc.Duration)
		}
		for i, e := range sc.Events {
			if e.At > sc.Duration || i > 0 && e.At < sc.Events[i-1].At {
				t.Fatalf("event %d at %v accepted", i, e.At)
			}
		}
		// A parsed scenario runs: a second of it must not panic.
		s := New(sc, nil, nil, 1)
		if err := s.Step(time.Second, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDocExample parses the format example of docs/scenarios.md, so that
// the documentation stays true.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```toml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no ```toml block in docs/scenarios.md")
	}
	sc, err := ParseScenario("scenarios.md", []byte(example))
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Events) != 1 || sc.Events[0].Leak == nil || sc.Events[0].Fault == nil || len(sc.Start.Set) != 1 {
		t.Errorf("example parsed as %+v", sc)
	}
}
