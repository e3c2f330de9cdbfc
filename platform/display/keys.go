package display

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/embedded"
)

// Linux key codes (linux/input-event-codes.h) with a meaning here.
const (
	keyLeftCtrl   = 29
	keyLeftShift  = 42
	keyRightShift = 54
	keyLeftAlt    = 56
	keyCapsLock   = 58
	keyRightCtrl  = 97
	keyRightAlt   = 100
	keySpace      = 57
)

// namedKeys are the non-printing keys passed to Fyne as KeyEvents.
var namedKeys = map[uint16]fyne.KeyName{
	1: fyne.KeyEscape, 14: fyne.KeyBackspace, 15: fyne.KeyTab, 28: fyne.KeyReturn, 96: fyne.KeyEnter,
	keySpace: fyne.KeySpace,
	59:       fyne.KeyF1, 60: fyne.KeyF2, 61: fyne.KeyF3, 62: fyne.KeyF4, 63: fyne.KeyF5, 64: fyne.KeyF6,
	65: fyne.KeyF7, 66: fyne.KeyF8, 67: fyne.KeyF9, 68: fyne.KeyF10, 87: fyne.KeyF11, 88: fyne.KeyF12,
	102: fyne.KeyHome, 103: fyne.KeyUp, 104: fyne.KeyPageUp, 105: fyne.KeyLeft, 106: fyne.KeyRight,
	107: fyne.KeyEnd, 108: fyne.KeyDown, 109: fyne.KeyPageDown, 110: fyne.KeyInsert, 111: fyne.KeyDelete,
}

// printable maps key codes of a US layout to their rune unshifted and
// shifted. Letters follow Caps Lock as well as Shift.
var printable = map[uint16][2]rune{
	2: {'1', '!'}, 3: {'2', '@'}, 4: {'3', '#'}, 5: {'4', '$'}, 6: {'5', '%'},
	7: {'6', '^'}, 8: {'7', '&'}, 9: {'8', '*'}, 10: {'9', '('}, 11: {'0', ')'},
	12: {'-', '_'}, 13: {'=', '+'}, 26: {'[', '{'}, 27: {']', '}'}, 39: {';', ':'},
	40: {'\'', '"'}, 41: {'`', '~'}, 43: {'\\', '|'}, 51: {',', '<'}, 52: {'.', '>'}, 53: {'/', '?'},
	keySpace: {' ', ' '},
	16:       {'q', 'Q'}, 17: {'w', 'W'}, 18: {'e', 'E'}, 19: {'r', 'R'}, 20: {'t', 'T'}, 21: {'y', 'Y'},
	22: {'u', 'U'}, 23: {'i', 'I'}, 24: {'o', 'O'}, 25: {'p', 'P'},
	30: {'a', 'A'}, 31: {'s', 'S'}, 32: {'d', 'D'}, 33: {'f', 'F'}, 34: {'g', 'G'}, 35: {'h', 'H'},
	36: {'j', 'J'}, 37: {'k', 'K'}, 38: {'l', 'L'},
	44: {'z', 'Z'}, 45: {'x', 'X'}, 46: {'c', 'C'}, 47: {'v', 'V'}, 48: {'b', 'B'}, 49: {'n', 'N'}, 50: {'m', 'M'},
	// keypad
	71: {'7', '7'}, 72: {'8', '8'}, 73: {'9', '9'}, 74: {'-', '-'}, 75: {'4', '4'}, 76: {'5', '5'},
	77: {'6', '6'}, 78: {'+', '+'}, 79: {'1', '1'}, 80: {'2', '2'}, 81: {'3', '3'}, 82: {'0', '0'},
	83: {'.', '.'}, 55: {'*', '*'}, 98: {'/', '/'},
}

// keyState tracks modifiers across EV_KEY records of one keyboard.
type keyState struct {
	shiftL, shiftR, ctrl, alt, caps bool
}

// handle turns one EV_KEY record (value 1 press, 2 auto-repeat, 0 release)
// into events: named keys become KeyEvents (Fyne acts on presses), printable
// keys become CharacterEvents unless Ctrl or Alt is held. Space is both, as
// buttons and lists activate on the key and entries take the rune.
func (k *keyState) handle(code uint16, value int32, emit func(embedded.Event)) {
	pressed := value != 0
	switch code {
	case keyLeftShift:
		k.shiftL = pressed
		return
	case keyRightShift:
		k.shiftR = pressed
		return
	case keyLeftCtrl, keyRightCtrl:
		k.ctrl = pressed
		return
	case keyLeftAlt, keyRightAlt:
		k.alt = pressed
		return
	case keyCapsLock:
		if value == 1 {
			k.caps = !k.caps
		}
		return
	}
	if name, ok := namedKeys[code]; ok {
		dir := embedded.KeyPressed
		if !pressed {
			dir = embedded.KeyReleased
		}
		emit(&embedded.KeyEvent{Name: name, Direction: dir})
	}
	if r, ok := printable[code]; ok && pressed && !k.ctrl && !k.alt {
		shift := k.shiftL || k.shiftR
		if r[0] >= 'a' && r[0] <= 'z' && k.caps {
			shift = !shift
		}
		if shift {
			emit(&embedded.CharacterEvent{Rune: r[1]})
		} else {
			emit(&embedded.CharacterEvent{Rune: r[0]})
		}
	}
}
