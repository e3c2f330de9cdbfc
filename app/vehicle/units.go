package vehicle

import (
	"fmt"
	"math"
)

// A unit is a linear (affine) measure of one dimension: a value v in this
// unit is v*a + b in the dimension's base unit.
type unit struct {
	name string // canonical spelling (the VSS one where VSS uses it)
	dim  string
	a, b float64
}

// units lists the units a mapping may name, by canonical spelling.
var units = func() map[string]*unit {
	list := []unit{
		{"km/h", "speed", 1, 0},
		{"m/s", "speed", 3.6, 0},
		{"mph", "speed", 1.609344, 0},
		{"Celsius", "temperature", 1, 0},
		{"Fahrenheit", "temperature", 5.0 / 9, -32 * 5.0 / 9},
		{"K", "temperature", 1, -273.15},
		{"kPa", "pressure", 1, 0},
		{"bar", "pressure", 100, 0},
		{"psi", "pressure", 6.894757293168361, 0},
		{"m", "distance", 1, 0},
		{"km", "distance", 1000, 0},
		{"mi", "distance", 1609.344, 0},
		{"V", "voltage", 1, 0},
		{"mV", "voltage", 0.001, 0},
		{"percent", "ratio", 1, 0},
		{"ratio", "ratio", 100, 0},
		{"rpm", "rotational speed", 1, 0},
		{"degrees", "angle", 1, 0},
		{"rad", "angle", 180 / math.Pi, 0},
		{"l", "volume", 1, 0},
		{"gal", "volume", 3.785411784, 0}, // US gallon
		{"W", "power", 0.001, 0},
		{"kW", "power", 1, 0},
		{"s", "time", 1, 0},
		{"ms", "time", 0.001, 0},
		{"min", "time", 60, 0},
		{"h", "time", 3600, 0},
		{"l/100km", "fuel consumption", 1, 0},
	}
	m := make(map[string]*unit, len(list))
	for i := range list {
		m[list[i].name] = &list[i]
	}
	return m
}()

// unitAliases maps other spellings found in DBC files to canonical names.
var unitAliases = map[string]string{
	"kph": "km/h", "kmh": "km/h", "Km/h": "km/h", "KPH": "km/h", "km/hr": "km/h",
	"MPH": "mph",
	"C":   "Celsius", "°C": "Celsius", "degC": "Celsius", "deg C": "Celsius", "celsius": "Celsius", "DegC": "Celsius",
	"F": "Fahrenheit", "°F": "Fahrenheit", "degF": "Fahrenheit", "fahrenheit": "Fahrenheit",
	"kelvin": "K", "Kelvin": "K",
	"kpa": "kPa", "KPa": "kPa", "KPA": "kPa",
	"PSI":   "psi",
	"meter": "m", "meters": "m", "Meters": "m", "metre": "m",
	"mile": "mi", "miles": "mi",
	"volt": "V", "Volt": "V", "volts": "V",
	"%": "percent", "pct": "percent",
	"RPM": "rpm", "1/min": "rpm", "rev/min": "rpm",
	"deg": "degrees", "degree": "degrees", "Deg": "degrees", "°": "degrees",
	"radian": "rad", "radians": "rad",
	"L": "l", "liter": "l", "litre": "l", "liters": "l",
	"sec": "s", "seconds": "s",
	"L/100km": "l/100km",
}

// lookupUnit finds a unit by canonical name or alias.
func lookupUnit(s string) (*unit, bool) {
	if u, ok := units[s]; ok {
		return u, true
	}
	if c, ok := unitAliases[s]; ok {
		return units[c], true
	}
	return nil, false
}

// conversion returns a and b such that a value v in from is v*a + b in to.
func conversion(from, to *unit) (a, b float64, err error) {
	if from.dim != to.dim {
		return 0, 0, fmt.Errorf("cannot convert %s (%s) to %s (%s)", from.name, from.dim, to.name, to.dim)
	}
	if from == to {
		return 1, 0, nil
	}
	return from.a / to.a, (from.b - to.b) / to.a, nil
}
