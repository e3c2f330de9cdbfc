//go:build !noos

package main

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/ui"
)

// newFyneApp returns the app on Fyne's desktop (GLFW) driver, which repaints
// by itself whenever a widget changes.
func newFyneApp(*config.Config) (fyne.App, func(fyne.Window, *ui.Shell), func(), error) {
	return fyneapp.NewWithID(AppID), func(fyne.Window, *ui.Shell) {}, func() {}, nil
}
