package vss

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedIsCurrent regenerates the catalog from the VSS export and
// compares it with the committed catalog_gen.go.
func TestGeneratedIsCurrent(t *testing.T) {
	src := "../../../../shared/data/vss/vss_release_6.0.json"
	if _, err := os.Stat(src); err != nil {
		t.Skipf("VSS export not beside the repository: %v", err)
	}
	out := filepath.Join(t.TempDir(), "catalog_gen.go")
	cmd := exec.Command("go", "run", "./internal/gen", "-vss", src, "-overlay", "overlay.json", "-signals", "signals.txt", "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator: %v\n%s", err, b)
	}
	want, _ := os.ReadFile("catalog_gen.go")
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, want) {
		t.Fatal("catalog_gen.go is out of date: run go generate ./app/vehicle/vss")
	}
}

func TestCatalog(t *testing.T) {
	cases := []struct {
		path     string
		id       ID
		dt       Datatype
		unit     string
		min, max float64
		allowed  int
		overlay  bool
	}{
		{"Vehicle.Speed", Speed, Float, "km/h", math.NaN(), math.NaN(), 0, false},
		{"Vehicle.Powertrain.FuelSystem.RelativeLevel", PowertrainFuelSystemRelativeLevel, Uint8, "percent", 0, 100, 0, false},
		{"Vehicle.CurrentLocation.Latitude", CurrentLocationLatitude, Double, "degrees", -90, 90, 0, false},
		{"Vehicle.Powertrain.Type", PowertrainType, String, "", math.NaN(), math.NaN(), 3, false},
		{"Vehicle.OBD.Status.IsMILOn", OBDStatusIsMILOn, Boolean, "", math.NaN(), math.NaN(), 0, true},
	}
	for _, tc := range cases {
		id, ok := Lookup(tc.path)
		if !ok || id != tc.id {
			t.Fatalf("Lookup(%s) = %d, %v; want %d", tc.path, id, ok, tc.id)
		}
		s := Get(id)
		same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
		if s.Path != tc.path || s.Datatype != tc.dt || s.Unit != tc.unit || !same(s.Min, tc.min) || !same(s.Max, tc.max) || len(s.Allowed) != tc.allowed || s.Overlay != tc.overlay {
			t.Errorf("%s: %+v", tc.path, *s)
		}
	}
	if _, ok := Lookup("Vehicle.Nope"); ok {
		t.Fatal("found a path that does not exist")
	}
	for i, s := range All() {
		if int(s.ID) != i+1 || !Valid(s.ID) {
			t.Fatalf("catalog entry %d has ID %d", i, s.ID)
		}
	}
	for id, want := range map[ID]Kind{Speed: Sensor, CabinHVACStationRow1DriverTemperature: Actuator,
		CabinHVACIsAirConditioningActive: Actuator, PowertrainType: Attribute, OBDStatusIsMILOn: Sensor} {
		if got := Get(id).Type; got != want {
			t.Errorf("%s is a %s, want %s", Get(id).Path, got, want)
		}
	}
	if Valid(0) || Valid(ID(Count+1)) {
		t.Fatal("Valid accepts IDs outside the catalog")
	}
	if lo, hi := Get(PowertrainTransmissionSelectedGear).Limits(); lo != -128 || hi != 127 {
		t.Fatalf("int8 limits %v..%v", lo, hi)
	}
	if got := Suggest("Vehicle.Powertrain.FuelSystem.Level", 3); len(got) == 0 || got[0][:len("Vehicle.Powertrain.FuelSystem.")] != "Vehicle.Powertrain.FuelSystem." {
		t.Fatalf("Suggest: %v", got)
	}
}
