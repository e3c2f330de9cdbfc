package voice

import (
	"math"
	"testing"

	"github.com/fascia-hmi/fascia/platform/sphinx"
)

// Two competing words between <s> and </s>: "play" (score -10) and
// "pause" (score -11) share the middle frames, so at scale 1 their
// posteriors are e/(1+e) and 1/(1+e); a dead end and a node never reached
// from the start must not count.
func TestConfidence(t *testing.T) {
	const scale = 1.0
	lat := &sphinx.Lattice{
		Nodes: []sphinx.Node{
			{Word: "<s>", Start: 100, Last: 100},
			{Word: "play", Start: 101, Last: 150},
			{Word: "pause", Start: 101, Last: 150},
			{Word: "</s>", Start: 151, Last: 160},
			{Word: "stray", Start: 101, Last: 120}, // dead end: no path to </s>
			{Word: "stop", Start: 130, Last: 150},  // never reached from <s>
		},
		Links: []sphinx.Link{
			{From: 0, To: 1, End: 100, Acoustic: -5},
			{From: 0, To: 2, End: 100, Acoustic: -5},
			{From: 0, To: 4, End: 100, Acoustic: -5},
			{From: 1, To: 3, End: 150, Acoustic: -10},
			{From: 2, To: 3, End: 150, Acoustic: -11},
			{From: 5, To: 3, End: 150, Acoustic: 0},
		},
	}
	// the decoder numbers frames from its own origin
	segs := []sphinx.Segment{{Word: "<sil>", Start: 0, End: 0}, {Word: "play", Start: 1, End: 50}, {Word: "<sil>", Start: 51, End: 60}}
	want := math.E / (1 + math.E)
	path, word := confidence(lat, segs, scale)
	if math.Abs(path-want) > 1e-9 || math.Abs(word-want) > 1e-9 {
		t.Errorf("confidence = %.4f, %.4f; want %.4f for both", path, word, want)
	}
	segs[1].Word = "pause(2)"
	if _, word := confidence(lat, segs, scale); math.Abs(word-(1-want)) > 1e-9 {
		t.Errorf("word posterior of the weaker word = %.4f; want %.4f", word, 1-want)
	}
	if p, w := confidence(nil, segs, scale); p != 1 || w != 1 {
		t.Errorf("no lattice: %v, %v; want 1, 1", p, w)
	}
}
