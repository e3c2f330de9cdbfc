package main

import (
	"strings"
	"testing"
)

func TestMediaPlay(t *testing.T) {
	td := "app/media/player/testdata/"
	code, out, errs := runCLI(t, "media", "play", td+"sine-a.flac", td+"garbage.mp3", td+"tone.ogg", "--sink", "null")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, out, errs)
	}
	for _, want := range []string{"no audio output (null sink chosen)", "playing 1/3: " + td + "sine-a.flac (500ms)", "skipped: " + td + "garbage.mp3", "playing 3/3: " + td + "tone.ogg (400ms)", "2 of 3 files played"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code, out, _ := runCLI(t, "media", "play", td+"notaudio.wav", "--sink=null"); code != 1 || !strings.Contains(out, "0 of 1") {
		t.Errorf("unplayable file: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"media", "play"}, {"media", "play", "x.flac", "--sink", "hdmi"}, {"media", "play", "x.flac", "--loud"}, {"media", "play", "x.flac", "--sink"}} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
