package can

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	einride "go.einride.tech/can"
	"go.einride.tech/can/pkg/socketcan"
)

// DialSocketCAN opens a raw CAN socket on a Linux interface such as "can0".
func DialSocketCAN(iface string) (net.Conn, error) {
	conn, err := socketcan.Dial("can", iface)
	if err != nil {
		return nil, fmt.Errorf("socketcan:%s: %w", iface, err)
	}
	return conn, nil
}

// SocketCANSource reads classic CAN frames from a SocketCAN raw socket, or
// from any net.Conn carrying Linux `struct can_frame` records (16 bytes:
// little-endian ID with the EFF/RTR/ERR flags, length, 3 bytes of padding,
// 8 data bytes). Error frames are skipped and counted. Each frame's Time is
// the wall clock when it was read.
//
// A Next cut short by its context sets a read deadline in the past; the
// next call clears it and carries on. On a stream conn (not a datagram
// socket) a record half-read at that moment is lost.
type SocketCANSource struct {
	// ErrorFrames counts error frames received and skipped. Like Invalid,
	// read it from the goroutine that calls Next.
	ErrorFrames int
	// Invalid counts records with a length above 8, skipped.
	Invalid int

	name  string
	conn  net.Conn
	rx    *socketcan.Receiver
	dirty bool // a cancelled Next left a read deadline set
	now   func() time.Time

	txMu sync.Mutex
	tx   *SocketCANSink // on conn, made by the first Write
}

var _ Transmitter = (*SocketCANSource)(nil)

// Write sends one classic CAN frame on the source's own socket (a raw CAN
// socket does not receive its own frames back by default). Safe to call
// while another goroutine blocks in Next; writes are serialised and each
// is bounded by one second.
func (s *SocketCANSource) Write(f *Frame) error {
	s.txMu.Lock()
	defer s.txMu.Unlock()
	if s.tx == nil {
		s.tx = NewSocketCANSink(s.conn, s.name)
	}
	return s.tx.Write(f)
}

// NewSocketCANSource reads frames from conn; name (e.g. "socketcan:can0")
// is returned by Name and appears in errors.
func NewSocketCANSource(conn net.Conn, name string) *SocketCANSource {
	return &SocketCANSource{name: name, conn: conn, now: time.Now}
}

// Name says where the frames come from.
func (s *SocketCANSource) Name() string { return s.name }

// Close closes the connection, ending a blocked Next.
func (s *SocketCANSource) Close() error { return s.conn.Close() }

// Next blocks until a frame arrives. It returns io.EOF when the other end
// closes the connection and ctx.Err() when ctx ends first.
func (s *SocketCANSource) Next(ctx context.Context, f *Frame) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.dirty {
		if err := s.conn.SetReadDeadline(time.Time{}); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		s.dirty = false
	}
	if s.rx == nil {
		s.rx = socketcan.NewReceiver(s.conn)
	}
	var stop func() bool
	var fired chan struct{}
	if ctx.Done() != nil {
		fired = make(chan struct{})
		stop = context.AfterFunc(ctx, func() {
			_ = s.conn.SetReadDeadline(time.Unix(1, 0))
			close(fired)
		})
	}
	var ok bool
	for {
		if ok = s.rx.Receive(); !ok {
			break
		}
		if s.rx.HasErrorFrame() {
			s.ErrorFrames++
			continue
		}
		cf := s.rx.Frame()
		if cf.Length > 8 {
			s.Invalid++
			continue
		}
		*f = Frame{ID: cf.ID, Len: cf.Length, Extended: cf.IsExtended, Remote: cf.IsRemote, Time: s.now()}
		if !cf.IsRemote {
			copy(f.Data[:cf.Length], cf.Data[:cf.Length])
		}
		break
	}
	if stop != nil && !stop() {
		<-fired
		s.dirty = true
	}
	if ok {
		return nil
	}
	err := s.rx.Err()
	s.rx = nil // its scanner stops for good after an error
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err == nil {
		return io.EOF
	}
	return fmt.Errorf("%s: %w", s.name, err)
}

// SocketCANSink writes classic CAN frames to a SocketCAN raw socket, or to
// any net.Conn taking Linux `struct can_frame` records. CAN FD frames are
// refused: einride's transport carries classic frames only.
type SocketCANSink struct {
	// WriteTimeout bounds each write (0: no bound). Default 1 s.
	WriteTimeout time.Duration

	name string
	conn net.Conn
	tx   *socketcan.Transmitter
}

// NewSocketCANSink writes frames to conn; name appears in errors.
func NewSocketCANSink(conn net.Conn, name string) *SocketCANSink {
	return &SocketCANSink{WriteTimeout: time.Second, name: name, conn: conn, tx: socketcan.NewTransmitter(conn)}
}

// Write sends one frame.
func (s *SocketCANSink) Write(f *Frame) error {
	if f.FD {
		return fmt.Errorf("%s: cannot send CAN FD frame %s: SocketCAN output carries classic CAN only", s.name, f)
	}
	if err := f.Validate(); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	cf := einride.Frame{ID: f.ID, Length: f.Len, IsExtended: f.Extended, IsRemote: f.Remote}
	if !f.Remote {
		copy(cf.Data[:f.Len], f.Data[:f.Len])
	}
	if s.WriteTimeout > 0 {
		if err := s.conn.SetWriteDeadline(time.Now().Add(s.WriteTimeout)); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	if err := s.tx.TransmitFrame(context.Background(), cf); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return nil
}

// Close closes the connection.
func (s *SocketCANSink) Close() error { return s.conn.Close() }
