package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const shared = "../shared/data"

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCANCheck(t *testing.T) {
	code, out, _ := runCLI(t, "can", "check", "--dbc", filepath.Join(shared, "can/dbc/honda_civic_hatchback_ex_2017_can_generated.dbc"))
	if code != 0 || !strings.Contains(out, "50 messages, 410 signals loaded") || !strings.Contains(out, "0 lost") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.dbc")
	os.WriteFile(bad, []byte("VERSION \"\"\nBO_ 100 A: 8 X\n SG_ S : 0|8@1+ (1,0) [0|1] \"\" X\nBO_ 0x12 B: 8 X\n SG_ T : 0|8@1+ (1,0) [0|1] \"\" X\n"), 0o644)
	code, out, _ = runCLI(t, "can", "check", "--dbc", bad)
	if code != 1 || !strings.Contains(out, "LOST: "+bad+":4:") {
		t.Fatalf("lost definitions: exit %d:\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "can", "check"); code != 2 {
		t.Fatalf("missing --dbc: exit %d", code)
	}
}

func TestCANDecodeProfileJSON(t *testing.T) {
	code, out, errs := runCLI(t, "can", "decode", "--profile", "assets/vehicles/honda-civic", "--json",
		"--log", filepath.Join(shared, "can/logs/eldominio_honda_civic2019typer_turnonanddrive.log"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var u struct {
			Signal string `json:"signal"`
			Value  any    `json:"value"`
		}
		if err := json.Unmarshal([]byte(line), &u); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		seen[u.Signal] = true
	}
	for _, p := range []string{"Vehicle.Speed", "Vehicle.Powertrain.CombustionEngine.Speed", "Vehicle.TraveledDistance"} {
		if !seen[p] {
			t.Errorf("no update of %s", p)
		}
	}
	if !strings.Contains(errs, "28835 frames") || !strings.Contains(errs, "unknown IDs:") {
		t.Errorf("summary: %s", errs)
	}
}

func TestCANDecodeMalformedLog(t *testing.T) {
	log := filepath.Join(t.TempDir(), "bad.log")
	os.WriteFile(log, []byte("(1.000000) can0 123#00\n(1.1) can0 12G#00\n(1.200000) can0 123#01\n"), 0o644)
	code, _, errs := runCLI(t, "can", "decode", "--dbc", filepath.Join(shared, "can/dbc/toyota_iQ_2009_can.dbc"), "--log", log)
	if code != 1 || !strings.Contains(errs, log+":2:") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, _, errs = runCLI(t, "can", "decode", "--lenient", "--dbc", filepath.Join(shared, "can/dbc/toyota_iQ_2009_can.dbc"), "--log", log)
	if code != 0 || !strings.Contains(errs, "2 frames") || !strings.Contains(errs, "1 malformed lines skipped") {
		t.Fatalf("lenient: exit %d: %s", code, errs)
	}
}

// TestSimRunDeterministic records the same scenario twice with one seed
// and once with another, and decodes the result.
func TestSimRunDeterministic(t *testing.T) {
	dir := t.TempDir()
	logs := []string{filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log"), filepath.Join(dir, "c.log")}
	for i, seed := range []string{"7", "7", "8"} {
		code, out, errs := runCLI(t, "sim", "run", "--scenario", "city", "--duration", "20s", "--seed", seed, "--out", "candump:"+logs[i])
		if code != 0 || !strings.Contains(out, "frames") {
			t.Fatalf("sim run: exit %d: %s %s", code, out, errs)
		}
	}
	a, _ := os.ReadFile(logs[0])
	b, _ := os.ReadFile(logs[1])
	c, _ := os.ReadFile(logs[2])
	if !bytes.Equal(a, b) || bytes.Equal(a, c) || len(a) == 0 {
		t.Fatal("same seed must give the same log, another seed another log")
	}
	code, _, errs := runCLI(t, "can", "decode", "--profile", "assets/vehicles/fascia-demo", "--log", logs[0])
	if code != 0 || !strings.Contains(errs, "0 with unknown IDs, 0 short") {
		t.Fatalf("decode: exit %d: %s", code, errs)
	}
}

func TestScreenshot(t *testing.T) {
	out := filepath.Join(t.TempDir(), "shot.png")
	code, _, errs := runCLI(t, "screenshot", "--screen", "vehicle", "--size", "800x480", "--theme", "night", "--scenario", "door-open-while-moving", "--at", "30s", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 480 {
		t.Fatalf("size %v", b)
	}
	if code, _, _ := runCLI(t, "screenshot", "--screen", "nope", "--out", out); code != 1 {
		t.Fatalf("unknown screen: exit %d", code)
	}
	if code, _, _ := runCLI(t, "screenshot", "--theme", "pink", "--out", out); code != 2 {
		t.Fatalf("bad theme: exit %d", code)
	}
}
