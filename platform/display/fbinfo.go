package display

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Sizes of the structures FBIOGET_VSCREENINFO and FBIOGET_FSCREENINFO fill.
const (
	varInfoSize   = 160
	fixInfoSize64 = 80 // unsigned long is 8 bytes
	fixInfoSize32 = 68 // unsigned long is 4 bytes
)

// fb_fix_screeninfo.type and .visual values (linux/fb.h) this package accepts.
const (
	fbTypePackedPixels  = 0
	fbVisualTrueColor   = 2
	fbVisualDirectColor = 4
)

// VarInfo is the part of struct fb_var_screeninfo the driver uses.
type VarInfo struct {
	XRes, YRes               uint32 // visible resolution in pixels
	XResVirtual, YResVirtual uint32
	XOffset, YOffset         uint32 // visible area inside the virtual one
	BitsPerPixel             uint32
	Grayscale                uint32 // 0 colour, 1 grey, >1 a FOURCC
	Red, Green, Blue, Transp Bitfield
	MSBRight                 bool   // any channel with msb_right set
	Nonstd                   uint32 // non-zero: not a standard pixel format
	HeightMM, WidthMM        uint32 // physical size, 0 (or ^0) when unknown
}

// FixInfo is the part of struct fb_fix_screeninfo the driver uses.
type FixInfo struct {
	ID         string // driver name, e.g. "vc4drmfb", "simple"
	SmemLen    uint32 // length of the framebuffer memory
	Type       uint32
	Visual     uint32
	LineLength uint32 // bytes per row; 0 on a few drivers
}

// parseVarInfo decodes struct fb_var_screeninfo (native byte order; the
// layout is all __u32 so it does not depend on the word size).
func parseVarInfo(b []byte) (VarInfo, error) {
	if len(b) < varInfoSize {
		return VarInfo{}, fmt.Errorf("fb_var_screeninfo: %d bytes, want %d", len(b), varInfoSize)
	}
	u := func(i int) uint32 { return binary.NativeEndian.Uint32(b[i*4:]) }
	field := func(i int) (Bitfield, bool) {
		return Bitfield{Offset: uint(u(i)), Length: uint(u(i + 1))}, u(i+2) != 0
	}
	v := VarInfo{
		XRes: u(0), YRes: u(1), XResVirtual: u(2), YResVirtual: u(3),
		XOffset: u(4), YOffset: u(5), BitsPerPixel: u(6), Grayscale: u(7),
		Nonstd: u(20), HeightMM: u(22), WidthMM: u(23),
	}
	var m [4]bool
	v.Red, m[0] = field(8)
	v.Green, m[1] = field(11)
	v.Blue, m[2] = field(14)
	v.Transp, m[3] = field(17)
	v.MSBRight = m[0] || m[1] || m[2] || m[3]
	return v, nil
}

// parseFixInfo decodes struct fb_fix_screeninfo for a process whose unsigned
// long is wordSize bytes (8 on arm64/amd64, 4 on arm/386).
func parseFixInfo(b []byte, wordSize int) (FixInfo, error) {
	var need, smem, typ, visual, line int
	switch wordSize {
	case 8:
		need, smem, typ, visual, line = fixInfoSize64, 24, 28, 36, 48
	case 4:
		need, smem, typ, visual, line = fixInfoSize32, 20, 24, 32, 44
	default:
		return FixInfo{}, fmt.Errorf("fb_fix_screeninfo: word size %d not supported", wordSize)
	}
	if len(b) < need {
		return FixInfo{}, fmt.Errorf("fb_fix_screeninfo: %d bytes, want %d", len(b), need)
	}
	u := func(i int) uint32 { return binary.NativeEndian.Uint32(b[i:]) }
	id := b[:16]
	if i := bytes.IndexByte(id, 0); i >= 0 {
		id = id[:i]
	}
	return FixInfo{ID: string(id), SmemLen: u(smem), Type: u(typ), Visual: u(visual), LineLength: u(line)}, nil
}

// geometry is where the visible screen lies in the mapped memory.
type geometry struct {
	Width, Height int // visible pixels
	Stride        int // bytes per row
	Offset        int // byte offset of the visible top-left pixel
	Format        PixelFormat
}

// newGeometry validates the screen info against a mapping of memLen bytes.
func newGeometry(v VarInfo, f FixInfo, memLen int) (geometry, error) {
	if f.Type != fbTypePackedPixels {
		return geometry{}, fmt.Errorf("framebuffer type %d is not packed pixels", f.Type)
	}
	if f.Visual != fbVisualTrueColor && f.Visual != fbVisualDirectColor {
		return geometry{}, fmt.Errorf("framebuffer visual %d is not true colour (palette framebuffers are not supported)", f.Visual)
	}
	if v.Grayscale != 0 || v.Nonstd != 0 {
		return geometry{}, fmt.Errorf("framebuffer format is grayscale=%d nonstd=%d, want a standard colour format", v.Grayscale, v.Nonstd)
	}
	if v.MSBRight {
		return geometry{}, fmt.Errorf("framebuffer channels with msb_right are not supported")
	}
	pf := PixelFormat{BitsPerPixel: int(v.BitsPerPixel), Red: v.Red, Green: v.Green, Blue: v.Blue, Alpha: v.Transp}
	if err := pf.Validate(); err != nil {
		return geometry{}, fmt.Errorf("framebuffer pixel format %s: %w", pf, err)
	}
	const limit = 1 << 15 // no framebuffer is 32768 pixels wide; keeps the arithmetic far from overflow
	if v.XRes == 0 || v.YRes == 0 || v.XRes > limit || v.YRes > limit || v.XOffset > limit || v.YOffset > limit {
		return geometry{}, fmt.Errorf("framebuffer geometry %dx%d+%d+%d is not plausible", v.XRes, v.YRes, v.XOffset, v.YOffset)
	}
	bpp := int(v.BitsPerPixel) / 8
	stride := int(f.LineLength)
	if stride == 0 {
		stride = int(max(v.XResVirtual, v.XRes)) * bpp
	}
	w, h := int(v.XRes), int(v.YRes)
	x, y := int(v.XOffset), int(v.YOffset)
	if stride < (x+w)*bpp {
		return geometry{}, fmt.Errorf("framebuffer line length %d bytes is shorter than %d pixels at %d bytes", stride, x+w, bpp)
	}
	off := y*stride + x*bpp
	if need := off + (h-1)*stride + w*bpp; need > memLen {
		return geometry{}, fmt.Errorf("framebuffer memory is %d bytes, the visible %dx%d screen at offset (%d,%d) with line length %d needs %d",
			memLen, w, h, x, y, stride, need)
	}
	return geometry{Width: w, Height: h, Stride: stride, Offset: off, Format: pf}, nil
}
