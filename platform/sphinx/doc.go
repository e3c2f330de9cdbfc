// Package sphinx is a small cgo binding to Debian's PocketSphinx
// 0.8+5prealpha (libpocketsphinx, libsphinxbase): one decoder, its searches
// (JSGF grammar, phone loop), dictionary words, and utterance decoding of
// 16 kHz mono 16-bit samples. It knows nothing of commands or the cockpit.
//
// The binding needs cgo and the pocketsphinx development packages. Builds
// without cgo (the embedded CGO_ENABLED=0 build) or with the nosphinx tag
// compile a version whose New returns ErrUnavailable, so voice is disabled
// there and says so.
package sphinx

import "errors"

// ErrUnavailable is returned by New in builds without PocketSphinx.
var ErrUnavailable = errors.New("speech recognition unavailable: this build has no PocketSphinx (built without cgo or with -tags nosphinx)")

// Model paths of Debian's pocketsphinx-en-us package.
const (
	ModelDir = "/usr/share/pocketsphinx/model/en-us"
	HMM      = ModelDir + "/en-us"
	Dict     = ModelDir + "/cmudict-en-us.dict"
	PhoneLM  = ModelDir + "/en-us-phone.lm.bin"
	LM       = ModelDir + "/en-us.lm.bin"
)

// Segment is one word of a hypothesis with its frames (10 ms each) and
// scores (log base 1.0001, as PocketSphinx reports them).
type Segment struct {
	Word       string
	Start, End int
	Prob       int32
	Acoustic   int32
	Language   int32
}

// Lattice is a word graph: each link is the word of its From node,
// from the node's Start frame to the link's End frame, with its acoustic
// score (grammar transition included; PocketSphinx units, as Segment).
type Lattice struct {
	Nodes []Node
	Links []Link
}

// Node is a word starting at a frame; Last is its latest end frame.
type Node struct {
	Word        string
	Start, Last int
}

// Link joins two nodes of a Lattice.
type Link struct {
	From, To, End int
	Acoustic      int32
}

// Available reports whether this build has PocketSphinx.
func Available() bool { return available }
