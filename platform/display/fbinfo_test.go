package display

import (
	"encoding/binary"
	"strings"
	"testing"
)

// varBytes builds a struct fb_var_screeninfo the way the kernel fills it.
func varBytes(xres, yres, xvirt, yvirt, xoff, yoff, bpp uint32, r, g, b, a Bitfield) []byte {
	buf := make([]byte, varInfoSize)
	put := func(i int, v uint32) { binary.NativeEndian.PutUint32(buf[i*4:], v) }
	for i, v := range []uint32{xres, yres, xvirt, yvirt, xoff, yoff, bpp, 0} {
		put(i, v)
	}
	for i, f := range []Bitfield{r, g, b, a} {
		put(8+i*3, uint32(f.Offset))
		put(9+i*3, uint32(f.Length))
	}
	put(22, 86) // height mm
	put(23, 154)
	return buf
}

// fixBytes builds a struct fb_fix_screeninfo for the given word size.
func fixBytes(wordSize int, id string, smemLen, typ, visual, lineLength uint32) []byte {
	size, smem, line := fixInfoSize64, 24, 48
	if wordSize == 4 {
		size, smem, line = fixInfoSize32, 20, 44
	}
	buf := make([]byte, size)
	copy(buf, id)
	for i := 16; i < smem; i++ {
		buf[i] = 0xee // smem_start, a physical address we ignore
	}
	binary.NativeEndian.PutUint32(buf[smem:], smemLen)
	binary.NativeEndian.PutUint32(buf[smem+4:], typ)
	binary.NativeEndian.PutUint32(buf[smem+12:], visual)
	binary.NativeEndian.PutUint16(buf[smem+16:], 1) // xpanstep
	binary.NativeEndian.PutUint16(buf[smem+18:], 1) // ypanstep
	binary.NativeEndian.PutUint32(buf[line:], lineLength)
	return buf
}

func TestParseFixInfoBothWordSizes(t *testing.T) {
	for _, ws := range []int{8, 4} {
		fi, err := parseFixInfo(fixBytes(ws, "vc4drmfb", 1600*480, 0, 2, 1600), ws)
		if err != nil {
			t.Fatalf("word size %d: %v", ws, err)
		}
		want := FixInfo{ID: "vc4drmfb", SmemLen: 1600 * 480, Type: 0, Visual: 2, LineLength: 1600}
		if fi != want {
			t.Errorf("word size %d: got %+v, want %+v", ws, fi, want)
		}
	}
	if _, err := parseFixInfo(make([]byte, fixInfoSize32), 8); err == nil {
		t.Error("68 bytes parsed as the 64-bit layout")
	}
	if _, err := parseFixInfo(make([]byte, 80), 2); err == nil {
		t.Error("word size 2 accepted")
	}
}

func TestGeometry(t *testing.T) {
	c565 := [4]Bitfield{{11, 5}, {5, 6}, {0, 5}, {}}
	c8888 := [4]Bitfield{{16, 8}, {8, 8}, {0, 8}, {24, 8}}
	tests := []struct {
		name                              string
		xres, yres, xv, yv, xo, yo        uint32
		bpp                               uint32
		ch                                [4]Bitfield
		smem, typ, visual, lineLen        uint32
		wantErr                           string
		wantW, wantH, wantStride, wantOff int
		wantFormat                        PixelFormat
	}{
		{name: "Pi DSI 800x480 RGB565", xres: 800, yres: 480, xv: 800, yv: 480, bpp: 16, ch: c565,
			smem: 800 * 2 * 480, visual: 2, lineLen: 1600,
			wantW: 800, wantH: 480, wantStride: 1600, wantFormat: RGB565},
		{name: "HDMI 1280x720 ARGB, padded rows", xres: 1280, yres: 720, xv: 1280, yv: 720, bpp: 32, ch: c8888,
			smem: 5376 * 720, visual: 2, lineLen: 5376,
			wantW: 1280, wantH: 720, wantStride: 5376, wantFormat: ARGB8888},
		{name: "double buffer, second page visible", xres: 800, yres: 480, xv: 800, yv: 960, yo: 480, xo: 0, bpp: 32, ch: c8888,
			smem: 3200 * 960, visual: 2, lineLen: 3200,
			wantW: 800, wantH: 480, wantStride: 3200, wantOff: 3200 * 480, wantFormat: ARGB8888},
		{name: "x offset in a wider virtual screen", xres: 640, yres: 480, xv: 800, yv: 480, xo: 16, bpp: 16, ch: c565,
			smem: 1600 * 480, visual: 2, lineLen: 1600,
			wantW: 640, wantH: 480, wantStride: 1600, wantOff: 32, wantFormat: RGB565},
		{name: "line length 0 falls back to the virtual width", xres: 800, yres: 480, xv: 800, yv: 480, bpp: 16, ch: c565,
			smem: 1600 * 480, visual: 2, lineLen: 0,
			wantW: 800, wantH: 480, wantStride: 1600, wantFormat: RGB565},
		{name: "memory too small", xres: 800, yres: 480, xv: 800, yv: 480, bpp: 32, ch: c8888,
			smem: 3200*480 - 1, visual: 2, lineLen: 3200, wantErr: "needs 1536000"},
		{name: "offset beyond memory", xres: 800, yres: 480, xv: 800, yv: 960, yo: 481, bpp: 32, ch: c8888,
			smem: 3200 * 960, visual: 2, lineLen: 3200, wantErr: "framebuffer memory"},
		{name: "palette visual", xres: 800, yres: 480, bpp: 8, ch: [4]Bitfield{{0, 8}, {0, 8}, {0, 8}, {}},
			smem: 800 * 480, visual: 3, lineLen: 800, wantErr: "not true colour"},
		{name: "planar", xres: 800, yres: 480, bpp: 16, ch: c565, smem: 1600 * 480, typ: 1, visual: 2, lineLen: 1600,
			wantErr: "not packed pixels"},
		{name: "8 bpp true colour", xres: 800, yres: 480, bpp: 8, ch: [4]Bitfield{{5, 3}, {2, 3}, {0, 2}, {}},
			smem: 800 * 480, visual: 2, lineLen: 800, wantErr: "8 bits per pixel"},
		{name: "line shorter than a row", xres: 800, yres: 480, bpp: 16, ch: c565, smem: 1600 * 480, visual: 2, lineLen: 1598,
			wantErr: "line length"},
		{name: "zero resolution", xres: 0, yres: 480, bpp: 16, ch: c565, smem: 1600 * 480, visual: 2, lineLen: 1600,
			wantErr: "not plausible"},
		{name: "absurd offset", xres: 800, yres: 480, yo: 0xffffffff, bpp: 16, ch: c565, smem: 1600 * 480, visual: 2, lineLen: 1600,
			wantErr: "not plausible"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := parseVarInfo(varBytes(tt.xres, tt.yres, tt.xv, tt.yv, tt.xo, tt.yo, tt.bpp, tt.ch[0], tt.ch[1], tt.ch[2], tt.ch[3]))
			if err != nil {
				t.Fatal(err)
			}
			if v.XRes != tt.xres || v.YOffset != tt.yo || v.Red != tt.ch[0] || v.Transp != tt.ch[3] || v.WidthMM != 154 {
				t.Fatalf("parsed var info %+v", v)
			}
			fi, err := parseFixInfo(fixBytes(8, "test", tt.smem, tt.typ, tt.visual, tt.lineLen), 8)
			if err != nil {
				t.Fatal(err)
			}
			g, err := newGeometry(v, fi, int(tt.smem))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := geometry{Width: tt.wantW, Height: tt.wantH, Stride: tt.wantStride, Offset: tt.wantOff, Format: tt.wantFormat}
			if g != want {
				t.Errorf("got %+v, want %+v", g, want)
			}
		})
	}
}

func TestParseVarInfoShort(t *testing.T) {
	if _, err := parseVarInfo(make([]byte, varInfoSize-1)); err == nil {
		t.Error("short fb_var_screeninfo accepted")
	}
	b := varBytes(800, 480, 800, 480, 0, 0, 16, Bitfield{11, 5}, Bitfield{5, 6}, Bitfield{0, 5}, Bitfield{})
	binary.NativeEndian.PutUint32(b[10*4:], 1) // red.msb_right
	v, _ := parseVarInfo(b)
	fi, _ := parseFixInfo(fixBytes(8, "x", 1600*480, 0, 2, 1600), 8)
	if _, err := newGeometry(v, fi, 1600*480); err == nil || !strings.Contains(err.Error(), "msb_right") {
		t.Errorf("msb_right: err = %v", err)
	}
}
