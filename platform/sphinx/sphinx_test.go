package sphinx

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"
)

func TestDecoderGrammar(t *testing.T) {
	d := newDecoder(t)
	// calls before any search is active fail cleanly instead of crashing
	if err := d.StartUtt(); err == nil {
		t.Fatal("StartUtt without a search")
	}
	if d.Segments() != nil || d.Frames() != 0 {
		t.Fatal("results without a search")
	}
	if err := d.SetJSGF("g", "#JSGF V1.0;\ngrammar g;\npublic <g> = go forward ten meters | go back;\n"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetSearch("g"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetJSGF("bad", "#JSGF V1.0;\ngrammar g;\npublic <g> = qqqzzz;\n"); err == nil {
		t.Fatal("grammar with an unknown word accepted")
	}
	if err := d.AddWord("qqqzzz", "K AA Z", true); err != nil {
		t.Fatal(err)
	}
	if p, ok := d.Lookup("qqqzzz"); !ok || p != "K AA Z" {
		t.Fatalf("lookup %q %v", p, ok)
	}
	if err := d.AddWord("bad", "XX YY", true); err == nil {
		t.Fatal("unknown phones accepted")
	}
	s := goForward(t)
	decodeAll(t, d, s)
	hyp, _ := d.Hyp()
	if !strings.Contains(hyp, "go forward ten meters") {
		t.Fatalf("hyp %q", hyp)
	}
	if segs := d.Segments(); len(segs) < 4 || d.Frames() == 0 {
		t.Fatalf("segments %v frames %d", segs, d.Frames())
	}
	if err := d.Process(s, false); err == nil {
		t.Fatal("Process outside an utterance")
	}
	d.Close()
	if err := d.StartUtt(); err == nil {
		t.Fatal("closed decoder")
	}
}

// TestProcessBatch decodes an utterance normalised with its own mean, then
// the same one live: the live normalisation is left as it was.
func TestProcessBatch(t *testing.T) {
	d, err := New()
	if err != nil {
		t.Skip(err)
	}
	defer d.Close()
	if err := d.SetJSGF("g", "#JSGF V1.0;\ngrammar g;\npublic <g> = go forward ten meters | go back;\n"); err != nil {
		t.Fatal(err)
	}
	if err := d.SetSearch("g"); err != nil {
		t.Fatal(err)
	}
	s := goForward(t)
	if err := d.ProcessBatch(s); err == nil {
		t.Fatal("ProcessBatch outside an utterance")
	}
	for _, batch := range []bool{false, true, false} {
		if err := d.StartUtt(); err != nil {
			t.Fatal(err)
		}
		if batch {
			err = d.ProcessBatch(s)
		} else {
			for i := 0; i < len(s) && err == nil; i += 1600 {
				err = d.Process(s[i:min(i+1600, len(s))], false)
				d.AdaptCMN(100)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := d.EndUtt(); err != nil {
			t.Fatal(err)
		}
		if hyp, _ := d.Hyp(); hyp != "go forward ten meters" {
			t.Fatalf("batch %v: hyp %q", batch, hyp)
		}
	}
}

// goForward is pocketsphinx-testdata's "go forward ten meters" (16 kHz
// mono); the test is skipped without it.
// newDecoder is a decoder with the default model, closed when the test
// ends; the test is skipped where PocketSphinx is missing.
func newDecoder(t *testing.T) *Decoder {
	t.Helper()
	if !Available() {
		t.Skip(ErrUnavailable)
	}
	d, err := New()
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(d.Close)
	return d
}

// decodeAll decodes s as one utterance.
func decodeAll(t *testing.T, d *Decoder, s []int16) {
	t.Helper()
	if err := d.StartUtt(); err != nil {
		t.Fatal(err)
	}
	if err := d.Process(s, true); err != nil {
		t.Fatal(err)
	}
	if err := d.EndUtt(); err != nil {
		t.Fatal(err)
	}
}

func goForward(t *testing.T) []int16 {
	t.Helper()
	raw, err := os.ReadFile("/usr/share/pocketsphinx/test/data/goforward.raw")
	if err != nil {
		t.Skip(err)
	}
	s := make([]int16, len(raw)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
	}
	return s
}

// TestDecoderFSG decodes with a grammar given as FSG text (with a null
// transition), and rejects broken FSG texts with an error.
func TestDecoderFSG(t *testing.T) {
	d := newDecoder(t)
	const fsg = `FSG_BEGIN g
NUM_STATES 6
START_STATE 0
FINAL_STATE 5
TRANSITION 0 1 1.0 go
TRANSITION 1 2 1.0 forward
TRANSITION 1 5 1.0 back
TRANSITION 2 5 1.0
TRANSITION 2 3 1.0 ten
TRANSITION 3 5 1.0 meters
FSG_END
`
	if err := d.SetFSG("g", fsg); err != nil {
		t.Fatal(err)
	}
	if err := d.SetSearch("g"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		"",
		"FSG_BEGIN b\nNUM_STATES 2\nSTART_STATE 0\nFINAL_STATE 1\nTRANSITION 0 1 1.0 qqqzzz\nFSG_END\n", // not in the dictionary
		"FSG_BEGIN b\nNUM_STATES 2\nSTART_STATE 0\nFINAL_STATE 1\nTRANSITION 0 7 1.0 go\nFSG_END\n",     // no state 7
		"FSG_BEGIN b\nNUM_STATES x\n",
		"#JSGF V1.0;\ngrammar g;\npublic <g> = go;\n",
	} {
		if err := d.SetFSG("b", bad); err == nil {
			t.Fatalf("FSG accepted:\n%s", bad)
		}
	}
	decodeAll(t, d, goForward(t))
	if hyp, _ := d.Hyp(); hyp != "go forward ten meters" {
		t.Fatalf("hyp %q", hyp)
	}
}
