// Package orders owns the purchase flow: driver PINs, idempotent purchases
// through a payment provider, entitlements and their tokens, refunds,
// subscriptions and the renewal job. It decides; the store persists and
// the api package speaks HTTP. It must not parse HTTP or hold SQL.
package orders

import (
	"context"
	"crypto/ed25519"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/market/catalog"
	"github.com/fascia-hmi/fascia/market/entitle"
	"github.com/fascia-hmi/fascia/market/payment"
	"github.com/fascia-hmi/fascia/market/store"
)

// Policy constants.
const (
	LeaseDuration    = 30 * 24 * time.Hour // token lifetime of perpetual purchases
	PINLockAfter     = 5                   // wrong PINs before a lock
	PINLockFor       = 15 * time.Minute
	pinIterations    = 600
	maxRenewFailures = 3
)

// Error is a business failure with the HTTP status, code and field the API
// reports.
type Error struct {
	Status  int
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Code + ": " + e.Field + ": " + e.Message
	}
	return e.Code + ": " + e.Message
}

func fail(status int, code, field, msg string) *Error {
	return &Error{Status: status, Code: code, Field: field, Message: msg}
}

// Hooks observe the flow (metrics); nil fields are skipped.
type Hooks struct {
	Charge     func(outcome string) // approved, declined, requires_confirmation, timeout, error
	Purchase   func(status string)
	Renewal    func(outcome string)
	Idempotent func(replayed bool)
}

// Service is the purchase flow over a store and a payment provider.
type Service struct {
	Store          store.Store
	Provider       payment.Provider
	Key            ed25519.PrivateKey
	Catalog        func() *catalog.Snapshot
	Now            func() time.Time // injectable clock
	PaymentTimeout time.Duration
	Log            *slog.Logger
	Hooks          Hooks
}

// now is the injectable clock, in whole seconds: what is stored, signed
// and shown agrees to the second.
func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Second)
	}
	return time.Now().UTC().Truncate(time.Second)
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// NewID returns prefix + 20 lower-case hex digits.
func NewID(prefix string) string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// ---- PINs

// PINs are short, so a salted hash alone would not resist a brute force
// by someone holding the database. The hash therefore also mixes in a
// pepper derived from the store key, which lives in the key file, not in
// the database; the online lock-out is what protects against guessing.
func (s *Service) pepper() []byte {
	sum := sha256.Sum256(append([]byte("fascia-pin-pepper\x00"), s.Key.Seed()...))
	return sum[:]
}

func (s *Service) hashPIN(pin string) string {
	var salt [16]byte
	_, _ = rand.Read(salt[:])
	return s.hashPINSalt(pin, salt[:], pinIterations)
}

func (s *Service) hashPINSalt(pin string, salt []byte, iter int) string {
	k, _ := pbkdf2.Key(sha256.New, pin, append(append([]byte{}, salt...), s.pepper()...), iter, 32)
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", iter, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(k))
}

func (s *Service) pinMatches(stored, pin string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return false
	}
	iter, err := strconv.Atoi(parts[1])
	salt, err2 := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil || err2 != nil || iter < 1 || iter > 1_000_000 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(s.hashPINSalt(pin, salt, iter)), []byte(stored)) == 1
}

// SetPIN sets a driver's PIN; changing an existing one needs the current.
func (s *Service) SetPIN(ctx context.Context, vehicle, driver, pin, current string) error {
	d, err := s.Store.Driver(ctx, vehicle, driver)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	default:
		if current == "" {
			return fail(403, "forbidden", "current_pin", "the driver has a PIN; send current_pin to change it")
		}
		if err := s.CheckPIN(ctx, vehicle, driver, current); err != nil {
			if e, ok := err.(*Error); ok && e.Field == "pin" {
				e.Field = "current_pin"
			}
			return err
		}
		_ = d
	}
	return s.Store.PutDriver(ctx, store.Driver{Vehicle: vehicle, Driver: driver, PINHash: s.hashPIN(pin)})
}

// CheckPIN verifies a driver's PIN, counting failures and locking.
func (s *Service) CheckPIN(ctx context.Context, vehicle, driver, pin string) error {
	d, err := s.Store.Driver(ctx, vehicle, driver)
	if errors.Is(err, store.ErrNotFound) {
		return fail(403, "pin_not_set", "driver", "this driver has no purchase PIN; set one with PUT /v1/drivers/{driver}/pin")
	}
	if err != nil {
		return err
	}
	now := s.now()
	if now.Before(d.LockedUntil) {
		return fail(423, "pin_locked", "pin", "too many wrong PINs; purchases locked until "+d.LockedUntil.Format(time.RFC3339))
	}
	ok := s.pinMatches(d.PINHash, pin)
	if !ok || d.Failed > 0 {
		if err := s.Store.PINAttempt(ctx, vehicle, driver, ok, PINLockAfter, now.Add(PINLockFor)); err != nil {
			return err
		}
	}
	if !ok {
		return fail(403, "wrong_pin", "pin", "wrong PIN")
	}
	return nil
}

// ---- views

// EntitlementView is an entitlement with a signed token.
type EntitlementView struct {
	Serial     string    `json:"serial"`
	Purchase   string    `json:"purchase"`
	Product    string    `json:"product"`
	Kind       string    `json:"kind"`
	Place      string    `json:"place,omitempty"`
	ValidUntil time.Time `json:"valid_until"`
	Token      string    `json:"token"`
}

// ReceiptView is a receipt.
type ReceiptView struct {
	Number    string    `json:"number"`
	IssuedAt  time.Time `json:"issued_at"`
	Product   string    `json:"product"`
	Title     string    `json:"title"`
	Net       int64     `json:"net"`
	Tax       int64     `json:"tax"`
	Total     int64     `json:"total"`
	Currency  string    `json:"currency"`
	TaxRateBP int       `json:"tax_rate_bp"`
	CardLast4 string    `json:"card_last4"`
	Charge    string    `json:"charge"`
}

// SubscriptionView is a subscription as the car sees it.
type SubscriptionView struct {
	ID                string    `json:"id"`
	Product           string    `json:"product"`
	Purchase          string    `json:"purchase"`
	Period            string    `json:"period"`
	Status            string    `json:"status"`
	CurrentPeriodEnd  time.Time `json:"current_period_end"`
	CancelAtPeriodEnd bool      `json:"cancel_at_period_end"`
	Renewals          int       `json:"renewals"`
	Amount            int64     `json:"amount"`
	Currency          string    `json:"currency"`
}

// PurchaseView is a purchase as the car sees it.
type PurchaseView struct {
	ID           string            `json:"id"`
	Vehicle      string            `json:"vehicle"`
	Product      string            `json:"product"`
	Kind         string            `json:"kind"`
	Title        string            `json:"title"`
	Driver       string            `json:"driver"`
	Status       string            `json:"status"`
	Amount       int64             `json:"amount"`
	Currency     string            `json:"currency"`
	PlaceID      string            `json:"place_id,omitempty"`
	PlaceName    string            `json:"place_name,omitempty"`
	Minutes      int               `json:"minutes,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	DeclineCode  string            `json:"decline_code,omitempty"`
	Receipt      *ReceiptView      `json:"receipt,omitempty"`
	Entitlement  *EntitlementView  `json:"entitlement,omitempty"`
	Subscription *SubscriptionView `json:"subscription,omitempty"`
}

func subView(sb store.Subscription) *SubscriptionView {
	return &SubscriptionView{ID: sb.ID, Product: sb.Product, Purchase: sb.PurchaseID, Period: sb.Period, Status: sb.Status, CurrentPeriodEnd: sb.PeriodEnd,
		CancelAtPeriodEnd: sb.CancelAtPeriodEnd, Renewals: sb.Renewals, Amount: sb.Amount, Currency: sb.Currency}
}

// SubView converts a stored subscription.
func SubView(sb store.Subscription) SubscriptionView { return *subView(sb) }

func (s *Service) receipt(p store.Purchase) *ReceiptView {
	if p.Receipt == "" {
		return nil
	}
	m := catalog.Money{Amount: p.Amount, Currency: p.Currency, TaxRateBP: p.TaxRateBP}
	tax := m.Tax()
	return &ReceiptView{Number: p.Receipt, IssuedAt: p.UpdatedAt, Product: p.Product, Title: p.Title, Net: p.Amount - tax, Tax: tax, Total: p.Amount,
		Currency: p.Currency, TaxRateBP: p.TaxRateBP, CardLast4: p.CardLast4, Charge: p.ChargeID}
}

// View renders a stored purchase (without a token).
func (s *Service) View(p store.Purchase) PurchaseView {
	return PurchaseView{ID: p.ID, Vehicle: p.Vehicle, Product: p.Product, Kind: p.Kind, Title: p.Title, Driver: p.Driver, Status: p.Status, Amount: p.Amount,
		Currency: p.Currency, PlaceID: p.PlaceID, PlaceName: p.PlaceName, Minutes: p.Minutes, CreatedAt: p.CreatedAt, DeclineCode: p.DeclineCode, Receipt: s.receipt(p)}
}

// Token mints a signed token for a grant; ok is false when the grant gives
// no token now (revoked or expired).
func (s *Service) Token(e store.Entitlement) (EntitlementView, bool, error) {
	now := s.now()
	if e.Revoked {
		return EntitlementView{}, false, nil
	}
	until := e.ValidUntil
	if until.IsZero() {
		until = now.Add(LeaseDuration)
	}
	if !now.Before(until) {
		return EntitlementView{}, false, nil
	}
	serial := NewID("ent_")
	tok, err := entitle.Sign(s.Key, entitle.Entitlement{Serial: serial, Purchase: e.PurchaseID, Product: e.Product, Kind: e.Kind, Vehicle: e.Vehicle,
		IssuedAt: now, ValidUntil: until, Place: e.Place, Nonce: NewID("")})
	if err != nil {
		return EntitlementView{}, false, err
	}
	return EntitlementView{Serial: serial, Purchase: e.PurchaseID, Product: e.Product, Kind: e.Kind, Place: e.Place, ValidUntil: until.Truncate(time.Second), Token: tok}, true, nil
}

// ---- buying

// ServiceRequest is the car-supplied part of a service purchase.
type ServiceRequest struct {
	PlaceID   string `json:"place_id"`
	PlaceName string `json:"place_name,omitempty"`
	Amount    int64  `json:"amount"`
	Minutes   int    `json:"minutes"`
}

// BuyRequest is a validated purchase request.
type BuyRequest struct {
	Vehicle        string
	IdempotencyKey string
	Product        string
	Driver         string
	PIN            string
	Card           string
	Service        *ServiceRequest
	Lang           string
}

// hash is what identifies "the same request" for idempotency.
func (r BuyRequest) hash() string {
	b, _ := json.Marshal([]any{r.Product, r.Driver, r.PIN, r.Card, r.Service})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Response is an HTTP status with a JSON body, as stored for replay.
type Response struct {
	Status int
	Body   []byte
}

// Buy runs an idempotent purchase.
func (s *Service) Buy(ctx context.Context, r BuyRequest) (Response, error) {
	hash := r.hash()
	idem, err := s.Store.Idem(ctx, r.Vehicle, r.IdempotencyKey)
	if err == nil {
		return s.resume(ctx, idem, hash)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return Response{}, err
	}
	snap := s.Catalog()
	prod, ok := snap.Product(r.Product)
	if !ok {
		return Response{}, fail(404, "not_found", "product", "no product "+strconv.Quote(r.Product))
	}
	amount := prod.Price.Amount
	if prod.Kind == catalog.KindService {
		if r.Service == nil {
			return Response{}, fail(400, "invalid_field", "service", "required for service products")
		}
		if r.Service.Amount < prod.Service.MinAmount || r.Service.Amount > prod.Service.MaxAmount {
			return Response{}, fail(400, "invalid_field", "service.amount", fmt.Sprintf("must be %d..%d for this service", prod.Service.MinAmount, prod.Service.MaxAmount))
		}
		amount = r.Service.Amount
	} else if r.Service != nil {
		return Response{}, fail(400, "invalid_field", "service", "only service products take a service block")
	}
	if prod.Kind == catalog.KindSubscription {
		if _, err := s.Store.ActiveSubscription(ctx, r.Vehicle, prod.ID); err == nil {
			return Response{}, fail(409, "conflict", "product", "this vehicle already has an active subscription to "+prod.ID)
		} else if !errors.Is(err, store.ErrNotFound) {
			return Response{}, err
		}
	}
	if prod.Kind == catalog.KindApp || prod.Kind == catalog.KindContent {
		if owned, err := s.Entitled(ctx, r.Vehicle, prod.ID); err != nil {
			return Response{}, err
		} else if owned {
			return Response{}, fail(409, "conflict", "product", "this vehicle already owns "+prod.ID)
		}
	}
	if err := s.CheckPIN(ctx, r.Vehicle, r.Driver, r.PIN); err != nil {
		return Response{}, err
	}
	method, err := s.Provider.Tokenize(ctx, r.Card)
	if err != nil {
		return Response{}, fail(400, "invalid_field", "card.number", err.Error())
	}
	now := s.now()
	p := store.Purchase{ID: NewID("pur_"), Vehicle: r.Vehicle, Product: prod.ID, Kind: prod.Kind, Title: prod.Localize(r.Lang).Title, Driver: r.Driver,
		Amount: amount, Currency: prod.Price.Currency, TaxRateBP: prod.Price.TaxRateBP, Period: prod.Period, Status: "pending",
		CardLast4: payment.Last4(r.Card), Method: method, CreatedAt: now, UpdatedAt: now}
	if r.Service != nil {
		p.PlaceID, p.PlaceName, p.Minutes = r.Service.PlaceID, r.Service.PlaceName, r.Service.Minutes
	}
	idem, p, created, err := s.Store.BeginPurchase(ctx, store.Idem{Vehicle: r.Vehicle, Key: r.IdempotencyKey, RequestHash: hash, CreatedAt: now}, p)
	if errors.Is(err, store.ErrConflict) {
		return Response{}, fail(409, "conflict", "product", "a purchase of "+prod.ID+" by this vehicle is already in progress")
	}
	if err != nil {
		return Response{}, err
	}
	if !created {
		return s.resume(ctx, idem, hash)
	}
	return s.charge(ctx, p, r.IdempotencyKey)
}

// resume answers a request whose key was seen before.
func (s *Service) resume(ctx context.Context, idem store.Idem, hash string) (Response, error) {
	if idem.RequestHash != hash {
		return Response{}, fail(422, "idempotency_mismatch", "Idempotency-Key", "this key was used with a different request body")
	}
	if s.Hooks.Idempotent != nil {
		s.Hooks.Idempotent(true)
	}
	if idem.StatusCode != 0 {
		return Response{Status: idem.StatusCode, Body: idem.Response}, nil
	}
	p, err := s.Store.Purchase(ctx, idem.PurchaseID)
	if err != nil {
		return Response{}, err
	}
	return s.charge(ctx, p, idem.Key)
}

// charge asks the provider (idempotent by purchase ID) and records the
// outcome. A timeout leaves the purchase pending for a retry.
func (s *Service) charge(ctx context.Context, p store.Purchase, key string) (Response, error) {
	if p.Status != "pending" {
		// Final but the response was not stored (crash between the two):
		// answer from the purchase.
		return s.finalFromPurchase(ctx, p, key)
	}
	timeout := s.PaymentTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	res, err := s.Provider.Charge(cctx, payment.Charge{Key: p.ID, Amount: p.Amount, Currency: p.Currency, Method: p.Method})
	cancel()
	if err != nil {
		if errors.Is(err, payment.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
			s.hook(s.Hooks.Charge, "timeout")
			s.log().Warn("payment timeout", "purchase", p.ID, "vehicle", p.Vehicle)
			return Response{}, fail(504, "payment_timeout", "", "the payment provider did not answer; retry with the same Idempotency-Key")
		}
		s.hook(s.Hooks.Charge, "error")
		return Response{}, fail(502, "payment_error", "", err.Error())
	}
	s.hook(s.Hooks.Charge, string(res.Outcome))
	return s.record(ctx, p, res, key, []string{"pending"})
}

func (s *Service) hook(f func(string), v string) {
	if f != nil {
		f(v)
	}
}

// record stores a provider result with the response for key.
func (s *Service) record(ctx context.Context, p store.Purchase, res payment.Result, key string, from []string) (Response, error) {
	now := s.now()
	c := store.Completion{PurchaseID: p.ID, ChargeID: res.ChargeID, Vehicle: p.Vehicle, Key: key, FromStatuses: from}
	view := s.View(p)
	view.Status = ""
	switch res.Outcome {
	case payment.Approved:
		c.Status, c.StatusCode = "succeeded", 201
		c.Receipt = "R" + now.Format("20060102") + "-" + strings.ToUpper(p.ID[4:14])
		c.Payment = &store.Payment{ID: res.ChargeID, PurchaseID: p.ID, Kind: "charge", Amount: p.Amount, Currency: p.Currency, CreatedAt: now}
		ent := store.Entitlement{PurchaseID: p.ID, Vehicle: p.Vehicle, Product: p.Product, Kind: p.Kind, Place: p.PlaceID, CreatedAt: now}
		switch p.Kind {
		case catalog.KindSubscription:
			end := addPeriod(now, p.Period)
			ent.ValidUntil = end
			c.Subscription = &store.Subscription{ID: NewID("sub_"), Vehicle: p.Vehicle, Product: p.Product, PurchaseID: p.ID, Period: p.Period, Status: "active",
				PeriodEnd: end, Amount: p.Amount, Currency: p.Currency, Method: p.Method, UpdatedAt: now}
			view.Subscription = subView(*c.Subscription)
		case catalog.KindService:
			ent.ValidUntil = now.Add(time.Duration(p.Minutes) * time.Minute)
		}
		c.Entitlement = &ent
		tok, _, err := s.Token(ent)
		if err != nil {
			return Response{}, err
		}
		view.Entitlement = &tok
		p.Status, p.ChargeID, p.Receipt, p.UpdatedAt = c.Status, res.ChargeID, c.Receipt, now
		view.Receipt = s.receipt(p)
	case payment.Declined:
		c.Status, c.StatusCode, c.DeclineCode = "declined", 402, res.DeclineCode
		view.DeclineCode = res.DeclineCode
	case payment.RequiresConfirmation:
		c.Status, c.StatusCode = "requires_confirmation", 202
	default:
		return Response{}, fmt.Errorf("orders: provider outcome %q", res.Outcome)
	}
	view.Status = c.Status
	body, err := json.Marshal(view)
	if err != nil {
		return Response{}, err
	}
	c.Response = body
	stored, err := s.Store.CompletePurchase(ctx, c)
	if err != nil {
		return Response{}, err
	}
	s.hook(s.Hooks.Purchase, c.Status)
	if key != "" && stored.StatusCode != 0 {
		// A concurrent retry may have finished first: answer what was stored.
		return Response{Status: stored.StatusCode, Body: stored.Response}, nil
	}
	if key == "" {
		// Confirmation: answer from the stored purchase (a concurrent
		// confirm may have recorded it).
		cur, err := s.Store.Purchase(ctx, p.ID)
		if err != nil {
			return Response{}, err
		}
		return s.finalFromPurchase(ctx, cur, "")
	}
	return Response{Status: c.StatusCode, Body: body}, nil
}

// finalFromPurchase answers from a purchase's stored state.
func (s *Service) finalFromPurchase(ctx context.Context, p store.Purchase, key string) (Response, error) {
	if key != "" {
		if idem, err := s.Store.Idem(ctx, p.Vehicle, key); err == nil && idem.StatusCode != 0 {
			return Response{Status: idem.StatusCode, Body: idem.Response}, nil
		}
	}
	view, err := s.FullView(ctx, p)
	if err != nil {
		return Response{}, err
	}
	status := map[string]int{"succeeded": 201, "declined": 402, "requires_confirmation": 202, "refunded": 200}[p.Status]
	if status == 0 {
		status = 200
	}
	body, err := json.Marshal(view)
	return Response{Status: status, Body: body}, err
}

// FullView renders a purchase with its subscription and a fresh token.
func (s *Service) FullView(ctx context.Context, p store.Purchase) (PurchaseView, error) {
	v := s.View(p)
	if p.Status == "succeeded" {
		e, err := s.Store.Entitlement(ctx, p.ID)
		if err == nil {
			if tok, ok, err := s.Token(e); err != nil {
				return v, err
			} else if ok {
				v.Entitlement = &tok
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return v, err
		}
	}
	if p.Kind == catalog.KindSubscription {
		if sb, err := s.Store.SubscriptionByPurchase(ctx, p.ID); err == nil {
			v.Subscription = subView(sb)
		} else if !errors.Is(err, store.ErrNotFound) {
			return v, err
		}
	}
	return v, nil
}

func addPeriod(t time.Time, period string) time.Time {
	if period == "yearly" {
		return t.AddDate(1, 0, 0)
	}
	return t.AddDate(0, 1, 0)
}

// owned loads a purchase of vehicle.
func (s *Service) owned(ctx context.Context, vehicle, id string) (store.Purchase, error) {
	p, err := s.Store.Purchase(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && p.Vehicle != vehicle {
		return store.Purchase{}, fail(404, "not_found", "id", "no purchase "+id+" for this vehicle")
	}
	return p, err
}

// Get returns one purchase of vehicle.
func (s *Service) Get(ctx context.Context, vehicle, id string) (PurchaseView, error) {
	p, err := s.owned(ctx, vehicle, id)
	if err != nil {
		return PurchaseView{}, err
	}
	return s.FullView(ctx, p)
}

// History lists the vehicle's purchases, newest first.
func (s *Service) History(ctx context.Context, vehicle string, limit int) ([]PurchaseView, error) {
	ps, err := s.Store.Purchases(ctx, vehicle, limit)
	if err != nil {
		return nil, err
	}
	out := make([]PurchaseView, 0, len(ps))
	for _, p := range ps {
		v := s.View(p)
		if p.Kind == catalog.KindSubscription {
			if sb, err := s.Store.SubscriptionByPurchase(ctx, p.ID); err == nil {
				v.Subscription = subView(sb)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// Confirm completes a purchase that required confirmation.
func (s *Service) Confirm(ctx context.Context, vehicle, id, code string) (Response, error) {
	p, err := s.owned(ctx, vehicle, id)
	if err != nil {
		return Response{}, err
	}
	switch p.Status {
	case "requires_confirmation":
	case "succeeded", "declined":
		return s.finalFromPurchase(ctx, p, "")
	default:
		return Response{}, fail(409, "conflict", "id", "purchase is "+p.Status+", not awaiting confirmation")
	}
	timeout := s.PaymentTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	res, err := s.Provider.Confirm(cctx, p.ID, code)
	cancel()
	if err != nil {
		if errors.Is(err, payment.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
			return Response{}, fail(504, "payment_timeout", "", "the payment provider did not answer; retry")
		}
		return Response{}, fail(502, "payment_error", "", err.Error())
	}
	if res.Outcome == payment.RequiresConfirmation {
		return Response{}, fail(409, "conflict", "code", "still awaiting confirmation")
	}
	return s.record(ctx, p, res, "", []string{"requires_confirmation"})
}

// Refund refunds a purchase; its entitlement ends with the current token.
func (s *Service) Refund(ctx context.Context, vehicle, id, driver, pin string) (PurchaseView, error) {
	p, err := s.owned(ctx, vehicle, id)
	if err != nil {
		return PurchaseView{}, err
	}
	if err := s.CheckPIN(ctx, vehicle, driver, pin); err != nil {
		return PurchaseView{}, err
	}
	switch p.Status {
	case "refunded":
		return s.FullView(ctx, p)
	case "succeeded":
	default:
		return PurchaseView{}, fail(409, "conflict", "id", "purchase is "+p.Status+"; only succeeded purchases can be refunded")
	}
	cctx, cancel := context.WithTimeout(ctx, s.timeout())
	rid, err := s.Provider.Refund(cctx, "refund-"+p.ID, p.ChargeID, p.Amount)
	cancel()
	if err != nil {
		if errors.Is(err, payment.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
			return PurchaseView{}, fail(504, "payment_timeout", "", "the payment provider did not answer; retry")
		}
		return PurchaseView{}, fail(502, "payment_error", "", err.Error())
	}
	err = s.Store.Refund(ctx, p.ID, store.Payment{ID: rid, PurchaseID: p.ID, Kind: "refund", Amount: -p.Amount, Currency: p.Currency, CreatedAt: s.now()})
	if err != nil && !errors.Is(err, store.ErrConflict) {
		return PurchaseView{}, err
	}
	s.log().Info("refund", "purchase", p.ID, "vehicle", vehicle, "amount", p.Amount)
	p, err = s.Store.Purchase(ctx, p.ID)
	if err != nil {
		return PurchaseView{}, err
	}
	return s.FullView(ctx, p)
}

func (s *Service) timeout() time.Duration {
	if s.PaymentTimeout <= 0 {
		return 10 * time.Second
	}
	return s.PaymentTimeout
}

// Entitlements returns fresh tokens for every standing grant of vehicle.
func (s *Service) Entitlements(ctx context.Context, vehicle string) ([]EntitlementView, error) {
	es, err := s.Store.Entitlements(ctx, vehicle)
	if err != nil {
		return nil, err
	}
	out := []EntitlementView{}
	for _, e := range es {
		v, ok, err := s.Token(e)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// Entitled reports whether vehicle holds a standing grant for product.
func (s *Service) Entitled(ctx context.Context, vehicle, product string) (bool, error) {
	es, err := s.Store.Entitlements(ctx, vehicle)
	if err != nil {
		return false, err
	}
	now := s.now()
	for _, e := range es {
		if e.Product == product && !e.Revoked && (e.ValidUntil.IsZero() || now.Before(e.ValidUntil)) {
			return true, nil
		}
	}
	return false, nil
}

// CancelSubscription stops renewal; the entitlement runs to period end.
func (s *Service) CancelSubscription(ctx context.Context, vehicle, id, driver, pin string) (SubscriptionView, error) {
	sb, err := s.Store.Subscription(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && sb.Vehicle != vehicle {
		return SubscriptionView{}, fail(404, "not_found", "id", "no subscription "+id+" for this vehicle")
	}
	if err != nil {
		return SubscriptionView{}, err
	}
	if err := s.CheckPIN(ctx, vehicle, driver, pin); err != nil {
		return SubscriptionView{}, err
	}
	sb, err = s.Store.CancelSubscription(ctx, id)
	if err != nil {
		return SubscriptionView{}, err
	}
	return *subView(sb), nil
}

// ---- reconciliation

// StaleAfter is how long a purchase may stay pending (its car stopped
// retrying after timeouts or crashes) before Reconcile settles it.
const StaleAfter = 10 * time.Minute

// Reconcile settles purchases left pending: it asks the provider what
// became of each charge (without charging). A captured charge completes
// the purchase with its entitlement, so money taken is never lost; a
// charge the provider never saw declines it ("payment_timeout"), so a
// car that gave up is never charged later. The stored answer is what a
// late retry with the same Idempotency-Key gets.
func (s *Service) Reconcile(ctx context.Context) (settled int, err error) {
	ps, keys, err := s.Store.Stale(ctx, s.now().Add(-StaleAfter), 200)
	if err != nil {
		return 0, err
	}
	for i, p := range ps {
		cctx, cancel := context.WithTimeout(ctx, s.timeout())
		res, found, err := s.Provider.Lookup(cctx, p.ID)
		cancel()
		if err != nil {
			s.log().Warn("reconcile: lookup failed", "purchase", p.ID, "err", err)
			continue
		}
		if !found {
			res = payment.Result{Outcome: payment.Declined, DeclineCode: "payment_timeout"}
		}
		if _, err := s.record(ctx, p, res, keys[i], []string{"pending"}); err != nil {
			return settled, err
		}
		s.log().Info("reconciled stale purchase", "purchase", p.ID, "outcome", res.Outcome)
		settled++
	}
	return settled, nil
}

// ---- renewal

// RenewStats counts what one renewal pass did.
type RenewStats struct {
	Renewed, Failed, Expired, Deferred int
}

// RenewDue charges every subscription whose period ended by now and
// extends it; canceled ones expire; a card declined three times expires
// the subscription. Safe to run concurrently on several servers: each
// step is a compare-and-set on the period end, and the charge key is
// derived from the subscription, its period end and the attempt.
func (s *Service) RenewDue(ctx context.Context) (RenewStats, error) {
	var st RenewStats
	now := s.now()
	due, err := s.Store.DueSubscriptions(ctx, now, 500)
	if err != nil {
		return st, err
	}
	for _, sb := range due {
		if sb.CancelAtPeriodEnd || sb.Status == "canceled" {
			if err := s.Store.SetSubscriptionState(ctx, sb.ID, sb.PeriodEnd, "expired", sb.Failures); err != nil && !errors.Is(err, store.ErrConflict) {
				return st, err
			}
			st.Expired++
			s.hook(s.Hooks.Renewal, "expired")
			continue
		}
		key := fmt.Sprintf("%s-%d-%d", sb.ID, sb.PeriodEnd.Unix(), sb.Failures)
		cctx, cancel := context.WithTimeout(ctx, s.timeout())
		res, err := s.Provider.Charge(cctx, payment.Charge{Key: key, Amount: sb.Amount, Currency: sb.Currency, Method: sb.Method, Renewal: true})
		cancel()
		if err != nil {
			st.Deferred++
			s.hook(s.Hooks.Renewal, "deferred")
			s.log().Warn("renewal deferred", "subscription", sb.ID, "err", err)
			continue
		}
		switch res.Outcome {
		case payment.Approved:
			newEnd := addPeriod(sb.PeriodEnd, sb.Period)
			err := s.Store.Renew(ctx, sb.ID, sb.PeriodEnd, newEnd, store.Payment{ID: res.ChargeID, PurchaseID: sb.PurchaseID, Kind: "renewal", Amount: sb.Amount, Currency: sb.Currency, CreatedAt: now})
			if err != nil && !errors.Is(err, store.ErrConflict) {
				return st, err
			}
			st.Renewed++
			s.hook(s.Hooks.Renewal, "renewed")
		default:
			status := "past_due"
			if sb.Failures+1 >= maxRenewFailures {
				status = "expired"
				st.Expired++
			}
			if err := s.Store.SetSubscriptionState(ctx, sb.ID, sb.PeriodEnd, status, sb.Failures+1); err != nil && !errors.Is(err, store.ErrConflict) {
				return st, err
			}
			st.Failed++
			s.hook(s.Hooks.Renewal, "failed")
		}
	}
	return st, nil
}
