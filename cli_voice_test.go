package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVoiceCLI(t *testing.T) {
	code, out, _ := runCLI(t, "voice", "phrases")
	if code != 0 || !strings.Contains(out, "navigate to ") || !strings.Contains(out, "set temperature to sixteen degrees") {
		t.Fatalf("phrases: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "voice", "grammar")
	if code != 0 || !strings.Contains(out, "#JSGF V1.0;") || !strings.Contains(out, "rue grimaldi") {
		t.Fatalf("grammar: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "voice", "grammar", "--fsg")
	if code != 0 || !strings.HasPrefix(out, "FSG_BEGIN commands\n") || !strings.Contains(out, " rue\n") || !strings.HasSuffix(out, "FSG_END\n") {
		t.Fatalf("grammar --fsg: exit %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "voice", "recognize"); code != 2 {
		t.Fatalf("recognize without --wav: exit %d", code)
	}
	if code, _, _ := runCLI(t, "voice"); code != 2 {
		t.Fatalf("no subcommand: exit %d", code)
	}
	bad := filepath.Join(t.TempDir(), "bad.wav")
	os.WriteFile(bad, []byte("RIFF\x00\x00\x00\x00WAVEdata"), 0o644)
	code, _, errs := runCLI(t, "voice", "recognize", "--wav", bad)
	if code != 1 || !strings.Contains(errs, bad) {
		t.Fatalf("broken WAV: exit %d: %s", code, errs)
	}
	wav := "/usr/share/pocketsphinx/test/data/cards/001.wav"
	if _, err := os.Stat(wav); err != nil {
		t.Skip("pocketsphinx-testdata not installed")
	}
	code, out, errs = runCLI(t, "voice", "recognize", "--wav", wav, "--json")
	if code != 0 {
		t.Fatalf("recognize: exit %d: %s", code, errs)
	}
	var res struct {
		Heard    string
		Intent   *struct{ Intent string }
		Rejected string
		DecodeMS float64 `json:"decode_ms"`
		AudioMS  float64 `json:"audio_ms"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if res.AudioMS < 1000 || (res.Intent == nil) == (res.Rejected == "") {
		t.Fatalf("result %+v", res)
	}
}
