package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/config"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/dbc"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/platform/can"
)

func cmdCAN(args []string, out, errw io.Writer) error {
	if len(args) == 0 {
		return exitCode{2, "can: missing subcommand (check, decode, record)"}
	}
	switch args[0] {
	case "check":
		return canCheck(args[1:], out)
	case "decode":
		return canDecode(args[1:], out, errw)
	case "record":
		return canRecord(args[1:], out)
	}
	return exitCode{2, fmt.Sprintf("can: unknown subcommand %q (check, decode, record)", args[0])}
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return exitCode{2, ""}
	}
	if fs.NArg() > 0 {
		return exitCode{2, fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}

// canCheck loads a DBC file and reports what was loaded, tolerated and lost.
func canCheck(args []string, out io.Writer) error {
	fs := newFlags("can check")
	file := fs.String("dbc", "", "DBC file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return exitCode{2, "can check: --dbc FILE is required"}
	}
	db, err := dbc.Load(*file)
	if err != nil {
		return err
	}
	signals := 0
	for _, m := range db.Messages {
		signals += len(m.Signals)
	}
	fmt.Fprintf(out, "%s: %d messages, %d signals loaded (text has %d BO_, %d SG_)\n", db.File, len(db.Messages), signals, db.TextMessages, db.TextSignals)
	for _, w := range db.Warnings {
		fmt.Fprintf(out, "tolerated: %s\n", w)
	}
	for _, l := range db.Lost {
		fmt.Fprintf(out, "LOST: %s\n", l)
	}
	fmt.Fprintf(out, "%d tolerated, %d lost\n", len(db.Warnings), len(db.Lost))
	if len(db.Lost) > 0 {
		return exitCode{1, fmt.Sprintf("%s: %d definitions lost", db.File, len(db.Lost))}
	}
	return nil
}

// frameReader reads frames from a log file.
type frameReader interface {
	Next(f *can.Frame) error
}

// openLog opens a candump (.log or anything else) or PCAN-View (.trc) file.
func openLog(path string, lenient bool) (frameReader, func() int, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	if strings.HasSuffix(strings.ToLower(path), ".trc") {
		r, err := can.NewTRCReader(f, path)
		if err != nil {
			f.Close()
			return nil, nil, nil, err
		}
		r.Lenient = lenient
		return r, func() int { return r.Skipped }, f, nil
	}
	r := can.NewCandumpReader(f, path)
	r.Lenient = lenient
	return r, func() int { return r.Skipped }, f, nil
}

type update struct {
	Time    float64 `json:"t"`
	ID      string  `json:"id,omitempty"`
	Message string  `json:"message,omitempty"`
	Signal  string  `json:"signal"`
	Value   any     `json:"value"`
	Unit    string  `json:"unit,omitempty"`
	Label   string  `json:"label,omitempty"`
}

// canDecode decodes a log through a DBC (raw signal names) or a profile
// (VSS paths) and prints every update.
func canDecode(args []string, out, errw io.Writer) error {
	fs := newFlags("can decode")
	dbcFile := fs.String("dbc", "", "DBC file (prints raw DBC signal names)")
	profile := fs.String("profile", "", "vehicle profile folder (prints VSS paths)")
	logFile := fs.String("log", "", "candump (-l) or PCAN-View .trc log")
	asJSON := fs.Bool("json", false, "one JSON object per update")
	lenient := fs.Bool("lenient", false, "skip and count malformed log lines instead of stopping")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *logFile == "" || (*dbcFile == "") == (*profile == "") {
		return exitCode{2, "can decode: give --log FILE and one of --dbc FILE or --profile DIR"}
	}
	r, skipped, closer, err := openLog(*logFile, *lenient)
	if err != nil {
		return err
	}
	defer closer.Close()
	enc := json.NewEncoder(out)
	print := func(u update) {
		if *asJSON {
			enc.Encode(u)
			return
		}
		val := fmt.Sprint(u.Value)
		if u.Label != "" {
			val += " (" + u.Label + ")"
		}
		if u.Unit != "" {
			val += " " + u.Unit
		}
		if u.ID != "" {
			fmt.Fprintf(out, "%.6f %s %s.%s = %s\n", u.Time, u.ID, u.Message, u.Signal, val)
		} else {
			fmt.Fprintf(out, "%.6f %s = %s\n", u.Time, u.Signal, val)
		}
	}
	var (
		frame  can.Frame
		stats  func() vehicle.DecodeStats
		decode func(f *can.Frame)
	)
	if *dbcFile != "" {
		db, err := dbc.Load(*dbcFile)
		if err != nil {
			return err
		}
		raw := vehicle.NewRawDecoder(db)
		stats = raw.Stats
		decode = func(f *can.Frame) {
			t := seconds(f.Time)
			raw.Decode(f, func(m *dbc.Message, s *dbc.Signal, phys float64) {
				u := update{Time: t, ID: fmt.Sprintf("0x%X", m.ID), Message: m.Name, Signal: s.Name, Value: phys, Unit: s.Unit}
				if s.Values != nil {
					if lbl, ok := s.Values[rawOf(s, phys)]; ok {
						u.Label = lbl
					}
				}
				print(u)
			})
		}
	} else {
		p, err := app.LoadProfile(*profile)
		if err != nil {
			return err
		}
		var now time.Time
		store := vehicle.NewStore(func() time.Time { return now })
		dec := vehicle.NewDecoder(p, store)
		w := store.Watch(allIDs()...)
		w.Changed() // everything starts as "changed"; skip that
		stats = dec.Stats
		decode = func(f *can.Frame) {
			now = f.Time
			dec.Decode(f)
			for _, id := range w.Changed() {
				r := store.Get(id)
				if r.State == vehicle.NoData {
					continue
				}
				sig := vss.Get(id)
				u := update{Time: seconds(f.Time), Signal: sig.Path, Unit: sig.Unit}
				switch {
				case sig.Datatype == vss.String:
					u.Value = r.Str
				case sig.Datatype == vss.Boolean:
					u.Value = r.Bool()
				default:
					u.Value = r.Num
				}
				print(u)
			}
		}
	}
	for {
		err := r.Next(&frame)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		decode(&frame)
	}
	printSummary(errw, stats(), skipped())
	return nil
}

func rawOf(s *dbc.Signal, phys float64) int64 {
	if s.Factor == 0 {
		return 0
	}
	return int64((phys-s.Offset)/s.Factor + 0.5*sign(phys-s.Offset))
}

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}

func seconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func allIDs() []vss.ID {
	ids := make([]vss.ID, 0, vss.Count)
	for _, s := range vss.All() {
		ids = append(ids, s.ID)
	}
	return ids
}

func printSummary(w io.Writer, st vehicle.DecodeStats, skipped int) {
	fmt.Fprintf(w, "%d frames, %d decoded, %d with unknown IDs, %d short, %d malformed lines skipped\n",
		st.Frames, st.Decoded, st.Unknown, st.Short, skipped)
	if len(st.UnknownIDs) > 0 {
		ids := make([]uint32, 0, len(st.UnknownIDs))
		for id := range st.UnknownIDs {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return st.UnknownIDs[ids[i]] > st.UnknownIDs[ids[j]] })
		var parts []string
		for i, id := range ids {
			if i == 20 {
				parts = append(parts, fmt.Sprintf("… %d more", len(ids)-20))
				break
			}
			parts = append(parts, fmt.Sprintf("0x%X×%d", id, st.UnknownIDs[id]))
		}
		fmt.Fprintf(w, "unknown IDs: %s\n", strings.Join(parts, ", "))
	}
}

// canRecord copies frames from a source into a candump file until
// interrupted or a limit is reached.
func canRecord(args []string, out io.Writer) error {
	fs := newFlags("can record")
	src := fs.String("can", "", "source URI (socketcan:can0, candump:FILE, trc:FILE, sim:SCENARIO)")
	dst := fs.String("out", "", "candump file to write")
	dur := fs.Duration("duration", 0, "stop after this long (0: until interrupted or the source ends)")
	count := fs.Int("count", 0, "stop after this many frames (0: no limit)")
	seed := fs.Uint64("seed", 0, "simulator seed for sim: sources (0: the scenario's own)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *src == "" || *dst == "" {
		return exitCode{2, "can record: --can SOURCE and --out FILE are required"}
	}
	source, err := openSource(*src, *seed)
	if err != nil {
		return err
	}
	defer source.Close()
	sink, err := can.Create("candump:" + strings.TrimPrefix(*dst, "candump:"))
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *dur > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *dur)
		defer cancel()
	}
	n := 0
	var f can.Frame
	for *count == 0 || n < *count {
		err = source.Next(ctx, &f)
		if err != nil {
			break
		}
		if err = sink.Write(&f); err != nil {
			break
		}
		n++
	}
	if errors.Is(err, io.EOF) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		err = nil
	}
	if cerr := sink.Close(); err == nil {
		err = cerr
	}
	fmt.Fprintf(out, "recorded %d frames from %s to %s\n", n, *src, *dst)
	return err
}

// openSource opens any frame source URI outside the cockpit: the simulator
// runs through the embedded demo profile.
func openSource(uri string, seed uint64) (can.Source, error) {
	cfg := config.Defaults()
	cfg.CAN, cfg.Seed = uri, seed
	c, err := app.New(&cfg, app.Options{})
	if err != nil {
		return nil, err
	}
	return c.OpenSource(uri)
}
