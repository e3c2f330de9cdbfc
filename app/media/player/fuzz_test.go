package player

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParseState(f *testing.F) {
	f.Add([]byte(`{"version":1,"queue":[{"path":"a.flac","title":"A"}],"index":0,"position":1500000000,"volume":70}`))
	f.Add([]byte(`{"version":1,"queue":[],"index":0,"volume":0,"repeat":2,"shuffle":true}`))
	f.Add([]byte(`{"version":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parseState(data, "player.json")
		if err != nil {
			return
		}
		p := New(Options{Seed: 1})
		p.restore(s)
		p.mu.Lock()
		p.publishLocked()
		p.mu.Unlock()
		st := p.State()
		if len(s.Queue) > 0 && (!st.HasItem || st.Index != s.Index) {
			t.Fatalf("restored %+v from %+v", st, s)
		}
		p.Close()
	})
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// FuzzOpen feeds arbitrary bytes to the decoders through the player's
// source: errors are fine, panics and endless streams are not.
func FuzzOpen(f *testing.F) {
	for _, name := range []string{"sine-a.flac", "tone.ogg", "tone.mp3", "sine48-a.wav", "truncated.flac"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 4096)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		open := func(Item) (io.ReadSeekCloser, error) { return nopCloser{bytes.NewReader(data)}, nil }
		src, err := openSource(open, Item{Path: "fuzz"})
		if err != nil {
			return
		}
		defer src.close()
		buf := make([][2]float64, 1024)
		for i := 0; i < 1000; i++ {
			if n, ok := src.stream(buf); n == 0 || !ok {
				return
			}
		}
	})
}
