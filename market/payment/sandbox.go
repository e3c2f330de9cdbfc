package payment

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"sync"
	"time"
)

// Sandbox card numbers (documented in docs/market.md).
const (
	CardApprove        = "4242424242424242"
	CardApprove2       = "5555555555554444"
	CardDecline        = "4000000000000002"
	CardInsufficient   = "4000000000009995"
	CardConfirm        = "4000000000003220"
	CardTimeoutOnce    = "4000000000000119"
	CardTimeoutAlways  = "4000000000000101"
	CardDeclineRenewal = "4000000000000341"
	SandboxConfirmCode = "424242"

	sandboxMethodPrefix = "pm_sbx_"
	sandboxChargePrefix = "ch_sbx_"
	sandboxRefundPrefix = "re_sbx_"
)

// Sandbox is an in-memory provider standing in for an external one. Like a
// real provider it outlives the store server's restarts when shared by
// tests, and it keeps a ledger so tests can count captures.
type Sandbox struct {
	// Latency is added to every call (simulates the network).
	Latency time.Duration
	// TimeoutRate in [0,1] makes that share of charge calls time out; half
	// of those capture before timing out (the answer is lost). Fault
	// injection for tests.
	TimeoutRate float64

	mu       sync.Mutex
	charges  map[string]*sandboxCharge // by key
	refunds  map[string]string         // key → refund ID
	attempts map[string]int
	rng      *rand.Rand
}

type sandboxCharge struct {
	result   Result
	amount   int64
	captured bool
	refunded bool
}

// NewSandbox returns an empty sandbox.
func NewSandbox() *Sandbox {
	var seed [16]byte
	_, _ = crand.Read(seed[:])
	return &Sandbox{
		charges:  map[string]*sandboxCharge{},
		refunds:  map[string]string{},
		attempts: map[string]int{},
		rng:      rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:]))),
	}
}

func newID(prefix string) string {
	var b [10]byte
	_, _ = crand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func (s *Sandbox) wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ErrTimeout
	case <-t.C:
		return nil
	}
}

// Tokenize returns a method token for a sandbox card.
func (s *Sandbox) Tokenize(ctx context.Context, number string) (string, error) {
	if !Luhn(number) {
		return "", errInvalidCard
	}
	return sandboxMethodPrefix + number, nil
}

var errInvalidCard = &cardError{"card number fails the Luhn check"}

type cardError struct{ msg string }

func (e *cardError) Error() string { return "payment: " + e.msg }

// timeout blocks until ctx ends (the provider "hangs") and returns ErrTimeout.
func timeout(ctx context.Context) error {
	<-ctx.Done()
	return ErrTimeout
}

// Charge implements Provider.
func (s *Sandbox) Charge(ctx context.Context, c Charge) (Result, error) {
	number, err := sandboxNumber(c.Method)
	if err != nil {
		return Result{}, err
	}
	if err := s.wait(ctx, s.Latency); err != nil {
		return Result{}, ErrTimeout
	}
	s.mu.Lock()
	s.attempts[c.Key]++
	attempt := s.attempts[c.Key]
	if ch, ok := s.charges[c.Key]; ok {
		r := ch.result
		s.mu.Unlock()
		return r, nil
	}
	injected := s.TimeoutRate > 0 && s.rng.Float64() < s.TimeoutRate
	captureThenLose := injected && s.rng.IntN(2) == 0
	if number == CardTimeoutAlways || (injected && !captureThenLose) {
		s.mu.Unlock()
		return Result{}, timeout(ctx)
	}
	var r Result
	switch {
	case number == CardDecline:
		r = Result{Outcome: Declined, DeclineCode: "card_declined"}
	case number == CardInsufficient:
		r = Result{Outcome: Declined, DeclineCode: "insufficient_funds"}
	case number == CardDeclineRenewal && c.Renewal:
		r = Result{Outcome: Declined, DeclineCode: "card_declined"}
	case number == CardConfirm && !c.Renewal:
		r = Result{Outcome: RequiresConfirmation, ChargeID: newID(sandboxChargePrefix)}
	default:
		r = Result{Outcome: Approved, ChargeID: newID(sandboxChargePrefix)}
	}
	s.charges[c.Key] = &sandboxCharge{result: r, amount: c.Amount, captured: r.Outcome == Approved}
	s.mu.Unlock()
	if (number == CardTimeoutOnce && attempt == 1) || captureThenLose {
		return Result{}, timeout(ctx)
	}
	return r, nil
}

// Confirm implements Provider: code 424242 approves, anything else declines.
func (s *Sandbox) Confirm(ctx context.Context, key, code string) (Result, error) {
	if err := s.wait(ctx, s.Latency); err != nil {
		return Result{}, ErrTimeout
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.charges[key]
	if !ok {
		return Result{}, ErrUnknownCharge
	}
	if ch.result.Outcome == RequiresConfirmation {
		if code == SandboxConfirmCode {
			ch.result.Outcome = Approved
			ch.captured = true
		} else {
			ch.result = Result{Outcome: Declined, ChargeID: ch.result.ChargeID, DeclineCode: "confirmation_failed"}
		}
	}
	return ch.result, nil
}

// Lookup implements Provider.
func (s *Sandbox) Lookup(ctx context.Context, key string) (Result, bool, error) {
	if err := s.wait(ctx, s.Latency); err != nil {
		return Result{}, false, ErrTimeout
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.charges[key]
	if !ok {
		return Result{}, false, nil
	}
	return ch.result, true, nil
}

// Refund implements Provider.
func (s *Sandbox) Refund(ctx context.Context, key, chargeID string, amount int64) (string, error) {
	if err := s.wait(ctx, s.Latency); err != nil {
		return "", ErrTimeout
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.refunds[key]; ok {
		return id, nil
	}
	for _, ch := range s.charges {
		if ch.result.ChargeID == chargeID && ch.captured {
			ch.refunded = true
			id := newID(sandboxRefundPrefix)
			s.refunds[key] = id
			return id, nil
		}
	}
	return "", ErrUnknownCharge
}

// Captured is the ledger: for each key with a captured charge, its amount.
func (s *Sandbox) Captured() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int64{}
	for k, ch := range s.charges {
		if ch.captured {
			out[k] = ch.amount
		}
	}
	return out
}

// Attempts is how many Charge calls a key received.
func (s *Sandbox) Attempts(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts[key]
}
