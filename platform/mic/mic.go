// Package mic captures microphone audio for the voice recognizer: 16 kHz
// mono 16-bit samples from ALSA through `arecord` (alsa-utils), delivered
// in blocks. It knows nothing of speech; it only captures and reports a
// clear error when there is no microphone.
package mic

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// ErrNoMicrophone is returned when ALSA has no capture device.
var ErrNoMicrophone = errors.New("no microphone: ALSA lists no capture device")

// Rate is the capture rate, samples per second.
const Rate = 16000

// Options configure a capture.
type Options struct {
	Device string        // ALSA device ("default", "hw:1,0"); "" is "default"
	Block  time.Duration // samples delivered per callback; default 100 ms
	Bin    string        // arecord binary; default "arecord"
}

// Check reports whether a capture device exists (arecord -l lists one).
func Check(ctx context.Context, opt Options) error {
	bin := opt.Bin
	if bin == "" {
		bin = "arecord"
	}
	if _, err := exec.LookPath(bin); err != nil {
		return fmt.Errorf("no microphone: %s not found (install alsa-utils)", bin)
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-l")
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run()
	if !strings.Contains(out.String(), "card ") {
		return ErrNoMicrophone
	}
	return nil
}

// Capture is a running capture.
type Capture struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	done   chan struct{}
	err    error
	once   sync.Once
}

// Start captures until ctx ends or Stop, calling fn with each block of
// samples from its own goroutine. A device that cannot be opened is
// reported by Wait (and by Start when arecord fails at once).
func Start(ctx context.Context, opt Options, fn func([]int16)) (*Capture, error) {
	if err := Check(ctx, opt); err != nil {
		return nil, err
	}
	bin, dev, block := opt.Bin, opt.Device, opt.Block
	if bin == "" {
		bin = "arecord"
	}
	if dev == "" {
		dev = "default"
	}
	if block <= 0 {
		block = 100 * time.Millisecond
	}
	c := &Capture{done: make(chan struct{})}
	c.cmd = exec.CommandContext(ctx, bin, "-q", "-D", dev, "-f", "S16_LE", "-r", "16000", "-c", "1", "-t", "raw")
	c.cmd.Stderr = &c.stderr
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("microphone: %w", err)
	}
	n := int(block.Seconds() * Rate)
	go func() {
		defer close(c.done)
		err := Read(out, n, fn)
		werr := c.cmd.Wait()
		if err == nil && werr != nil && ctx.Err() == nil {
			err = fmt.Errorf("microphone %s: %v: %s", dev, werr, strings.TrimSpace(c.stderr.String()))
		}
		c.err = err
	}()
	return c, nil
}

// Read reads raw S16_LE samples from r in blocks of n, calling fn with
// each (the slice is reused), until EOF.
func Read(r io.Reader, n int, fn func([]int16)) error {
	buf := make([]byte, 2*n)
	s := make([]int16, n)
	for {
		k, err := io.ReadFull(r, buf)
		k -= k % 2
		if k > 0 {
			for i := 0; i < k/2; i++ {
				s[i] = int16(binary.LittleEndian.Uint16(buf[2*i:]))
			}
			fn(s[:k/2])
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Stop ends the capture and waits for it.
func (c *Capture) Stop() error {
	c.once.Do(func() {
		if c.cmd.Process != nil {
			_ = c.cmd.Process.Kill()
		}
	})
	<-c.done
	return nil
}

// Wait waits for the capture to end and returns why it ended early, if it did.
func (c *Capture) Wait() error {
	<-c.done
	return c.err
}
