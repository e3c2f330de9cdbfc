package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestWindowUnderXvfb runs the real fascia binary (GL build, Mesa software
// rendering) in a virtual X server with the simulated car, takes two
// screenshots of the root window several seconds apart and checks that the
// window is not blank and that the speed readout changed.
func TestWindowUnderXvfb(t *testing.T) {
	dir, bin := buildForXvfb(t, "Xvfb", "import")
	display := startXvfb(t, 1280, 720)
	cockpitLog := startWindow(t, bin, display, dir, "--exit-after", "40s")
	// The city scenario starts parked and pulls away at 6 s of simulated
	// (wall-clock) time: one shot while parked or pulling away, one at speed.
	time.Sleep(3 * time.Second)
	a := screenshot(t, display, filepath.Join(dir, "a.png"))
	time.Sleep(9 * time.Second)
	b := screenshot(t, display, filepath.Join(dir, "b.png"))

	for name, img := range map[string]image.Image{"first": a, "second": b} {
		if sd := stddev(img, img.Bounds()); sd < 10 {
			t.Errorf("%s screenshot looks blank (luma standard deviation %.1f)", name, sd)
		}
	}
	// The speed readout sits in the middle column of the home screen.
	w, h := a.Bounds().Dx(), a.Bounds().Dy()
	speed := image.Rect(w*40/100, h*30/100, w*60/100, h*58/100)
	if d := meanDiff(a, b, speed); d < 2 {
		keep(t, a, b)
		t.Errorf("speed readout did not change between screenshots (mean difference %.2f)", d)
	}
	if t.Failed() {
		t.Logf("cockpit log:\n%s", cockpitLog())
	}
}

// buildForXvfb skips an end-to-end test with -short or, outside CI, when a
// tool is missing (in CI a missing tool fails it), and builds the binary
// into the test's temporary folder, which it returns with the binary.
func buildForXvfb(t *testing.T, tools ...string) (dir, bin string) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing: scripts/install-deps installs it", tool)
			}
			t.Skipf("%s not installed (scripts/install-deps installs it)", tool)
		}
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "fascia")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir, bin
}

// xEnv is the environment of the binary under Xvfb: software GL, a UTF-8
// locale, and configuration and data in the test's folder.
func xEnv(display, dir string) []string {
	return append(os.Environ(), "DISPLAY="+display, "LIBGL_ALWAYS_SOFTWARE=1", "LANG=en_US.UTF-8",
		"XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data"))
}

// startWindow starts the cockpit at 1280×720 in the day theme with extra
// flags, and returns once it logged its first frame (failing the test,
// with the log, if none comes within 60 s), with a function that returns
// its log so far. The process is killed at the end of the test.
func startWindow(t *testing.T, bin, display, dir string, args ...string) (log func() string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--size", "1280x720", "--theme", "day",
		"--config", filepath.Join(dir, "config.toml")}, args...)...)
	cmd.Env = xEnv(display, dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var logMu sync.Mutex
	var logBuf bytes.Buffer
	firstFrame := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			logMu.Lock()
			logBuf.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if strings.Contains(sc.Text(), "first frame") {
				once.Do(func() { close(firstFrame) })
			}
		}
	}()
	select {
	case <-firstFrame:
	case <-time.After(60 * time.Second):
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("no first frame within 60 s; log:\n%s", logBuf.String())
	}
	return func() string {
		logMu.Lock()
		defer logMu.Unlock()
		return logBuf.String()
	}
}

// startXvfb starts a virtual X server on a free display and returns its name.
func startXvfb(t *testing.T, w, h int) string {
	for n := 90; n < 110; n++ {
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		if _, err := os.Stat(sock); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		x := exec.Command("Xvfb", display, "-screen", "0", fmt.Sprintf("%dx%dx24", w, h), "-nolisten", "tcp")
		if err := x.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			// SIGTERM lets Xvfb remove its lock file and socket; a killed
			// server leaves them behind and the display looks taken for
			// every later run.
			x.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { x.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				x.Process.Kill()
				<-done
			}
		})
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(sock); err == nil {
				return display
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("Xvfb %s did not start", display)
	}
	t.Fatal("no free X display between :90 and :109")
	return ""
}

func screenshot(t *testing.T, display, path string) image.Image {
	out, err := exec.Command("import", "-display", display, "-window", "root", path).CombinedOutput()
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func luma(img image.Image, x, y int) float64 {
	r, g, b, _ := img.At(x, y).RGBA()
	return (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)) / 257
}

func stddev(img image.Image, r image.Rectangle) float64 {
	var sum, sq, n float64
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			l := luma(img, x, y)
			sum, sq, n = sum+l, sq+l*l, n+1
		}
	}
	m := sum / n
	return math.Sqrt(sq/n - m*m)
}

func meanDiff(a, b image.Image, r image.Rectangle) float64 {
	var sum, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			sum += math.Abs(luma(a, x, y) - luma(b, x, y))
			n++
		}
	}
	return sum / n
}

// keep copies failing screenshots where a developer can look at them.
func keep(t *testing.T, imgs ...image.Image) {
	for i, img := range imgs {
		path := filepath.Join(os.TempDir(), fmt.Sprintf("fascia-e2e-%d.png", i))
		if f, err := os.Create(path); err == nil {
			png.Encode(f, img)
			f.Close()
			t.Logf("screenshot kept at %s", path)
		}
	}
}
