package health

import (
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func setup() (*clock, *vehicle.Store, *Monitor) {
	c := &clock{time.Unix(1_700_000_000, 0)}
	s := vehicle.NewStore(c.now)
	return c, s, NewMonitor(s)
}

func ids(as []Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func TestDoorOpenWhileMoving(t *testing.T) {
	c, s, m := setup()
	s.Set(vss.CabinDoorRow1DriverSideIsOpen, vehicle.BoolValue(true), c.t)
	s.Set(vss.Speed, vehicle.Value{Num: 3}, c.t)
	m.Evaluate()
	if len(m.Active()) != 0 {
		t.Fatalf("alert while parked: %v", m.Active())
	}
	s.Set(vss.Speed, vehicle.Value{Num: 30}, c.t)
	m.Evaluate()
	a := m.Active()
	if len(a) != 1 || a[0].ID != "door-open-while-moving" || a[0].Severity != Critical {
		t.Fatalf("got %+v", a)
	}
	seq := m.Seq()
	m.Ack(a[0].ID)
	if !m.Active()[0].Acked || m.Seq() == seq {
		t.Fatal("ack not recorded")
	}
	// Stale speed: keep the alert, don't clear it on old data.
	c.t = c.t.Add(5 * time.Second)
	m.Evaluate()
	if len(m.Active()) != 1 {
		t.Fatal("alert cleared on stale data")
	}
	s.Set(vss.CabinDoorRow1DriverSideIsOpen, vehicle.BoolValue(false), c.t)
	s.Set(vss.Speed, vehicle.Value{Num: 30}, c.t)
	m.Evaluate()
	if len(m.Active()) != 0 {
		t.Fatalf("alert not cleared: %v", m.Active())
	}
}

func TestRules(t *testing.T) {
	cases := []struct {
		name string
		set  map[vss.ID]float64
		str  map[vss.ID]string
		want []string
		sev  Severity
	}{
		{"healthy", map[vss.ID]float64{vss.PowertrainFuelSystemRelativeLevel: 50, vss.ChassisAxleRow1WheelLeftTirePressure: 240, vss.DiagnosticsDTCCount: 0, vss.LowVoltageBatteryCurrentVoltage: 14.1}, nil, nil, 0},
		{"low fuel", map[vss.ID]float64{vss.PowertrainFuelSystemRelativeLevel: 8, vss.PowertrainRange: 60000}, nil, []string{"low-fuel"}, Warning},
		{"very low fuel", map[vss.ID]float64{vss.PowertrainFuelSystemRelativeLevel: 3, vss.PowertrainRange: 15000}, nil, []string{"low-fuel"}, Critical},
		{"low charge", map[vss.ID]float64{vss.PowertrainTractionBatteryStateOfChargeCurrent: 7}, nil, []string{"low-fuel"}, Warning},
		{"tyre", map[vss.ID]float64{vss.ChassisAxleRow2WheelRightTirePressure: 180}, nil, []string{"tyre-pressure"}, Warning},
		{"flat tyre", map[vss.ID]float64{vss.ChassisAxleRow2WheelRightTirePressure: 100, vss.ChassisAxleRow1WheelLeftTirePressure: 190}, nil, []string{"tyre-pressure"}, Critical},
		{"dtc", map[vss.ID]float64{vss.DiagnosticsDTCCount: 2}, nil, []string{"fault"}, Warning},
		{"mil", map[vss.ID]float64{vss.OBDStatusIsMILOn: 1}, nil, []string{"fault"}, Warning},
		{"combustion car ignores charge", map[vss.ID]float64{vss.PowertrainTractionBatteryStateOfChargeCurrent: 0, vss.PowertrainFuelSystemRelativeLevel: 60}, map[vss.ID]string{vss.PowertrainType: "COMBUSTION"}, nil, 0},
		{"electric car ignores fuel", map[vss.ID]float64{vss.PowertrainTractionBatteryStateOfChargeCurrent: 50, vss.PowertrainFuelSystemRelativeLevel: 0}, map[vss.ID]string{vss.PowertrainType: "ELECTRIC"}, nil, 0},
		{"12v", map[vss.ID]float64{vss.LowVoltageBatteryCurrentVoltage: 11.2}, nil, []string{"low-12v"}, Warning},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, s, m := setup()
			for id, v := range tc.str {
				s.Set(id, vehicle.Value{Str: v}, c.t)
			}
			for id, v := range tc.set {
				s.Set(id, vehicle.Value{Num: v}, c.t)
			}
			m.Evaluate()
			got := m.Active()
			if len(got) != len(tc.want) || (len(got) > 0 && (got[0].ID != tc.want[0] || got[0].Severity != tc.sev)) {
				t.Fatalf("got %+v, want %v at %v", got, tc.want, tc.sev)
			}
		})
	}
}

func TestOrderAndReRaise(t *testing.T) {
	c, s, m := setup()
	s.Set(vss.LowVoltageBatteryCurrentVoltage, vehicle.Value{Num: 11}, c.t)
	s.Set(vss.ChassisAxleRow1WheelLeftTirePressure, vehicle.Value{Num: 190}, c.t)
	m.Evaluate()
	m.Ack("tyre-pressure")
	if got := ids(m.Active()); got[0] != "low-12v" || got[1] != "tyre-pressure" {
		t.Fatalf("order %v", got)
	}
	s.Set(vss.ChassisAxleRow1WheelLeftTirePressure, vehicle.Value{Num: 120}, c.t)
	m.Evaluate()
	a := m.Active()
	if a[0].ID != "tyre-pressure" || a[0].Acked || a[0].Severity != Critical {
		t.Fatalf("worse alert not shown again: %+v", a)
	}
}

// TestPanickingRule: a rule that panics does not stop the others, and its
// alert stays as it was.
func TestPanickingRule(t *testing.T) {
	c, s, m := setup()
	saved := rules
	defer func() { rules = saved }()
	calls := 0
	rules = append([]rule{{id: "broken", eval: func(func(vss.ID) vehicle.Reading) (*condition, bool) {
		calls++
		panic("rule bug")
	}}}, saved...)
	s.Set(vss.Speed, vehicle.Value{Num: 40}, c.t)
	s.Set(vss.CabinDoorRow1DriverSideIsOpen, vehicle.BoolValue(true), c.t)
	m.Evaluate()
	m.Evaluate()
	if calls != 2 {
		t.Fatalf("broken rule ran %d times, want 2", calls)
	}
	got := ids(m.Active())
	if len(got) == 0 || got[0] != "door-open-while-moving" {
		t.Fatalf("active = %v, want the door alert despite the broken rule", got)
	}
}
