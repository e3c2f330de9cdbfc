package display

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
)

// Bitfield places one colour channel inside a pixel: Length bits starting at
// bit Offset of the pixel read as a native-endian integer (the meaning of
// struct fb_bitfield in linux/fb.h).
type Bitfield struct {
	Offset, Length uint
}

func (b Bitfield) mask() uint32 {
	if b.Length == 0 {
		return 0
	}
	return (1<<b.Length - 1) << b.Offset
}

// PixelFormat is a packed true-colour framebuffer pixel layout.
type PixelFormat struct {
	BitsPerPixel            int // 16, 24 or 32
	Red, Green, Blue, Alpha Bitfield
}

// Common layouts, little-endian as the Raspberry Pi framebuffer reports them.
var (
	RGB565   = PixelFormat{BitsPerPixel: 16, Red: Bitfield{11, 5}, Green: Bitfield{5, 6}, Blue: Bitfield{0, 5}}
	XRGB8888 = PixelFormat{BitsPerPixel: 32, Red: Bitfield{16, 8}, Green: Bitfield{8, 8}, Blue: Bitfield{0, 8}}
	ARGB8888 = PixelFormat{BitsPerPixel: 32, Red: Bitfield{16, 8}, Green: Bitfield{8, 8}, Blue: Bitfield{0, 8}, Alpha: Bitfield{24, 8}}
)

// String describes the format, e.g. "16bpp r11:5 g5:6 b0:5".
func (f PixelFormat) String() string {
	s := fmt.Sprintf("%dbpp r%d:%d g%d:%d b%d:%d", f.BitsPerPixel,
		f.Red.Offset, f.Red.Length, f.Green.Offset, f.Green.Length, f.Blue.Offset, f.Blue.Length)
	if f.Alpha.Length > 0 {
		s += fmt.Sprintf(" a%d:%d", f.Alpha.Offset, f.Alpha.Length)
	}
	return s
}

// Validate reports why f cannot be written by Blit, or nil.
func (f PixelFormat) Validate() error {
	switch f.BitsPerPixel {
	case 16, 24, 32:
	default:
		return fmt.Errorf("%d bits per pixel is not supported (want 16, 24 or 32)", f.BitsPerPixel)
	}
	var used uint32
	for _, c := range []struct {
		name string
		b    Bitfield
		need bool
	}{{"red", f.Red, true}, {"green", f.Green, true}, {"blue", f.Blue, true}, {"alpha", f.Alpha, false}} {
		if c.b.Length == 0 {
			if c.need {
				return fmt.Errorf("%s channel has length 0", c.name)
			}
			continue
		}
		if c.b.Length > 16 || c.b.Offset+c.b.Length > uint(f.BitsPerPixel) {
			return fmt.Errorf("%s channel at bit %d length %d does not fit %d bits per pixel",
				c.name, c.b.Offset, c.b.Length, f.BitsPerPixel)
		}
		if used&c.b.mask() != 0 {
			return fmt.Errorf("%s channel overlaps another channel", c.name)
		}
		used |= c.b.mask()
	}
	return nil
}

// fill is every bit of the pixel that is not red, green or blue: alpha and
// padding are written as ones, so a display that honours alpha sees an opaque
// pixel.
func (f PixelFormat) fill() uint32 {
	all := uint32(1<<uint(f.BitsPerPixel) - 1)
	if f.BitsPerPixel == 32 {
		all = ^uint32(0)
	}
	return all &^ (f.Red.mask() | f.Green.mask() | f.Blue.mask())
}

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

var errShortBuffer = errors.New("destination buffer too small")

// Blit converts src into dst, a framebuffer whose rows are stride bytes apart
// and hold pixels in format f. The pixel at src.Bounds().Min lands on dst's
// first pixel; at most width×height pixels are written (the copy is clipped to
// the smaller of src and width×height) and nothing outside them is touched.
//
// Transparent pixels are composited over black, as the framebuffer is the
// final surface. *image.NRGBA (what Fyne's software painter returns) and
// *image.RGBA take a fast path that allocates nothing; other image types go
// through image.Image.At.
func Blit(dst []byte, stride, width, height int, f PixelFormat, src image.Image) error {
	if err := f.Validate(); err != nil {
		return err
	}
	sb := src.Bounds()
	w, h := min(width, sb.Dx()), min(height, sb.Dy())
	if w <= 0 || h <= 0 {
		return nil
	}
	bpp := f.BitsPerPixel / 8
	if stride < w*bpp {
		return fmt.Errorf("stride %d bytes is shorter than a row of %d pixels at %d bytes each", stride, w, bpp)
	}
	if need := (h-1)*stride + w*bpp; len(dst) < need {
		return fmt.Errorf("%w: %d bytes for %d×%d pixels with stride %d, have %d", errShortBuffer, need, w, h, stride, len(dst))
	}
	small := f.Red.Length <= 8 && f.Green.Length <= 8 && f.Blue.Length <= 8
	switch s := src.(type) {
	case *image.NRGBA:
		if small {
			blit8(dst, stride, w, h, f, s.Pix[s.PixOffset(sb.Min.X, sb.Min.Y):], s.Stride, false)
			return nil
		}
	case *image.RGBA:
		if small {
			blit8(dst, stride, w, h, f, s.Pix[s.PixOffset(sb.Min.X, sb.Min.Y):], s.Stride, true)
			return nil
		}
	}
	blitGeneric(dst, stride, w, h, f, src)
	return nil
}

// blit8 converts 8-bit-per-channel RGBA rows (premultiplied or not) into
// channels of at most 8 bits each.
func blit8(dst []byte, stride, w, h int, f PixelFormat, src []byte, sstride int, premul bool) {
	// Masking the shift counts tells the compiler they are in range, which
	// keeps the inner loop free of oversized-shift handling.
	rs, gs, bs := (8-f.Red.Length)&7, (8-f.Green.Length)&7, (8-f.Blue.Length)&7
	ro, gof, bo := f.Red.Offset&31, f.Green.Offset&31, f.Blue.Offset&31
	fill := f.fill()
	ne := binary.NativeEndian
	for y := 0; y < h; y++ {
		s := src[y*sstride : y*sstride+w*4]
		d := dst[y*stride:]
		switch f.BitsPerPixel {
		case 32:
			for d = d[:w*4]; len(s) >= 4 && len(d) >= 4; s, d = s[4:], d[4:] {
				r, g, b := channels(s[0], s[1], s[2], s[3], premul)
				ne.PutUint32(d, uint32(r>>rs)<<ro|uint32(g>>gs)<<gof|uint32(b>>bs)<<bo|fill)
			}
		case 16:
			for d = d[:w*2]; len(s) >= 4 && len(d) >= 2; s, d = s[4:], d[2:] {
				r, g, b := channels(s[0], s[1], s[2], s[3], premul)
				ne.PutUint16(d, uint16(uint32(r>>rs)<<ro|uint32(g>>gs)<<gof|uint32(b>>bs)<<bo|fill))
			}
		case 24:
			for d = d[:w*3]; len(s) >= 4 && len(d) >= 3; s, d = s[4:], d[3:] {
				r, g, b := channels(s[0], s[1], s[2], s[3], premul)
				put24(d, uint32(r>>rs)<<ro|uint32(g>>gs)<<gof|uint32(b>>bs)<<bo|fill)
			}
		}
	}
}

// channels returns the colour of one 8-bit pixel composited over black.
func channels(r, g, b, a uint8, premul bool) (uint8, uint8, uint8) {
	if premul || a == 0xff {
		return r, g, b
	}
	return mul8(r, a), mul8(g, a), mul8(b, a)
}

// mul8 premultiplies c by a exactly as color.NRGBA.RGBA does, so frames
// match what image/draw would composite.
func mul8(c, a uint8) uint8 {
	return uint8(uint32(c) * 0x101 * uint32(a) / 0xff >> 8)
}

// put24 stores the low 24 bits of px in native byte order.
func put24(d []byte, px uint32) {
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], px)
	if littleEndian { // low bytes first
		d[0], d[1], d[2] = b[0], b[1], b[2]
	} else {
		d[0], d[1], d[2] = b[1], b[2], b[3]
	}
}

// blitGeneric handles any image type and channels up to 16 bits.
func blitGeneric(dst []byte, stride, w, h int, f PixelFormat, src image.Image) {
	o := src.Bounds().Min
	rs, gs, bs := 16-f.Red.Length, 16-f.Green.Length, 16-f.Blue.Length
	fill := f.fill()
	bpp := f.BitsPerPixel / 8
	ne := binary.NativeEndian
	for y := 0; y < h; y++ {
		d := dst[y*stride : y*stride+w*bpp]
		for x := 0; x < w; x++ {
			r, g, b, _ := src.At(o.X+x, o.Y+y).RGBA() // premultiplied: already over black
			px := (r>>rs)<<f.Red.Offset | (g>>gs)<<f.Green.Offset | (b>>bs)<<f.Blue.Offset | fill
			p := d[x*bpp : x*bpp+bpp]
			switch bpp {
			case 4:
				ne.PutUint32(p, px)
			case 3:
				put24(p, px)
			case 2:
				ne.PutUint16(p, uint16(px))
			}
		}
	}
}
