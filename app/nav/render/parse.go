package render

import (
	"fmt"
	"strconv"
	"strings"
)

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
