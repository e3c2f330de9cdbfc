package can

// The socketcand bridge: a frame source that listens on TCP and speaks the
// ASCII protocol of socketcand (github.com/linux-can/socketcand, doc/protocol.md)
// in raw mode, and a frame sink that connects to such a listener (ours or a
// real socketcand daemon) and sends frames to it.
//
// The protocol exchanges messages framed by '<' and '>', without line ends:
//
//	server: < hi >
//	client: < open can0 >         server: < ok >
//	client: < rawmode >           server: < ok >
//	client: < send 123 2 de ad >  (ID in hex, 8 digits or above 0x7FF: extended; length; data bytes in hex)
//	server: < frame 123 1700000000.000123 DEAD >   (frames on the bus, to clients in raw mode)
//	server: < error TEXT >        (a message it did not understand; the connection stays open)
//	client: < echo >              server: < echo >

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Socketcand limits.
const (
	// DefaultBridgeRate is the frames per second a listener accepts by
	// default: above a saturated 1 Mbit/s classic CAN bus (about 8,000
	// frames/s), well below what would load the decoder.
	DefaultBridgeRate = 20000
	// DefaultBridgeQueue is how many received frames wait for Next before
	// further frames are dropped.
	DefaultBridgeQueue = 4096
	// maxMessage is the longest protocol message accepted, '<' to '>'.
	maxMessage = 512
)

// BridgeStats counts what a listener received.
type BridgeStats struct {
	Conns       uint64 // connections accepted
	Frames      uint64 // frames queued for Next
	RateDropped uint64 // frames dropped by the rate limit
	QueueDrops  uint64 // frames dropped because Next fell behind
	Errors      uint64 // malformed or out-of-place messages answered with < error >
}

// Dropped is the number of frames received but not delivered.
func (s BridgeStats) Dropped() uint64 { return s.RateDropped + s.QueueDrops }

// BridgeSource is a socketcand-protocol server: every client that opens a
// bus and enters raw mode can send frames, which Next delivers. Receiving
// never blocks on the consumer: frames above the rate limit, or arriving
// while the queue is full, are dropped and counted (see Stats).
type BridgeSource struct {
	name string
	ln   net.Listener
	ch   chan Frame
	lim  *limiter

	conns, frames, rateDrops, queueDrops, errs atomic.Uint64

	mu     sync.Mutex
	open   map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
	done   chan struct{}
}

// ListenBridge listens on addr (HOST:PORT; port 0 picks a free one) for
// socketcand clients. rate is the frames per second accepted over all
// clients (0: no limit); queue the frames buffered for Next (0: the
// default).
func ListenBridge(addr string, rate, queue int) (*BridgeSource, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("tcp-listen:%s: %w", addr, err)
	}
	if queue <= 0 {
		queue = DefaultBridgeQueue
	}
	b := &BridgeSource{
		name: "tcp-listen:" + ln.Addr().String(),
		ln:   ln,
		ch:   make(chan Frame, queue),
		open: map[net.Conn]struct{}{},
		done: make(chan struct{}),
	}
	if rate > 0 {
		b.lim = newLimiter(rate, time.Now)
	}
	b.wg.Add(1)
	go b.accept()
	return b, nil
}

// Addr is the address the listener is bound to.
func (b *BridgeSource) Addr() net.Addr { return b.ln.Addr() }

// Name is "tcp-listen:HOST:PORT" with the bound port.
func (b *BridgeSource) Name() string { return b.name }

// Stats returns the listener's counters; safe from any goroutine.
func (b *BridgeSource) Stats() BridgeStats {
	return BridgeStats{Conns: b.conns.Load(), Frames: b.frames.Load(), RateDropped: b.rateDrops.Load(),
		QueueDrops: b.queueDrops.Load(), Errors: b.errs.Load()}
}

// Next blocks until a client sends a frame. Its Time is the wall clock when
// it was received. It returns ErrBridgeClosed after Close.
func (b *BridgeSource) Next(ctx context.Context, f *Frame) error {
	select {
	case fr := <-b.ch:
		*f = fr
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-b.done:
		return ErrBridgeClosed
	}
}

// ErrBridgeClosed is returned by Next after Close.
var ErrBridgeClosed = errors.New("socketcand bridge closed")

// Close stops listening, closes every client connection and waits for
// their goroutines.
func (b *BridgeSource) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	close(b.done)
	err := b.ln.Close()
	for c := range b.open {
		c.Close()
	}
	b.mu.Unlock()
	b.wg.Wait()
	return err
}

func (b *BridgeSource) accept() {
	defer b.wg.Done()
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			c.Close()
			return
		}
		b.open[c] = struct{}{}
		b.wg.Add(1)
		b.mu.Unlock()
		b.conns.Add(1)
		go b.serve(c)
	}
}

// serve runs one client's session until it disconnects.
func (b *BridgeSource) serve(c net.Conn) {
	defer b.wg.Done()
	defer func() {
		b.mu.Lock()
		delete(b.open, c)
		b.mu.Unlock()
		c.Close()
	}()
	defer func() {
		// A bug in the parser must not take the cockpit down: drop the client.
		_ = recover()
	}()
	w := bufio.NewWriter(c)
	if _, err := w.WriteString("< hi >"); err != nil || w.Flush() != nil {
		return
	}
	s := &Session{}
	var f Frame
	sc := NewMessageScanner(bufio.NewReaderSize(c, 16<<10))
	for {
		msg, err := sc.Next()
		if err != nil {
			var pe *ProtocolError
			if !errors.As(err, &pe) {
				return
			}
			b.errs.Add(1)
			if !b.reply(c, w, "< error "+pe.Msg+" >") {
				return
			}
			continue
		}
		reply, got := s.Handle(msg, &f)
		if got {
			f.Time = time.Now()
			b.deliver(&f)
		}
		if strings.HasPrefix(reply, "< error") {
			b.errs.Add(1)
		}
		if reply != "" && !b.reply(c, w, reply) {
			return
		}
	}
}

func (b *BridgeSource) reply(c net.Conn, w *bufio.Writer, s string) bool {
	c.SetWriteDeadline(time.Now().Add(2 * time.Second))
	w.WriteString(s)
	return w.Flush() == nil
}

// deliver queues a frame, or drops and counts it.
func (b *BridgeSource) deliver(f *Frame) {
	if b.lim != nil && !b.lim.allow() {
		b.rateDrops.Add(1)
		return
	}
	// Counted before the send: a reader that has the frame sees it counted.
	b.frames.Add(1)
	select {
	case b.ch <- *f:
	default:
		b.frames.Add(^uint64(0))
		b.queueDrops.Add(1)
	}
}

// limiter is a token bucket of rate tokens per second holding at most one
// tenth of a second's worth.
type limiter struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
	now    func() time.Time
}

func newLimiter(rate int, now func() time.Time) *limiter {
	burst := max(float64(rate)/10, 1)
	return &limiter{rate: float64(rate), burst: burst, tokens: burst, last: now(), now: now}
}

func (l *limiter) allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	l.tokens = min(l.burst, l.tokens+t.Sub(l.last).Seconds()*l.rate)
	l.last = t
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

// ProtocolError is a malformed socketcand message.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "socketcand: " + e.Msg }

// MessageScanner splits a socketcand byte stream into messages, '<' to '>'
// inclusive. White space between messages is skipped; anything else there,
// and messages longer than 512 bytes, are returned as *ProtocolError after
// skipping to the next '<', so that one bad message costs one error reply.
type MessageScanner struct {
	r   *bufio.Reader
	buf []byte
}

// NewMessageScanner reads messages from r.
func NewMessageScanner(r *bufio.Reader) *MessageScanner {
	return &MessageScanner{r: r, buf: make([]byte, 0, 64)}
}

// Next returns the next message, valid until the following call; a
// *ProtocolError for junk; or the reader's error (io.EOF at the end).
func (s *MessageScanner) Next() ([]byte, error) {
	// Skip to '<'.
	junk := false
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return nil, err
		}
		if c == '<' {
			if junk {
				s.r.UnreadByte()
				return nil, &ProtocolError{Msg: "text outside a message"}
			}
			break
		}
		if !isSpace(c) {
			junk = true
		}
	}
	s.buf = append(s.buf[:0], '<')
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return nil, err
		}
		switch c {
		case '>':
			s.buf = append(s.buf, c)
			return s.buf, nil
		case '<':
			s.r.UnreadByte()
			return nil, &ProtocolError{Msg: "message not closed"}
		}
		if len(s.buf) >= maxMessage {
			// Skip the rest of this message.
			for {
				c, err := s.r.ReadByte()
				if err != nil {
					return nil, err
				}
				if c == '>' {
					return nil, &ProtocolError{Msg: "message too long"}
				}
				if c == '<' {
					s.r.UnreadByte()
					return nil, &ProtocolError{Msg: "message too long"}
				}
			}
		}
		s.buf = append(s.buf, c)
	}
}

// Session is the server side of one socketcand connection: it answers
// messages and turns `< send >` into frames once the client has opened a
// bus and switched to raw mode.
type Session struct {
	Bus string // the bus the client opened
	Raw bool   // raw mode
}

// Handle answers one message (as returned by MessageScanner). It returns
// the reply to send ("" for none) and whether the message was a frame, in
// which case it is stored in f (Time untouched).
func (s *Session) Handle(msg []byte, f *Frame) (reply string, frame bool) {
	if len(msg) < 2 || msg[0] != '<' || msg[len(msg)-1] != '>' {
		return "< error not a message >", false
	}
	body := trimSpace(msg[1 : len(msg)-1])
	cmd, rest := field(body)
	switch string(cmd) {
	case "send":
		if !s.Raw {
			return "< error send before rawmode >", false
		}
		if err := ParseSend(rest, f); err != nil {
			return "< error " + err.Error() + " >", false
		}
		return "", true
	case "open":
		name, extra := field(rest)
		if len(name) == 0 || len(extra) != 0 || !validIface(string(name)) {
			return "< error open wants one bus name >", false
		}
		if s.Bus != "" {
			return "< error bus already open >", false
		}
		s.Bus = string(name)
		return "< ok >", false
	case "rawmode":
		if s.Bus == "" {
			return "< error rawmode before open >", false
		}
		s.Raw = true
		return "< ok >", false
	case "bcmmode", "controlmode", "isotpmode":
		return "< error only rawmode is supported >", false
	case "echo":
		return "< echo >", false
	case "":
		return "< error empty message >", false
	}
	return "< error unknown command " + sanitize(cmd) + " >", false
}

// sanitize keeps a reply a single well-formed message.
func sanitize(b []byte) string {
	if len(b) > 32 {
		b = b[:32]
	}
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c < 0x21 || c > 0x7e || c == '<' || c == '>' {
			c = '?'
		}
		out = append(out, c)
	}
	return string(out)
}

// ParseSend parses the arguments of a `< send ID LEN DATA… >` message: the
// ID in hex (extended when written with 8 digits or above 0x7FF), the
// length in hex (0-8), and that many bytes in hex, one or two digits each,
// separated by spaces. Bytes written together without spaces ("DEADBEEF")
// are accepted too.
func ParseSend(args []byte, f *Frame) error {
	idTok, rest := field(args)
	lenTok, rest := field(rest)
	if len(idTok) == 0 || len(lenTok) == 0 {
		return errors.New("send wants ID LEN DATA")
	}
	id, ok := parseHex(idTok)
	if !ok || len(idTok) > 8 || id > MaxExtendedID {
		return fmt.Errorf("send: bad CAN ID %q", sanitize(idTok))
	}
	n, ok := parseHex(lenTok)
	if !ok || len(lenTok) > 2 || n > 8 {
		return fmt.Errorf("send: bad length %q (0-8)", sanitize(lenTok))
	}
	*f = Frame{ID: id, Len: uint8(n), Extended: len(idTok) == 8 || id > MaxStandardID}
	got := 0
	for len(rest) > 0 {
		var tok []byte
		tok, rest = field(rest)
		if len(tok) > 2 && len(tok)%2 == 0 {
			for i := 0; i < len(tok); i += 2 {
				v, ok := parseHex(tok[i : i+2])
				if !ok || got >= 8 {
					return fmt.Errorf("send: bad data %q", sanitize(tok))
				}
				f.Data[got] = byte(v)
				got++
			}
			continue
		}
		v, ok := parseHex(tok)
		if !ok || len(tok) > 2 || got >= 8 {
			return fmt.Errorf("send: bad data byte %q", sanitize(tok))
		}
		f.Data[got] = byte(v)
		got++
	}
	if got != int(n) {
		return fmt.Errorf("send: length %d but %d data bytes", n, got)
	}
	return nil
}

func parseHex(b []byte) (uint32, bool) {
	if len(b) == 0 || len(b) > 8 {
		return 0, false
	}
	var v uint32
	for _, c := range b {
		h := hexVal[c]
		if h == 0xff {
			return 0, false
		}
		v = v<<4 | uint32(h)
	}
	return v, true
}

// AppendSend appends f as a `< send >` message.
func AppendSend(dst []byte, f *Frame) []byte {
	dst = append(dst, "< send "...)
	if f.Extended {
		dst = appendHex(dst, f.ID, 8)
	} else {
		dst = appendHex(dst, f.ID, 3)
	}
	dst = append(dst, ' ', hexDigits[f.Len&0xf])
	for _, c := range f.Data[:f.Len] {
		dst = append(dst, ' ', hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(dst, " >"...)
}

// AppendFrame appends f as a `< frame ID SEC.USEC DATA >` message, as a
// socketcand server sends it to raw-mode clients.
func AppendFrame(dst []byte, f *Frame) []byte {
	dst = append(dst, "< frame "...)
	if f.Extended {
		dst = appendHex(dst, f.ID, 8)
	} else {
		dst = appendHex(dst, f.ID, 3)
	}
	us := f.Time.UnixMicro()
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, us/1e6, 10)
	dst = append(dst, '.')
	frac := strconv.AppendInt(nil, 1e6+us%1e6, 10)
	dst = append(dst, frac[1:]...)
	dst = append(dst, ' ')
	for _, c := range f.Data[:f.Len] {
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(dst, " >"...)
}

func appendHex(dst []byte, v uint32, digits int) []byte {
	for i := digits - 1; i >= 0; i-- {
		dst = append(dst, hexDigits[(v>>(4*uint(i)))&0xf])
	}
	return dst
}

// BridgeSink sends frames to a socketcand server (a cockpit listening with
// tcp-listen:, or a socketcand daemon in front of a real bus). Error
// replies from the server are counted, not fatal.
type BridgeSink struct {
	name string
	conn net.Conn

	mu     sync.Mutex
	w      *bufio.Writer
	buf    []byte
	closed bool

	errs    atomic.Uint64
	lastErr atomic.Value // string
	done    chan struct{}
}

// DialBridge connects to a socketcand server at addr (HOST:PORT), opens bus
// (e.g. "can0") and enters raw mode.
func DialBridge(addr, bus string) (*BridgeSink, error) {
	name := "tcp:" + addr
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(conn)
	sc := NewMessageScanner(r)
	expect := func(want string) error {
		msg, err := sc.Next()
		if err != nil {
			return fmt.Errorf("%s: waiting for %s: %w", name, want, err)
		}
		if string(msg) != want {
			return fmt.Errorf("%s: server said %q, want %q", name, msg, want)
		}
		return nil
	}
	steps := []struct{ send, want string }{{"", "< hi >"}, {"< open " + bus + " >", "< ok >"}, {"< rawmode >", "< ok >"}}
	for _, st := range steps {
		if st.send != "" {
			if _, err := io.WriteString(conn, st.send); err != nil {
				conn.Close()
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		if err := expect(st.want); err != nil {
			conn.Close()
			return nil, err
		}
	}
	conn.SetDeadline(time.Time{})
	s := &BridgeSink{name: name, conn: conn, w: bufio.NewWriterSize(conn, 32<<10), done: make(chan struct{})}
	go s.readReplies(sc)
	return s, nil
}

// readReplies drains the server's messages, counting errors.
func (s *BridgeSink) readReplies(sc *MessageScanner) {
	defer close(s.done)
	for {
		msg, err := sc.Next()
		if err != nil {
			var pe *ProtocolError
			if errors.As(err, &pe) {
				continue
			}
			return
		}
		if strings.HasPrefix(string(msg), "< error") {
			s.errs.Add(1)
			s.lastErr.Store(string(msg))
		}
	}
}

// Name is "tcp:HOST:PORT".
func (s *BridgeSink) Name() string { return s.name }

// Errors returns how many error replies the server sent, and the last one.
func (s *BridgeSink) Errors() (uint64, string) {
	last, _ := s.lastErr.Load().(string)
	return s.errs.Load(), last
}

// Write sends a classic CAN frame (socketcand's raw mode carries no CAN
// FD). Frames are buffered; Flush or Close sends them, and Write flushes
// whenever the buffer fills.
func (s *BridgeSink) Write(f *Frame) error {
	if f.FD || f.Len > 8 {
		return fmt.Errorf("%s: socketcand carries classic CAN only, not %s", s.name, f)
	}
	if f.Remote {
		return fmt.Errorf("%s: socketcand raw mode cannot send remote frames", s.name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("%s: closed", s.name)
	}
	s.buf = AppendSend(s.buf[:0], f)
	if s.w.Available() < len(s.buf) {
		s.conn.SetWriteDeadline(time.Now().Add(sinkTimeout))
	}
	if _, err := s.w.Write(s.buf); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return nil
}

// WriteRaw sends text as is (for fault injection: a malformed message).
func (s *BridgeSink) WriteRaw(text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn.SetWriteDeadline(time.Now().Add(sinkTimeout))
	if _, err := s.w.WriteString(text); err != nil {
		return err
	}
	return s.w.Flush()
}

// Flush sends buffered frames.
func (s *BridgeSink) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn.SetWriteDeadline(time.Now().Add(sinkTimeout))
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return nil
}

// sinkTimeout is how long a write may wait for a server that stopped
// reading before the sink gives up with an error.
const sinkTimeout = 5 * time.Second

// Close flushes and closes the connection.
func (s *BridgeSink) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.conn.SetWriteDeadline(time.Now().Add(sinkTimeout))
	err := s.w.Flush()
	if cerr := s.conn.Close(); err == nil {
		err = cerr
	}
	s.mu.Unlock()
	<-s.done
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	return nil
}

// parseBridgeURI parses HOST:PORT[?opts] of tcp: and tcp-listen: URIs.
func parseBridgeURI(uri, rest string, known ...string) (addr string, opts map[string]string, err error) {
	addr, query, _ := strings.Cut(rest, "?")
	if _, _, err := net.SplitHostPort(addr); err != nil || addr == "" {
		return "", nil, fmt.Errorf("%s: want HOST:PORT, e.g. 127.0.0.1:29536", uri)
	}
	v, err := parseQuery(uri, query, known...)
	if err != nil {
		return "", nil, err
	}
	opts = map[string]string{}
	for k := range v {
		opts[k] = v.Get(k)
	}
	return addr, opts, nil
}

func openBridge(uri, rest string) (Source, error) {
	addr, opts, err := parseBridgeURI(uri, rest, "rate", "queue")
	if err != nil {
		return nil, err
	}
	rate, queue := DefaultBridgeRate, 0
	if s, ok := opts["rate"]; ok {
		if rate, err = strconv.Atoi(s); err != nil || rate < 0 {
			return nil, fmt.Errorf("%s: rate=%q: want frames per second (0: no limit)", uri, s)
		}
	}
	if s, ok := opts["queue"]; ok {
		if queue, err = strconv.Atoi(s); err != nil || queue < 1 {
			return nil, fmt.Errorf("%s: queue=%q: want a positive number of frames", uri, s)
		}
	}
	return ListenBridge(addr, rate, queue)
}

func createBridge(uri, rest string) (Sink, error) {
	addr, opts, err := parseBridgeURI(uri, rest, "bus")
	if err != nil {
		return nil, err
	}
	bus := opts["bus"]
	if bus == "" {
		bus = "can0"
	}
	if !validIface(bus) {
		return nil, fmt.Errorf("%s: bus=%q is not an interface name", uri, bus)
	}
	return DialBridge(addr, bus)
}
