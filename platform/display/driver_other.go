//go:build !linux

package display

import (
	"fmt"
	"runtime"
)

// OpenConfig fails: framebuffer devices and evdev exist only on Linux.
func OpenConfig(c Config) (*Driver, error) {
	return nil, fmt.Errorf("%w (this is %s)", ErrNeedsLinux, runtime.GOOS)
}

// WatchPinches fails: evdev exists only on Linux.
func WatchPinches(WatchConfig, func(Pinch)) (*PinchWatcher, error) {
	return nil, fmt.Errorf("%w (this is %s)", ErrNeedsLinux, runtime.GOOS)
}
