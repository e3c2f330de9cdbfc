package can

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func listen(t testing.TB, uri string) *BridgeSource {
	t.Helper()
	src, err := Open(uri)
	if err != nil {
		t.Fatal(err)
	}
	b := src.(*BridgeSource)
	t.Cleanup(func() { b.Close() })
	return b
}

func next(t testing.TB, src Source) Frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var f Frame
	if err := src.Next(ctx, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestBridgeRoundTrip(t *testing.T) {
	b := listen(t, "tcp-listen:127.0.0.1:0")
	sink, err := Create("tcp:" + b.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	want := []Frame{
		mk(time.Time{}, 0x123, false, "DEADBEEF"),
		mk(time.Time{}, 0x12345678, true, "0102030405060708"),
		mk(time.Time{}, 0x7, true, ""), // extended by its 8 digits, though small
		mk(time.Time{}, 0x7ff, false, "00"),
	}
	for i := range want {
		if err := sink.Write(&want[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.(*BridgeSink).Flush(); err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		got := next(t, b)
		if got.Time.IsZero() || time.Since(got.Time) > time.Minute {
			t.Errorf("frame time %v is not the time of receipt", got.Time)
		}
		got.Time = time.Time{}
		if !sameFrame(got, w) {
			t.Errorf("%s", frameDiff(got, w))
		}
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if n, last := sink.(*BridgeSink).Errors(); n != 0 {
		t.Errorf("server errors: %d, last %q", n, last)
	}
	fd := fd(time.Time{}, 0x10, false, 0, "000102030405060708090A0B")
	if err := sink.Write(&fd); err == nil {
		t.Error("writing to a closed sink: no error")
	}
}

// rawClient speaks the protocol by hand.
type rawClient struct {
	t  testing.TB
	c  net.Conn
	sc *MessageScanner
}

func dialRaw(t testing.TB, addr string) *rawClient {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	rc := &rawClient{t: t, c: c, sc: NewMessageScanner(bufio.NewReader(c))}
	rc.expect("< hi >")
	return rc
}

func (rc *rawClient) send(s string) { io.WriteString(rc.c, s) }

func (rc *rawClient) expect(want string) {
	rc.t.Helper()
	msg, err := rc.sc.Next()
	if err != nil {
		rc.t.Fatalf("waiting for %q: %v", want, err)
	}
	if !strings.HasPrefix(string(msg), want) {
		rc.t.Fatalf("got %q, want %q", msg, want)
	}
}

func TestBridgeMalformedKeepsConnection(t *testing.T) {
	b := listen(t, "tcp-listen:127.0.0.1:0")
	rc := dialRaw(t, b.Addr().String())
	rc.send("< send 123 1 00 >")
	rc.expect("< error send before rawmode")
	rc.send("< rawmode >")
	rc.expect("< error rawmode before open")
	rc.send("< open can0 >")
	rc.expect("< ok >")
	rc.send("< rawmode >")
	rc.expect("< ok >")
	bad := []struct{ in, reply string }{
		{"< send >", "< error send wants"},
		{"< send XYZ 1 00 >", "< error send: bad CAN ID"},
		{"< send 123 9 00 >", "< error send: bad length"},
		{"< send 123 2 00 >", "< error send: length 2 but 1"},
		{"< send 123 1 GG >", "< error send: bad data byte"},
		{"< send 123456789 0 >", "< error send: bad CAN ID"},
		{"< frobnicate >", "< error unknown command frobnicate"},
		{"<>", "< error empty message"},
		{"junk < echo >", "< error text outside a message"},
		{"< send 123 1 00 < echo >", "< error message not closed"},
		{"< " + strings.Repeat("x", 600) + " >", "< error message too long"},
		{"< open can1 >", "< error bus already open"},
		{"< bcmmode >", "< error only rawmode"},
	}
	for _, c := range bad {
		rc.send(c.in)
		rc.expect(c.reply)
		if strings.Contains(c.in, "< echo >") {
			rc.expect("< echo >") // the message after the bad text is still answered
		}
	}
	// The connection still carries frames; python-can writes one digit for small bytes.
	rc.send("\n< send 1A0 3 1 a2 ff >\n")
	got := next(t, b)
	got.Time = time.Time{}
	if want := mk(time.Time{}, 0x1a0, false, "01A2FF"); !sameFrame(got, want) {
		t.Error(frameDiff(got, want))
	}
	if st := b.Stats(); st.Errors != uint64(len(bad)+2) || st.Frames != 1 {
		t.Errorf("stats %+v, want %d errors and 1 frame", st, len(bad)+2)
	}
}

func TestBridgeFloodIsRateLimitedAndCounted(t *testing.T) {
	b := listen(t, "tcp-listen:127.0.0.1:0?rate=1000&queue=100000")
	sink, err := DialBridge(b.Addr().String(), "can0")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	const n = 20000
	f := mk(time.Time{}, 0x100, false, "0011")
	start := time.Now()
	for range n {
		if err := sink.Write(&f); err != nil {
			t.Fatal(err)
		}
	}
	sink.Flush()
	deadline := time.Now().Add(10 * time.Second)
	for b.Stats().Frames+b.Stats().Dropped() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := time.Since(start)
	st := b.Stats()
	if st.Frames+st.Dropped() != n {
		t.Fatalf("stats %+v: frames + dropped != %d sent", st, n)
	}
	// At most the burst (rate/10) plus rate × elapsed pass.
	if limit := uint64(100 + 1000*elapsed.Seconds() + 1); st.Frames > limit {
		t.Errorf("%d frames passed in %v at 1000/s (limit %d)", st.Frames, elapsed, limit)
	}
	if st.RateDropped == 0 {
		t.Errorf("no frame dropped by the rate limit: %+v", st)
	}
}

func TestBridgeQueueFullDropsWithoutBlocking(t *testing.T) {
	b := listen(t, "tcp-listen:127.0.0.1:0?rate=0&queue=10")
	sink, err := DialBridge(b.Addr().String(), "can0")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	f := mk(time.Time{}, 0x100, false, "00")
	for range 1000 {
		sink.Write(&f)
	}
	sink.Flush()
	deadline := time.Now().Add(10 * time.Second)
	for b.Stats().Frames+b.Stats().Dropped() < 1000 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	st := b.Stats()
	if st.Frames != 10 || st.QueueDrops != 990 {
		t.Errorf("stats %+v, want 10 queued and 990 dropped", st)
	}
	// The session is still alive.
	if err := sink.WriteRaw("< echo >"); err != nil {
		t.Fatal(err)
	}
}

func TestBridgeURIErrors(t *testing.T) {
	for _, uri := range []string{"tcp-listen:", "tcp-listen:nohost", "tcp-listen:127.0.0.1:0?rate=x", "tcp-listen:127.0.0.1:0?queue=0", "tcp-listen:127.0.0.1:0?speed=2"} {
		if _, err := Open(uri); err == nil {
			t.Errorf("Open(%q): no error", uri)
		}
	}
	for _, uri := range []string{"tcp:", "tcp:127.0.0.1", "tcp:127.0.0.1:1?bus=", "tcp:127.0.0.1:1?x=1"} {
		if _, err := Create(uri); err == nil {
			t.Errorf("Create(%q): no error", uri)
		}
	}
	// Nobody listening.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	if _, err := Create("tcp:" + addr); err == nil {
		t.Error("Create to a closed port: no error")
	}
}

func TestBridgeCloseEndsNext(t *testing.T) {
	b := listen(t, "tcp-listen:127.0.0.1:0")
	rc := dialRaw(t, b.Addr().String())
	_ = rc
	errc := make(chan error, 1)
	go func() {
		var f Frame
		errc <- b.Next(context.Background(), &f)
	}()
	time.Sleep(20 * time.Millisecond)
	b.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrBridgeClosed) {
			t.Errorf("Next after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Next did not return after Close")
	}
}

func TestAppendFrame(t *testing.T) {
	f := mk(time.Unix(1700000000, 123000), 0x1ab, false, "DEAD")
	if got, want := string(AppendFrame(nil, &f)), "< frame 1AB 1700000000.000123 DEAD >"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	f = mk(time.Time{}, 0x1ab, true, "00FF")
	if got, want := string(AppendSend(nil, &f)), "< send 000001AB 2 00 FF >"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzSocketcand feeds a byte stream through the scanner and a session:
// it must never panic, every reply must be one well-formed message, and
// every frame it yields must be valid and survive AppendSend/ParseSend.
func FuzzSocketcand(f *testing.F) {
	for _, s := range []string{
		"< open can0 >< rawmode >< send 123 2 de ad >",
		"< open vcan0 >< rawmode >< send 12345678 8 1 2 3 4 5 6 7 8 >< echo >",
		"<>< <  > junk< send 1 0 >",
		"< open can0 >< rawmode >< send 7FF 4 DEADBEEF >",
		"< send 1A0 3 1 a2 ff >",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := NewMessageScanner(bufio.NewReader(bytes.NewReader(data)))
		var s Session
		var fr Frame
		for i := 0; i < 10000; i++ {
			msg, err := sc.Next()
			if err != nil {
				var pe *ProtocolError
				if errors.As(err, &pe) {
					if strings.ContainsAny(pe.Msg, "<>") {
						t.Fatalf("error %q would break the reply's framing", pe.Msg)
					}
					continue
				}
				return
			}
			reply, got := s.Handle(msg, &fr)
			if reply != "" && (!strings.HasPrefix(reply, "< ") || !strings.HasSuffix(reply, " >") || strings.Count(reply, ">") != 1 || strings.Count(reply, "<") != 1) {
				t.Fatalf("reply %q to %q is not one message", reply, msg)
			}
			if got {
				if err := fr.Validate(); err != nil {
					t.Fatalf("%q gave an invalid frame: %v", msg, err)
				}
				var back Frame
				enc := AppendSend(nil, &fr)
				if err := ParseSend(bytes.TrimSuffix(bytes.TrimPrefix(enc, []byte("< send ")), []byte(" >")), &back); err != nil || !sameFrame(back, fr) {
					t.Fatalf("%q → %q → %v %v", msg, enc, back, err)
				}
			}
		}
	})
}
