package app

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/feed"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/app/voice"
	"github.com/fascia-hmi/fascia/platform/can"
	"github.com/fascia-hmi/fascia/platform/can/cantest"
)

// climateCockpit builds the real cockpit on a profile folder (""; the
// demo car) and a CAN source, running only its feed.
func climateCockpit(t *testing.T, profile, source string, start bool) *Cockpit {
	t.Helper()
	cfg := config.Defaults()
	cfg.Path = filepath.Join(t.TempDir(), "config.toml")
	cfg.Profile, cfg.CAN = profile, source
	c, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if start {
		if err := c.Feed.Start(); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// waitStore waits (in real time: the simulator runs at wall-clock pace)
// until the store's value of id satisfies ok.
func waitStore(t *testing.T, s *vehicle.Store, id vss.ID, what string, ok func(vehicle.Reading) bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok(s.Get(id)) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s is %+v", what, vss.Get(id).Path, s.Get(id))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestClimateSimRoundTrip: the voice commands go out as the demo profile's
// command frames to the simulated car, whose CLIMATE status frames, decoded
// by the cockpit, then report the new settings.
func TestClimateSimRoundTrip(t *testing.T) {
	c := climateCockpit(t, "", "sim:city", true)
	st := c.Store
	waitStore(t, st, vss.CabinHVACStationRow1DriverTemperature, "before", func(r vehicle.Reading) bool { return r.OK() && r.Num == 21 })
	if r := st.Get(vss.CabinHVACIsAirConditioningActive); r.Bool() {
		t.Fatal("AC on at 16 °C outside before the command")
	}
	t0 := time.Now()
	if err := c.Climate.SetTemperature(19); err != nil {
		t.Fatal(err)
	}
	waitStore(t, st, vss.CabinHVACStationRow1DriverTemperature, "after SetTemperature(19)", func(r vehicle.Reading) bool { return r.OK() && r.Num == 19 })
	if err := c.Climate.AirConditioning(true); err != nil {
		t.Fatal(err)
	}
	waitStore(t, st, vss.CabinHVACIsAirConditioningActive, "after AirConditioning(true)", func(r vehicle.Reading) bool { return r.OK() && r.Bool() })
	t.Logf("both settings reported by the car %v after the first command", time.Since(t0).Round(time.Millisecond))

	// Through the voice service's action, as a spoken command runs it.
	if got := c.Voice.Do(voice.Intent{Kind: voice.SetTemperature, Slots: map[string]string{voice.SlotTemperature: "22"}}); got != "Temperature set to 22 degrees." {
		t.Errorf("voice reply %q", got)
	}
	waitStore(t, st, vss.CabinHVACStationRow1DriverTemperature, "after the voice command", func(r vehicle.Reading) bool { return r.OK() && r.Num == 22 })
	if got := c.Voice.Do(voice.Intent{Kind: voice.AirCondOn}); got != "Air conditioning on." {
		t.Errorf("voice reply %q", got)
	}
	if err := c.Climate.AirConditioning(false); err != nil {
		t.Fatal(err)
	}
	waitStore(t, st, vss.CabinHVACIsAirConditioningActive, "after AirConditioning(false)", func(r vehicle.Reading) bool { return r.OK() && !r.Bool() })
	if n := c.Feed.Sent(); n != 5 {
		t.Errorf("the feed sent %d frames, want 5", n)
	}

	// Out of range: nothing is sent.
	for _, x := range []float64{15, 28.5, 40} {
		err := c.Climate.SetTemperature(x)
		if err == nil || err.Error() != "the temperature can be set from 16 to 28 degrees" {
			t.Errorf("SetTemperature(%v): %v", x, err)
		}
	}
	if n := c.Feed.Sent(); n != 5 {
		t.Errorf("out-of-range requests sent frames: %d", n)
	}
}

// TestClimateReplayIsReadOnly: with a recording as the source, the commands
// are refused with the reason, and the voice reply says it.
func TestClimateReplayIsReadOnly(t *testing.T) {
	p, err := LoadProfile("")
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "drive.log")
	sink, err := can.Create("candump:" + log)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSim(p, "city", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Step(time.Second, sink.Write); err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	uri := "candump:" + log + "?loop=1"
	c := climateCockpit(t, "", uri, true)
	err = c.Climate.SetTemperature(19)
	want := "the temperature cannot be set: " + uri + " is a recording: commands cannot be sent"
	if err == nil || err.Error() != want || !errors.Is(err, can.ErrReadOnly) {
		t.Errorf("SetTemperature on a replay: %v\nwant %s", err, want)
	}
	if got := c.Voice.Do(voice.Intent{Kind: voice.AirCondOn}); got != "Sorry, the air conditioning cannot be set: "+uri+" is a recording: commands cannot be sent" {
		t.Errorf("voice reply %q", got)
	}
}

// TestClimateNotAvailable: a profile without commands (the Civic's) cannot
// set the climate, and says why.
func TestClimateNotAvailable(t *testing.T) {
	c := climateCockpit(t, "../assets/vehicles/honda-civic", "sim:city", false)
	if c.Climate.Available() {
		t.Fatal("the Civic profile claims climate commands")
	}
	want := "climate control is not available on this car: its vehicle profile (" + c.Profile.Name + ") declares no climate commands"
	if err := c.Climate.SetTemperature(20); err == nil || err.Error() != want {
		t.Errorf("SetTemperature: %v", err)
	}
	if got := c.Voice.Do(voice.Intent{Kind: voice.AirCondOn}); got != "Sorry, "+want {
		t.Errorf("voice reply %q", got)
	}
	if !strings.Contains(want, "Honda") {
		t.Errorf("the reply does not name the car: %q", want)
	}
}

// socketFeed runs a feed of p on one end of a socket pair standing for a
// CAN bus (no vcan module here) and returns the other end.
func socketFeed(t *testing.T, p *vehicle.Profile) (*feed.Feed, net.Conn) {
	t.Helper()
	a, b := cantest.Pair(t)
	store := vehicle.NewStore(nil)
	open := func(string) (can.Source, error) { return can.NewSocketCANSource(a, "socketcan:pair"), nil }
	fd := feed.New("socketcan:pair", open, vehicle.NewDecoder(p, store), store, feed.Options{})
	if err := fd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fd.Close)
	return fd, b
}

// TestClimateLimits: the actuator's limits apply inside the voice range,
// and a profile commanding only one actuator says which one is missing.
func TestClimateLimits(t *testing.T) {
	p, err := LoadProfile("")
	if err != nil {
		t.Fatal(err)
	}
	fd, bus := socketFeed(t, p)
	// The demo profile with its temperature command narrowed to 18..24 °C
	// by the DBC, and no AC command.
	q := *p
	q.Commands = nil
	for _, m := range p.Commands {
		if m.VSS == vss.CabinHVACStationRow1DriverTemperature {
			sig := *m.Signal
			sig.Min, sig.Max = 18, 24
			m.Signal = &sig
			q.Commands = append(q.Commands, m)
		}
	}
	cl := NewClimate(&q, fd.Send)
	if err := cl.SetTemperature(17); err == nil || err.Error() != "this car takes temperatures from 18 to 24 degrees" {
		t.Errorf("SetTemperature(17): %v", err)
	}
	if err := cl.SetTemperature(20); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got can.Frame
	if err := can.NewSocketCANSource(bus, "bus").Next(ctx, &got); err != nil || got.String() != "301#0A" || fd.Sent() != 1 {
		t.Errorf("SetTemperature(20) sent %s (%v), %d frames", &got, err, fd.Sent())
	}
	if err := cl.AirConditioning(true); err == nil || err.Error() != "this car's vehicle profile (Fascia demo car) declares no command for the air conditioning" {
		t.Errorf("AirConditioning: %v", err)
	}
	// A bus that has gone away: the error says what could not be done.
	bus.Close()
	for deadline := time.Now().Add(5 * time.Second); fd.Status().Err != "ended" && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	cl = NewClimate(p, fd.Send)
	if err := cl.AirConditioning(true); err == nil || err.Error() != "the air conditioning cannot be set: the CAN source socketcan:pair is not running: commands cannot be sent" {
		t.Errorf("send after the bus went away: %v", err)
	}
}
