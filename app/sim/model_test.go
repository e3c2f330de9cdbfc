package sim

import (
	"math"
	"os"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

// loadSim builds the scenario's car with its route and no encoder.
func loadSim(t testing.TB, name string, seed uint64) *Sim {
	t.Helper()
	sc, err := LoadScenario(os.DirFS(scenariosDir), name)
	if err != nil {
		t.Fatal(err)
	}
	if seed == 0 {
		seed = sc.Seed
	}
	r, err := LoadRoute(os.DirFS(routesDir), sc.Route, seed)
	if err != nil {
		t.Fatal(err)
	}
	return New(sc, nil, r, seed)
}

// runStats is what a run of the model showed, for the scenario checks.
type runStats struct {
	maxKmh, maxRPM         float64
	maxGear                int
	reversed               bool // moved with R selected
	doorOpenMoving         bool
	beltOffMoving          bool
	minMotorKW, maxMotorKW float64
	maxCoolant             float64
	fuelLowStart           bool
	first, last            [vss.Count + 1]float64
	has                    [vss.Count + 1]bool
	chords, travelled      float64 // m
	cruiseRPM              float64 // engine speed seen at 125-135 km/h in 6th
}

func (st *runStats) v(id vss.ID) float64 { return st.last[id] }

// runChecked runs the model for d, checking physical sanity at every step.
func runChecked(t *testing.T, s *Sim, d time.Duration) *runStats {
	t.Helper()
	m := s.m
	sc := s.sc
	bbox := [4]float64{-90, -180, 90, 180}
	if m.route != nil {
		g := loadGraph(t, sc.Route.Name)
		bbox = g.BBox()
		if sc.Route.Name == "monaco" {
			bbox = monacoBBox
		}
	}
	st := &runStats{minMotorKW: math.Inf(1), maxMotorKW: math.Inf(-1)}
	st.fuelLowStart = m.val[vss.PowertrainFuelSystemIsFuelLevelLow].Num != 0
	for id := vss.ID(1); int(id) <= vss.Count; id++ {
		st.first[id] = m.val[id].Num
	}
	prevV, prevOdo, prevFuel := m.v, m.val[vss.TraveledDistance].Num, m.fuelL
	prevLevel := m.val[vss.PowertrainFuelSystemRelativeLevel].Num
	prevLat, prevLon := m.val[vss.CurrentLocationLatitude].Num, m.val[vss.CurrentLocationLongitude].Num
	prevOdoF := m.odometer
	prevTarget, dropFrom, dropAt := m.target, 0.0, time.Duration(-1<<62)
	if v0 := sc.Start.Speed / 3.6; v0 > m.target { // a t = 0 entry already slowed down
		dropFrom, dropAt = v0, 0
	}
	running := 0.0 // s since the engine finished cranking
	steps := int(d / Tick)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s at %v: "+format, append([]any{sc.Name, m.t}, args...)...)
	}
	for i := 0; i < steps; i++ {
		m.advance()
		for id := vss.ID(1); int(id) <= vss.Count; id++ {
			if m.has[id] && (math.IsNaN(m.val[id].Num) || math.IsInf(m.val[id].Num, 0)) {
				fail("%s = %v", vss.Get(id).Path, m.val[id].Num)
			}
		}
		kmh := m.val[vss.Speed].Num
		// Speed: never negative, never more than 5 km/h over the target (or,
		// within 30 s of a lower target, over the previous one).
		if m.target < prevTarget {
			dropFrom, dropAt = math.Max(prevTarget, dropFrom*b2f(m.t-dropAt < 30*time.Second)), m.t
		}
		prevTarget = m.target
		allowed := m.target
		if m.t-dropAt < 30*time.Second {
			allowed = math.Max(allowed, dropFrom)
		}
		if kmh < 0 || kmh > allowed*3.6+5 {
			fail("speed %.2f km/h, target %.1f km/h", kmh, allowed*3.6)
		}
		if a := (m.v - prevV) / dt; a > 2.5+1e-9 || a < -4-1e-9 {
			fail("acceleration %.3f m/s²", a)
		}
		prevV = m.v
		// Engine speed.
		rpm, hasRPM := m.val[vss.PowertrainCombustionEngineSpeed].Num, m.has[vss.PowertrainCombustionEngineSpeed]
		if m.engine && m.crank <= 0 {
			running += dt
		} else {
			running = 0
		}
		if hasRPM {
			if running > 0.5 && (rpm < 600 || rpm > 7000) {
				fail("engine running at %.0f rpm", rpm)
			}
			if !m.engine && rpm != 0 {
				fail("engine off at %.0f rpm", rpm)
			}
		}
		// Consumables and counters.
		if m.fuelL > prevFuel+1e-12 {
			fail("fuel rose from %.6f to %.6f l", prevFuel, m.fuelL)
		}
		prevFuel = m.fuelL
		if lvl := m.val[vss.PowertrainFuelSystemRelativeLevel].Num; lvl > prevLevel {
			fail("fuel level rose from %v to %v %%", prevLevel, lvl)
		} else {
			prevLevel = lvl
		}
		if odo := m.val[vss.TraveledDistance].Num; odo < prevOdo {
			fail("odometer fell from %v to %v", prevOdo, odo)
		} else {
			prevOdo = odo
		}
		if soc := m.val[vss.PowertrainTractionBatteryStateOfChargeCurrent].Num; soc < 0 || soc > 100 {
			fail("SoC %v", soc)
		}
		for _, id := range []vss.ID{vss.ChassisAxleRow1WheelLeftTirePressure, vss.ChassisAxleRow1WheelRightTirePressure,
			vss.ChassisAxleRow2WheelLeftTirePressure, vss.ChassisAxleRow2WheelRightTirePressure} {
			if p := m.val[id].Num; p < 0 || p > 400 {
				fail("%s = %v kPa", vss.Get(id).Path, p)
			}
		}
		if v := m.val[vss.LowVoltageBatteryCurrentVoltage].Num; v < 10 || v > 15 {
			fail("12 V at %.2f V", v)
		}
		if c := m.val[vss.PowertrainCombustionEngineEngineCoolantTemperature].Num; c < -50 || c > 130 {
			fail("coolant %.1f °C", c)
		}
		if p := m.val[vss.ChassisAcceleratorPedalPosition].Num; p < 0 || p > 100 {
			fail("accelerator %v %%", p)
		}
		// Position: inside the area, moving as far as the car travels.
		if m.route != nil {
			lat, lon := m.val[vss.CurrentLocationLatitude].Num, m.val[vss.CurrentLocationLongitude].Num
			if lat < bbox[0] || lat > bbox[2] || lon < bbox[1] || lon > bbox[3] {
				fail("position %.6f,%.6f outside %v", lat, lon, bbox)
			}
			ds := m.odometer - prevOdoF
			chord := Distance(prevLat, prevLon, lat, lon)
			if chord > ds+0.002 {
				fail("moved %.4f m while travelling %.4f m", chord, ds)
			}
			st.chords += chord
			st.travelled += ds
			prevLat, prevLon = lat, lon
			if h := m.val[vss.CurrentLocationHeading].Num; h < 0 || h >= 360 {
				fail("heading %v", h)
			}
			if a := m.val[vss.ChassisSteeringWheelAngle].Num; math.Abs(a) > 540 {
				fail("steering %v°", a)
			}
		}
		prevOdoF = m.odometer

		st.maxKmh = math.Max(st.maxKmh, kmh)
		st.maxRPM = math.Max(st.maxRPM, rpm)
		st.maxGear = max(st.maxGear, m.currentGear)
		st.reversed = st.reversed || m.gear == Reverse && kmh > 1
		moving := kmh > 5
		st.doorOpenMoving = st.doorOpenMoving || moving && (m.val[vss.CabinDoorRow2PassengerSideIsOpen].Num != 0)
		st.beltOffMoving = st.beltOffMoving || moving && (m.val[vss.CabinSeatRow1PassengerSideIsBelted].Num == 0)
		if m.has[vss.PowertrainElectricMotorPower] {
			st.minMotorKW = math.Min(st.minMotorKW, m.val[vss.PowertrainElectricMotorPower].Num)
			st.maxMotorKW = math.Max(st.maxMotorKW, m.val[vss.PowertrainElectricMotorPower].Num)
		}
		st.maxCoolant = math.Max(st.maxCoolant, m.val[vss.PowertrainCombustionEngineEngineCoolantTemperature].Num)
		if m.currentGear == 6 && kmh > 125 && kmh < 135 {
			st.cruiseRPM = rpm
		}
	}
	for id := vss.ID(1); int(id) <= vss.Count; id++ {
		st.last[id], st.has[id] = m.val[id].Num, m.has[id]
	}
	if st.travelled > 100 && st.chords < 0.97*st.travelled {
		t.Errorf("%s: fixes moved %.0f m in all for %.0f m travelled", sc.Name, st.chords, st.travelled)
	}
	return st
}

// TestScenarioPhysics runs every shipped scenario (a looping one for a
// minute into its second lap) and checks the car's physics at every step,
// then what the scenario is meant to show.
func TestScenarioPhysics(t *testing.T) {
	checks := map[string]func(t *testing.T, st *runStats){
		"city": func(t *testing.T, st *runStats) {
			if st.maxKmh < 45 || st.maxKmh > 56 {
				t.Errorf("top speed %.1f km/h", st.maxKmh)
			}
			if st.first[vss.PowertrainCombustionEngineEngineCoolantTemperature] > 20 || st.maxCoolant < 85 {
				t.Errorf("coolant %.1f → max %.1f °C: want a cold start warming up", st.first[vss.PowertrainCombustionEngineEngineCoolantTemperature], st.maxCoolant)
			}
			if st.minMotorKW > -5 || st.maxMotorKW < 5 {
				t.Errorf("motor power %.0f..%.0f kW: want assist and regeneration", st.minMotorKW, st.maxMotorKW)
			}
			if km := (st.v(vss.TraveledDistance) - st.first[vss.TraveledDistance]) / 1000; km < 3 || km > 8 {
				t.Errorf("drove %.1f km", km)
			}
		},
		"highway": func(t *testing.T, st *runStats) {
			if st.maxKmh < 125 || st.maxGear != 6 {
				t.Errorf("top speed %.1f km/h, top gear %d", st.maxKmh, st.maxGear)
			}
			if st.cruiseRPM < 2300 || st.cruiseRPM > 3000 {
				t.Errorf("%.0f rpm at 130 km/h in 6th", st.cruiseRPM)
			}
		},
		"parking": func(t *testing.T, st *runStats) {
			if !st.reversed {
				t.Error("never reversed")
			}
			if st.v(vss.PowertrainTransmissionSelectedGear) != float64(Park) || st.v(vss.PowertrainCombustionEngineSpeed) != 0 ||
				st.v(vss.ChassisParkingBrakeIsEngaged) != 1 || st.v(vss.Speed) != 0 {
				t.Errorf("end: gear %v, %v rpm, parking brake %v, %v km/h", st.v(vss.PowertrainTransmissionSelectedGear),
					st.v(vss.PowertrainCombustionEngineSpeed), st.v(vss.ChassisParkingBrakeIsEngaged), st.v(vss.Speed))
			}
			if st.v(vss.CabinDoorRow1DriverSideIsOpen) != 0 || st.v(vss.BodyTrunkRearIsOpen) != 0 || st.v(vss.CabinSeatRow1DriverSideIsBelted) != 0 {
				t.Error("end: door or boot open, or driver still belted")
			}
		},
		"low-fuel": func(t *testing.T, st *runStats) {
			if st.fuelLowStart || st.v(vss.PowertrainFuelSystemIsFuelLevelLow) != 1 {
				t.Errorf("low-fuel flag %v at the start, %v at the end: want it to come on", st.fuelLowStart, st.v(vss.PowertrainFuelSystemIsFuelLevelLow))
			}
			if st.has[vss.PowertrainElectricMotorPower] || st.has[vss.PowertrainTractionBatteryStateOfChargeCurrent] {
				t.Error("a combustion car reports traction-battery signals")
			}
			if r := st.v(vss.PowertrainFuelSystemRange); r < 50e3 || r > 90e3 || r >= st.first[vss.PowertrainFuelSystemRange] {
				t.Errorf("fuel range %.0f m (from %.0f)", r, st.first[vss.PowertrainFuelSystemRange])
			}
		},
		"tyre-slow-leak": func(t *testing.T, st *runStats) {
			fl := st.v(vss.ChassisAxleRow1WheelLeftTirePressure)
			if fl > 170 || fl < 130 {
				t.Errorf("front left %.1f kPa after 11.5 min at 8 kPa/min", fl)
			}
			for _, id := range []vss.ID{vss.ChassisAxleRow1WheelRightTirePressure, vss.ChassisAxleRow2WheelLeftTirePressure, vss.ChassisAxleRow2WheelRightTirePressure} {
				if p := st.v(id); p < 236 || p > 256 {
					t.Errorf("%s = %.1f kPa", vss.Get(id).Path, p)
				}
			}
		},
		"door-open-while-moving": func(t *testing.T, st *runStats) {
			if !st.doorOpenMoving || !st.beltOffMoving {
				t.Errorf("door open while moving %v, belt off while moving %v", st.doorOpenMoving, st.beltOffMoving)
			}
		},
		"fault": func(t *testing.T, st *runStats) {
			if st.v(vss.DiagnosticsDTCCount) != 3 || st.v(vss.OBDStatusIsMILOn) != 1 {
				t.Errorf("DTC %v, MIL %v", st.v(vss.DiagnosticsDTCCount), st.v(vss.OBDStatusIsMILOn))
			}
			if st.maxCoolant < 115 || st.v(vss.PowertrainCombustionEngineEngineCoolantTemperature) < 115 {
				t.Errorf("coolant max %.1f, end %.1f °C: want overheating", st.maxCoolant, st.v(vss.PowertrainCombustionEngineEngineCoolantTemperature))
			}
			if v := st.v(vss.LowVoltageBatteryCurrentVoltage); v > 12.35 || st.v(vss.PowertrainCombustionEngineSpeed) < 600 {
				t.Errorf("12 V %.2f with the engine at %.0f rpm: want a failed alternator", v, st.v(vss.PowertrainCombustionEngineSpeed))
			}
		},
		"ev": func(t *testing.T, st *runStats) {
			if st.has[vss.PowertrainCombustionEngineSpeed] || st.has[vss.PowertrainFuelSystemRelativeLevel] {
				t.Error("an electric car reports engine or fuel signals")
			}
			if st.minMotorKW > -10 || st.maxMotorKW < 20 {
				t.Errorf("motor power %.0f..%.0f kW", st.minMotorKW, st.maxMotorKW)
			}
			if soc := st.v(vss.PowertrainTractionBatteryStateOfChargeCurrent); soc >= st.first[vss.PowertrainTractionBatteryStateOfChargeCurrent] || soc < 70 {
				t.Errorf("SoC %.2f (from %.2f)", soc, st.first[vss.PowertrainTractionBatteryStateOfChargeCurrent])
			}
		},
	}
	names, err := ScenarioNames(os.DirFS(scenariosDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			s := loadSim(t, name, 0)
			d := s.sc.Duration
			if s.sc.End == Loop {
				d += time.Minute
			}
			st := runChecked(t, s, d)
			if check, ok := checks[name]; ok {
				check(t, st)
			} else {
				t.Errorf("no checks for scenario %q", name)
			}
		})
	}
}

// TestPhysicsOtherSeeds runs the city with other seeds (other loops through
// Monaco, another driver's wander).
func TestPhysicsOtherSeeds(t *testing.T) {
	for _, seed := range []uint64{2, 99, 1 << 40} {
		s := loadSim(t, "city", seed)
		runChecked(t, s, 4*time.Minute)
	}
}

func TestLoopAndHold(t *testing.T) {
	s := loadSim(t, "city", 0) // loops after 10 minutes, parked with the engine off
	s.Step(s.sc.Duration-time.Second, nil)
	odo := s.m.odometer
	if s.m.engine || s.m.gear != Park {
		t.Fatalf("before the end: engine %v, gear %v", s.m.engine, s.m.gear)
	}
	s.Step(s.sc.Duration+10*time.Second, nil) // second lap: engine on at 1 s, D at 4 s
	if !s.m.engine || s.m.gear != Drive || s.m.lap != 1 || s.m.v == 0 {
		t.Errorf("second lap: engine %v, gear %v, lap %d, %.1f m/s", s.m.engine, s.m.gear, s.m.lap, s.m.v)
	}
	if s.m.odometer <= odo || s.m.fuelL >= s.sc.Start.Fuel/100*s.m.c.tankL {
		t.Errorf("quantities reset on loop: odometer %.0f (was %.0f), fuel %.2f l", s.m.odometer, odo, s.m.fuelL)
	}

	h := loadSim(t, "parking", 0) // holds, parked
	h.Step(h.sc.Duration+5*time.Minute, nil)
	if h.m.engine || h.m.gear != Park || h.m.v != 0 || h.m.lap != 0 {
		t.Errorf("held: engine %v, gear %v, %.1f m/s, lap %d", h.m.engine, h.m.gear, h.m.v, h.m.lap)
	}
}

func TestDriverStopsBeforeParking(t *testing.T) {
	src := `duration = "2m"
[route]
length_km = 3
[start]
gear = "D"
engine = "on"
parking_brake = false
speed = 50
[[at]]
t = "10s"
gear = "P"
engine = "off"
`
	sc, err := ParseScenario("stop.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r, err := LoadRoute(os.DirFS(routesDir), sc.Route, 1)
	if err != nil {
		t.Fatal(err)
	}
	s := New(sc, nil, r, 1)
	st := runChecked(t, s, time.Minute)
	if st.v(vss.Speed) != 0 || st.v(vss.PowertrainTransmissionSelectedGear) != float64(Park) || st.v(vss.PowertrainCombustionEngineSpeed) != 0 {
		t.Errorf("after a minute: %v km/h, gear %v, %v rpm", st.v(vss.Speed), st.v(vss.PowertrainTransmissionSelectedGear), st.v(vss.PowertrainCombustionEngineSpeed))
	}
}

func TestButtonsAndIndicators(t *testing.T) {
	src := `duration = "10s"
[[at]]
t = "1s"
press = "voice"
indicator = "hazard"
[[at]]
t = "2s"
indicator = "left"
`
	sc, err := ParseScenario("b.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s := New(sc, nil, nil, 1)
	get := func(id vss.ID) float64 { v, _ := s.Value(id); return v.Num }
	s.Step(1100*time.Millisecond, nil)
	if get(vss.ChassisSteeringWheelButtonVoiceIsPressed) != 1 || get(vss.BodyLightsHazardIsSignaling) != 1 ||
		get(vss.BodyLightsDirectionIndicatorLeftIsSignaling) != 1 || get(vss.BodyLightsDirectionIndicatorRightIsSignaling) != 1 {
		t.Error("at 1.1 s: want voice pressed and hazard lights")
	}
	s.Step(1300*time.Millisecond, nil)
	if get(vss.ChassisSteeringWheelButtonVoiceIsPressed) != 0 {
		t.Error("voice button still pressed after 300 ms")
	}
	s.Step(5*time.Second, nil)
	if get(vss.BodyLightsHazardIsSignaling) != 0 || get(vss.BodyLightsDirectionIndicatorLeftIsSignaling) != 1 ||
		get(vss.BodyLightsDirectionIndicatorRightIsSignaling) != 0 {
		t.Error("at 5 s: want the left indicator only, steadily on")
	}
	if _, ok := s.Value(vss.CurrentLocationLatitude); ok {
		t.Error("position without a route")
	}
}
