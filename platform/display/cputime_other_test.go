//go:build !unix

package display

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
