package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// ParseCenter reads "LAT,LON" in decimal degrees into an orb point
// (lon, lat).
func ParseCenter(s string) (orb.Point, error) {
	lat, lon, ok := strings.Cut(strings.TrimSpace(s), ",")
	if !ok {
		return orb.Point{}, fmt.Errorf("centre %q: want LAT,LON in decimal degrees", s)
	}
	la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	switch {
	case err1 != nil || math.IsNaN(la) || math.IsInf(la, 0):
		return orb.Point{}, fmt.Errorf("centre %q: latitude %q is not a number", s, lat)
	case err2 != nil || math.IsNaN(lo) || math.IsInf(lo, 0):
		return orb.Point{}, fmt.Errorf("centre %q: longitude %q is not a number", s, lon)
	case la < -85.05112878 || la > 85.05112878:
		return orb.Point{}, fmt.Errorf("centre %q: latitude %g outside the map's ±85.05°", s, la)
	case lo < -180 || lo > 180:
		return orb.Point{}, fmt.Errorf("centre %q: longitude %g outside ±180°", s, lo)
	}
	return orb.Point{lo, la}, nil
}

// ParseSize reads "WxH" (pixels, each 1..8192).
func ParseSize(s string) (w, h int, err error) {
	ws, hs, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	if !ok {
		return 0, 0, fmt.Errorf("size %q: want WxH, e.g. 1280x720", s)
	}
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if err1 != nil || err2 != nil || w < 1 || h < 1 || w > 8192 || h > 8192 {
		return 0, 0, fmt.Errorf("size %q: width and height must be whole numbers from 1 to 8192", s)
	}
	return w, h, nil
}
