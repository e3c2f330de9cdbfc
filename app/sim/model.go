package sim

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

// Tick is the model's fixed time step.
const Tick = 10 * time.Millisecond

const dt = float64(Tick) / float64(time.Second)

// car holds the constants of the simulated car: a mid-size hatchback with a
// 6-speed automatic gearbox, in combustion, hybrid or electric form.
type car struct {
	mass, crr, cda, rho, wheelR float64
	finalDrive                  float64
	ratios                      [6]float64
	reverseRatio                float64
	idle, redline               float64
	tankL                       float64
	battKWh                     float64 // usable
	motorKW, regenKW            float64
	engineKW                    float64
	accel, brake, jerk          float64 // driver limits: m/s², m/s², m/s³
	cornerDecel                 float64 // m/s² used to slow for corners
	wheelbase, steerRatio       float64
	evWhPerKm                   float64 // electric consumption for range, Wh/km
	fuelLPer100                 float64 // prior for the fuel range estimate
}

func newCar(powertrain string) car {
	c := car{
		mass: 1550, crr: 0.011, cda: 0.62, rho: 1.2, wheelR: 0.317,
		finalDrive: 3.7, ratios: [6]float64{3.6, 2.1, 1.4, 1.05, 0.82, 0.66}, reverseRatio: 3.2,
		idle: 750, redline: 6500, tankL: 50, engineKW: 110,
		accel: 2.5, brake: 4, jerk: 2, cornerDecel: 2,
		wheelbase: 2.7, steerRatio: 15, fuelLPer100: 6.5,
	}
	switch powertrain {
	case Hybrid:
		c.battKWh, c.motorKW, c.regenKW, c.evWhPerKm = 1.4, 30, 25, 150
	case Electric:
		c.battKWh, c.motorKW, c.regenKW, c.evWhPerKm = 58, 150, 60, 160
		c.tankL, c.engineKW = 0, 0
	}
	return c
}

// model is the simulated car: a vector of VSS values advanced in fixed
// steps of Tick from the scenario's timeline. It reads no clock: the same
// scenario, route and seed give the same values at the same step.
type model struct {
	sc    *Scenario
	route *Route
	c     car
	rng   *rand.Rand

	step int64         // steps taken
	t    time.Duration // simulated time = step × Tick
	next int           // next timeline event
	lap  int           // completed loops of the timeline

	val [vss.Count + 1]vehicle.Value
	has [vss.Count + 1]bool

	// Driver controls.
	target     float64 // m/s
	wantGear   Gear
	wantEngine bool
	wantBrake  bool // parking brake
	indicator  Indicator
	lights     Lights
	fault      Fault
	dtc        int
	mil        bool
	press      [vss.Count + 1]time.Duration // button held until
	jitter     float64                      // driver's speed wander, m/s
	outsideSet float64                      // scenario outside temperature

	// Physical state.
	gear         Gear
	engine       bool
	parkingBrake bool
	crank        float64 // s of cranking left
	v, a         float64 // m/s, m/s² (signed along the direction of travel)
	s            float64 // route position, m
	heading      float64 // smoothed, degrees
	curv         float64 // smoothed curvature, rad/m
	rpm          float64
	currentGear  int
	shiftHold    float64 // s before the next shift is allowed
	fuelL        float64
	socPct       float64
	motorKW      float64
	fuelRate     float64    // L/s
	consumption  float64    // smoothed l/100km
	odometer     float64    // m
	tripMeter    float64    // m
	sinceStart   float64    // m since the engine started
	tripTime     float64    // s since the engine started
	fuelUsed     float64    // L since the scenario began
	fuelDist     float64    // m driven on fuel since the scenario began
	elecWh       float64    // Wh used since the scenario began
	elecDist     float64    // m
	coolant, oil float64    // °C
	cabin        float64    // °C
	outside      float64    // sensor reading, °C
	tyreCold     [4]float64 // kPa gauge at the reference temperature
	tyreTemp     float64    // °C
	tyreRef      float64    // °C at which tyreCold holds
	tyreNoise    [4]float64
	leak         [4]float64 // kPa/min
	volts        float64
	battSag      float64 // V lost to discharge without charging
	fuelLow      bool
	accelPedal   float64
	brakePedal   float64
}

func newModel(sc *Scenario, route *Route, seed uint64) *model {
	m := &model{sc: sc, route: route, c: newCar(sc.Start.Powertrain)}
	m.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	st := &sc.Start
	m.fuelL = st.Fuel / 100 * m.c.tankL
	m.socPct = st.SoC
	m.odometer = st.OdometerKm * 1000
	m.tripMeter = st.TripKm * 1000
	m.outsideSet, m.outside = st.OutsideTemp, st.OutsideTemp
	m.coolant = st.CoolantTemp
	if math.IsNaN(m.coolant) {
		m.coolant = st.OutsideTemp
	}
	m.oil = m.coolant
	m.cabin = st.CabinTemp
	if math.IsNaN(m.cabin) {
		m.cabin = st.OutsideTemp
	}
	for i := range m.tyreCold {
		m.tyreCold[i] = st.TyreKPa + m.rng.NormFloat64()*1.5
	}
	m.tyreTemp, m.tyreRef = st.OutsideTemp, st.OutsideTemp
	m.volts = 12.4
	m.applyStartControls()
	m.engine = st.Engine
	m.gear = st.Gear
	m.parkingBrake = st.ParkingBrake
	m.v = st.Speed / 3.6
	m.target = m.v
	if m.engine {
		m.rpm = m.c.idle
		m.volts = 14.2
	}
	if route != nil {
		m.heading = route.At(0).Bearing
	}
	m.currentGear = m.pickGear()
	if m.currentGear > 0 && m.c.engineKW > 0 {
		// Rolling at the start: the gear a cruising car would be in.
		for g := 1; g <= len(m.c.ratios) && m.gearRPM(g) > 1300; g++ {
			m.currentGear = g
		}
		m.shiftHold = 0
	}
	m.fuelLow = m.fuelL < 0.1*m.c.tankL
	m.timeline()
	m.publish()
	return m
}

// applyStartControls sets the driver controls and input signals of [start].
func (m *model) applyStartControls() {
	st := &m.sc.Start
	m.wantGear, m.wantEngine, m.wantBrake = st.Gear, st.Engine, st.ParkingBrake
	m.target = st.Speed / 3.6
	m.indicator, m.lights = IndicatorOff, st.Lights
	for _, id := range inputDefaults {
		m.val[id], m.has[id] = vehicle.Value{}, true
	}
	m.val[vss.CabinSeatRow1DriverSideIsBelted] = vehicle.BoolValue(st.Belt)
	m.val[vss.CabinHVACStationRow1DriverTemperature] = vehicle.Value{Num: 21}
	m.val[vss.CabinHVACStationRow1PassengerTemperature] = vehicle.Value{Num: 21}
	m.val[vss.CabinHVACStationRow1DriverFanSpeed] = vehicle.Value{Num: 30}
	m.val[vss.CabinHVACIsAirConditioningActive] = vehicle.BoolValue(st.OutsideTemp > 24)
	if st.Driver != "" {
		m.val[vss.OccupantRow1DriverSideIdentifierSubject], m.has[vss.OccupantRow1DriverSideIdentifierSubject] = vehicle.Value{Str: st.Driver}, true
	}
	for _, a := range st.Set {
		m.val[a.ID], m.has[a.ID] = a.Value, true
	}
}

// inputDefaults are the input signals every car reports, zero (closed, off,
// released) unless the scenario says otherwise.
var inputDefaults = []vss.ID{
	vss.CabinDoorRow1DriverSideIsOpen, vss.CabinDoorRow1PassengerSideIsOpen,
	vss.CabinDoorRow2DriverSideIsOpen, vss.CabinDoorRow2PassengerSideIsOpen,
	vss.BodyTrunkFrontIsOpen, vss.BodyTrunkRearIsOpen,
	vss.CabinSeatRow1DriverSideIsBelted, vss.CabinSeatRow1PassengerSideIsBelted,
	vss.CabinHVACIsAirConditioningActive, vss.CabinHVACStationRow1DriverFanSpeed,
	vss.CabinHVACStationRow1DriverTemperature, vss.CabinHVACStationRow1PassengerTemperature,
	vss.ChassisSteeringWheelButtonVolumeUpIsPressed, vss.ChassisSteeringWheelButtonVolumeDownIsPressed,
	vss.ChassisSteeringWheelButtonNextIsPressed, vss.ChassisSteeringWheelButtonPreviousIsPressed,
	vss.ChassisSteeringWheelButtonVoiceIsPressed,
}

// settable are the signals a scenario's set = {…} may address: inputs the
// model does not compute. The others say which key to use instead.
var dedicated = map[vss.ID]string{
	vss.Speed:                                        "use speed = <km/h> for the driver's target",
	vss.PowertrainTransmissionSelectedGear:           "use gear = \"P\"|\"R\"|\"N\"|\"D\"",
	vss.ChassisParkingBrakeIsEngaged:                 "use parking_brake = true|false",
	vss.BodyLightsDirectionIndicatorLeftIsSignaling:  "use indicator = \"left\"|\"right\"|\"hazard\"|\"off\"",
	vss.BodyLightsDirectionIndicatorRightIsSignaling: "use indicator = \"left\"|\"right\"|\"hazard\"|\"off\"",
	vss.BodyLightsHazardIsSignaling:                  "use indicator = \"hazard\"",
	vss.BodyLightsBeamLowIsOn:                        "use lights = \"off\"|\"low\"|\"high\"",
	vss.BodyLightsBeamHighIsOn:                       "use lights = \"off\"|\"low\"|\"high\"",
	vss.DiagnosticsDTCCount:                          "use dtc = <count>",
	vss.OBDStatusIsMILOn:                             "use mil = true|false (or dtc)",
	vss.ExteriorAirTemperature:                       "use outside_temp = <°C>",
	vss.PowertrainType:                               "use [start] powertrain",
	vss.ChassisAxleRow1WheelLeftTirePressure:         "use [start] tyre_kpa or leak = {…}",
	vss.ChassisAxleRow1WheelRightTirePressure:        "use [start] tyre_kpa or leak = {…}",
	vss.ChassisAxleRow2WheelLeftTirePressure:         "use [start] tyre_kpa or leak = {…}",
	vss.ChassisAxleRow2WheelRightTirePressure:        "use [start] tyre_kpa or leak = {…}",
}

var settable = func() [vss.Count + 1]bool {
	var s [vss.Count + 1]bool
	for _, id := range inputDefaults {
		s[id] = true
	}
	for _, id := range []vss.ID{
		vss.OccupantRow1DriverSideIdentifierSubject,
		vss.CabinInfotainmentMediaAction, vss.CabinInfotainmentMediaPlayedArtist,
		vss.CabinInfotainmentMediaPlayedAlbum, vss.CabinInfotainmentMediaPlayedTrack,
		vss.CabinInfotainmentMediaVolume,
	} {
		s[id] = true
	}
	return s
}()

// notSettable reports why set = {…} may not address id.
func notSettable(id vss.ID) (string, bool) {
	if settable[id] {
		return "", false
	}
	if h, ok := dedicated[id]; ok {
		return h, true
	}
	return "it is computed by the simulated car", true
}

// command applies a command frame's request, as the car's ECUs would: an
// input signal the model does not compute (the climate settings, media…)
// takes the value asked for. It reports false for a signal the model
// computes, which it leaves alone.
func (m *model) command(id vss.ID, v vehicle.Value) bool {
	if !vss.Valid(id) || !settable[id] {
		return false
	}
	m.val[id], m.has[id] = v, true
	return true
}

// scenarioTime is the time on the scenario's timeline.
func (m *model) scenarioTime() time.Duration {
	if m.sc.End == Loop && m.sc.Duration > 0 {
		return m.t - time.Duration(m.lap)*m.sc.Duration
	}
	return m.t
}

// timeline applies the events due at the current time.
func (m *model) timeline() {
	if m.sc.End == Loop && m.sc.Duration > 0 && m.t >= time.Duration(m.lap+1)*m.sc.Duration {
		m.lap++
		m.next = 0
		m.applyStartControls()
	}
	ts := m.scenarioTime()
	for m.next < len(m.sc.Events) && m.sc.Events[m.next].At <= ts {
		m.apply(&m.sc.Events[m.next])
		m.next++
	}
}

func (m *model) apply(e *Event) {
	if e.Speed != nil {
		m.target = *e.Speed / 3.6
	}
	if e.Gear != nil {
		m.wantGear = *e.Gear
	}
	if e.Engine != nil {
		m.wantEngine = *e.Engine
	}
	if e.ParkingBrake != nil {
		m.wantBrake = *e.ParkingBrake
		if !m.wantBrake {
			m.parkingBrake = false
		}
	}
	if e.Indicator != nil {
		m.indicator = *e.Indicator
	}
	if e.Lights != nil {
		m.lights = *e.Lights
	}
	if e.OutsideTemp != nil {
		m.outsideSet = *e.OutsideTemp
	}
	for _, a := range e.Set {
		m.val[a.ID], m.has[a.ID] = a.Value, true
	}
	if e.Leak != nil {
		m.leak[e.Leak.Tyre] = e.Leak.KPaPerMin
	}
	if e.DTC != nil {
		m.dtc = *e.DTC
		m.mil = m.dtc > 0
	}
	if e.MIL != nil {
		m.mil = *e.MIL
	}
	if e.Fault != nil {
		m.fault = *e.Fault
	}
	for _, id := range e.Press {
		m.press[id] = m.t + 200*time.Millisecond
	}
	if e.TripReset {
		m.tripMeter = 0
	}
}

// advance moves the model one Tick forward.
func (m *model) advance() {
	m.step++
	m.t = time.Duration(m.step) * Tick
	m.timeline()
	m.drive()
	m.powertrain()
	m.thermal()
	m.electrics()
	m.tyres()
	m.publish()
}

// drive runs the driver and the longitudinal and lateral motion.
func (m *model) drive() {
	c := &m.c
	stopped := m.v < 0.01
	// Gear, engine and parking brake changes that need the car at rest.
	needsStop := false
	if m.wantGear != m.gear {
		moving := func(g Gear) bool { return g == Drive || g == Neutral }
		if stopped || (moving(m.wantGear) && moving(m.gear)) {
			m.gear = m.wantGear
			m.shiftHold = 0.5
		} else {
			needsStop = true
		}
	}
	if m.wantEngine != m.engine {
		if m.wantEngine && m.fuelOK() {
			m.engine = true
			m.crank = 0.6
			m.sinceStart, m.tripTime = 0, 0
			if c.engineKW == 0 {
				m.crank = 0
			}
		} else if !m.wantEngine {
			if stopped {
				m.engine = false
			} else {
				needsStop = true
			}
		}
	}
	if m.wantBrake != m.parkingBrake {
		if stopped || !m.wantBrake {
			m.parkingBrake = m.wantBrake
		} else {
			needsStop = true
		}
	}

	dir := 1.0
	if m.gear == Reverse {
		dir = -1
	}
	// The driver's speed wander (Ornstein-Uhlenbeck, τ = 10 s, σ ≈ 0.5 m/s).
	m.jitter += -m.jitter/10*dt + 0.5*math.Sqrt(2*dt/10)*m.rng.NormFloat64()

	ref := m.target
	if ref > 0.5 {
		ref = math.Max(0, ref+m.jitter)
		ref = math.Min(ref, m.target+1) // never more than ~4 km/h over the target
	}
	driving := (m.gear == Drive || m.gear == Reverse) && m.engine && m.crank <= 0 && !m.parkingBrake && !needsStop
	if !driving {
		ref = 0
	}
	if m.gear == Reverse {
		ref = math.Min(ref, 8/3.6)
	}
	if m.route != nil && dir > 0 && m.v > 0 {
		horizon := m.v*m.v/(2*c.cornerDecel) + 30
		ref = math.Min(ref, m.route.SpeedLimit(m.s, c.cornerDecel, horizon))
	}

	// Resistances: rolling and aerodynamic drag, as a deceleration.
	drag := 0.0
	if m.v > 0 {
		drag = 9.81*c.crr + 0.5*c.rho*c.cda*m.v*m.v/c.mass
	}
	var want float64
	switch {
	case m.gear == Neutral || m.gear == Park && !stopped:
		want = -drag
	case ref == 0 && m.v < 1:
		want = -math.Max(1.0, m.v) // stop firmly
	default:
		want = 0.7 * (ref - m.v)
	}
	// Power limit of the powertrain.
	if m.v > 1 {
		maxKW := c.engineKW + c.motorKW*0.5
		if c.engineKW == 0 {
			maxKW = c.motorKW
		}
		want = math.Min(want, maxKW*1000*0.9/(c.mass*m.v)-drag)
	}
	// Drivers accelerate less briskly the faster they go.
	accel := c.accel * math.Max(0.45, math.Min(1, 14/math.Max(m.v, 1)))
	want = math.Max(-c.brake, math.Min(accel, want))
	// Jerk limit.
	da := want - m.a
	lim := c.jerk * dt
	if m.v < 0.5 && want < 0 {
		lim = 4 * c.jerk * dt // creeping to a halt: brakes bite quickly
	}
	m.a += math.Max(-lim, math.Min(lim, da))
	m.a = math.Max(-c.brake, math.Min(c.accel, m.a))
	m.v += m.a * dt
	if m.v <= 0 {
		m.v = 0
		if m.a < 0 {
			m.a = 0
		}
	}
	ds := m.v * dt
	m.odometer += ds
	m.tripMeter += ds
	m.sinceStart += ds
	if m.engine {
		m.tripTime += dt
	}
	if m.route != nil {
		m.s = m.route.wrap(m.s + dir*ds)
		// Heading follows the street's bearing over ~6 m of travel; the
		// curvature is the heading's change per metre.
		if ds > 0 {
			b := m.route.At(m.s).Bearing
			k := 1 - math.Exp(-ds/6)
			dh := wrapDeg(b-m.heading) * k
			m.heading = normDeg(m.heading + dh)
			kc := 1 - math.Exp(-ds/3)
			m.curv += (dir*dh*math.Pi/180/ds - m.curv) * kc
		}
	}
	// Pedals as the driver would press them.
	m.accelPedal, m.brakePedal = 0, 0
	if driving || m.gear == Reverse {
		switch net := m.a + drag; {
		case net > 0.05:
			m.accelPedal = math.Min(100, 8+100*net/c.accel*0.6+100*m.v/70)
		case m.a < -drag-0.3:
			m.brakePedal = math.Min(100, 100*(-m.a-drag)/8)
		}
	}
	if stopped && m.engine && (m.gear == Drive || m.gear == Reverse) && !m.parkingBrake {
		m.brakePedal = 30 // held on the brake at a stop
	}
	m.shiftHold -= dt
}

func (m *model) fuelOK() bool { return m.c.tankL == 0 || m.fuelL > 0 }

// pickGear chooses the automatic gearbox's gear.
func (m *model) pickGear() int {
	switch {
	case m.gear == Reverse:
		return -1
	case m.gear != Drive:
		return 0
	case m.c.engineKW == 0:
		return 1 // single-speed electric drive
	}
	g := max(1, m.currentGear)
	load := math.Max(0, math.Min(1, m.a/m.c.accel))
	up := 2000 + 1800*load
	if m.shiftHold > 0 {
		return g
	}
	if g < 6 && m.gearRPM(g) > up && m.gearRPM(g+1) > 1150 {
		m.shiftHold = 0.8
		return g + 1
	}
	if g > 1 && (m.gearRPM(g) < 1100 || load > 0.7 && m.gearRPM(g) < 1700 && m.gearRPM(g-1) < 3000) {
		m.shiftHold = 0.8
		return g - 1
	}
	return g
}

// gearRPM is the engine speed the wheels impose in gear g.
func (m *model) gearRPM(g int) float64 {
	ratio := m.c.reverseRatio
	if g > 0 {
		ratio = m.c.ratios[g-1]
	}
	return m.v / (2 * math.Pi * m.c.wheelR) * 60 * ratio * m.c.finalDrive
}

// powertrain computes engine speed, motor power, fuel and charge.
func (m *model) powertrain() {
	c := &m.c
	m.currentGear = m.pickGear()
	// Power at the wheels.
	drag := 0.0
	if m.v > 0 {
		drag = c.mass*9.81*c.crr + 0.5*c.rho*c.cda*m.v*m.v
	}
	pw := (1.05*c.mass*m.a + drag) * m.v // W
	if m.gear == Neutral || m.gear == Park {
		pw = 0
	}
	const eta = 0.9
	engineW, motorW := 0.0, 0.0
	switch {
	case c.engineKW == 0: // electric
		if m.engine {
			if pw >= 0 {
				motorW = pw / eta
			} else if m.v > 1.5 && m.socPct < 98 {
				motorW = math.Max(pw*0.7, -c.regenKW*1000)
			}
		}
	case c.motorKW > 0: // hybrid
		if pw >= 0 {
			assist := 0.25
			if m.v < 7 && pw < 12000 {
				assist = 1
			}
			if m.socPct > 20 {
				motorW = math.Min(pw/eta*assist, c.motorKW*1000)
			}
			engineW = pw/eta - motorW
			if m.socPct < 40 && m.v > 5 && pw < 30000 && m.engine {
				motorW -= 5000 // the engine charges the battery
				engineW += 5000
			}
		} else if m.v > 1.5 && m.socPct < 90 {
			motorW = math.Max(pw*0.7, -c.regenKW*1000)
		}
	default:
		engineW = math.Max(0, pw/eta)
	}
	if !m.engine {
		engineW, motorW = 0, 0
	}
	m.motorKW = motorW / 1000

	// Battery: discharge at 95 % efficiency, charge at 90 %.
	if c.battKWh > 0 {
		e := motorW * dt / 3600 // Wh
		if e > 0 {
			e /= 0.95
		} else {
			e *= 0.9
		}
		if c.engineKW == 0 && m.engine {
			e += 800 * dt / 3600 // auxiliaries
		}
		m.socPct = math.Max(0, math.Min(100, m.socPct-e/(c.battKWh*1000)*100))
		if e > 0 && c.engineKW == 0 {
			m.elecWh += e
		}
		if c.engineKW == 0 {
			m.elecDist += m.v * dt
		}
		if m.socPct == 0 && c.engineKW == 0 {
			m.wantEngine = false // flat battery: the car rolls to a stop
		}
	}

	// Engine speed.
	target := 0.0
	if m.engine && c.engineKW > 0 {
		idle := c.idle
		if m.coolant < 30 {
			idle += 350 * (30 - math.Max(0, m.coolant)) / 30 // fast idle when cold
		}
		target = idle
		if m.currentGear != 0 {
			g := m.gearRPM(m.currentGear)
			if m.currentGear == 1 || m.currentGear == -1 {
				// Torque converter: slips above idle when pulling away.
				g = math.Max(g, idle+1200*math.Max(0, m.accelPedal-8)/100)
			}
			target = math.Max(idle, g)
		}
		target = math.Min(target, c.redline)
		if m.crank > 0 {
			m.crank -= dt
			target = 250
			if m.crank <= 0 {
				m.rpm = idle + 400 // start flare
			}
		}
	}
	m.rpm += (target - m.rpm) * (1 - math.Exp(-dt/0.15))
	if !m.engine || c.engineKW == 0 {
		m.rpm = 0
	}

	// Fuel: idle flow plus engine power over a load-dependent efficiency;
	// cut on overrun.
	m.fuelRate = 0
	if m.engine && c.engineKW > 0 && m.crank <= 0 {
		idle := 0.6 / 3600 // L/s
		if m.coolant < 60 {
			idle *= 1.6
		}
		switch {
		case engineW > 0:
			eff := 0.12 + 0.22*math.Min(1, engineW/30000)
			m.fuelRate = idle + engineW/(eff*34.2e6)
		case m.a < -0.3 && m.rpm > 1200:
			m.fuelRate = 0
		default:
			m.fuelRate = idle
		}
		burn := math.Min(m.fuelL, m.fuelRate*dt)
		m.fuelL -= burn
		m.fuelUsed += burn
		m.fuelDist += m.v * dt
		if m.fuelL <= 0 {
			m.fuelL = 0
			m.engine, m.wantEngine = false, false // out of fuel: the engine dies
		}
	}
	inst := 0.0
	if m.v > 0.5 {
		inst = math.Min(99.9, m.fuelRate/m.v*1e5)
	}
	m.consumption += (inst - m.consumption) * (1 - math.Exp(-dt/1.0))
	low := m.fuelL < 0.10*c.tankL
	if m.fuelLow && m.fuelL > 0.12*c.tankL {
		m.fuelLow = false
	} else if low {
		m.fuelLow = true
	}
}

// thermal runs the coolant, oil, cabin and outside temperatures.
func (m *model) thermal() {
	m.outside += (m.outsideSet - m.outside) * (1 - math.Exp(-dt/60))
	if m.c.engineKW > 0 {
		if m.engine {
			load := math.Max(0, m.rpm-m.c.idle) / 3000
			heat := 0.08 + 0.25*load // °C/s from combustion
			target := 90 + 4*load
			rate := heat
			if m.fault&FaultOverheat != 0 {
				target = 122
			} else if m.coolant > target-3 {
				rate = math.Min(heat, (target-m.coolant)/8) // thermostat opens
			}
			if m.coolant < target {
				m.coolant += math.Max(0, rate) * dt
			} else {
				m.coolant += (target - m.coolant) * (1 - math.Exp(-dt/20))
			}
			m.oil += (m.coolant + 6*load - m.oil) * (1 - math.Exp(-dt/300))
		} else {
			m.coolant += (m.outside - m.coolant) * (1 - math.Exp(-dt/1500))
			m.oil += (m.outside - m.oil) * (1 - math.Exp(-dt/2500))
		}
	}
	set := m.val[vss.CabinHVACStationRow1DriverTemperature].Num
	if set < m.cabin && m.val[vss.CabinHVACIsAirConditioningActive].Num == 0 {
		set = math.Max(set, m.outside) // without AC, fresh air cools no lower than outside
	}
	if m.engine && (m.c.engineKW == 0 || m.coolant > 35 || set < m.cabin) {
		m.cabin += (set - m.cabin) * (1 - math.Exp(-dt/240))
	} else {
		m.cabin += (m.outside - m.cabin) * (1 - math.Exp(-dt/1200))
	}
}

// electrics runs the 12 V system.
func (m *model) electrics() {
	target := 12.4 - m.battSag
	switch {
	case m.engine && m.crank > 0:
		target = 10.6 // cranking
	case m.engine && m.fault&FaultAlternator == 0:
		target = 14.2
		m.battSag = math.Max(0, m.battSag-dt/600)
	case m.engine:
		m.battSag = math.Min(1.0, m.battSag+dt/1800) // ~0.6 V in 20 minutes without charging
		target = 12.4 - m.battSag
	}
	m.volts += (target - m.volts) * (1 - math.Exp(-dt/0.3))
}

// tyres runs the four tyre pressures: cold pressure less leaks, warmed
// with the tyres (ideal gas), plus a little sensor noise.
func (m *model) tyres() {
	warm := m.outside + 12*math.Min(1, m.v/20) + 4*math.Min(1, m.v/35)
	m.tyreTemp += (warm - m.tyreTemp) * (1 - math.Exp(-dt/600))
	for i := range m.tyreCold {
		if m.leak[i] > 0 {
			m.tyreCold[i] = math.Max(0, m.tyreCold[i]-m.leak[i]/60*dt)
		}
		m.tyreNoise[i] += -m.tyreNoise[i]/30*dt + 0.3*math.Sqrt(2*dt/30)*m.rng.NormFloat64()
	}
}

func (m *model) tyrePressure(i int) float64 {
	abs := (m.tyreCold[i] + 101.3) * (m.tyreTemp + 273.15) / (m.tyreRef + 273.15)
	return math.Max(0, abs-101.3+m.tyreNoise[i])
}

// set stores a computed signal.
func (m *model) set(id vss.ID, x float64) {
	m.val[id] = vehicle.Value{Num: x}
	m.has[id] = true
}

// publish writes the state into the VSS value vector.
func (m *model) publish() {
	c := &m.c
	kmh := m.v * 3.6
	m.set(vss.Speed, kmh)
	m.set(vss.IsMoving, b2f(kmh > vehicle.MovingThreshold))
	m.set(vss.TraveledDistance, math.Floor(m.odometer))
	m.set(vss.TraveledDistanceSinceStart, math.Floor(m.sinceStart))
	m.set(vss.TripMeterReading, math.Floor(m.tripMeter))
	m.set(vss.TripDuration, m.tripTime)
	avg := 0.0
	if m.tripTime > 1 {
		avg = m.sinceStart / m.tripTime * 3.6
	}
	m.set(vss.AverageSpeed, avg)
	m.val[vss.PowertrainType], m.has[vss.PowertrainType] = vehicle.Value{Str: m.sc.Start.Powertrain}, true
	m.set(vss.PowertrainTransmissionSelectedGear, float64(m.gear))
	m.set(vss.PowertrainTransmissionCurrentGear, float64(m.currentGear))
	m.set(vss.ChassisParkingBrakeIsEngaged, b2f(m.parkingBrake))
	m.set(vss.ChassisAcceleratorPedalPosition, math.Round(m.accelPedal))
	m.set(vss.ChassisBrakePedalPosition, math.Round(m.brakePedal))

	fuelRange, battRange := 0.0, 0.0
	if c.tankL > 0 {
		m.set(vss.PowertrainCombustionEngineSpeed, m.rpm)
		m.set(vss.PowertrainCombustionEngineEngineCoolantTemperature, m.coolant)
		m.set(vss.PowertrainCombustionEngineEngineOilTemperature, m.oil)
		m.set(vss.PowertrainFuelSystemRelativeLevel, math.Round(m.fuelL/c.tankL*100))
		m.set(vss.PowertrainFuelSystemInstantConsumption, m.consumption)
		// Range from the remaining fuel at the consumption so far, weighted
		// toward the car's long-term average (50 km at fuelLPer100).
		avgL := (m.fuelUsed + c.fuelLPer100/2) / (m.fuelDist/1000 + 50) * 100
		fuelRange = m.fuelL / avgL * 100e3
		m.set(vss.PowertrainFuelSystemRange, math.Floor(fuelRange))
		m.set(vss.PowertrainFuelSystemIsFuelLevelLow, b2f(m.fuelLow))
	}
	if c.battKWh > 0 {
		m.set(vss.PowertrainTractionBatteryStateOfChargeCurrent, m.socPct)
		m.set(vss.PowertrainElectricMotorPower, math.Round(m.motorKW))
		whPerKm := c.evWhPerKm
		if c.engineKW == 0 {
			whPerKm = (m.elecWh + c.evWhPerKm*50) / (m.elecDist/1000 + 50)
		}
		battRange = m.socPct / 100 * c.battKWh * 1000 / whPerKm * 1000
		m.set(vss.PowertrainTractionBatteryRange, math.Floor(battRange))
	}
	m.set(vss.PowertrainRange, math.Floor(fuelRange+battRange))

	m.set(vss.ExteriorAirTemperature, m.outside)
	m.set(vss.CabinHVACAmbientAirTemperature, m.cabin)
	m.set(vss.LowVoltageBatteryCurrentVoltage, m.volts+0.02*m.rng.NormFloat64())
	m.set(vss.ChassisAxleRow1WheelLeftTirePressure, m.tyrePressure(0))
	m.set(vss.ChassisAxleRow1WheelRightTirePressure, m.tyrePressure(1))
	m.set(vss.ChassisAxleRow2WheelLeftTirePressure, m.tyrePressure(2))
	m.set(vss.ChassisAxleRow2WheelRightTirePressure, m.tyrePressure(3))

	m.set(vss.BodyLightsDirectionIndicatorLeftIsSignaling, b2f(m.indicator == IndicatorLeft || m.indicator == IndicatorHazard))
	m.set(vss.BodyLightsDirectionIndicatorRightIsSignaling, b2f(m.indicator == IndicatorRight || m.indicator == IndicatorHazard))
	m.set(vss.BodyLightsHazardIsSignaling, b2f(m.indicator == IndicatorHazard))
	m.set(vss.BodyLightsBeamLowIsOn, b2f(m.lights != LightsOff))
	m.set(vss.BodyLightsBeamHighIsOn, b2f(m.lights == LightsHigh))
	m.set(vss.DiagnosticsDTCCount, float64(m.dtc))
	m.set(vss.OBDStatusIsMILOn, b2f(m.mil))
	for _, id := range []vss.ID{
		vss.ChassisSteeringWheelButtonVolumeUpIsPressed, vss.ChassisSteeringWheelButtonVolumeDownIsPressed,
		vss.ChassisSteeringWheelButtonNextIsPressed, vss.ChassisSteeringWheelButtonPreviousIsPressed,
		vss.ChassisSteeringWheelButtonVoiceIsPressed,
	} {
		if m.press[id] > 0 {
			m.set(id, b2f(m.t < m.press[id]))
			if m.t >= m.press[id] {
				m.press[id] = 0
			}
		}
	}

	if m.route != nil {
		p := m.route.At(m.s)
		m.set(vss.CurrentLocationLatitude, p.Lat)
		m.set(vss.CurrentLocationLongitude, p.Lon)
		m.set(vss.CurrentLocationAltitude, p.Alt)
		m.set(vss.CurrentLocationHeading, m.heading)
		// Bicycle model: road-wheel angle atan(wheelbase × curvature);
		// VSS counts the steering wheel positive to the left, compass
		// headings grow to the right.
		angle := -c.steerRatio * math.Atan(c.wheelbase*m.curv) * 180 / math.Pi
		m.set(vss.ChassisSteeringWheelAngle, math.Round(math.Max(-540, math.Min(540, angle))))
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
