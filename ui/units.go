package ui

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/widgets"
)

// Unit conversions for display. Store values are in VSS units: km/h,
// degrees Celsius, metres.
const (
	kmPerMile = 1.609344
	mPerKm    = 1000
)

// Speed converts a VSS speed (km/h) to the chosen unit.
func Speed(kmh float64, u config.Units) (float64, string) {
	if u.Speed == "mph" {
		return kmh / kmPerMile, "mph"
	}
	return kmh, "km/h"
}

// Temperature converts a VSS temperature (°C) to the chosen unit.
func Temperature(c float64, u config.Units) (float64, string) {
	if u.Temperature == "F" {
		return c*9/5 + 32, "°F"
	}
	return c, "°C"
}

// Distance converts a VSS distance (m) to the chosen unit (km or mi).
func Distance(m float64, u config.Units) (float64, string) {
	if u.Distance == "mi" {
		return m / mPerKm / kmPerMile, "mi"
	}
	return m / mPerKm, "km"
}

// Number formats v with the given decimals, grouping thousands with thin
// spaces, and never shows "-0".
func Number(v float64, decimals int) string {
	p := math.Pow(10, float64(decimals))
	v = math.Round(v*p) / p
	if v == 0 {
		v = 0 // turn -0 into 0
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteString("−")
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString("\u2009")
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(".")
		b.WriteString(frac)
	}
	return b.String()
}

// Lamp returns the telltale state of a boolean reading: on or off when it
// is live, unknown otherwise (a stale lamp never shows its old state).
func Lamp(r vehicle.Reading) widgets.LampState {
	if !r.OK() {
		return widgets.LampUnknown
	}
	if r.Bool() {
		return widgets.LampOn
	}
	return widgets.LampOff
}

// AnyLamp combines readings into one lamp: on if any live reading is on;
// off if every reading is live and off; unknown otherwise.
func AnyLamp(rs ...vehicle.Reading) widgets.LampState {
	st := widgets.LampOff
	for _, r := range rs {
		switch Lamp(r) {
		case widgets.LampOn:
			return widgets.LampOn
		case widgets.LampUnknown:
			st = widgets.LampUnknown
		}
	}
	if len(rs) == 0 {
		return widgets.LampUnknown
	}
	return st
}

// BlinkRate is how often a blinking telltale (indicators, hazard) flashes,
// in flashes per second: within the 1–2 Hz regulations ask for.
const BlinkRate = 1.5

var blinkHalf = time.Duration(math.Round(float64(time.Second) / BlinkRate / 2))

// BlinkOn reports whether a blinking lamp is lit at time now (half of each
// period lit). It goes by the Store's clock, so that renders are
// deterministic.
func BlinkOn(now time.Time) bool {
	return (now.UnixNano()/int64(blinkHalf))%2 == 0
}
