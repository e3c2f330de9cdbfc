//go:build linux

package display

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Framebuffer ioctls (linux/fb.h); they predate size-encoded requests.
const (
	fbioGetVScreenInfo = 0x4600
	fbioGetFScreenInfo = 0x4602
)

// ioc builds a read request _IOR(typ, nr, size).
func ioc(typ, nr, size uintptr) uintptr {
	return iocRead<<iocDirShift | size<<16 | typ<<8 | nr
}

// evdev ioctls (linux/input.h).
func eviocgname(n int) uintptr    { return ioc('E', 0x06, uintptr(n)) }
func eviocgprop(n int) uintptr    { return ioc('E', 0x09, uintptr(n)) }
func eviocgbit(ev, n int) uintptr { return ioc('E', uintptr(0x20+ev), uintptr(n)) }
func eviocgabs(abs int) uintptr   { return ioc('E', uintptr(0x40+abs), 24) }

const wordSize = int(unsafe.Sizeof(uintptr(0)))

// ioctl issues one request whose argument is buf, on f's descriptor. It
// goes through SyscallConn so the file stays in non-blocking mode, which is
// what lets Close interrupt a pending Read.
func ioctl(f *os.File, req uintptr, buf []byte) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n uintptr
	var errno unix.Errno
	cerr := rc.Control(func(fd uintptr) {
		for {
			n, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, req, uintptr(unsafe.Pointer(&buf[0])))
			if errno != unix.EINTR {
				return
			}
		}
	})
	if cerr != nil {
		return 0, cerr
	}
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// OpenConfig opens the framebuffer and inputs c names; see Open.
func OpenConfig(c Config) (*Driver, error) {
	if err := c.Calibration.Validate(); err != nil {
		return nil, fmt.Errorf("display: %w", err)
	}
	path := c.Framebuffer
	if path == "" {
		path = DefaultFramebuffer
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("display: open framebuffer: %w", err)
	}
	defer f.Close() // the mapping outlives the descriptor
	v, fi, err := screenInfo(f)
	if err != nil {
		return nil, fmt.Errorf("display: %s: %w", path, err)
	}
	mem, geo, release, err := mapFramebuffer(f, v, fi)
	if err != nil {
		return nil, fmt.Errorf("display: %s: %w", path, err)
	}
	d := newDriver(mem, geo, release, c)
	d.log.Info("framebuffer mapped", "device", path, "id", fi.ID, "width", geo.Width, "height", geo.Height,
		"format", geo.Format.String(), "line_length", geo.Stride, "scale", d.scale)

	in, err := openInputs(c.Inputs, d)
	if err != nil {
		_ = release()
		return nil, err
	}
	d.start(in)
	return d, nil
}

// WatchPinches starts a PinchWatcher that calls h (on its input
// goroutines; h must not block) with every pinch step on the touch panels
// of c.Screen. Finding no touch panel is not an error: nothing is reported
// and the reason is logged.
func WatchPinches(c WatchConfig, h func(Pinch)) (*PinchWatcher, error) {
	if err := c.Calibration.Validate(); err != nil {
		return nil, fmt.Errorf("display: %w", err)
	}
	if c.Screen.Width <= 0 || c.Screen.Height <= 0 {
		return nil, fmt.Errorf("display: pinch watcher: screen %dx%d", c.Screen.Width, c.Screen.Height)
	}
	d := watcher(c, h)
	in, err := openInputs(c.Inputs, d)
	if err != nil {
		return nil, err
	}
	d.start(in)
	return &PinchWatcher{d}, nil
}

// screenInfo reads the variable and fixed screen information of f.
func screenInfo(f *os.File) (VarInfo, FixInfo, error) {
	vb := make([]byte, varInfoSize)
	if _, err := ioctl(f, fbioGetVScreenInfo, vb); err != nil {
		return VarInfo{}, FixInfo{}, fmt.Errorf("FBIOGET_VSCREENINFO: %w (not a framebuffer device?)", err)
	}
	fb := make([]byte, fixInfoSize64)
	if _, err := ioctl(f, fbioGetFScreenInfo, fb); err != nil {
		return VarInfo{}, FixInfo{}, fmt.Errorf("FBIOGET_FSCREENINFO: %w", err)
	}
	v, err := parseVarInfo(vb)
	if err != nil {
		return VarInfo{}, FixInfo{}, err
	}
	fi, err := parseFixInfo(fb, wordSize)
	return v, fi, err
}

// mapFramebuffer maps f, described by v and fi, read-write and shared.
// f may also be a regular file of the right size, which is how the mapping
// is tested without a device.
func mapFramebuffer(f *os.File, v VarInfo, fi FixInfo) ([]byte, geometry, func() error, error) {
	length := int(fi.SmemLen)
	if length == 0 {
		length = int(fi.LineLength) * int(max(v.YResVirtual, v.YRes))
	}
	geo, err := newGeometry(v, fi, length)
	if err != nil {
		return nil, geometry{}, nil, err
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() < int64(length) {
		return nil, geometry{}, nil, fmt.Errorf("file is %d bytes, the framebuffer needs %d", st.Size(), length)
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, geometry{}, nil, err
	}
	var mem []byte
	var merr error
	if err := rc.Control(func(fd uintptr) {
		mem, merr = unix.Mmap(int(fd), 0, length, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	}); err != nil {
		return nil, geometry{}, nil, err
	}
	if merr != nil {
		return nil, geometry{}, nil, fmt.Errorf("mmap %d bytes: %w", length, merr)
	}
	release := func() error {
		if err := unix.Munmap(mem); err != nil {
			return fmt.Errorf("munmap framebuffer: %w", err)
		}
		return nil
	}
	return mem, geo, release, nil
}

// inputGlob is where discovery looks for evdev devices.
var inputGlob = "/dev/input/event*"

// openInputs opens the named devices, or discovers touch panels and
// keyboards when none are named.
func openInputs(paths []string, d *Driver) ([]*input, error) {
	var in []*input
	add := func(f *os.File, path string, c caps) {
		a, _, _ := c.axes()
		dec := NewDecoder(NativeLayout(), a, d.screen(), d.calibration, len(in)*maxSlots)
		in = append(in, &input{path: path, name: c.Name, r: f, dec: dec})
		d.log.Info("input device", "device", path, "caps", c.describe())
	}
	if len(paths) > 0 {
		for _, p := range paths {
			f, c, err := openInput(p)
			if err != nil {
				closeInputs(in)
				return nil, fmt.Errorf("display: input %s: %w", p, err)
			}
			if _, touch, kbd := c.axes(); !touch && (!kbd || d.watchOnly) {
				f.Close()
				closeInputs(in)
				return nil, fmt.Errorf("display: input %s: device %s", p, c.describe())
			}
			add(f, p, c)
		}
		return in, nil
	}

	found, _ := filepath.Glob(inputGlob)
	slices.SortFunc(found, func(a, b string) int { return eventNumber(a) - eventNumber(b) })
	var denied []string
	touches := 0
	for _, p := range found {
		f, c, err := openInput(p)
		if err != nil {
			if errors.Is(err, os.ErrPermission) {
				denied = append(denied, p)
			} else {
				d.log.Debug("skipping input device", "device", p, "err", err)
			}
			continue
		}
		_, touch, kbd := c.axes()
		if !touch && (!kbd || d.watchOnly) { // a watcher has no use for keys
			f.Close()
			continue
		}
		if touch {
			touches++
		}
		add(f, p, c)
	}
	if touches == 0 {
		msg := "no touch panel found; the screen is output only"
		if d.watchOnly {
			msg = "no touch panel found; no pinch zoom"
		}
		switch {
		case len(found) == 0:
			d.log.Warn(msg, "reason", "no /dev/input/event* devices")
		case len(denied) > 0:
			d.log.Warn(msg, "reason", "permission denied (is the user in the input group?)", "devices", strings.Join(denied, " "))
		default:
			d.log.Warn(msg, "reason", "no device reports ABS_MT_POSITION_X/Y or ABS_X/Y with BTN_TOUCH", "devices", len(found))
		}
	}
	return in, nil
}

func eventNumber(path string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(path), "event"))
	if err != nil {
		return 1 << 30
	}
	return n
}

func closeInputs(in []*input) {
	for _, i := range in {
		i.r.Close()
	}
}

// openInput opens one evdev device and reads its capabilities.
func openInput(path string) (*os.File, caps, error) {
	f, err := os.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, caps{}, err
	}
	c, err := queryCaps(f)
	if err != nil {
		f.Close()
		return nil, caps{}, err
	}
	return f, c, nil
}

func queryCaps(f *os.File) (caps, error) {
	order := binary.ByteOrder(binary.NativeEndian)
	bits := func(req func(n int) uintptr, nbits int) (bitmap, error) {
		n := (nbits + 8*wordSize - 1) / (8 * wordSize) * wordSize // whole longs
		raw := make([]byte, n)
		if _, err := ioctl(f, req(n), raw); err != nil {
			return nil, err
		}
		return normalizeBitmap(raw, wordSize, order), nil
	}
	var c caps
	name := make([]byte, 256)
	if n, err := ioctl(f, eviocgname(len(name)), name); err == nil && n > 0 {
		c.Name = strings.TrimRight(string(name[:min(n, len(name))]), "\x00")
	}
	var err error
	if c.Ev, err = bits(func(n int) uintptr { return eviocgbit(0, n) }, 32); err != nil {
		return c, fmt.Errorf("EVIOCGBIT: %w (not an evdev device?)", err)
	}
	if c.Key, err = bits(func(n int) uintptr { return eviocgbit(evKey, n) }, keyCnt); err != nil {
		return c, fmt.Errorf("EVIOCGBIT(EV_KEY): %w", err)
	}
	if c.Abs, err = bits(func(n int) uintptr { return eviocgbit(evAbs, n) }, absCnt); err != nil {
		return c, fmt.Errorf("EVIOCGBIT(EV_ABS): %w", err)
	}
	if c.Prop, err = bits(eviocgprop, 32); err != nil {
		c.Prop = nil // kernels before 3.3 lack EVIOCGPROP
	}
	c.Info = map[uint16]absInfo{}
	for _, code := range []uint16{absX, absY, absMTSlot, absMTPositionX, absMTPositionY} {
		if !c.Abs.has(int(code)) {
			continue
		}
		b := make([]byte, 24)
		if _, err := ioctl(f, eviocgabs(int(code)), b); err != nil {
			return c, fmt.Errorf("EVIOCGABS(%#x): %w", code, err)
		}
		u := func(i int) int32 { return int32(binary.NativeEndian.Uint32(b[i*4:])) }
		c.Info[code] = absInfo{Value: u(0), Min: u(1), Max: u(2), Fuzz: u(3), Flat: u(4), Resolution: u(5)}
	}
	return c, nil
}
