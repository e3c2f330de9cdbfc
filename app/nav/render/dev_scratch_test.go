package render

import (
	"context"
	"image/png"
	"os"
	"testing"

	"github.com/paulmach/orb"

	"github.com/fascia-hmi/fascia/app/nav/tiles"
)

func TestScratch(t *testing.T) {
	src, err := tiles.Open("../../../../shared/data/tiles/monaco.pmtiles")
	if err != nil {
		t.Skip(err)
	}
	defer src.Close()
	r := New(src, Options{})
	defer r.Close()
	t.Log(src.Meta())
	for _, c := range []struct {
		name string
		z    float64
		b    float64
		n    bool
	}{{"z12", 12, 0, false}, {"z14", 14, 0, false}, {"z16", 16, 0, false}, {"z16n", 16, 0, true}, {"z17r", 17, 30, false}, {"z14n", 14, 0, true}} {
		img, err := r.RenderView(context.Background(), View{Center: orb.Point{7.4246, 43.7384}, Zoom: c.z, Bearing: c.b, W: 800, H: 600, Scale: 1, Night: c.n})
		if err != nil {
			t.Fatal(err)
		}
		f, _ := os.Create("/tmp/rdev/" + c.name + ".png")
		png.Encode(f, img)
		f.Close()
	}
}
