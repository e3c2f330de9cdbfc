package market

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/market/catalog"
	"github.com/fascia-hmi/fascia/market/entitle"
)

// Product is a catalog product as the car shows it.
type Product = catalog.View

// Category is a catalog category.
type Category = catalog.CategoryView

// Catalog is a verified catalog and where it came from.
type Catalog struct {
	Doc       catalog.Doc
	FetchedAt time.Time // when the store last sent or confirmed it
	Cached    bool      // loaded from the offline cache, not the store
	body      []byte
	sig       string
	etag      string
}

// Product returns a product by ID.
func (c *Catalog) Product(id string) (Product, bool) {
	for _, p := range c.Doc.Products {
		if p.ID == id {
			return p, true
		}
	}
	return Product{}, false
}

// Search returns the products of category (empty: all) whose title,
// description, tags or ID contain text, case-insensitively, in catalog
// order. Searching is local so that it works offline.
func (c *Catalog) Search(category, text string) []Product {
	t := strings.ToLower(strings.TrimSpace(text))
	var out []Product
	for _, p := range c.Doc.Products {
		if category != "" && p.Category != category {
			continue
		}
		if t != "" && !strings.Contains(strings.ToLower(p.Title+"\n"+p.Description+"\n"+strings.Join(p.Tags, "\n")+"\n"+p.ID), t) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// cacheFile is the offline catalog: the exact body the store sent, its
// signature and ETag, and when it was fetched.
type cacheFile struct {
	V         int       `json:"v"`
	ETag      string    `json:"etag"`
	Signature string    `json:"signature"`
	FetchedAt time.Time `json:"fetched_at"`
	Body      []byte    `json:"body"` // base64 in JSON
}

// MaxCacheFile bounds what the car reads back from its caches.
const MaxCacheFile = 4 << 20

// ParseCatalogCache decodes and verifies a cached catalog file against
// the store key: a file that was altered in any byte is rejected.
func ParseCatalogCache(pub ed25519.PublicKey, data []byte) (*Catalog, error) {
	if len(data) > MaxCacheFile {
		return nil, fmt.Errorf("catalog cache: larger than %d bytes", MaxCacheFile)
	}
	var f cacheFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("catalog cache: %w", err)
	}
	if dec.More() {
		return nil, errors.New("catalog cache: data after the object")
	}
	if f.V != 1 {
		return nil, fmt.Errorf("catalog cache: v: version %d, want 1", f.V)
	}
	return parseCatalog(pub, f.Body, f.Signature, f.ETag, f.FetchedAt, true)
}

func parseCatalog(pub ed25519.PublicKey, body []byte, sig, etag string, at time.Time, cached bool) (*Catalog, error) {
	if err := entitle.VerifyCatalog(pub, body, sig); err != nil {
		return nil, fmt.Errorf("catalog: signature: %w", err)
	}
	var doc catalog.Doc
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("catalog: body: %w", err)
	}
	for i, p := range doc.Products {
		if p.ID == "" || p.Title == "" {
			return nil, fmt.Errorf("catalog: products[%d]: id and title are required", i)
		}
	}
	return &Catalog{Doc: doc, FetchedAt: at, Cached: cached, body: body, sig: sig, etag: etag}, nil
}

func (c *Client) catalogCachePath() string {
	return filepath.Join(c.dir, "cache", "catalog-"+c.opt.Lang+".json")
}

// Catalog returns the catalog in memory (nil before the first load).
func (c *Client) Catalog() *Catalog {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.catalog
}

// LoadCachedCatalog reads the offline catalog, verifying its signature.
func (c *Client) LoadCachedCatalog() (*Catalog, error) {
	_, pub, err := c.ensureKeys()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(c.catalogCachePath())
	if err != nil {
		return nil, err
	}
	cat, err := ParseCatalogCache(pub, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.catalogCachePath(), err)
	}
	return cat, nil
}

// RefreshCatalog fetches the catalog (If-None-Match with the cached ETag)
// and caches it. When the store cannot be reached it falls back to the
// verified cache, returning it together with an error wrapping
// ErrUnreachable; the catalog's Cached field says which it is.
func (c *Client) RefreshCatalog(ctx context.Context) (*Catalog, error) {
	cur := c.Catalog()
	if cur == nil {
		if cc, err := c.LoadCachedCatalog(); err == nil {
			cur = cc
		} else if !errors.Is(err, os.ErrNotExist) {
			c.log.Warn("market: offline catalog rejected", "err", err)
		}
	}
	h := http.Header{}
	if cur != nil && cur.etag != "" {
		h.Set("If-None-Match", cur.etag)
	}
	r, err := c.call(ctx, "GET", "/v1/catalog?lang="+url.QueryEscape(c.opt.Lang), nil, h, false)
	if err != nil {
		if cur != nil {
			cc := *cur
			cc.Cached = true
			c.setCatalog(&cc)
			return &cc, err
		}
		return nil, err
	}
	now := c.opt.Now()
	var cat *Catalog
	if r.Status == http.StatusNotModified && cur != nil {
		cc := *cur
		cc.FetchedAt, cc.Cached = now, false
		cat = &cc
	} else {
		_, pub, err := c.ensureKeys()
		if err != nil {
			return nil, err
		}
		cat, err = parseCatalog(pub, r.Body, r.Header.Get("Fascia-Store-Signature"), r.Header.Get("ETag"), now, false)
		if err != nil {
			return nil, err
		}
	}
	b, _ := json.Marshal(cacheFile{V: 1, ETag: cat.etag, Signature: cat.sig, FetchedAt: cat.FetchedAt, Body: cat.body})
	if err := writeFileAtomic(c.catalogCachePath(), b, 0o644); err != nil {
		c.log.Warn("market: caching the catalog", "err", err)
	}
	c.setCatalog(cat)
	return cat, nil
}

func (c *Client) setCatalog(cat *Catalog) {
	c.mu.Lock()
	c.catalog = cat
	c.mu.Unlock()
	c.changed()
}

// Categories returns the catalog's categories in order.
func (c *Catalog) Categories() []Category {
	return append([]Category(nil), c.Doc.Categories...)
}
