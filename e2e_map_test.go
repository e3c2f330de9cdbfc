package main

import (
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestMapWindowUnderXvfb runs the real binary with the simulated car
// driving Monaco, taps the Map target of the dock with xdotool, and checks
// two screenshots of the Map screen: tiles are drawn (not the blank
// placeholder), the car's marker is in the middle, and the map moves with
// the car.
func TestMapWindowUnderXvfb(t *testing.T) {
	dir, bin := buildForXvfb(t, "Xvfb", "import", "xdotool")
	display := startXvfb(t, 1280, 720)
	startWindow(t, bin, display, dir, "--exit-after", "60s")
	time.Sleep(2 * time.Second)
	home := screenshot(t, display, filepath.Join(dir, "home.png"))
	x, y, ok := dockTarget(home, 1)
	if !ok {
		keep(t, home)
		t.Fatal("no second dock target found in the bottom row")
	}
	t.Logf("tapping the dock target at %d,%d", x, y)
	// Move first and let the window see the pointer there, then click.
	for _, args := range [][]string{{"mousemove", strconv.Itoa(x), strconv.Itoa(y)}, {"click", "1"}} {
		xdo := exec.Command("xdotool", args...)
		xdo.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := xdo.CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v\n%s", args, err, out)
		}
		time.Sleep(500 * time.Millisecond)
	}
	// The car pulls away at 6 s; give the renderer time for the first tiles.
	time.Sleep(5 * time.Second)
	a := screenshot(t, display, filepath.Join(dir, "map-a.png"))
	time.Sleep(5 * time.Second)
	b := screenshot(t, display, filepath.Join(dir, "map-b.png"))

	w, h := a.Bounds().Dx(), a.Bounds().Dy()
	area := image.Rect(w*10/100, h*15/100, w*90/100, h*80/100)
	for name, img := range map[string]image.Image{"first": a, "second": b} {
		// The placeholder is one flat colour with a marker on it.
		if sd := stddev(img, area); sd < 12 {
			keep(t, a, b)
			t.Errorf("%s map screenshot shows no map (luma standard deviation %.1f)", name, sd)
		}
		if !markerNear(img, w/2, (50+616)/2, 14) {
			keep(t, a, b)
			t.Errorf("%s map screenshot: no vehicle marker at the centre of the map", name)
		}
	}
	if d := meanDiff(a, b, area); d < 2 {
		keep(t, a, b)
		t.Errorf("the map did not move with the car (mean difference %.2f)", d)
	}
}

// dockTarget finds the n-th (0-based) dock button in the bottom band of a
// screenshot: runs of a colour different from the dock's background along
// a row through the buttons.
func dockTarget(img image.Image, n int) (x, y int, ok bool) {
	b := img.Bounds()
	y = b.Max.Y - 13 // below the labels
	bg := luma(img, b.Min.X+2, y)
	var starts, ends []int
	in := false
	for x := b.Min.X; x < b.Max.X; x++ {
		diff := luma(img, x, y) - bg
		on := diff > 4 || diff < -4
		switch {
		case on && !in:
			starts, in = append(starts, x), true
		case !on && in:
			ends, in = append(ends, x), false
		}
	}
	if in {
		ends = append(ends, b.Max.X)
	}
	var wide [][2]int
	for i := range ends {
		if ends[i]-starts[i] > 60 {
			wide = append(wide, [2]int{starts[i], ends[i]})
		}
	}
	if n >= len(wide) {
		return 0, 0, false
	}
	return (wide[n][0] + wide[n][1]) / 2, y, true
}

// markerNear reports whether a pixel of the day theme's primary blue (the
// marker's disc) lies within r pixels of (cx, cy).
func markerNear(img image.Image, cx, cy, r int) bool {
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cb>>8 > 150 && cr>>8 < 60 && cg>>8 < 130 {
				return true
			}
		}
	}
	return false
}
