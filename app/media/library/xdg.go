package library

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// MusicDir is the user's music folder with `xdg-user-dir MUSIC` semantics:
// $XDG_MUSIC_DIR, else XDG_MUSIC_DIR in $XDG_CONFIG_HOME/user-dirs.dirs
// (default ~/.config), else ~/Music.
func MusicDir() string {
	home, _ := os.UserHomeDir()
	if d := os.Getenv("XDG_MUSIC_DIR"); d != "" {
		return expandHome(d, home)
	}
	cfg := os.Getenv("XDG_CONFIG_HOME")
	if cfg == "" {
		cfg = filepath.Join(home, ".config")
	}
	if d := userDirsEntry(filepath.Join(cfg, "user-dirs.dirs"), "XDG_MUSIC_DIR", home); d != "" {
		return d
	}
	return filepath.Join(home, "Music")
}

// userDirsEntry reads KEY="$HOME/dir" (or an absolute path) from a
// user-dirs.dirs file, as xdg-user-dir does.
func userDirsEntry(file, key, home string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) != key {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		v = expandHome(v, home)
		if v == home || v == home+"/" {
			return "" // xdg: a dir equal to $HOME means "disabled"
		}
		return v
	}
	return ""
}

func expandHome(v, home string) string {
	switch {
	case v == "$HOME":
		return home
	case strings.HasPrefix(v, "$HOME/"):
		return filepath.Join(home, v[len("$HOME/"):])
	case strings.HasPrefix(v, "~/"):
		return filepath.Join(home, v[2:])
	}
	return v
}
