// Package catalog owns the product model (kinds, prices, localized titles,
// content manifests, service limits), its validation, and the in-memory
// snapshot the server answers catalog requests from: localized, filtered,
// searched, rendered to JSON once per version and language and signed with
// the store key. It must not do I/O; the server loads rows from the store
// and hands them in.
package catalog

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/fascia-hmi/fascia/market/entitle"
	"github.com/fascia-hmi/fascia/market/store"
)

// Kinds of product.
const (
	KindApp          = "app"
	KindSubscription = "subscription"
	KindContent      = "content"
	KindService      = "service"
)

// Validation patterns shared with the API (and documented in openapi.yaml).
var (
	ProductIDPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)
	CategoryIDPattern = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)
	LangPattern       = regexp.MustCompile(`^[a-z]{2}(-[A-Z]{2})?$`)
	currencyPattern   = regexp.MustCompile(`^[A-Z]{3}$`)
	sha256Pattern     = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// Money is an amount in minor units, tax included.
type Money struct {
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	TaxRateBP int    `json:"tax_rate_bp"`
}

// Tax is the tax part of a tax-inclusive amount, rounded half up.
func (m Money) Tax() int64 {
	if m.TaxRateBP == 0 {
		return 0
	}
	net := (m.Amount*10000 + int64(10000+m.TaxRateBP)/2) / int64(10000+m.TaxRateBP)
	return m.Amount - net
}

// Content is a downloadable file's manifest. Blob is the server-side file
// name (content-addressed: the SHA-256) and is not shown to cars.
type Content struct {
	File      string `json:"file"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	Signature string `json:"signature"`
}

// Service describes a pay-at-a-place product; the car supplies the amount.
type Service struct {
	Type      string `json:"type"` // parking, charging
	MinAmount int64  `json:"min_amount"`
	MaxAmount int64  `json:"max_amount"`
}

// Product as stored.
type Product struct {
	ID           string            `json:"id"`
	Kind         string            `json:"kind"`
	Category     string            `json:"category"`
	Titles       map[string]string `json:"titles"`
	Descriptions map[string]string `json:"descriptions"`
	Tags         []string          `json:"tags,omitempty"`
	Price        Money             `json:"price"`
	Period       string            `json:"period,omitempty"`
	Content      *Content          `json:"content,omitempty"`
	Service      *Service          `json:"service,omitempty"`
}

// Category as stored.
type Category struct {
	ID     string            `json:"id"`
	Titles map[string]string `json:"titles"`
}

// Validate checks a product's fields; the error names the field.
func (p *Product) Validate() error {
	f := func(field, msg string) error { return fmt.Errorf("product %q: %s: %s", p.ID, field, msg) }
	if !ProductIDPattern.MatchString(p.ID) {
		return f("id", "must match "+ProductIDPattern.String())
	}
	switch p.Kind {
	case KindApp, KindSubscription, KindContent, KindService:
	default:
		return f("kind", "must be app, subscription, content or service")
	}
	if !CategoryIDPattern.MatchString(p.Category) {
		return f("category", "must match "+CategoryIDPattern.String())
	}
	if p.Titles["en"] == "" {
		return f("titles.en", "required")
	}
	for l, t := range p.Titles {
		if !LangPattern.MatchString(l) || len(t) > 120 {
			return f("titles."+l, "language must match "+LangPattern.String()+", title at most 120 bytes")
		}
	}
	if p.Price.Amount < 0 || p.Price.Amount > 10_000_000 {
		return f("price.amount", "must be 0..10000000")
	}
	if !currencyPattern.MatchString(p.Price.Currency) {
		return f("price.currency", "must be an ISO 4217 code")
	}
	if p.Price.TaxRateBP < 0 || p.Price.TaxRateBP > 10000 {
		return f("price.tax_rate_bp", "must be 0..10000")
	}
	if (p.Kind == KindSubscription) != (p.Period != "") {
		return f("period", "subscriptions and only subscriptions have a period")
	}
	if p.Period != "" && p.Period != "monthly" && p.Period != "yearly" {
		return f("period", "must be monthly or yearly")
	}
	if (p.Kind == KindContent) != (p.Content != nil) {
		return f("content", "content products and only they have a content manifest")
	}
	if c := p.Content; c != nil {
		if c.File == "" || c.Size <= 0 || !sha256Pattern.MatchString(c.SHA256) || c.Signature == "" {
			return f("content", "file, size, sha256 (lower-case hex) and signature are required")
		}
	}
	if (p.Kind == KindService) != (p.Service != nil) {
		return f("service", "service products and only they have a service block")
	}
	if s := p.Service; s != nil {
		if s.Type != "parking" && s.Type != "charging" {
			return f("service.type", "must be parking or charging")
		}
		if s.MinAmount < 1 || s.MaxAmount < s.MinAmount || s.MaxAmount > 100_000 {
			return f("service.min_amount", "need 1 <= min_amount <= max_amount <= 100000")
		}
	}
	return nil
}

// View is a product as a car sees it: one language.
type View struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"`
	Category    string   `json:"category"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Tags        []string `json:"tags,omitempty"`
	Price       Money    `json:"price"`
	Period      string   `json:"period,omitempty"`
	Content     *Content `json:"content,omitempty"`
	Service     *Service `json:"service,omitempty"`
}

// CategoryView is a category in one language.
type CategoryView struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Doc is the catalog response body.
type Doc struct {
	Version    int64          `json:"version"`
	Lang       string         `json:"lang"`
	Categories []CategoryView `json:"categories"`
	Products   []View         `json:"products"`
}

// localize picks lang, then its base language, then English.
func localize(m map[string]string, lang string) string {
	if s, ok := m[lang]; ok {
		return s
	}
	if base, _, ok := strings.Cut(lang, "-"); ok {
		if s, ok := m[base]; ok {
			return s
		}
	}
	return m["en"]
}

// Localize renders p in lang.
func (p *Product) Localize(lang string) View {
	return View{ID: p.ID, Kind: p.Kind, Category: p.Category, Title: localize(p.Titles, lang), Description: localize(p.Descriptions, lang),
		Tags: p.Tags, Price: p.Price, Period: p.Period, Content: p.Content, Service: p.Service}
}

// Rendered is a signed response body.
type Rendered struct {
	Body      []byte
	ETag      string
	Signature string
}

// Snapshot is one version of the catalog, immutable but for its render
// cache; safe for concurrent use.
type Snapshot struct {
	Version    int64
	Products   []*Product
	Categories []*Category
	byID       map[string]*Product
	key        ed25519.PrivateKey

	mu    sync.Mutex
	cache map[string]*Rendered // unfiltered renders by language
}

// Load builds a snapshot from store rows, validating every product.
func Load(version int64, cats, prods []store.Row, key ed25519.PrivateKey) (*Snapshot, error) {
	s := &Snapshot{Version: version, byID: map[string]*Product{}, key: key, cache: map[string]*Rendered{}}
	for _, r := range cats {
		var c Category
		if err := json.Unmarshal(r.Doc, &c); err != nil {
			return nil, fmt.Errorf("catalog: category %s: %w", r.ID, err)
		}
		s.Categories = append(s.Categories, &c)
	}
	for _, r := range prods {
		var p Product
		if err := json.Unmarshal(r.Doc, &p); err != nil {
			return nil, fmt.Errorf("catalog: product %s: %w", r.ID, err)
		}
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		s.Products = append(s.Products, &p)
		s.byID[p.ID] = &p
	}
	return s, nil
}

// Product returns a product by ID.
func (s *Snapshot) Product(id string) (*Product, bool) {
	p, ok := s.byID[id]
	return p, ok
}

// Query filters a catalog request; empty fields match everything.
type Query struct {
	Lang, Category, Kind, Text string
}

func (p *Product) matches(q Query) bool {
	if q.Category != "" && p.Category != q.Category || q.Kind != "" && p.Kind != q.Kind {
		return false
	}
	if q.Text == "" {
		return true
	}
	t := strings.ToLower(q.Text)
	for _, m := range []map[string]string{p.Titles, p.Descriptions} {
		for _, s := range m {
			if strings.Contains(strings.ToLower(s), t) {
				return true
			}
		}
	}
	for _, tag := range p.Tags {
		if strings.Contains(strings.ToLower(tag), t) {
			return true
		}
	}
	return strings.Contains(p.ID, t)
}

// Render returns the signed JSON body for q. Unfiltered renders are cached
// per language.
func (s *Snapshot) Render(q Query) (*Rendered, error) {
	if q.Lang == "" {
		q.Lang = "en"
	}
	filtered := q.Category != "" || q.Kind != "" || q.Text != ""
	if !filtered {
		s.mu.Lock()
		r, ok := s.cache[q.Lang]
		s.mu.Unlock()
		if ok {
			return r, nil
		}
	}
	doc := Doc{Version: s.Version, Lang: q.Lang, Categories: []CategoryView{}, Products: []View{}}
	for _, c := range s.Categories {
		doc.Categories = append(doc.Categories, CategoryView{ID: c.ID, Title: localize(c.Titles, q.Lang)})
	}
	for _, p := range s.Products {
		if p.matches(q) {
			doc.Products = append(doc.Products, p.Localize(q.Lang))
		}
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	r := &Rendered{Body: body, ETag: `"` + hex.EncodeToString(sum[:16]) + `"`, Signature: entitle.SignCatalog(s.key, body)}
	if !filtered {
		s.mu.Lock()
		if len(s.cache) < 64 {
			s.cache[q.Lang] = r
		}
		s.mu.Unlock()
	}
	return r, nil
}

// Rows turns products and categories into store rows (for seeding).
func Rows(cats []Category, prods []Product) (catRows, prodRows []store.Row, err error) {
	for i, c := range cats {
		if !CategoryIDPattern.MatchString(c.ID) || c.Titles["en"] == "" {
			return nil, nil, fmt.Errorf("catalog: category %q: id must match %s and titles.en is required", c.ID, CategoryIDPattern)
		}
		b, _ := json.Marshal(c)
		catRows = append(catRows, store.Row{ID: c.ID, Position: i, Doc: b})
	}
	for i := range prods {
		if err := prods[i].Validate(); err != nil {
			return nil, nil, fmt.Errorf("catalog: %w", err)
		}
		b, _ := json.Marshal(prods[i])
		prodRows = append(prodRows, store.Row{ID: prods[i].ID, Kind: prods[i].Kind, Position: i, Doc: b})
	}
	return catRows, prodRows, nil
}
