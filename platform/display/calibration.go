package display

import (
	"fmt"
	"strconv"
	"strings"
)

// Calibration corrects a touch panel that is mounted differently from the
// display. The steps apply in field order to coordinates normalised to 0..1:
// SwapXY, then InvertX/InvertY, then Rotate.
type Calibration struct {
	SwapXY  bool // exchange the panel's X and Y axes
	InvertX bool // mirror horizontally
	InvertY bool // mirror vertically
	Rotate  int  // degrees clockwise: 0, 90, 180 or 270
}

// Environment variables read by CalibrationFromEnv.
const (
	EnvTouchRotate  = "FASCIA_TOUCH_ROTATE"
	EnvTouchSwapXY  = "FASCIA_TOUCH_SWAP_XY"
	EnvTouchInvertX = "FASCIA_TOUCH_INVERT_X"
	EnvTouchInvertY = "FASCIA_TOUCH_INVERT_Y"
)

// Validate reports an unsupported rotation.
func (c Calibration) Validate() error {
	switch c.Rotate {
	case 0, 90, 180, 270:
		return nil
	}
	return fmt.Errorf("touch rotation %d: want 0, 90, 180 or 270", c.Rotate)
}

// CalibrationFromEnv reads FASCIA_TOUCH_ROTATE (0|90|180|270),
// FASCIA_TOUCH_SWAP_XY, FASCIA_TOUCH_INVERT_X and FASCIA_TOUCH_INVERT_Y
// (booleans as strconv.ParseBool accepts them) through getenv, typically
// os.Getenv. Unset or empty variables keep the zero value.
func CalibrationFromEnv(getenv func(string) string) (Calibration, error) {
	var c Calibration
	if s := strings.TrimSpace(getenv(EnvTouchRotate)); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return c, fmt.Errorf("%s=%q: want 0, 90, 180 or 270", EnvTouchRotate, s)
		}
		c.Rotate = n
		if err := c.Validate(); err != nil {
			return c, fmt.Errorf("%s=%q: %w", EnvTouchRotate, s, err)
		}
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{EnvTouchSwapXY, &c.SwapXY}, {EnvTouchInvertX, &c.InvertX}, {EnvTouchInvertY, &c.InvertY}} {
		s := strings.TrimSpace(getenv(b.name))
		if s == "" {
			continue
		}
		v, err := strconv.ParseBool(s)
		if err != nil {
			return c, fmt.Errorf("%s=%q: want true or false", b.name, s)
		}
		*b.dst = v
	}
	return c, nil
}

// apply maps normalised panel coordinates to normalised screen coordinates.
func (c Calibration) apply(x, y float64) (float64, float64) {
	if c.SwapXY {
		x, y = y, x
	}
	if c.InvertX {
		x = 1 - x
	}
	if c.InvertY {
		y = 1 - y
	}
	switch c.Rotate {
	case 90:
		x, y = 1-y, x
	case 180:
		x, y = 1-x, 1-y
	case 270:
		x, y = y, 1-x
	}
	return x, y
}
