package voice

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestTune(t *testing.T) {
	if os.Getenv("VOICE_TUNE") == "" {
		t.Skip()
	}
	every, _ := strconv.Atoi(os.Getenv("VOICE_EVERY"))
	items := corpus(t, Samples(Catalog, testSlots(t), 3))
	if every > 1 {
		var sub []corpusItem
		for i, it := range items {
			if (i/5)%every == 0 {
				sub = append(sub, it)
			}
		}
		items = sub
	}
	var args []string
	if a := os.Getenv("VOICE_ARGS"); a != "" {
		args = strings.Fields(a)
	}
	for _, w := range strings.Split(os.Getenv("VOICE_TUNE"), ",") {
		gw, _ := strconv.ParseFloat(w, 64)
		opt := RecognizerOptions{Garbage: gw, Args: args, Threshold: -1}
		if os.Getenv("VOICE_FILLERS") != "" {
			opt.Fillers = CommonWords
		}
		r, g := newTestRecognizer(t, opt)
		ev := evaluate(t, r, g, items)
		for _, c := range []string{"clean", "pink15", "brown15", "pink5", "brown5"} {
			t.Logf("w=%s in %-8s %5.1f%% (%d)   oog %5.1f%% (%d)", w, c, ev.in[c].pct(), ev.in[c].n, ev.oog[c].pct(), ev.oog[c].n)
		}
		t.Logf("decode median %.1f ms wall, rtf median %.3f (thread CPU)", median(ev.decodeMs), median(ev.rtf))
		if os.Getenv("VOICE_MISSES") != "" {
			for _, m := range ev.misses {
				t.Log(m)
			}
		}
	}
}
