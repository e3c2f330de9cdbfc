package api

import (
	"encoding/json"
	"testing"
)

// FuzzDecodePurchase: the purchase decoder never panics; what it accepts
// satisfies every documented limit; what it rejects names a field.
func FuzzDecodePurchase(f *testing.F) {
	f.Add([]byte(`{"product":"app.weather-radar","driver":"anna","pin":"1234","card":{"number":"4242424242424242"}}`))
	f.Add([]byte(`{"product":"service.parking","driver":"anna","pin":"1234","card":{"number":"4242424242424242"},"service":{"place_id":"osm:node/1","place_name":"P","amount":350,"minutes":90}}`))
	f.Add([]byte(`{"product":5}`))
	f.Add([]byte(`{"product":"a","x":1}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"card":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, e := DecodePurchase(body)
		if e != nil {
			if e.Field == "" || e.Status < 400 || e.Status > 499 {
				t.Fatalf("error without field or 4xx: %+v", e)
			}
			return
		}
		if !driverPattern.MatchString(r.Driver) || !pinPattern.MatchString(r.PIN) || !cardPattern.MatchString(r.Card) || len(r.Product) > 64 {
			t.Fatalf("accepted out-of-limit request %+v", r)
		}
		if s := r.Service; s != nil && (s.Amount < 1 || s.Amount > 100000 || s.Minutes < 1 || s.Minutes > 1440 || len(s.PlaceName) > 80) {
			t.Fatalf("accepted out-of-limit service %+v", s)
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
	})
}

// FuzzDecodeSmall covers the registration, PIN, refund and confirmation decoders.
func FuzzDecodeSmall(f *testing.F) {
	f.Add([]byte(`{"public_key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","vin":"WFMKT000000000001","model":"x"}`))
	f.Add([]byte(`{"pin":"1234","current_pin":"5678"}`))
	f.Add([]byte(`{"driver":"anna","pin":"1234","reason":"r"}`))
	f.Add([]byte(`{"code":"424242"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(e interface{ Error() string }, field string, status int) {
			if field == "" || status < 400 || status > 499 {
				t.Fatalf("bad error %v", e)
			}
		}
		if b, e := DecodeRegister(body); e != nil {
			check(e, e.Field, e.Status)
		} else if len(*b.PublicKey) != 43 || !vinPattern.MatchString(*b.VIN) || len(b.Model) > 64 {
			t.Fatalf("accepted %+v", b)
		}
		if b, e := DecodePIN(body); e != nil {
			check(e, e.Field, e.Status)
		} else if !pinPattern.MatchString(*b.PIN) {
			t.Fatalf("accepted PIN %q", *b.PIN)
		}
		if d, p, e := DecodeDriverPIN(body, true); e != nil {
			check(e, e.Field, e.Status)
		} else if !driverPattern.MatchString(d) || !pinPattern.MatchString(p) {
			t.Fatalf("accepted %q %q", d, p)
		}
		if c, e := DecodeConfirm(body); e != nil {
			check(e, e.Field, e.Status)
		} else if !codePattern.MatchString(c) {
			t.Fatalf("accepted code %q", c)
		}
	})
}
