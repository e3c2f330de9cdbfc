//go:build !cgo || nosphinx

package sphinx

const available = false

// Decoder is unavailable in this build; New always fails.
type Decoder struct{}

// New returns ErrUnavailable.
func New(args ...string) (*Decoder, error) { return nil, ErrUnavailable }

// Close does nothing.
func (d *Decoder) Close() {}

// SetJSGF returns ErrUnavailable.
func (d *Decoder) SetJSGF(name, grammar string) error { return ErrUnavailable }

// SetFSG returns ErrUnavailable.
func (d *Decoder) SetFSG(name, fsg string) error { return ErrUnavailable }

// SetAllphone returns ErrUnavailable.
func (d *Decoder) SetAllphone(name, lmPath string) error { return ErrUnavailable }

// SetLM returns ErrUnavailable.
func (d *Decoder) SetLM(name, path string) error { return ErrUnavailable }

// SetSearch returns ErrUnavailable.
func (d *Decoder) SetSearch(name string) error { return ErrUnavailable }

// AddWord returns ErrUnavailable.
func (d *Decoder) AddWord(word, phones string, update bool) error { return ErrUnavailable }

// Lookup finds nothing.
func (d *Decoder) Lookup(word string) (string, bool) { return "", false }

// StartUtt returns ErrUnavailable.
func (d *Decoder) StartUtt() error { return ErrUnavailable }

// Process returns ErrUnavailable.
func (d *Decoder) Process(samples []int16, full bool) error { return ErrUnavailable }

// EndUtt returns ErrUnavailable.
func (d *Decoder) EndUtt() error { return ErrUnavailable }

// InSpeech is false.
func (d *Decoder) InSpeech() bool { return false }

// Hyp is empty.
func (d *Decoder) Hyp() (string, int32) { return "", 0 }

// Frames is 0.
func (d *Decoder) Frames() int { return 0 }

// Segments is empty.
func (d *Decoder) Segments() []Segment { return nil }

// Prob is 0.
func (d *Decoder) Prob() int32 { return 0 }

// AdaptCMN does nothing.
func (d *Decoder) AdaptCMN(prior int) {}

// ProcessBatch returns ErrUnavailable.
func (d *Decoder) ProcessBatch(samples []int16) error { return ErrUnavailable }

// Lattice is nil.
func (d *Decoder) Lattice() *Lattice { return nil }
