package voice

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestDump (VOICE_DUMP=file) writes per-file features of a corpus part
// (VOICE_PART=k: every sixth phrase starting at k; TestCorpus uses 0).
func TestDump(t *testing.T) {
	out := os.Getenv("VOICE_DUMP")
	if out == "" {
		t.Skip("VOICE_DUMP not set")
	}
	part, _ := strconv.Atoi(os.Getenv("VOICE_PART"))
	lattice := os.Getenv("VOICE_NOLATTICE") == ""
	opt := RecognizerOptions{Threshold: 1e9, FillerMax: 2, RefThreshold: 1e9, PostMin: -1, Posteriors: lattice}
	if n := os.Getenv("VOICE_REF"); n != "" {
		opt.RefWords, _ = strconv.Atoi(n)
	}
	if a := os.Getenv("VOICE_REF_ARGS"); a != "" {
		opt.RefArgs = strings.Fields(a)
	}
	opt.RefFlat = os.Getenv("VOICE_REF_FLAT") != ""
	if a := os.Getenv("VOICE_ARGS"); a != "" {
		opt.Args = strings.Fields(a)
	}
	if a := os.Getenv("VOICE_PHONE_ARGS"); a != "" {
		opt.PhoneArgs = strings.Fields(a)
	}
	if w := os.Getenv("VOICE_CMN"); w != "" {
		opt.CMNWindow, _ = strconv.Atoi(w)
	}
	if f := os.Getenv("VOICE_FLOOR"); f != "" {
		opt.NoiseFloor, _ = strconv.ParseFloat(f, 64)
	}
	if f := os.Getenv("VOICE_DENOISE"); f != "" {
		opt.Denoise, _ = strconv.ParseFloat(f, 64)
	}
	opt.loopSil = os.Getenv("VOICE_LOOPSIL") != "" // silence as a loop phone
	opt.loadJSGF = os.Getenv("VOICE_JSGF") != ""   // PocketSphinx's conversion of the JSGF text instead of our FSG
	if os.Getenv("VOICE_NOLOOP") != "" {
		opt.Threshold = -1
	}
	switch os.Getenv("VOICE_PASS2") {
	case "always":
		opt.SecondPass = func(Result) bool { return true }
	case "loop":
		opt.SecondPass, opt.SecondLoop = func(Result) bool { return true }, true
	}
	conds := os.Getenv("VOICE_CONDS")
	r, g := newTestRecognizer(t, opt)
	// the phone loop's search replaced by another reference search
	reference := func(name string, add func(name string) error) {
		if r.phones == nil {
			return
		}
		if err := add(name); err != nil {
			t.Fatal(err)
		}
		if err := r.phones.SetSearch(name); err != nil {
			t.Fatal(err)
		}
	}
	if lm, ok := os.LookupEnv("VOICE_ALLPHONE"); ok { // PocketSphinx's allphone search ("" = flat)
		reference("allphone", func(n string) error { return r.phones.SetAllphone(n, lm) })
	}
	if lm := os.Getenv("VOICE_LMREF"); lm != "" { // an n-gram search (words must be in the dictionary)
		reference("lmref", func(n string) error { return r.phones.SetLM(n, lm) })
	}
	var items []corpusItem
	if dir := os.Getenv("VOICE_CORPUS_DIR"); dir != "" { // another corpus, e.g. a validation set; VOICE_PART=-1 for all of it
		items = readManifest(t, dir)
	} else {
		items = corpus(t, Samples(Catalog, testSlots(t), 3))
	}
	var b strings.Builder
	fmt.Fprintln(&b, "kind\tcond\tvoice\tspeed\tok\tgap\tgramac\tloopac\tframes\tspeech\tsnr\tnoise\tnwords\trtf\tloud\tfill\trej\ttext\theard\tsegs\tfile\tok1\tgap1\tfill1\trej1\tdecms\twgap\twac\trefheard\trtf_g\trtf_p\trtf_w\tpost\twpost\tpost5\twpost5\tpost60\twpost60\tpost_c\twpost_c\tpost_m\twpost_m\tloopsegs\tgphones")
	for i, it := range items {
		if (part >= 0 && (i/30)%6 != part) || (conds != "" && !strings.Contains(conds, it.cond)) {
			continue
		}
		res, err := r.Decode(corpusSpeech(t, it.file))
		if err != nil {
			t.Fatal(err)
		}
		var p5, w5, p60, w60, pc, wc, pm, wm float64
		if lattice {
			lat, ss := r.dec.Lattice(), r.dec.Segments()
			p5, w5 = confidence(lat, ss, DefaultPostScale*4)
			p60, w60 = confidence(lat, ss, DefaultPostScale/3)
			pc, wc = confidence(lat, ss, DefaultPostScale/100)
			pm, wm = confidence(lat, ss, DefaultPostScale/10000)
		}
		ok := 0
		if it.kind == "in" {
			want, _ := g.Parse(it.text)
			if in, m := g.Match(Words(res.Heard)); m && in.Equal(want) {
				ok = 1
			}
		}
		first, ok1 := res, ok
		if res.First != nil {
			first, ok1 = *res.First, 0
			if in, m := g.Match(Words(first.Heard)); m && it.kind == "in" {
				if want, _ := g.Parse(it.text); in.Equal(want) {
					ok1 = 1
				}
			}
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%d\t%.2f\t%.2f\t%.2f\t%d\t%d\t%.2f\t%.2f\t%d\t%.4f\t%d\t%.3f\t%s\t%s\t%s\t%s\t%s\t%d\t%.2f\t%.3f\t%s\t%.2f\t%.2f\t%.2f\t%s\t%.4f\t%.4f\t%.4f\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%s\t%s\n", it.kind, it.cond, it.voice, it.speed, ok,
			res.Gap, res.GramAc, res.LoopAc, res.Frames, res.Speech, res.SNR, res.Noise, len(Words(res.Heard)), res.CPU.Seconds()/res.Audio.Seconds(), res.Loud, res.Filler, res.Rejected, it.text, res.Heard, segs(r), it.file,
			ok1, first.Gap, first.Filler, first.Rejected, float64(res.Decode.Microseconds())/1000, res.WordGap, res.WordAc, res.RefHeard,
			res.GrammarCPU.Seconds()/res.Audio.Seconds(), res.LoopCPU.Seconds()/res.Audio.Seconds(), res.RefCPU.Seconds()/res.Audio.Seconds(), res.Post, res.WordPost, p5, w5, p60, w60, pc, wc, pm, wm, loopSegs(r), gramPhones(r))
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func segs(r *Recognizer) string {
	var b []string
	ss := r.dec.Segments()
	for _, s := range ss {
		b = append(b, fmt.Sprintf("%s:%d-%d", s.Word, s.Start-ss[0].Start, s.End-ss[0].Start))
	}
	return strings.Join(b, " ")
}

// loopSegs is the phone loop's path, "phone:start-end:acoustic score" in the grammar
// decoder's frames.
func loopSegs(r *Recognizer) string {
	if r.phones == nil {
		return ""
	}
	var b []string
	for _, s := range r.phones.Segments() {
		b = append(b, fmt.Sprintf("%s:%d-%d:%d", strings.TrimPrefix(s.Word, GarbagePrefix), s.Start, s.End, s.Acoustic))
	}
	return strings.Join(b, " ")
}

// gramPhones is the grammar path's words with their pronunciations and
// frames, "word=PH ON ES@start-end:acoustic score".
func gramPhones(r *Recognizer) string {
	var b []string
	for _, s := range r.dec.Segments() {
		p, _ := r.dec.Lookup(s.Word)
		b = append(b, fmt.Sprintf("%s=%s@%d-%d:%d", s.Word, p, s.Start, s.End, s.Acoustic))
	}
	return strings.Join(b, "|")
}
