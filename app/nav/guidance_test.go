package nav

import "testing"

func TestGuidance(t *testing.T) {
	var g Guidance
	if _, ok, gen := g.Destination(); ok || gen != 0 {
		t.Fatal("a new guidance has a destination")
	}
	g.SetDestination(Place{Name: "Rue Grimaldi", Lat: 43.7367, Lon: 7.4212})
	p, ok, gen := g.Destination()
	if !ok || p.Name != "Rue Grimaldi" || gen != 1 {
		t.Errorf("after SetDestination: %+v %v %d", p, ok, gen)
	}
	if !g.Clear() || g.Clear() {
		t.Error("Clear did not report whether there was a destination")
	}
	if _, ok, gen := g.Destination(); ok || gen != 3 {
		t.Errorf("after Clear: %v %d", ok, gen)
	}
	g.Zoom(1)
	g.Zoom(1)
	g.Zoom(-3)
	if z := g.TakeZoom(); z != -1 {
		t.Errorf("TakeZoom %d, want -1", z)
	}
	if z := g.TakeZoom(); z != 0 {
		t.Errorf("second TakeZoom %d, want 0", z)
	}
}
