// Command fascia-market is the Fascia store server: `serve` (default) runs
// the HTTP API, `seed` loads the demo catalog, `bench` measures catalog and
// purchase throughput over loopback.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fascia-hmi/fascia/market/api"
	"github.com/fascia-hmi/fascia/market/demo"
	"github.com/fascia-hmi/fascia/market/keys"
	"github.com/fascia-hmi/fascia/market/loadgen"
	"github.com/fascia-hmi/fascia/market/payment"
	"github.com/fascia-hmi/fascia/market/store"
)

const usage = `usage: fascia-market [serve] [--db sqlite:PATH|postgres://…] [--addr HOST:PORT] [--key FILE] [--content DIR]
       fascia-market seed [--db …] [--key FILE] [--content DIR] [--region-pack FILE.pmtiles]
       fascia-market bench [--db …] [--url URL] [--duration 5s] [--runs 3] [--catalog-workers 32] [--purchase-workers 16]
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		var u usageError
		if errors.As(err, &u) {
			if u != "" {
				fmt.Fprintln(os.Stderr, "fascia-market:", string(u))
			}
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "fascia-market:", err)
		os.Exit(1)
	}
}

type usageError string

func (u usageError) Error() string { return string(u) }

func run(args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, stderr)
	case "seed":
		return seed(args, stdout)
	case "bench":
		return bench(args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError("unknown command " + cmd)
}

// dataDir is $XDG_DATA_HOME/fascia (default ~/.local/share/fascia).
func dataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "fascia")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "fascia-data"
	}
	return filepath.Join(home, ".local", "share", "fascia")
}

type common struct {
	db, key, content *string
	logFormat        *string
	logLevel         *string
}

func commonFlags(fs *flag.FlagSet) common {
	d := dataDir()
	return common{
		db:        fs.String("db", "sqlite:"+filepath.Join(d, "market.db"), "database: sqlite:PATH or postgres://user:pw@host/db"),
		key:       fs.String("key", filepath.Join(d, "market.key"), "store ed25519 key file (created on first run)"),
		content:   fs.String("content", filepath.Join(d, "market-content"), "directory of content files (named by SHA-256)"),
		logFormat: fs.String("log-format", "text", "log format: text or json"),
		logLevel:  fs.String("log-level", "info", "log level: debug, info, warn, error"),
	}
}

func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return usageError(fs.Name() + ": " + err.Error())
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0)))
	}
	return nil
}

func logger(c common, w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*c.logLevel)); err != nil {
		return nil, usageError("--log-level: " + err.Error())
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch *c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError("--log-format: want text or json")
}

func serve(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c := commonFlags(fs)
	addr := fs.String("addr", "127.0.0.1:8470", "listen address")
	payTimeout := fs.Duration("payment-timeout", 10*time.Second, "timeout of each payment provider call")
	renewEvery := fs.Duration("renew-every", time.Minute, "how often the subscription renewal job runs")
	provider := fs.String("payment", "sandbox", "payment provider (built in: sandbox)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *provider != "sandbox" {
		return usageError("--payment: only the built-in sandbox provider exists")
	}
	log, err := logger(c, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, *c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	key, created, err := keys.LoadOrCreate(*c.key)
	if err != nil {
		return err
	}
	if created {
		log.Info("created store key", "file", *c.key)
	}
	srv, err := api.New(ctx, api.Config{Store: st, Provider: payment.NewSandbox(), Key: key, ContentDir: *c.content, Log: log, PaymentTimeout: *payTimeout})
	if err != nil {
		return err
	}
	srv.Run(ctx, *renewEvery)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}
	log.Info("fascia-market serving", "addr", ln.Addr().String(), "db", st.Backend())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = hs.Shutdown(sctx)
	srv.Kill()
	return err
}

func seed(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	c := commonFlags(fs)
	region := fs.String("region-pack", "", "PMTiles file for the Monaco map region pack (default: the shared test data)")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	if *region == "" {
		p, err := demo.FindRegionPack()
		if err != nil {
			return err
		}
		*region = p
	}
	data, err := os.ReadFile(*region)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *c.db)
	if err != nil {
		return err
	}
	defer st.Close()
	key, _, err := keys.LoadOrCreate(*c.key)
	if err != nil {
		return err
	}
	v, err := demo.Seed(ctx, st, key, *c.content, data)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded demo catalog version %d into %s (content in %s)\n", v, st.Backend(), *c.content)
	return nil
}

func bench(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	db := fs.String("db", "", "database for an in-process server (default: a fresh SQLite file in a temp dir)")
	url := fs.String("url", "", "bench a running, seeded server instead of an in-process one")
	d := fs.Duration("duration", 5*time.Second, "length of each phase")
	runs := fs.Int("runs", 3, "runs of each phase (medians reported)")
	cw := fs.Int("catalog-workers", 32, "concurrent catalog clients")
	pw := fs.Int("purchase-workers", 16, "concurrent purchasing cars")
	region := fs.String("region-pack", "", "region pack for seeding (default: shared test data, else a placeholder)")
	phases := fs.String("phases", "catalog,purchase", "phases to run: catalog, purchase or both")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	base := *url
	if base == "" {
		tmp, err := os.MkdirTemp("", "fascia-market-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if *db == "" {
			*db = "sqlite:" + filepath.Join(tmp, "bench.db")
		}
		st, err := store.Open(ctx, *db)
		if err != nil {
			return err
		}
		defer st.Close()
		key, _, err := keys.LoadOrCreate(filepath.Join(tmp, "key"))
		if err != nil {
			return err
		}
		pack := []byte("placeholder region pack for bench\n")
		if *region == "" {
			if p, err := demo.FindRegionPack(); err == nil {
				*region = p
			}
		}
		if *region != "" {
			if pack, err = os.ReadFile(*region); err != nil {
				return err
			}
		}
		if _, err := demo.Seed(ctx, st, key, filepath.Join(tmp, "content"), pack); err != nil {
			return err
		}
		log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		srv, err := api.New(ctx, api.Config{Store: st, Provider: payment.NewSandbox(), Key: key, ContentDir: filepath.Join(tmp, "content"), Log: log})
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		hs := &http.Server{Handler: srv.Handler()}
		go hs.Serve(ln)
		defer hs.Close()
		base = "http://" + ln.Addr().String()
		fmt.Fprintf(stdout, "in-process server %s, backend %s\n", base, st.Backend())
	}
	doCat, doPur := strings.Contains(*phases, "catalog"), strings.Contains(*phases, "purchase")
	if !doCat && !doPur {
		return usageError("--phases: want catalog, purchase or catalog,purchase")
	}
	var cat, pur []loadgen.Result
	for i := range *runs {
		if doCat {
			c := loadgen.Catalog(ctx, base, *cw, *d)
			fmt.Fprintf(stdout, "run %d %s\n", i+1, c)
			cat = append(cat, c)
		}
		if doPur {
			p, err := loadgen.Purchases(ctx, base, demo.Parking, *pw, *d)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "run %d %s\n", i+1, p)
			if p.FirstError != "" {
				fmt.Fprintf(stdout, "      first purchase error: %s\n", p.FirstError)
			}
			pur = append(pur, p)
		}
	}
	if doCat {
		fmt.Fprintf(stdout, "median  %s\n", median(cat))
	}
	if doPur {
		fmt.Fprintf(stdout, "median  %s\n", median(pur))
	}
	return nil
}

// median takes the median of each figure independently.
func median(rs []loadgen.Result) loadgen.Result {
	m := rs[0]
	pick := func(get func(loadgen.Result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = get(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	m.RPS = pick(func(r loadgen.Result) float64 { return r.RPS })
	m.Requests = int(pick(func(r loadgen.Result) float64 { return float64(r.Requests) }))
	m.Errors = int(pick(func(r loadgen.Result) float64 { return float64(r.Errors) }))
	m.P50 = time.Duration(pick(func(r loadgen.Result) float64 { return float64(r.P50) }))
	m.P95 = time.Duration(pick(func(r loadgen.Result) float64 { return float64(r.P95) }))
	m.P99 = time.Duration(pick(func(r loadgen.Result) float64 { return float64(r.P99) }))
	m.Max = time.Duration(pick(func(r loadgen.Result) float64 { return float64(r.Max) }))
	return m
}
