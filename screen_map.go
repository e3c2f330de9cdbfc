package main

// The Map screen registers itself with the dock.
import _ "github.com/fascia-hmi/fascia/ui/mapview"
