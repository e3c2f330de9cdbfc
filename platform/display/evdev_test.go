package display

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"testing/iotest"

	"fyne.io/fyne/v2/driver/embedded"
)

// rec is one input_event without its timestamp.
type rec struct {
	typ, code uint16
	val       int32
}

const (
	msc           = 0x04
	mscTimestamp  = 0x05
	absPressure   = 0x18
	btnToolFinger = 0x145
	btnToolDouble = 0x14d
)

func abs(code uint16, v int32) rec { return rec{evAbs, code, v} }
func key(code uint16, v int32) rec { return rec{evKey, code, v} }

var syn = rec{evSyn, synReport, 0}

// encode writes records in layout l with increasing timestamps, as the
// kernel would hand them to a reader.
func encode(l Layout, recs ...rec) []byte {
	var buf bytes.Buffer
	ne := binary.NativeEndian
	for i, r := range recs {
		b := make([]byte, l)
		sec, usec := int64(1700000000+i/1000), int64(i%1000*1000)
		t := b[16:]
		if l == Layout32 {
			ne.PutUint32(b, uint32(sec))
			ne.PutUint32(b[4:], uint32(usec))
			t = b[8:]
		} else {
			ne.PutUint64(b, uint64(sec))
			ne.PutUint64(b[8:], uint64(usec))
		}
		ne.PutUint16(t, r.typ)
		ne.PutUint16(t[2:], r.code)
		ne.PutUint32(t[4:], uint32(r.val))
		buf.Write(b)
	}
	return buf.Bytes()
}

// describe renders events compactly for comparison.
func describe(e embedded.Event) string {
	switch e := e.(type) {
	case *embedded.TouchDownEvent:
		return fmt.Sprintf("down %d %g,%g", e.ID, e.Position.X, e.Position.Y)
	case *embedded.TouchMoveEvent:
		return fmt.Sprintf("move %d %g,%g", e.ID, e.Position.X, e.Position.Y)
	case *embedded.TouchUpEvent:
		return fmt.Sprintf("up %d %g,%g", e.ID, e.Position.X, e.Position.Y)
	case *embedded.KeyEvent:
		if e.Direction == embedded.KeyReleased {
			return "release " + string(e.Name)
		}
		return "press " + string(e.Name)
	case *embedded.CharacterEvent:
		return fmt.Sprintf("char %q", e.Rune)
	}
	return fmt.Sprintf("%T", e)
}

func run(t *testing.T, d *Decoder, r io.Reader) []string {
	t.Helper()
	var got []string
	if err := d.Decode(r, func(e embedded.Event) { got = append(got, describe(e)) }); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return got
}

// An 800×480 panel whose axes match the pixels, so positions read as raw values.
var (
	screen800 = Screen{Width: 800, Height: 480, Scale: 1}
	mtAxes    = Axes{MT: true, MTX: AxisRange{0, 799}, MTY: AxisRange{0, 479},
		ST: true, X: AxisRange{0, 799}, Y: AxisRange{0, 479}, TouchKey: btnTouch}
	stAxes = Axes{ST: true, X: AxisRange{0, 799}, Y: AxisRange{0, 479}, TouchKey: btnTouch}
)

func TestDecodeTouch(t *testing.T) {
	tests := []struct {
		name   string
		axes   Axes
		screen Screen
		recs   []rec
		want   []string
	}{
		{
			// The sequence of Documentation/input/multi-touch-protocol.rst,
			// with the legacy ABS_X/BTN_TOUCH and MSC_TIMESTAMP records a
			// real hid-multitouch panel interleaves.
			name: "protocol B two fingers", axes: mtAxes, screen: screen800,
			recs: []rec{
				abs(absMTSlot, 0), abs(absMTTrackingID, 45), abs(absMTPositionX, 100), abs(absMTPositionY, 200),
				abs(absMTSlot, 1), abs(absMTTrackingID, 46), abs(absMTPositionX, 600), abs(absMTPositionY, 300),
				key(btnTouch, 1), key(btnToolDouble, 1), abs(absX, 100), abs(absY, 200), {msc, mscTimestamp, 1000}, syn,
				abs(absMTSlot, 0), abs(absMTPositionX, 110), abs(absX, 110), {msc, mscTimestamp, 2000}, syn,
				abs(absMTSlot, 1), abs(absMTPositionY, 310), syn,
				abs(absMTSlot, 0), abs(absMTTrackingID, -1), key(btnToolDouble, 0), key(btnToolFinger, 1), syn,
				abs(absMTSlot, 1), abs(absMTTrackingID, -1), key(btnTouch, 0), key(btnToolFinger, 0), syn,
			},
			want: []string{
				"down 0 100,200", "down 1 600,300",
				"move 0 110,200",
				"move 1 600,310",
				"up 0 110,200",
				"up 1 600,310",
			},
		},
		{
			name: "protocol B new contact reuses the slot's last position", axes: mtAxes, screen: screen800,
			recs: []rec{
				abs(absMTTrackingID, 7), abs(absMTPositionX, 50), abs(absMTPositionY, 60), syn,
				abs(absMTTrackingID, -1), syn,
				// The kernel filters unchanged values, so a touch at the
				// same spot sends only the tracking ID.
				abs(absMTTrackingID, 8), syn,
				abs(absMTTrackingID, -1), syn,
			},
			want: []string{"down 0 50,60", "up 0 50,60", "down 0 50,60", "up 0 50,60"},
		},
		{
			name: "tracking ID replaced without a lift", axes: mtAxes, screen: screen800,
			recs: []rec{
				abs(absMTTrackingID, 1), abs(absMTPositionX, 10), abs(absMTPositionY, 20), syn,
				abs(absMTTrackingID, 2), abs(absMTPositionX, 700), abs(absMTPositionY, 400), syn,
				abs(absMTTrackingID, -1), syn,
			},
			want: []string{"down 0 10,20", "up 0 10,20", "down 0 700,400", "up 0 700,400"},
		},
		{
			name: "tap inside one frame", axes: mtAxes, screen: screen800,
			recs: []rec{
				abs(absMTSlot, 2), abs(absMTTrackingID, 9), abs(absMTPositionX, 30), abs(absMTPositionY, 40),
				abs(absMTTrackingID, -1), syn,
			},
			want: []string{"down 2 30,40", "up 2 30,40"},
		},
		{
			name: "slots beyond the tracked range are ignored", axes: mtAxes, screen: screen800,
			recs: []rec{
				abs(absMTSlot, maxSlots), abs(absMTTrackingID, 3), abs(absMTPositionX, 1), syn,
				abs(absMTSlot, -5), abs(absMTTrackingID, 4), syn,
				abs(absMTSlot, 3), abs(absMTTrackingID, 5), abs(absMTPositionX, 5), abs(absMTPositionY, 6), syn,
			},
			want: []string{"down 3 5,6"},
		},
		{
			name: "no report without SYN_REPORT", axes: mtAxes, screen: screen800,
			recs: []rec{abs(absMTTrackingID, 1), abs(absMTPositionX, 10), abs(absMTPositionY, 20)},
			want: nil,
		},
		{
			name: "SYN_DROPPED ends contacts and skips to the next report", axes: mtAxes, screen: screen800,
			recs: []rec{
				abs(absMTTrackingID, 1), abs(absMTPositionX, 10), abs(absMTPositionY, 20), syn,
				{evSyn, synDropped, 0},
				abs(absMTPositionX, 999), abs(absMTTrackingID, -1), syn, // partial frame: ignored
				syn,                          // finger still down but not moving: no phantom down
				abs(absMTPositionX, 15), syn, // it moves: a new contact starts
				abs(absMTTrackingID, -1), syn,
			},
			want: []string{"down 0 10,20", "up 0 10,20", "down 0 15,20", "up 0 15,20"},
		},
		{
			name: "single touch resistive panel", axes: stAxes, screen: screen800,
			recs: []rec{
				abs(absX, 400), abs(absY, 240), abs(absPressure, 200), key(btnTouch, 1), syn,
				abs(absX, 410), syn,
				abs(absPressure, 180), syn, // pressure only: no move
				key(btnTouch, 0), abs(absPressure, 0), syn,
			},
			want: []string{"down 0 400,240", "move 0 410,240", "up 0 410,240"},
		},
		{
			name: "single touch BTN_LEFT panel", axes: Axes{ST: true, X: AxisRange{0, 799}, Y: AxisRange{0, 479}, TouchKey: btnLeft},
			screen: screen800,
			recs:   []rec{abs(absX, 1), abs(absY, 2), key(btnLeft, 1), syn, key(btnLeft, 0), syn, key(btnTouch, 1), syn},
			want:   []string{"down 0 1,2", "up 0 1,2"},
		},
		{
			name: "single touch tap inside one frame", axes: stAxes, screen: screen800,
			recs: []rec{abs(absX, 7), abs(absY, 8), key(btnTouch, 1), key(btnTouch, 0), syn},
			want: []string{"down 0 7,8", "up 0 7,8"},
		},
		{
			name: "device without touch axes ignores touch records", axes: Axes{Keys: true}, screen: screen800,
			recs: []rec{abs(absMTTrackingID, 1), abs(absX, 5), key(btnTouch, 1), syn},
			want: nil,
		},
		{
			name: "scaled screen reports dp", axes: mtAxes, screen: Screen{Width: 800, Height: 480, Scale: 2},
			recs: []rec{abs(absMTTrackingID, 1), abs(absMTPositionX, 799), abs(absMTPositionY, 479), syn},
			want: []string{"down 0 399.5,239.5"},
		},
		{
			name: "panel with its own resolution and out-of-range values", screen: Screen{Width: 1280, Height: 720, Scale: 1},
			axes: Axes{MT: true, MTX: AxisRange{0, 4095}, MTY: AxisRange{0, 4095}},
			recs: []rec{
				abs(absMTTrackingID, 1), abs(absMTPositionX, 2048), abs(absMTPositionY, 4095), syn,
				abs(absMTPositionX, 5000), abs(absMTPositionY, -30), syn,
			},
			want: []string{fmt.Sprintf("down 0 %g,719", float32(2048.0/4095*1279)), "move 0 1279,0"},
		},
		{
			name: "degenerate axis range", screen: screen800,
			axes: Axes{MT: true, MTX: AxisRange{5, 5}, MTY: AxisRange{10, 0}},
			recs: []rec{abs(absMTTrackingID, 1), abs(absMTPositionX, 5), abs(absMTPositionY, 5), syn},
			want: []string{"down 0 0,0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, l := range []Layout{Layout64, Layout32} {
				d := NewDecoder(l, tt.axes, tt.screen, Calibration{}, 0)
				got := run(t, d, bytes.NewReader(encode(l, tt.recs...)))
				if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
					t.Errorf("layout %d:\ngot  %q\nwant %q", l, got, tt.want)
				}
			}
		})
	}
}

func TestDecodeIDBaseAndInitialSlot(t *testing.T) {
	a := mtAxes
	a.MTSlot = 4 // the device was left on slot 4 before we opened it
	d := NewDecoder(Layout64, a, screen800, Calibration{}, 64)
	got := run(t, d, bytes.NewReader(encode(Layout64, abs(absMTTrackingID, 1), abs(absMTPositionX, 3), abs(absMTPositionY, 4), syn)))
	if want := []string{"down 68 3,4"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDecodeCalibration(t *testing.T) {
	// A touch near the panel's top-left corner (raw 0,0 → 0,0) and at its
	// right edge, middle height (raw 799,240).
	tests := []struct {
		cal  Calibration
		want []string
	}{
		{Calibration{}, []string{"down 0 0,0", "down 0 799,240"}},
		{Calibration{Rotate: 90}, []string{"down 0 799,0", fmt.Sprintf("down 0 %g,479", float32((1-240.0/479)*799))}},
		{Calibration{Rotate: 180}, []string{"down 0 799,479", fmt.Sprintf("down 0 0,%g", float32((1-240.0/479)*479))}},
		{Calibration{Rotate: 270}, []string{"down 0 0,479", fmt.Sprintf("down 0 %g,0", float32(240.0/479*799))}},
		{Calibration{InvertX: true}, []string{"down 0 799,0", "down 0 0,240"}},
		{Calibration{InvertY: true}, []string{"down 0 0,479", fmt.Sprintf("down 0 799,%g", float32((1-240.0/479)*479))}},
		{Calibration{SwapXY: true}, []string{"down 0 0,0", fmt.Sprintf("down 0 %g,479", float32(240.0/479*799))}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.cal), func(t *testing.T) {
			var got []string
			for _, p := range [][2]int32{{0, 0}, {799, 240}} {
				d := NewDecoder(Layout64, mtAxes, screen800, tt.cal, 0)
				got = append(got, run(t, d, bytes.NewReader(encode(Layout64,
					abs(absMTTrackingID, 1), abs(absMTPositionX, p[0]), abs(absMTPositionY, p[1]), syn)))...)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCalibrationFromEnv(t *testing.T) {
	tests := []struct {
		env     map[string]string
		want    Calibration
		wantErr string
	}{
		{env: nil, want: Calibration{}},
		{env: map[string]string{EnvTouchRotate: "270", EnvTouchInvertX: "1", EnvTouchSwapXY: "true"},
			want: Calibration{Rotate: 270, InvertX: true, SwapXY: true}},
		{env: map[string]string{EnvTouchRotate: " 90 ", EnvTouchInvertY: "false"}, want: Calibration{Rotate: 90}},
		{env: map[string]string{EnvTouchRotate: "45"}, wantErr: "FASCIA_TOUCH_ROTATE=\"45\""},
		{env: map[string]string{EnvTouchRotate: "left"}, wantErr: "FASCIA_TOUCH_ROTATE=\"left\""},
		{env: map[string]string{EnvTouchInvertY: "maybe"}, wantErr: "FASCIA_TOUCH_INVERT_Y=\"maybe\""},
	}
	for _, tt := range tests {
		got, err := CalibrationFromEnv(func(k string) string { return tt.env[k] })
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: err = %v, want %q", tt.env, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%v: got %+v, %v; want %+v", tt.env, got, err, tt.want)
		}
	}
}

func TestDecodeKeyboard(t *testing.T) {
	const (
		kA, kC, kOne, kEnter, kUp, kEsc, kBksp = 30, 46, 2, 28, 103, 1, 14
	)
	recs := []rec{
		key(kA, 1), key(kA, 0), syn,
		key(keyLeftShift, 1), key(kA, 1), key(kOne, 1), key(kA, 0), key(kOne, 0), key(keyLeftShift, 0), syn,
		key(keyCapsLock, 1), key(keyCapsLock, 0), key(kA, 1), key(kOne, 1), syn,
		key(keyCapsLock, 1), key(keyCapsLock, 0),
		key(keyLeftCtrl, 1), key(kC, 1), key(kC, 0), key(keyLeftCtrl, 0), syn,
		key(kUp, 1), key(kUp, 2), key(kUp, 0), key(kEnter, 1), key(kEnter, 0), key(kEsc, 1), key(kBksp, 1), syn,
		key(keySpace, 1), key(keySpace, 0), syn,
		key(btnTouch, 1), key(0x2ff, 1), syn, // not keyboard keys
	}
	want := []string{
		`char 'a'`,
		`char 'A'`, `char '!'`,
		`char 'A'`, `char '1'`,
		"press Up", "press Up", "release Up", "press Return", "release Return", "press Escape", "press BackSpace",
		"press Space", `char ' '`, "release Space",
	}
	for _, l := range []Layout{Layout64, Layout32} {
		d := NewDecoder(l, Axes{Keys: true}, screen800, Calibration{}, 0)
		got := run(t, d, bytes.NewReader(encode(l, recs...)))
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("layout %d:\ngot  %q\nwant %q", l, got, want)
		}
	}
	// A touch panel's own keys do not type.
	d := NewDecoder(Layout64, mtAxes, screen800, Calibration{}, 0)
	if got := run(t, d, bytes.NewReader(encode(Layout64, key(kA, 1), syn))); len(got) != 0 {
		t.Errorf("touch-only device typed %q", got)
	}
}

func TestDecodeReads(t *testing.T) {
	recs := []rec{abs(absMTTrackingID, 1), abs(absMTPositionX, 10), abs(absMTPositionY, 20), syn, abs(absMTTrackingID, -1), syn}
	want := "down 0 10,20,up 0 10,20"
	for _, l := range []Layout{Layout64, Layout32} {
		data := encode(l, recs...)
		readers := map[string]io.Reader{
			"one byte at a time": iotest.OneByteReader(bytes.NewReader(data)),
			"half reads":         iotest.HalfReader(bytes.NewReader(data)),
			"data with EOF":      iotest.DataErrReader(bytes.NewReader(data)),
		}
		for name, r := range readers {
			d := NewDecoder(l, mtAxes, screen800, Calibration{}, 0)
			if got := strings.Join(run(t, d, r), ","); got != want {
				t.Errorf("layout %d, %s: got %q, want %q", l, name, got, want)
			}
		}

		d := NewDecoder(l, mtAxes, screen800, Calibration{}, 0)
		var n int
		err := d.Decode(bytes.NewReader(data[:len(data)-3]), func(embedded.Event) { n++ })
		if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("layout %d truncated: err = %v", l, err)
		}
		if n != 1 {
			t.Errorf("layout %d truncated: %d events before the error, want the complete frame's 1", l, n)
		}

		boom := errors.New("device unplugged")
		d = NewDecoder(l, mtAxes, screen800, Calibration{}, 0)
		err = d.Decode(io.MultiReader(bytes.NewReader(data[:int(l)*2]), iotest.ErrReader(boom)), func(embedded.Event) {})
		if !errors.Is(err, boom) {
			t.Errorf("layout %d: err = %v, want the reader's error", l, err)
		}
	}
	d := NewDecoder(Layout(20), mtAxes, screen800, Calibration{}, 0)
	if err := d.Decode(bytes.NewReader(nil), func(embedded.Event) {}); err == nil {
		t.Error("layout 20 accepted")
	}
	if err := NewDecoder(Layout64, mtAxes, screen800, Calibration{}, 0).Decode(zeroReader{}, func(embedded.Event) {}); !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("reader stuck at 0, nil: err = %v", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestDecodeRawLayouts(t *testing.T) {
	for _, l := range []Layout{Layout64, Layout32} {
		b := encode(l, rec{evAbs, absMTPositionX, -123456})
		e := decodeRaw(b, l)
		if e.Type != evAbs || e.Code != absMTPositionX || e.Value != -123456 || e.Sec != 1700000000 {
			t.Errorf("layout %d: %+v", l, e)
		}
	}
	if NativeLayout() != Layout(24) && NativeLayout() != Layout(16) {
		t.Errorf("native layout %d", NativeLayout())
	}
}

// checkTouchInvariants fails on events Fyne's embedded driver would
// mishandle: positions off screen or not finite, an up or move for a
// contact that is not down, a down for a contact already down.
func checkTouchInvariants(t *testing.T, events []embedded.Event, screen Screen) {
	t.Helper()
	scale := screen.Scale
	if !(scale > 0) || scale > 64 {
		scale = 1
	}
	maxX, maxY := float32(max(screen.Width-1, 0))/scale, float32(max(screen.Height-1, 0))/scale
	down := map[int]bool{}
	for i, e := range events {
		var id int
		var x, y float32
		switch e := e.(type) {
		case *embedded.TouchDownEvent:
			id, x, y = e.ID, e.Position.X, e.Position.Y
			if down[id] {
				t.Fatalf("event %d: down for contact %d already down", i, id)
			}
			down[id] = true
		case *embedded.TouchMoveEvent:
			id, x, y = e.ID, e.Position.X, e.Position.Y
			if !down[id] {
				t.Fatalf("event %d: move for contact %d not down", i, id)
			}
		case *embedded.TouchUpEvent:
			id, x, y = e.ID, e.Position.X, e.Position.Y
			if !down[id] {
				t.Fatalf("event %d: up for contact %d not down", i, id)
			}
			delete(down, id)
		default:
			continue
		}
		if math.IsNaN(float64(x)) || math.IsNaN(float64(y)) || x < 0 || y < 0 || x > maxX || y > maxY {
			t.Fatalf("event %d: %s off the %gx%g dp screen", i, describe(e), maxX, maxY)
		}
	}
}

func TestDecodeInvariantsOnRandomFrames(t *testing.T) {
	// Long random but well-formed protocol B and single-touch sessions.
	for seed := uint64(0); seed < 20; seed++ {
		var recs []rec
		s := seed*2654435761 + 1
		next := func(n int) int32 {
			s = s*6364136223846793005 + 1442695040888963407
			return int32((s >> 33) % uint64(n))
		}
		for i := 0; i < 2000; i++ {
			switch next(8) {
			case 0:
				recs = append(recs, abs(absMTSlot, next(6)))
			case 1:
				recs = append(recs, abs(absMTTrackingID, next(3)-1))
			case 2, 3:
				recs = append(recs, abs(absMTPositionX, next(900)-50), abs(absMTPositionY, next(600)-50))
			case 4:
				recs = append(recs, key(btnTouch, next(2)), abs(absX, next(800)))
			case 5:
				recs = append(recs, rec{evSyn, synDropped, 0})
			default:
				recs = append(recs, syn)
			}
		}
		for _, a := range []Axes{mtAxes, stAxes} {
			var events []embedded.Event
			d := NewDecoder(Layout64, a, screen800, Calibration{Rotate: 90}, 0)
			if err := d.Decode(bytes.NewReader(encode(Layout64, recs...)), func(e embedded.Event) { events = append(events, e) }); err != nil {
				t.Fatal(err)
			}
			checkTouchInvariants(t, events, screen800)
			if len(events) == 0 {
				t.Fatalf("seed %d: no events from %d records", seed, len(recs))
			}
		}
	}
}
