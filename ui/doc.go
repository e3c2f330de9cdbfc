// Package ui owns the cockpit's shell: the status bar, the dock that
// switches screens, the toast area for alerts, the display-rate update loop
// that carries signal changes from the vehicle Store to widgets, the driving
// lockout, and the headless renderer behind golden tests and `fascia
// screenshot`. Screens (home, vehicle, settings, and later map, media…) live
// in sub-packages and register themselves with Register.
//
// It builds on app services and widgets; it holds no vehicle logic of its
// own (alerts come from app/health, values from the Store), does no file or
// network I/O on the UI goroutine, and changes widgets only inside fyne.Do
// (or on the caller's goroutine in headless rendering).
package ui
