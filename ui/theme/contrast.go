package theme

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	ftheme "fyne.io/fyne/v2/theme"
)

// Luminance returns the WCAG 2 relative luminance of c (alpha ignored).
func Luminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}

// Contrast returns the WCAG 2 contrast ratio of two colours, from 1 to 21.
func Contrast(a, b color.Color) float64 {
	la, lb := Luminance(a), Luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Pair is a foreground drawn on a background somewhere in the cockpit, with
// the contrast it needs: 4.5 for text (WCAG 1.4.3), 3 for lamps, gauge fills
// and other graphics (WCAG 1.4.11).
type Pair struct {
	FG, BG fyne.ThemeColorName
	Min    float64
}

// Text and graphics contrast minimums.
const (
	MinTextContrast    = 4.5
	MinGraphicContrast = 3.0
)

// Pairs lists every foreground/background pair the cockpit's screens use.
// Disabled text is exempt (WCAG 1.4.3), and so is the unlit telltale, which
// must stay in the background by design.
func Pairs() []Pair {
	var out []Pair
	text := []fyne.ThemeColorName{ftheme.ColorNameForeground, ColorNameMuted, ftheme.ColorNameWarning, ftheme.ColorNameError}
	for _, bg := range []fyne.ThemeColorName{ftheme.ColorNameBackground, ColorNameSurface, ftheme.ColorNameInputBackground} {
		for _, fg := range text {
			out = append(out, Pair{fg, bg, MinTextContrast})
		}
	}
	out = append(out,
		Pair{ftheme.ColorNameForeground, ftheme.ColorNameButton, MinTextContrast},
		Pair{ftheme.ColorNameButton, ColorNameSurface, 1.15}, // a button stands out from its panel
		Pair{ftheme.ColorNamePlaceHolder, ftheme.ColorNameInputBackground, MinTextContrast},
		Pair{ftheme.ColorNameForegroundOnPrimary, ftheme.ColorNamePrimary, MinTextContrast},
		Pair{ColorNameOnInfo, ColorNameInfo, MinTextContrast},
		Pair{ColorNameOnWarningToast, ColorNameWarningToast, MinTextContrast},
		Pair{ColorNameOnCriticalToast, ColorNameCriticalToast, MinTextContrast},
		Pair{ftheme.ColorNameForeground, ColorNameCarBody, MinTextContrast},
	)
	for _, g := range []fyne.ThemeColorName{
		ColorNameTelltaleGreen, ColorNameTelltaleBlue, ColorNameTelltaleAmber, ColorNameTelltaleRed,
		ftheme.ColorNamePrimary, ColorNameRedline, ftheme.ColorNameWarning,
	} {
		out = append(out, Pair{g, ftheme.ColorNameBackground, MinGraphicContrast})
	}
	out = append(out,
		Pair{ftheme.ColorNamePrimary, ColorNameTrack, MinGraphicContrast},
		Pair{ColorNameCarOpen, ColorNameCarBody, MinGraphicContrast},
		Pair{ColorNameCarBody, ftheme.ColorNameBackground, 1.1},
	)
	return out
}
