package vehicle

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/fascia-hmi/fascia/app/vehicle/dbc"
	"github.com/fascia-hmi/fascia/platform/can"
)

// Raw value kinds of a field. Integers of up to 63 bits (and signed ones of
// 64) share kindInt: one sign-extending shift (sext = 0 for unsigned) and an
// int64 conversion, the fast one on every CPU.
const (
	kindInt uint8 = iota
	kindUint64
	kindFloat32
	kindFloat64
)

// A field is a signal's bit range compiled for extraction from and insertion
// into a frame payload of up to 64 bytes. Extraction reads one 8-byte window
// (plus one more byte when an unaligned signal spans nine bytes) and shifts:
// no loops, no allocation.
//
// Bit numbering follows the DBC: bit i is bit i%8 (0 = least significant) of
// byte i/8. A little-endian (Intel, @1) signal's start bit is its least
// significant bit and it grows towards higher bytes. A big-endian (Motorola,
// @0) signal's start bit is its most significant bit; it continues towards
// bit 0 of that byte, then bit 7 of the next byte, and so on.
type field struct {
	mask   uint64
	win    uint8 // first byte of the 8-byte window
	shift  uint8 // right shift that brings the signal's LSB to bit 0 (no extra byte)
	extra  uint8 // bits taken from byte win+8; 0 when the signal fits the window
	bits   uint8 // 1..64
	need   uint8 // payload bytes the signal needs (its last byte + 1)
	kind   uint8
	sext   uint8 // 64-bits for signed integers, 0 otherwise
	shift0 uint8 // right shift within bytes 0..7 read as one word (need <= 8)
	be     bool
	signed bool
}

// compileField compiles a DBC signal's layout.
func compileField(s *dbc.Signal) (field, error) {
	n := s.Length
	if n < 1 || n > 64 {
		return field{}, fmt.Errorf("signal %s: length %d outside 1..64", s.Name, n)
	}
	if s.Start < 0 || s.Start >= can.MaxLen*8 {
		return field{}, fmt.Errorf("signal %s: start bit %d outside 0..%d", s.Name, s.Start, can.MaxLen*8-1)
	}
	f := field{bits: uint8(n), be: s.BigEndian, mask: ^uint64(0) >> (64 - n)}
	switch {
	case s.Type == dbc.Float32:
		if n != 32 {
			return field{}, fmt.Errorf("signal %s: float32 needs 32 bits, has %d", s.Name, n)
		}
		f.kind = kindFloat32
	case s.Type == dbc.Float64:
		if n != 64 {
			return field{}, fmt.Errorf("signal %s: float64 needs 64 bits, has %d", s.Name, n)
		}
		f.kind = kindFloat64
	case s.Signed:
		f.kind, f.signed, f.sext = kindInt, true, uint8(64-n)
	case n == 64:
		f.kind = kindUint64
	}
	var first, last, lead int // lead: bits of the first byte not in the signal
	if !s.BigEndian {
		first, last = s.Start/8, (s.Start+n-1)/8
		lead = s.Start % 8
	} else {
		// Position p counts bits from the most significant bit of byte 0.
		msb := s.Start/8*8 + 7 - s.Start%8
		lsb := msb + n - 1
		first, last = msb/8, lsb/8
		lead = msb % 8
	}
	if last >= can.MaxLen {
		return field{}, fmt.Errorf("signal %s: bits %d|%d end beyond byte %d", s.Name, s.Start, n, can.MaxLen-1)
	}
	f.need = uint8(last + 1)
	if last-first+1 == 9 {
		f.win = uint8(first)
		if s.BigEndian {
			f.extra = uint8(n - (64 - lead))
		} else {
			f.shift = uint8(lead)
			f.extra = uint8(n - (64 - lead))
		}
		return f, nil
	}
	win := min(first, can.MaxLen-8)
	f.win = uint8(win)
	if !s.BigEndian {
		f.shift = uint8((first-win)*8 + lead)
		f.shift0 = uint8(s.Start % 64)
	} else {
		// In the big-endian window, position p is bit 63-(p-8*win).
		lsb := s.Start/8*8 + 7 - s.Start%8 + n - 1
		f.shift = uint8(63 - (lsb - 8*win))
		f.shift0 = uint8((63 - lsb) & 63)
	}
	return f, nil
}

// raw extracts the field's bits; the caller has checked the payload is at
// least need bytes long (bytes beyond it are masked away or never read).
// Shift counts are masked with 63 (they are below 64 by construction) so
// that the compiler emits plain shifts.
func (f *field) raw(d *[can.MaxLen]byte) uint64 {
	if f.extra != 0 {
		return f.raw9(d)
	}
	return f.raw8(d)
}

// raw8 extracts a signal within one 8-byte window (extra == 0). It is raw
// for hot loops: it inlines, and so does raw9.
func (f *field) raw8(d *[can.MaxLen]byte) uint64 {
	var v uint64
	if f.be {
		v = binary.BigEndian.Uint64(d[f.win:])
	} else {
		v = binary.LittleEndian.Uint64(d[f.win:])
	}
	return v >> (f.shift & 63) & f.mask
}

// raw9 extracts an unaligned signal spanning nine bytes.
func (f *field) raw9(d *[can.MaxLen]byte) uint64 {
	w := d[f.win:]
	if f.be {
		v := binary.BigEndian.Uint64(w)
		return (v<<(f.extra&63) | uint64(w[8])>>((8-f.extra)&63)) & f.mask
	}
	v := binary.LittleEndian.Uint64(w)>>(f.shift&63) | uint64(w[8])<<((64-f.shift)&63)
	return v & f.mask
}

// value interprets raw bits as a number: unsigned, two's complement or IEEE.
func (f *field) value(r uint64) float64 {
	if f.kind == kindInt {
		return float64(int64(r<<(f.sext&63)) >> (f.sext & 63))
	}
	switch f.kind {
	case kindFloat32:
		return float64(math.Float32frombits(uint32(r)))
	case kindFloat64:
		return math.Float64frombits(r)
	}
	return float64(r)
}

// integer interprets raw bits as an integer (sign-extended when signed), for
// value tables.
func (f *field) integer(r uint64) int64 {
	return int64(r<<(f.sext&63)) >> (f.sext & 63)
}

// put writes the low bits of r into the field, leaving other bits alone.
func (f *field) put(d *[can.MaxLen]byte, r uint64) {
	r &= f.mask
	w := d[f.win:]
	if f.be {
		if f.extra != 0 {
			// The top 64-extra bits of r end the window; the low extra bits
			// open byte win+8.
			hi := r >> f.extra
			m := f.mask >> f.extra
			v := binary.BigEndian.Uint64(w)
			binary.BigEndian.PutUint64(w, v&^m|hi)
			lo := uint8(r<<(8-f.extra)) & uint8(0xff<<(8-f.extra))
			keep := uint8(0xff >> f.extra)
			w[8] = w[8]&keep | lo
			return
		}
		v := binary.BigEndian.Uint64(w)
		binary.BigEndian.PutUint64(w, v&^(f.mask<<f.shift)|r<<f.shift)
		return
	}
	v := binary.LittleEndian.Uint64(w)
	binary.LittleEndian.PutUint64(w, v&^(f.mask<<f.shift)|r<<f.shift)
	if f.extra != 0 {
		hi := uint8(r >> (64 - f.shift))
		m := uint8(0xff) >> (8 - f.extra)
		w[8] = w[8]&^m | hi&m
	}
}

// rawRange returns the smallest and largest raw integer the field holds.
func (f *field) rawRange() (lo, hi float64) {
	switch {
	case f.signed:
		return -math.Ldexp(1, int(f.bits)-1), math.Ldexp(1, int(f.bits)-1) - 1
	case f.kind == kindFloat32:
		return -math.MaxFloat32, math.MaxFloat32
	case f.kind == kindFloat64:
		return -math.MaxFloat64, math.MaxFloat64
	}
	return 0, math.Ldexp(1, int(f.bits)) - 1
}

// fromValue converts a raw-domain number (already inverse-scaled) to raw
// bits: rounded to an integer and saturated to the field's range, or
// converted to IEEE bits. NaN gives 0.
func (f *field) fromValue(x float64) uint64 {
	switch f.kind {
	case kindFloat32:
		if math.IsNaN(x) {
			return 0
		}
		x = max(-math.MaxFloat32, min(math.MaxFloat32, x))
		return uint64(math.Float32bits(float32(x)))
	case kindFloat64:
		if math.IsNaN(x) {
			return 0
		}
		return math.Float64bits(x)
	}
	if math.IsNaN(x) {
		return 0
	}
	x = math.Round(x)
	if f.signed {
		lim := math.Ldexp(1, int(f.bits)-1) // 2^(n-1)
		switch {
		case x >= lim:
			return uint64(1)<<(f.bits-1) - 1
		case x < -lim:
			return (uint64(1) << (f.bits - 1)) // most negative, masked by put
		}
		return uint64(int64(x)) & f.mask
	}
	switch {
	case x <= 0:
		return 0
	case x >= math.Ldexp(1, int(f.bits)):
		return f.mask
	}
	return uint64(x)
}
