//go:build cgo && !nosphinx

package sphinx

/*
#cgo pkg-config: pocketsphinx sphinxbase
#include <stdlib.h>
#include <pocketsphinx.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/fsg_model.h>
#include <stdio.h>

// fascia_set_fsg adds (or replaces) the search name from an FSG text of n
// bytes, read as PocketSphinx reads an FSG file, with the decoder's
// language weight (as ps_set_jsgf_string does); -1 on failure.
static int fascia_set_fsg(ps_decoder_t *ps, const char *name, char *text, size_t n) {
	FILE *fp = fmemopen(text, n, "r");
	if (fp == NULL) return -1;
	fsg_model_t *fsg = fsg_model_read(fp, ps_get_logmath(ps), cmd_ln_float32_r(ps_get_config(ps), "-lw"));
	fclose(fp);
	if (fsg == NULL) return -1;
	int rv = ps_set_fsg(ps, name, fsg);
	fsg_model_free(fsg);
	return rv;
}

// cmd_ln_init is variadic, which cgo cannot call; parse an argv instead.
static cmd_ln_t *fascia_config(int argc, char **argv) {
	return cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
}

// fascia_cmn_adapt makes live cepstral mean normalisation follow the
// current utterance: the accumulated history is cut to prior frames and
// the mean recomputed from it and the frames seen since (PocketSphinx
// 5prealpha otherwise updates the mean only at the end of an utterance,
// so each utterance is normalised with the previous ones' mean).
static void fascia_cmn_adapt(ps_decoder_t *ps, int prior) {
	feat_t *f = ps_get_feat(ps);
	if (f == NULL || f->cmn != CMN_LIVE || f->cmn_struct == NULL) return;
	cmn_t *c = f->cmn_struct;
	if (c->nframe <= 0) return;
	if (prior > 0 && c->nframe > prior) {
		for (int i = 0; i < c->veclen; i++)
			c->sum[i] = c->sum[i] / c->nframe * prior;
		c->nframe = prior;
	}
	cmn_live_update(c);
}

// fascia_cmn_batch switches the decoder to batch cepstral mean
// normalisation (the utterance's own mean, as the model was trained) for
// the next whole-utterance ps_process_raw, saving the live state (mean,
// sum, frames) into save (3*veclen+1 floats); it returns veclen, or 0 when
// CMN is not live.
static int fascia_cmn_batch(ps_decoder_t *ps, float *save, int n) {
	feat_t *f = ps_get_feat(ps);
	if (f == NULL || f->cmn != CMN_LIVE || f->cmn_struct == NULL) return 0;
	cmn_t *c = f->cmn_struct;
	if (3 * c->veclen + 1 > n) return 0;
	for (int i = 0; i < c->veclen; i++) {
		save[i] = c->cmn_mean[i];
		save[c->veclen + i] = c->sum[i];
	}
	save[2 * c->veclen] = c->nframe;
	f->cmn = CMN_BATCH;
	return c->veclen;
}

// fascia_cmn_restore puts back the live state saved by fascia_cmn_batch.
static void fascia_cmn_restore(ps_decoder_t *ps, float *save, int veclen) {
	feat_t *f = ps_get_feat(ps);
	if (f == NULL || f->cmn_struct == NULL || f->cmn_struct->veclen != veclen) return;
	cmn_t *c = f->cmn_struct;
	for (int i = 0; i < veclen; i++) {
		c->cmn_mean[i] = save[i];
		c->sum[i] = save[veclen + i];
	}
	c->nframe = (int)save[2 * veclen];
	f->cmn = CMN_LIVE;
}
*/
import "C"

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unsafe"
)

const available = true

// Decoder is one PocketSphinx decoder. Its methods are safe for use from
// several goroutines (a mutex serialises them) but an utterance is a
// sequence StartUtt, Process…, EndUtt that one caller must own.
type Decoder struct {
	mu  sync.Mutex
	ps  *C.ps_decoder_t
	cfg *C.cmd_ln_t
	// active is set once a search is active: PocketSphinx dereferences
	// the active search without checking in several calls.
	active bool
	inUtt  bool
	// saved live CMN state during a ProcessBatch utterance (saved > 0)
	cmnSave [64]C.float
	saved   C.int
}

// New creates a decoder from PocketSphinx command-line arguments
// ("-hmm", dir, "-dict", file, …). Log output goes to /dev/null unless
// args set -logfn.
func New(args ...string) (*Decoder, error) {
	has := map[string]bool{}
	for i := 0; i < len(args); i += 2 {
		has[args[i]] = true
	}
	if !has["-hmm"] {
		args = append(args, "-hmm", HMM)
	}
	if !has["-dict"] {
		args = append(args, "-dict", Dict)
	}
	if !has["-logfn"] {
		args = append(args, "-logfn", os.DevNull)
	}
	for _, k := range []string{"-hmm", "-dict"} {
		for i := 0; i+1 < len(args); i += 2 {
			if args[i] == k {
				if _, err := os.Stat(args[i+1]); err != nil {
					return nil, fmt.Errorf("sphinx: model: %w (install pocketsphinx-en-us)", err)
				}
			}
		}
	}
	argv := make([]*C.char, len(args)+1)
	argv[0] = C.CString("fascia")
	for i, a := range args {
		argv[i+1] = C.CString(a)
	}
	defer func() {
		for _, p := range argv {
			C.free(unsafe.Pointer(p))
		}
	}()
	cfg := C.fascia_config(C.int(len(argv)), &argv[0])
	if cfg == nil {
		return nil, fmt.Errorf("sphinx: bad arguments %q", strings.Join(args, " "))
	}
	ps := C.ps_init(cfg)
	if ps == nil {
		C.cmd_ln_free_r(cfg)
		return nil, fmt.Errorf("sphinx: cannot initialise the decoder with %q", strings.Join(args, " "))
	}
	return &Decoder{ps: ps, cfg: cfg}, nil
}

// Close frees the decoder.
func (d *Decoder) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ps != nil {
		C.ps_free(d.ps)
		C.cmd_ln_free_r(d.cfg)
		d.ps, d.cfg = nil, nil
	}
}

func (d *Decoder) check() error {
	if d.ps == nil {
		return fmt.Errorf("sphinx: decoder closed")
	}
	return nil
}

// SetJSGF adds (or replaces) a search named name from a JSGF grammar text.
func (d *Decoder) SetJSGF(name, grammar string) error {
	return d.addSearch(name, grammar, func(n, g *C.char, _ C.size_t) C.int {
		return C.ps_set_jsgf_string(d.ps, n, g)
	}, func() error {
		return fmt.Errorf("sphinx: grammar %q rejected (syntax error or a word missing from the dictionary)", name)
	})
}

// SetFSG adds (or replaces) a search named name from a finite-state
// grammar in PocketSphinx's FSG text format (FSG_BEGIN … FSG_END).
func (d *Decoder) SetFSG(name, fsg string) error {
	if fsg == "" {
		return fmt.Errorf("sphinx: grammar %q is empty", name)
	}
	return d.addSearch(name, fsg, func(n, g *C.char, size C.size_t) C.int {
		return C.fascia_set_fsg(d.ps, n, g, size)
	}, func() error {
		return fmt.Errorf("sphinx: grammar %q rejected (FSG syntax error or a word missing from the dictionary)", name)
	})
}

// SetAllphone adds a phone-loop search named name with the phone language
// model at lmPath ("" for a flat phone loop).
func (d *Decoder) SetAllphone(name, lmPath string) error {
	return d.addSearch(name, lmPath, func(n, p *C.char, _ C.size_t) C.int {
		if lmPath == "" {
			p = nil
		}
		return C.ps_set_allphone_file(d.ps, n, p)
	}, loadFailed("phone loop", name, lmPath))
}

// SetLM adds an n-gram search named name with the language model at
// path (ARPA text or binary); its words must be in the dictionary.
func (d *Decoder) SetLM(name, path string) error {
	return d.addSearch(name, path, func(n, p *C.char, _ C.size_t) C.int {
		return C.ps_set_lm_file(d.ps, n, p)
	}, loadFailed("language model", name, path))
}

// loadFailed is the error of a search of kind what that could not be
// loaded from path.
func loadFailed(what, name, path string) func() error {
	return func() error { return fmt.Errorf("sphinx: %s %q: cannot load %q", what, name, path) }
}

// addSearch adds the search named name that add builds from arg (a
// grammar text or a file path; both passed as C strings, arg with its
// length in bytes); failed gives the error when add fails.
func (d *Decoder) addSearch(name, arg string, add func(name, arg *C.char, n C.size_t) C.int, failed func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(); err != nil {
		return err
	}
	cn, ca := C.CString(name), C.CString(arg)
	defer C.free(unsafe.Pointer(cn))
	defer C.free(unsafe.Pointer(ca))
	if add(cn, ca, C.size_t(len(arg))) < 0 {
		return failed()
	}
	return nil
}

// SetSearch makes the named search the active one.
func (d *Decoder) SetSearch(name string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(); err != nil {
		return err
	}
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	if C.ps_set_search(d.ps, cn) < 0 {
		return fmt.Errorf("sphinx: no search %q", name)
	}
	d.active = true
	return nil
}

// AddWord adds a word with its phones ("K AA R") to the dictionary.
// update makes searches see it at once; when adding many words pass false
// for all but the last.
func (d *Decoder) AddWord(word, phones string, update bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(); err != nil {
		return err
	}
	cw, cp := C.CString(word), C.CString(phones)
	defer C.free(unsafe.Pointer(cw))
	defer C.free(unsafe.Pointer(cp))
	u := C.int(0)
	if update {
		u = 1
	}
	if C.ps_add_word(d.ps, cw, cp, u) < 0 {
		return fmt.Errorf("sphinx: cannot add %q /%s/ (unknown phone?)", word, phones)
	}
	return nil
}

// Lookup returns a word's phones from the dictionary.
func (d *Decoder) Lookup(word string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ps == nil {
		return "", false
	}
	cw := C.CString(word)
	defer C.free(unsafe.Pointer(cw))
	p := C.ps_lookup_word(d.ps, cw)
	if p == nil {
		return "", false
	}
	defer C.free(unsafe.Pointer(p))
	return C.GoString(p), true
}

// StartUtt begins an utterance.
func (d *Decoder) StartUtt() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(); err != nil {
		return err
	}
	if !d.active {
		return fmt.Errorf("sphinx: no active search")
	}
	if C.ps_start_utt(d.ps) < 0 {
		return fmt.Errorf("sphinx: cannot start an utterance")
	}
	d.inUtt = true
	return nil
}

// Process feeds 16 kHz mono samples; full says the slice is the whole
// utterance (better normalisation when decoding files).
func (d *Decoder) Process(samples []int16, full bool) error {
	if len(samples) == 0 {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.inUtterance(); err != nil {
		return err
	}
	return d.processRaw(samples, full)
}

// inUtterance reports why samples cannot be fed now; d.mu held.
func (d *Decoder) inUtterance() error {
	if err := d.check(); err != nil {
		return err
	}
	if !d.inUtt {
		return fmt.Errorf("sphinx: no utterance started")
	}
	return nil
}

// processRaw feeds samples; d.mu held, in an utterance.
func (d *Decoder) processRaw(samples []int16, full bool) error {
	f := C.int(0)
	if full {
		f = 1
	}
	if C.ps_process_raw(d.ps, (*C.int16)(unsafe.Pointer(&samples[0])), C.size_t(len(samples)), 0, f) < 0 {
		return fmt.Errorf("sphinx: processing failed")
	}
	return nil
}

// ProcessBatch feeds a whole utterance (the first and only Process of
// it) normalised with its own cepstral mean, as the acoustic model was
// trained, instead of the live mean carried over from earlier utterances.
// The live mean is left as it was: EndUtt restores it.
func (d *Decoder) ProcessBatch(samples []int16) error {
	if len(samples) == 0 {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.inUtterance(); err != nil {
		return err
	}
	d.saved = C.fascia_cmn_batch(d.ps, &d.cmnSave[0], C.int(len(d.cmnSave)))
	return d.processRaw(samples, true)
}

// AdaptCMN updates the live cepstral mean from the frames processed so
// far, weighting the history before them as prior frames (10 ms each).
// Called between Process calls it makes the normalisation follow a change
// of noise within one utterance instead of one utterance later. It does
// nothing before the first Process or when CMN is not live.
func (d *Decoder) AdaptCMN(prior int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ps == nil {
		return
	}
	C.fascia_cmn_adapt(d.ps, C.int(prior))
}

// EndUtt ends the utterance; the hypothesis is then final.
func (d *Decoder) EndUtt() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.check(); err != nil {
		return err
	}
	if !d.inUtt {
		return fmt.Errorf("sphinx: no utterance started")
	}
	d.inUtt = false
	rc := C.ps_end_utt(d.ps)
	if d.saved > 0 {
		C.fascia_cmn_restore(d.ps, &d.cmnSave[0], d.saved)
		d.saved = 0
	}
	if rc < 0 {
		return fmt.Errorf("sphinx: cannot end the utterance")
	}
	return nil
}

// InSpeech reports whether the decoder's voice activity detector hears speech.
func (d *Decoder) InSpeech() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ps != nil && d.active && C.ps_get_in_speech(d.ps) != 0
}

// Hyp returns the best hypothesis and its path score ("" when none).
func (d *Decoder) Hyp() (string, int32) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ps == nil || !d.active {
		return "", 0
	}
	var score C.int32
	h := C.ps_get_hyp(d.ps, &score)
	if h == nil {
		return "", int32(score)
	}
	return C.GoString(h), int32(score)
}

// Frames returns the number of 10 ms frames of the utterance.
func (d *Decoder) Frames() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ps == nil || !d.active {
		return 0
	}
	return int(C.ps_get_n_frames(d.ps))
}

// Segments returns the words of the best hypothesis, fillers included.
func (d *Decoder) Segments() []Segment {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ps == nil || !d.active {
		return nil
	}
	var out []Segment
	for it := C.ps_seg_iter(d.ps); it != nil; it = C.ps_seg_next(it) {
		var s Segment
		var sf, ef C.int
		var ascr, lscr, lback C.int32
		s.Word = C.GoString(C.ps_seg_word(it))
		C.ps_seg_frames(it, &sf, &ef)
		s.Prob = int32(C.ps_seg_prob(it, &ascr, &lscr, &lback))
		s.Start, s.End, s.Acoustic, s.Language = int(sf), int(ef), int32(ascr), int32(lscr)
		out = append(out, s)
	}
	return out
}

// Prob returns the posterior probability of the best hypothesis (log base
// 1.0001; 0 is certain), from the lattice; it needs -bestpath or a lattice.
func (d *Decoder) Prob() int32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ps == nil || !d.active {
		return 0
	}
	return int32(C.ps_get_prob(d.ps))
}

// Lattice returns the word graph of the last utterance (after EndUtt;
// the grammar search builds it with -bestpath, PocketSphinx's default),
// or nil when there is none.
func (d *Decoder) Lattice() *Lattice {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ps == nil || !d.active {
		return nil
	}
	dag := C.ps_get_lattice(d.ps)
	if dag == nil {
		return nil
	}
	l := &Lattice{}
	ids := map[*C.ps_latnode_t]int{}
	id := func(n *C.ps_latnode_t) int {
		i, ok := ids[n]
		if !ok {
			i = len(l.Nodes)
			ids[n] = i
			var fef, lef C.int16
			sf := C.ps_latnode_times(n, &fef, &lef)
			l.Nodes = append(l.Nodes, Node{Word: C.GoString(C.ps_latnode_baseword(dag, n)), Start: int(sf), Last: int(lef)})
		}
		return i
	}
	for it := C.ps_latnode_iter(dag); it != nil; it = C.ps_latnode_iter_next(it) {
		from := C.ps_latnode_iter_node(it)
		id(from)
		for x := C.ps_latnode_exits(from); x != nil; x = C.ps_latlink_iter_next(x) {
			k := C.ps_latlink_iter_link(x)
			var src *C.ps_latnode_t
			to := C.ps_latlink_nodes(k, &src)
			var sf C.int16
			var ascr C.int32
			ef := C.ps_latlink_times(k, &sf)
			C.ps_latlink_prob(dag, k, &ascr)
			l.Links = append(l.Links, Link{From: id(from), To: id(to), End: int(ef), Acoustic: int32(ascr)})
		}
	}
	return l
}
