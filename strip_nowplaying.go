package main

// The now-playing strip shows on every screen when its package is imported.
import _ "github.com/fascia-hmi/fascia/ui/nowplaying"
