//go:build !noos

package main

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/fascia-hmi/fascia/app/config"
)

// newFyneApp returns the app on Fyne's desktop (GLFW) driver.
func newFyneApp(*config.Config) (fyne.App, func(), error) {
	return fyneapp.NewWithID(AppID), func() {}, nil
}
