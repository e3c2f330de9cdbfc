// Package can owns CAN frames and the ways they enter and leave the process:
// SocketCAN sockets, candump and PCAN-View log files, and recording of any
// source. It knows nothing of DBC files, signals or the cockpit.
package can

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MaxLen is the largest payload of a frame: 8 bytes for classic CAN, 64 for CAN FD.
const MaxLen = 64

// ID limits.
const (
	MaxStandardID = 0x7ff
	MaxExtendedID = 0x1fffffff
)

// Frame is one CAN or CAN FD frame. It is a plain value, ~90 bytes: pass
// pointers on hot paths.
type Frame struct {
	Time     time.Time // when it was received (or, for a log, when it is replayed)
	ID       uint32
	Len      uint8 // payload length in bytes, 0..64
	Extended bool  // 29-bit identifier
	Remote   bool  // remote transmission request (classic CAN only)
	FD       bool  // CAN FD frame
	Flags    uint8 // CAN FD flags as written by candump (BRS=1, ESI=2)
	Data     [MaxLen]byte
}

// Payload returns the frame's data bytes.
func (f *Frame) Payload() []byte { return f.Data[:f.Len] }

// Validate reports what is wrong with a frame, or nil.
func (f *Frame) Validate() error {
	switch {
	case f.Extended && f.ID > MaxExtendedID:
		return fmt.Errorf("extended CAN ID %#x does not fit in 29 bits", f.ID)
	case !f.Extended && f.ID > MaxStandardID:
		return fmt.Errorf("standard CAN ID %#x does not fit in 11 bits", f.ID)
	case !f.FD && f.Len > 8:
		return fmt.Errorf("classic CAN frame with %d data bytes (max 8)", f.Len)
	case f.FD && !validFDLen(f.Len):
		return fmt.Errorf("CAN FD frame with %d data bytes (valid: 0-8, 12, 16, 20, 24, 32, 48, 64)", f.Len)
	case f.FD && f.Remote:
		return fmt.Errorf("CAN FD frames cannot be remote frames")
	}
	return nil
}

func validFDLen(n uint8) bool {
	switch n {
	case 12, 16, 20, 24, 32, 48, 64:
		return true
	}
	return n <= 8
}

// String returns the frame in candump's compact notation: 123#DEADBEEF,
// 12345678#R, 123##1AABB.
func (f *Frame) String() string {
	var b strings.Builder
	if f.Extended {
		fmt.Fprintf(&b, "%08X", f.ID)
	} else {
		fmt.Fprintf(&b, "%03X", f.ID)
	}
	switch {
	case f.FD:
		fmt.Fprintf(&b, "##%X", f.Flags&0xf)
	case f.Remote:
		b.WriteString("#R")
		if f.Len > 0 {
			fmt.Fprintf(&b, "%d", f.Len)
		}
		return b.String()
	default:
		b.WriteByte('#')
	}
	b.WriteString(strings.ToUpper(hex.EncodeToString(f.Data[:f.Len])))
	return b.String()
}

// Source delivers frames.
type Source interface {
	// Next blocks until a frame arrives and stores it in f. A finite source
	// (a log file without loop) returns io.EOF at its end. Next returns
	// ctx.Err() when ctx ends first.
	Next(ctx context.Context, f *Frame) error
	// Name says where frames come from, e.g. "socketcan:can0".
	Name() string
	Close() error
}

// Transmitter is a Source that can also send frames on its bus (SocketCAN,
// the simulated car). Write is safe to call while Next runs on another
// goroutine.
type Transmitter interface {
	Source
	Write(f *Frame) error
}

// ErrReadOnly is wrapped by Recorder.Write when the recorded source
// cannot transmit (a log file, a receive-only bridge).
var ErrReadOnly = errors.New("the source cannot transmit")

// Sink accepts frames.
type Sink interface {
	Write(f *Frame) error
	Close() error
}
