package voice

import (
	"bytes"
	"context"
	"os/exec"
	"time"
)

// WarmUpText is spoken by espeak-ng into a fresh decoder before its first
// real utterance: PocketSphinx's live cepstral mean normalisation starts
// from generic values and adapts over the first utterance, which made a
// fresh decoder miss or reject its first command (measured: "navigate
// home" decoded as "show the vehicle" first, correctly after).
const WarmUpText = "navigate home. play the music. what is my range."

// warmUp decodes synthetic speech through the decoders so that their
// normalisation has adapted to speech before the driver's first command.
// Without espeak-ng it does nothing.
func (r *Recognizer) warmUp(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "espeak-ng", "-v", "en-us", "--stdout", WarmUpText).Output()
	if err != nil {
		return err
	}
	a, err := ReadWAV(bytes.NewReader(out))
	if err != nil {
		return err
	}
	s := Resample(a.Samples, a.Rate, SampleRate)
	for i := 0; i < 2; i++ {
		if _, err := r.Decode(s); err != nil {
			return err
		}
	}
	return nil
}

// Resample converts mono samples between rates by linear interpolation
// (good enough for warm-up speech; not for listening).
func Resample(s []int16, from, to int) []int16 {
	if from == to || from <= 0 || to <= 0 || len(s) == 0 {
		return s
	}
	n := int(int64(len(s)) * int64(to) / int64(from))
	out := make([]int16, n)
	for i := range out {
		x := float64(i) * float64(from) / float64(to)
		j := int(x)
		if j+1 >= len(s) {
			out[i] = s[len(s)-1]
			continue
		}
		f := x - float64(j)
		out[i] = int16(float64(s[j])*(1-f) + float64(s[j+1])*f)
	}
	return out
}
