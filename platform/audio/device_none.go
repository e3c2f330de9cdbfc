//go:build !cgo || noos

package audio

// openDevice fails in builds without cgo (the embedded noos build): there
// the output is always the null sink.
func openDevice(*Output) (func(), error) { return nil, ErrNoDevice }
