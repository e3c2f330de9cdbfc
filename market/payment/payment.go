// Package payment owns the seam between the store and a payment provider:
// the Provider interface (charge, confirm, refund, each idempotent by a key
// the caller chooses) and Sandbox, a built-in provider that behaves by
// magic card number like public payment sandboxes. It must not know about
// products, entitlements or storage of orders.
package payment

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Outcome of a charge.
type Outcome string

// Outcomes.
const (
	Approved             Outcome = "approved"
	Declined             Outcome = "declined"
	RequiresConfirmation Outcome = "requires_confirmation"
)

// ErrTimeout means the provider did not answer in time: the charge may or
// may not have been captured. Retrying with the same key is safe.
var ErrTimeout = errors.New("payment: provider timed out")

// ErrUnknownCharge means a Confirm or Refund names no charge.
var ErrUnknownCharge = errors.New("payment: unknown charge")

// Charge asks to capture Amount from Method. Key makes it idempotent: a
// second Charge with the same key returns the first result without
// capturing again.
type Charge struct {
	Key      string
	Amount   int64
	Currency string
	Method   string // from Tokenize
	Renewal  bool   // an unattended renewal (no customer present)
}

// Result is a provider's answer.
type Result struct {
	Outcome     Outcome
	ChargeID    string
	DeclineCode string // card_declined, insufficient_funds, confirmation_failed
}

// Provider is a payment service.
type Provider interface {
	// Tokenize turns card details into a reusable payment method token.
	Tokenize(ctx context.Context, cardNumber string) (method string, err error)
	Charge(ctx context.Context, c Charge) (Result, error)
	// Confirm completes a charge that required confirmation (3-D Secure).
	Confirm(ctx context.Context, key, code string) (Result, error)
	// Lookup reports what became of a charge key without charging:
	// found is false when the provider never saw it.
	Lookup(ctx context.Context, key string) (res Result, found bool, err error)
	// Refund returns a captured charge's money; idempotent by key.
	Refund(ctx context.Context, key, chargeID string, amount int64) (refundID string, err error)
}

// Luhn reports whether a digit string passes the Luhn check.
func Luhn(number string) bool {
	if len(number) < 12 {
		return false
	}
	sum := 0
	double := false
	for i := len(number) - 1; i >= 0; i-- {
		c := number[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// Last4 is the last four digits of a card number or method.
func Last4(s string) string {
	if len(s) < 4 {
		return s
	}
	return s[len(s)-4:]
}

func sandboxNumber(method string) (string, error) {
	n, ok := strings.CutPrefix(method, "pm_sbx_")
	if !ok {
		return "", fmt.Errorf("payment: sandbox: unknown payment method %q", method)
	}
	return n, nil
}
