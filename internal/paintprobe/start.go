package paintprobe

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// ProcessStart returns when this process was started, from /proc (Linux),
// so that start-up figures include exec and runtime start; elsewhere the
// first moment Go code ran.
func ProcessStart() time.Time {
	stat, err1 := os.ReadFile("/proc/self/stat")
	up, err2 := os.ReadFile("/proc/uptime")
	if err1 != nil || err2 != nil {
		return initTime
	}
	// Field 22 (starttime, clock ticks since boot) comes after the
	// parenthesised command name, which may contain spaces.
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 20 {
		return initTime
	}
	ticks, err := strconv.ParseFloat(fields[19], 64)
	uptime, err2 := strconv.ParseFloat(strings.Fields(string(up))[0], 64)
	if err != nil || err2 != nil {
		return initTime
	}
	const clkTck = 100 // USER_HZ on every Linux architecture Go supports
	age := uptime - ticks/clkTck
	if age < 0 || age > 3600 {
		return initTime
	}
	return time.Now().Add(-time.Duration(age * float64(time.Second)))
}

var initTime = time.Now()
