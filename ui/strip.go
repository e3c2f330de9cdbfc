package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

var (
	stripMu sync.Mutex
	strips  []func(env *Env) fyne.CanvasObject
)

// RegisterStrip adds a strip that the shell shows on every screen, between
// the screen and the dock (e.g. the now-playing strip). Packages call it
// from init; the shell builds each strip once, on the UI goroutine. A strip
// that has nothing to show hides itself and takes no space.
func RegisterStrip(f func(env *Env) fyne.CanvasObject) {
	if f == nil {
		panic("ui: RegisterStrip of nil")
	}
	stripMu.Lock()
	strips = append(strips, f)
	stripMu.Unlock()
}

// withStrips puts the registered strips above the dock.
func withStrips(env *Env, dock fyne.CanvasObject) fyne.CanvasObject {
	stripMu.Lock()
	fs := append([]func(*Env) fyne.CanvasObject(nil), strips...)
	stripMu.Unlock()
	if len(fs) == 0 {
		return dock
	}
	objs := make([]fyne.CanvasObject, 0, len(fs)+1)
	for _, f := range fs {
		objs = append(objs, f(env))
	}
	return container.NewVBox(append(objs, dock)...)
}
