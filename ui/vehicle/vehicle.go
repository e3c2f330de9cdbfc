// Package vehicleui owns the cockpit's vehicle screen: the car from above
// with its doors, bonnet and boot, the four tyre pressures (low ones
// highlighted), the 12 V battery, engine temperatures, fault codes and the
// check-engine lamp, and the climate settings. It reads the vehicle Store
// through the shell's update loop, shows "—" for anything not live, and
// does no I/O.
package vehicleui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	ftheme "fyne.io/fyne/v2/theme"

	"github.com/fascia-hmi/fascia/app/health"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/ui"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
	"github.com/fascia-hmi/fascia/widgets"
)

func init() {
	ui.Register(ui.Screen{Name: "vehicle", Title: "Vehicle", Icon: fascia.IconCar, Order: 60, New: func(env *ui.Env) fyne.CanvasObject { return New(env).Content() }})
}

// Screen is the vehicle screen's widgets, exported for tests.
type Screen struct {
	Car       *CarView
	Battery   *widgets.Readout
	Coolant   *widgets.Readout
	Oil       *widgets.Readout
	Faults    *widgets.Readout // stored fault codes (DTC count)
	MIL       *widgets.Readout // check-engine lamp: On / Off
	Cabin     *widgets.Readout
	Driver    *widgets.Readout // driver's temperature setpoint
	Passenger *widgets.Readout // passenger's temperature setpoint
	Fan       *widgets.Readout
	AC        *widgets.Readout

	env     *ui.Env
	content fyne.CanvasObject
}

var openingIDs = [openings]vss.ID{
	DoorFrontLeft:  vss.CabinDoorRow1DriverSideIsOpen,
	DoorFrontRight: vss.CabinDoorRow1PassengerSideIsOpen,
	DoorRearLeft:   vss.CabinDoorRow2DriverSideIsOpen,
	DoorRearRight:  vss.CabinDoorRow2PassengerSideIsOpen,
	Hood:           vss.BodyTrunkFrontIsOpen,
	Boot:           vss.BodyTrunkRearIsOpen,
}

var tyreIDs = [wheels]vss.ID{
	WheelFrontLeft:  vss.ChassisAxleRow1WheelLeftTirePressure,
	WheelFrontRight: vss.ChassisAxleRow1WheelRightTirePressure,
	WheelRearLeft:   vss.ChassisAxleRow2WheelLeftTirePressure,
	WheelRearRight:  vss.ChassisAxleRow2WheelRightTirePressure,
}

// New builds the vehicle screen and binds it to the Store.
func New(env *ui.Env) *Screen {
	s := &Screen{env: env, Car: newCarView()}
	row := func(caption, unit string) *widgets.Readout {
		r := widgets.NewReadout(caption, unit)
		r.CaptionLeading = true
		r.TextSize = fascia.SizeNameValueText
		return r
	}
	s.Battery, s.Coolant, s.Oil = row("12 V battery", "V"), row("Coolant", "°C"), row("Oil", "°C")
	s.Faults, s.MIL = row("Fault codes", ""), row("Check engine", "")
	s.Cabin, s.Driver, s.Passenger = row("Cabin", "°C"), row("Driver set", "°C"), row("Passenger set", "°C")
	s.Fan, s.AC = row("Fan", "%"), row("A/C", "")

	status := ui.NewPanel(container.NewGridWithRows(5, s.Battery, s.Coolant, s.Oil, s.Faults, s.MIL))
	climate := ui.NewPanel(container.NewGridWithRows(5, s.Cabin, s.Driver, s.Passenger, s.Fan, s.AC))
	s.content = container.NewGridWithColumns(3, s.Car, status, climate)
	s.bind()
	return s
}

// Content returns the screen's canvas object.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

func (s *Screen) bind() {
	loop, get := s.env.Loop, s.env.Store.Get
	for i, id := range openingIDs {
		i, id := i, id
		loop.Bind(func() { s.Car.SetOpen(i, ui.Lamp(get(id))) }, id)
	}
	for i, id := range tyreIDs {
		i, id := i, id
		loop.Bind(func() {
			r, t := get(id), s.Car.Tyres[i]
			if !r.OK() {
				t.SetUnknown()
				t.SetEmphasis("")
				s.Car.SetTyreLow(i, widgets.LampUnknown)
				return
			}
			t.SetText(ui.Number(r.Num, 0))
			if r.Num < health.LowTyreKPa {
				t.SetEmphasis(warning)
				s.Car.SetTyreLow(i, widgets.LampOn)
			} else {
				t.SetEmphasis("")
				s.Car.SetTyreLow(i, widgets.LampOff)
			}
		}, id)
	}

	number := func(w *widgets.Readout, id vss.ID, decimals int, low func(float64) bool) {
		loop.Bind(func() {
			r := get(id)
			if !r.OK() {
				w.SetUnknown()
				w.SetEmphasis("")
				return
			}
			w.SetText(ui.Number(r.Num, decimals))
			if low != nil && low(r.Num) {
				w.SetEmphasis(warning)
			} else {
				w.SetEmphasis("")
			}
		}, id)
	}
	temperature := func(w *widgets.Readout, id vss.ID, decimals int) {
		loop.Bind(func() {
			r := get(id)
			v, unit := ui.Temperature(r.Num, s.env.Units())
			w.SetUnit(unit)
			if !r.OK() {
				w.SetUnknown()
				return
			}
			w.SetText(ui.Number(v, decimals))
		}, id)
	}
	onOff := func(w *widgets.Readout, id vss.ID, alarm bool) {
		loop.Bind(func() {
			r := get(id)
			switch {
			case !r.OK():
				w.SetUnknown()
				w.SetEmphasis("")
			case r.Bool():
				w.SetText("On")
				if alarm {
					w.SetEmphasis(warning)
				}
			default:
				w.SetText("Off")
				w.SetEmphasis("")
			}
		}, id)
	}
	number(s.Battery, vss.LowVoltageBatteryCurrentVoltage, 1, func(v float64) bool { return v < health.LowBatteryVolts })
	temperature(s.Coolant, vss.PowertrainCombustionEngineEngineCoolantTemperature, 0)
	temperature(s.Oil, vss.PowertrainCombustionEngineEngineOilTemperature, 0)
	number(s.Faults, vss.DiagnosticsDTCCount, 0, func(v float64) bool { return v > 0 })
	onOff(s.MIL, vss.OBDStatusIsMILOn, true)
	temperature(s.Cabin, vss.CabinHVACAmbientAirTemperature, 0)
	temperature(s.Driver, vss.CabinHVACStationRow1DriverTemperature, 1)
	temperature(s.Passenger, vss.CabinHVACStationRow1PassengerTemperature, 1)
	number(s.Fan, vss.CabinHVACStationRow1DriverFanSpeed, 0, nil)
	onOff(s.AC, vss.CabinHVACIsAirConditioningActive, false)
}

// warning is the emphasis of a value out of its normal range.
const warning = ftheme.ColorNameWarning
