// Package home owns the cockpit's home screen: speed, selected gear, the
// engine-speed or motor-power gauge, fuel or charge with range, odometer,
// trip, outside temperature and the telltale row. It reads the vehicle Store
// through the shell's update loop and shows "—" (and dims telltales) for
// anything that is not live; it decides nothing about alerts (app/health
// does) and does no I/O.
package home

import (
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	ftheme "fyne.io/fyne/v2/theme"

	"github.com/fascia-hmi/fascia/app/health"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/ui/mapview"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
	"github.com/fascia-hmi/fascia/widgets"
)

func init() {
	ui.Register(ui.Screen{Name: "home", Title: "Home", Icon: ftheme.HomeIcon(), Order: 0, New: func(env *ui.Env) fyne.CanvasObject { return New(env).Content() }})
}

// Gauge ranges. The catalog gives no limits for engine speed or motor
// power; these cover road cars, and values beyond them pin at the end.
const (
	rpmMax      = 8000
	rpmRedline  = 6500
	rpmStep     = 50  // resolution of the rpm digits, as on a car's digital tachometer
	powerMin    = -60 // kW, regeneration
	powerMax    = 200 // kW
	lowFraction = health.LowFuelPercent / 100
)

// Screen is the home screen's widgets, exported for tests.
type Screen struct {
	Speed    *widgets.Readout
	Gear     *Gear
	RPM      *widgets.Gauge
	Power    *widgets.Gauge
	Energy   *widgets.Readout // fuel or charge level, %
	Bar      *widgets.Bar
	Range    *widgets.Readout
	Odometer *widgets.Readout
	Trip     *widgets.Readout
	Outside  *widgets.Readout
	Lamps    map[string]*widgets.Telltale
	Map      *widgets.TileMap // small map following the car; a tap opens the Map screen

	env     *ui.Env
	content fyne.CanvasObject
}

// Telltale names, left to right.
const (
	LampLeft         = "left indicator"
	LampRight        = "right indicator"
	LampHazard       = "hazard"
	LampHighBeam     = "high beam"
	LampSeatBelt     = "seat belt"
	LampDoor         = "door open"
	LampParkingBrake = "parking brake"
	LampLowFuel      = "low fuel"
	LampCheckEngine  = "check engine"
	LampTyre         = "tyre pressure"
	LampBattery      = "low 12 V"
)

var doorIDs = []vss.ID{
	vss.CabinDoorRow1DriverSideIsOpen, vss.CabinDoorRow1PassengerSideIsOpen,
	vss.CabinDoorRow2DriverSideIsOpen, vss.CabinDoorRow2PassengerSideIsOpen,
	vss.BodyTrunkRearIsOpen, vss.BodyTrunkFrontIsOpen,
}

var tyreIDs = []vss.ID{
	vss.ChassisAxleRow1WheelLeftTirePressure, vss.ChassisAxleRow1WheelRightTirePressure,
	vss.ChassisAxleRow2WheelLeftTirePressure, vss.ChassisAxleRow2WheelRightTirePressure,
}

// New builds the home screen and binds it to the Store.
func New(env *ui.Env) *Screen {
	s := &Screen{env: env, Lamps: map[string]*widgets.Telltale{}}
	s.Speed = widgets.NewReadout("", "km/h")
	s.Speed.Template = "888"
	s.Speed.TextSize = fascia.SizeNameSpeedText
	s.Gear = newGear()

	s.RPM = widgets.NewGauge(0, rpmMax)
	s.RPM.Redline, s.RPM.MajorStep, s.RPM.MinorStep, s.RPM.Label = rpmRedline, 1000, 500, "rpm"
	s.RPM.TickLabel = func(v float64) string { return ui.Number(v/1000, 0) }
	s.RPM.Step = rpmStep
	s.Power = widgets.NewGauge(powerMin, powerMax)
	s.Power.Origin, s.Power.MajorStep, s.Power.MinorStep, s.Power.Label = 0, 50, 10, "kW"
	s.Power.Format = func(v float64) string { return ui.Number(v, 0) }
	s.Power.TickLabel = func(v float64) string { return ui.Number(v, 0) }
	s.Power.Hide()

	value := func(caption string) *widgets.Readout {
		r := widgets.NewReadout(caption, "")
		r.CaptionLeading = true
		r.TextSize = fascia.SizeNameValueText
		return r
	}
	s.Energy, s.Range = value("Fuel"), value("Range")
	s.Energy.SetUnit("%")
	s.Odometer, s.Trip, s.Outside = value("Odometer"), value("Trip"), value("Outside")
	s.Bar = widgets.NewBar(lowFraction)

	lamps := []struct {
		name  string
		icon  fyne.Resource
		color fyne.ThemeColorName
	}{
		{LampLeft, fascia.IconIndicatorLeft, fascia.ColorNameTelltaleGreen},
		{LampHazard, fascia.IconHazard, fascia.ColorNameTelltaleRed},
		{LampHighBeam, fascia.IconHighBeam, fascia.ColorNameTelltaleBlue},
		{LampSeatBelt, fascia.IconSeatBelt, fascia.ColorNameTelltaleRed},
		{LampDoor, fascia.IconDoor, fascia.ColorNameTelltaleRed},
		{LampParkingBrake, fascia.IconParkingBrake, fascia.ColorNameTelltaleRed},
		{LampLowFuel, fascia.IconFuel, fascia.ColorNameTelltaleAmber},
		{LampCheckEngine, fascia.IconEngine, fascia.ColorNameTelltaleAmber},
		{LampTyre, fascia.IconTyre, fascia.ColorNameTelltaleAmber},
		{LampBattery, fascia.IconBattery, fascia.ColorNameTelltaleRed},
		{LampRight, fascia.IconIndicatorRight, fascia.ColorNameTelltaleGreen},
	}
	row := container.NewHBox(layout.NewSpacer())
	for _, l := range lamps {
		t := widgets.NewTelltale(l.name, l.icon, l.color)
		s.Lamps[l.name] = t
		row.Add(t)
	}
	row.Add(layout.NewSpacer())

	s.Map = mapview.NewSmall(env, showMap(env))
	mapPanel := ui.NewPanel(s.Map)
	mapPanel.Tight = true
	centre := &fyne.Container{Layout: centreLayout{}, Objects: []fyne.CanvasObject{container.NewBorder(nil, s.Gear, nil, nil, s.Speed), mapPanel}}
	info := ui.NewPanel(&fyne.Container{Layout: fitRows{keep: 2}, Objects: []fyne.CanvasObject{
		container.NewBorder(nil, s.Bar, nil, nil, s.Energy),
		s.Range, s.Outside, s.Odometer, s.Trip}})
	main := container.NewGridWithColumns(3, container.NewStack(s.RPM, s.Power), centre, info)
	s.content = container.NewBorder(row, nil, nil, nil, main)
	s.bind()
	return s
}

// centreLayout puts the speed over the small map when the column is tall
// enough for both (minMapColumn dp); a shorter column (an 800×480 display)
// shows only the speed, which must stay large, and hides the map.
type centreLayout struct{}

const (
	minMapColumn = 400
	mapShare     = 0.45
)

func (centreLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

func (centreLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	speed, small := objs[0], objs[1]
	speed.Move(fyne.NewPos(0, 0))
	if size.Height < minMapColumn {
		small.Hide()
		speed.Resize(size)
		return
	}
	mh := float32(math.Round(float64(size.Height * mapShare)))
	speed.Resize(fyne.NewSize(size.Width, size.Height-mh))
	small.Move(fyne.NewPos(0, size.Height-mh))
	small.Resize(fyne.NewSize(size.Width, mh))
	small.Show()
}

// fitRows stacks rows, each at its minimum height plus an equal share of
// the height left. When the column is too short for all of them (an
// 800×480 display with the now-playing strip) the last rows are hidden
// rather than squeezed over each other; the first keep rows always show.
type fitRows struct{ keep int }

func (l fitRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for i, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		if i < l.keep {
			if i > 0 {
				s.Height += ftheme.Padding()
			}
			s.Height += m.Height
		}
	}
	return s
}

func (l fitRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := ftheme.Padding()
	mins := make([]float32, len(objs))
	for i, o := range objs {
		mins[i] = o.MinSize().Height
	}
	// need is the height of the first n rows at their minimums.
	need := func(n int) float32 {
		h := pad * float32(n-1)
		for _, m := range mins[:n] {
			h += m
		}
		return h
	}
	// The most rows whose minimums fit, never fewer than keep.
	n := len(objs)
	for n > l.keep && need(n) > size.Height {
		n--
	}
	used := need(n)
	extra := max(0, size.Height-used) / float32(n)
	y := float32(0)
	for i, o := range objs {
		if i >= n {
			o.Hide()
			continue
		}
		h := mins[i] + extra
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		o.Show()
		y += h + pad
	}
}

// showMap returns what a tap on the small map does: open the Map screen,
// when the shell lets screens switch screens (nil otherwise).
func showMap(env *ui.Env) func() {
	sw, ok := any(env).(interface{ Show(name string) error })
	if !ok {
		return nil
	}
	return func() { _ = sw.Show("map") }
}

// Content returns the screen's canvas object.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

func (s *Screen) bind() {
	loop, store := s.env.Loop, s.env.Store
	get := store.Get

	loop.Bind(func() {
		r := get(vss.Speed)
		v, unit := ui.Speed(r.Num, s.env.Units())
		s.Speed.SetUnit(unit)
		if !r.OK() {
			s.Speed.SetUnknown()
			return
		}
		s.Speed.SetText(ui.Number(v, 0))
	}, vss.Speed)

	loop.Bind(func() { s.Gear.Set(get(vss.PowertrainTransmissionSelectedGear)) }, vss.PowertrainTransmissionSelectedGear)

	loop.Bind(func() {
		typ, rpm, pw := get(vss.PowertrainType), get(vss.PowertrainCombustionEngineSpeed), get(vss.PowertrainElectricMotorPower)
		electric := typ.OK() && typ.Str == "ELECTRIC" || !typ.OK() && !rpm.OK() && pw.OK() ||
			typ.OK() && typ.Str == "HYBRID" && !rpm.OK() && pw.OK()
		if electric {
			s.RPM.Hide()
			s.Power.Show()
		} else {
			s.Power.Hide()
			s.RPM.Show()
		}
		setGauge(s.RPM, rpm)
		setGauge(s.Power, pw)
	}, vss.PowertrainType, vss.PowertrainCombustionEngineSpeed, vss.PowertrainElectricMotorPower)

	loop.Bind(s.energy, vss.PowertrainType, vss.PowertrainFuelSystemRelativeLevel, vss.PowertrainTractionBatteryStateOfChargeCurrent,
		vss.PowertrainFuelSystemRange, vss.PowertrainTractionBatteryRange, vss.PowertrainRange)

	distance := func(r *widgets.Readout, decimals int, ids ...vss.ID) {
		loop.Bind(func() {
			for _, id := range ids {
				if v := get(id); v.OK() {
					d, unit := ui.Distance(v.Num, s.env.Units())
					r.SetUnit(unit)
					r.SetText(ui.Number(d, decimals))
					return
				}
			}
			_, unit := ui.Distance(0, s.env.Units())
			r.SetUnit(unit)
			r.SetUnknown()
		}, ids...)
	}
	distance(s.Odometer, 0, vss.TraveledDistance)
	distance(s.Trip, 1, vss.TripMeterReading, vss.TraveledDistanceSinceStart)
	loop.Bind(func() {
		r := get(vss.ExteriorAirTemperature)
		v, unit := ui.Temperature(r.Num, s.env.Units())
		s.Outside.SetUnit(unit)
		if !r.OK() {
			s.Outside.SetUnknown()
			return
		}
		s.Outside.SetText(ui.Number(v, 0))
	}, vss.ExteriorAirTemperature)

	lamp := func(name string, state func() widgets.LampState, ids ...vss.ID) {
		loop.Bind(func() { s.Lamps[name].SetState(state()) }, ids...)
	}
	lamp(LampHighBeam, func() widgets.LampState { return ui.Lamp(get(vss.BodyLightsBeamHighIsOn)) }, vss.BodyLightsBeamHighIsOn)
	lamp(LampSeatBelt, func() widgets.LampState { return invert(ui.Lamp(get(vss.CabinSeatRow1DriverSideIsBelted))) }, vss.CabinSeatRow1DriverSideIsBelted)
	lamp(LampDoor, func() widgets.LampState { return ui.AnyLamp(readings(get, doorIDs)...) }, doorIDs...)
	lamp(LampParkingBrake, func() widgets.LampState { return ui.Lamp(get(vss.ChassisParkingBrakeIsEngaged)) }, vss.ChassisParkingBrakeIsEngaged)
	lamp(LampCheckEngine, func() widgets.LampState { return ui.Lamp(get(vss.OBDStatusIsMILOn)) }, vss.OBDStatusIsMILOn)
	lamp(LampLowFuel, func() widgets.LampState { return lowEnergy(get) },
		vss.PowertrainFuelSystemIsFuelLevelLow, vss.PowertrainFuelSystemRelativeLevel, vss.PowertrainTractionBatteryStateOfChargeCurrent, vss.PowertrainType)
	lamp(LampTyre, func() widgets.LampState {
		return below(health.LowTyreKPa, readings(get, tyreIDs)...)
	}, tyreIDs...)
	lamp(LampBattery, func() widgets.LampState {
		return below(health.LowBatteryVolts, get(vss.LowVoltageBatteryCurrentVoltage))
	}, vss.LowVoltageBatteryCurrentVoltage)

	// Indicators and hazard blink by the Store's clock, so they are
	// evaluated every tick; SetState redraws only when the lamp changes.
	loop.Every(func(now time.Time) {
		on := ui.BlinkOn(now)
		blink := func(name string, r vehicle.Reading) {
			st := ui.Lamp(r)
			if st == widgets.LampOn && !on {
				st = widgets.LampOff
			}
			s.Lamps[name].SetState(st)
		}
		hz := get(vss.BodyLightsHazardIsSignaling)
		left, right := get(vss.BodyLightsDirectionIndicatorLeftIsSignaling), get(vss.BodyLightsDirectionIndicatorRightIsSignaling)
		if hz.OK() && hz.Bool() {
			// The hazard lights flash both indicators.
			left, right = hz, hz
		}
		blink(LampHazard, hz)
		blink(LampLeft, left)
		blink(LampRight, right)
	})
}

func setGauge(g *widgets.Gauge, r vehicle.Reading) {
	if r.OK() {
		g.SetValue(r.Num)
	} else {
		g.SetUnknown()
	}
}

// energy shows fuel, or charge for an electric car (or when only the
// battery's level is live), with its range.
func (s *Screen) energy() {
	get := s.env.Store.Get
	typ := get(vss.PowertrainType)
	fuel, soc := get(vss.PowertrainFuelSystemRelativeLevel), get(vss.PowertrainTractionBatteryStateOfChargeCurrent)
	level, rng, caption := fuel, get(vss.PowertrainFuelSystemRange), "Fuel"
	if typ.OK() && typ.Str == "ELECTRIC" || !fuel.OK() && soc.OK() {
		level, rng, caption = soc, get(vss.PowertrainTractionBatteryRange), "Charge"
	}
	if !rng.OK() {
		rng = get(vss.PowertrainRange)
	}
	if s.Energy.Caption != caption {
		s.Energy.Caption = caption
		s.Energy.Refresh()
	}
	if level.OK() {
		s.Energy.SetText(ui.Number(level.Num, 0))
		s.Bar.SetValue(level.Num / 100)
	} else {
		s.Energy.SetUnknown()
		s.Bar.SetUnknown()
	}
	_, unit := ui.Distance(0, s.env.Units())
	s.Range.SetUnit(unit)
	if rng.OK() {
		d, _ := ui.Distance(rng.Num, s.env.Units())
		s.Range.SetText(ui.Number(d, 0))
	} else {
		s.Range.SetUnknown()
	}
}

func readings(get func(vss.ID) vehicle.Reading, ids []vss.ID) []vehicle.Reading {
	out := make([]vehicle.Reading, len(ids))
	for i, id := range ids {
		out[i] = get(id)
	}
	return out
}

func invert(s widgets.LampState) widgets.LampState {
	switch s {
	case widgets.LampOn:
		return widgets.LampOff
	case widgets.LampOff:
		return widgets.LampOn
	}
	return s
}

// below lights when any live reading is under limit; it is off when every
// reading is live and at or above it, and unknown otherwise.
func below(limit float64, rs ...vehicle.Reading) widgets.LampState {
	st := widgets.LampOff
	for _, r := range rs {
		switch {
		case !r.OK():
			st = widgets.LampUnknown
		case r.Num < limit:
			return widgets.LampOn
		}
	}
	return st
}

// lowEnergy lights the low-fuel lamp from the car's own flag when it is
// live, else from the fuel level (or the charge of an electric car) under
// the alert threshold.
func lowEnergy(get func(vss.ID) vehicle.Reading) widgets.LampState {
	if f := get(vss.PowertrainFuelSystemIsFuelLevelLow); f.OK() {
		return ui.Lamp(f)
	}
	typ := get(vss.PowertrainType)
	if typ.OK() && typ.Str == "ELECTRIC" {
		return below(health.LowFuelPercent, get(vss.PowertrainTractionBatteryStateOfChargeCurrent))
	}
	return below(health.LowFuelPercent, get(vss.PowertrainFuelSystemRelativeLevel))
}
