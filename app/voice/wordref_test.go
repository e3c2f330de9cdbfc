package voice

import (
	"bytes"
	"context"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestRefWordsList(t *testing.T) {
	list, err := parseRefWords(refWordsText)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 2000 {
		t.Fatalf("refwords.txt has %d words, want ≥ 2000", len(list))
	}
	if list[0].word != "the" {
		t.Errorf("most frequent word %q, want the", list[0].word)
	}
	for i := 1; i < len(list); i++ {
		if list[i].logp > list[i-1].logp {
			t.Fatalf("refwords.txt not sorted by probability at %q", list[i].word)
		}
	}
	for _, bad := range []string{"the\n", "the\tx\n", "the\t0.5\n", "\t-1\n"} {
		if _, err := parseRefWords(bad); err == nil || !strings.Contains(err.Error(), "refwords.txt:1") {
			t.Errorf("%q: error %v, want one naming line 1", bad, err)
		}
	}
}

func TestRefLM(t *testing.T) {
	list := []refWord{{"the", -1.4}, {"to", -1.6}, {"play", -3}}
	for _, flat := range []bool{false, true} {
		lm := refLM(list, 2, []string{"play", "zoom", "<sil>"}, flat)
		if !strings.HasPrefix(lm, "\\data\\\nngram 1=6\n") || !strings.HasSuffix(lm, "\\end\\\n") {
			t.Fatalf("flat %v: bad ARPA:\n%s", flat, lm)
		}
		var sum float64
		probs := map[string]float64{}
		for _, line := range strings.Split(lm, "\n") {
			p, w, ok := strings.Cut(line, "\t")
			if !ok || w == "<s>" {
				continue
			}
			v, err := strconv.ParseFloat(p, 64)
			if err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			probs[w] = v
			sum += math.Pow(10, v)
		}
		if math.Abs(sum-1) > 1e-3 {
			t.Errorf("flat %v: probabilities sum to %v", flat, sum)
		}
		if _, ok := probs["<sil>"]; ok {
			t.Errorf("flat %v: filler in the model", flat)
		}
		// the grammar words outside the first n get the n-th word's probability
		if math.Abs(probs["play"]-probs["to"]) > 1e-3 || math.Abs(probs["zoom"]-probs["to"]) > 1e-3 {
			t.Errorf("flat %v: grammar words %v, want the probability of %q", flat, probs, "to")
		}
		if !flat && probs["the"] <= probs["to"] {
			t.Errorf("frequencies lost: %v", probs)
		}
	}
}

// FuzzParseRefWords: the word-list parser never panics and what it
// accepts is well formed.
func FuzzParseRefWords(f *testing.F) {
	f.Add("# c\nthe\t-1.3895\nto\t-1.6\n")
	f.Add("the\t0.5\n")
	f.Add("\t\t\n")
	f.Fuzz(func(t *testing.T, s string) {
		list, err := parseRefWords(s)
		if err != nil {
			return
		}
		for _, w := range list {
			if w.word == "" || !(w.logp <= 0) || math.IsInf(w.logp, 0) {
				t.Fatalf("accepted %+v", w)
			}
		}
	})
}

// TestWordRef runs the word-loop reference decoder (off by default) on
// synthetic speech: it hears something, its gap is measured, its
// threshold rejects, and a grammar with a word missing from the
// dictionary (pronounced by espeak-ng) reloads it.
func TestWordRef(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed")
	}
	out, err := exec.Command("espeak-ng", "-v", "en-us", "--stdout", "what is my range").Output()
	if err != nil {
		t.Fatal(err)
	}
	a, err := ReadWAV(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	speech := Resample(a.Samples, a.Rate, SampleRate)
	for _, thr := range []float64{1e9, -1e9} {
		r, err := NewRecognizer(RecognizerOptions{RefWords: 300, RefThreshold: thr, NoWarmUp: true})
		if err != nil {
			t.Skipf("no recognizer: %v", err)
		}
		defer r.Close()
		for _, places := range [][]string{{"Rue Grimaldi"}, {"Rue Grimaldi", "Zorglubville"}} {
			if _, err := r.Build(context.Background(), "commands", Catalog, NewSlots(places, nil, nil)); err != nil {
				t.Fatal(err)
			}
		}
		res, err := r.Decode(speech)
		if err != nil {
			t.Fatal(err)
		}
		if res.RefHeard == "" || res.WordAc >= 0 || res.RefCPU <= 0 {
			t.Fatalf("threshold %g: the word loop did not run: %+v", thr, res)
		}
		if thr > 0 && (res.Intent == nil || res.Intent.Kind != AskRange) {
			t.Errorf("threshold %g: %+v, want the range intent", thr, res)
		}
		if thr < 0 && res.Rejected != "not a command" {
			t.Errorf("threshold %g: %+v, want rejected by the word gap", thr, res)
		}
	}
}
