// Package display owns the cockpit's output and touch input on Linux boards
// that run without X11 or Wayland: it maps a framebuffer device (/dev/fbN),
// converts Fyne's rendered frames into the framebuffer's pixel layout, and
// turns evdev touch screens and keyboards (/dev/input/event*) into Fyne
// embedded-driver events. Driver implements fyne.io/fyne/v2/driver/embedded.Driver;
// Attach (built only with -tags noos) hands it to a Fyne app.
//
// It must not know about the cockpit, vehicles or screens, must not import
// other Fascia packages, and must not use cgo. The pixel conversion, the
// framebuffer geometry and the evdev parser are pure functions over bytes so
// they are tested without devices; only the syscalls (open, ioctl, mmap) live
// behind the linux build tag, and elsewhere Open reports that framebuffer
// output needs Linux.
package display
