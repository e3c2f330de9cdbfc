package payment

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLuhn(t *testing.T) {
	for _, n := range []string{CardApprove, CardApprove2, CardDecline, CardInsufficient, CardConfirm, CardTimeoutOnce, CardTimeoutAlways, CardDeclineRenewal} {
		if !Luhn(n) {
			t.Errorf("%s fails Luhn", n)
		}
	}
	for _, n := range []string{"4242424242424241", "42424242", "424242424242424x", ""} {
		if Luhn(n) {
			t.Errorf("%q passes Luhn", n)
		}
	}
}

func TestSandbox(t *testing.T) {
	s := NewSandbox()
	ctx := context.Background()
	charge := func(key, card string, renewal bool) (Result, error) {
		m, err := s.Tokenize(ctx, card)
		if err != nil {
			t.Fatal(err)
		}
		c, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		return s.Charge(c, Charge{Key: key, Amount: 100, Currency: "EUR", Method: m, Renewal: renewal})
	}
	if r, err := charge("a", CardApprove, false); err != nil || r.Outcome != Approved {
		t.Fatalf("approve: %+v %v", r, err)
	}
	r1, _ := charge("a", CardApprove, false)
	r2, _ := charge("a", CardApprove, false)
	if r1.ChargeID != r2.ChargeID || len(s.Captured()) != 1 {
		t.Fatal("same key charged twice")
	}
	if r, _ := charge("b", CardDecline, false); r.Outcome != Declined || r.DeclineCode != "card_declined" {
		t.Fatalf("decline: %+v", r)
	}
	if r, _ := charge("c", CardInsufficient, false); r.DeclineCode != "insufficient_funds" {
		t.Fatalf("insufficient: %+v", r)
	}
	if r, _ := charge("d", CardConfirm, false); r.Outcome != RequiresConfirmation {
		t.Fatalf("confirm: %+v", r)
	}
	if r, err := s.Confirm(ctx, "d", SandboxConfirmCode); err != nil || r.Outcome != Approved {
		t.Fatalf("confirmed: %+v %v", r, err)
	}
	if _, err := charge("e", CardTimeoutOnce, false); !errors.Is(err, ErrTimeout) {
		t.Fatalf("timeout once: %v", err)
	}
	if r, err := charge("e", CardTimeoutOnce, false); err != nil || r.Outcome != Approved {
		t.Fatalf("retry after lost answer: %+v %v", r, err)
	}
	if _, err := charge("f", CardTimeoutAlways, false); !errors.Is(err, ErrTimeout) {
		t.Fatalf("timeout always: %v", err)
	}
	if r, _ := charge("g", CardDeclineRenewal, false); r.Outcome != Approved {
		t.Fatalf("renewal card, first purchase: %+v", r)
	}
	if r, _ := charge("h", CardDeclineRenewal, true); r.Outcome != Declined {
		t.Fatalf("renewal card, renewal: %+v", r)
	}
	captured := s.Captured()
	if len(captured) != 4 { // a, d, e, g
		t.Fatalf("captured %v", captured)
	}
	id1, err := s.Refund(ctx, "r-a", r1.ChargeID, 100)
	id2, _ := s.Refund(ctx, "r-a", r1.ChargeID, 100)
	if err != nil || id1 != id2 {
		t.Fatalf("refund not idempotent: %s %s %v", id1, id2, err)
	}
	if _, err := s.Refund(ctx, "r-x", "ch_nope", 1); !errors.Is(err, ErrUnknownCharge) {
		t.Fatalf("refund unknown: %v", err)
	}
}
