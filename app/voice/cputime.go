package voice

import (
	"runtime"
	"syscall"
	"time"
)

// threadCPU runs f locked to its OS thread and returns the CPU time the
// thread spent, so real-time factors stay honest on a loaded machine
// (wall time counts other processes' turns too). Where the thread clock is
// unavailable it returns wall time.
func threadCPU(f func()) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var a, b syscall.Rusage
	t := time.Now()
	e1 := syscall.Getrusage(rusageThread, &a)
	f()
	e2 := syscall.Getrusage(rusageThread, &b)
	if e1 != nil || e2 != nil {
		return time.Since(t)
	}
	cpu := func(r syscall.Rusage) time.Duration {
		return time.Duration(r.Utime.Nano() + r.Stime.Nano())
	}
	return cpu(b) - cpu(a)
}

const rusageThread = 1 // RUSAGE_THREAD (Linux)
