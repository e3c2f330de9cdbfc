package market

import (
	"fmt"
	"math"
	"sort"
)

// Place is somewhere the car can pay for a service.
type Place struct {
	ID      string // store place ID (^[A-Za-z0-9._:/-]{1,64}$)
	Name    string
	Service string  // parking or charging
	Lat     float64 // WGS84
	Lon     float64
	Rate    int64 // minor units per hour (parking) or per kWh (charging)
	Meters  float64
}

// Places are the demo car's pay-at-a-place locations: public car parks of
// Monaco (the demo map region) with their approximate hourly tariff. The
// store's catalog carries the parking product and its amount limits, not
// places; a production car would take them from the operator's feed.
var Places = []Place{
	{ID: "demo:mc/parking-casino", Name: "Parking du Casino", Service: "parking", Lat: 43.73960, Lon: 7.42790, Rate: 360},
	{ID: "demo:mc/parking-louis-ii", Name: "Parking du Stade Louis II", Service: "parking", Lat: 43.72760, Lon: 7.41520, Rate: 240},
	{ID: "demo:mc/parking-condamine", Name: "Parking de la Condamine", Service: "parking", Lat: 43.73480, Lon: 7.42010, Rate: 300},
	{ID: "demo:mc/parking-pecheurs", Name: "Parking des Pêcheurs", Service: "parking", Lat: 43.73150, Lon: 7.42560, Rate: 300},
	{ID: "demo:mc/parking-grimaldi", Name: "Parking du Grimaldi Forum", Service: "parking", Lat: 43.74380, Lon: 7.43130, Rate: 330},
	{ID: "demo:mc/parking-fontvieille", Name: "Parking de Fontvieille", Service: "parking", Lat: 43.72910, Lon: 7.41770, Rate: 240},
	{ID: "demo:mc/parking-larvotto", Name: "Parking du Larvotto", Service: "parking", Lat: 43.74720, Lon: 7.43450, Rate: 300},
}

// Distance is the great-circle distance in metres.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// PlacesNear returns the places of a service sorted by distance from the
// car (Meters set); with no position (ok false) in list order, Meters NaN.
func PlacesNear(service string, lat, lon float64, ok bool) []Place {
	var out []Place
	for _, p := range Places {
		if p.Service != service {
			continue
		}
		p.Meters = math.NaN()
		if ok {
			p.Meters = Distance(lat, lon, p.Lat, p.Lon)
		}
		out = append(out, p)
	}
	if ok {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Meters < out[j].Meters })
	}
	return out
}

// ParkingAmount is what the car charges for minutes at an hourly rate,
// rounded up to the minor unit, checked against the product's limits.
func ParkingAmount(p Product, place Place, minutes int) (int64, error) {
	if p.Service == nil {
		return 0, fmt.Errorf("market: %s is not a service", p.ID)
	}
	if minutes < 1 || minutes > 1440 {
		return 0, fmt.Errorf("market: duration %d min is outside 1..1440", minutes)
	}
	amount := (place.Rate*int64(minutes) + 59) / 60
	if amount < p.Service.MinAmount {
		amount = p.Service.MinAmount
	}
	if amount > p.Service.MaxAmount {
		return 0, fmt.Errorf("market: %d min at %s costs more than the store allows (%d)", minutes, place.Name, p.Service.MaxAmount)
	}
	return amount, nil
}

// ParkingOrder builds the service part of a parking purchase.
func ParkingOrder(p Product, place Place, minutes int) (*ServiceOrder, error) {
	amount, err := ParkingAmount(p, place, minutes)
	if err != nil {
		return nil, err
	}
	return &ServiceOrder{PlaceID: place.ID, PlaceName: place.Name, Amount: amount, Minutes: minutes}, nil
}
