package display

import (
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"runtime/debug"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/embedded"
)

// DefaultFramebuffer is the device Open uses when given an empty path.
const DefaultFramebuffer = "/dev/fb0"

// queueSize is the capacity of the event channel Fyne reads.
const queueSize = 64

// moveBacklog is how many queued events make the readers drop touch moves.
// Fyne repaints the whole window for every event it takes from the queue;
// a panel reporting at 100–200 Hz would otherwise outrun a software renderer
// and the UI would lag further and further behind the finger. Downs, ups and
// keys are never dropped.
const moveBacklog = 4

// Config says which devices to open and how to map them.
type Config struct {
	Framebuffer string      // framebuffer device; "" means DefaultFramebuffer
	Inputs      []string    // evdev devices; empty means every touch panel and keyboard found
	Scale       float32     // Fyne scale, pixels per dp; 0 means 1
	Calibration Calibration // touch panel orientation
	Logger      *slog.Logger
}

// ErrNeedsLinux is returned by Open on systems without Linux framebuffers.
var ErrNeedsLinux = errors.New("display: framebuffer output needs Linux")

// Driver is a Fyne embedded driver (fyne.io/fyne/v2/driver/embedded.Driver)
// drawing into a mapped Linux framebuffer and reading touch and keys from
// evdev devices. Render and Run are called by Fyne on its UI goroutine;
// Close may be called from any goroutine.
type Driver struct {
	log         *slog.Logger
	scale       float32
	calibration Calibration
	geo         geometry
	queue       chan embedded.Event
	done        chan struct{}
	pinch       *pinchFilter

	mu      sync.Mutex // guards mem, closed and frames against Close
	mem     []byte
	closed  bool
	frames  uint64
	blitErr bool
	release func() error // unmaps and closes the framebuffer

	inputs    []*input
	watchOnly bool // no framebuffer, no Fyne: only pinches (PinchWatcher)
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// input is one open evdev device and its decoder.
type input struct {
	path string
	name string
	r    io.ReadCloser
	dec  *Decoder
}

// Open maps the framebuffer at fbPath ("" for /dev/fb0) and starts reading
// the given evdev devices; with no inputs it opens every touch panel and
// keyboard under /dev/input. Finding no input device is not an error: the
// screen still works, and the reason is logged.
func Open(fbPath string, inputs []string) (*Driver, error) {
	return OpenConfig(Config{Framebuffer: fbPath, Inputs: inputs})
}

// newDriver wraps a mapped framebuffer; release undoes the mapping.
func newDriver(mem []byte, geo geometry, release func() error, c Config) *Driver {
	scale := c.Scale
	if !(scale > 0) || scale > 64 {
		scale = 1
	}
	log := c.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Driver{
		log: log.With("component", "display"), scale: scale, calibration: c.Calibration, geo: geo,
		queue: make(chan embedded.Event, queueSize), done: make(chan struct{}),
		pinch: newPinchFilter(), mem: mem, release: release,
	}
}

// screen is the geometry touch decoders map onto.
func (d *Driver) screen() Screen {
	return Screen{Width: d.geo.Width, Height: d.geo.Height, Scale: d.scale}
}

// start launches one reader goroutine per input.
func (d *Driver) start(in []*input) {
	d.inputs = in
	for _, i := range in {
		d.wg.Add(1)
		go d.read(i)
	}
}

func (d *Driver) read(in *input) {
	defer d.wg.Done()
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("input reader panicked; device abandoned", "device", in.path, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	err := in.dec.Decode(in.r, func(e embedded.Event) { d.pinch.handle(e, d.emit) })
	select {
	case <-d.done:
		return // closed on purpose
	default:
	}
	if err != nil {
		d.log.Warn("input device stopped", "device", in.path, "name", in.name, "err", err)
	} else {
		d.log.Warn("input device ended", "device", in.path, "name", in.name)
	}
}

// emit queues one event for Fyne, dropping touch moves while Fyne is
// behind, and giving up once the driver closes.
func (d *Driver) emit(e embedded.Event) {
	if d.watchOnly {
		return // a PinchWatcher's: the display server has these
	}
	if _, move := e.(*embedded.TouchMoveEvent); move && len(d.queue) >= moveBacklog {
		return
	}
	select {
	case d.queue <- e:
	case <-d.done:
	}
}

// SetPinchHandler makes two-finger contacts pinches, passed to h on the
// input goroutines (h must not block; hand them to the UI with fyne.Do).
// With nil, every contact goes to Fyne, which has no pinch gesture.
func (d *Driver) SetPinchHandler(h func(Pinch)) { d.pinch.setHandler(h) }

// Render draws one frame Fyne has painted. Fyne calls it on its UI
// goroutine after every event it handles and when a window is shown.
func (d *Driver) Render(img image.Image) {
	if img == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	err := Blit(d.mem[d.geo.Offset:], d.geo.Stride, d.geo.Width, d.geo.Height, d.geo.Format, img)
	if err != nil {
		if !d.blitErr {
			d.log.Error("cannot draw frame", "err", err)
			d.blitErr = true
		}
		return
	}
	d.frames++
}

// Run runs f, Fyne's event loop, on the calling goroutine. The loop returns
// when the app quits or after Close.
func (d *Driver) Run(f func()) {
	f()
}

// ScreenSize is the framebuffer's visible resolution in dp (pixels divided
// by the scale): Fyne sizes its window canvas to it, and touch positions
// are reported in the same unit.
func (d *Driver) ScreenSize() fyne.Size {
	return fyne.NewSize(float32(d.geo.Width)/d.scale, float32(d.geo.Height)/d.scale)
}

// Queue is the channel of input events Fyne reads. A nil event, sent by
// Close, tells Fyne's loop to quit.
func (d *Driver) Queue() chan embedded.Event {
	return d.queue
}

// Scale is the number of framebuffer pixels per dp. Fyne's canvas must use
// the same scale (see SetCanvasScale) when it is not 1.
func (d *Driver) Scale() float32 { return d.scale }

// Resolution is the visible framebuffer size in pixels.
func (d *Driver) Resolution() (width, height int) { return d.geo.Width, d.geo.Height }

// Format is the framebuffer's pixel layout.
func (d *Driver) Format() PixelFormat { return d.geo.Format }

// Frames is the number of frames drawn so far.
func (d *Driver) Frames() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.frames
}

// Inputs lists the evdev devices being read, as "path (name)".
func (d *Driver) Inputs() []string {
	out := make([]string, len(d.inputs))
	for i, in := range d.inputs {
		out[i] = fmt.Sprintf("%s (%s)", in.path, in.name)
	}
	return out
}

// Close stops the input readers, unmaps the framebuffer, closes every
// device and tells Fyne's loop to quit. It is safe to call more than once
// and from any goroutine; later Renders do nothing.
func (d *Driver) Close() error {
	d.closeOnce.Do(func() {
		close(d.done)
		var errs []error
		for _, in := range d.inputs {
			if err := in.r.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close %s: %w", in.path, err))
			}
		}
		d.wg.Wait()

		d.mu.Lock()
		d.closed = true
		d.mem = nil
		if d.release != nil {
			if err := d.release(); err != nil {
				errs = append(errs, err)
			}
		}
		d.mu.Unlock()

		// Readers are gone, so only this goroutine sends. Make room if
		// nobody has been reading, then queue the quit signal.
		for {
			select {
			case d.queue <- nil:
				d.closeErr = errors.Join(errs...)
				return
			default:
				select {
				case <-d.queue:
				default:
				}
			}
		}
	})
	return d.closeErr
}
