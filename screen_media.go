package main

import _ "github.com/fascia-hmi/fascia/ui/media" // the Media screen
