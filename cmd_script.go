package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"

	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/script"
	"github.com/fascia-hmi/fascia/ui/tester"
)

func init() {
	register("script", command{
		usage: "fascia script run FILE [--out DIR] [--headless] [--seed N] [--size WxH] [--theme day|night]",
		run:   cmdScript,
	})
}

// cmdScript runs a tester script and writes its report folder. The exit
// code is 0 when every expectation held, 1 when one failed or the script
// stopped at an error, 2 for usage errors.
func cmdScript(args []string, stdout, stderr io.Writer) error {
	const usage = "script: usage: fascia script run FILE [--out DIR] [--headless] [--seed N] [--size WxH] [--theme day|night] [--profile DIR]"
	if len(args) == 0 || args[0] != "run" {
		return exitCode{2, usage}
	}
	args = args[1:]
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	fs := newFlags("script run")
	out := fs.String("out", "", "report folder (default: FILE's name without extension + \"-report\")")
	headless := fs.Bool("headless", false, "draw with Fyne's software painter in virtual time (deterministic); default: a real window in real time")
	seed := fs.Uint64("seed", 0, "simulator seed (0: each scenario's own)")
	size := fs.String("size", "1280x720", "cockpit size WxH")
	theme := fs.String("theme", "day", "day or night")
	profile := fs.String("profile", "", "vehicle profile folder (default: the demo car)")
	if err := fs.Parse(args); err != nil {
		return exitCode{2, ""}
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return exitCode{2, fmt.Sprintf("script run: unexpected argument %q", fs.Arg(0))}
	}
	if file == "" {
		return exitCode{2, usage}
	}
	w, h, err := config.ParseSize(*size)
	if err != nil {
		return exitCode{2, "script run: " + err.Error()}
	}
	if *theme != "day" && *theme != "night" {
		return exitCode{2, fmt.Sprintf("script run: --theme %q is not day or night", *theme)}
	}
	dir := *out
	if dir == "" {
		dir = strings.TrimSuffix(file, filepath.Ext(file)) + "-report"
	}
	opt := tester.RunOptions{Dir: dir, Seed: *seed, Profile: *profile, Size: fyne.NewSize(float32(w), float32(h)),
		Theme: *theme, Log: newLogger("warn", "text", stderr)}
	run := tester.ReadAndRun
	if !*headless {
		run = runScriptWindowed
	}
	rep, err := run(file, opt)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, rep.Summary())
	fmt.Fprintf(stdout, "report: %s\n", filepath.Join(dir, "index.html"))
	if err := tester.ExitError(rep); err != nil {
		return exitCode{1, err.Error()}
	}
	return nil
}

// runScriptWindowed runs a script in a real cockpit window.
func runScriptWindowed(file string, opt tester.RunOptions) (*script.Report, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	opt.File, opt.Source = file, src
	cfg := config.Defaults()
	a, afterWindow, closeDriver, err := newFyneApp(&cfg)
	if err != nil {
		return nil, err
	}
	defer closeDriver()
	return tester.RunWindowed(a, opt, afterWindow)
}
