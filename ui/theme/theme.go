// Package theme owns the cockpit's look: the day and night palettes (text
// contrast at least 4.5:1, checked by tests), the sizes every screen uses
// (touch targets of at least 76 dp, text, readouts), severity and telltale
// colours, the cockpit's own icons, and the choice between day and night by
// the sun's elevation at the vehicle's position. Screens take colours and
// sizes from here by name and never use literals; this package holds no
// state beyond the palettes and does no I/O.
package theme

import (
	"image/color"

	"fyne.io/fyne/v2"
	ftheme "fyne.io/fyne/v2/theme"

	"github.com/fascia-hmi/fascia/widgets"
)

// Variant is the palette in use.
type Variant uint8

// Palettes.
const (
	Day Variant = iota
	Night
)

func (v Variant) String() string {
	if v == Night {
		return "night"
	}
	return "day"
}

// ParseVariant reads "day" or "night".
func ParseVariant(s string) (Variant, bool) {
	switch s {
	case "day":
		return Day, true
	case "night":
		return Night, true
	}
	return Day, false
}

// Colour names of the cockpit beyond Fyne's and the widgets' own.
const (
	ColorNameInfo            fyne.ThemeColorName = "fascia.info"            // info toast background
	ColorNameOnInfo          fyne.ThemeColorName = "fascia.onInfo"          // text on it
	ColorNameWarningToast    fyne.ThemeColorName = "fascia.warningToast"    // warning toast background
	ColorNameOnWarningToast  fyne.ThemeColorName = "fascia.onWarningToast"  // text on it
	ColorNameCriticalToast   fyne.ThemeColorName = "fascia.criticalToast"   // critical toast background
	ColorNameOnCriticalToast fyne.ThemeColorName = "fascia.onCriticalToast" // text on it
	ColorNameTelltaleGreen   fyne.ThemeColorName = "fascia.telltaleGreen"   // indicators, lights on
	ColorNameTelltaleBlue    fyne.ThemeColorName = "fascia.telltaleBlue"    // high beam
	ColorNameTelltaleAmber   fyne.ThemeColorName = "fascia.telltaleAmber"   // faults, low fuel, tyres
	ColorNameTelltaleRed     fyne.ThemeColorName = "fascia.telltaleRed"     // seat belt, doors, brake, battery
	ColorNameCarBody         fyne.ThemeColorName = "fascia.carBody"         // the car outline's fill
	ColorNameCarOpen         fyne.ThemeColorName = "fascia.carOpen"         // an open door or lid
	ColorNameSurface                             = widgets.ColorNameSurface // raised elements
	ColorNameMuted                               = widgets.ColorNameMuted   // secondary text
	ColorNameTrack                               = widgets.ColorNameTrack   // gauge and bar tracks
	ColorNameRedline                             = widgets.ColorNameRedline // gauge red zone
	ColorNameTelltaleOff                         = widgets.ColorNameTelltaleOff
)

// Size names of the cockpit beyond Fyne's and the widgets' own.
const (
	SizeNameTouchTarget fyne.ThemeSizeName = widgets.SizeNameTouchTarget // ≥ 76 dp
	SizeNameStatusBar   fyne.ThemeSizeName = "fascia.statusBar"          // status bar height
	SizeNameSpeedText   fyne.ThemeSizeName = "fascia.speedText"          // largest speed digits
	SizeNameValueText   fyne.ThemeSizeName = "fascia.valueText"          // largest secondary readouts
	SizeNameToastWidth  fyne.ThemeSizeName = "fascia.toastWidth"         // widest a toast grows
	SizeNameCarLength   fyne.ThemeSizeName = "fascia.carLength"          // longest the car outline grows
	SizeNameReadoutText                    = widgets.SizeNameReadoutText
	SizeNameGaugeStroke                    = widgets.SizeNameGaugeStroke
	SizeNameTelltale                       = widgets.SizeNameTelltale
)

// MinTouchTarget is the smallest touch target the cockpit allows, in dp:
// about 12 mm on a 160 dpi display, the size car HMI guidelines ask for a
// finger reaching out while seated.
const MinTouchTarget = 76

// sizes are the base sizes in dp, before the display scale.
var sizes = map[fyne.ThemeSizeName]float32{
	ftheme.SizeNameText:               20,
	ftheme.SizeNameCaptionText:        16,
	ftheme.SizeNameHeadingText:        30,
	ftheme.SizeNameSubHeadingText:     24,
	ftheme.SizeNamePadding:            6,
	ftheme.SizeNameInnerPadding:       12,
	ftheme.SizeNameLineSpacing:        6,
	ftheme.SizeNameInlineIcon:         28,
	ftheme.SizeNameScrollBar:          20,
	ftheme.SizeNameScrollBarSmall:     6,
	ftheme.SizeNameScrollBarRadius:    6,
	ftheme.SizeNameSeparatorThickness: 1,
	ftheme.SizeNameInputBorder:        2,
	ftheme.SizeNameInputRadius:        10,
	ftheme.SizeNameSelectionRadius:    6,
	SizeNameTouchTarget:               MinTouchTarget,
	SizeNameStatusBar:                 44,
	SizeNameSpeedText:                 180,
	SizeNameValueText:                 40,
	SizeNameToastWidth:                560,
	SizeNameCarLength:                 420,
	SizeNameReadoutText:               64,
	SizeNameGaugeStroke:               16,
	SizeNameTelltale:                  40,
}

// Theme is the cockpit's Fyne theme: one palette and one display scale.
type Theme struct {
	variant Variant
	scale   float32
	pal     map[fyne.ThemeColorName]color.NRGBA
}

var _ fyne.Theme = (*Theme)(nil)

// New returns the theme of variant v with every size multiplied by scale
// (1 when scale is not positive).
func New(v Variant, scale float32) *Theme {
	if !(scale > 0) {
		scale = 1
	}
	return &Theme{variant: v, scale: scale, pal: overlay(base(v), packFor(v))}
}

// Variant returns the palette of the theme.
func (t *Theme) Variant() Variant { return t.variant }

// Scale returns the display scale of the theme.
func (t *Theme) Scale() float32 { return t.scale }

// Color implements fyne.Theme. The variant argument is ignored: the cockpit
// chooses its palette itself (by time of day), not by the desktop setting.
func (t *Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := t.pal[n]; ok {
		return c
	}
	v := ftheme.VariantLight
	if t.variant == Night {
		v = ftheme.VariantDark
	}
	return ftheme.DefaultTheme().Color(n, v)
}

// Font implements fyne.Theme with Fyne's bundled fonts.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource { return ftheme.DefaultTheme().Font(s) }

// Icon implements fyne.Theme with Fyne's icons.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return ftheme.DefaultTheme().Icon(n) }

// Size implements fyne.Theme: the cockpit's sizes times the display scale.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	if s, ok := sizes[n]; ok {
		return s * t.scale
	}
	return ftheme.DefaultTheme().Size(n) * t.scale
}

// TouchTarget returns the touch-target size of the current theme.
func TouchTarget() float32 { return ftheme.Size(SizeNameTouchTarget) }
