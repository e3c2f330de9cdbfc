//go:build !linux

package render

import "testing"

// cpuPerOp reports nothing off Linux.
func cpuPerOp(*testing.B) func() { return func() {} }
