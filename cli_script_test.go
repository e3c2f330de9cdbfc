package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/platform/can"
	"github.com/fascia-hmi/fascia/ui"
)

// TestExampleScripts runs every script of examples/scripts headless and
// keeps each report under the test's temp dir: index.html, the screenshots
// and the candump log, which must replay. Between them the scripts visit
// every screen the cockpit has.
func TestExampleScripts(t *testing.T) {
	files, err := filepath.Glob("examples/scripts/*.fscript")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example scripts: %v", err)
	}
	reports := t.TempDir()
	visited := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".fscript")
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(reports, name)
			code, out, errs := runCLI(t, "script", "run", f, "--headless", "--out", dir)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			html, err := os.ReadFile(filepath.Join(dir, "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(html, []byte("PASSED")) || bytes.Contains(html, []byte(`class="fail"`)) {
				t.Errorf("report does not say PASSED:\n%s", html)
			}
			for _, m := range regexp.MustCompile(`<img src="([^"]+)"`).FindAllSubmatch(html, -1) {
				fh, err := os.Open(filepath.Join(dir, string(m[1])))
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(fh)
				fh.Close()
				if err != nil {
					t.Errorf("%s: %v", m[1], err)
					continue
				}
				// The first map screenshot is of Monte-Carlo: its tiles
				// must be drawn (a screenshot taken before the workers
				// had rendered them showed the empty background).
				if string(m[1]) == "map-following.png" {
					if n := colours(img); n < 1000 {
						t.Errorf("%s: %d colours in the map: the tiles are not drawn", m[1], n)
					}
				}
			}
			for _, m := range regexp.MustCompile(`expect screen (\w+)`).FindAllSubmatch(html, -1) {
				visited[string(m[1])] = true
			}
			// The run's log replays.
			src, err := can.Open("candump:" + filepath.Join(dir, "run.log") + "?speed=max")
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			var fr can.Frame
			for src.Next(t.Context(), &fr) == nil {
				n++
			}
			src.Close()
			if n < 100 {
				t.Errorf("run.log replays %d frames", n)
			}
		})
	}
	for _, s := range ui.ScreenNames() {
		if !visited[s] {
			t.Errorf("no example script checks `expect screen %s`", s)
		}
	}
	t.Logf("reports in %s", reports)
}

// TestScriptFailures: a failing expectation gives a failing report and exit
// code 1; a script error stops the run with FILE:LINE and still writes the
// report of the steps before it.
func TestScriptFailures(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "fail.fscript")
	os.WriteFile(file, []byte("scenario city\nwait 2s\nexpect value Vehicle.Speed 250±1\nscreenshot one\nexpect screen home\n"), 0o644)
	out := filepath.Join(dir, "report")
	code, stdout, _ := runCLI(t, "script", "run", file, "--headless", "--out", out)
	if code != 1 || !strings.Contains(stdout, "1 passed, 1 failed") {
		t.Fatalf("failing expect: exit %d\n%s", code, stdout)
	}
	html, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if !bytes.Contains(html, []byte("FAILED")) || !bytes.Contains(html, []byte(`class="fail"`)) {
		t.Errorf("report:\n%s", html)
	}
	if _, err := os.Stat(filepath.Join(out, "one.png")); err != nil {
		t.Error("the screenshot after the failed expectation was not taken:", err)
	}

	cases := []struct{ src, want string }{
		{"scenario city\nwait 1s\nscreenshot before\nset Vehicle.Sped 80\n", `bad.fscript:4: unknown signal "Vehicle.Sped" (did you mean Vehicle.Speed`},
		{"scenario city\nscreenshot before\ntap \"Nowhere\"\n", `bad.fscript:3: tap "Nowhere": label not found`},
		{"scenario city\nscreenshot before\nhonk\n", `bad.fscript:3: unknown command "honk"`},
		{"scenario nowhere\nscreenshot before\n", `bad.fscript:1:`},
		{"screenshot before\nset Vehicle.Speed fast\n", `bad.fscript:2: Vehicle.Speed: "fast" is not a number`},
	}
	for i, c := range cases {
		file := filepath.Join(dir, "bad.fscript")
		os.WriteFile(file, []byte(c.src), 0o644)
		out := filepath.Join(dir, "bad", string(rune('a'+i)))
		code, _, stderr := runCLI(t, "script", "run", file, "--headless", "--out", out)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", c.src, code, stderr, c.want)
		}
		html, err := os.ReadFile(filepath.Join(out, "index.html"))
		if err != nil {
			t.Errorf("%q: no report: %v", c.src, err)
			continue
		}
		if !bytes.Contains(html, []byte(`class="error"`)) {
			t.Errorf("%q: the report does not show the error", c.src)
		}
		if !strings.HasPrefix(c.src, "scenario nowhere") {
			if _, err := os.Stat(filepath.Join(out, "before.png")); err != nil {
				t.Errorf("%q: the steps before the error did not run", c.src)
			}
		}
	}
	if code, _, _ := runCLI(t, "script", "run"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "script", "walk", "x"); code != 2 {
		t.Errorf("bad subcommand: exit %d, want 2", code)
	}
}

// TestScriptDeterministic: the same script and seed give the same frames.
func TestScriptDeterministic(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "d.fscript")
	os.WriteFile(file, []byte("scenario city\nwait 3s\nfault noise Vehicle.Speed 5\nwait 2s\n"), 0o644)
	var logs [2][]byte
	for i := range logs {
		out := filepath.Join(dir, string(rune('a'+i)))
		if code, _, errs := runCLI(t, "script", "run", file, "--headless", "--seed", "9", "--out", out); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		logs[i], _ = os.ReadFile(filepath.Join(out, "run.log"))
	}
	if len(logs[0]) == 0 || !bytes.Equal(logs[0], logs[1]) {
		t.Error("two runs with the same seed sent different frames")
	}
}

// TestSimRunToBridge: `fascia sim run --out tcp:` sends the scenario's
// frames to a socketcand listener.
func TestSimRunToBridge(t *testing.T) {
	src, err := can.Open("tcp-listen:127.0.0.1:0?rate=0&queue=100000")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	b := src.(*can.BridgeSource)
	code, out, errs := runCLI(t, "sim", "run", "--scenario", "city", "--duration", "5s", "--out", "tcp:"+b.Addr().String())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var sent int
	if _, err := fmt.Sscanf(out[strings.Index(out, ": ")+2:], "%d frames", &sent); err != nil || sent < 100 {
		t.Fatalf("output %q", out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for b.Stats().Frames < uint64(sent) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if st := b.Stats(); st.Frames != uint64(sent) || st.Errors != 0 {
		t.Errorf("listener %+v, sim sent %d", st, sent)
	}
	// socketcan: with no such interface is a clear error, not a hang.
	if code, _, errs := runCLI(t, "sim", "run", "--duration", "1s", "--out", "socketcan:nosuchcan9"); code != 1 || !strings.Contains(errs, "nosuchcan9") {
		t.Errorf("socketcan:nosuchcan9: exit %d, %q", code, errs)
	}
}

func TestTesterCommandErrors(t *testing.T) {
	if code, _, _ := runCLI(t, "tester"); code != 2 {
		t.Errorf("no --connect: exit %d, want 2", code)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	if code, _, errs := runCLI(t, "tester", "--connect", addr); code != 1 || !strings.Contains(errs, addr) {
		t.Errorf("nobody listening: exit %d, %q", code, errs)
	}
}

// colours counts the distinct colours in the middle of img (10–90 % of
// the width, 15–80 % of the height).
func colours(img image.Image) int {
	b := img.Bounds()
	seen := map[color.Color]bool{}
	for y := b.Dy() * 15 / 100; y < b.Dy()*80/100; y++ {
		for x := b.Dx() / 10; x < b.Dx()*9/10; x++ {
			seen[img.At(x, y)] = true
		}
	}
	return len(seen)
}
