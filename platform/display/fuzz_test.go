package display

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"fyne.io/fyne/v2/driver/embedded"
)

// FuzzEvdev feeds arbitrary bytes to the decoder under every layout, device
// kind, calibration and scale that mode selects. The decoder must not
// panic, must fail only on a truncated record, and must emit only touch
// sequences Fyne's embedded driver can follow, on screen.
func FuzzEvdev(f *testing.F) {
	twoFingers := encode(Layout64,
		abs(absMTSlot, 0), abs(absMTTrackingID, 45), abs(absMTPositionX, 100), abs(absMTPositionY, 200),
		abs(absMTSlot, 1), abs(absMTTrackingID, 46), abs(absMTPositionX, 600), abs(absMTPositionY, 300), syn,
		abs(absMTSlot, 0), abs(absMTPositionX, 110), syn, abs(absMTTrackingID, -1), syn,
		abs(absMTSlot, 1), abs(absMTTrackingID, -1), syn)
	f.Add(twoFingers, byte(0))
	f.Add(encode(Layout32, abs(absX, 400), abs(absY, 240), key(btnTouch, 1), syn, key(btnTouch, 0), syn), byte(1|1<<1))
	f.Add(encode(Layout64, key(keyLeftShift, 1), key(30, 1), key(103, 1), key(103, 0), syn), byte(2<<1))
	f.Add(encode(Layout64, abs(absMTTrackingID, 1), syn, rec{evSyn, synDropped, 0}, abs(absMTPositionX, 5), syn, syn), byte(1<<3|1<<6))
	f.Add(twoFingers[:len(twoFingers)-5], byte(3<<1|3<<3))
	f.Fuzz(func(t *testing.T, data []byte, mode byte) {
		layout := Layout64
		if mode&1 != 0 {
			layout = Layout32
		}
		var axes Axes
		switch mode >> 1 & 3 {
		case 0:
			axes = mtAxes
		case 1:
			axes = stAxes
		case 2:
			axes = Axes{MT: true, MTX: AxisRange{-100, 100}, MTY: AxisRange{1 << 30, -1 << 30}, Keys: true}
		case 3:
			axes = Axes{MT: true, MTX: AxisRange{7, 7}, ST: true, X: AxisRange{-1 << 31, 1<<31 - 1}, TouchKey: btnLeft, Keys: true}
		}
		cal := Calibration{Rotate: int(mode>>3&3) * 90, SwapXY: mode&0x20 != 0}
		scr := []Screen{screen800, {Width: 1280, Height: 720, Scale: 1.5}, {Width: 1, Height: 1, Scale: 0}, {Width: 480, Height: 800, Scale: 2}}[mode>>6]
		var events []embedded.Event
		err := NewDecoder(layout, axes, scr, cal, 0).Decode(bytes.NewReader(data), func(e embedded.Event) {
			if e == nil {
				t.Fatal("nil event: Fyne would quit")
			}
			events = append(events, e)
		})
		if len(data)%int(layout) == 0 && err != nil {
			t.Fatalf("whole records: err = %v", err)
		}
		if len(data)%int(layout) != 0 && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("%d bytes is not whole records, err = %v", len(data), err)
		}
		checkTouchInvariants(t, events, scr)
	})
}
