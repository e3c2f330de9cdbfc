// Command fascia is the Fascia cockpit. With no subcommand it opens the
// cockpit window; the subcommands are the tools developers, testers and CI
// use without a display.
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
)

const usage = `usage: fascia [flags]                 open the cockpit (see fascia -h)
       fascia screenshot [flags]      render a screen headlessly to PNG
       fascia can check --dbc FILE     load a DBC and report what was tolerated or lost
       fascia can decode (--dbc FILE | --profile DIR) --log FILE [--json]
       fascia can record --can SOURCE --out FILE
       fascia sim run --scenario NAME --out candump:FILE|socketcan:IFACE [--realtime] [--seed N]
       fascia version
`

// command is a subcommand that lives in its own cmd_*.go file and
// registers itself from init, so that features add tools without editing
// the dispatcher.
type command struct {
	usage string // lines for the usage text, each starting "fascia NAME"
	run   func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

// register adds a subcommand; it is called from init functions.
func register(name string, c command) {
	if _, dup := commands[name]; dup {
		panic("fascia: subcommand registered twice: " + name)
	}
	commands[name] = c
}

// usageText is the fixed usage plus every registered subcommand's lines.
func usageText() string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(usage)
	for _, n := range names {
		for _, l := range strings.Split(strings.TrimSpace(commands[n].usage), "\n") {
			b.WriteString("       " + strings.TrimSpace(l) + "\n")
		}
	}
	return b.String()
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return runCockpit(args, stderr)
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "screenshot":
		err = cmdScreenshot(rest, stdout)
	case "can":
		err = cmdCAN(rest, stdout, stderr)
	case "sim":
		err = cmdSim(rest, stdout)
	case "version":
		fmt.Fprintln(stdout, "fascia", version())
	case "help":
		fmt.Fprint(stdout, usageText())
	default:
		c, ok := commands[cmd]
		if !ok {
			fmt.Fprintf(stderr, "fascia: unknown command %q\n%s", cmd, usageText())
			return 2
		}
		err = c.run(rest, stdout, stderr)
	}
	if err != nil {
		var ec exitCode
		if asExit(err, &ec) {
			if ec.msg != "" {
				fmt.Fprintln(stderr, "fascia:", ec.msg)
			}
			return ec.code
		}
		fmt.Fprintln(stderr, "fascia:", err)
		return 1
	}
	return 0
}

// exitCode is an error that asks for a particular exit code.
type exitCode struct {
	code int
	msg  string
}

func (e exitCode) Error() string { return e.msg }

func asExit(err error, ec *exitCode) bool {
	e, ok := err.(exitCode)
	if ok {
		*ec = e
	}
	return ok
}

func newLogger(level, format string, w io.Writer) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
