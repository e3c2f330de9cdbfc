package can

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Recorder is the Source returned by Tee.
type Recorder struct {
	src  Source
	sink Sink

	mu       sync.Mutex
	err      error // first write error; recording stopped there
	recorded int
	closed   bool
}

// Tee returns a Source that passes on src's frames and writes each one to
// sink (for --record). Its Write transmits through src (see
// Recorder.Write) and records the frames sent too. A failing sink never holds up the frames: recording
// stops at the first write error, which Err and Close report. Close closes
// both src and sink.
func Tee(src Source, sink Sink) Source {
	return &Recorder{src: src, sink: sink}
}

// Name is the source's name.
func (r *Recorder) Name() string { return r.src.Name() }

// Next returns src's next frame after writing it to the sink.
func (r *Recorder) Next(ctx context.Context, f *Frame) error {
	if err := r.src.Next(ctx, f); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil && !r.closed {
		if err := r.sink.Write(f); err != nil {
			r.err = fmt.Errorf("recording %s stopped after %d frames: %w", r.src.Name(), r.recorded, err)
		} else {
			r.recorded++
		}
	}
	return nil
}

// Err is the write error that stopped recording, or nil.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Recorded is the number of frames written to the sink.
func (r *Recorder) Recorded() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.recorded
}

// Write sends f on the recorded source when it is a Transmitter, and
// records it like the frames received (a frame with a zero Time is stamped
// with the wall clock). For another source it returns an error wrapping
// ErrReadOnly and records nothing.
func (r *Recorder) Write(f *Frame) error {
	tx, ok := r.src.(Transmitter)
	if !ok {
		return fmt.Errorf("%s: %w", r.src.Name(), ErrReadOnly)
	}
	if err := tx.Write(f); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil && !r.closed {
		rec := *f
		if rec.Time.IsZero() {
			rec.Time = time.Now()
		}
		if err := r.sink.Write(&rec); err != nil {
			r.err = fmt.Errorf("recording %s stopped after %d frames: %w", r.src.Name(), r.recorded, err)
		} else {
			r.recorded++
		}
	}
	return nil
}

// Close closes the source, then the sink, and reports any recording error.
func (r *Recorder) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.mu.Unlock()
	err := r.src.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	return errors.Join(err, r.err, r.sink.Close())
}
