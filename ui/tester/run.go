package tester

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/script"
	"github.com/fascia-hmi/fascia/app/voice"
	"github.com/fascia-hmi/fascia/platform/can"
	"github.com/fascia-hmi/fascia/ui"
	uimedia "github.com/fascia-hmi/fascia/ui/media"
	"github.com/fascia-hmi/fascia/ui/uithread"
)

// RunOptions configure a script run.
type RunOptions struct {
	File    string    // the script's file name, for messages and the report
	Source  []byte    // the script
	Dir     string    // report folder, created if missing
	Seed    uint64    // 0: each scenario's own seed
	Profile string    // vehicle profile folder; empty: the demo car
	Size    fyne.Size // the cockpit's size; zero: 1280×720
	Theme   string    // "day" (default) or "night"
	Log     *slog.Logger
}

// prepare fills in the default size and logger, creates the report folder,
// parses the script (a parse error is reported by the run, not returned
// here) and builds the cockpit's configuration for the run.
func (opt *RunOptions) prepare() (sc *script.Script, parseErr error, cfg config.Config, err error) {
	if opt.Size.Width == 0 {
		opt.Size = fyne.NewSize(1280, 720)
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, nil, cfg, err
	}
	sc, parseErr = script.Parse(opt.File, opt.Source)
	cfg = config.Defaults()
	cfg.Profile, cfg.Seed, cfg.Theme = opt.Profile, opt.Seed, opt.Theme
	// Settings changed by the script are saved into the report folder.
	cfg.Path = filepath.Join(opt.Dir, "config.toml")
	cfg.CAN = "script:" + filepath.Base(opt.File) // the status bar's source name; the feed is not started
	return sc, parseErr, cfg, nil
}

// LogName is the candump log of a run in its report folder.
const LogName = "run.log"

// stepEvery is the simulated time between UI updates in a headless run:
// about the cockpit's display loop rate.
const stepEvery = 100 * time.Millisecond

// RunHeadless runs a script against a cockpit drawn by Fyne's software
// painter, in virtual time: the same script, profile and seed give the same
// report and screenshots. It writes index.html, the screenshots and the
// candump log into opt.Dir, also when the script stops at an error; the
// error is then in the report (Report.Err). The returned error is for
// failures to run at all (no report folder, bad profile).
//
// It installs Fyne's in-memory test app as the current app, like ui.Render.
func RunHeadless(opt RunOptions) (*script.Report, error) {
	if opt.Theme == "" {
		opt.Theme = "day"
	}
	sc, parseErr, cfg, err := opt.prepare()
	if err != nil {
		return nil, err
	}
	var car atomic.Pointer[script.Driver]            // the cockpit's clock reads it from its goroutines
	mic, speaker := NewMicrophone(), NewSpeaker(nil) // headless: replies are reported, not played
	c, err := app.New(&cfg, app.Options{Clock: func() time.Time {
		if d := car.Load(); d != nil {
			return d.VirtualNow()
		}
		return script.NewDriverEpoch()
	}, Log: opt.Log, Microphone: mic.Capture, Speaker: speaker})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	// The script's `say` speaks through mic. Loading takes real time, which
	// a virtual-time run does not wait for: wait now, so that every run
	// sees voice commands ready.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.StartVoice(ctx)
	select {
	case <-c.Voice.Ready():
	case <-time.After(sayTimeout):
	}
	// The demo music, indexed in the report folder, through the null sink.
	if err := c.StartHeadlessMedia(context.Background(), opt.Dir); err != nil {
		return nil, err
	}
	if err := uimedia.Preload(c.Media.Library()); err != nil {
		return nil, err
	}
	rec, err := can.Create("candump:" + filepath.Join(opt.Dir, LogName))
	if err != nil {
		return nil, err
	}
	d := connect(c, rec, false)
	car.Store(d)

	var rep *script.Report
	// The script runs on a goroutine of its own, which uithread makes the
	// UI goroutine: the cockpit's fyne.Do calls wait for its steps.
	done := make(chan struct{})
	go func() {
		defer close(done)
		a := test.NewApp()
		serial := uithread.Install(a)
		sh := ui.New(c, ui.Options{Theme: opt.Theme, SetTheme: func(th fyne.Theme) { a.Settings().SetTheme(th) }})
		cv := software.NewCanvas()
		cv.SetPadded(false)
		cv.SetContent(sh.Content())
		cv.Resize(opt.Size)
		ck := &Cockpit{Shell: sh, Canvas: cv, do: serial.Step, settle: settleMap(c, 0), voice: &voiceDriver{c.Voice, mic, speaker}}
		c.Voice.SetScreens(ui.Switcher{Shell: sh})
		ck.sync = func() {
			sh.Loop().Step()
			cv.Resize(opt.Size)
		}
		var sinceAlerts time.Duration
		r := &script.Runner{Driver: d, UI: ck, Store: c.Store, Dir: opt.Dir, Seed: opt.Seed,
			Advance: func(dt time.Duration) error {
				end := d.Now() + dt
				for {
					next := min(d.Now()+stepEvery, end)
					if err := d.Step(next); err != nil {
						return err
					}
					sinceAlerts += stepEvery
					if sinceAlerts >= 500*time.Millisecond || next == end {
						c.Alerts.Evaluate()
						sinceAlerts = 0
					}
					sh.Loop().Step()
					if next >= end {
						return nil
					}
				}
			}}
		rep = r.Run(sc, parseErr)
	}()
	<-done
	rep.Log = LogName
	rep.Frames, _ = d.Counts()
	if err := rec.Close(); err != nil {
		return rep, err
	}
	return rep, rep.WriteHTML(opt.Dir)
}

// ReadAndRun reads a script file and runs it headless (see RunHeadless).
func ReadAndRun(file string, opt RunOptions) (*script.Report, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	opt.File, opt.Source = file, src
	return RunHeadless(opt)
}

// ExitError is the error of a run that did not pass.
func ExitError(rep *script.Report) error {
	if rep.OK() {
		return nil
	}
	if rep.Err != nil {
		return rep.Err
	}
	return errors.New(fmt.Sprint(rep.Failed, " expectation(s) failed"))
}

// RunWindowed runs a script against the cockpit in a real window of a, in
// real time: the Player drives the car at ×1, `wait` waits on the wall
// clock, and taps, drags, captures and text reads run on the UI goroutine.
// It must be called on the main goroutine; it returns when the script ends
// and the window has closed. Runs are not deterministic (frames follow the
// wall clock), and a capture is the window's own rendering.
func RunWindowed(a fyne.App, opt RunOptions, afterWindow func(fyne.Window, *ui.Shell)) (*script.Report, error) {
	sc, parseErr, cfg, err := opt.prepare()
	if err != nil {
		return nil, err
	}
	mic, speaker := NewMicrophone(), NewSpeaker(voice.Espeak{})
	c, err := app.New(&cfg, app.Options{Log: opt.Log, Microphone: mic.Capture, Speaker: speaker})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.StartVoice(ctx) // the script's `say` speaks through mic
	defer c.Voice.Close()
	rec, err := can.Create("candump:" + filepath.Join(opt.Dir, LogName))
	if err != nil {
		return nil, err
	}
	d := connect(c, rec, true)
	player := NewLivePlayer(d)
	defer player.Close()
	go c.Alerts.Run(ctx, 500*time.Millisecond)

	a.Settings().SetTheme(ui.StartTheme(c, opt.Theme))
	title := "Fascia — " + filepath.Base(opt.File)
	w := a.NewWindow(title)
	w.SetPadded(false)
	w.Resize(opt.Size)
	sh := ui.New(c, ui.Options{Theme: opt.Theme})
	w.SetContent(sh.Content())
	if afterWindow != nil {
		afterWindow(w, sh)
	}
	ck := &Cockpit{Shell: sh, Canvas: w.Canvas(), do: fyne.DoAndWait, title: title, settle: settleMap(c, 3*time.Second/ui.DefaultRate),
		voice: &voiceDriver{c.Voice, mic, speaker}}
	c.Voice.SetScreens(ui.Switcher{Shell: sh})
	var rep *script.Report
	a.Lifecycle().SetOnStarted(func() {
		sh.Start()
		go func() {
			r := &script.Runner{Driver: d, UI: ck, Store: c.Store, Dir: opt.Dir, Seed: opt.Seed,
				Advance: func(dt time.Duration) error {
					player.Play()
					time.Sleep(dt)
					// Let the display loop show the last values.
					time.Sleep(2 * time.Second / ui.DefaultRate)
					return player.Err()
				}}
			rep = r.Run(sc, parseErr)
			c.Voice.Close() // before the UI goes: its last status would reach no window
			fyne.Do(a.Quit)
		}()
	})
	a.Lifecycle().SetOnStopped(sh.Stop)
	w.ShowAndRun()
	if rep == nil {
		return nil, errors.New("the window closed before the script ended")
	}
	rep.Log = LogName
	rep.Frames, _ = d.Counts()
	if err := rec.Close(); err != nil {
		return rep, err
	}
	return rep, rep.WriteHTML(opt.Dir)
}

// NewLivePlayer starts a Player of d, paused, and returns it.
func NewLivePlayer(d *script.Driver) *script.Player {
	p := script.NewPlayer(d)
	p.Start()
	return p
}

// connect makes the script's car: its frames go to the cockpit's feed and
// the run's log, and the cockpit's commands (Feed.Send) go to the car and
// the log. wall stamps the car's frames with the wall clock (real-time
// runs).
func connect(c *app.Cockpit, log can.Sink, wall bool) *script.Driver {
	var mu sync.Mutex // the car's frames and the cockpit's commands share the log
	record := func(f *can.Frame) error {
		mu.Lock()
		defer mu.Unlock()
		return log.Write(f)
	}
	d := script.NewDriver(c.Profile, func(f *can.Frame) error {
		if wall {
			f.Time = time.Now()
		}
		c.Feed.Deliver(f)
		return record(f)
	}, nil)
	c.Feed.Transmit(func(f *can.Frame) error {
		if err := d.Write(f); err != nil {
			return err
		}
		return record(f)
	})
	return d
}
