package theme

import (
	"math"
	"testing"
	"time"
)

const monacoLat, monacoLon = 43.7384, 7.4246

// solarNoon finds the time of the highest elevation on the day of t by
// scanning every minute, so the tests do not depend on an equation of time.
func solarNoon(day time.Time, lat, lon float64) (time.Time, float64) {
	best, bestEl := day, -90.0
	for m := 0; m < 24*60; m++ {
		tt := day.Add(time.Duration(m) * time.Minute)
		if el := SolarElevation(tt, lat, lon); el > bestEl {
			best, bestEl = tt, el
		}
	}
	return best, bestEl
}

func TestSolarElevationNoon(t *testing.T) {
	// At solar noon the elevation is 90° − |latitude − declination|; the
	// declination is +23.44° at the June solstice, −23.44° in December and
	// about 0° at the equinoxes.
	tests := []struct {
		name     string
		day      time.Time
		lat, lon float64
		want     float64
	}{
		{"Monaco June solstice", time.Date(2024, 6, 20, 0, 0, 0, 0, time.UTC), monacoLat, monacoLon, 90 - (monacoLat - 23.44)},
		{"Monaco December solstice", time.Date(2024, 12, 21, 0, 0, 0, 0, time.UTC), monacoLat, monacoLon, 90 - (monacoLat + 23.44)},
		{"equator March equinox", time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC), 0, 0, 90},
		{"Sydney December solstice", time.Date(2024, 12, 21, 0, 0, 0, 0, time.UTC), -33.87, 151.21, 90 - (-23.44 + 33.87)},
	}
	for _, tt := range tests {
		noon, el := solarNoon(tt.day, tt.lat, tt.lon)
		if math.Abs(el-tt.want) > 0.5 {
			t.Errorf("%s: noon elevation %.2f at %s, want %.2f", tt.name, el, noon.Format("15:04"), tt.want)
		}
		// Solar noon falls near 12:00 local mean time: 4 minutes per degree
		// of longitude, ±17 minutes of equation of time.
		lmt := 12*time.Hour - time.Duration(tt.lon*4*float64(time.Minute))
		got := noon.Sub(tt.day)
		if d := got - lmt; d < -17*time.Minute || d > 17*time.Minute {
			// longitudes past 180° wrap to the previous day
			if d2 := got + 24*time.Hour - lmt; d2 < -17*time.Minute || d2 > 17*time.Minute {
				t.Errorf("%s: solar noon at %s UTC, want near %s", tt.name, got, lmt)
			}
		}
	}
}

func TestSolarElevationNight(t *testing.T) {
	// Local midnight in Monaco in June: the sun is well below the horizon,
	// by about 90° − (latitude + declination).
	el := SolarElevation(time.Date(2024, 6, 20, 23, 30, 0, 0, time.UTC), monacoLat, monacoLon)
	want := -(90 - (monacoLat + 23.44))
	if math.Abs(el-want) > 1 {
		t.Errorf("midnight elevation %.2f, want about %.2f", el, want)
	}
}

func TestAuto(t *testing.T) {
	june := func(h, m int) time.Time { return time.Date(2024, 6, 20, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		prev   Variant
		now    time.Time
		havePo bool
		want   Variant
	}{
		{"noon", Night, june(11, 30), true, Day},
		{"midnight", Day, june(23, 0), true, Night},
		// Sunset in Monaco on 20 June 2024 is at 19:20 UTC (21:20 CEST).
		{"before sunset", Night, june(19, 0), true, Day},
		{"after dusk", Day, june(19, 50), true, Night},
		{"no position, 12:00", Night, time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC), false, Day},
		{"no position, 06:59", Day, time.Date(2024, 1, 1, 6, 59, 0, 0, time.UTC), false, Night},
		{"no position, 19:00", Day, time.Date(2024, 1, 1, 19, 0, 0, 0, time.UTC), false, Night},
	}
	for _, tt := range tests {
		if got := Auto(tt.prev, tt.now, monacoLat, monacoLon, tt.havePo); got != tt.want {
			t.Errorf("%s: Auto = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestAutoHysteresis(t *testing.T) {
	// Find the minute of sunset, then check that within ±0.5° of it the
	// previous choice is kept.
	day := time.Date(2024, 6, 20, 18, 0, 0, 0, time.UTC)
	var at time.Time
	for m := 0; m < 180; m++ {
		tt := day.Add(time.Duration(m) * time.Minute)
		if SolarElevation(tt, monacoLat, monacoLon) < Sunset {
			at = tt
			break
		}
	}
	if at.IsZero() {
		t.Fatal("no sunset found")
	}
	for _, prev := range []Variant{Day, Night} {
		if got := Auto(prev, at, monacoLat, monacoLon, true); got != prev {
			t.Errorf("at the threshold Auto(prev=%s) = %s, want it kept", prev, got)
		}
	}
}
