// Package store owns the market's persistent state: catalog documents,
// vehicles, replay nonces, driver PIN hashes, idempotency records,
// purchases, payments, entitlements and subscriptions. One implementation
// over database/sql serves SQLite (modernc.org/sqlite) and PostgreSQL
// (jackc/pgx/v5) with the same SQL and the same migrations, run in code.
// It must not hold business rules (prices, PIN policy, payment flow): it
// stores what the orders package decides, atomically.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors callers test with errors.Is.
var (
	ErrNotFound = errors.New("store: not found")
	ErrReplay   = errors.New("store: nonce already used")
	ErrConflict = errors.New("store: state changed concurrently")
)

// Row is a catalog document (a product or a category) stored as JSON.
type Row struct {
	ID       string
	Kind     string // product kind; "" for categories
	Position int
	Doc      []byte
}

// Vehicle is a registered car.
type Vehicle struct {
	ID        string
	PublicKey string // base64url ed25519
	VIN       string
	Model     string
	CreatedAt time.Time
}

// Driver is a driver of a vehicle with a purchase PIN.
type Driver struct {
	Vehicle     string
	Driver      string
	PINHash     string
	Failed      int
	LockedUntil time.Time
}

// Idem is an idempotency record: the first request of a key and, once
// final, the response it got. StatusCode 0 means not final yet.
type Idem struct {
	Vehicle     string
	Key         string
	RequestHash string
	PurchaseID  string
	StatusCode  int
	Response    []byte
	CreatedAt   time.Time
}

// Purchase is an order of one product by one vehicle.
type Purchase struct {
	ID          string
	Vehicle     string
	Product     string
	Kind        string
	Title       string
	Driver      string
	Amount      int64
	Currency    string
	TaxRateBP   int
	Period      string
	Status      string // pending, requires_confirmation, succeeded, declined, refunded
	CardLast4   string
	Method      string // provider payment method token (for renewals)
	ChargeID    string
	DeclineCode string
	PlaceID     string
	PlaceName   string
	Minutes     int
	Receipt     string // receipt number once paid
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Payment is money captured (positive) or refunded (negative) for a purchase.
type Payment struct {
	ID         string // provider's charge/refund ID
	PurchaseID string
	Kind       string // charge, renewal, refund
	Amount     int64
	Currency   string
	CreatedAt  time.Time
}

// Entitlement is the grant a purchase gives; tokens are minted from it.
type Entitlement struct {
	PurchaseID string
	Vehicle    string
	Product    string
	Kind       string
	Place      string
	ValidUntil time.Time // zero: perpetual (tokens are leased)
	Revoked    bool      // refunded: no more tokens are minted
	CreatedAt  time.Time
}

// Subscription is a renewing purchase.
type Subscription struct {
	ID                string
	Vehicle           string
	Product           string
	PurchaseID        string
	Period            string // monthly, yearly
	Status            string // active, past_due, canceled, expired
	PeriodEnd         time.Time
	CancelAtPeriodEnd bool
	Renewals          int
	Failures          int
	Amount            int64
	Currency          string
	Method            string
	UpdatedAt         time.Time
}

// Completion is everything that becomes true when a purchase reaches a
// final or waiting state; CompletePurchase writes it in one transaction.
type Completion struct {
	PurchaseID   string
	Status       string
	ChargeID     string
	DeclineCode  string
	Receipt      string
	Payment      *Payment
	Entitlement  *Entitlement
	Subscription *Subscription
	// The idempotency record to finalise with this response (if Key != "").
	Vehicle, Key string
	StatusCode   int
	Response     []byte
	// FromStatuses limits the update to purchases in these states.
	FromStatuses []string
}

// Store is the market's storage. Both backends implement it with the same
// semantics; the test suite runs against both.
type Store interface {
	Close() error
	Ping(ctx context.Context) error
	Backend() string

	PutCatalog(ctx context.Context, categories, products []Row) (version int64, err error)
	Catalog(ctx context.Context) (version int64, categories, products []Row, err error)
	CatalogVersion(ctx context.Context) (int64, error)

	RegisterVehicle(ctx context.Context, v Vehicle) (Vehicle, bool, error)
	Vehicle(ctx context.Context, id string) (Vehicle, error)
	UseNonce(ctx context.Context, vehicle, nonce string, expires time.Time) error
	PurgeNonces(ctx context.Context, now time.Time) (int64, error)

	Driver(ctx context.Context, vehicle, driver string) (Driver, error)
	PutDriver(ctx context.Context, d Driver) error
	PINAttempt(ctx context.Context, vehicle, driver string, ok bool, lockAfter int, lockUntil time.Time) error

	// BeginPurchase records the idempotency key and the pending purchase,
	// or returns what the key already names (created false). ErrConflict:
	// the vehicle has an unfinished purchase of this (non-service) product.
	BeginPurchase(ctx context.Context, idem Idem, p Purchase) (Idem, Purchase, bool, error)
	Idem(ctx context.Context, vehicle, key string) (Idem, error)
	CompletePurchase(ctx context.Context, c Completion) (Idem, error)
	Purchase(ctx context.Context, id string) (Purchase, error)
	Purchases(ctx context.Context, vehicle string, limit int) ([]Purchase, error)
	Payments(ctx context.Context, purchaseID string) ([]Payment, error)
	// Stale lists purchases still pending that were created before
	// before, with their idempotency keys.
	Stale(ctx context.Context, before time.Time, limit int) ([]Purchase, []string, error)
	Refund(ctx context.Context, purchaseID string, refund Payment) error

	Entitlement(ctx context.Context, purchaseID string) (Entitlement, error)
	Entitlements(ctx context.Context, vehicle string) ([]Entitlement, error)

	Subscription(ctx context.Context, id string) (Subscription, error)
	SubscriptionByPurchase(ctx context.Context, purchaseID string) (Subscription, error)
	Subscriptions(ctx context.Context, vehicle string) ([]Subscription, error)
	ActiveSubscription(ctx context.Context, vehicle, product string) (Subscription, error)
	DueSubscriptions(ctx context.Context, now time.Time, limit int) ([]Subscription, error)
	Renew(ctx context.Context, subID string, oldEnd, newEnd time.Time, pay Payment) error
	SetSubscriptionState(ctx context.Context, subID string, oldEnd time.Time, status string, failures int) error
	CancelSubscription(ctx context.Context, subID string) (Subscription, error)
}

// Open opens (and migrates) a store from a URL: "sqlite:PATH" (or a path
// ending in .db) or "postgres://…"/"postgresql://…".
func Open(ctx context.Context, url string) (Store, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return openPostgres(ctx, url)
	case strings.HasPrefix(url, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(url, "sqlite:"))
	case strings.HasSuffix(url, ".db"):
		return openSQLite(ctx, url)
	}
	return nil, fmt.Errorf("store: --db %q: want sqlite:PATH or postgres://…", url)
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// errNoRows maps sql.ErrNoRows to ErrNotFound.
func errNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
