package main

// The voice screen registers itself with the shell's dock.
import _ "github.com/fascia-hmi/fascia/ui/voice"
