package display

import (
	"encoding/binary"
	"testing"
)

// kernelBitmap lays bits out as the kernel does: an array of unsigned
// longs of wordSize bytes in byte order o.
func kernelBitmap(nbits, wordSize int, o binary.ByteOrder, bits ...int) []byte {
	words := (nbits + wordSize*8 - 1) / (wordSize * 8)
	raw := make([]byte, words*wordSize)
	for _, b := range bits {
		w := b / (wordSize * 8)
		if wordSize == 8 {
			v := o.Uint64(raw[w*8:])
			o.PutUint64(raw[w*8:], v|1<<(b%64))
		} else {
			v := o.Uint32(raw[w*4:])
			o.PutUint32(raw[w*4:], v|1<<(b%32))
		}
	}
	return raw
}

func TestNormalizeBitmap(t *testing.T) {
	bits := []int{0, 3, 31, 32, 63, 64, 0x14a, keyCnt - 1}
	for _, ws := range []int{4, 8} {
		for _, o := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			b := normalizeBitmap(kernelBitmap(keyCnt, ws, o, bits...), ws, o)
			set := map[int]bool{}
			for _, n := range bits {
				set[n] = true
			}
			for n := -1; n <= keyCnt; n++ {
				if b.has(n) != set[n] {
					t.Errorf("word %d, %v: bit %d = %v", ws, o, n, b.has(n))
				}
			}
		}
	}
}

func TestCapsAxes(t *testing.T) {
	bm := func(nbits int, bits ...int) bitmap {
		return normalizeBitmap(kernelBitmap(nbits, 8, binary.LittleEndian, bits...), 8, binary.LittleEndian)
	}
	letters := []int{16, 30, 44, 28, keySpace, 1, 2}
	mtInfo := map[uint16]absInfo{
		absX: {Min: 0, Max: 4095}, absY: {Min: 0, Max: 4095},
		absMTSlot: {Value: 3, Max: 9}, absMTPositionX: {Min: 0, Max: 4095}, absMTPositionY: {Min: 0, Max: 2047},
	}
	tests := []struct {
		name            string
		c               caps
		touch, keyboard bool
		want            Axes
	}{
		{
			name: "hid-multitouch touchscreen",
			c: caps{Ev: bm(32, evSyn, evKey, evAbs), Key: bm(keyCnt, btnTouch), Abs: bm(absCnt, absX, absY, absMTSlot, absMTPositionX, absMTPositionY, absMTTrackingID),
				Prop: bm(32, inputPropDirect), Info: mtInfo},
			touch: true,
			want: Axes{MT: true, MTX: AxisRange{0, 4095}, MTY: AxisRange{0, 2047}, MTSlot: 3,
				ST: true, X: AxisRange{0, 4095}, Y: AxisRange{0, 4095}, TouchKey: btnTouch},
		},
		{
			name: "ads7846 resistive, no properties",
			c: caps{Ev: bm(32, evSyn, evKey, evAbs), Key: bm(keyCnt, btnTouch), Abs: bm(absCnt, absX, absY, absPressure),
				Info: map[uint16]absInfo{absX: {Min: 150, Max: 3900}, absY: {Min: 200, Max: 3800}}},
			touch: true,
			want:  Axes{ST: true, X: AxisRange{150, 3900}, Y: AxisRange{200, 3800}, TouchKey: btnTouch},
		},
		{
			name: "direct panel with BTN_LEFT",
			c: caps{Ev: bm(32, evSyn, evKey, evAbs), Key: bm(keyCnt, btnLeft), Abs: bm(absCnt, absX, absY),
				Prop: bm(32, inputPropDirect), Info: map[uint16]absInfo{absX: {Max: 32767}, absY: {Max: 32767}}},
			touch: true,
			want:  Axes{ST: true, X: AxisRange{0, 32767}, Y: AxisRange{0, 32767}, TouchKey: btnLeft},
		},
		{
			name: "touchpad",
			c: caps{Ev: bm(32, evSyn, evKey, evAbs), Key: bm(keyCnt, btnTouch, btnLeft), Abs: bm(absCnt, absX, absY, absMTSlot, absMTPositionX, absMTPositionY),
				Prop: bm(32, inputPropPointer), Info: mtInfo},
		},
		{
			name: "joystick",
			c:    caps{Ev: bm(32, evSyn, evKey, evAbs), Key: bm(keyCnt, 0x130), Abs: bm(absCnt, absX, absY)},
		},
		{
			name: "mouse",
			c:    caps{Ev: bm(32, evSyn, evKey, evRel), Key: bm(keyCnt, btnLeft)},
		},
		{
			name:     "keyboard",
			c:        caps{Ev: bm(32, evSyn, evKey), Key: bm(keyCnt, letters...)},
			keyboard: true,
			want:     Axes{Keys: true},
		},
		{
			name: "power button",
			c:    caps{Ev: bm(32, evSyn, evKey), Key: bm(keyCnt, 116)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, touch, kbd := tt.c.axes()
			if touch != tt.touch || kbd != tt.keyboard {
				t.Errorf("touch %v keyboard %v, want %v %v", touch, kbd, tt.touch, tt.keyboard)
			}
			if a != tt.want {
				t.Errorf("axes %+v, want %+v", a, tt.want)
			}
			if tt.c.describe() == "" {
				t.Error("empty description")
			}
		})
	}
}
