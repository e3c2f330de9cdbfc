package market

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// ThemePack is a downloaded palette: colours for day and night by role,
// each "#RRGGBB".
type ThemePack struct {
	Name    string            `toml:"name"`
	Version int               `toml:"version"`
	Day     map[string]string `toml:"day"`
	Night   map[string]string `toml:"night"`
}

// ThemeRoles are the colour roles a pack may set.
var ThemeRoles = []string{"background", "foreground", "primary", "accent", "warning", "error"}

var hexColour = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// MaxThemePack bounds a theme pack file.
const MaxThemePack = 64 << 10

// ParseThemePack decodes and checks a theme pack; the error names the line
// or the field at fault.
func ParseThemePack(data []byte) (*ThemePack, error) {
	if len(data) > MaxThemePack {
		return nil, fmt.Errorf("theme pack: larger than %d bytes", MaxThemePack)
	}
	var p ThemePack
	md, err := toml.Decode(string(data), &p)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("theme pack: line %d: %s", pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("theme pack: %w", err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("theme pack: unknown field %q", und[0].String())
	}
	if p.Version != 1 {
		return nil, fmt.Errorf("theme pack: version: %d, want 1", p.Version)
	}
	if strings.TrimSpace(p.Name) == "" || len(p.Name) > 40 {
		return nil, errors.New("theme pack: name: required, at most 40 bytes")
	}
	for variant, m := range map[string]map[string]string{"day": p.Day, "night": p.Night} {
		if len(m) == 0 {
			return nil, fmt.Errorf("theme pack: [%s]: missing", variant)
		}
		for role, v := range m {
			known := false
			for _, r := range ThemeRoles {
				known = known || r == role
			}
			if !known {
				return nil, fmt.Errorf("theme pack: %s.%s: unknown colour role (want one of %s)", variant, role, strings.Join(ThemeRoles, ", "))
			}
			if !hexColour.MatchString(v) {
				return nil, fmt.Errorf("theme pack: %s.%s: %q is not #RRGGBB", variant, role, v)
			}
		}
		if m["background"] == "" || m["foreground"] == "" {
			return nil, fmt.Errorf("theme pack: [%s]: background and foreground are required", variant)
		}
	}
	return &p, nil
}

// LoadThemePack reads an installed pack.
func LoadThemePack(path string) (*ThemePack, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := ParseThemePack(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

func (c *Client) activeThemePath() string { return filepath.Join(c.dir, "active-theme") }

// SetActiveThemePack records the theme pack the driver chose (a product
// ID; empty: the standard theme).
func (c *Client) SetActiveThemePack(id string) error {
	var err error
	if id == "" {
		err = os.Remove(c.activeThemePath())
		if errors.Is(err, os.ErrNotExist) {
			err = nil
		}
	} else {
		err = writeFileAtomic(c.activeThemePath(), []byte(id+"\n"), 0o644)
	}
	if err == nil {
		c.mu.Lock()
		c.activeTheme = id
		c.mu.Unlock()
	}
	return err
}

// ActiveThemePack returns the chosen theme pack when it is installed and
// the car holds a valid entitlement for it; nil, "" otherwise (an expired
// entitlement falls back to the standard theme).
func (c *Client) ActiveThemePack() (*ThemePack, string, error) {
	b, err := os.ReadFile(c.activeThemePath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	id := strings.TrimSpace(string(b))
	path := filepath.Join(c.ThemesDir(), id+".theme.toml")
	if !c.Entitled(id) {
		return nil, "", nil
	}
	p, err := LoadThemePack(path)
	if err != nil {
		return nil, "", err
	}
	return p, id, nil
}
