package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/internal/paintprobe"
	"github.com/fascia-hmi/fascia/ui"
	uimarket "github.com/fascia-hmi/fascia/ui/market"
	"github.com/fascia-hmi/fascia/ui/tester"
)

// AppID is the cockpit's Fyne application ID (as in FyneApp.toml).
const AppID = "io.github.fascia_hmi.fascia"

func version() string { return app.Version }

// gcPercent is the cockpit's garbage-collection target. Its live heap is
// small and steady (about 18 MB, mostly the parsed fonts) and it allocates
// about a megabyte a second once running, so collecting when the heap has
// grown by half instead of doubled costs a collection every few seconds
// and keeps some 8 MB of peak memory off a device that has little. The
// GOGC variable still overrides it.
const gcPercent = 50

// runCockpit opens the cockpit window and runs until it is closed.
func runCockpit(args []string, stderr io.Writer) int {
	start := paintprobe.ProcessStart()
	defer profile(stderr)()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	cfg, err := config.Load(args, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "fascia:", err)
		return 2
	}
	log := newLogger(cfg.LogLevel, cfg.LogFormat, stderr)
	var testerScenario, testerAddr string
	if cfg.Tester {
		if testerScenario, testerAddr, err = tester.ListenForTester(cfg); err != nil {
			fmt.Fprintln(stderr, "fascia:", err)
			return 1
		}
	}
	c, err := app.New(cfg, app.Options{Log: log})
	if err != nil {
		fmt.Fprintln(stderr, "fascia:", err)
		return 1
	}
	if err := c.Start(); err != nil {
		fmt.Fprintln(stderr, "fascia:", err)
		return 1
	}
	defer c.Close()

	a, afterWindow, closeDriver, err := newFyneApp(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "fascia:", err)
		return 1
	}
	defer closeDriver()
	a.Settings().SetTheme(ui.StartTheme(c, ""))
	w := a.NewWindow("Fascia")
	w.SetPadded(false)
	w.Resize(fyne.NewSize(float32(cfg.Width), float32(cfg.Height)))
	if cfg.Fullscreen {
		w.SetFullScreen(true)
	}
	// Build the screens on a second goroutine while this one opens the
	// window: creating the GL context (shader compilation in software GL)
	// and building the shell (parsing the fonts, laying out the screens) each
	// take a few hundred milliseconds of start-up and need not wait for each
	// other. The shell is handed over before the window shows any content,
	// and the theme is in place before either starts (New adopts it).
	built := make(chan *ui.Shell, 1)
	go func() { built <- ui.New(c, ui.Options{}) }()
	w.Show()
	shell := <-built
	uimarket.ApplySavedTheme(shell.Env()) // the driver's theme pack, loaded off the UI goroutine
	c.Voice.SetScreens(ui.Switcher{Shell: shell})
	probe := paintprobe.New(func() {
		log.Info("first frame", "ms", time.Since(start).Milliseconds(), "source", cfg.CAN)
		if cfg.ExitAfter > 0 {
			time.AfterFunc(cfg.ExitAfter, func() { fyne.Do(a.Quit) })
		}
	})
	w.SetContent(container.NewStack(shell.Content(), container.NewWithoutLayout(probe)))
	afterWindow(w, shell)
	a.Lifecycle().SetOnStarted(shell.Start)
	a.Lifecycle().SetOnStopped(shell.Stop)
	if cfg.Tester {
		ts, err := tester.Connect(c.Profile, testerAddr, testerScenario, cfg.Seed)
		if err != nil {
			fmt.Fprintln(stderr, "fascia: tester:", err)
			return 1
		}
		defer ts.Close()
		// The panel's goroutines post to the UI; stop them before it ends.
		a.Lifecycle().SetOnStopped(func() { ts.Stop(); shell.Stop() })
		ts.Window(a).Show()
		ts.Start()
	}
	a.Run()
	return 0
}

// profile starts the profiles asked for by two hidden variables, for
// performance work: FASCIA_CPUPROFILE=FILE writes a CPU profile of the
// whole run, FASCIA_MEMPROFILE=FILE a heap profile at exit. It returns the
// function that finishes them.
func profile(stderr io.Writer) func() {
	var stop []func()
	if path := os.Getenv("FASCIA_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(stderr, "fascia: CPU profile:", err)
		} else {
			stop = append(stop, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv("FASCIA_MEMPROFILE"); path != "" {
		stop = append(stop, func() {
			f, err := os.Create(path)
			if err == nil {
				runtime.GC()
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				fmt.Fprintln(stderr, "fascia: heap profile:", err)
			}
		})
	}
	return func() {
		for _, f := range stop {
			f()
		}
	}
}
