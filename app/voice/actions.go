package voice

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

// Do carries out an intent (already confirmed if it needed it) and
// returns the reply to speak and show.
func (s *Service) Do(in Intent) string {
	o := s.opt
	if sc := s.screens.Load(); sc != nil {
		o.Screens = *sc
	}
	unavailable := func(what string) string { return what + " is not available." }
	result := func(err error, ok string) string {
		if err != nil {
			return "Sorry, " + err.Error()
		}
		return ok
	}
	switch in.Kind {
	case NavigateTo, NavigateHome, NavigateWork, FindCharging, FindParking, FindGas, CancelRoute, ZoomIn, ZoomOut:
		if o.Nav == nil {
			return unavailable("Navigation")
		}
		showMap := func() {
			if o.Screens != nil {
				o.Screens.Show("map")
			}
		}
		// The map shows what was found; say where it is, and that there
		// is no route yet.
		shown := func(f Found, err error, what string) string {
			if err != nil {
				return "Sorry, " + err.Error() + "."
			}
			showMap()
			if f.Metres > 0 {
				what += " is " + distanceWords(f.Metres, o.Miles) + " away"
			}
			return what + ", on the map now. Turn-by-turn directions are not available yet."
		}
		switch in.Kind {
		case NavigateTo:
			f, err := o.Nav.NavigateTo(in.Slots[SlotPlace])
			return shown(f, err, f.Name)
		case NavigateHome:
			f, err := o.Nav.NavigateHome()
			return shown(f, err, "Home")
		case NavigateWork:
			f, err := o.Nav.NavigateWork()
			return shown(f, err, "Work")
		case FindCharging, FindParking, FindGas:
			kind := map[string]string{FindCharging: "charging", FindParking: "parking", FindGas: "gas"}[in.Kind]
			what := map[string]string{FindCharging: "charging station", FindParking: "car park", FindGas: "gas station"}[in.Kind]
			f, err := o.Nav.FindNearest(kind)
			if f.Name != "" && f.Name != what {
				what += ", " + f.Name + ","
			}
			return shown(f, err, "The nearest "+what)
		case CancelRoute:
			return result(o.Nav.Cancel(), "Destination cleared.")
		case ZoomIn, ZoomOut:
			d, reply := 1, "Zooming in."
			if in.Kind == ZoomOut {
				d, reply = -1, "Zooming out."
			}
			o.Nav.Zoom(d)
			showMap()
			return reply
		}
	case ShowMap, OpenMarket, OpenSettings, ShowVehicle, GoHome:
		if o.Screens == nil {
			return unavailable("Switching screens")
		}
		name := map[string]string{ShowMap: "map", OpenMarket: "market", OpenSettings: "settings", ShowVehicle: "vehicle", GoHome: "home"}[in.Kind]
		o.Screens.Show(name)
		return "Showing " + name + "."
	case Play, Pause, NextSong, PreviousSong, PlayArtist, PlayAlbum, VolumeUp, VolumeDown, Mute, ShuffleOn:
		if o.Player == nil {
			return unavailable("Media")
		}
		switch in.Kind {
		case Play:
			o.Player.Play()
			return "Playing."
		case Pause:
			o.Player.Pause()
			return "Paused."
		case NextSong:
			o.Player.Next()
			return "Next song."
		case PreviousSong:
			o.Player.Previous()
			return "Previous song."
		case PlayArtist:
			a := in.Slots[SlotArtist]
			return result(o.Player.PlayArtist(a), "Playing "+a+".")
		case PlayAlbum:
			a := in.Slots[SlotAlbum]
			return result(o.Player.PlayAlbum(a), "Playing the album "+a+".")
		case VolumeUp:
			o.Player.Volume(1)
			return "Volume up."
		case VolumeDown:
			o.Player.Volume(-1)
			return "Volume down."
		case Mute:
			o.Player.Mute()
			return "Muted."
		case ShuffleOn:
			o.Player.Shuffle(true)
			return "Shuffle is on."
		}
	case AskRange, AskFuel, AskTyres:
		return Answer(o.Store, in.Kind, o.Miles)
	case SetTemperature, AirCondOn:
		if o.Climate == nil {
			return unavailable("Climate control")
		}
		if in.Kind == AirCondOn {
			return result(o.Climate.AirConditioning(true), "Air conditioning on.")
		}
		n, err := strconv.Atoi(in.Slots[SlotTemperature])
		if err != nil || n < MinTemperature || n > MaxTemperature {
			return fmt.Sprintf("I can set %d to %d degrees.", MinTemperature, MaxTemperature)
		}
		return result(o.Climate.SetTemperature(float64(n)), fmt.Sprintf("Temperature set to %d degrees.", n))
	case PayParking:
		if o.Payments == nil && o.Screens != nil {
			// Store purchases need the driver's PIN, which is not
			// spoken: the Store screen takes it.
			o.Screens.Show("market")
			return "Pick the car park and enter your PIN on the Store screen."
		}
		if o.Payments == nil {
			return unavailable("Paying for parking")
		}
		return result(o.Payments.PayParking(), "Parking paid.")
	}
	return "Sorry, I can't do that yet."
}

// distanceWords says a distance the way a reply speaks it: metres (to 10)
// under a kilometre, else kilometres to one decimal; miles to one decimal
// (feet are not used).
func distanceWords(m float64, miles bool) string {
	if miles {
		return strconv.FormatFloat(math.Round(m/1609.344*10)/10, 'f', -1, 64) + " miles"
	}
	if m < 1000 {
		return fmt.Sprintf("%d metres", int(math.Round(m/10))*10)
	}
	return strconv.FormatFloat(math.Round(m/100)/10, 'f', -1, 64) + " kilometres"
}

// NoData is the reply when a vehicle signal is missing or stale.
const NoData = "I don't have that right now."

// Answer answers a vehicle question (AskRange, AskFuel, AskTyres) from the
// store's live readings, with units; a missing or stale reading is never
// read out as if it were current.
func Answer(st *vehicle.Store, kind string, miles bool) string {
	if st == nil {
		return NoData
	}
	switch kind {
	case AskRange:
		for _, id := range []vss.ID{vss.PowertrainRange, vss.PowertrainFuelSystemRange, vss.PowertrainTractionBatteryRange} {
			if r := st.Get(id); r.OK() {
				km := r.Num / 1000
				if miles {
					return fmt.Sprintf("Your range is %d miles.", int(math.Round(km/1.609344)))
				}
				return fmt.Sprintf("Your range is %d kilometres.", int(math.Round(km)))
			}
		}
		return NoData
	case AskFuel:
		r := st.Get(vss.PowertrainFuelSystemRelativeLevel)
		if !r.OK() {
			if b := st.Get(vss.PowertrainTractionBatteryStateOfChargeCurrent); b.OK() {
				return fmt.Sprintf("The battery is at %d percent.", int(math.Round(b.Num)))
			}
			return NoData
		}
		return fmt.Sprintf("The tank is %d percent full.", int(math.Round(r.Num)))
	case AskTyres:
		names := []string{"front left", "front right", "rear left", "rear right"}
		ids := []vss.ID{vss.ChassisAxleRow1WheelLeftTirePressure, vss.ChassisAxleRow1WheelRightTirePressure,
			vss.ChassisAxleRow2WheelLeftTirePressure, vss.ChassisAxleRow2WheelRightTirePressure}
		var parts []string
		live := 0
		for i, id := range ids {
			r := st.Get(id)
			if !r.OK() {
				parts = append(parts, names[i]+" —")
				continue
			}
			live++
			parts = append(parts, fmt.Sprintf("%s %.1f", names[i], r.Num/100))
		}
		if live == 0 {
			return NoData
		}
		return "Tire pressures in bar: " + strings.Join(parts, ", ") + "."
	}
	return NoData
}
