package market

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/fascia-hmi/fascia/market/entitle"
)

// Entitlement is a verified entitlement with its token.
type Entitlement struct {
	entitle.Entitlement
	Token string
}

// Valid reports whether the entitlement is in force at t.
func (e Entitlement) Valid(t time.Time) bool { return t.Before(e.ValidUntil) }

type entitlementSet struct {
	vehicle string
	list    []Entitlement // verified (signature, vehicle), expired included
}

// entFile is the entitlement cache: the tokens exactly as the store sent
// them. Each token carries the store's signature, so the file needs none.
type entFile struct {
	V       int      `json:"v"`
	Vehicle string   `json:"vehicle"`
	Tokens  []string `json:"tokens"`
}

// MaxTokens bounds the entitlement cache.
const MaxTokens = 4096

// ParseEntitlementCache decodes the entitlement cache and verifies every
// token's signature and vehicle. A token that fails is reported in rejected
// (with the reason) and left out; expired tokens are kept so the car can
// say what ran out.
func ParseEntitlementCache(pub ed25519.PublicKey, vehicle string, data []byte) (list []Entitlement, rejected []error, err error) {
	if len(data) > MaxCacheFile {
		return nil, nil, fmt.Errorf("entitlement cache: larger than %d bytes", MaxCacheFile)
	}
	var f entFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, nil, fmt.Errorf("entitlement cache: %w", err)
	}
	if dec.More() {
		return nil, nil, errors.New("entitlement cache: data after the object")
	}
	if f.V != 1 {
		return nil, nil, fmt.Errorf("entitlement cache: v: version %d, want 1", f.V)
	}
	if f.Vehicle != vehicle {
		return nil, nil, fmt.Errorf("entitlement cache: vehicle: %q is not this car (%s)", f.Vehicle, vehicle)
	}
	if len(f.Tokens) > MaxTokens {
		return nil, nil, fmt.Errorf("entitlement cache: tokens: more than %d", MaxTokens)
	}
	for i, t := range f.Tokens {
		e, err := verifyToken(pub, vehicle, t)
		if err != nil {
			rejected = append(rejected, fmt.Errorf("entitlement cache: tokens[%d]: %w", i, err))
			continue
		}
		list = append(list, e)
	}
	return list, rejected, nil
}

// verifyToken checks signature and vehicle but not expiry.
func verifyToken(pub ed25519.PublicKey, vehicle, token string) (Entitlement, error) {
	e, err := entitle.Verify(pub, token, vehicle, time.Time{})
	if err != nil && !errors.Is(err, entitle.ErrExpired) {
		return Entitlement{}, err
	}
	return Entitlement{Entitlement: e, Token: token}, nil
}

func (c *Client) entPath() string { return filepath.Join(c.dir, "entitlements.json") }

// entitlements returns the verified set, loading the cache on first use.
func (c *Client) entitlements() *entitlementSet {
	c.mu.Lock()
	s := c.ents
	c.mu.Unlock()
	if s != nil {
		return s
	}
	s = &entitlementSet{}
	_, pub, err := c.ensureKeys()
	if err == nil {
		s.vehicle = c.Vehicle()
		data, rerr := os.ReadFile(c.entPath())
		switch {
		case rerr == nil:
			list, rej, perr := ParseEntitlementCache(pub, s.vehicle, data)
			if perr != nil {
				c.log.Warn("market: entitlement cache rejected", "file", c.entPath(), "err", perr)
			}
			for _, e := range rej {
				c.log.Warn("market: entitlement rejected", "err", e)
			}
			s.list = list
		case !errors.Is(rerr, os.ErrNotExist):
			c.log.Warn("market: entitlement cache", "err", rerr)
		}
	}
	c.mu.Lock()
	if c.ents == nil {
		c.ents = s
	}
	s = c.ents
	c.mu.Unlock()
	return s
}

// Entitlements returns the verified entitlements (valid and expired), the
// latest per product and place first by expiry.
func (c *Client) Entitlements() []Entitlement {
	s := c.entitlements()
	out := append([]Entitlement(nil), s.list...)
	sort.Slice(out, func(i, j int) bool { return out[i].ValidUntil.After(out[j].ValidUntil) })
	return out
}

// Entitled reports whether a verified entitlement for product is valid
// now. It works offline, from the cache, until the entitlement expires.
func (c *Client) Entitled(product string) bool {
	_, ok := c.EntitlementFor(product)
	return ok
}

// EntitlementFor returns the longest-valid entitlement for product that is
// in force now.
func (c *Client) EntitlementFor(product string) (Entitlement, bool) {
	now := c.opt.Now()
	var best Entitlement
	ok := false
	for _, e := range c.entitlements().list {
		if e.Product == product && e.Valid(now) && (!ok || e.ValidUntil.After(best.ValidUntil)) {
			best, ok = e, true
		}
	}
	return best, ok
}

// addTokens verifies tokens and merges (replace=false) or replaces the
// cache, then writes it.
func (c *Client) addTokens(tokens []string, replace bool) error {
	_, pub, err := c.ensureKeys()
	if err != nil {
		return err
	}
	vehicle := c.Vehicle()
	var fresh []Entitlement
	for _, t := range tokens {
		e, err := verifyToken(pub, vehicle, t)
		if err != nil {
			return fmt.Errorf("market: entitlement from the store rejected: %w", err)
		}
		fresh = append(fresh, e)
	}
	old := c.entitlements()
	ns := &entitlementSet{vehicle: vehicle}
	seen := map[string]bool{}
	for _, e := range fresh {
		if !seen[e.Serial] {
			seen[e.Serial] = true
			ns.list = append(ns.list, e)
		}
	}
	if !replace {
		for _, e := range old.list {
			if !seen[e.Serial] {
				seen[e.Serial] = true
				ns.list = append(ns.list, e)
			}
		}
	} else {
		// Keep service entitlements (parking) that the store no longer
		// lists only until they end; the list is what stands now.
		now := c.opt.Now()
		for _, e := range old.list {
			if !seen[e.Serial] && e.Kind == "service" && e.Valid(now) {
				seen[e.Serial] = true
				ns.list = append(ns.list, e)
			}
		}
	}
	f := entFile{V: 1, Vehicle: vehicle}
	for _, e := range ns.list {
		f.Tokens = append(f.Tokens, e.Token)
	}
	b, _ := json.MarshalIndent(f, "", " ")
	if err := writeFileAtomic(c.entPath(), b, 0o600); err != nil {
		return err
	}
	c.mu.Lock()
	c.ents = ns
	c.mu.Unlock()
	c.changed()
	return nil
}

// RefreshEntitlements fetches fresh tokens for every purchase that stands
// and replaces the cache. Offline, the cache stays as it is.
func (c *Client) RefreshEntitlements(ctx context.Context) error {
	r, err := c.call(ctx, "GET", "/v1/entitlements", nil, nil, true)
	if err != nil {
		return err
	}
	var v struct {
		Entitlements []struct {
			Token string `json:"token"`
		} `json:"entitlements"`
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		return fmt.Errorf("market: entitlements: %w", err)
	}
	var toks []string
	for _, e := range v.Entitlements {
		toks = append(toks, e.Token)
	}
	return c.addTokens(toks, true)
}
