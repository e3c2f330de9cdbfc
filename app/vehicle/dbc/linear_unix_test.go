//go:build unix

package dbc

import (
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bigInputs are shaped to expose quadratic behaviour: one line holding n
// definitions, a message with n signals, value tables and repeated
// comments, and a chain of n multiplexer switches.
func bigInputs(n int) map[string]string {
	var oneLine, wide, chain strings.Builder
	oneLine.WriteString("BO_ 1 A: 64 X")
	for k := range n {
		fmt.Fprintf(&oneLine, " SG_ S%d : 0|8@1+ (1,0) [0|1] \"\" X", k)
	}
	oneLine.WriteString("\n")
	for range n {
		oneLine.WriteString(`CM_ BO_ 1 "c";`)
	}
	wide.WriteString("BO_ 2 W: 64 X\n")
	for k := range n {
		fmt.Fprintf(&wide, " SG_ S%d : %d|1@1+ (1,0) [0|1] \"\" X\n", k, k%512)
	}
	for k := range n {
		fmt.Fprintf(&wide, "VAL_ 2 S%d 1 \"on\";\nCM_ SG_ 2 S%d \"c\";\nCM_ SG_ 2 S0 \"again\";\n", n-1-k, k)
	}
	chain.WriteString("BO_ 3 C: 64 X\n SG_ S0 M : 0|8@1+ (1,0) [0|1] \"\" X\n")
	for k := 1; k < n; k++ {
		fmt.Fprintf(&chain, " SG_ S%d m1M : 8|8@1+ (1,0) [0|1] \"\" X\n", k)
	}
	for k := 2; k < n; k++ {
		fmt.Fprintf(&chain, "SG_MUL_VAL_ 3 S%d S%d 1-1;\n", k, k-1)
	}
	return map[string]string{"one line": oneLine.String(), "wide message": wide.String(), "switch chain": chain.String()}
}

// cpuTime is the process's user+system CPU time, which, unlike wall time,
// hardly depends on what else runs on the machine.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestLinearTime checks that four times the input costs about four times
// the CPU, not sixteen. Each size is measured three times and the least
// is kept, which leaves out most of the noise from GC and other work.
func TestLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("CPU-time scaling test")
	}
	const n = 3000
	small, large := bigInputs(n), bigInputs(4*n)
	for name := range small {
		var cost [2]time.Duration
		for k, text := range []string{small[name], large[name]} {
			cost[k] = time.Hour
			for range 3 {
				runtime.GC()
				start := cpuTime(t)
				d, err := Parse("big.dbc", []byte(text))
				cost[k] = min(cost[k], cpuTime(t)-start)
				if err != nil {
					t.Fatal(err)
				}
				if k == 1 {
					checkInvariants(t, d)
				}
			}
		}
		ratio := float64(cost[1]) / float64(max(cost[0], time.Millisecond))
		t.Logf("%s: %v for n=%d, %v for n=%d (×%.1f)", name, cost[0], n, cost[1], 4*n, ratio)
		if ratio > 10 {
			t.Errorf("%s: 4× the input cost %.1f× the CPU time: quadratic?", name, ratio)
		}
	}
}
