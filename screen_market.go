package main

// The Marketplace screen registers itself with the dock.
import _ "github.com/fascia-hmi/fascia/ui/market"
