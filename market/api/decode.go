package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/fascia-hmi/fascia/market/catalog"
	"github.com/fascia-hmi/fascia/market/orders"
	"github.com/fascia-hmi/fascia/market/payment"
)

// Body limits (documented in openapi.yaml).
const (
	MaxPurchaseBody = 8 << 10
	MaxSmallBody    = 2 << 10
)

var (
	driverPattern   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
	pinPattern      = regexp.MustCompile(`^[0-9]{4,8}$`)
	cardPattern     = regexp.MustCompile(`^[0-9]{12,19}$`)
	placePattern    = regexp.MustCompile(`^[A-Za-z0-9._:/-]{1,64}$`)
	idemKeyPattern  = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)
	vinPattern      = regexp.MustCompile(`^[A-HJ-NPR-Z0-9]{17}$`)
	codePattern     = regexp.MustCompile(`^[0-9]{6}$`)
	purchasePattern = regexp.MustCompile(`^pur_[a-z0-9]{20}$`)
	subPattern      = regexp.MustCompile(`^sub_[a-z0-9]{20}$`)
)

func bad(field, msg string) *orders.Error {
	return &orders.Error{Status: 400, Code: "invalid_field", Field: field, Message: msg}
}

// tooLarge is the 413 for a body over limit bytes.
func tooLarge(limit int64) *orders.Error {
	return &orders.Error{Status: 413, Code: "body_too_large", Field: "body", Message: fmt.Sprintf("at most %d bytes", limit)}
}

// decodeBody refuses a body over limit bytes, then decodes it strictly.
func decodeBody(body []byte, limit int, v any) *orders.Error {
	if len(body) > limit {
		return tooLarge(int64(limit))
	}
	return decodeStrict(body, v)
}

// decodeStrict decodes exactly one JSON object into v, rejecting unknown
// fields, trailing data and wrong types, naming the field at fault.
func decodeStrict(body []byte, v any) *orders.Error {
	if len(bytes.TrimSpace(body)) == 0 {
		return &orders.Error{Status: 400, Code: "bad_request", Field: "body", Message: "a JSON object is required"}
	}
	if !utf8.Valid(body) {
		return &orders.Error{Status: 400, Code: "bad_request", Field: "body", Message: "body is not UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te):
			f := te.Field
			if f == "" {
				f = "body"
			}
			return &orders.Error{Status: 400, Code: "invalid_field", Field: f, Message: "must be " + te.Type.String()}
		case errors.As(err, &se):
			return &orders.Error{Status: 400, Code: "bad_request", Field: "body", Message: fmt.Sprintf("invalid JSON at byte %d", se.Offset)}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.TrimPrefix(err.Error(), "json: unknown field ")
			if name == `""` {
				return &orders.Error{Status: 400, Code: "unknown_field", Field: "body", Message: "unknown field with an empty name"}
			}
			return &orders.Error{Status: 400, Code: "unknown_field", Field: strings.Trim(name, `"`), Message: "unknown field"}
		default:
			return &orders.Error{Status: 400, Code: "bad_request", Field: "body", Message: err.Error()}
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &orders.Error{Status: 400, Code: "bad_request", Field: "body", Message: "trailing data after the JSON object"}
	}
	return nil
}

// PurchaseBody is the POST /v1/purchases body.
type PurchaseBody struct {
	Product *string                `json:"product"`
	Driver  *string                `json:"driver"`
	PIN     *string                `json:"pin"`
	Card    *CardBody              `json:"card"`
	Service *orders.ServiceRequest `json:"service"`
}

// CardBody is a card.
type CardBody struct {
	Number *string `json:"number"`
}

func required[T any](p *T, field string) (T, *orders.Error) {
	var zero T
	if p == nil {
		return zero, bad(field, "required")
	}
	return *p, nil
}

func match(re *regexp.Regexp, v, field string) *orders.Error {
	if !re.MatchString(v) {
		return bad(field, "must match "+re.String())
	}
	return nil
}

// DecodePurchase validates a purchase body against the documented limits.
func DecodePurchase(body []byte) (orders.BuyRequest, *orders.Error) {
	var r orders.BuyRequest
	var b PurchaseBody
	if e := decodeBody(body, MaxPurchaseBody, &b); e != nil {
		return r, e
	}
	var e *orders.Error
	if r.Product, e = required(b.Product, "product"); e != nil {
		return r, e
	}
	if e = match(catalog.ProductIDPattern, r.Product, "product"); e != nil {
		return r, e
	}
	if r.Driver, e = required(b.Driver, "driver"); e != nil {
		return r, e
	}
	if e = match(driverPattern, r.Driver, "driver"); e != nil {
		return r, e
	}
	if r.PIN, e = required(b.PIN, "pin"); e != nil {
		return r, e
	}
	if e = match(pinPattern, r.PIN, "pin"); e != nil {
		return r, e
	}
	if b.Card == nil {
		return r, bad("card", "required")
	}
	if r.Card, e = required(b.Card.Number, "card.number"); e != nil {
		return r, e
	}
	if e = match(cardPattern, r.Card, "card.number"); e != nil {
		return r, e
	}
	if !payment.Luhn(r.Card) {
		return r, bad("card.number", "fails the Luhn check")
	}
	if s := b.Service; s != nil {
		if e = match(placePattern, s.PlaceID, "service.place_id"); e != nil {
			return r, e
		}
		if len(s.PlaceName) > 80 || !utf8.ValidString(s.PlaceName) {
			return r, bad("service.place_name", "at most 80 bytes of UTF-8")
		}
		if s.Amount < 1 || s.Amount > 100_000 {
			return r, bad("service.amount", "must be 1..100000 (minor units)")
		}
		if s.Minutes < 1 || s.Minutes > 1440 {
			return r, bad("service.minutes", "must be 1..1440")
		}
		r.Service = s
	}
	return r, nil
}

// RegisterBody is the POST /v1/vehicles body.
type RegisterBody struct {
	PublicKey *string `json:"public_key"`
	VIN       *string `json:"vin"`
	Model     string  `json:"model"`
}

// DecodeRegister validates a registration body.
func DecodeRegister(body []byte) (RegisterBody, *orders.Error) {
	var b RegisterBody
	if e := decodeBody(body, MaxSmallBody, &b); e != nil {
		return b, e
	}
	k, e := required(b.PublicKey, "public_key")
	if e != nil {
		return b, e
	}
	if len(k) != 43 {
		return b, bad("public_key", "must be 43 characters: base64url of 32 bytes, no padding")
	}
	vin, e := required(b.VIN, "vin")
	if e != nil {
		return b, e
	}
	if e := match(vinPattern, vin, "vin"); e != nil {
		return b, e
	}
	if len(b.Model) > 64 || !utf8.ValidString(b.Model) {
		return b, bad("model", "at most 64 bytes of UTF-8")
	}
	return b, nil
}

// PINBody is the PUT /v1/drivers/{driver}/pin body.
type PINBody struct {
	PIN        *string `json:"pin"`
	CurrentPIN string  `json:"current_pin"`
}

// DecodePIN validates a set-PIN body.
func DecodePIN(body []byte) (PINBody, *orders.Error) {
	var b PINBody
	if e := decodeBody(body, MaxSmallBody, &b); e != nil {
		return b, e
	}
	p, e := required(b.PIN, "pin")
	if e != nil {
		return b, e
	}
	if e := match(pinPattern, p, "pin"); e != nil {
		return b, e
	}
	if b.CurrentPIN != "" {
		if e := match(pinPattern, b.CurrentPIN, "current_pin"); e != nil {
			return b, e
		}
	}
	return b, nil
}

// DriverPINBody is a driver and PIN (refund, cancel).
type DriverPINBody struct {
	Driver *string `json:"driver"`
	PIN    *string `json:"pin"`
	Reason string  `json:"reason"`
}

// DecodeDriverPIN validates a driver+PIN body; reason is allowed when
// withReason.
func DecodeDriverPIN(body []byte, withReason bool) (driver, pin string, err *orders.Error) {
	var b DriverPINBody
	if e := decodeBody(body, MaxSmallBody, &b); e != nil {
		return "", "", e
	}
	if driver, err = required(b.Driver, "driver"); err != nil {
		return
	}
	if err = match(driverPattern, driver, "driver"); err != nil {
		return
	}
	if pin, err = required(b.PIN, "pin"); err != nil {
		return
	}
	if err = match(pinPattern, pin, "pin"); err != nil {
		return
	}
	if !withReason && b.Reason != "" {
		return "", "", &orders.Error{Status: 400, Code: "unknown_field", Field: "reason", Message: "unknown field"}
	}
	if len(b.Reason) > 200 || !utf8.ValidString(b.Reason) {
		return "", "", bad("reason", "at most 200 bytes of UTF-8")
	}
	return driver, pin, nil
}

// ConfirmBody is the confirmation body.
type ConfirmBody struct {
	Code *string `json:"code"`
}

// DecodeConfirm validates a confirmation body.
func DecodeConfirm(body []byte) (string, *orders.Error) {
	var b ConfirmBody
	if e := decodeBody(body, MaxSmallBody, &b); e != nil {
		return "", e
	}
	c, e := required(b.Code, "code")
	if e != nil {
		return "", e
	}
	return c, match(codePattern, c, "code")
}
