package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/script"
)

// TestTesterUnderXvfb runs the real binary in a virtual X server twice:
// `fascia --tester` (cockpit and panel windows; the panel's car feeds the
// cockpit over the socketcand bridge and records the session), and a
// windowed script run that taps the real window's widgets.
func TestTesterUnderXvfb(t *testing.T) {
	dir, bin := buildForXvfb(t, "Xvfb", "xdotool", "import")
	display := startXvfb(t, 2400, 800)
	data := filepath.Join(dir, "data")
	env := xEnv(display, dir)

	// A hung window is killed with SIGQUIT, which makes Go print every
	// goroutine's stack into the output the test shows.
	run := func(args ...string) *exec.Cmd {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		t.Cleanup(cancel)
		c := exec.CommandContext(ctx, bin, args...)
		c.Cancel = func() error { return c.Process.Signal(syscall.SIGQUIT) }
		c.WaitDelay = 10 * time.Second
		c.Env = env
		return c
	}
	cmd := run("--tester", "--size", "1280x720", "--exit-after", "8s", "--config", filepath.Join(dir, "config.toml"))
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Run(); err != nil {
		t.Fatalf("fascia --tester: %v\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), `source="tcp-listen:127.0.0.1:`) {
		t.Errorf("the cockpit did not listen for the panel:\n%s", logs.String())
	}
	sessions, _ := filepath.Glob(filepath.Join(data, "fascia", "tester", "*", "run.log"))
	if len(sessions) != 1 {
		t.Fatalf("session logs: %v", sessions)
	}
	log, _ := os.ReadFile(sessions[0])
	if n := bytes.Count(log, []byte("\n")); n < 500 {
		t.Errorf("the panel's car sent %d frames in 8 s", n)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(sessions[0]), "index.html")); err != nil {
		t.Errorf("no session report: %v", err)
	}

	out := filepath.Join(dir, "report")
	cmd = run("script", "run", "examples/scripts/settings.fscript", "--out", out)
	if b, err := cmd.CombinedOutput(); err != nil || !bytes.Contains(b, []byte("5 passed, 0 failed")) {
		t.Fatalf("windowed script run: %v\n%s", err, b)
	}
	// Screenshots of a real window show the cockpit: Fyne's GL capture
	// reads a blank front buffer under Xvfb, so they come from the X
	// server (xdotool + import).
	shots, _ := filepath.Glob(filepath.Join(out, "*.png"))
	if len(shots) == 0 {
		t.Fatal("the windowed run wrote no screenshot")
	}
	for _, f := range shots {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if script.Uniform(img) {
			t.Errorf("%s is a single colour", filepath.Base(f))
		}
	}
}
