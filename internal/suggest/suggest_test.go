package suggest

import (
	"reflect"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"speed", "speed", 0}, {"sped", "speed", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}} {
		if d := Distance(tc.a, tc.b); d != tc.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
		}
	}
}

func TestClosest(t *testing.T) {
	known := []string{"speed", "gear", "engine", "Speed", "seed"}
	if got := Closest("sped", known, 2); !reflect.DeepEqual(got, []string{"speed", "Speed"}) {
		t.Fatalf("got %v", got)
	}
	if got := Closest("STEER_ANGEL", []string{"STEER_ANGLE", "STEER_DIRECTION"}, 3); !reflect.DeepEqual(got, []string{"STEER_ANGLE"}) {
		t.Fatalf("got %v", got)
	}
	if got := Closest("xyz", known, 3); got != nil {
		t.Fatalf("unrelated word matched %v", got)
	}
}
