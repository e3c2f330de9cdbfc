package voice

import (
	_ "embed"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/fascia-hmi/fascia/platform/sphinx"
)

// refWordsText is the general-English word list of the word-loop
// reference (its header says where it comes from).
//
//go:embed refwords.txt
var refWordsText string

// refWord is a word of the reference vocabulary with its unigram log10
// probability in the generic English model.
type refWord struct {
	word string
	logp float64
}

// parseRefWords reads refwords.txt: "word<TAB>log10 probability" lines,
// '#' comments.
func parseRefWords(text string) ([]refWord, error) {
	var out []refWord
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		w, p, ok := strings.Cut(line, "\t")
		v, err := strconv.ParseFloat(p, 64)
		if !ok || err != nil || w == "" || strings.ContainsAny(w, " \t") || !(v <= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("voice: refwords.txt:%d: want word<TAB>log10 probability, got %q", i+1, line)
		}
		out = append(out, refWord{w, v})
	}
	return out, nil
}

// refArgs are the word-loop reference decoder's arguments after
// grammarArgs and RecognizerOptions.Args (and before RefArgs): like the
// phone loop it only gives a reference score, so it trades precision for
// CPU; the n-gram search's second passes are off.
var refArgs = []string{"-ds", "2", "-beam", "1e-20", "-pbeam", "1e-20", "-wbeam", "1e-15", "-fwdflat", "no", "-bestpath", "no", "-lw", "6.5"}

// refLM returns an ARPA unigram model of the first n reference words
// plus the grammar's words (extra), renormalised. Grammar words outside
// the list get the probability of the list's last word; flat gives every
// word the same probability.
func refLM(list []refWord, n int, extra []string, flat bool) string {
	p := map[string]float64{}
	var order []string
	floor := 0.0
	for _, w := range list[:min(n, len(list))] {
		p[w.word] = w.logp
		order = append(order, w.word)
		floor = w.logp
	}
	for _, w := range extra {
		if _, ok := p[w]; !ok && !strings.HasPrefix(w, "<") && !strings.HasPrefix(w, "[") {
			p[w] = floor
			order = append(order, w)
		}
	}
	if flat {
		for w := range p {
			p[w] = 0
		}
	}
	// the end of sentence gets the probability of a frequent word
	p["</s>"] = list[0].logp
	order = append(order, "</s>")
	var sum float64
	for _, v := range p {
		sum += math.Pow(10, v)
	}
	norm := math.Log10(sum)
	var b strings.Builder
	fmt.Fprintf(&b, "\\data\\\nngram 1=%d\n\n\\1-grams:\n-99.0000\t<s>\n", len(order)+1)
	for _, w := range order {
		fmt.Fprintf(&b, "%.4f\t%s\n", p[w]-norm, w)
	}
	b.WriteString("\n\\end\\\n")
	return b.String()
}

// loadRefLM gives d an n-gram search "words" over the reference words and
// the grammar words, and makes it active.
func loadRefLM(d *sphinx.Decoder, list []refWord, n int, extra []string, flat bool) error {
	f, err := os.CreateTemp("", "fascia-ref-*.arpa")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(refLM(list, n, extra, flat))
	if err2 := f.Close(); err == nil {
		err = err2
	}
	if err != nil {
		return err
	}
	if err := d.SetLM("words", f.Name()); err != nil {
		return err
	}
	return d.SetSearch("words")
}

// refWordsOf returns the sorted union of the loaded grammars' words.
func (r *Recognizer) refWordsOf() []string {
	seen := map[string]bool{}
	for _, g := range r.grammars {
		for _, w := range g.Words {
			seen[w] = true
		}
	}
	out := make([]string, 0, len(seen))
	for w := range seen {
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}
