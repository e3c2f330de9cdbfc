package market

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	ftheme "fyne.io/fyne/v2/theme"

	appmarket "github.com/fascia-hmi/fascia/app/market"
	"github.com/fascia-hmi/fascia/market/demo"
	fascia "github.com/fascia-hmi/fascia/ui/theme"
)

func TestDriverID(t *testing.T) {
	for in, want := range map[string]string{"Alex": "alex", "": "driver", "  Anna-Lena Müller ": "anna-lena-m-ller", "!!!": "driver"} {
		if got := DriverID(in); got != want {
			t.Errorf("DriverID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMoneyDistance(t *testing.T) {
	if got := Money(499, "EUR"); got != "€4.99" {
		t.Error(got)
	}
	if got := Money(1205, "CHF"); got != "12.05 CHF" {
		t.Error(got)
	}
	if got := Distance(544, "km"); got != "540 m" {
		t.Error(got)
	}
	if got := Distance(1609.344*2.5, "mi"); got != "2.5 mi" {
		t.Error(got)
	}
}

func TestPinPad(t *testing.T) {
	var got string
	p := NewPinPad(4, 6, func(s string) { got = s }, func() {})
	p.OK.OnTapped()
	if got != "" || !p.OK.Disabled() {
		t.Fatal("OK accepted too few digits")
	}
	for _, k := range []string{"1", "2", "3", "⌫", "3", "4", "5", "6", "7", "x"} {
		p.Press(k)
	}
	if p.Digits() != "123456" {
		t.Fatalf("digits %q", p.Digits())
	}
	p.OK.OnTapped()
	if got != "123456" {
		t.Fatalf("done with %q", got)
	}
}

// The demo theme pack applies with every contrast pair of the cockpit
// kept: a colour that would break one is left out.
func TestDemoThemePackContrast(t *testing.T) {
	p, err := appmarket.ParseThemePack([]byte(demo.ThemePack))
	if err != nil {
		t.Fatal(err)
	}
	defer fascia.SetPack(nil, nil)
	day, dropped := Readable(p.Day, func(m map[fyne.ThemeColorName]color.NRGBA) error { return fascia.SetPack(m, nil) })
	night, droppedN := Readable(p.Night, func(m map[fyne.ThemeColorName]color.NRGBA) error { return fascia.SetPack(nil, m) })
	t.Logf("left out: day %v, night %v", dropped, droppedN)
	if err := fascia.SetPack(day, night); err != nil {
		t.Fatal(err)
	}
	if _, ok := day[ftheme.ColorNamePrimary]; !ok {
		t.Fatal("day primary left out")
	}
	th := fascia.New(fascia.Night, 1)
	if c := th.Color(ftheme.ColorNamePrimary, 0); c != Overrides(p.Night)["primary"] {
		t.Fatalf("night primary %v", c)
	}
	// Unreadable text is refused outright by the theme.
	bad := map[string]string{"background": "#FFFFFF", "foreground": "#EEEEEE"}
	if err := fascia.SetPack(Overrides(bad), nil); err == nil {
		t.Fatal("low-contrast pack accepted")
	}
	if _, d := Readable(bad, func(m map[fyne.ThemeColorName]color.NRGBA) error { return fascia.SetPack(m, nil) }); len(d) != 1 || d[0] != "foreground" {
		t.Fatalf("dropped %v", d)
	}
}
