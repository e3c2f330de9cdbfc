package player

import (
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/platform/audio"
)

// BenchmarkTapToSound measures from the Play call to the first sample of
// the track handed to the sink, through the null sink that pulls at real
// time as a device would (every 10 ms). Reports the median as "ms-median".
func BenchmarkTapToSound(b *testing.B) {
	out, err := audio.Open(audio.SinkNull, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	p := New(Options{})
	defer p.Close()
	first := make(chan time.Time, 1)
	p.onFirst = func(Item) {
		select {
		case first <- time.Now():
		default:
		}
	}
	out.Add(p.Streamer())
	items := []Item{item("sine-a.flac"), item("sine-b.flac")}
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		p.Play(items, 0)
		select {
		case t := <-first:
			lat = append(lat, t.Sub(start))
		case <-time.After(5 * time.Second):
			b.Fatal("no sound within 5 s")
		}
		p.Pause()
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2])/1e6, "ms-median")
	b.ReportMetric(float64(lat[len(lat)*9/10])/1e6, "ms-p90")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFLACPlaybackCPU decodes, gain-scales and mixes 30 s of FLAC at
// 44.1 kHz stereo per iteration, in 1024-sample buffers as a device pulls
// them, and reports the process CPU time it took as a share of the 30 s
// of real time that playing it takes ("cpu-%" of one core).
func BenchmarkFLACPlaybackCPU(b *testing.B) {
	if _, err := exec.LookPath("sox"); err != nil {
		b.Skip("sox not installed")
	}
	const secs = 30
	path := filepath.Join(b.TempDir(), "music.flac")
	// Music-like content: a chord with noise, 16-bit, so FLAC has work.
	cmd := exec.Command("sox", "-n", "-r", "44100", "-c", "2", "-b", "16", path,
		"synth", "30", "sine", "220", "sine", "277", "pinknoise", "vol", "0.3")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("sox: %v\n%s", err, out)
	}
	out := audio.NewCapture()
	p := New(Options{})
	defer p.Close()
	out.Add(p.Streamer())
	buf := make([][2]float64, 1024)
	var cpu, wall time.Duration
	for b.Loop() {
		p.Play([]Item{{Path: path}}, 0)
		for p.State().Loading {
			time.Sleep(time.Millisecond)
		}
		c0, w0 := cpuTime(), time.Now()
		for n := 0; n < audio.Rate.N(secs*time.Second); n += len(buf) {
			out.Read(buf)
		}
		cpu += cpuTime() - c0
		wall += time.Since(w0)
	}
	b.ReportMetric(100*cpu.Seconds()/float64(b.N)/secs, "cpu-%")
	b.ReportMetric(100*wall.Seconds()/float64(b.N)/secs, "wall-%")
}
