package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestMarketKey(t *testing.T) {
	dir := t.TempDir()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := Load([]string{"--config", filepath.Join(dir, "none.toml")}, env(nil))
	if err != nil || c.Market != "" {
		t.Fatalf("default market %q %v", c.Market, err)
	}
	c, err = Load([]string{"--config", filepath.Join(dir, "none.toml")}, env(map[string]string{"FASCIA_MARKET": "http://store.example:8470"}))
	if err != nil || c.Market != "http://store.example:8470" {
		t.Fatalf("env market %q %v", c.Market, err)
	}
	c, err = Load([]string{"--config", filepath.Join(dir, "none.toml"), "--market", "https://a.example"}, env(map[string]string{"FASCIA_MARKET": "http://b.example"}))
	if err != nil || c.Market != "https://a.example" {
		t.Fatalf("flag market %q %v", c.Market, err)
	}
	if _, err := Load([]string{"--config", filepath.Join(dir, "none.toml"), "--market", "store.example"}, env(nil)); err == nil || !strings.Contains(err.Error(), "market") {
		t.Fatalf("bad URL: %v", err)
	}
}
