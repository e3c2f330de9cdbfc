package main

// The cockpit's screens register themselves with the shell's dock when
// their package is imported.
import (
	_ "github.com/fascia-hmi/fascia/ui/home"
	_ "github.com/fascia-hmi/fascia/ui/settings"
	_ "github.com/fascia-hmi/fascia/ui/vehicle"
)
