package market

import (
	"errors"
	"os"
	"strings"
	"time"
)

// Now is the client's clock (the cockpit's), which judges entitlements.
func (c *Client) Now() time.Time { return c.opt.Now() }

// Load reads everything the client keeps on disk into memory: the
// entitlement cache, the offline catalog (when none is in memory), which
// content is installed and the chosen theme pack. It is blocking I/O for a
// service goroutine; afterwards Installed, ActiveTheme, Entitled and
// Catalog answer from memory.
func (c *Client) Load() {
	c.entitlements()
	if c.Catalog() == nil {
		if cat, err := c.LoadCachedCatalog(); err == nil {
			c.mu.Lock()
			if c.catalog == nil {
				c.catalog = cat
			}
			c.mu.Unlock()
		} else if !errors.Is(err, os.ErrNotExist) {
			c.log.Warn("market: offline catalog rejected", "err", err)
		}
	}
	inst := map[string]bool{}
	for _, d := range []struct{ dir, suffix string }{{c.MapsDir(), ".pmtiles"}, {c.ThemesDir(), ".theme.toml"}} {
		ents, _ := os.ReadDir(d.dir)
		for _, e := range ents {
			if id, ok := strings.CutSuffix(e.Name(), d.suffix); ok && e.Type().IsRegular() {
				inst[id] = true
			}
		}
	}
	active := ""
	if b, err := os.ReadFile(c.activeThemePath()); err == nil {
		active = strings.TrimSpace(string(b))
	}
	c.mu.Lock()
	c.installedSet, c.activeTheme, c.loaded = inst, active, true
	c.mu.Unlock()
	c.changed()
}

// Loaded reports whether Load has run.
func (c *Client) Loaded() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loaded
}

// CatalogStale reports whether the catalog in memory is missing, from the
// offline cache, or older than d.
func (c *Client) CatalogStale(d time.Duration) bool {
	cat := c.Catalog()
	return cat == nil || cat.Cached || c.opt.Now().Sub(cat.FetchedAt) > d
}

// RetryAfter is how long after a failed attempt ShouldRefresh waits.
const RetryAfter = 30 * time.Second

// ShouldRefresh reports whether the catalog is stale (see CatalogStale)
// and the store was not tried within RetryAfter.
func (c *Client) ShouldRefresh(d time.Duration) bool {
	c.mu.Lock()
	last := c.lastTry
	c.mu.Unlock()
	return c.CatalogStale(d) && (last.IsZero() || c.opt.Now().Sub(last) > RetryAfter)
}

// ActiveTheme returns the product ID of the chosen theme pack ("" for the
// standard theme), from memory (see Load).
func (c *Client) ActiveTheme() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.activeTheme
}

func (c *Client) markInstalled(id string) {
	c.mu.Lock()
	if c.installedSet == nil {
		c.installedSet = map[string]bool{}
	}
	c.installedSet[id] = true
	c.mu.Unlock()
}
