//go:build unix

// Package cantest gives tests a CAN bus where no SocketCAN interface can
// be made (no vcan kernel module on build machines): a pair of connected
// sockets that keep frame boundaries, as a raw CAN socket does. It is for
// tests only.
package cantest

import (
	"net"
	"os"
	"syscall"
	"testing"
)

// Pair returns two connected SOCK_SEQPACKET sockets: what one end writes,
// the other reads, one frame a message. Both close when the test ends.
func Pair(t testing.TB) (net.Conn, net.Conn) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_SEQPACKET, 0)
	if err != nil {
		t.Fatal(err)
	}
	conn := func(fd int) net.Conn {
		f := os.NewFile(uintptr(fd), "socketpair")
		defer f.Close()
		c, err := net.FileConn(f)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := conn(fds[0]), conn(fds[1])
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}
