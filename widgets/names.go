package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme size names read by the widgets in addition to Fyne's own.
const (
	// SizeNameTouchTarget is the smallest side of anything a finger must hit.
	SizeNameTouchTarget fyne.ThemeSizeName = "fascia.touchTarget"
	// SizeNameGaugeStroke is the thickness of a gauge's arc and of a bar.
	SizeNameGaugeStroke fyne.ThemeSizeName = "fascia.gaugeStroke"
	// SizeNameTelltale is the side of a telltale lamp's icon.
	SizeNameTelltale fyne.ThemeSizeName = "fascia.telltale"
	// SizeNameReadoutText is the largest text size a Readout grows to.
	SizeNameReadoutText fyne.ThemeSizeName = "fascia.readoutText"
)

// Theme colour names read by the widgets in addition to Fyne's own.
const (
	// ColorNameTrack is the unfilled part of a gauge arc or a bar.
	ColorNameTrack fyne.ThemeColorName = "fascia.track"
	// ColorNameRedline marks a gauge's red zone.
	ColorNameRedline fyne.ThemeColorName = "fascia.redline"
	// ColorNameMuted is secondary text: units, captions, the unknown dash.
	ColorNameMuted fyne.ThemeColorName = "fascia.muted"
	// ColorNameTelltaleOff is an unlit telltale lamp.
	ColorNameTelltaleOff fyne.ThemeColorName = "fascia.telltaleOff"
	// ColorNameSurface is the background of raised elements (buttons, cards).
	ColorNameSurface fyne.ThemeColorName = "fascia.surface"
)

// Unknown is the text shown for a value that is not live.
const Unknown = "—"

// fallbacks maps each name above to a Fyne standard name used when the theme
// does not define it (it returns 0 or a transparent colour).
var sizeFallback = map[fyne.ThemeSizeName]struct {
	name   fyne.ThemeSizeName
	factor float32
}{
	SizeNameTouchTarget: {theme.SizeNameText, 76.0 / 14},
	SizeNameGaugeStroke: {theme.SizeNamePadding, 3},
	SizeNameTelltale:    {theme.SizeNameInlineIcon, 2},
	SizeNameReadoutText: {theme.SizeNameHeadingText, 5},
}

var colorFallback = map[fyne.ThemeColorName]fyne.ThemeColorName{
	ColorNameTrack:       theme.ColorNameInputBackground,
	ColorNameRedline:     theme.ColorNameError,
	ColorNameMuted:       theme.ColorNamePlaceHolder,
	ColorNameTelltaleOff: theme.ColorNameDisabled,
	ColorNameSurface:     theme.ColorNameButton,
}

// sizeOf returns the theme size name of th, falling back for Fascia's names.
func sizeOf(th fyne.Theme, name fyne.ThemeSizeName) float32 {
	if s := th.Size(name); s > 0 {
		return s
	}
	if f, ok := sizeFallback[name]; ok {
		return th.Size(f.name) * f.factor
	}
	return 0
}

// colorOf returns the theme colour name of th in the app's current variant,
// falling back for Fascia's names.
func colorOf(th fyne.Theme, name fyne.ThemeColorName) color.Color {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	c := th.Color(name, v)
	if c != nil {
		if _, _, _, a := c.RGBA(); a > 0 {
			return c
		}
	}
	if f, ok := colorFallback[name]; ok {
		return th.Color(f, v)
	}
	if c == nil {
		return color.Transparent
	}
	return c
}

// TouchTarget returns the theme's touch-target size for w.
func TouchTarget(w fyne.Widget) float32 {
	return sizeOf(theme.CurrentForWidget(w), SizeNameTouchTarget)
}
