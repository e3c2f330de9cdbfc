package market

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/fascia-hmi/fascia/market/orders"
)

// Purchase, Receipt and Subscription are the store's views.
type (
	Purchase     = orders.PurchaseView
	Receipt      = orders.ReceiptView
	Subscription = orders.SubscriptionView
)

// Purchase statuses.
const (
	Succeeded            = "succeeded"
	RequiresConfirmation = "requires_confirmation"
	Declined             = "declined"
)

// ServiceOrder is what the car supplies for a pay-at-a-place product.
type ServiceOrder = orders.ServiceRequest

// Intent is one purchase the driver means to make: its idempotency key is
// fixed when the driver confirms, so every retry of it (after a timeout, a
// lost answer, a restart of the store) charges at most once.
type Intent struct {
	Key     string
	Product string
	Driver  string
	PIN     string
	Service *ServiceOrder
}

// NewIntent returns an intent with a fresh idempotency key.
func NewIntent(product, driver, pin string, svc *ServiceOrder) Intent {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return Intent{Key: "car-" + hex.EncodeToString(b[:]), Product: product, Driver: driver, PIN: pin, Service: svc}
}

// SetPIN sets a driver's purchase PIN (current is needed to change one).
func (c *Client) SetPIN(ctx context.Context, driver, pin, current string) error {
	m := map[string]string{"pin": pin}
	if current != "" {
		m["current_pin"] = current
	}
	body, _ := json.Marshal(m)
	_, err := c.call(ctx, "PUT", "/v1/drivers/"+driver+"/pin", body, nil, true)
	return err
}

// retryable reports whether a purchase attempt may be sent again with the
// same key: the store was unreachable, the payment provider timed out or
// the store's database was unavailable.
func retryable(err error) bool {
	var e *APIError
	if errors.As(err, &e) {
		return e.Status == http.StatusGatewayTimeout || e.Status == http.StatusServiceUnavailable || e.Status == http.StatusBadGateway
	}
	return errors.Is(err, ErrUnreachable)
}

// Buy sends the intent, retrying with the same idempotency key (signed
// anew each time) while the answer is lost or the payment times out. A
// succeeded purchase's entitlement is verified and cached before Buy
// returns. The purchase's Status says succeeded, requires_confirmation
// (call Confirm) or declined.
func (c *Client) Buy(ctx context.Context, in Intent) (Purchase, error) {
	req := map[string]any{"product": in.Product, "driver": in.Driver, "pin": in.PIN, "card": map[string]string{"number": c.card()}}
	if in.Service != nil {
		req["service"] = in.Service
	}
	body, _ := json.Marshal(req)
	var last error
	wait := c.opt.Backoff
	for attempt := 0; attempt < c.opt.Retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return Purchase{}, errors.Join(ctx.Err(), last)
			case <-time.After(wait):
			}
			wait *= 2
		}
		r, err := c.call(ctx, "POST", "/v1/purchases", body, http.Header{"Idempotency-Key": {in.Key}}, true)
		if err != nil && !IsCode(err, Declined) && !(r.Status == http.StatusPaymentRequired) {
			last = err
			if retryable(err) {
				c.log.Info("market: purchase retry", "product", in.Product, "attempt", attempt+1, "err", err)
				continue
			}
			return Purchase{}, err
		}
		return c.purchaseReply(r.Body)
	}
	return Purchase{}, last
}

func (c *Client) purchaseReply(body []byte) (Purchase, error) {
	var p Purchase
	if err := json.Unmarshal(body, &p); err != nil {
		return p, fmt.Errorf("market: purchase answer: %w", err)
	}
	if p.Status == Succeeded && p.Entitlement != nil {
		if err := c.addTokens([]string{p.Entitlement.Token}, false); err != nil {
			return p, err
		}
	}
	return p, nil
}

// Confirm completes a purchase that requires confirmation with the code the
// bank sent (the sandbox's is 424242).
func (c *Client) Confirm(ctx context.Context, purchaseID, code string) (Purchase, error) {
	body, _ := json.Marshal(map[string]string{"code": code})
	r, err := c.call(ctx, "POST", "/v1/purchases/"+purchaseID+"/confirm", body, nil, true)
	if err != nil && r.Status != http.StatusPaymentRequired {
		return Purchase{}, err
	}
	return c.purchaseReply(r.Body)
}

// History returns the car's purchases with their receipts, newest first.
func (c *Client) History(ctx context.Context) ([]Purchase, error) {
	r, err := c.call(ctx, "GET", "/v1/purchases", nil, nil, true)
	if err != nil {
		return nil, err
	}
	var v struct {
		Purchases []Purchase `json:"purchases"`
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		return nil, fmt.Errorf("market: history: %w", err)
	}
	return v.Purchases, nil
}

// Subscriptions returns the car's subscriptions with status and renewal
// (period end) dates.
func (c *Client) Subscriptions(ctx context.Context) ([]Subscription, error) {
	r, err := c.call(ctx, "GET", "/v1/subscriptions", nil, nil, true)
	if err != nil {
		return nil, err
	}
	var v struct {
		Subscriptions []Subscription `json:"subscriptions"`
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		return nil, fmt.Errorf("market: subscriptions: %w", err)
	}
	return v.Subscriptions, nil
}

// CancelSubscription cancels at the end of the current period.
func (c *Client) CancelSubscription(ctx context.Context, id, driver, pin string) error {
	body, _ := json.Marshal(map[string]string{"driver": driver, "pin": pin})
	_, err := c.call(ctx, "POST", "/v1/subscriptions/"+id+"/cancel", body, nil, true)
	return err
}
