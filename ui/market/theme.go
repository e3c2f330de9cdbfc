package market

import (
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	ftheme "fyne.io/fyne/v2/theme"

	appmarket "github.com/fascia-hmi/fascia/app/market"
	"github.com/fascia-hmi/fascia/ui"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
	"github.com/fascia-hmi/fascia/widgets"
)

// roleColours maps a theme pack's roles to the theme's colour names.
var roleColours = map[string][]fyne.ThemeColorName{
	"background": {ftheme.ColorNameBackground},
	"foreground": {ftheme.ColorNameForeground},
	"primary":    {ftheme.ColorNamePrimary, ftheme.ColorNameFocus},
	"accent":     {ftheme.ColorNameHyperlink},
	"warning":    {ftheme.ColorNameWarning},
	"error":      {ftheme.ColorNameError},
}

// Overrides converts one variant of a theme pack into theme colours.
func Overrides(m map[string]string) map[fyne.ThemeColorName]color.NRGBA {
	out := map[fyne.ThemeColorName]color.NRGBA{}
	for role, hex := range m {
		v, err := strconv.ParseUint(hex[1:], 16, 32)
		if err != nil {
			continue // ParseThemePack checked the form
		}
		c := color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
		for _, n := range roleColours[role] {
			out[n] = c
		}
	}
	return out
}

// ApplyPack puts a theme pack (nil: none) in force and re-applies the
// theme. It runs on the UI goroutine.
func ApplyPack(env *ui.Env, p *appmarket.ThemePack) error {
	var err error
	if p == nil {
		err = fascia.SetPack(nil, nil)
	} else {
		err = fascia.SetPack(Overrides(p.Day), Overrides(p.Night))
	}
	if err == nil {
		env.ConfigChanged()
	}
	return err
}

// ApplySavedTheme loads the driver's chosen theme pack in the background
// and applies it; the shell calls it once at start.
func ApplySavedTheme(env *ui.Env) {
	c := env.Cockpit.Market
	go func() {
		p, _, err := c.ActiveThemePack()
		fyne.Do(func() {
			if err != nil {
				env.Notify(ui.Warning, "Theme pack not applied", err.Error())
				return
			}
			if p != nil {
				if err := ApplyPack(env, p); err != nil {
					env.Notify(ui.Warning, "Theme pack not applied", err.Error())
				}
			}
		})
	}()
}

func (s *Screen) themeButtons(p appmarket.Product) []fyne.CanvasObject {
	if s.client.ActiveTheme() == p.ID {
		return []fyne.CanvasObject{widgets.NewTouchButton("Use the standard theme", nil, func() { s.useTheme("") })}
	}
	return []fyne.CanvasObject{widgets.NewTouchButton("Use this theme", nil, func() { s.useTheme(p.ID) })}
}

func (s *Screen) useTheme(id string) {
	go func() {
		err := s.client.SetActiveThemePack(id)
		var p *appmarket.ThemePack
		if err == nil && id != "" {
			p, _, err = s.client.ActiveThemePack()
		}
		fyne.Do(func() {
			if err == nil {
				err = ApplyPack(s.env, p)
			}
			if err != nil {
				s.env.Notify(ui.Warning, "Theme not changed", err.Error())
			}
			s.renderDetail()
		})
	}()
}
