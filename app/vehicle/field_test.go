package vehicle

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	einride "go.einride.tech/can"
	"go.einride.tech/can/pkg/descriptor"

	"github.com/fascia-hmi/fascia/app/vehicle/dbc"
	"github.com/fascia-hmi/fascia/platform/can"
)

// refBits extracts a signal bit by bit, the slow obvious way: the reference
// for the compiled field.
func refBits(d *[can.MaxLen]byte, start, n int, be bool) uint64 {
	bit := func(k int) uint64 { return uint64(d[k/8]>>(k%8)) & 1 }
	var v uint64
	if !be {
		for i := n - 1; i >= 0; i-- {
			v = v<<1 | bit(start+i)
		}
		return v
	}
	pos := start
	for i := 0; i < n; i++ {
		v = v<<1 | bit(pos)
		if pos%8 == 0 {
			pos += 15
		} else {
			pos--
		}
	}
	return v
}

// refPut writes a signal bit by bit.
func refPut(d *[can.MaxLen]byte, start, n int, be bool, v uint64) {
	set := func(k int, b uint64) {
		if b != 0 {
			d[k/8] |= 1 << (k % 8)
		} else {
			d[k/8] &^= 1 << (k % 8)
		}
	}
	if !be {
		for i := 0; i < n; i++ {
			set(start+i, v>>i&1)
		}
		return
	}
	pos := start
	for i := n - 1; i >= 0; i-- {
		set(pos, v>>i&1)
		if pos%8 == 0 {
			pos += 15
		} else {
			pos--
		}
	}
}

// lastByte returns the last byte a layout touches, or -1 when it does not
// fit payloadBytes.
func lastByte(start, n int, be bool, payloadBytes int) int {
	var last int
	if !be {
		last = (start + n - 1) / 8
	} else {
		msb := start/8*8 + 7 - start%8
		last = (msb + n - 1) / 8
	}
	if last >= payloadBytes {
		return -1
	}
	return last
}

func TestFieldKnownLayouts(t *testing.T) {
	f32 := math.Float32bits(-1.5)
	f64 := math.Float64bits(1234.5678)
	tests := []struct {
		name  string
		sig   dbc.Signal
		data  []byte
		raw   uint64
		value float64
		need  int
	}{
		{"LE 16 aligned", dbc.Signal{Start: 0, Length: 16}, []byte{0x34, 0x12}, 0x1234, 0x1234, 2},
		{"BE 16 aligned (Motorola start = MSB)", dbc.Signal{Start: 7, Length: 16, BigEndian: true}, []byte{0x12, 0x34}, 0x1234, 0x1234, 2},
		{"LE 1 bit", dbc.Signal{Start: 13, Length: 1}, []byte{0, 0x20}, 1, 1, 2},
		{"BE 1 bit", dbc.Signal{Start: 13, Length: 1, BigEndian: true}, []byte{0, 0x20}, 1, 1, 2},
		{"LE 12 crossing bytes", dbc.Signal{Start: 4, Length: 12}, []byte{0xA0, 0xBC}, 0xBCA, 0xBCA, 2},
		{"BE 12 crossing bytes", dbc.Signal{Start: 3, Length: 12, BigEndian: true}, []byte{0x0A, 0xBC}, 0xABC, 0xABC, 2},
		// Honda KINEMATICS.LONG_ACCEL: 24|9@0- : bits 24..16+... MSB byte 3 bit 0.
		{"BE 9 signed across bytes", dbc.Signal{Start: 24, Length: 9, BigEndian: true, Signed: true}, []byte{0, 0, 0, 0x01, 0xFF}, 0x1FF, -1, 5},
		{"LE signed 11", dbc.Signal{Start: 0, Length: 11, Signed: true}, []byte{0x00, 0x04}, 0x400, -1024, 2},
		{"LE signed 64", dbc.Signal{Start: 0, Length: 64, Signed: true}, []byte{0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, 0xFFFFFFFFFFFFFFFE, -2, 8},
		{"BE unsigned 64", dbc.Signal{Start: 7, Length: 64, BigEndian: true}, []byte{0x80, 0, 0, 0, 0, 0, 0, 1}, 0x8000000000000001, float64(uint64(0x8000000000000001)), 8},
		{"LE float32", dbc.Signal{Start: 32, Length: 32, Type: dbc.Float32}, le32(4, f32), uint64(f32), -1.5, 8},
		{"BE float64", dbc.Signal{Start: 7, Length: 64, BigEndian: true, Type: dbc.Float64}, be64(0, f64), f64, 1234.5678, 8},
		{"FD LE beyond byte 8", dbc.Signal{Start: 500, Length: 12}, fd(62, 0x40, 0xAB), 0xAB4, 0xAB4, 64},
		{"FD BE beyond byte 8", dbc.Signal{Start: 87, Length: 16, BigEndian: true}, fd(10, 0xCA, 0xFE), 0xCAFE, 0xCAFE, 12},
		{"FD BE ending in byte 63", dbc.Signal{Start: 503, Length: 16, BigEndian: true}, fd(62, 0x12, 0x34), 0x1234, 0x1234, 64},
		{"LE 64 bits over 9 bytes", dbc.Signal{Start: 4, Length: 64}, []byte{0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0x0F}, 0xFFEDCBA987654321, float64(uint64(0xFFEDCBA987654321)), 9},
		{"BE 64 bits over 9 bytes", dbc.Signal{Start: 3, Length: 64, BigEndian: true}, []byte{0x0F, 0xED, 0xCB, 0xA9, 0x87, 0x65, 0x43, 0x21, 0xF0}, 0xFEDCBA987654321F, float64(uint64(0xFEDCBA987654321F)), 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := compileField(&tc.sig)
			if err != nil {
				t.Fatal(err)
			}
			var d [can.MaxLen]byte
			copy(d[:], tc.data)
			if got := f.raw(&d); got != tc.raw {
				t.Errorf("raw = %#x, want %#x", got, tc.raw)
			}
			if got := f.value(f.raw(&d)); got != tc.value {
				t.Errorf("value = %v, want %v", got, tc.value)
			}
			if int(f.need) != tc.need {
				t.Errorf("need = %d bytes, want %d", f.need, tc.need)
			}
			// put writes back exactly the bits it read.
			var e [can.MaxLen]byte
			f.put(&e, tc.raw)
			if f.raw(&e) != tc.raw {
				t.Errorf("put then raw = %#x, want %#x", f.raw(&e), tc.raw)
			}
		})
	}
}

func le32(at int, v uint32) []byte {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint32(b[at:], v)
	return b
}

func be64(at int, v uint64) []byte {
	b := make([]byte, 8+at)
	binary.BigEndian.PutUint64(b[at:], v)
	return b
}

func fd(at int, bs ...byte) []byte {
	b := make([]byte, can.MaxLen)
	copy(b[at:], bs)
	return b
}

// TestFieldMatchesEinride checks every length 1..64 at many start bits,
// both byte orders, signed and unsigned, against einride's descriptor
// decoding of classic 8-byte frames.
func TestFieldMatchesEinride(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := 0
	for n := 1; n <= 64; n++ {
		for start := 0; start < 64; start++ {
			for _, be := range []bool{false, true} {
				if lastByte(start, n, be, 8) < 0 {
					continue
				}
				for _, signed := range []bool{false, true} {
					sig := dbc.Signal{Start: start, Length: n, BigEndian: be, Signed: signed, Factor: 1}
					f, err := compileField(&sig)
					if err != nil {
						t.Fatalf("%d|%d be=%v: %v", start, n, be, err)
					}
					ds := &descriptor.Signal{Start: uint8(start), Length: uint8(n), IsBigEndian: be, IsSigned: signed, Scale: 1}
					for k := 0; k < 4; k++ {
						var d [can.MaxLen]byte
						var ed einride.Data
						for i := 0; i < 8; i++ {
							d[i] = byte(rng.Uint32())
							ed[i] = d[i]
						}
						raw := f.raw(&d)
						if want := ds.UnmarshalUnsigned(ed); raw != want {
							t.Fatalf("%d|%d@%v: raw %#x, einride %#x", start, n, be, raw, want)
						}
						// The decoder's classic path: bytes 0..7 as one word.
						word := binary.LittleEndian.Uint64(d[:8])
						if be {
							word = binary.BigEndian.Uint64(d[:8])
						}
						if got := word >> f.shift0 & f.mask; got != raw {
							t.Fatalf("%d|%d@%v: word shift %#x, raw %#x", start, n, be, got, raw)
						}
						if signed && n > 1 {
							if got, want := f.integer(raw), ds.UnmarshalSigned(ed); got != want {
								t.Fatalf("%d|%d@%v signed: %d, einride %d", start, n, be, got, want)
							}
						}
						if got, want := f.value(raw), ds.UnmarshalPhysical(ed); got != want && !(n == 1 && signed) {
							t.Fatalf("%d|%d@%v signed=%v: physical %v, einride %v", start, n, be, signed, got, want)
						}
						if n == 32 && !signed {
							fs := dbc.Signal{Start: start, Length: 32, BigEndian: be, Type: dbc.Float32}
							ff, err := compileField(&fs)
							if err != nil {
								t.Fatal(err)
							}
							got, want := ff.value(ff.raw(&d)), (&descriptor.Signal{Start: uint8(start), Length: 32, IsBigEndian: be, IsFloat: true}).UnmarshalFloat(ed)
							if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
								t.Fatalf("%d|32@%v float32: %v, einride %v", start, be, got, want)
							}
						}
						// Writing: same bytes as einride's marshalling.
						v := rng.Uint64() & f.mask
						e := d
						f.put(&e, v)
						ds.MarshalUnsigned(&ed, v)
						if [8]byte(e[:8]) != [8]byte(ed) {
							t.Fatalf("%d|%d@%v: put %x, einride %x", start, n, be, e[:8], ed[:])
						}
						cases++
					}
				}
			}
		}
	}
	t.Logf("%d layouts×payloads checked", cases)
}

// TestFieldMatchesReferenceFD checks layouts anywhere in a 64-byte CAN FD
// payload, including nine-byte spans, against the bit-by-bit reference.
func TestFieldMatchesReferenceFD(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 200000; iter++ {
		n := 1 + rng.IntN(64)
		start := rng.IntN(512)
		be := rng.IntN(2) == 0
		if iter%4 == 0 { // favour unaligned long signals (nine-byte spans)
			n = 57 + rng.IntN(8)
		}
		last := lastByte(start, n, be, can.MaxLen)
		sig := dbc.Signal{Start: start, Length: n, BigEndian: be}
		f, err := compileField(&sig)
		if last < 0 {
			if err == nil {
				t.Fatalf("%d|%d@%v beyond 64 bytes compiled", start, n, be)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%d|%d@%v: %v", start, n, be, err)
		}
		if int(f.need) != last+1 {
			t.Fatalf("%d|%d@%v: need %d, want %d", start, n, be, f.need, last+1)
		}
		var d [can.MaxLen]byte
		for i := range d {
			d[i] = byte(rng.Uint32())
		}
		if got, want := f.raw(&d), refBits(&d, start, n, be); got != want {
			t.Fatalf("%d|%d@%v: raw %#x, reference %#x", start, n, be, got, want)
		}
		v := rng.Uint64() & f.mask
		a, b := d, d
		f.put(&a, v)
		refPut(&b, start, n, be, v)
		if a != b {
			t.Fatalf("%d|%d@%v: put differs from reference", start, n, be)
		}
	}
}

func TestCompileFieldRejects(t *testing.T) {
	tests := []struct {
		name string
		sig  dbc.Signal
	}{
		{"zero length", dbc.Signal{Start: 0, Length: 0}},
		{"65 bits", dbc.Signal{Start: 0, Length: 65}},
		{"negative start", dbc.Signal{Start: -1, Length: 8}},
		{"start beyond 64 bytes", dbc.Signal{Start: 512, Length: 1}},
		{"LE end beyond 64 bytes", dbc.Signal{Start: 508, Length: 8}},
		{"BE end beyond 64 bytes", dbc.Signal{Start: 504, Length: 16, BigEndian: true}},
		{"float32 of 16 bits", dbc.Signal{Start: 0, Length: 16, Type: dbc.Float32}},
		{"float64 of 32 bits", dbc.Signal{Start: 0, Length: 32, Type: dbc.Float64}},
	}
	for _, tc := range tests {
		if _, err := compileField(&tc.sig); err == nil {
			t.Errorf("%s: compiled", tc.name)
		}
	}
}

func TestFieldFromValueSaturates(t *testing.T) {
	tests := []struct {
		sig  dbc.Signal
		x    float64
		want uint64
	}{
		{dbc.Signal{Length: 8}, 300, 255},
		{dbc.Signal{Length: 8}, -5, 0},
		{dbc.Signal{Length: 8}, 12.5, 13},
		{dbc.Signal{Length: 8}, math.NaN(), 0},
		{dbc.Signal{Length: 8, Signed: true}, 200, 127},
		{dbc.Signal{Length: 8, Signed: true}, -200, 0x80},
		{dbc.Signal{Length: 8, Signed: true}, -1, 0xFF},
		{dbc.Signal{Length: 64}, 1e30, math.MaxUint64},
		{dbc.Signal{Length: 64, Signed: true}, -1e30, 1 << 63},
		{dbc.Signal{Length: 64, Signed: true}, 1e30, math.MaxInt64},
		{dbc.Signal{Length: 32, Type: dbc.Float32}, 2.5, uint64(math.Float32bits(2.5))},
		{dbc.Signal{Length: 32, Type: dbc.Float32}, 1e300, uint64(math.Float32bits(math.MaxFloat32))},
	}
	for _, tc := range tests {
		f, err := compileField(&tc.sig)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.fromValue(tc.x) & f.mask; got != tc.want {
			t.Errorf("%+v fromValue(%v) = %#x, want %#x", tc.sig, tc.x, got, tc.want)
		}
	}
}
