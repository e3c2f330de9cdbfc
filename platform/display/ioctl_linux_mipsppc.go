//go:build linux && (mips || mipsle || mips64 || mips64le || ppc64 || ppc64le)

package display

// ioctl request encoding of the MIPS and PowerPC asm/ioctl.h.
const (
	iocRead     = 2
	iocDirShift = 29
)
