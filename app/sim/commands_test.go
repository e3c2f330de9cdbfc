package sim

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

// TestCommandRoundTrip plays the climate ECU: command frames built from
// the demo profile go into the car, and its CLIMATE status frames, decoded
// by the cockpit's decoder, report the new settings.
func TestCommandRoundTrip(t *testing.T) {
	p, _ := demo(t)
	cmds := vehicle.NewCommands(p)
	s := openSim(t, "city", 0)
	s.SetCommands(cmds)
	store := vehicle.NewStore(nil)
	dec := vehicle.NewDecoder(p, store)
	deliver := func(f *can.Frame) error { dec.Decode(f); return nil }
	if err := s.Step(time.Second, deliver); err != nil {
		t.Fatal(err)
	}
	if r := store.Get(vss.CabinHVACStationRow1DriverTemperature); r.Num != 21 {
		t.Fatalf("set temperature before the command: %+v", r)
	}
	if r := store.Get(vss.CabinHVACIsAirConditioningActive); r.Bool() {
		t.Fatal("AC on at 16 °C outside before the command")
	}
	send := func(id vss.ID, v vehicle.Value) {
		var f can.Frame
		if err := cmds.Encode(id, v, &f); err != nil {
			t.Fatal(err)
		}
		src := s.Source("sim:city")
		if err := src.Write(&f); err != nil {
			t.Fatal(err)
		}
	}
	send(vss.CabinHVACStationRow1DriverTemperature, vehicle.Value{Num: 19})
	send(vss.CabinHVACIsAirConditioningActive, vehicle.BoolValue(true))
	// CLIMATE goes every 200 ms: within that the status reports the request.
	if err := s.Step(time.Second+250*time.Millisecond, deliver); err != nil {
		t.Fatal(err)
	}
	if r := store.Get(vss.CabinHVACStationRow1DriverTemperature); r.Num != 19 {
		t.Errorf("set temperature after the command: %+v", r)
	}
	if r := store.Get(vss.CabinHVACIsAirConditioningActive); !r.Bool() {
		t.Error("AC not on after the command")
	}
	if taken, ignored := s.CommandStats(); taken != 2 || ignored != 0 {
		t.Errorf("taken %d, ignored %d", taken, ignored)
	}

	// Frames that are no command, and commands of signals the model
	// computes, are ignored like a bus would.
	src := s.Source("sim:city")
	if err := src.Write(&can.Frame{ID: 0x300, Len: 4}); err != nil {
		t.Fatal(err)
	}
	if err := src.Write(&can.Frame{ID: 0x800}); err == nil {
		t.Error("an 11-bit ID above 0x7FF was accepted")
	}
	if err := s.Step(2*time.Second, deliver); err != nil {
		t.Fatal(err)
	}
	if taken, ignored := s.CommandStats(); taken != 2 || ignored != 1 {
		t.Errorf("after a status frame: taken %d, ignored %d", taken, ignored)
	}
	src.Close()
	if err := src.Write(&can.Frame{ID: 0x301, Len: 1}); err != ErrClosed {
		t.Errorf("write after close: %v", err)
	}
}

// TestCommandCoolsCabin checks that the model acts on the request: the
// cabin follows a lower set temperature with the AC on, and not below the
// outside air without it.
func TestCommandCoolsCabin(t *testing.T) {
	p, _ := demo(t)
	cmds := vehicle.NewCommands(p)
	for _, ac := range []bool{true, false} {
		s := openSim(t, "fault", 0) // 27 °C outside, engine running, no climate events
		s.SetCommands(cmds)
		var f can.Frame
		if err := cmds.Encode(vss.CabinHVACStationRow1DriverTemperature, vehicle.Value{Num: 16}, &f); err != nil {
			t.Fatal(err)
		}
		s.Command(&f)
		if err := cmds.Encode(vss.CabinHVACIsAirConditioningActive, vehicle.BoolValue(ac), &f); err != nil {
			t.Fatal(err)
		}
		s.Command(&f)
		if err := s.Step(10*time.Minute, func(*can.Frame) error { return nil }); err != nil {
			t.Fatal(err)
		}
		cabin, outside := s.m.cabin, s.m.outside
		switch {
		case ac && cabin > 18:
			t.Errorf("AC on, set 16: cabin %.1f after 10 min (outside %.1f)", cabin, outside)
		case !ac && cabin < outside-0.5:
			t.Errorf("AC off: cabin %.1f below outside %.1f", cabin, outside)
		}
	}
}

// TestCommandConcurrent writes commands while the source runs (run with
// -race).
func TestCommandConcurrent(t *testing.T) {
	p, _ := demo(t)
	cmds := vehicle.NewCommands(p)
	s := openSim(t, "city", 0)
	s.SetCommands(cmds)
	src := s.Source("sim:city", WithSpeed(0))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var f can.Frame
		for ctx.Err() == nil {
			if err := src.Next(ctx, &f); err != nil {
				return
			}
		}
	}()
	for i := range 200 {
		var f can.Frame
		if err := cmds.Encode(vss.CabinHVACStationRow1DriverTemperature, vehicle.Value{Num: 16 + float64(i%20)/2}, &f); err != nil {
			t.Fatal(err)
		}
		if err := src.Write(&f); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	wg.Wait()
	if taken, _ := s.CommandStats(); taken == 0 {
		t.Error("no command taken while running")
	}
}
