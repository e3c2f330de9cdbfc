//go:build linux

package display

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/embedded"
)

// tempFramebuffer maps a regular file laid out like a framebuffer through
// the same mapFramebuffer the device path uses; only the two screen-info
// ioctls are replaced by the structures they would return.
func tempFramebuffer(t *testing.T, w, h, lineLength uint32, f PixelFormat, c Config) (*Driver, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fb0")
	size := int64(lineLength) * int64(h)
	if err := os.WriteFile(path, bytes.Repeat([]byte{0x5a}, int(size)), 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	v, err := parseVarInfo(varBytes(w, h, w, h, 0, 0, uint32(f.BitsPerPixel), f.Red, f.Green, f.Blue, f.Alpha))
	if err != nil {
		t.Fatal(err)
	}
	fi, err := parseFixInfo(fixBytes(wordSize, "tempfile", uint32(size), fbTypePackedPixels, fbVisualTrueColor, lineLength), wordSize)
	if err != nil {
		t.Fatal(err)
	}
	mem, geo, release, err := mapFramebuffer(file, v, fi)
	if err != nil {
		t.Fatal(err)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return newDriver(mem, geo, release, c), path
}

func TestDriverRendersIntoMappedFile(t *testing.T) {
	for _, tt := range []struct {
		name   string
		f      PixelFormat
		w, h   uint32
		stride uint32
	}{
		{"RGB565 odd size padded rows", RGB565, 37, 21, 37*2 + 10},
		{"ARGB8888", ARGB8888, 64, 48, 64 * 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, path := tempFramebuffer(t, tt.w, tt.h, tt.stride, tt.f, Config{Scale: 2})
			if got, want := d.ScreenSize(), fyne.NewSize(float32(tt.w)/2, float32(tt.h)/2); got != want {
				t.Errorf("ScreenSize %v, want %v (dp at scale 2)", got, want)
			}
			// A frame as Fyne's software painter makes it: NRGBA, here one
			// pixel wider and taller than the screen (ceil of dp×scale).
			img := image.NewNRGBA(image.Rect(0, 0, int(tt.w)+1, int(tt.h)+1))
			for y := 0; y <= int(tt.h); y++ {
				for x := 0; x <= int(tt.w); x++ {
					img.SetNRGBA(x, y, color.NRGBA{uint8(x * 7), uint8(y * 11), uint8(x ^ y), 0xff})
				}
			}
			d.Render(img)
			if d.Frames() != 1 {
				t.Errorf("Frames = %d", d.Frames())
			}
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
			d.Render(img) // after Close: must not touch the unmapped memory
			if d.Frames() != 1 {
				t.Errorf("rendered after Close")
			}
			if err := d.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}

			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			bpp := tt.f.BitsPerPixel / 8
			for y := 0; y < int(tt.h); y++ {
				for x := 0; x < int(tt.w); x++ {
					if p, want := pixelAt(got, int(tt.stride), x, y, tt.f), refPixel(img.At(x, y), tt.f); p != want {
						t.Fatalf("pixel (%d,%d) = %#x, want %#x", x, y, p, want)
					}
				}
				for i := int(tt.w) * bpp; i < int(tt.stride); i++ {
					if got[y*int(tt.stride)+i] != 0x5a {
						t.Fatalf("row %d padding byte %d overwritten", y, i)
					}
				}
			}
		})
	}
}

func TestMapFramebufferRejectsShortFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fb")
	if err := os.WriteFile(path, make([]byte, 100), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, _ := parseVarInfo(varBytes(10, 10, 10, 10, 0, 0, 16, RGB565.Red, RGB565.Green, RGB565.Blue, Bitfield{}))
	fi, _ := parseFixInfo(fixBytes(wordSize, "x", 200, 0, 2, 20), wordSize)
	if _, _, _, err := mapFramebuffer(f, v, fi); err == nil || !strings.Contains(err.Error(), "needs 200") {
		t.Errorf("err = %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "nofb"), nil); err == nil || !strings.Contains(err.Error(), "open framebuffer") {
		t.Errorf("missing device: err = %v", err)
	}
	// A regular file is not a framebuffer: the first ioctl says so.
	path := filepath.Join(t.TempDir(), "fb")
	if err := os.WriteFile(path, make([]byte, 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, nil); err == nil || !strings.Contains(err.Error(), "FBIOGET_VSCREENINFO") {
		t.Errorf("regular file: err = %v", err)
	}
	if _, err := OpenConfig(Config{Framebuffer: path, Calibration: Calibration{Rotate: 45}}); err == nil || !strings.Contains(err.Error(), "rotation 45") {
		t.Errorf("bad calibration: err = %v", err)
	}
}

func TestOpenInputsErrors(t *testing.T) {
	d, _ := tempFramebuffer(t, 8, 8, 16, RGB565, Config{})
	defer d.Close()
	if _, err := openInputs([]string{filepath.Join(t.TempDir(), "event9")}, d); err == nil {
		t.Error("missing explicit input accepted")
	}
	notEvdev := filepath.Join(t.TempDir(), "event0")
	if err := os.WriteFile(notEvdev, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := openInputs([]string{notEvdev}, d); err == nil || !strings.Contains(err.Error(), "EVIOCGBIT") {
		t.Errorf("regular file as input: err = %v", err)
	}
	// Discovery over files that are not evdev devices finds nothing, and
	// that is not an error.
	old := inputGlob
	inputGlob = filepath.Join(filepath.Dir(notEvdev), "event*")
	defer func() { inputGlob = old }()
	in, err := openInputs(nil, d)
	if err != nil || len(in) != 0 {
		t.Errorf("discovery: %d inputs, err %v", len(in), err)
	}
}

// pipeInput is an evdev stream through a pipe, which like an evdev node is
// pollable, so Close interrupts a blocked Read just as it does on a device.
func pipeInput(t *testing.T, d *Driver, a Axes) *os.File {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pw.Close() })
	d.start([]*input{{path: "pipe", name: "synthetic panel", r: pr, dec: NewDecoder(NativeLayout(), a, d.screen(), d.calibration, 0)}})
	return pw
}

func next(t *testing.T, q chan embedded.Event) embedded.Event {
	t.Helper()
	select {
	case e := <-q:
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s")
		return nil
	}
}

func TestDriverInputToQueue(t *testing.T) {
	d, _ := tempFramebuffer(t, 800, 480, 1600, RGB565, Config{Scale: 2, Calibration: Calibration{Rotate: 180}})
	w := pipeInput(t, d, mtAxes)
	if _, err := w.Write(encode(NativeLayout(), abs(absMTTrackingID, 1), abs(absMTPositionX, 0), abs(absMTPositionY, 0), syn)); err != nil {
		t.Fatal(err)
	}
	if got := describe(next(t, d.Queue())); got != "down 0 399.5,239.5" {
		t.Errorf("got %s, want the rotated corner in dp", got)
	}

	// Nobody reads the queue for a while: moves beyond the backlog are
	// dropped, the lift is not.
	var frames []rec
	for i := int32(1); i <= 20; i++ {
		frames = append(frames, abs(absMTPositionX, i*10), syn)
	}
	frames = append(frames, abs(absMTTrackingID, -1), syn)
	if _, err := w.Write(encode(NativeLayout(), frames...)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(d.Queue()) < moveBacklog+1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let the reader finish the stream
	var got []string
	for len(d.Queue()) > 0 {
		got = append(got, describe(<-d.Queue()))
	}
	want := []string{"move 0 394.5,239.5", "move 0 389.5,239.5", "move 0 384.5,239.5", "move 0 379.5,239.5", "up 0 299.5,239.5"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("after 20 unread moves and a lift the queue held\n%q, want\n%q", got, want)
	}

	// Close stops the reader blocked on the pipe and tells Fyne to quit.
	done := make(chan error)
	go func() { done <- d.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return: reader still blocked")
	}
	if e := next(t, d.Queue()); e != nil {
		t.Errorf("after Close got %s, want the nil quit event", describe(e))
	}
}

func TestDriverCloseWithFullQueue(t *testing.T) {
	d, _ := tempFramebuffer(t, 8, 8, 16, RGB565, Config{})
	w := pipeInput(t, d, Axes{Keys: true})
	var recs []rec
	for i := 0; i < queueSize+10; i++ {
		recs = append(recs, key(103, 1), syn)
	}
	if _, err := w.Write(encode(NativeLayout(), recs...)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(d.Queue()) < queueSize && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if len(d.Queue()) != queueSize {
		t.Fatalf("queue holds %d, want it full", len(d.Queue()))
	}
	if err := d.Close(); err != nil { // the reader is blocked on a full queue
		t.Fatal(err)
	}
	var last embedded.Event = &embedded.CharacterEvent{}
	for len(d.Queue()) > 0 {
		last = <-d.Queue()
	}
	if last != nil {
		t.Errorf("last queued event %s, want nil", describe(last))
	}
}

func TestOpenRealFramebuffer(t *testing.T) {
	if _, err := os.Stat(DefaultFramebuffer); errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s does not exist on this machine; the device path is untested here", DefaultFramebuffer)
	}
	d, err := Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	w, h := d.Resolution()
	t.Logf("%dx%d %s, inputs %v", w, h, d.Format(), d.Inputs())
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestIoctlNumbers(t *testing.T) {
	if iocDirShift != 30 {
		t.Skip("values below are for the asm-generic encoding")
	}
	// Values of the linux/input.h macros as C computes them on arm, arm64
	// and x86.
	for _, tt := range []struct {
		name      string
		got, want uintptr
	}{
		{"EVIOCGNAME(256)", eviocgname(256), 0x81004506},
		{"EVIOCGPROP(8)", eviocgprop(8), 0x80084509},
		{"EVIOCGBIT(0, 8)", eviocgbit(0, 8), 0x80084520},
		{"EVIOCGBIT(EV_KEY, 96)", eviocgbit(evKey, 96), 0x80604521},
		{"EVIOCGBIT(EV_ABS, 8)", eviocgbit(evAbs, 8), 0x80084523},
		{"EVIOCGABS(ABS_X)", eviocgabs(absX), 0x80184540},
		{"EVIOCGABS(ABS_MT_POSITION_X)", eviocgabs(absMTPositionX), 0x80184575},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %#x, want %#x", tt.name, tt.got, tt.want)
		}
	}
}

func TestEventNumberOrder(t *testing.T) {
	paths := []string{"/dev/input/event10", "/dev/input/event2", "/dev/input/eventX", "/dev/input/event0"}
	slices.SortFunc(paths, func(a, b string) int { return eventNumber(a) - eventNumber(b) })
	if want := "/dev/input/event0 /dev/input/event2 /dev/input/event10 /dev/input/eventX"; strings.Join(paths, " ") != want {
		t.Errorf("order %v", paths)
	}
}
