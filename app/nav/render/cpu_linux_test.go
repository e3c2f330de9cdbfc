package render

import (
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// cpuPerOp reports, besides wall time, the CPU time per iteration: of the
// whole process (cpu-ms/op, includes GC and other workers) and of the
// benchmark's own thread (thread-cpu-ms/op, locked to it). The figures in
// the report come from a shared machine, where wall time overstates.
func cpuPerOp(b *testing.B) func() {
	runtime.LockOSThread()
	p0, t0 := processCPU(), threadCPU()
	return func() {
		p1, t1 := processCPU(), threadCPU()
		runtime.UnlockOSThread()
		b.ReportMetric(float64(p1-p0)/float64(b.N)/1e6, "cpu-ms/op")
		b.ReportMetric(float64(t1-t0)/float64(b.N)/1e6, "thread-cpu-ms/op")
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// threadCPU reads CLOCK_THREAD_CPUTIME_ID (exact, unlike rusage's
// tick-sampled figures).
func threadCPU() time.Duration {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}
