package theme

import (
	"image/color"
	"math"
	"testing"
)

func TestContrastFormula(t *testing.T) {
	black, white := color.NRGBA{A: 255}, color.NRGBA{255, 255, 255, 255}
	tests := []struct {
		name string
		a, b color.Color
		want float64
	}{
		{"black on white", black, white, 21},
		{"white on black", white, black, 21},
		{"same", white, white, 1},
		// #767676 on white is the classic just-passing grey: 4.54:1.
		{"grey 767676", color.NRGBA{0x76, 0x76, 0x76, 255}, white, 4.54},
		// Pure red on white: 4.0:1.
		{"red", color.NRGBA{255, 0, 0, 255}, white, 4.0},
	}
	for _, tt := range tests {
		if got := Contrast(tt.a, tt.b); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("%s: Contrast = %.3f, want %.2f", tt.name, got, tt.want)
		}
	}
}

func TestPaletteContrast(t *testing.T) {
	for _, v := range []Variant{Day, Night} {
		th := New(v, 1)
		for _, p := range Pairs() {
			fg, bg := th.Color(p.FG, 0), th.Color(p.BG, 0)
			if _, ok := th.pal[p.FG]; !ok {
				t.Errorf("%s: %s is not in the palette", v, p.FG)
			}
			if _, ok := th.pal[p.BG]; !ok {
				t.Errorf("%s: %s is not in the palette", v, p.BG)
			}
			if c := Contrast(fg, bg); c < p.Min {
				t.Errorf("%s: %s on %s has contrast %.2f, want ≥ %.1f", v, p.FG, p.BG, c, p.Min)
			} else {
				t.Logf("%s: %s on %s: %.2f", v, p.FG, p.BG, c)
			}
		}
	}
}

func TestSizes(t *testing.T) {
	for _, scale := range []float32{0.75, 1, 1.5} {
		th := New(Night, scale)
		if got := th.Size(SizeNameTouchTarget); got < MinTouchTarget*scale {
			t.Errorf("scale %v: touch target %v < %v", scale, got, MinTouchTarget*scale)
		}
		if got, want := th.Size(SizeNameSpeedText), sizes[SizeNameSpeedText]*scale; got != want {
			t.Errorf("scale %v: speed text %v, want %v", scale, got, want)
		}
	}
	if New(Day, 0).Scale() != 1 || New(Day, -2).Scale() != 1 {
		t.Error("a non-positive scale should fall back to 1")
	}
}
