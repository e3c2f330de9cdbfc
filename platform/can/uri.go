package can

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// ErrUnknownScheme is wrapped by Open and Create for a URI whose scheme
// this package does not handle.
var ErrUnknownScheme = errors.New("unknown CAN scheme")

// Open opens a frame source:
//
//	socketcan:IFACE                      a SocketCAN interface, e.g. socketcan:can0
//	candump:FILE[?speed=S&loop=1&lenient=1]  a `candump -l` log
//	trc:FILE[?speed=S&loop=1&lenient=1]      a PCAN-View .trc file
//	tcp-listen:HOST:PORT[?rate=N&queue=N]    a socketcand-protocol server (see BridgeSource)
//
// Logs replay at their recorded pace divided by speed (default 1; "max" or
// 0: as fast as possible); each frame's Time is the wall clock when it is
// emitted. loop=1 starts again at the end. lenient=1 skips malformed lines
// instead of returning them as errors. The query starts at the first '?'.
// Other schemes (sim: belongs to the application) wrap ErrUnknownScheme.
func Open(uri string) (Source, error) {
	return open(uri, &wallClock{})
}

func open(uri string, clk clock) (Source, error) {
	scheme, rest, _ := strings.Cut(uri, ":")
	path, query, hasQuery := strings.Cut(rest, "?")
	switch scheme {
	case "socketcan":
		conn, err := dialIface(uri, path, hasQuery)
		if err != nil {
			return nil, err
		}
		return NewSocketCANSource(conn, "socketcan:"+path), nil
	case "tcp-listen":
		return openBridge(uri, rest)
	case "candump", "trc":
		opts, err := parseQuery(uri, query, "speed", "loop", "lenient")
		if err != nil {
			return nil, err
		}
		speed, err := parseSpeed(uri, opts.Get("speed"))
		if err != nil {
			return nil, err
		}
		loop, err := parseFlag(uri, "loop", opts.Get("loop"))
		if err != nil {
			return nil, err
		}
		lenient, err := parseFlag(uri, "lenient", opts.Get("lenient"))
		if err != nil {
			return nil, err
		}
		if path == "" {
			return nil, fmt.Errorf("%s: no file name", uri)
		}
		file, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		var newReader func(io.Reader) (frameReader, error)
		if scheme == "candump" {
			newReader = func(r io.Reader) (frameReader, error) {
				cr := NewCandumpReader(r, path)
				cr.Lenient = lenient
				return cr, nil
			}
		} else {
			newReader = func(r io.Reader) (frameReader, error) {
				tr, err := NewTRCReader(r, path)
				if err != nil {
					return nil, err
				}
				tr.Lenient = lenient
				return tr, nil
			}
		}
		src, err := newReplay(uri, file, newReader, speed, loop, clk)
		if err != nil {
			file.Close()
			return nil, err
		}
		return src, nil
	}
	return nil, unknownScheme(uri, scheme, "socketcan:IFACE, candump:FILE, trc:FILE, tcp-listen:HOST:PORT")
}

func unknownScheme(uri, scheme, known string) error {
	return fmt.Errorf("%w %q in %q: known schemes are %s (sim: is handled by the application)", ErrUnknownScheme, scheme, uri, known)
}

// dialIface checks a socketcan: URI's interface part and opens it.
func dialIface(uri, iface string, hasQuery bool) (net.Conn, error) {
	if hasQuery {
		return nil, fmt.Errorf("%s: socketcan takes no options", uri)
	}
	if iface == "" {
		return nil, fmt.Errorf("%s: no interface name", uri)
	}
	return DialSocketCAN(iface)
}

func parseQuery(uri, query string, known ...string) (url.Values, error) {
	v, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("%s: bad options: %w", uri, err)
	}
	for k := range v {
		ok := false
		for _, kk := range known {
			ok = ok || k == kk
		}
		if !ok {
			return nil, fmt.Errorf("%s: unknown option %q (known: %s)", uri, k, strings.Join(known, ", "))
		}
	}
	return v, nil
}

func parseSpeed(uri, s string) (float64, error) {
	switch s {
	case "":
		return 1, nil
	case "max", "0":
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("%s: speed=%q: want a positive number, or max", uri, s)
	}
	return v, nil
}

func parseFlag(uri, name, s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%s: %s=%q: want 1 or 0", uri, name, s)
	}
	return v, nil
}

// Create opens a frame sink:
//
//	candump:FILE[?iface=can0]  a `candump -l` log, written to a temporary
//	                           file renamed to FILE by Close
//	socketcan:IFACE            a SocketCAN interface (classic CAN only)
//	tcp:HOST:PORT[?bus=can0]   a socketcand-protocol server (see BridgeSink)
//
// Other schemes wrap ErrUnknownScheme.
func Create(uri string) (Sink, error) {
	scheme, rest, _ := strings.Cut(uri, ":")
	path, query, hasQuery := strings.Cut(rest, "?")
	switch scheme {
	case "socketcan":
		conn, err := dialIface(uri, path, hasQuery)
		if err != nil {
			return nil, err
		}
		return NewSocketCANSink(conn, "socketcan:"+path), nil
	case "candump":
		opts, err := parseQuery(uri, query, "iface")
		if err != nil {
			return nil, err
		}
		iface := opts.Get("iface")
		if iface == "" {
			iface = "can0"
		}
		if !validIface(iface) {
			return nil, fmt.Errorf("%s: iface=%q is not an interface name", uri, iface)
		}
		if path == "" {
			return nil, fmt.Errorf("%s: no file name", uri)
		}
		return createLog(path, iface)
	case "tcp":
		return createBridge(uri, rest)
	case "trc":
		return nil, fmt.Errorf("%s: writing .trc files is not supported; record with candump:FILE", uri)
	}
	return nil, unknownScheme(uri, scheme, "socketcan:IFACE, candump:FILE, tcp:HOST:PORT")
}

// logSink writes a candump log to a temporary file and renames it into
// place on Close, so that no half-written log ever carries the final name.
type logSink struct {
	mu     sync.Mutex
	path   string
	tmp    *os.File
	w      *CandumpWriter
	closed bool
}

func createLog(path, iface string) (*logSink, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &logSink{path: path, tmp: tmp, w: NewCandumpWriter(tmp, iface)}, nil
}

func (s *logSink) Write(f *Frame) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("%s: %w", s.path, os.ErrClosed)
	}
	if err := s.w.Write(f); err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}
	return nil
}

// Close flushes the log and renames it to its final name. On any error the
// temporary file is removed and the final name left untouched.
func (s *logSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.w.Flush()
	if err == nil {
		err = s.tmp.Sync()
	}
	if cerr := s.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(s.tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(s.tmp.Name(), s.path)
	}
	if err != nil {
		os.Remove(s.tmp.Name())
		return fmt.Errorf("%s: %w", s.path, err)
	}
	return nil
}
