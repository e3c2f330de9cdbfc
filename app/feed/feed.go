// Package feed owns the cockpit's running frame source: it opens the source
// named by a --can URI (SocketCAN, a log file, or the simulator), optionally
// records it, decodes every frame into the vehicle Store on its own
// goroutine, survives source errors and panics by reopening, and reports
// whether frames are arriving. It does not know about the UI.
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
	mu     sync.Mutex
	err    string
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
