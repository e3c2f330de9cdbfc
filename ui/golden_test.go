package ui_test

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/health"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/ui"
	_ "github.com/fascia-hmi/fascia/ui/home"
	"github.com/fascia-hmi/fascia/ui/settings"
	_ "github.com/fascia-hmi/fascia/ui/vehicle"
	"github.com/fascia-hmi/fascia/widgets"
)

// t0 is the fixed clock of the golden images: a June afternoon, at a
// moment when blinking lamps are lit.
var t0 = func() time.Time {
	t := time.Date(2024, 6, 20, 14, 5, 20, 0, time.UTC)
	for !ui.BlinkOn(t) {
		t = t.Add(10 * time.Millisecond)
	}
	return t
}()

// scenarioCockpit returns the real cockpit (demo profile, store, alerts)
// with a fixed clock and a driving state in which most telltales are on.
func scenarioCockpit(t testing.TB) *app.Cockpit {
	t.Helper()
	cfg := config.Defaults()
	cfg.Path = t.TempDir() + "/config.toml"
	c, err := app.New(&cfg, app.Options{Clock: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	c.Version = "0.1.0-test"
	s := c.Store
	set := func(id vss.ID, v vehicle.Value) { s.Set(id, v, t0) }
	num := func(id vss.ID, v float64) { set(id, vehicle.Value{Num: v}) }
	flag := func(id vss.ID, b bool) { set(id, vehicle.BoolValue(b)) }
	num(vss.Speed, 87.4)
	num(vss.PowertrainTransmissionSelectedGear, 127)
	set(vss.PowertrainType, vehicle.Value{Str: "HYBRID"})
	num(vss.PowertrainCombustionEngineSpeed, 2450)
	num(vss.PowertrainElectricMotorPower, 12)
	num(vss.PowertrainFuelSystemRelativeLevel, 8)
	flag(vss.PowertrainFuelSystemIsFuelLevelLow, true)
	num(vss.PowertrainFuelSystemRange, 65000)
	num(vss.PowertrainTractionBatteryStateOfChargeCurrent, 55)
	num(vss.TraveledDistance, 18342600)
	num(vss.TripMeterReading, 212400)
	num(vss.ExteriorAirTemperature, 16.4)
	flag(vss.BodyLightsDirectionIndicatorLeftIsSignaling, true)
	flag(vss.BodyLightsDirectionIndicatorRightIsSignaling, false)
	flag(vss.BodyLightsHazardIsSignaling, false)
	flag(vss.BodyLightsBeamHighIsOn, true)
	flag(vss.CabinSeatRow1DriverSideIsBelted, false)
	flag(vss.CabinSeatRow1PassengerSideIsBelted, true)
	flag(vss.CabinDoorRow1DriverSideIsOpen, false)
	flag(vss.CabinDoorRow1PassengerSideIsOpen, false)
	flag(vss.CabinDoorRow2DriverSideIsOpen, true)
	flag(vss.CabinDoorRow2PassengerSideIsOpen, false)
	flag(vss.BodyTrunkRearIsOpen, false)
	flag(vss.BodyTrunkFrontIsOpen, false)
	flag(vss.OBDStatusIsMILOn, true)
	num(vss.DiagnosticsDTCCount, 2)
	num(vss.ChassisAxleRow1WheelLeftTirePressure, 182)
	num(vss.ChassisAxleRow1WheelRightTirePressure, 236)
	num(vss.ChassisAxleRow2WheelLeftTirePressure, 231)
	num(vss.ChassisAxleRow2WheelRightTirePressure, 229)
	num(vss.LowVoltageBatteryCurrentVoltage, 11.6)
	num(vss.PowertrainCombustionEngineEngineCoolantTemperature, 92)
	num(vss.PowertrainCombustionEngineEngineOilTemperature, 98)
	num(vss.CabinHVACStationRow1DriverTemperature, 21.5)
	num(vss.CabinHVACStationRow1PassengerTemperature, 22)
	num(vss.CabinHVACStationRow1DriverFanSpeed, 40)
	flag(vss.CabinHVACIsAirConditioningActive, true)
	num(vss.CabinHVACAmbientAirTemperature, 23.2)
	set(vss.OccupantRow1DriverSideIdentifierSubject, vehicle.Value{Str: "Alex"})
	num(vss.CurrentLocationLatitude, 43.7384)
	num(vss.CurrentLocationLongitude, 7.4246)
	// The parking brake was last heard from 5 s ago: stale.
	s.Set(vss.ChassisParkingBrakeIsEngaged, vehicle.BoolValue(false), t0.Add(-5*time.Second))
	c.Alerts.Evaluate()
	return c
}

var sizes = []fyne.Size{{Width: 1280, Height: 720}, {Width: 800, Height: 480}}

func TestGoldenScreens(t *testing.T) {
	for _, screen := range ui.ScreenNames() {
		for _, th := range []string{"day", "night"} {
			for _, size := range sizes {
				name := fmt.Sprintf("%s_%s_%dx%d.png", screen, th, int(size.Width), int(size.Height))
				t.Run(name, func(t *testing.T) {
					c := scenarioCockpit(t)
					if th == "day" {
						// Day images show the dock: the alerts are
						// acknowledged. Night images show the toasts.
						for _, a := range c.Alerts.Active() {
							c.Alerts.Ack(a.ID)
						}
					}
					img, err := ui.Render(c, screen, size, th)
					if err != nil {
						t.Fatal(err)
					}
					if b := img.Bounds(); b.Dx() != int(size.Width) || b.Dy() != int(size.Height) {
						t.Fatalf("image is %v, want %v", b, size)
					}
					test.AssertImageMatches(t, name, img)
				})
			}
		}
	}
}

// TestGoldenSettingsSections shows the settings sections beyond the first:
// Display, About, and Source locked while driving.
func TestGoldenSettingsSections(t *testing.T) {
	for _, tt := range []struct{ section, theme, file string }{
		{settings.SectionDisplay, "day", "settings_display_day_800x480.png"},
		{settings.SectionAbout, "day", "settings_about_day_800x480.png"},
		{settings.SectionSource, "night", "settings_source_locked_night_800x480.png"},
	} {
		t.Run(tt.section, func(t *testing.T) {
			a := test.NewTempApp(t)
			c := scenarioCockpit(t)
			for _, al := range c.Alerts.Active() {
				if al.Severity != health.Critical {
					c.Alerts.Ack(al.ID)
				}
			}
			sh := ui.New(c, ui.Options{Theme: tt.theme, SetTheme: a.Settings().SetTheme})
			if err := sh.Show("settings"); err != nil {
				t.Fatal(err)
			}
			cv := software.NewCanvas()
			cv.SetPadded(false)
			cv.SetContent(sh.Content())
			cv.Resize(fyne.NewSize(800, 480))
			sh.Loop().Step()
			nav := findButton(sh.Content(), tt.section)
			if nav == nil {
				t.Fatalf("no %s target on the settings screen", tt.section)
			}
			test.Tap(nav)
			test.AssertImageMatches(t, tt.file, cv.Capture())
		})
	}
}

// findButton finds the touch button labelled text in a tree of objects.
func findButton(o fyne.CanvasObject, text string) *widgets.TouchButton {
	switch v := o.(type) {
	case *widgets.TouchButton:
		if v.Text == text {
			return v
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}
