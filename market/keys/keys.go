// Package keys owns the store's ed25519 key file: loading it, and creating
// it atomically on first run so that two processes starting together end
// up with the same key. It must not sign anything (package entitle does).
package keys

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

const header = "fascia-market-ed25519-seed:"

// LoadOrCreate reads the key at path or, if there is none, creates one:
// written to a temporary file, synced, then hard-linked into place, which
// fails if another process won the race (its key is then read).
func LoadOrCreate(path string) (ed25519.PrivateKey, bool, error) {
	k, err := Load(path)
	if err == nil {
		return k, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("keys: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".market-key-*")
	if err != nil {
		return nil, false, fmt.Errorf("keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(header + base64.StdEncoding.EncodeToString(priv.Seed()) + "\n")
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, false, fmt.Errorf("keys: %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			k, err := Load(path)
			return k, false, err
		}
		return nil, false, fmt.Errorf("keys: %s: %w", path, err)
	}
	return priv, true, nil
}

// Load reads a key file.
func Load(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, ok := strings.CutPrefix(strings.TrimSpace(string(b)), header)
	if !ok {
		return nil, fmt.Errorf("keys: %s: line 1: want %q followed by a base64 seed", path, header)
	}
	seed, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("keys: %s: line 1: seed must be 32 bytes of base64", path)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
