package market

import (
	"image/color"
	"strconv"
	"strings"

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
// theme. A pack colour that would break a contrast pair of the cockpit is
// left out (the rest applies); the roles left out are returned so the
// driver can be told. It runs on the UI goroutine.
func ApplyPack(env *ui.Env, p *appmarket.ThemePack) ([]string, error) {
	if p == nil {
		if err := fascia.SetPack(nil, nil); err != nil {
			return nil, err
		}
		env.ConfigChanged()
		return nil, nil
	}
	day, droppedDay := Readable(p.Day, func(m map[fyne.ThemeColorName]color.NRGBA) error { return fascia.SetPack(m, nil) })
	night, droppedNight := Readable(p.Night, func(m map[fyne.ThemeColorName]color.NRGBA) error { return fascia.SetPack(nil, m) })
	if err := fascia.SetPack(day, night); err != nil {
		return nil, err
	}
	env.ConfigChanged()
	var dropped []string
	for _, r := range droppedDay {
		dropped = append(dropped, "day "+r)
	}
	for _, r := range droppedNight {
		dropped = append(dropped, "night "+r)
	}
	return dropped, nil
}

// Readable keeps the roles of one variant that check accepts, role by role
// in ThemeRoles order, and names the ones it left out.
func Readable(m map[string]string, check func(map[fyne.ThemeColorName]color.NRGBA) error) (map[fyne.ThemeColorName]color.NRGBA, []string) {
	kept := map[string]string{}
	var dropped []string
	for _, role := range appmarket.ThemeRoles {
		v, ok := m[role]
		if !ok {
			continue
		}
		kept[role] = v
		if check(Overrides(kept)) != nil {
			delete(kept, role)
			dropped = append(dropped, role)
		}
	}
	return Overrides(kept), dropped
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
				d, err := ApplyPack(env, p)
				notify(env, d, err)
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
		s.do(func() {
			if err != nil {
				s.env.Notify(ui.Warning, "Theme not changed", err.Error())
			} else {
				d, err := ApplyPack(s.env, p)
				notify(s.env, d, err)
			}
			s.renderDetail()
		})
	}()
}

func notify(env *ui.Env, dropped []string, err error) {
	switch {
	case err != nil:
		env.Notify(ui.Warning, "Theme pack not applied", err.Error())
	case len(dropped) > 0:
		env.Notify(ui.Info, "Theme pack applied in part", "Left out for readability: "+strings.Join(dropped, ", ")+".")
	}
}
