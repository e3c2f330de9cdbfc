package voice

import (
	"context"

	"github.com/fascia-hmi/fascia/platform/mic"
)

// Microphone captures from an ALSA device through platform/mic ("" is
// the default device). With no sound card it fails with "no microphone".
func Microphone(device string) Capture {
	return func(ctx context.Context, fn func([]int16)) (func(), error) {
		c, err := mic.Start(ctx, mic.Options{Device: device}, fn)
		if err != nil {
			return nil, err
		}
		return func() { c.Stop() }, nil
	}
}
