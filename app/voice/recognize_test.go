package voice

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const testdata = "/usr/share/pocketsphinx/test/data"

// TestRealSpeech decodes every recording of pocketsphinx-testdata (real
// speech nobody here wrote: card names, digits, "go forward ten meters",
// an audiobook): each must be rejected or recognized without an error or
// crash; what each decoded to is logged, and the rejections counted.
func TestRealSpeech(t *testing.T) {
	opt := RecognizerOptions{}
	if v := os.Getenv("VOICE_REAL_OPT"); v != "" { // measurements: denoise,threshold,slope,filler
		f := strings.Split(v, ",")
		opt.Denoise, _ = strconv.ParseFloat(f[0], 64)
		opt.Threshold, _ = strconv.ParseFloat(f[1], 64)
		opt.SNRSlope, _ = strconv.ParseFloat(f[2], 64)
		opt.FillerMax, _ = strconv.ParseFloat(f[3], 64)
	}
	r, _ := newTestRecognizer(t, opt)
	var files []string
	for _, pat := range []string{"*.raw", "*/*.raw", "*/*.wav"} {
		m, _ := filepath.Glob(filepath.Join(testdata, pat))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("pocketsphinx-testdata not installed")
	}
	rejected := 0
	for _, f := range files {
		var s []int16
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".wav") {
			a, err := ReadWAV(bytes.NewReader(b))
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			if s, err = a.Speech(); err != nil {
				t.Logf("%s: refused: %v", f, err)
				continue
			}
		} else {
			s = make([]int16, len(b)/2)
			for i := range s {
				s[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
			}
		}
		res, err := r.Decode(s)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		figs := fmt.Sprintf("gap %.1f, SNR %.0f dB, noise %.0f dB, filler %.2f", res.Gap, res.SNR, res.Noise, res.Filler)
		if res.Intent == nil {
			rejected++
			t.Logf("%s: rejected (%s), heard %q (%s)", filepath.Base(f), res.Rejected, res.Heard, figs)
		} else {
			t.Logf("%s: RECOGNIZED %s from %q (%s)", filepath.Base(f), res.Intent, res.Transcript, figs)
		}
	}
	t.Logf("pocketsphinx-testdata: %d of %d recordings rejected", rejected, len(files))
}

// TestBadAudio: empty, silent, clipped, 8 kHz, stereo and broken WAVs give
// a clear error or a rejection, never a crash or a command.
func TestBadAudio(t *testing.T) {
	r, _ := newTestRecognizer(t, RecognizerOptions{})
	decode := func(b []byte) (Result, error) {
		a, err := ReadWAV(bytes.NewReader(b))
		if err != nil {
			return Result{}, err
		}
		s, err := a.Speech()
		if err != nil {
			return Result{}, err
		}
		return r.Decode(s)
	}
	silent := make([]int16, 3*SampleRate)
	clipped := make([]int16, 2*SampleRate)
	for i := range clipped {
		clipped[i] = 32767
		if (i/20)%2 == 0 {
			clipped[i] = -32768
		}
	}
	good := wavBytes(16000, 1, 16, silent)
	for _, c := range []struct {
		name string
		b    []byte
		err  string // "" → must decode and be rejected
	}{
		{"empty file", nil, "empty file"},
		{"header only", wavBytes(16000, 1, 16, nil), "no samples"},
		{"silent", good, ""},
		{"clipped square wave", wavBytes(16000, 1, 16, clipped), ""},
		{"8 kHz", wavBytes(8000, 1, 16, silent), "8000 Hz"},
		{"stereo", wavBytes(16000, 2, 16, silent), "2 channel"},
		{"broken header", append([]byte("RIFX"), good[4:]...), "not a RIFF"},
		{"truncated", good[:30], "fmt chunk"},
	} {
		res, err := decode(c.b)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: err %v, want %q", c.name, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.err == "" && res.Intent != nil:
			t.Errorf("%s: recognized %s", c.name, res.Intent)
		}
	}
}
