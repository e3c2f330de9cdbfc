package voice

import (
	"os"
	"testing"
)

// report logs the figures of an evaluation against the voice targets.
func (ev evaluation) report(t testing.TB) (clean, snr5, oog float64) {
	sum := func(m map[string]*tally, conds ...string) tally {
		var s tally
		for _, c := range conds {
			if x := m[c]; x != nil {
				s.ok += x.ok
				s.n += x.n
			}
		}
		return s
	}
	all := []string{"clean", "pink15", "brown15", "pink5", "brown5"}
	for _, c := range all {
		if ev.in[c] != nil {
			t.Logf("in-grammar %-8s %5.1f %% of %d   out-of-grammar rejected %5.1f %% of %d", c, ev.in[c].pct(), ev.in[c].n, ev.oog[c].pct(), ev.oog[c].n)
		}
	}
	c, s5, o := sum(ev.in, "clean"), sum(ev.in, "pink5", "brown5"), sum(ev.oog, all...)
	t.Logf("TARGETS: clean %.1f %% (≥ 95), 5 dB SNR %.1f %% (≥ 90), rejection %.1f %% (≥ 90), end-of-audio→intent median %.2f ms wall (≤ 100), RTF median %.3f thread CPU (≤ 0.1)",
		c.pct(), s5.pct(), o.pct(), median(ev.decodeMs), median(ev.rtf))
	t.Logf("RTF medians by decoder (streaming search only): grammar %.3f, phone loop %.3f, word loop %.3f", median(ev.rtfDec[0]), median(ev.rtfDec[1]), median(ev.rtfDec[2]))
	return c.pct(), s5.pct(), o.pct()
}

// TestCorpus decodes a sixth of the generated corpus (every voice, speed
// and noise of every sixth phrase) and guards against regressions: the
// floors are below the measured figures (docs/voice.md), not the targets,
// which BenchmarkCorpus reports on the whole corpus.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	r, g := newTestRecognizer(t, RecognizerOptions{})
	items := corpus(t, Samples(Catalog, testSlots(t), 3))
	var sub []corpusItem
	for i, it := range items {
		if (i/30)%6 == 0 {
			sub = append(sub, it)
		}
	}
	ev := evaluate(t, r, g, sub)
	clean, snr5, oog := ev.report(t)
	if clean < floorClean || snr5 < floorSNR5 || oog < floorReject {
		t.Errorf("below the regression floors: clean %.1f (≥ %v), 5 dB %.1f (≥ %v), rejection %.1f (≥ %v)", clean, floorClean, snr5, floorSNR5, oog, floorReject)
	}
	if os.Getenv("VOICE_MISSES") != "" {
		for _, m := range ev.misses {
			t.Log(m)
		}
	}
}

// BenchmarkCorpus decodes the whole corpus once per iteration and prints
// the figures against the targets.
func BenchmarkCorpus(b *testing.B) {
	r, g := newTestRecognizer(b, RecognizerOptions{})
	items := corpus(b, Samples(Catalog, testSlots(b), 3))
	for i := 0; i < b.N; i++ {
		ev := evaluate(b, r, g, items)
		clean, snr5, oog := ev.report(b)
		b.ReportMetric(clean, "clean-%")
		b.ReportMetric(snr5, "snr5-%")
		b.ReportMetric(oog, "reject-%")
		b.ReportMetric(median(ev.decodeMs), "decode-ms")
		b.ReportMetric(median(ev.rtf), "rtf")
	}
}

// Regression floors of TestCorpus (percent), set below the figures
// measured on the subset (docs/voice.md).
const (
	floorClean  = 95 // measured 100
	floorSNR5   = 92 // measured 94.4 (noise suppressor; 96.3 before it)
	floorReject = 76 // measured 80.0 (noise suppressor; 75.3 before it)
)
