// Package feed owns the cockpit's running frame source: it opens the source
// named by a --can URI (SocketCAN, a log file, or the simulator), optionally
// records it, decodes every frame into the vehicle Store on its own
// goroutine, survives source errors and panics by reopening, and reports
// whether frames are arriving. It also sends the cockpit's command frames
// on the source when the source can transmit. It does not know about the
// UI, and it builds no frames itself.
package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/platform/can"
)

// Opener opens a frame source from a URI.
type Opener func(uri string) (can.Source, error)

// Status is what the status bar shows about the source.
type Status struct {
	Name   string
	State  vehicle.State // Live: frames within LiveWindow; Stale: frames before that; NoData: none yet
	Frames uint64
	Err    string // the last source error, if the source failed
}

// LiveWindow is how recently a frame must have arrived for the source to
// count as live.
const LiveWindow = time.Second

// Feed runs one source into a decoder.
type Feed struct {
	uri    string
	open   Opener
	record string
	dec    *vehicle.Decoder
	store  *vehicle.Store
	log    *slog.Logger

	frames atomic.Uint64
	last   atomic.Int64 // store-clock unix nanoseconds of the last frame
	sent   atomic.Uint64
	mu     sync.Mutex
	err    string
	src    can.Source             // the running source; nil while none is open
	tx     func(*can.Frame) error // see Transmit
	cancel context.CancelFunc
	done   chan struct{}
}

// Options configure a Feed.
type Options struct {
	Record string       // candump file to record every frame to; empty: none
	Log    *slog.Logger // nil: slog.Default()
}

// New returns a feed of uri into dec; Start runs it.
func New(uri string, open Opener, dec *vehicle.Decoder, store *vehicle.Store, opt Options) *Feed {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	return &Feed{uri: uri, open: open, record: opt.Record, dec: dec, store: store, log: opt.Log.With("source", uri)}
}

// Start opens the source and runs it on a goroutine until Close. The first
// open is synchronous so that a wrong URI is reported at once.
func (f *Feed) Start() error {
	src, err := f.openSource()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel, f.done = cancel, make(chan struct{})
	f.setSource(src)
	go f.loop(ctx, src)
	return nil
}

func (f *Feed) openSource() (can.Source, error) {
	src, err := f.open(f.uri)
	if err != nil {
		return nil, fmt.Errorf("opening CAN source %s: %w", f.uri, err)
	}
	if f.record != "" {
		sink, err := can.Create("candump:" + strings.TrimPrefix(f.record, "candump:"))
		if err != nil {
			src.Close()
			return nil, fmt.Errorf("recording to %s: %w", f.record, err)
		}
		src = can.Tee(src, sink)
	}
	return src, nil
}

func (f *Feed) loop(ctx context.Context, src can.Source) {
	defer close(f.done)
	backoff := 100 * time.Millisecond
	for {
		err := f.pump(ctx, src)
		f.setSource(nil)
		src.Close()
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, io.EOF):
			f.log.Info("CAN source ended")
			f.setErr("ended")
			return
		}
		f.setErr(err.Error())
		f.log.Error("CAN source failed; reopening", "err", err, "in", backoff)
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			var oerr error
			if src, oerr = f.openSource(); oerr == nil {
				f.setSource(src)
				break
			}
			f.log.Error("reopening CAN source", "err", oerr)
		}
	}
}

// pump reads frames until the source fails; a panic in decoding is turned
// into an error so that the feed restarts instead of taking the cockpit down.
func (f *Feed) pump(ctx context.Context, src can.Source) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic while decoding: %v", r)
		}
	}()
	var fr can.Frame
	for {
		if err := src.Next(ctx, &fr); err != nil {
			return err
		}
		f.Deliver(&fr)
	}
}

// Deliver decodes one frame as if the source had produced it. The feed's
// goroutine calls it for every frame; headless tools that drive the
// simulator themselves call it instead of Start.
func (f *Feed) Deliver(fr *can.Frame) {
	f.dec.Decode(fr)
	f.frames.Add(1)
	f.last.Store(f.store.Now().UnixNano())
}

func (f *Feed) setSource(src can.Source) {
	f.mu.Lock()
	f.src = src
	f.mu.Unlock()
}

// Send transmits fr on the running source, if it can transmit: SocketCAN
// and the simulated car can; a recording (candump:, trc:) and the
// tcp-listen bridge cannot, and Send returns an error saying so that
// wraps can.ErrReadOnly. With --record the frame is recorded too. A frame
// with a zero Time is stamped with the store's clock. Safe for concurrent
// use; the caller decides what to send (the feed sends nothing by itself).
func (f *Feed) Send(fr *can.Frame) error {
	f.mu.Lock()
	src, tx := f.src, f.tx
	f.mu.Unlock()
	var write func(*can.Frame) error
	on := "" // where, for errors
	switch {
	case src != nil:
		t, ok := src.(can.Transmitter)
		if !ok {
			return readOnly(f.uri)
		}
		write, on = t.Write, " on "+f.uri
	case tx != nil:
		write = tx
	default:
		return fmt.Errorf("the CAN source %s is not running: commands cannot be sent", f.uri)
	}
	out := *fr
	if out.Time.IsZero() {
		out.Time = f.store.Now()
	}
	if err := write(&out); err != nil {
		if src != nil && errors.Is(err, can.ErrReadOnly) {
			return readOnly(f.uri)
		}
		return fmt.Errorf("sending %s%s: %w", &out, on, err)
	}
	f.sent.Add(1)
	return nil
}

// Transmit gives a feed that runs no source of its own (its frames come
// through Deliver, as in scripted runs) somewhere to send: Send calls
// send while no source is running.
func (f *Feed) Transmit(send func(*can.Frame) error) {
	f.mu.Lock()
	f.tx = send
	f.mu.Unlock()
}

// Sent is the number of frames Send has transmitted.
func (f *Feed) Sent() uint64 { return f.sent.Load() }

// readOnlyError says why a source cannot transmit.
type readOnlyError struct{ msg string }

func (e *readOnlyError) Error() string { return e.msg }
func (e *readOnlyError) Unwrap() error { return can.ErrReadOnly }

func readOnly(uri string) error {
	scheme, _, _ := strings.Cut(uri, ":")
	switch scheme {
	case "candump", "trc":
		return &readOnlyError{uri + " is a recording: commands cannot be sent"}
	case "tcp-listen":
		return &readOnlyError{uri + " only receives frames from its bridge: commands cannot be sent"}
	}
	return &readOnlyError{uri + " cannot transmit: commands cannot be sent"}
}

func (f *Feed) setErr(s string) {
	f.mu.Lock()
	f.err = s
	f.mu.Unlock()
}

// Status reports the source's name and whether frames are arriving.
func (f *Feed) Status() Status {
	f.mu.Lock()
	st := Status{Name: f.uri, Frames: f.frames.Load(), Err: f.err}
	f.mu.Unlock()
	last := f.last.Load()
	switch {
	case last == 0:
		st.State = vehicle.NoData
	case f.store.Now().UnixNano()-last <= int64(LiveWindow):
		st.State = vehicle.Live
	default:
		st.State = vehicle.Stale
	}
	return st
}

// Close stops the feed and closes its source (and recording).
func (f *Feed) Close() {
	if f.cancel == nil {
		return
	}
	f.cancel()
	<-f.done
}
