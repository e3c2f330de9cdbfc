package app

import (
	"fmt"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/app/voice"
	"github.com/fascia-hmi/fascia/platform/can"
)

// Climate sets the cabin climate by sending the command frames the vehicle
// profile declares (its `command` keys) on the feed's source. It sends
// nothing else: an actuator without a command in the profile cannot be
// set, and a source that cannot transmit (a recording) says so. Every
// error is a sentence the voice reply can say after "Sorry, ". Its calls
// write to the bus (up to a second on a congested SocketCAN interface): a
// screen must not make them on the UI goroutine. Safe for concurrent use.
type Climate struct {
	profile string
	cmds    *vehicle.Commands
	send    func(*can.Frame) error
}

var _ voice.Climate = (*Climate)(nil)

// NewClimate returns the climate control of profile p, sending through
// send (the cockpit's Feed.Send).
func NewClimate(p *vehicle.Profile, send func(*can.Frame) error) *Climate {
	return &Climate{profile: p.Name, cmds: vehicle.NewCommands(p), send: send}
}

// Available reports whether the profile can command anything Climate sets.
func (c *Climate) Available() bool {
	return c.cmds.Has(vss.CabinHVACStationRow1DriverTemperature) || c.cmds.Has(vss.CabinHVACIsAirConditioningActive)
}

// SetTemperature asks the car for a driver set temperature in °C, within
// the voice grammar's range (16–28) and the actuator's limits.
func (c *Climate) SetTemperature(celsius float64) error {
	if !(celsius >= voice.MinTemperature && celsius <= voice.MaxTemperature) {
		return fmt.Errorf("the temperature can be set from %d to %d degrees", voice.MinTemperature, voice.MaxTemperature)
	}
	id := vss.CabinHVACStationRow1DriverTemperature
	if lo, hi, ok := c.cmds.Limits(id); ok && (celsius < lo || celsius > hi) {
		return fmt.Errorf("this car takes temperatures from %g to %g degrees", lo, hi)
	}
	return c.set(id, vehicle.Value{Num: celsius}, "the temperature")
}

// AirConditioning switches the air conditioning on or off.
func (c *Climate) AirConditioning(on bool) error {
	return c.set(vss.CabinHVACIsAirConditioningActive, vehicle.BoolValue(on), "the air conditioning")
}

func (c *Climate) set(id vss.ID, v vehicle.Value, what string) error {
	if !c.cmds.Has(id) {
		if !c.Available() {
			return fmt.Errorf("climate control is not available on this car: its vehicle profile (%s) declares no climate commands", c.profile)
		}
		return fmt.Errorf("this car's vehicle profile (%s) declares no command for %s", c.profile, what)
	}
	var f can.Frame
	if err := c.cmds.Encode(id, v, &f); err != nil {
		return fmt.Errorf("%s cannot be set: %w", what, err)
	}
	if err := c.send(&f); err != nil {
		return fmt.Errorf("%s cannot be set: %w", what, err)
	}
	return nil
}
