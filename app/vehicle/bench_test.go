package vehicle

import (
	"math"
	"syscall"
	"testing"
	"time"

	einride "go.einride.tech/can"
	"go.einride.tech/can/pkg/descriptor"

	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

// benchMapping maps four signals of the demo's CLIMATE frame: 6-bit with
// an offset (twice), 7-bit percent rounded to uint8, signed 8-bit.
const benchMapping = mappingHead + `
[[signal]]
vss = "Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature"
signal = "DriverSetTemp"
[[signal]]
vss = "Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature"
signal = "PassengerSetTemp"
[[signal]]
vss = "Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed"
signal = "FanSpeed"
[[signal]]
vss = "Vehicle.Cabin.HVAC.AmbientAirTemperature"
signal = "CabinTemp"
`

func benchFrame() *can.Frame {
	// 21.5 °C, 22 °C, fan 40 %, AC on, cabin -3.5 °C.
	return &can.Frame{ID: 0x300, Len: 4, Time: time.Unix(1000, 0), Data: [can.MaxLen]byte{13, 14, 40 | 0x80, 0xF9}}
}

// BenchmarkDecode: decode + store update of a frame carrying 4 mapped
// signals.
func BenchmarkDecode(b *testing.B) {
	p, err := loadMapping(b, benchMapping)
	if err != nil {
		b.Fatal(err)
	}
	s := NewStore(nil)
	d := NewDecoder(p, s)
	f := benchFrame()
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(f)
	}
	if r := s.Get(vss.CabinHVACStationRow1DriverTemperature); r.Num != 21.5 {
		b.Fatalf("decoded %v", r.Num)
	}
}

// BenchmarkDescriptorDecode does the same work with einride's descriptor
// API: find the message by ID (a map, as einride's Database.Message is a
// linear scan), UnmarshalPhysical each signal, convert and store the four
// values under one lock.
func BenchmarkDescriptorDecode(b *testing.B) {
	p, err := loadMapping(b, benchMapping)
	if err != nil {
		b.Fatal(err)
	}
	type target struct {
		sig   *descriptor.Signal
		id    vss.ID
		round bool
	}
	type entry struct {
		msg     *descriptor.Message
		targets []target
	}
	msgs := map[uint32]*entry{}
	for _, m := range p.DB.Messages {
		e := &entry{msg: &descriptor.Message{ID: m.ID, Name: m.Name, Length: uint8(min(m.Size, 8))}}
		msgs[m.ID] = e
		for _, mp := range p.Mappings {
			if mp.Message != m {
				continue
			}
			s := mp.Signal
			ds := &descriptor.Signal{Name: s.Name, Start: uint8(s.Start), Length: uint8(s.Length),
				IsBigEndian: s.BigEndian, IsSigned: s.Signed, Scale: s.Factor, Offset: s.Offset}
			e.msg.Signals = append(e.msg.Signals, ds)
			e.targets = append(e.targets, target{ds, mp.VSS, vss.Get(mp.VSS).Datatype.IsInteger()})
		}
	}
	s := NewStore(nil)
	f := benchFrame()
	ef := einride.Frame{ID: f.ID, Length: f.Len}
	copy(ef.Data[:], f.Data[:8])
	b.ReportAllocs()
	for b.Loop() {
		e, ok := msgs[ef.ID]
		if !ok {
			continue
		}
		at := f.Time.UnixNano()
		s.mu.Lock()
		for _, t := range e.targets {
			x := t.sig.UnmarshalPhysical(ef.Data)
			if t.round {
				x = math.Round(x)
			}
			if !s.putNum(t.id, x, at) {
				s.put(t.id, Value{Num: x}, at)
			}
		}
		s.mu.Unlock()
	}
	if r := s.Get(vss.CabinHVACStationRow1DriverTemperature); r.Num != 21.5 {
		b.Fatalf("decoded %v", r.Num)
	}
}

// BenchmarkStoreUpdate is the floor both decode benchmarks share: lock the
// store, write the four values, unlock.
func BenchmarkStoreUpdate(b *testing.B) {
	s := NewStore(nil)
	ids := [4]vss.ID{vss.CabinHVACStationRow1DriverTemperature, vss.CabinHVACStationRow1PassengerTemperature,
		vss.CabinHVACStationRow1DriverFanSpeed, vss.CabinHVACAmbientAirTemperature}
	at := time.Unix(1000, 0).UnixNano()
	x := 1.0
	for b.Loop() {
		s.mu.Lock()
		for _, id := range ids {
			if !s.putNum(id, x, at) {
				s.put(id, Value{Num: x}, at)
			}
		}
		s.mu.Unlock()
		x++
	}
}

// BenchmarkReplayCivic decodes the whole real Civic log (read into memory
// first) through the Civic profile into a store.
func BenchmarkReplayCivic(b *testing.B) {
	p, err := LoadProfile(civicDir)
	if err != nil {
		b.Fatal(err)
	}
	frames := readLog(b, civicLog)
	s := NewStore(nil)
	d := NewDecoder(p, s)
	b.ReportAllocs()
	cpu0 := cpuTime()
	start := time.Now()
	n := 0
	for b.Loop() {
		for i := range frames {
			d.Decode(&frames[i])
		}
		n += len(frames)
	}
	wall := time.Since(start).Seconds()
	cpu := (cpuTime() - cpu0).Seconds()
	b.ReportMetric(float64(n)/wall, "frames/s")
	b.ReportMetric(cpu/(float64(n)/1e6), "cpu-s/Mframes")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLookup compares the decoder's ID table with a Go map, over the
// IDs of the Civic log (a third of which the DBC does not define).
func BenchmarkLookup(b *testing.B) {
	p, err := LoadProfile(civicDir)
	if err != nil {
		b.Fatal(err)
	}
	frames := readLog(b, civicLog)
	keys, _ := groupMessages(p.DB)
	tbl := newIDTable(keys)
	m := make(map[uint64]int, len(keys))
	for i, k := range keys {
		m[k] = i
	}
	b.Run("table", func(b *testing.B) {
		sum := 0
		for b.Loop() {
			for i := range frames {
				sum += tbl.lookup(frames[i].ID, frames[i].Extended)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(frames)), "ns/lookup")
	})
	b.Run("map", func(b *testing.B) {
		sum := 0
		for b.Loop() {
			for i := range frames {
				if j, ok := m[frameKey(frames[i].ID, frames[i].Extended)]; ok {
					sum += j
				} else {
					sum--
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(frames)), "ns/lookup")
	})
}
