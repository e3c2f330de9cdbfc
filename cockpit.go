package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/internal/paintprobe"
	"github.com/fascia-hmi/fascia/ui"
)

// AppID is the cockpit's Fyne application ID (as in FyneApp.toml).
const AppID = "io.github.fascia_hmi.fascia"

func version() string { return app.Version }

// runCockpit opens the cockpit window and runs until it is closed.
func runCockpit(args []string, stderr io.Writer) int {
	start := paintprobe.ProcessStart()
	defer profile(stderr)()
	cfg, err := config.Load(args, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "fascia:", err)
		return 2
	}
	log := newLogger(cfg.LogLevel, cfg.LogFormat, stderr)
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
	w := a.NewWindow("Fascia")
	shell := ui.New(c, ui.Options{})
	probe := paintprobe.New(func() {
		log.Info("first frame", "ms", time.Since(start).Milliseconds(), "source", cfg.CAN)
		if cfg.ExitAfter > 0 {
			time.AfterFunc(cfg.ExitAfter, func() { fyne.Do(a.Quit) })
		}
	})
	w.SetContent(container.NewStack(shell.Content(), container.NewWithoutLayout(probe)))
	w.SetPadded(false)
	afterWindow(w, shell)
	w.Resize(fyne.NewSize(float32(cfg.Width), float32(cfg.Height)))
	if cfg.Fullscreen {
		w.SetFullScreen(true)
	}
	a.Lifecycle().SetOnStarted(shell.Start)
	a.Lifecycle().SetOnStopped(shell.Stop)
	w.ShowAndRun()
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
