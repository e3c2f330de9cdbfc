package display

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// bitmap is a kernel capability bitmap normalised so that bit n is bit n%8
// of byte n/8, whatever the word size and byte order it came in.
type bitmap []byte

func (b bitmap) has(n int) bool {
	return n >= 0 && n/8 < len(b) && b[n/8]&(1<<(n%8)) != 0
}

// normalizeBitmap converts an array of unsigned longs (wordSize bytes each,
// in byte order o) as EVIOCGBIT and EVIOCGPROP fill it into a bitmap.
func normalizeBitmap(raw []byte, wordSize int, o binary.ByteOrder) bitmap {
	out := make(bitmap, len(raw))
	for w := 0; w+wordSize <= len(raw); w += wordSize {
		var v uint64
		if wordSize == 8 {
			v = o.Uint64(raw[w:])
		} else {
			v = uint64(o.Uint32(raw[w:]))
		}
		for i := 0; i < wordSize; i++ {
			out[w+i] = byte(v >> (8 * i))
		}
	}
	return out
}

// absInfo is struct input_absinfo.
type absInfo struct {
	Value, Min, Max, Fuzz, Flat, Resolution int32
}

// caps is what an input device says it can report.
type caps struct {
	Name string
	Ev   bitmap // event types
	Key  bitmap // EV_KEY codes
	Abs  bitmap // EV_ABS codes
	Prop bitmap // INPUT_PROP_*
	Info map[uint16]absInfo
}

// axes derives how to decode the device, and whether it is a touch panel
// and/or a keyboard worth opening.
func (c caps) axes() (a Axes, touch, keyboard bool) {
	ev := func(t int) bool { return c.Ev.has(t) }
	rng := func(code uint16) AxisRange { i := c.Info[code]; return AxisRange{i.Min, i.Max} }
	if ev(evAbs) {
		if c.Abs.has(absMTSlot) && c.Abs.has(absMTPositionX) && c.Abs.has(absMTPositionY) {
			a.MT, a.MTX, a.MTY = true, rng(absMTPositionX), rng(absMTPositionY)
			a.MTSlot = c.Info[absMTSlot].Value
		}
		if c.Abs.has(absX) && c.Abs.has(absY) {
			switch {
			case c.Key.has(btnTouch):
				a.ST, a.TouchKey = true, btnTouch
			case c.Key.has(btnLeft) && c.Prop.has(inputPropDirect):
				a.ST, a.TouchKey = true, btnLeft
			}
			a.X, a.Y = rng(absX), rng(absY)
		}
	}
	// Touchpads report the same axes but move a pointer; they are not
	// screens.
	touch = (a.MT || a.ST) && !c.Prop.has(inputPropPointer)
	if !touch {
		a = Axes{}
	}
	keyboard = ev(evKey) && c.Key.has(16) && c.Key.has(30) && c.Key.has(44) && c.Key.has(28) && c.Key.has(keySpace) // Q A Z Enter Space
	a.Keys = keyboard
	return a, touch, keyboard
}

// describe summarises the device for logs.
func (c caps) describe() string {
	a, touch, kbd := c.axes()
	var parts []string
	if touch {
		if a.MT {
			parts = append(parts, fmt.Sprintf("multi-touch x %d..%d y %d..%d", a.MTX.Min, a.MTX.Max, a.MTY.Min, a.MTY.Max))
		} else {
			parts = append(parts, fmt.Sprintf("single-touch x %d..%d y %d..%d", a.X.Min, a.X.Max, a.Y.Min, a.Y.Max))
		}
	}
	if kbd {
		parts = append(parts, "keyboard")
	}
	if len(parts) == 0 {
		parts = append(parts, "neither touch panel nor keyboard")
	}
	return fmt.Sprintf("%q: %s", c.Name, strings.Join(parts, ", "))
}
