package display

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/embedded"
)

// Event types and codes from linux/input-event-codes.h.
const (
	evSyn = 0x00
	evKey = 0x01
	evRel = 0x02
	evAbs = 0x03

	synReport   = 0
	synMTReport = 2
	synDropped  = 3

	absX             = 0x00
	absY             = 0x01
	absMTSlot        = 0x2f
	absMTPositionX   = 0x35
	absMTPositionY   = 0x36
	absMTTrackingID  = 0x39
	absCnt           = 0x40
	btnLeft          = 0x110
	btnTouch         = 0x14a
	keyCnt           = 0x300
	inputPropPointer = 0x00
	inputPropDirect  = 0x01
)

// maxSlots bounds the multi-touch slots tracked per device; events for
// higher slots are ignored. Panels on dash rigs report 5 or 10.
const maxSlots = 32

// Layout is the size in bytes of struct input_event as the kernel hands it
// to the reading process: a struct timeval of two longs, then u16 type,
// u16 code and s32 value.
type Layout int

const (
	Layout64 Layout = 24 // 64-bit processes (arm64, amd64): 16-byte timeval
	Layout32 Layout = 16 // 32-bit processes (arm, 386): 8-byte timeval
)

// NativeLayout is the layout for this process.
func NativeLayout() Layout {
	if strconv.IntSize == 32 {
		return Layout32
	}
	return Layout64
}

// RawEvent is one struct input_event.
type RawEvent struct {
	Sec, Usec int64
	Type      uint16
	Code      uint16
	Value     int32
}

// decodeRaw decodes one record of layout l from b (len(b) >= int(l)).
func decodeRaw(b []byte, l Layout) RawEvent {
	ne := binary.NativeEndian
	var e RawEvent
	t := b[16:]
	if l == Layout32 {
		e.Sec, e.Usec = int64(int32(ne.Uint32(b))), int64(int32(ne.Uint32(b[4:])))
		t = b[8:]
	} else {
		e.Sec, e.Usec = int64(ne.Uint64(b)), int64(ne.Uint64(b[8:]))
	}
	e.Type, e.Code, e.Value = ne.Uint16(t), ne.Uint16(t[2:]), int32(ne.Uint32(t[4:]))
	return e
}

// eventReader reads whole records. Its buffer always has room for a full
// record, because evdev rejects reads shorter than one record with EINVAL.
type eventReader struct {
	r          io.Reader
	size       int
	buf        [64 * int(Layout64)]byte
	start, end int
}

func (er *eventReader) next() (RawEvent, error) {
	empty := 0
	for er.end-er.start < er.size {
		if er.start > 0 {
			er.end = copy(er.buf[:], er.buf[er.start:er.end])
			er.start = 0
		}
		n, err := er.r.Read(er.buf[er.end:])
		er.end += n
		if er.end-er.start >= er.size {
			break
		}
		if err != nil {
			if errors.Is(err, io.EOF) && er.end > er.start {
				return RawEvent{}, fmt.Errorf("evdev: truncated event record: %d of %d bytes: %w", er.end-er.start, er.size, io.ErrUnexpectedEOF)
			}
			return RawEvent{}, err
		}
		if n == 0 {
			if empty++; empty > 100 {
				return RawEvent{}, io.ErrNoProgress
			}
		}
	}
	e := decodeRaw(er.buf[er.start:er.start+er.size], Layout(er.size))
	er.start += er.size
	return e, nil
}

// AxisRange is an absolute axis' reported range (struct input_absinfo).
type AxisRange struct {
	Min, Max int32
}

// norm maps v into 0..1, clamping values outside the range.
func (a AxisRange) norm(v int32) float64 {
	span := float64(a.Max) - float64(a.Min)
	if span <= 0 {
		return 0
	}
	f := (float64(v) - float64(a.Min)) / span
	return min(max(f, 0), 1)
}

// Axes describes what an input device reports, as read from its
// capabilities at open time.
type Axes struct {
	MT       bool      // multi-touch protocol B (ABS_MT_SLOT, positions, tracking IDs)
	MTX, MTY AxisRange // ABS_MT_POSITION_X/Y
	MTSlot   int32     // ABS_MT_SLOT's current value when the device was opened

	ST       bool      // single touch: ABS_X/Y plus a contact key
	X, Y     AxisRange // ABS_X/Y
	TouchKey uint16    // contact key for single touch: BTN_TOUCH (0 means BTN_TOUCH) or BTN_LEFT

	Keys bool // decode EV_KEY keyboard keys into key and character events
}

// Screen is the display the touch panel covers: pixel resolution and the
// Fyne scale (pixels per dp). Events are emitted in dp, the unit of
// fyne.Position and of the embedded driver's ScreenSize.
type Screen struct {
	Width, Height int
	Scale         float32
}

// touchPoint is the state of one contact (an MT slot or the single touch).
type touchPoint struct {
	down     bool  // finger on the panel as of the events read so far
	active   bool  // a TouchDown was emitted and no TouchUp yet
	x, y     int32 // latest raw position
	moved    bool  // position changed since the last SYN_REPORT
	began    bool  // contact started since the last SYN_REPORT
	stale    bool  // state is unknown after SYN_DROPPED until the contact moves or restarts
	up       bool  // a TouchUp is owed for the previous contact
	upX, upY int32 // where that previous contact ended
}

// Decoder turns evdev records from one device into Fyne embedded events:
// touch contacts are reported at SYN_REPORT, in dp, with IDs IDBase+slot
// (IDBase for single touch); keys as they arrive. Create it with
// NewDecoder. It never panics, whatever the input.
type Decoder struct {
	Layout      Layout
	Axes        Axes
	Screen      Screen
	Calibration Calibration
	IDBase      int // added to slot numbers, so two panels do not share touch IDs

	slots    [maxSlots]touchPoint
	slot     int // current MT slot; -1 while it is beyond maxSlots
	single   touchPoint
	dropping bool
	keys     keyState
}

// NewDecoder returns a decoder for one device.
func NewDecoder(l Layout, a Axes, s Screen, c Calibration, idBase int) *Decoder {
	d := &Decoder{Layout: l, Axes: a, Screen: s, Calibration: c, IDBase: idBase}
	d.setSlot(a.MTSlot)
	return d
}

func (d *Decoder) setSlot(v int32) {
	if v >= 0 && v < maxSlots {
		d.slot = int(v)
	} else {
		d.slot = -1
	}
}

// Decode reads records from r until it fails and passes every resulting
// event to emit. A clean end of input at a record boundary returns nil.
func (d *Decoder) Decode(r io.Reader, emit func(embedded.Event)) error {
	size := int(d.Layout)
	if d.Layout != Layout32 && d.Layout != Layout64 {
		return fmt.Errorf("evdev: unknown record layout %d", d.Layout)
	}
	er := eventReader{r: r, size: size}
	for {
		e, err := er.next()
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		d.Handle(e, emit)
	}
}

// Handle processes one record.
func (d *Decoder) Handle(e RawEvent, emit func(embedded.Event)) {
	if d.dropping {
		// After SYN_DROPPED everything up to and including the next
		// SYN_REPORT describes a state we only partly saw.
		if e.Type == evSyn && e.Code == synReport {
			d.dropping = false
			d.resetFrame()
		}
		return
	}
	switch e.Type {
	case evSyn:
		switch e.Code {
		case synReport:
			d.report(emit)
		case synDropped:
			d.drop(emit)
		}
	case evAbs:
		d.abs(e.Code, e.Value)
	case evKey:
		if d.singleTouch() && e.Code == d.touchKey() {
			p := &d.single
			switch {
			case e.Value != 0 && !p.down:
				p.down, p.began, p.stale = true, true, false
			case e.Value == 0 && p.down:
				p.down = false
				if p.active {
					p.up, p.upX, p.upY = true, p.x, p.y
				}
			}
			return
		}
		if d.Axes.Keys {
			d.keys.handle(e.Code, e.Value, emit)
		}
	}
}

// singleTouch reports whether the device is decoded as a single-touch panel:
// multi-touch devices also send ABS_X/Y and BTN_TOUCH for old clients, and
// those duplicates are ignored.
func (d *Decoder) singleTouch() bool { return d.Axes.ST && !d.Axes.MT }

func (d *Decoder) touchKey() uint16 {
	if d.Axes.TouchKey == 0 {
		return btnTouch
	}
	return d.Axes.TouchKey
}

func (d *Decoder) abs(code uint16, v int32) {
	switch code {
	case absMTSlot:
		d.setSlot(v)
	case absMTTrackingID, absMTPositionX, absMTPositionY:
		if !d.Axes.MT || d.slot < 0 {
			return
		}
		p := &d.slots[d.slot]
		switch code {
		case absMTTrackingID:
			if v < 0 {
				if p.down {
					p.down = false
					if p.active {
						p.up, p.upX, p.upY = true, p.x, p.y
					}
				}
				return
			}
			// A new tracking ID, possibly replacing a contact whose
			// lift we have not been told about.
			if p.active && !p.up {
				p.up, p.upX, p.upY = true, p.x, p.y
			}
			p.down, p.began, p.stale = true, true, false
		case absMTPositionX:
			p.x, p.moved = v, true
		case absMTPositionY:
			p.y, p.moved = v, true
		}
	case absX, absY:
		if !d.singleTouch() {
			return
		}
		if code == absX {
			d.single.x = v
		} else {
			d.single.y = v
		}
		d.single.moved = true
	}
}

// report ends a frame (SYN_REPORT): emit what changed since the last one.
func (d *Decoder) report(emit func(embedded.Event)) {
	if d.Axes.MT {
		for i := range d.slots {
			d.flush(&d.slots[i], d.IDBase+i, d.Axes.MTX, d.Axes.MTY, emit)
		}
	}
	if d.singleTouch() {
		d.flush(&d.single, d.IDBase, d.Axes.X, d.Axes.Y, emit)
	}
}

func (d *Decoder) flush(p *touchPoint, id int, ax, ay AxisRange, emit func(embedded.Event)) {
	if p.up {
		emit(&embedded.TouchUpEvent{Position: d.position(p.upX, p.upY, ax, ay), ID: id})
		p.up, p.active = false, false
	}
	pos := d.position(p.x, p.y, ax, ay)
	switch {
	case p.down && !p.active && (!p.stale || p.moved):
		emit(&embedded.TouchDownEvent{Position: pos, ID: id})
		p.active, p.stale = true, false
	case p.down && p.active && p.moved:
		emit(&embedded.TouchMoveEvent{Position: pos, ID: id})
	case !p.down && p.began && !p.active:
		// Touched and lifted within one frame: still a tap.
		emit(&embedded.TouchDownEvent{Position: pos, ID: id})
		emit(&embedded.TouchUpEvent{Position: pos, ID: id})
	}
	p.moved, p.began = false, false
}

// drop handles SYN_DROPPED: the kernel's buffer overflowed and events were
// lost. Every contact in progress is ended, and a finger still on the panel
// starts a new contact when it next moves.
func (d *Decoder) drop(emit func(embedded.Event)) {
	d.dropping = true
	end := func(p *touchPoint, id int, ax, ay AxisRange) {
		if p.up {
			emit(&embedded.TouchUpEvent{Position: d.position(p.upX, p.upY, ax, ay), ID: id})
			p.up = false
		} else if p.active {
			emit(&embedded.TouchUpEvent{Position: d.position(p.x, p.y, ax, ay), ID: id})
		}
		p.active, p.stale = false, true
	}
	for i := range d.slots {
		end(&d.slots[i], d.IDBase+i, d.Axes.MTX, d.Axes.MTY)
	}
	end(&d.single, d.IDBase, d.Axes.X, d.Axes.Y)
}

func (d *Decoder) resetFrame() {
	for i := range d.slots {
		d.slots[i].moved, d.slots[i].began, d.slots[i].up = false, false, false
	}
	d.single.moved, d.single.began, d.single.up = false, false, false
}

// position maps a raw panel position to screen dp.
func (d *Decoder) position(x, y int32, ax, ay AxisRange) fyne.Position {
	u, v := d.Calibration.apply(ax.norm(x), ay.norm(y))
	scale := float64(d.Screen.Scale)
	if !(scale > 0) || scale > 64 {
		scale = 1
	}
	w, h := max(d.Screen.Width-1, 0), max(d.Screen.Height-1, 0)
	return fyne.NewPos(float32(u*float64(w)/scale), float32(v*float64(h)/scale))
}
