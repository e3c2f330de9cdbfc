package display

import "log/slog"

// WatchConfig configures WatchPinches.
type WatchConfig struct {
	Inputs []string // evdev devices; empty means every touch panel found
	// Screen is the display the panels cover, as Fyne sees it: a
	// full-screen window's canvas in pixels and its scale.
	Screen      Screen
	Calibration Calibration
	Logger      *slog.Logger
}

// PinchWatcher recognises two-finger pinches on the touch panels of a
// screen that a desktop display server (X11, Wayland) drives. The display
// server reads the same panels and gives Fyne a single pointer, which
// cannot pinch; the watcher reads them beside it, read-only, and reports
// only the pinches (every single contact is the display server's). It
// needs read access to /dev/input (the input group).
type PinchWatcher struct{ d *Driver }

// Close stops watching and closes the devices.
func (w *PinchWatcher) Close() error { return w.d.Close() }

// watcher returns the input side of a driver (no framebuffer) for c.
func watcher(c WatchConfig, h func(Pinch)) *Driver {
	d := newDriver(nil, geometry{Width: c.Screen.Width, Height: c.Screen.Height}, nil,
		Config{Scale: c.Screen.Scale, Calibration: c.Calibration, Logger: c.Logger})
	d.watchOnly = true
	d.pinch.setHandler(h)
	return d
}
