package focus

import (
	"math"
	"testing"

	"github.com/gopxl/beep/v2"
)

// ones is a streamer of constant full-scale samples.
var ones = beep.StreamerFunc(func(s [][2]float64) (int, bool) {
	for i := range s {
		s[i] = [2]float64{1, 1}
	}
	return len(s), true
})

func db(g float64) float64 { return 20 * math.Log10(g) }

func TestDuckRampAndRestore(t *testing.T) {
	a := New()
	d := a.Duck(ones)
	buf := make([][2]float64, 1000)
	d.Stream(buf)
	if buf[999][0] != 1 {
		t.Fatalf("undisturbed gain %v, want 1", buf[999][0])
	}
	var changes []bool
	a.OnChange(func(ducked bool) { changes = append(changes, ducked) })
	release := a.Acquire(Navigation)
	ramp := make([][2]float64, Ramp+100)
	d.Stream(ramp)
	if g := db(ramp[0][0]); g > -0.001 || g < -0.1 {
		t.Errorf("first ducked sample %.3f dB, want a small step down", g)
	}
	if g := db(ramp[Ramp/2][0]); math.Abs(g-DuckDB/2) > 0.1 {
		t.Errorf("mid-ramp %.2f dB, want ≈ %.1f", g, DuckDB/2)
	}
	if g := db(ramp[Ramp+50][0]); math.Abs(g-DuckDB) > 0.01 {
		t.Errorf("after the ramp %.2f dB, want %.1f", g, DuckDB)
	}
	for i := 1; i < len(ramp); i++ {
		if ramp[i][0] > ramp[i-1][0] {
			t.Fatalf("gain rose at %d while ducking", i)
		}
	}
	release()
	release() // idempotent
	if a.Ducked() {
		t.Fatal("still ducked after release")
	}
	d.Stream(ramp)
	if g := db(ramp[Ramp+50][0]); math.Abs(g) > 0.01 {
		t.Errorf("restored to %.2f dB, want 0", g)
	}
	if len(changes) != 2 || !changes[0] || changes[1] {
		t.Errorf("changes %v, want [true false]", changes)
	}
}

func TestNested(t *testing.T) {
	a := New()
	r1 := a.Acquire(Voice)
	r2 := a.Acquire(Navigation)
	r3 := a.Acquire(Voice)
	if a.Holders(Voice) != 2 || a.Holders(Navigation) != 1 {
		t.Fatalf("holders voice %d nav %d", a.Holders(Voice), a.Holders(Navigation))
	}
	for i, r := range []func(){r1, r3, r2} {
		if !a.Ducked() {
			t.Fatalf("not ducked before release %d", i)
		}
		if math.Abs(db(a.Gain())-DuckDB) > 1e-9 {
			t.Fatalf("gain %.2f dB", db(a.Gain()))
		}
		r()
	}
	if a.Ducked() || a.Gain() != 1 {
		t.Fatalf("ducked %v gain %v after all releases", a.Ducked(), a.Gain())
	}
}
