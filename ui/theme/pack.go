package theme

import (
	"fmt"
	"image/color"
	"maps"
	"sync"

	"fyne.io/fyne/v2"
)

// A theme pack (downloaded content from the store) overrides palette
// colours by name for day and night. New applies the pack in force; the
// caller re-applies the theme after SetPack.
var (
	packMu sync.Mutex
	pack   [2]map[fyne.ThemeColorName]color.NRGBA // by Variant
)

// SetPack puts a theme pack's overrides in force for themes made by New
// from now on; nil maps remove it. A pack whose colours would break the
// contrast of any pair in Pairs is refused, naming the pair.
func SetPack(day, night map[fyne.ThemeColorName]color.NRGBA) error {
	for v, over := range [2]map[fyne.ThemeColorName]color.NRGBA{day, night} {
		if over == nil {
			continue
		}
		pal := overlay(base(Variant(v)), over)
		for _, p := range Pairs() {
			if c := Contrast(pal[p.FG], pal[p.BG]); c < p.Min {
				return fmt.Errorf("theme pack: %s: %s on %s has contrast %.2f, below %.1f", Variant(v), p.FG, p.BG, c, p.Min)
			}
		}
	}
	packMu.Lock()
	pack = [2]map[fyne.ThemeColorName]color.NRGBA{maps.Clone(day), maps.Clone(night)}
	packMu.Unlock()
	return nil
}

func base(v Variant) map[fyne.ThemeColorName]color.NRGBA {
	if v == Night {
		return nightPalette
	}
	return dayPalette
}

func overlay(pal, over map[fyne.ThemeColorName]color.NRGBA) map[fyne.ThemeColorName]color.NRGBA {
	if len(over) == 0 {
		return pal
	}
	out := maps.Clone(pal)
	maps.Copy(out, over)
	return out
}

func packFor(v Variant) map[fyne.ThemeColorName]color.NRGBA {
	packMu.Lock()
	defer packMu.Unlock()
	return pack[v]
}
