package theme

import (
	"math"
	"time"
)

// SolarElevation returns the sun's geometric elevation above the horizon in
// degrees at time t seen from lat, lon (degrees, north and east positive),
// by NOAA's solar position equations (accurate to about a minute of time for
// years 1800–2100). Atmospheric refraction is not added.
func SolarElevation(t time.Time, lat, lon float64) float64 {
	rad := math.Pi / 180
	t = t.UTC()
	jd := float64(t.UnixNano())/86400e9 + 2440587.5
	jc := (jd - 2451545) / 36525 // Julian centuries since J2000.0

	l0 := math.Mod(280.46646+jc*(36000.76983+jc*0.0003032), 360) // mean longitude
	m := 357.52911 + jc*(35999.05029-0.0001537*jc)               // mean anomaly
	e := 0.016708634 - jc*(0.000042037+0.0000001267*jc)          // orbit eccentricity
	c := math.Sin(m*rad)*(1.914602-jc*(0.004817+0.000014*jc)) +
		math.Sin(2*m*rad)*(0.019993-0.000101*jc) +
		math.Sin(3*m*rad)*0.000289 // equation of centre
	omega := 125.04 - 1934.136*jc
	appLong := l0 + c - 0.00569 - 0.00478*math.Sin(omega*rad)
	obliq0 := 23 + (26+(21.448-jc*(46.815+jc*(0.00059-jc*0.001813)))/60)/60
	obliq := obliq0 + 0.00256*math.Cos(omega*rad)
	decl := math.Asin(math.Sin(obliq*rad)*math.Sin(appLong*rad)) / rad

	y := math.Pow(math.Tan(obliq*rad/2), 2)
	eqTime := 4 / rad * (y*math.Sin(2*l0*rad) - 2*e*math.Sin(m*rad) +
		4*e*y*math.Sin(m*rad)*math.Cos(2*l0*rad) -
		0.5*y*y*math.Sin(4*l0*rad) - 1.25*e*e*math.Sin(2*m*rad)) // minutes

	minutes := float64(t.Hour()*60+t.Minute()) + float64(t.Second())/60 + float64(t.Nanosecond())/60e9
	tst := math.Mod(minutes+eqTime+4*lon, 1440) // true solar time, minutes
	if tst < 0 {
		tst += 1440
	}
	ha := tst/4 - 180 // hour angle, degrees
	cosZen := math.Sin(lat*rad)*math.Sin(decl*rad) + math.Cos(lat*rad)*math.Cos(decl*rad)*math.Cos(ha*rad)
	cosZen = math.Max(-1, math.Min(1, cosZen))
	return 90 - math.Acos(cosZen)/rad
}

// Sunset is the geometric elevation at which the sun's upper limb touches
// the horizon once refraction is allowed for: the standard sunrise and
// sunset altitude, and where the cockpit switches between day and night.
const Sunset = -0.833

// hysteresis keeps the theme from flickering while the sun sits at the
// threshold (or a noisy position moves it back and forth), in degrees.
const hysteresis = 0.5

// Day hours used when the vehicle's position is unknown.
const (
	DayStartHour = 7
	DayEndHour   = 19
)

// Auto chooses day or night for the "auto" theme. With a position it goes by
// the sun's elevation, switching to night below Sunset−0.5° and back to day
// above Sunset+0.5° (staying with prev in between); without one it falls
// back to local time: day from 07:00 to 19:00.
func Auto(prev Variant, now time.Time, lat, lon float64, havePosition bool) Variant {
	if !havePosition || math.IsNaN(lat) || math.IsNaN(lon) {
		if h := now.Hour(); h >= DayStartHour && h < DayEndHour {
			return Day
		}
		return Night
	}
	el := SolarElevation(now, lat, lon)
	switch {
	case el > Sunset+hysteresis:
		return Day
	case el < Sunset-hysteresis:
		return Night
	}
	return prev
}
