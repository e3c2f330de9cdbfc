package voice

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fascia-hmi/fascia/platform/sphinx"
)

// RecognizerOptions configure a Recognizer.
type RecognizerOptions struct {
	// Garbage is the weight of the garbage loop in the grammar (see
	// GrammarOptions); DefaultGarbage when zero, none when negative.
	Garbage float64
	// Threshold enables the phone-loop check: a second decoder with a
	// free loop of the model's phones runs beside the grammar, and an
	// utterance whose grammar path scores worse per frame than the phone
	// loop by more than Threshold (acoustic score, PocketSphinx units per
	// 10 ms frame; plus SNRSlope) is rejected. DefaultThreshold when zero;
	// negative turns the check off (and saves about 40 % of the CPU).
	Threshold float64
	// SNRSlope raises Threshold by this much per 10 dB of the utterance's
	// signal-to-noise ratio above 15 dB (up to 45 dB): clean speech
	// leaves the grammar further behind the free phone loop than noisy
	// speech, where noise blurs both. DefaultSNRSlope when zero; negative
	// for none.
	SNRSlope float64
	// MinFrames rejects utterances whose words cover fewer frames
	// (10 ms each); 0 means DefaultMinFrames.
	MinFrames int
	// Fillers are the words of a word-level garbage loop (nil: phones).
	Fillers []string
	Lexicon *Lexicon
	// NoWarmUp skips decoding synthetic speech when the first grammar
	// loads (see WarmUpText).
	NoWarmUp bool
	// Args are extra PocketSphinx arguments ("-hmm", dir, …).
	Args []string
	// FillerMax rejects utterances where more than this fraction of the
	// loud frames (louder than halfway between the noise level and the
	// loud level) fall in silence or noise fillers of the grammar path:
	// the grammar matched a command to part of the speech and explained
	// the rest away. DefaultFillerMax when zero; negative turns it off.
	FillerMax float64
	// CMNWindow is how many 10 ms frames of history the live cepstral
	// mean normalisation weighs against the utterance's own frames, which
	// update it every Feed; DefaultCMNWindow when zero, negative leaves
	// PocketSphinx's own behaviour (mean updated at utterance ends only).
	CMNWindow int
	// PhoneArgs are extra arguments for the phone-loop decoder only,
	// after Args.
	PhoneArgs []string
	// SecondPass decides, from the first (streaming) pass's result,
	// whether to decode the buffered utterance again with its own
	// cepstral mean (see secondPass); nil: never. Measured, not used by
	// default: on every utterance it put end of audio → intent over
	// 100 ms (docs/voice.md).
	SecondPass func(Result) bool
	// SecondLoop makes the second pass re-run the phone loop too.
	SecondLoop bool
	// NoiseFloor (dBFS, negative) adds white noise of that level to
	// the samples the decoders get, as a microphone's own noise would:
	// digitally silent input (padding, a muted or noise-suppressed
	// microphone) is nothing the acoustic model was trained on, and
	// the grammar path then labelled whole words of clean speech as
	// silence. The level and SNR measurements use the samples as they
	// came. 0 means DefaultNoiseFloor, positive none.
	NoiseFloor float64
	// Denoise is the minimum gain (0 < Denoise < 1) of the spectral noise
	// suppressor in front of the decoders. 0 means DefaultDenoise;
	// negative, none.
	Denoise float64
	// RefWords enables the word-loop check: a third decoder searches a
	// unigram language model of the RefWords most frequent words of
	// general English (refwords.txt) plus the grammar's words beside the
	// grammar, and an utterance whose grammar path scores worse per frame
	// than that search by more than RefThreshold (+ RefSlope per 10 dB
	// of SNR above 15 dB, as SNRSlope) is rejected. 0 means
	// DefaultRefWords, negative none.
	RefWords     int
	RefThreshold float64
	RefSlope     float64
	// RefFlat gives all reference words the same probability.
	RefFlat bool
	// RefArgs are extra arguments for the word-loop decoder only, after
	// Args and refArgs.
	RefArgs []string
	// PostMin enables the lattice-confidence check: an utterance whose
	// least certain command word has a posterior probability (from the
	// grammar decoder's lattice, -bestpath) below PostMin is rejected.
	// DefaultPostMin when zero; negative turns it off.
	PostMin float64
	// Posteriors fills in Result.Post and WordPost even when PostMin
	// is off (for measurements).
	Posteriors bool
	// loopSil adds silence as a phone of the phone loop (measurements).
	loopSil bool
	// loadJSGF loads grammars from their JSGF text instead of their FSG
	// (PocketSphinx's own conversion; measurements only).
	loadJSGF bool
}

// Measured defaults (docs/voice.md).
const (
	DefaultGarbage    = -1  // no garbage loop: measured slower and worse than the phone check
	DefaultThreshold  = 5.5 // with DefaultSNRSlope and DefaultFillerMax: chosen on a hard-negative validation set (docs/voice.md, seventh round)
	DefaultMinFrames  = 20
	DefaultCMNWindow  = 100
	DefaultFillerMax  = 0.15
	DefaultSNRSlope   = 1
	DefaultDenoise    = 0.25 // minimum gain of the noise suppressor
	DefaultNoiseFloor = -60  // dBFS
	DefaultRefWords   = -1   // off: measured, not better (docs/voice.md)
	DefaultRefThresh  = 5
	DefaultPostMin    = -1 // off: measured, not better (docs/voice.md)
)

// grammarArgs are the PocketSphinx arguments of both decoders, before
// RecognizerOptions.Args (measured, docs/voice.md):
//   - a 1-LSB dither: digital silence (padding, muted inputs) otherwise
//     gives log(0) energies that derail the live normalisation;
//   - beams wider than PocketSphinx's defaults (1e-48, 1e-48, 7e-29): the
//     defaults pruned the right path of many commands, most of all in
//     noise, leaving no hypothesis ("nothing heard") or a wrong one.
//   - no PocketSphinx voice activity detection (the end-pointer does that):
//     it drops frames, so the decoder's frames would not line up with the
//     samples, which the filler check (FillerMax) needs.
var grammarArgs = []string{"-dither", "yes", "-beam", "1e-80", "-pbeam", "1e-80", "-wbeam", "1e-60", "-remove_silence", "no"}

// phoneLoopArgs are the phone-loop decoder's arguments after grammarArgs
// and RecognizerOptions.Args (and before PhoneArgs): it only needs a
// reference score, so it trades precision for CPU.
var phoneLoopArgs = []string{"-ds", "2", "-beam", "1e-15", "-pbeam", "1e-15", "-wbeam", "1e-10"}

// Result is what one utterance decoded to.
type Result struct {
	Transcript string  `json:"transcript"`         // the command words ("" when rejected by garbage)
	Heard      string  `json:"heard"`              // the raw hypothesis, garbage phones included
	Intent     *Intent `json:"intent,omitempty"`   // nil when rejected
	Rejected   string  `json:"rejected,omitempty"` // why, when Intent is nil
	Score      int32   `json:"score"`
	// Gap is the phone loop's acoustic score minus the grammar path's,
	// per 10 ms frame: low for commands, high for speech the grammar
	// cannot explain.
	Gap float64 `json:"gap"`
	// WordGap is the same against the word-loop reference (RefWords),
	// RefHeard what that search heard.
	WordGap   float64       `json:"word_gap,omitempty"`
	WordAc    float64       `json:"word_ac,omitempty"`
	RefHeard  string        `json:"ref_heard,omitempty"`
	Audio     time.Duration `json:"audio"`      // length of the utterance
	Decode    time.Duration `json:"decode"`     // end of audio → intent, wall clock
	DecodeCPU time.Duration `json:"decode_cpu"` // the same, CPU time of the decoding thread
	CPU       time.Duration `json:"cpu"`        // CPU time of the whole utterance (RTF = CPU/Audio)
	// CPU time of each decoder's streaming search (part of CPU).
	GrammarCPU time.Duration `json:"grammar_cpu"`
	LoopCPU    time.Duration `json:"loop_cpu,omitempty"`
	RefCPU     time.Duration `json:"ref_cpu,omitempty"`
	// Diagnostics of the decision.
	Frames int     `json:"frames"` // 10 ms frames the grammar decoder searched
	Speech int     `json:"speech"` // frames covered by command words
	SNR    float64 `json:"snr"`    // dB, loud frames (90th percentile) over quiet ones (10th)
	Noise  float64 `json:"noise"`  // dB of the quiet frames (10th percentile of frame energy)
	// Post is the posterior probability of the grammar's best path and
	// WordPost that of its least certain command word, from the lattice.
	Post     float64 `json:"post"`
	WordPost float64 `json:"word_post"`
	GramAc   float64 `json:"gram_ac"`
	LoopAc   float64 `json:"loop_ac"`
	Loud     int     `json:"loud"`   // frames louder than halfway between the noise and the loud level (dB)
	Filler   float64 `json:"filler"` // fraction of the loud frames inside silence or noise fillers
	// First is the first (streaming) pass's result when a second pass
	// decoded the utterance again (RecognizerOptions.SecondPass).
	First *Result `json:"first,omitempty"`
}

// Recognizer is one long-lived PocketSphinx decoder with the command
// grammar. Keeping one decoder keeps its noise normalisation across
// utterances, which one-shot decoders lose. Methods are safe for
// concurrent use; utterances are serialised.
type Recognizer struct {
	mu       sync.Mutex
	dec      *sphinx.Decoder
	phones   *sphinx.Decoder // phone loop, nil when the check is off
	words    *sphinx.Decoder // word-loop reference, nil when off
	refList  []refWord
	refLoad  string // the grammar words the reference was built with
	lex      *Lexicon
	opt      RecognizerOptions
	grammars map[string]*Grammar
	active   string
	added    map[string]bool

	// current utterance
	inUtt   bool
	samples int
	cpu     time.Duration
	cpuDec  [3]time.Duration // grammar, phone loop, word loop
	energy  []float64        // dB of each 10 ms frame
	part    []int16          // samples of an incomplete frame
	buf     []int16          // the utterance's samples, for a second pass
	noisy   []int16          // samples with the noise floor added
	rng     uint64           // state of the noise floor's generator
	floor   float64          // noise floor RMS in sample units (0: none)
	den     *denoiser        // nil: no noise suppression
}

// NewRecognizer loads the acoustic model and dictionary (≈ 0.2 s).
func NewRecognizer(opt RecognizerOptions) (*Recognizer, error) {
	orDefault(&opt.Garbage, DefaultGarbage)
	orDefault(&opt.Threshold, DefaultThreshold)
	orDefault(&opt.MinFrames, DefaultMinFrames)
	orDefault(&opt.SNRSlope, DefaultSNRSlope)
	orDefault(&opt.FillerMax, DefaultFillerMax)
	orDefault(&opt.CMNWindow, DefaultCMNWindow)
	orDefault(&opt.NoiseFloor, DefaultNoiseFloor)
	orDefault(&opt.Denoise, DefaultDenoise)
	orDefault(&opt.RefWords, DefaultRefWords)
	orDefault(&opt.RefThreshold, DefaultRefThresh)
	orDefault(&opt.PostMin, DefaultPostMin)
	if opt.Lexicon == nil {
		opt.Lexicon = &Lexicon{}
	}
	refOpt := mergeArgs(mergeArgs(opt.Args, refArgs), opt.RefArgs)
	opt.Args = mergeArgs(grammarArgs, opt.Args)
	opt.PhoneArgs = mergeArgs(mergeArgs(opt.Args, phoneLoopArgs), opt.PhoneArgs)
	dec, err := sphinx.New(opt.Args...)
	if err != nil {
		return nil, err
	}
	r := &Recognizer{dec: dec, lex: opt.Lexicon, opt: opt, grammars: map[string]*Grammar{}, added: map[string]bool{}, rng: 0x9e3779b97f4a7c15}
	if opt.NoiseFloor < 0 {
		r.floor = 32768 * math.Pow(10, opt.NoiseFloor/20)
	}
	if opt.Denoise > 0 && opt.Denoise < 1 {
		r.den = newDenoiser(opt.Denoise)
	}
	if opt.Threshold > 0 {
		ph, err := sphinx.New(opt.PhoneArgs...)
		if err == nil {
			err = loadPhoneLoop(ph, opt.loopSil)
			if err != nil {
				ph.Close()
			}
		}
		if err != nil {
			dec.Close()
			return nil, err
		}
		r.phones = ph
	}
	if opt.RefWords > 0 {
		list, err := parseRefWords(refWordsText)
		var wd *sphinx.Decoder
		if err == nil {
			wd, err = sphinx.New(mergeArgs(grammarArgs, refOpt)...)
		}
		if err != nil {
			dec.Close()
			if r.phones != nil {
				r.phones.Close()
			}
			return nil, err
		}
		r.words, r.refList = wd, list
	}
	for _, p := range Phones {
		if err := dec.AddWord(GarbagePrefix+strings.ToLower(p), p, false); err != nil {
			dec.Close()
			return nil, err
		}
	}
	for _, w := range opt.Fillers {
		if ph, ok := dec.Lookup(w); ok {
			if err := dec.AddWord(GarbagePrefix+w, ph, false); err != nil {
				dec.Close()
				return nil, err
			}
		}
	}
	return r, nil
}

// Close frees the decoder.
func (r *Recognizer) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range r.decoders() {
		if d != nil {
			d.Close()
		}
	}
}

// decoders are the grammar decoder, the phone loop and the word loop, in
// the order of cpuDec; nil where a check is off.
func (r *Recognizer) decoders() [3]*sphinx.Decoder {
	return [3]*sphinx.Decoder{r.dec, r.phones, r.words}
}

// GrammarOptions are the options grammars for this recognizer are built with.
func (r *Recognizer) GrammarOptions() GrammarOptions {
	g := r.opt.Garbage
	if g < 0 {
		g = 0
	}
	return GrammarOptions{Garbage: g, Fillers: r.opt.Fillers}
}

// Build generates a grammar for specs and slots and loads it as search
// name, adding pronunciations for words the dictionary lacks. It replaces
// an earlier search of the same name; the active search stays active.
func (r *Recognizer) Build(ctx context.Context, name string, specs []Spec, slots Slots) (*Grammar, error) {
	g, err := BuildGrammar(name, specs, slots, r.GrammarOptions())
	if err != nil {
		return nil, err
	}
	return g, r.Load(ctx, name, g)
}

// Load loads a built grammar as search name.
func (r *Recognizer) Load(ctx context.Context, name string, g *Grammar) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inUtt {
		return fmt.Errorf("voice: cannot change the grammar during an utterance")
	}
	var missing []string
	for _, w := range g.Words {
		if r.added[w] {
			continue
		}
		if _, ok := r.dec.Lookup(w); !ok {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		pr, err := r.lex.Pronounce(ctx, missing)
		if err != nil {
			return err
		}
		for i, w := range missing {
			if err := r.dec.AddWord(w, pr[w], i == len(missing)-1); err != nil {
				return fmt.Errorf("voice: word %q: %w", w, err)
			}
			if r.words != nil {
				if err := r.words.AddWord(w, pr[w], false); err != nil {
					return fmt.Errorf("voice: word %q: %w", w, err)
				}
			}
			r.added[w] = true
		}
	}
	if g.FSG != "" && !r.opt.loadJSGF {
		if err := r.dec.SetFSG(name, g.FSG); err != nil {
			return err
		}
	} else if err := r.dec.SetJSGF(name, g.JSGF); err != nil {
		return err
	}
	r.grammars[name] = g
	if r.words != nil {
		ws := r.refWordsOf()
		if key := strings.Join(ws, " "); key != r.refLoad {
			if err := loadRefLM(r.words, r.refList, r.opt.RefWords, ws, r.opt.RefFlat); err != nil {
				return err
			}
			r.refLoad = key
		}
	}
	first := r.active == ""
	if first || r.active == name {
		if err := r.dec.SetSearch(name); err != nil {
			return err
		}
		r.active = name
	}
	if first && !r.opt.NoWarmUp {
		// without espeak-ng the first command is less reliable, nothing worse
		r.mu.Unlock()
		_ = r.warmUp(ctx)
		r.mu.Lock()
	}
	return nil
}

// Use makes a loaded grammar the active one.
func (r *Recognizer) Use(name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active == name {
		return nil
	}
	if _, ok := r.grammars[name]; !ok {
		return fmt.Errorf("voice: no grammar %q", name)
	}
	if err := r.dec.SetSearch(name); err != nil {
		return err
	}
	r.active = name
	return nil
}

// Grammar returns the loaded grammar of that name.
func (r *Recognizer) Grammar(name string) *Grammar {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.grammars[name]
}

// Begin starts an utterance.
func (r *Recognizer) Begin() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active == "" {
		return fmt.Errorf("voice: no grammar loaded")
	}
	if r.inUtt {
		return fmt.Errorf("voice: utterance already started")
	}
	ds := r.decoders()
	for i, d := range ds {
		if d == nil {
			continue
		}
		if err := d.StartUtt(); err != nil {
			for _, started := range ds[:i] {
				if started != nil {
					started.EndUtt()
				}
			}
			return err
		}
	}
	r.inUtt, r.samples, r.cpu, r.cpuDec = true, 0, 0, [3]time.Duration{}
	if r.den != nil {
		r.den.reset()
	}
	r.energy, r.part, r.buf = r.energy[:0], r.part[:0], r.buf[:0]
	return nil
}

// Feed decodes 16 kHz mono samples of the current utterance.
func (r *Recognizer) Feed(samples []int16) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.inUtt {
		return fmt.Errorf("voice: no utterance started")
	}
	var err error
	r.cpu += threadCPU(func() {
		in := samples
		if r.den != nil {
			in = r.den.process(samples)
		}
		err = r.process(r.addFloor(in))
		r.measure(samples)
	})
	r.samples += len(samples)
	return err
}

// process gives the decoders samples as they will search them.
func (r *Recognizer) process(in []int16) error {
	if len(in) == 0 {
		return nil
	}
	var err error
	ds := r.decoders()
	for i, d := range ds {
		if d != nil && err == nil {
			r.cpuDec[i] += threadCPU(func() { err = d.Process(in, false) })
		}
	}
	if err == nil && r.opt.CMNWindow > 0 {
		for _, d := range ds {
			if d != nil {
				d.AdaptCMN(r.opt.CMNWindow)
			}
		}
	}
	if r.opt.SecondPass != nil && len(r.buf) < maxBuffered {
		r.buf = append(r.buf, in[:min(len(in), maxBuffered-len(r.buf))]...)
	}
	return err
}

// InSpeech reports whether the decoder's own voice activity detector
// currently hears speech.
func (r *Recognizer) InSpeech() bool { return r.dec.InSpeech() }

// End finishes the utterance and returns what it decoded to.
func (r *Recognizer) End() (Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.inUtt {
		return Result{}, fmt.Errorf("voice: no utterance started")
	}
	r.inUtt = false
	t := time.Now()
	var res Result
	var err error
	res.DecodeCPU = threadCPU(func() { res, err = r.end() })
	res.Decode = time.Since(t)
	res.CPU = r.cpu + res.DecodeCPU
	res.GrammarCPU, res.LoopCPU, res.RefCPU = r.cpuDec[0], r.cpuDec[1], r.cpuDec[2]
	return res, err
}

func (r *Recognizer) end() (Result, error) {
	var err error
	if r.den != nil {
		err = r.process(r.addFloor(r.den.flush()))
	}
	for _, d := range r.decoders() {
		if d != nil {
			if e := d.EndUtt(); e != nil && err == nil {
				err = e
			}
		}
	}
	if err != nil {
		return Result{}, err
	}
	hyp, score := r.dec.Hyp()
	res := Result{Heard: hyp, Score: score, Audio: time.Duration(r.samples) * time.Second / SampleRate}
	res.Noise, res.SNR = levels(r.energy)
	r.decide(&res, true)
	if r.opt.SecondPass != nil && len(r.buf) < maxBuffered && r.opt.SecondPass(res) {
		first := res
		res = Result{Audio: first.Audio, Noise: first.Noise, SNR: first.SNR, First: &first}
		if err := r.secondPass(&res); err != nil {
			return first, err
		}
	}
	return res, nil
}

// maxBuffered is how much of an utterance the recognizer keeps for a
// second pass (the end-pointer ends utterances after 10 s of speech).
const maxBuffered = 12 * SampleRate

// secondPass decodes the buffered utterance again, normalised with its
// own cepstral mean (batch CMN, as the model was trained) instead of the
// live mean, which lags behind a change of noise between utterances.
func (r *Recognizer) secondPass(res *Result) error {
	if err := batch(r.dec, r.buf); err != nil {
		return err
	}
	if r.opt.SecondLoop && r.phones != nil {
		if err := batch(r.phones, r.buf); err != nil {
			return err
		}
	}
	res.Heard, res.Score = r.dec.Hyp()
	r.decide(res, r.opt.SecondLoop)
	return nil
}

// batch decodes samples as one utterance of d with batch CMN.
func batch(d *sphinx.Decoder, samples []int16) error {
	if err := d.StartUtt(); err != nil {
		return err
	}
	if err := d.ProcessBatch(samples); err != nil {
		d.EndUtt()
		return err
	}
	return d.EndUtt()
}

// decide fills in res's figures from the decoders' last utterance and
// rejects it or matches its intent. Without loop (a second pass of the
// grammar only), the phone loop's score per frame is the first pass's
// (res.LoopAc).
func (r *Recognizer) decide(res *Result, loop bool) {
	words := Words(res.Heard)
	if len(words) == 0 {
		res.Rejected = "nothing heard"
		return
	}
	for _, w := range words {
		if strings.HasPrefix(w, GarbagePrefix) {
			res.Rejected = "not a command"
			return
		}
	}
	res.Transcript = strings.Join(words, " ")
	speech, gram := 0, int64(0)
	segs := r.dec.Segments()
	for _, s := range segs {
		if !strings.HasPrefix(s.Word, "<") && !strings.HasPrefix(s.Word, "[") {
			speech += s.End - s.Start + 1
		}
		gram += int64(s.Acoustic)
	}
	res.Speech, res.Frames = speech, r.dec.Frames()
	if r.opt.PostMin > 0 || r.opt.Posteriors {
		res.Post, res.WordPost = confidence(r.dec.Lattice(), segs, DefaultPostScale)
	}
	res.Loud, res.Filler = r.fillers(segs, res.Noise+res.SNR/2)
	if res.Frames > 0 {
		res.GramAc = float64(gram) / float64(res.Frames)
	}
	if speech < r.opt.MinFrames {
		res.Rejected = "too short"
		return
	}
	if r.phones != nil {
		if loop {
			var ph int64
			for _, s := range r.phones.Segments() {
				ph += int64(s.Acoustic)
			}
			if n := r.phones.Frames(); n > 0 {
				res.LoopAc = float64(ph) / float64(n)
			}
		} else if res.First != nil {
			res.LoopAc = res.First.LoopAc
		}
		res.Gap = res.LoopAc - res.GramAc
		if res.Gap > r.threshold(res.SNR) {
			res.Rejected = "not a command"
			return
		}
	}
	if r.words != nil {
		if loop || res.First == nil {
			var ac int64
			for _, s := range r.words.Segments() {
				ac += int64(s.Acoustic)
			}
			if n := r.words.Frames(); n > 0 {
				res.WordAc = float64(ac) / float64(n)
			}
			res.RefHeard, _ = r.words.Hyp()
		} else {
			res.WordAc, res.RefHeard = res.First.WordAc, res.First.RefHeard
		}
		res.WordGap = res.WordAc - res.GramAc
		if res.WordGap > r.refThreshold(res.SNR) {
			res.Rejected = "not a command"
			return
		}
	}
	if r.opt.PostMin > 0 && res.WordPost < r.opt.PostMin {
		res.Rejected = "not a command"
		return
	}
	if r.opt.FillerMax > 0 && res.Filler > r.opt.FillerMax {
		res.Rejected = "not a command"
		return
	}
	g := r.grammars[r.active]
	in, ok := g.Match(words)
	if !ok {
		res.Rejected = "no command matches"
		return
	}
	res.Intent = &in
}

// Decode decodes a whole utterance.
func (r *Recognizer) Decode(samples []int16) (Result, error) {
	if err := r.Begin(); err != nil {
		return Result{}, err
	}
	const block = SampleRate / 10 // 100 ms, as live capture delivers it
	for i := 0; i < len(samples); i += block {
		if err := r.Feed(samples[i:min(i+block, len(samples))]); err != nil {
			r.End()
			return Result{}, err
		}
	}
	return r.End()
}

// loadPhoneLoop gives d a search "phones": a JSGF loop of one word per
// phone. (PocketSphinx's own allphone search with the phone language
// model measured ≈ 4× real time here; this loop ≈ 0.1×.)
func loadPhoneLoop(d *sphinx.Decoder, sil bool) error {
	var words []string
	phones := Phones
	if sil {
		phones = append([]string{"SIL"}, Phones...)
	}
	for _, p := range phones {
		w := GarbagePrefix + strings.ToLower(p)
		if err := d.AddWord(w, p, false); err != nil {
			return err
		}
		words = append(words, w)
	}
	if err := d.SetJSGF("phones", "#JSGF V1.0;\ngrammar phones;\npublic <phones> = ("+strings.Join(words, " | ")+")+;\n"); err != nil {
		return err
	}
	return d.SetSearch("phones")
}

// measure adds the energies of the complete 10 ms frames in samples.
func (r *Recognizer) measure(samples []int16) {
	r.part = append(r.part, samples...)
	for len(r.part) >= frameLen {
		r.energy = append(r.energy, 10*math.Log10(meanSquare(r.part[:frameLen])+1))
		r.part = r.part[frameLen:]
	}
	r.part = append(r.part[:0], r.part...)
}

// levels returns the noise level (10th percentile of the frame energies,
// dB) and the signal-to-noise ratio (90th percentile minus that).
func levels(energy []float64) (noise, snr float64) {
	if len(energy) == 0 {
		return 0, 0
	}
	e := slices.Clone(energy)
	slices.Sort(e)
	lo, hi := e[len(e)/10], e[len(e)*9/10]
	return lo, hi - lo
}

// mergeArgs returns base with the "-name value" pairs of over replacing
// those of the same name (PocketSphinx refuses duplicates) or appended.
func mergeArgs(base, over []string) []string {
	out := slices.Clone(base)
	for i := 0; i+1 < len(over); i += 2 {
		found := false
		for j := 0; j+1 < len(out); j += 2 {
			if out[j] == over[i] {
				out[j+1], found = over[i+1], true
			}
		}
		if !found {
			out = append(out, over[i], over[i+1])
		}
	}
	return out
}

// fillers counts the frames louder than half (dB) and the fraction of
// them that the grammar path spends in fillers (silence, noise). The
// decoder numbers frames across utterances; its first segment starts at
// the utterance's first frame, which lines up with the samples because
// PocketSphinx's own VAD is off (grammarArgs).
func (r *Recognizer) fillers(segs []sphinx.Segment, half float64) (loud int, frac float64) {
	for _, e := range r.energy {
		if e > half {
			loud++
		}
	}
	if loud == 0 || len(segs) == 0 {
		return loud, 0
	}
	base, n := segs[0].Start, 0
	for _, s := range segs {
		if !strings.HasPrefix(s.Word, "<") && !strings.HasPrefix(s.Word, "[") {
			continue
		}
		for f := max(s.Start-base, 0); f <= s.End-base && f < len(r.energy); f++ {
			if r.energy[f] > half {
				n++
			}
		}
	}
	return loud, float64(n) / float64(loud)
}

// threshold is the phone-loop gap above which an utterance of that
// signal-to-noise ratio (dB) is rejected.
func (r *Recognizer) threshold(snr float64) float64 {
	if r.opt.SNRSlope <= 0 {
		return r.opt.Threshold
	}
	return r.opt.Threshold + r.opt.SNRSlope*min(max(snr-15, 0), 30)/10
}

// refThreshold is the word-loop gap above which an utterance of that
// signal-to-noise ratio (dB) is rejected.
func (r *Recognizer) refThreshold(snr float64) float64 {
	if r.opt.RefSlope <= 0 {
		return r.opt.RefThreshold
	}
	return r.opt.RefThreshold + r.opt.RefSlope*min(max(snr-15, 0), 30)/10
}

// addFloor returns samples with the noise floor added (white noise of
// RMS r.floor, a sum of four uniform draws), or samples itself when there
// is none. The result is valid until the next call.
func (r *Recognizer) addFloor(samples []int16) []int16 {
	if r.floor == 0 {
		return samples
	}
	r.noisy = slices.Grow(r.noisy[:0], len(samples))[:len(samples)]
	// a sum of 4 uniforms on [-1, 1) has variance 4/3
	k := r.floor / math.Sqrt(4.0/3)
	for i, v := range samples {
		var n float64
		for range 4 {
			r.rng ^= r.rng << 13
			r.rng ^= r.rng >> 7
			r.rng ^= r.rng << 17
			n += float64(r.rng>>11)/(1<<52) - 1
		}
		r.noisy[i] = toSample(float64(v) + k*n)
	}
	return r.noisy
}

// toSample rounds v to the nearest 16-bit sample, clamped to full scale.
func toSample(v float64) int16 {
	return int16(min(max(math.Round(v), math.MinInt16), math.MaxInt16))
}

// orDefault sets *v to d when it is zero.
func orDefault[T comparable](v *T, d T) {
	var zero T
	if *v == zero {
		*v = d
	}
}
