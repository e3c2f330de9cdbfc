package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/platform/can"
)

func cmdSim(args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "run" {
		return exitCode{2, "sim: usage: fascia sim run --scenario NAME --out candump:FILE|socketcan:IFACE|tcp:HOST:PORT [--realtime] [--seed N] [--duration D]"}
	}
	fs := newFlags("sim run")
	scenario := fs.String("scenario", "city", "scenario name (embedded) or .toml file")
	dst := fs.String("out", "", "candump:FILE, socketcan:IFACE, or tcp:HOST:PORT (a socketcand server, e.g. a cockpit with --can tcp-listen:HOST:PORT)")
	realtime := fs.Bool("realtime", false, "emit frames at wall-clock pace (default: as fast as possible)")
	seed := fs.Uint64("seed", 0, "random seed (0: the scenario's own); the same seed gives the same frames")
	dur := fs.Duration("duration", 0, "simulated time to run (default: the scenario's duration)")
	profile := fs.String("profile", "", "vehicle profile to encode with (default: the demo car)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *dst == "" {
		return exitCode{2, "sim run: --out candump:FILE|socketcan:IFACE|tcp:HOST:PORT is required"}
	}
	p, err := app.LoadProfile(*profile)
	if err != nil {
		return err
	}
	s, err := app.NewSim(p, *scenario, *seed)
	if err != nil {
		return err
	}
	until := *dur
	if until == 0 {
		until = s.Scenario().Duration
	}
	sink, err := can.Create(*dst)
	if err != nil {
		return err
	}
	n := 0
	if *realtime {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		ctx, cancel := context.WithTimeout(ctx, until)
		defer cancel()
		src := s.Source("sim:" + *scenario)
		var f can.Frame
		for {
			if err = src.Next(ctx, &f); err != nil {
				break
			}
			if err = sink.Write(&f); err != nil {
				break
			}
			n++
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			err = nil
		}
	} else {
		err = s.Step(until, func(f *can.Frame) error { n++; return sink.Write(f) })
	}
	if cerr := sink.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %d frames, %s simulated, seed %d, to %s\n", *scenario, n, until.Round(time.Millisecond), *seed, *dst)
	return nil
}
