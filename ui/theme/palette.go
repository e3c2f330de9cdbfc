package theme

import (
	"image/color"

	"fyne.io/fyne/v2"
	ftheme "fyne.io/fyne/v2/theme"
)

func hex(v uint32) color.NRGBA {
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

func alpha(c color.NRGBA, a uint8) color.NRGBA {
	c.A = a
	return c
}

var nightPalette = map[fyne.ThemeColorName]color.NRGBA{
	ftheme.ColorNameBackground:          hex(0x0a0d11),
	ftheme.ColorNameForeground:          hex(0xeceff3),
	ftheme.ColorNameButton:              hex(0x2a3340),
	ftheme.ColorNameDisabledButton:      hex(0x12161c),
	ftheme.ColorNameDisabled:            hex(0x5d6773),
	ftheme.ColorNamePrimary:             hex(0x4da3ff),
	ftheme.ColorNameForegroundOnPrimary: hex(0x06121f),
	ftheme.ColorNameFocus:               hex(0x4da3ff),
	ftheme.ColorNameHyperlink:           hex(0x7dbbff),
	ftheme.ColorNameSelection:           alpha(hex(0x4da3ff), 0x66),
	ftheme.ColorNameHover:               alpha(hex(0xffffff), 0x14),
	ftheme.ColorNamePressed:             alpha(hex(0xffffff), 0x28),
	ftheme.ColorNameInputBackground:     hex(0x141a22),
	ftheme.ColorNameInputBorder:         hex(0x3a4450),
	ftheme.ColorNamePlaceHolder:         hex(0xa3aeba),
	ftheme.ColorNameHeaderBackground:    hex(0x1a2029),
	ftheme.ColorNameMenuBackground:      hex(0x1a2029),
	ftheme.ColorNameOverlayBackground:   hex(0x1a2029),
	ftheme.ColorNameSeparator:           hex(0x2c3440),
	ftheme.ColorNameScrollBar:           hex(0x5d6773),
	ftheme.ColorNameShadow:              alpha(hex(0x000000), 0x66),
	ftheme.ColorNameError:               hex(0xff6b6b),
	ftheme.ColorNameForegroundOnError:   hex(0x1f0505),
	ftheme.ColorNameWarning:             hex(0xffb31a),
	ftheme.ColorNameForegroundOnWarning: hex(0x1a1200),
	ftheme.ColorNameSuccess:             hex(0x35d06a),
	ftheme.ColorNameForegroundOnSuccess: hex(0x04160a),

	ColorNameSurface:         hex(0x1a2029),
	ColorNameMuted:           hex(0xa3aeba),
	ColorNameTrack:           hex(0x2a323d),
	ColorNameRedline:         hex(0xff4d4d),
	ColorNameTelltaleOff:     hex(0x262d36),
	ColorNameTelltaleGreen:   hex(0x35d06a),
	ColorNameTelltaleBlue:    hex(0x5b95ff),
	ColorNameTelltaleAmber:   hex(0xffb31a),
	ColorNameTelltaleRed:     hex(0xff4d4d),
	ColorNameInfo:            hex(0x1f5fbf),
	ColorNameOnInfo:          hex(0xffffff),
	ColorNameWarningToast:    hex(0xffb31a),
	ColorNameOnWarningToast:  hex(0x1a1200),
	ColorNameCriticalToast:   hex(0xc62828),
	ColorNameOnCriticalToast: hex(0xffffff),
	ColorNameCarBody:         hex(0x232a34),
	ColorNameCarOpen:         hex(0xff4d4d),
}

var dayPalette = map[fyne.ThemeColorName]color.NRGBA{
	ftheme.ColorNameBackground:          hex(0xeef1f4),
	ftheme.ColorNameForeground:          hex(0x12161b),
	ftheme.ColorNameButton:              hex(0xe3e8ed),
	ftheme.ColorNameDisabledButton:      hex(0xe2e6ea),
	ftheme.ColorNameDisabled:            hex(0x8d96a0),
	ftheme.ColorNamePrimary:             hex(0x0a58ca),
	ftheme.ColorNameForegroundOnPrimary: hex(0xffffff),
	ftheme.ColorNameFocus:               hex(0x0a58ca),
	ftheme.ColorNameHyperlink:           hex(0x0a4fb5),
	ftheme.ColorNameSelection:           alpha(hex(0x0a58ca), 0x40),
	ftheme.ColorNameHover:               alpha(hex(0x000000), 0x0f),
	ftheme.ColorNamePressed:             alpha(hex(0x000000), 0x1f),
	ftheme.ColorNameInputBackground:     hex(0xffffff),
	ftheme.ColorNameInputBorder:         hex(0x9aa4ae),
	ftheme.ColorNamePlaceHolder:         hex(0x4b5561),
	ftheme.ColorNameHeaderBackground:    hex(0xffffff),
	ftheme.ColorNameMenuBackground:      hex(0xffffff),
	ftheme.ColorNameOverlayBackground:   hex(0xffffff),
	ftheme.ColorNameSeparator:           hex(0xccd3da),
	ftheme.ColorNameScrollBar:           hex(0x9aa4ae),
	ftheme.ColorNameShadow:              alpha(hex(0x000000), 0x33),
	ftheme.ColorNameError:               hex(0xb3261e),
	ftheme.ColorNameForegroundOnError:   hex(0xffffff),
	ftheme.ColorNameWarning:             hex(0x9a5b00),
	ftheme.ColorNameForegroundOnWarning: hex(0xffffff),
	ftheme.ColorNameSuccess:             hex(0x13793a),
	ftheme.ColorNameForegroundOnSuccess: hex(0xffffff),

	ColorNameSurface:         hex(0xffffff),
	ColorNameMuted:           hex(0x4b5561),
	ColorNameTrack:           hex(0xd5dbe1),
	ColorNameRedline:         hex(0xc62828),
	ColorNameTelltaleOff:     hex(0xd9dee3),
	ColorNameTelltaleGreen:   hex(0x13883b),
	ColorNameTelltaleBlue:    hex(0x1454d9),
	ColorNameTelltaleAmber:   hex(0xb86e00),
	ColorNameTelltaleRed:     hex(0xc62828),
	ColorNameInfo:            hex(0x0a58ca),
	ColorNameOnInfo:          hex(0xffffff),
	ColorNameWarningToast:    hex(0xf2a900),
	ColorNameOnWarningToast:  hex(0x1a1200),
	ColorNameCriticalToast:   hex(0xc62828),
	ColorNameOnCriticalToast: hex(0xffffff),
	ColorNameCarBody:         hex(0xdde3e9),
	ColorNameCarOpen:         hex(0xc62828),
}
