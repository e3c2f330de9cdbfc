package can

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// clock paces log replay. Tests replace the wall clock with one that does
// not sleep.
type clock interface {
	Now() time.Time
	// SleepUntil returns when t has come, or with an error when ctx ends
	// or done is closed.
	SleepUntil(ctx context.Context, done <-chan struct{}, t time.Time) error
}

var errSourceClosed = errors.New("source closed")

type wallClock struct{ timer *time.Timer }

func (*wallClock) Now() time.Time { return time.Now() }

func (c *wallClock) SleepUntil(ctx context.Context, done <-chan struct{}, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	if c.timer == nil {
		c.timer = time.NewTimer(d)
	} else {
		c.timer.Reset(d)
	}
	select {
	case <-c.timer.C:
		return nil
	case <-ctx.Done():
		c.timer.Stop()
		return ctx.Err()
	case <-done:
		c.timer.Stop()
		return errSourceClosed
	}
}

// frameReader is what CandumpReader and TRCReader have in common.
type frameReader interface {
	Next(f *Frame) error
}

// replay is a log file played back as a Source: at the log's own pace
// scaled by speed (0: as fast as possible), each frame stamped with the
// wall clock when it is emitted, optionally looping at the end.
type replay struct {
	name    string
	file    *os.File
	open    func(io.Reader) (frameReader, error)
	rd      frameReader
	speed   float64
	loop    bool
	clk     clock
	done    chan struct{}
	closing sync.Once

	anchored bool      // logT0/wallT0 hold the first frame of this pass
	logT0    time.Time // log time of the pass's first frame
	wallT0   time.Time // wall time it was emitted
	pass     int       // frames read in this pass
	pending  bool      // held is a frame whose wait was cut short
	held     Frame
}

func newReplay(name string, file *os.File, open func(io.Reader) (frameReader, error), speed float64, loop bool, clk clock) (*replay, error) {
	rd, err := open(file)
	if err != nil {
		return nil, err
	}
	return &replay{name: name, file: file, open: open, rd: rd, speed: speed, loop: loop, clk: clk, done: make(chan struct{})}, nil
}

func (r *replay) Name() string { return r.name }

func (r *replay) Close() error {
	var err error
	r.closing.Do(func() {
		close(r.done)
		err = r.file.Close()
	})
	return err
}

// Next returns the next frame of the log when its time comes. A malformed
// line is returned as a *ParseError; the following call carries on after
// it. At the end it returns io.EOF, or starts again with loop.
func (r *replay) Next(ctx context.Context, f *Frame) error {
	select {
	case <-r.done:
		return fmt.Errorf("%s: %w", r.name, errSourceClosed)
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.pending {
		*f = r.held
	} else if err := r.read(f); err != nil {
		return err
	}
	if r.speed > 0 {
		if !r.anchored {
			r.anchored, r.logT0, r.wallT0 = true, f.Time, r.clk.Now()
		} else {
			due := r.wallT0.Add(time.Duration(float64(f.Time.Sub(r.logT0)) / r.speed))
			if err := r.clk.SleepUntil(ctx, r.done, due); err != nil {
				r.pending, r.held = true, *f
				if err == errSourceClosed {
					return fmt.Errorf("%s: %w", r.name, err)
				}
				return err
			}
		}
	}
	r.pending = false
	f.Time = r.clk.Now()
	return nil
}

// read reads the next frame, rewinding at the end when looping.
func (r *replay) read(f *Frame) error {
	for {
		err := r.rd.Next(f)
		if err == nil {
			r.pass++
			return nil
		}
		if err != io.EOF || !r.loop {
			return err
		}
		if r.pass == 0 {
			return fmt.Errorf("%s: no frames to loop over", r.name)
		}
		if _, err := r.file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("%s: rewind: %w", r.name, err)
		}
		if r.rd, err = r.open(r.file); err != nil {
			return err
		}
		r.pass, r.anchored = 0, false
	}
}
