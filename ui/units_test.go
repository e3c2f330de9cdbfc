package ui

import (
	"math"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/widgets"
)

func TestNumber(t *testing.T) {
	tests := []struct {
		v    float64
		dec  int
		want string
	}{
		{0, 0, "0"},
		{-0.4, 0, "0"},
		{87.4, 0, "87"},
		{87.5, 0, "88"},
		{1234, 0, "1\u2009234"},
		{18342.6, 1, "18\u2009342.6"},
		{-12.25, 1, "−12.3"},
		{1000000, 0, "1\u2009000\u2009000"},
		{999, 0, "999"},
	}
	for _, tt := range tests {
		if got := Number(tt.v, tt.dec); got != tt.want {
			t.Errorf("Number(%v, %d) = %q, want %q", tt.v, tt.dec, got, tt.want)
		}
	}
}

func TestConversions(t *testing.T) {
	metric := config.Units{Speed: "km/h", Temperature: "C", Distance: "km"}
	imperial := config.Units{Speed: "mph", Temperature: "F", Distance: "mi"}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if v, u := Speed(100, metric); !near(v, 100) || u != "km/h" {
		t.Errorf("speed metric %v %s", v, u)
	}
	if v, u := Speed(160.9344, imperial); !near(v, 100) || u != "mph" {
		t.Errorf("speed imperial %v %s", v, u)
	}
	if v, u := Temperature(100, imperial); !near(v, 212) || u != "°F" {
		t.Errorf("temperature %v %s", v, u)
	}
	if v, u := Temperature(-40, imperial); !near(v, -40) || u != "°F" {
		t.Errorf("temperature %v %s", v, u)
	}
	if v, u := Distance(1609.344, imperial); !near(v, 1) || u != "mi" {
		t.Errorf("distance %v %s", v, u)
	}
	if v, u := Distance(2500, metric); !near(v, 2.5) || u != "km" {
		t.Errorf("distance %v %s", v, u)
	}
}

func TestLamps(t *testing.T) {
	on := vehicle.Reading{Value: vehicle.BoolValue(true), State: vehicle.Live}
	off := vehicle.Reading{Value: vehicle.BoolValue(false), State: vehicle.Live}
	staleOn := vehicle.Reading{Value: vehicle.BoolValue(true), State: vehicle.Stale}
	tests := []struct {
		name string
		rs   []vehicle.Reading
		want widgets.LampState
	}{
		{"on", []vehicle.Reading{on}, widgets.LampOn},
		{"off", []vehicle.Reading{off}, widgets.LampOff},
		{"stale on is unknown", []vehicle.Reading{staleOn}, widgets.LampUnknown},
		{"no data", []vehicle.Reading{{}}, widgets.LampUnknown},
		{"any on", []vehicle.Reading{off, staleOn, on}, widgets.LampOn},
		{"all off", []vehicle.Reading{off, off}, widgets.LampOff},
		{"off and stale", []vehicle.Reading{off, staleOn}, widgets.LampUnknown},
		{"none", nil, widgets.LampUnknown},
	}
	for _, tt := range tests {
		if got := AnyLamp(tt.rs...); got != tt.want {
			t.Errorf("%s: AnyLamp = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestBlinkOn(t *testing.T) {
	// Over 10 s there are 15 lit phases and 15 dark ones, each a third of
	// a second long.
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	lit, flashes, prev := 0, 0, false
	for ms := 0; ms < 10000; ms++ {
		on := BlinkOn(t0.Add(time.Duration(ms) * time.Millisecond))
		if on {
			lit++
		}
		if on && !prev {
			flashes++
		}
		prev = on
	}
	if flashes != 15 {
		t.Errorf("%d flashes in 10 s, want 15", flashes)
	}
	if lit < 4990 || lit > 5010 {
		t.Errorf("lit %d ms of 10 000, want half", lit)
	}
}
