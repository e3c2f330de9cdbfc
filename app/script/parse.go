package script

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/internal/suggest"
)

// Commands of the script language, one per line (# starts a comment):
//
//	scenario NAME [seed N]        (re)start the car on a scenario at time 0
//	wait DURATION                 let simulated time pass (Go syntax: 5s, 1m30s, 250ms)
//	set PATH VALUE                override a signal (number, true/false, or an allowed value)
//	release PATH|all              end an override
//	fault freeze PATH             the car keeps sending the present value
//	fault noise PATH AMPLITUDE    add ± AMPLITUDE of noise to a signal
//	fault drop PATH|MESSAGE|0xID  stop sending a message
//	fault silence [DURATION]      no frames at all (until `fault clear`, or for DURATION)
//	fault malformed               send one frame the decoder must refuse
//	fault clear [PATH]            end the faults on PATH (without: all faults)
//	tap "LABEL" | tap X,Y         tap a button by its label, or a point of the cockpit
//	drag X,Y X,Y                  drag from one point to another
//	pinch X,Y SCALE               two-finger pinch: the fingers' distance changes by SCALE
//	say "WORDS"                   the driver presses the voice button and says WORDS
//	screenshot NAME               capture the cockpit into NAME.png
//	expect text "TEXT"            TEXT is shown (on the screen, status bar or a toast)
//	expect no text "TEXT"         TEXT is not shown
//	expect stale PATH             the signal is stale or never received (the UI shows "—")
//	expect live PATH              the signal is live
//	expect value PATH V[±TOL]     the signal is live and within TOL of V (VSS units)
//	expect screen NAME            the screen shown is NAME
//	note "TEXT"                   a tester's note in the report
var Commands = []string{"scenario", "wait", "set", "release", "fault", "tap", "drag", "pinch", "say", "screenshot", "expect", "note"}

var faultKinds = []string{"freeze", "noise", "drop", "silence", "malformed", "clear"}
var expectKinds = []string{"text", "no", "stale", "live", "value", "screen"}

// Step is one parsed line of a script.
type Step struct {
	Line int
	Text string // the line as written, trimmed
	Cmd  string // one of Commands
	Kind string // fault and expect: the kind ("freeze", "text", …)

	Name     string        // scenario, screenshot, screen
	Seed     uint64        // scenario
	Dur      time.Duration // wait, fault silence
	Path     string        // signal path (set, release, fault, expect)
	Value    string        // set, expect value
	Tol      float64       // expect value
	Amp      float64       // fault noise
	Label    string        // tap by label; text of expect text, note and say
	X, Y     float32       // tap, drag start
	X2, Y2   float32       // drag end
	Scale    float32       // pinch: the fingers' distance grows by this factor
	ByPoint  bool          // tap X,Y
	Negation bool          // expect no text
}

// Script is a parsed script.
type Script struct {
	File  string
	Steps []Step
}

// Error is a script error at a line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Parse reads a script. On an error it returns the steps before the bad
// line along with an *Error naming it, so that a run can go as far as the
// script is good.
func Parse(file string, src []byte) (*Script, error) {
	s := &Script{File: file}
	for i, line := range strings.Split(string(src), "\n") {
		n := i + 1
		if !utf8.ValidString(line) {
			return s, &Error{file, n, "not UTF-8 text"}
		}
		toks, err := tokenize(line)
		if err != nil {
			return s, &Error{file, n, err.Error()}
		}
		if len(toks) == 0 {
			continue
		}
		st, err := parseStep(toks)
		if err != nil {
			return s, &Error{file, n, err.Error()}
		}
		st.Line, st.Text = n, strings.TrimSpace(line)
		s.Steps = append(s.Steps, st)
	}
	return s, nil
}

// tokenize splits a line into words and "quoted strings" (with \" and \\),
// dropping a # comment outside quotes.
func tokenize(line string) ([]string, error) {
	var toks []string
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			return toks, nil
		case c == '"':
			var b strings.Builder
			i++
			for {
				if i >= len(line) {
					return nil, fmt.Errorf("unterminated quoted string")
				}
				c := line[i]
				if c == '"' {
					i++
					break
				}
				if c == '\\' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\') {
					c = line[i+1]
					i++
				}
				b.WriteByte(c)
				i++
			}
			toks = append(toks, "\x00"+b.String()) // marks a quoted token
		default:
			j := i
			for j < len(line) && line[j] != ' ' && line[j] != '\t' && line[j] != '\r' && line[j] != '"' {
				j++
			}
			toks = append(toks, line[i:j])
			i = j
		}
	}
	return toks, nil
}

func quoted(t string) (string, bool) { return strings.CutPrefix(t, "\x00") }

func word(t string) string {
	if s, ok := quoted(t); ok {
		return s
	}
	return t
}

func parseStep(toks []string) (Step, error) {
	cmd := toks[0]
	if _, q := quoted(cmd); q {
		return Step{}, fmt.Errorf("a line starts with a command, not a quoted string")
	}
	args := toks[1:]
	st := Step{Cmd: cmd}
	nargs := func(lo, hi int, usage string) error {
		if len(args) < lo || len(args) > hi {
			return fmt.Errorf("%s: usage: %s", cmd, usage)
		}
		return nil
	}
	switch cmd {
	case "scenario":
		if err := nargs(1, 3, "scenario NAME [seed N]"); err != nil {
			return st, err
		}
		st.Name = word(args[0])
		if len(args) > 1 {
			if len(args) != 3 || args[1] != "seed" {
				return st, fmt.Errorf("scenario: usage: scenario NAME [seed N]")
			}
			seed, err := strconv.ParseUint(args[2], 10, 64)
			if err != nil {
				return st, fmt.Errorf("scenario: seed %q is not a whole number", args[2])
			}
			st.Seed = seed
		}
	case "wait":
		if err := nargs(1, 1, "wait DURATION (e.g. 5s)"); err != nil {
			return st, err
		}
		d, err := parseDur(args[0])
		if err != nil {
			return st, fmt.Errorf("wait: %v", err)
		}
		st.Dur = d
	case "set":
		if err := nargs(2, 2, "set PATH VALUE"); err != nil {
			return st, err
		}
		p, err := signalPath(args[0])
		if err != nil {
			return st, err
		}
		st.Path, st.Value = p, word(args[1])
	case "release":
		if err := nargs(1, 1, "release PATH|all"); err != nil {
			return st, err
		}
		if args[0] != "all" {
			p, err := signalPath(args[0])
			if err != nil {
				return st, err
			}
			st.Path = p
		}
	case "fault":
		return parseFault(st, args)
	case "tap":
		if err := nargs(1, 1, `tap "LABEL" or tap X,Y`); err != nil {
			return st, err
		}
		if s, q := quoted(args[0]); q {
			if s == "" {
				return st, fmt.Errorf("tap: empty label")
			}
			st.Label = s
			return st, nil
		}
		x, y, err := parsePoint(args[0])
		if err != nil {
			return st, fmt.Errorf(`tap: %v (a label goes in quotes: tap "Vehicle")`, err)
		}
		st.X, st.Y, st.ByPoint = x, y, true
	case "drag":
		if err := nargs(2, 2, "drag X,Y X,Y"); err != nil {
			return st, err
		}
		var err error
		if st.X, st.Y, err = parsePoint(args[0]); err != nil {
			return st, fmt.Errorf("drag: %v", err)
		}
		if st.X2, st.Y2, err = parsePoint(args[1]); err != nil {
			return st, fmt.Errorf("drag: %v", err)
		}
	case "pinch":
		if err := nargs(2, 2, "pinch X,Y SCALE"); err != nil {
			return st, err
		}
		var err error
		if st.X, st.Y, err = parsePoint(args[0]); err != nil {
			return st, fmt.Errorf("pinch: %v", err)
		}
		f, err := strconv.ParseFloat(args[1], 32)
		if err != nil || !(f >= 1.0/16 && f <= 16) {
			return st, fmt.Errorf("pinch: scale %q: want a factor from 0.0625 to 16 (2 spreads the fingers to twice their distance: zoom in one level)", args[1])
		}
		st.Scale = float32(f)
	case "screenshot":
		if err := nargs(1, 1, "screenshot NAME"); err != nil {
			return st, err
		}
		st.Name = word(args[0])
		if !validName(st.Name) {
			return st, fmt.Errorf("screenshot: name %q: use letters, digits, - and _ (it becomes NAME.png)", st.Name)
		}
	case "expect":
		return parseExpect(st, args)
	case "note", "say":
		if len(args) == 0 {
			return st, fmt.Errorf(`%s: usage: %s "TEXT"`, cmd, cmd)
		}
		var parts []string
		for _, a := range args {
			parts = append(parts, word(a))
		}
		st.Label = strings.Join(parts, " ")
	default:
		msg := fmt.Sprintf("unknown command %q", cmd)
		if hint := suggest.Closest(cmd, Commands, 2); len(hint) > 0 {
			msg += " (did you mean " + strings.Join(hint, ", ") + "?)"
		} else {
			msg += " (commands: " + strings.Join(Commands, ", ") + ")"
		}
		return st, fmt.Errorf("%s", msg)
	}
	return st, nil
}

func parseFault(st Step, args []string) (Step, error) {
	if len(args) == 0 {
		return st, fmt.Errorf("fault: usage: fault %s …", strings.Join(faultKinds, "|"))
	}
	st.Kind = args[0]
	args = args[1:]
	bad := func(usage string) (Step, error) { return st, fmt.Errorf("fault %s: usage: fault %s", st.Kind, usage) }
	var err error
	switch st.Kind {
	case "freeze":
		if len(args) != 1 {
			return bad("freeze PATH")
		}
		st.Path, err = signalPath(args[0])
	case "noise":
		if len(args) != 2 {
			return bad("noise PATH AMPLITUDE")
		}
		if st.Path, err = signalPath(args[0]); err != nil {
			return st, err
		}
		st.Amp, err = strconv.ParseFloat(args[1], 64)
		if err != nil || !(st.Amp > 0) || math.IsInf(st.Amp, 0) {
			return st, fmt.Errorf("fault noise: amplitude %q: want a positive number", args[1])
		}
	case "drop":
		if len(args) != 1 {
			return bad("drop PATH|MESSAGE|0xID")
		}
		st.Name = word(args[0])
		if strings.HasPrefix(st.Name, "Vehicle.") {
			st.Path, err = signalPath(st.Name)
		}
	case "silence":
		if len(args) > 1 {
			return bad("silence [DURATION]")
		}
		if len(args) == 1 {
			st.Dur, err = parseDur(args[0])
			if err != nil {
				return st, fmt.Errorf("fault silence: %v", err)
			}
		}
	case "malformed":
		if len(args) != 0 {
			return bad("malformed")
		}
	case "clear":
		if len(args) > 1 {
			return bad("clear [PATH]")
		}
		if len(args) == 1 {
			st.Path, err = signalPath(args[0])
		}
	default:
		msg := fmt.Sprintf("unknown fault %q (faults: %s)", st.Kind, strings.Join(faultKinds, ", "))
		return st, fmt.Errorf("%s", msg)
	}
	return st, err
}

func parseExpect(st Step, args []string) (Step, error) {
	if len(args) == 0 {
		return st, fmt.Errorf("expect: usage: expect text|no text|stale|live|value|screen …")
	}
	st.Kind = args[0]
	args = args[1:]
	var err error
	switch st.Kind {
	case "no":
		if len(args) != 2 || args[0] != "text" {
			return st, fmt.Errorf(`expect no: usage: expect no text "TEXT"`)
		}
		st.Kind, st.Negation = "text", true
		args = args[1:]
		fallthrough
	case "text":
		if len(args) != 1 {
			return st, fmt.Errorf(`expect text: usage: expect text "TEXT"`)
		}
		st.Label = word(args[0])
		if st.Label == "" {
			return st, fmt.Errorf("expect text: empty text")
		}
	case "stale", "live":
		if len(args) != 1 {
			return st, fmt.Errorf("expect %s: usage: expect %s PATH", st.Kind, st.Kind)
		}
		st.Path, err = signalPath(args[0])
	case "value":
		if len(args) < 2 {
			return st, fmt.Errorf("expect value: usage: expect value PATH VALUE[±TOLERANCE]")
		}
		if st.Path, err = signalPath(args[0]); err != nil {
			return st, err
		}
		var parts []string
		for _, a := range args[1:] {
			parts = append(parts, word(a))
		}
		v := strings.Join(parts, "")
		val, tol, has := strings.Cut(v, "±")
		if !has {
			val, tol, has = strings.Cut(v, "+-")
		}
		st.Value = val
		if has {
			st.Tol, err = strconv.ParseFloat(tol, 64)
			if err != nil || st.Tol < 0 || math.IsNaN(st.Tol) {
				return st, fmt.Errorf("expect value: tolerance %q: want a number ≥ 0", tol)
			}
			if _, err := strconv.ParseFloat(val, 64); err != nil {
				return st, fmt.Errorf("expect value: a tolerance needs a number, not %q", val)
			}
		}
		if st.Value == "" {
			return st, fmt.Errorf("expect value: no value")
		}
	case "screen":
		if len(args) != 1 {
			return st, fmt.Errorf("expect screen: usage: expect screen NAME")
		}
		st.Name = word(args[0])
	default:
		return st, fmt.Errorf("unknown expectation %q (expect %s)", st.Kind, strings.Join(expectKinds, ", "))
	}
	return st, err
}

func parseDur(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration (e.g. 5s, 1m30s, 250ms)", s)
	}
	if d > 24*time.Hour {
		return 0, fmt.Errorf("%q is longer than a day", s)
	}
	return d, nil
}

func parsePoint(s string) (x, y float32, err error) {
	a, b, ok := strings.Cut(s, ",")
	if ok {
		fx, e1 := strconv.ParseFloat(a, 32)
		fy, e2 := strconv.ParseFloat(b, 32)
		if e1 == nil && e2 == nil && fx >= 0 && fy >= 0 && fx < 1e5 && fy < 1e5 {
			return float32(fx), float32(fy), nil
		}
	}
	return 0, 0, fmt.Errorf("point %q: want X,Y in pixels, e.g. 640,360", s)
}

// signalPath checks a VSS path against the catalog.
func signalPath(t string) (string, error) {
	p := word(t)
	if _, ok := vss.Lookup(p); ok {
		return p, nil
	}
	var names []string
	for _, s := range vss.All() {
		names = append(names, s.Path)
	}
	hint := suggest.Closest(p, names, 3)
	if len(hint) == 0 {
		hint = vss.Suggest(p, 3)
	}
	msg := fmt.Sprintf("unknown signal %q", p)
	if len(hint) > 0 {
		msg += " (did you mean " + strings.Join(hint, ", ") + "?)"
	}
	return "", fmt.Errorf("%s", msg)
}

func validName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
