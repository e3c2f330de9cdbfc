package main

import (
	"fmt"
	"io"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/ui/tester"
)

func init() {
	register("tester", command{
		usage: "fascia tester --connect HOST:PORT [--scenario NAME] [--profile DIR] [--seed N]",
		run:   cmdTester,
	})
}

// cmdTester opens the tester panel alone, driving a cockpit that runs
// elsewhere with `--can tcp-listen:HOST:PORT` (or any socketcand server).
func cmdTester(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("tester")
	addr := fs.String("connect", "", fmt.Sprintf("the cockpit's socketcand listener, HOST:PORT (it runs with --can tcp-listen:0.0.0.0:%d)", tester.DefaultPort))
	scenario := fs.String("scenario", "city", "scenario to start with (embedded name or .toml file)")
	profile := fs.String("profile", "", "vehicle profile the cockpit uses (default: the demo car)")
	seed := fs.Uint64("seed", 0, "simulator seed (0: the scenario's own)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *addr == "" {
		return exitCode{2, "tester: --connect HOST:PORT is required"}
	}
	p, err := app.LoadProfile(*profile)
	if err != nil {
		return err
	}
	ts, err := tester.Connect(p, *addr, *scenario, *seed)
	if err != nil {
		return err
	}
	defer ts.Close()
	cfg := config.Defaults()
	a, _, closeDriver, err := newFyneApp(&cfg)
	if err != nil {
		return err
	}
	defer closeDriver()
	w := ts.Window(a)
	a.Lifecycle().SetOnStopped(ts.Stop)
	ts.Start()
	fmt.Fprintf(stdout, "driving the cockpit at %s with %s; report in %s\n", *addr, *scenario, ts.Dir)
	w.ShowAndRun()
	return nil
}
