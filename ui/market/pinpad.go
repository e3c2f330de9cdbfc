package market

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/widgets"
)

// PinPad is a numeric keypad with touch-target keys that shows the digits
// entered as dots, for PINs and bank codes.
type PinPad struct {
	Keys    []*widgets.TouchButton // 1–9, 0, ⌫, OK
	Display *widget.Label
	OK      *widgets.TouchButton

	min, max int
	digits   string
	content  fyne.CanvasObject
}

// NewPinPad returns a pad accepting min..max digits; done gets them on OK,
// cancel runs from the Cancel key.
func NewPinPad(min, max int, done func(string), cancel func()) *PinPad {
	p := &PinPad{min: min, max: max, Display: widget.NewLabel("")}
	p.Display.Alignment = fyne.TextAlignCenter
	p.Display.TextStyle.Monospace = true
	var objs []fyne.CanvasObject
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "⌫", "OK"} {
		key := k
		b := widgets.NewTouchButton(key, nil, func() { p.Press(key) })
		if key == "OK" {
			p.OK = b
			b.OnTapped = func() {
				if len(p.digits) >= p.min {
					done(p.digits)
				}
			}
		}
		p.Keys = append(p.Keys, b)
		objs = append(objs, b)
	}
	// Four columns by three rows, with the entered digits and Cancel on
	// a row above: it fits a 480-pixel-high screen.
	grid := container.NewGridWithColumns(4, objs...)
	p.content = container.NewBorder(container.NewGridWithColumns(2, p.Display, widgets.NewTouchButton("Cancel", nil, cancel)), nil, nil, nil, grid)
	p.update()
	return p
}

// Press enters a digit or "⌫".
func (p *PinPad) Press(key string) {
	switch {
	case key == "⌫":
		if p.digits != "" {
			p.digits = p.digits[:len(p.digits)-1]
		}
	case len(key) == 1 && key[0] >= '0' && key[0] <= '9' && len(p.digits) < p.max:
		p.digits += key
	}
	p.update()
}

// Digits returns what was entered.
func (p *PinPad) Digits() string { return p.digits }

func (p *PinPad) update() {
	dots := strings.Repeat("● ", len(p.digits)) + strings.Repeat("○ ", max(0, p.min-len(p.digits)))
	p.Display.SetText(strings.TrimSpace(dots))
	if len(p.digits) >= p.min {
		p.OK.Enable()
	} else {
		p.OK.Disable()
	}
}

// Object is the pad's canvas object.
func (p *PinPad) Object() fyne.CanvasObject { return p.content }
