package vehicle

import (
	"errors"
	"io"
	"math"
	"os"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

// readLog reads a candump log from the shared data (GPL-3.0: read in place,
// never copied into the repository).
func readLog(t testing.TB, path string) []can.Frame {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := can.NewCandumpReader(f, path)
	var out []can.Frame
	for {
		var fr can.Frame
		err := r.Next(&fr)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fr)
	}
}

// seen is what a replay observed of one VSS signal.
type seen struct {
	n      int
	lo, hi float64
	strs   map[string]bool
	maxGap time.Duration
	last   time.Time
	stale  int // times it was found stale
}

// busSilence is a pause of the whole bus long enough to count as the
// logger or the car being off rather than a message being late.
const busSilence = 200 * time.Millisecond

// messageGaps returns, per frame key, the longest interval between two
// frames of that ID while the bus was alive (whole-bus silences removed).
func messageGaps(frames []can.Frame) map[uint64]time.Duration {
	last := map[uint64]time.Duration{} // "alive time" of the last frame per key
	gaps := map[uint64]time.Duration{}
	var alive time.Duration
	for i := range frames {
		if i > 0 {
			d := frames[i].Time.Sub(frames[i-1].Time)
			if d < busSilence {
				alive += d
			}
		}
		k := frameKey(frames[i].ID, frames[i].Extended)
		if l, ok := last[k]; ok {
			gaps[k] = max(gaps[k], alive-l)
		}
		last[k] = alive
	}
	return gaps
}

// replay decodes frames with the store's clock following the log, and
// watches every mapped signal after each frame.
func replay(t *testing.T, p *Profile, frames []can.Frame) (map[vss.ID]*seen, DecodeStats) {
	t.Helper()
	var now time.Time
	s := NewStore(func() time.Time { return now })
	d := NewDecoder(p, s)
	ids := make([]vss.ID, 0, len(p.Mappings))
	for _, m := range p.Mappings {
		ids = append(ids, m.VSS)
	}
	w := s.Watch(ids...)
	w.Changed()
	out := map[vss.ID]*seen{}
	for i := range frames {
		f := &frames[i]
		now = f.Time
		d.Decode(f)
		for _, id := range w.Changed() {
			r := s.Get(id)
			sn := out[id]
			if sn == nil {
				sn = &seen{lo: math.Inf(1), hi: math.Inf(-1), strs: map[string]bool{}}
				out[id] = sn
			}
			switch r.State {
			case Live:
				if !r.At.Equal(sn.last) {
					if sn.n > 0 {
						sn.maxGap = max(sn.maxGap, r.At.Sub(sn.last))
					}
					sn.n++
					sn.last = r.At
					sn.lo, sn.hi = min(sn.lo, r.Num), max(sn.hi, r.Num)
					sn.strs[r.Str] = true
				}
			case Stale:
				sn.stale++
			}
		}
	}
	return out, d.Stats()
}

func TestRealLogs(t *testing.T) {
	gears := map[float64]bool{126: true, 127: true, 0: true, -1: true}
	tests := []struct {
		name, dir, log string
		// must maps each key signal to the range its values must stay in.
		must map[vss.ID][2]float64
		// stale lists signals the real car sends too irregularly for their
		// timeout; any other signal must never go stale between updates.
		stale map[vss.ID]bool
	}{
		{
			name: "Honda Civic Type R 2019", dir: civicDir, log: civicLog,
			must: map[vss.ID][2]float64{
				vss.Speed:                                       {0, 250},
				vss.PowertrainCombustionEngineSpeed:             {0, 8000},
				vss.ChassisSteeringWheelAngle:                   {-500, 500},
				vss.ChassisAcceleratorPedalPosition:             {0, 100},
				vss.TraveledDistance:                            {21088000, 21088000}, // 21 088 km on the dash
				vss.CabinSeatRow1DriverSideIsBelted:             {0, 1},
				vss.ChassisParkingBrakeIsEngaged:                {0, 1},
				vss.CabinDoorRow1DriverSideIsOpen:               {0, 1},
				vss.BodyLightsBeamLowIsOn:                       {0, 1},
				vss.BodyLightsDirectionIndicatorLeftIsSignaling: {0, 1},
			},
		},
		{
			name: "Chevrolet Camaro", dir: gmDir, log: camaroLog,
			must: map[vss.ID][2]float64{
				vss.Speed:                                              {0, 0}, // parked, engine on
				vss.PowertrainCombustionEngineSpeed:                    {0, 8000},
				vss.PowertrainTransmissionSelectedGear:                 {126, 126}, // P
				vss.PowertrainCombustionEngineEngineCoolantTemperature: {40, 40},
				vss.ChassisSteeringWheelAngle:                          {4, 5},
				vss.CurrentLocationLatitude:                            {18.29, 18.31}, // Puerto Rico
				vss.CurrentLocationLongitude:                           {-66.07, -66.05},
				vss.ChassisParkingBrakeIsEngaged:                       {1, 1},
				vss.ChassisAcceleratorPedalPosition:                    {0, 100},
				vss.ChassisBrakePedalPosition:                          {0, 100},
				vss.BodyLightsDirectionIndicatorLeftIsSignaling:        {0, 0},
				vss.BodyLightsDirectionIndicatorRightIsSignaling:       {0, 0},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := LoadProfile(tc.dir)
			if err != nil {
				t.Fatal(err)
			}
			frames := readLog(t, tc.log)
			got, st := replay(t, p, frames)
			gaps := messageGaps(frames)
			t.Logf("%d frames: %d decoded, %d unknown IDs (%d distinct), %d values, %d short, %d unmapped, %d invalid",
				st.Frames, st.Decoded, st.Unknown, len(st.UnknownIDs), st.Values, st.Short, st.Unmapped, st.Invalid)
			if st.Frames != uint64(len(frames)) || st.Decoded == 0 {
				t.Errorf("stats %+v", st)
			}
			for id, rng := range tc.must {
				sn := got[id]
				if sn == nil || sn.n == 0 {
					t.Errorf("%s got no value", vss.Get(id).Path)
					continue
				}
				if sn.lo < rng[0] || sn.hi > rng[1] {
					t.Errorf("%s in %g..%g, want within %g..%g", vss.Get(id).Path, sn.lo, sn.hi, rng[0], rng[1])
				}
			}
			for id, sn := range got {
				sig := vss.Get(id)
				if sn.n == 0 {
					continue
				}
				if math.IsNaN(sn.lo) || math.IsNaN(sn.hi) || math.IsInf(sn.lo, 0) || math.IsInf(sn.hi, 0) {
					t.Errorf("%s: non-finite values %g..%g", sig.Path, sn.lo, sn.hi)
				}
				if id == vss.PowertrainTransmissionSelectedGear && (!gears[sn.lo] || !gears[sn.hi]) {
					t.Errorf("gear %g..%g outside P/R/N/D", sn.lo, sn.hi)
				}
				if lo, hi := sig.Limits(); sn.lo < lo || sn.hi > hi {
					t.Errorf("%s: %g..%g outside the VSS limits %g..%g", sig.Path, sn.lo, sn.hi, lo, hi)
				}
				m := p.Mappings[slicesIndexVSS(p, id)]
				if g := gaps[frameKey(m.Message.ID, m.Message.Extended)]; g > m.Timeout {
					t.Errorf("%s: the car sends %s up to %v apart while the bus is alive, beyond the timeout %v",
						sig.Path, m.Message.Name, g, m.Timeout)
				}
				t.Logf("%-60s n=%5d %10.4g..%-10.4g gap≤%v, stale %d×", sig.Path, sn.n, sn.lo, sn.hi, sn.maxGap, sn.stale)
			}
		})
	}
}

func slicesIndexVSS(p *Profile, id vss.ID) int {
	for i, m := range p.Mappings {
		if m.VSS == id {
			return i
		}
	}
	return -1
}
