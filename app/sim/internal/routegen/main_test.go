package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// generateLines returns the arguments of the routegen //go:generate lines
// of app/sim, with the paths made relative to this directory.
func generateLines(t *testing.T) [][]string {
	data, err := os.ReadFile("../../route.go")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, line := range strings.Split(string(data), "\n") {
		rest, ok := strings.CutPrefix(line, "//go:generate go run ./internal/routegen ")
		if !ok {
			continue
		}
		args := splitArgs(rest)
		for i := range args {
			if strings.HasPrefix(args[i], "../") {
				args[i] = filepath.Join("../..", args[i])
			}
		}
		out = append(out, args)
	}
	if len(out) == 0 {
		t.Fatal("no routegen //go:generate lines in app/sim/route.go")
	}
	return out
}

// splitArgs splits a command line at spaces outside double quotes.
func splitArgs(s string) []string {
	var args []string
	var cur strings.Builder
	quoted, inArg := false, false
	for _, c := range s {
		switch {
		case c == '"':
			quoted, inArg = !quoted, true
		case c == ' ' && !quoted:
			if inArg {
				args = append(args, cur.String())
			}
			cur.Reset()
			inArg = false
		default:
			cur.WriteRune(c)
			inArg = true
		}
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args
}

// TestCommittedGraphsAreCurrent regenerates every street graph from the
// shared OSM extracts and compares it with the committed file.
func TestCommittedGraphsAreCurrent(t *testing.T) {
	for _, args := range generateLines(t) {
		fs := flag.NewFlagSet("routegen", flag.ContinueOnError)
		in := fs.String("in", "", "")
		out := fs.String("out", "", "")
		name := fs.String("name", "", "")
		source := fs.String("source", "", "")
		var opt options
		fs.StringVar(&opt.altMode, "altitude", "const", "")
		fs.Float64Var(&opt.altBase, "alt-base", 0, "")
		fs.Float64Var(&opt.slope, "coast-slope", 0.12, "")
		fs.Float64Var(&opt.altMax, "alt-max", 160, "")
		fs.Float64Var(&opt.tolerance, "tolerance", 0.8, "")
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		tmp := filepath.Join(t.TempDir(), *name+".json")
		if err := run(*in, tmp, *name, *source, opt); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(tmp)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(*out)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./app/sim", *out)
		}
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	if err := run(filepath.Join(dir, "missing.osm.pbf"), filepath.Join(dir, "x.json"), "x", "", options{altMode: "const"}); err == nil {
		t.Error("missing input: no error")
	}
	if err := run("x", "y", "x", "", options{altMode: "lidar"}); err == nil || !strings.Contains(err.Error(), "lidar") {
		t.Errorf("bad altitude mode: %v", err)
	}
	// A file that is not PBF.
	bad := filepath.Join(dir, "bad.osm.pbf")
	if err := os.WriteFile(bad, []byte("not a pbf file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "bad.json")
	if err := run(bad, out, "bad", "", options{altMode: "const"}); err == nil {
		t.Error("bad input: no error")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("bad input left an output file: %v", err)
	}
	// Krems has no coastline.
	if err := run("../../../../../shared/data/osm/krems.osm.pbf", out, "k", "", options{altMode: "coast", slope: 0.1, altMax: 100, tolerance: 1}); err == nil || !strings.Contains(err.Error(), "coastline") {
		t.Errorf("coast mode without a coastline: %v", err)
	}
}

func TestSplitArgs(t *testing.T) {
	got := splitArgs(`-in a.pbf -source "x y (z)"  -name m`)
	want := []string{"-in", "a.pbf", "-source", "x y (z)", "-name", "m"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("splitArgs = %q", got)
	}
}
