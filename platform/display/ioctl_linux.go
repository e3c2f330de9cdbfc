//go:build linux && !(mips || mipsle || mips64 || mips64le || ppc64 || ppc64le)

package display

// ioctl request encoding of asm-generic/ioctl.h (arm, arm64, x86, riscv, s390x, loong64).
const (
	iocRead     = 2
	iocDirShift = 30
)
