package script

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
	"github.com/fascia-hmi/fascia/internal/atomicfile"
)

// UI is what a run needs of the cockpit's screen. ui/tester implements it
// over Fyne's software canvas (headless) and over a real window.
type UI interface {
	// TapLabel taps the button whose label is label; ErrNoLabel wrapped
	// when there is none (the error lists the labels there are).
	TapLabel(label string) error
	// TapAt taps the point x,y of the cockpit (pixels from the top left).
	TapAt(x, y float32) error
	// Drag drags from one point to another.
	Drag(x1, y1, x2, y2 float32) error
	// Pinch pinches at x,y: the fingers' distance changes by scale.
	Pinch(x, y, scale float32) error
	// Say speaks words to the cockpit as the driver does: it presses the
	// voice button (unless the cockpit is already listening for an
	// answer) and says them into the microphone. It returns the
	// cockpit's reply once it has answered.
	Say(words string) (reply string, err error)
	// Capture draws the cockpit as it is now.
	Capture() (image.Image, error)
	// Texts returns every text shown now.
	Texts() ([]string, error)
	// Screen returns the name of the screen shown.
	Screen() string
}

// ErrNoLabel is wrapped by UI.TapLabel when no button has the label.
var ErrNoLabel = errors.New("label not found")

// Runner runs a script against a driver and a UI.
type Runner struct {
	Driver *Driver
	UI     UI
	Store  *vehicle.Store
	// Advance lets simulated time d pass: headless, it steps the driver
	// and the UI synchronously; windowed, it waits while the Player runs.
	Advance func(d time.Duration) error
	// Dir is the report folder; screenshots go there.
	Dir string
	// Scenario and Seed start the car when the script has no scenario
	// line before its first step that needs one.
	Scenario string
	Seed     uint64
}

// Run runs every step of s and returns the report. parseErr, the error of
// Parse if any, is reported after the steps that parsed. A script error
// (bad argument at run time, unknown signal, label not found) stops the
// run; a failed expectation does not.
func (r *Runner) Run(s *Script, parseErr error) *Report {
	rep := &Report{Script: s.File, Started: time.Now(), Seed: r.Seed}
	for _, st := range s.Steps {
		e := Entry{Line: st.Line, Text: st.Text, Status: StatusOK}
		err := r.step(&st, &e, rep)
		e.At = r.Driver.Now()
		if err != nil {
			e.Status = StatusError
			e.Detail = err.Error()
			rep.add(e)
			rep.Err = &Error{s.File, st.Line, err.Error()}
			rep.Scenario = r.Driver.Scenario()
			return rep
		}
		rep.add(e)
	}
	rep.Scenario = r.Driver.Scenario()
	if parseErr != nil {
		rep.Err = parseErr
		var pe *Error
		if errors.As(parseErr, &pe) {
			rep.add(Entry{Line: pe.Line, At: r.Driver.Now(), Text: "", Status: StatusError, Detail: pe.Msg})
		}
	}
	return rep
}

// ensureLoaded starts the default scenario before the first step that
// needs a running car.
func (r *Runner) ensureLoaded(rep *Report) error {
	if r.Driver.Sim() != nil {
		return nil
	}
	sc := r.Scenario
	if sc == "" {
		sc = "city"
	}
	if err := r.Driver.Load(sc, r.Seed); err != nil {
		return err
	}
	return r.Advance(0)
}

func (r *Runner) step(st *Step, e *Entry, rep *Report) error {
	if st.Cmd != "scenario" && st.Cmd != "note" {
		if err := r.ensureLoaded(rep); err != nil {
			return err
		}
	}
	switch st.Cmd {
	case "scenario":
		seed := st.Seed
		if seed == 0 {
			seed = r.Seed
		}
		if err := r.Driver.Load(st.Name, seed); err != nil {
			return err
		}
		return r.Advance(0)
	case "wait":
		return r.Advance(st.Dur)
	case "set":
		id, err := r.Driver.Signal(st.Path)
		if err != nil {
			return err
		}
		v, err := ParseValue(id, st.Value)
		if err != nil {
			return err
		}
		r.Driver.Set(id, v)
	case "release":
		var id vss.ID
		if st.Path != "" {
			var err error
			if id, err = r.Driver.Signal(st.Path); err != nil {
				return err
			}
		}
		r.Driver.Release(id)
	case "fault":
		return r.fault(st, e)
	case "tap":
		if st.ByPoint {
			return r.UI.TapAt(st.X, st.Y)
		}
		return r.UI.TapLabel(st.Label)
	case "drag":
		return r.UI.Drag(st.X, st.Y, st.X2, st.Y2)
	case "pinch":
		return r.UI.Pinch(st.X, st.Y, st.Scale)
	case "say":
		reply, err := r.UI.Say(st.Label)
		if err != nil {
			return err
		}
		e.Detail = "reply: " + reply
	case "screenshot":
		img, err := r.UI.Capture()
		if err != nil {
			return err
		}
		name := st.Name + ".png"
		if err := writePNG(filepath.Join(r.Dir, name), img); err != nil {
			return err
		}
		e.Image = name
		if Uniform(img) {
			e.Detail = "warning: the capture is a single colour; a real window's capture reads back the GL front buffer, which Mesa under Xvfb can leave blank, and the X server's copy (ImageMagick's import) was not available either (use --headless for screenshots)"
		}
	case "expect":
		return r.expect(st, e)
	case "note":
		e.Status = StatusNote
		e.Detail = st.Label
		rep.Notes = append(rep.Notes, Note{At: r.Driver.Now(), Text: st.Label, Line: st.Line})
	}
	return nil
}

func (r *Runner) fault(st *Step, e *Entry) error {
	var id vss.ID
	if st.Path != "" && st.Kind != "drop" {
		var err error
		if id, err = r.Driver.Signal(st.Path); err != nil {
			return err
		}
	}
	switch st.Kind {
	case "freeze":
		r.Driver.Freeze(id)
	case "noise":
		if !vss.Get(id).Datatype.IsNumeric() {
			return fmt.Errorf("fault noise: %s is not numeric", st.Path)
		}
		r.Driver.Noise(id, st.Amp)
	case "drop":
		mid, err := r.Driver.MessageID(st.Name)
		if err != nil {
			return err
		}
		r.Driver.Drop(mid)
		e.Detail = fmt.Sprintf("frames with ID %#x no longer sent", mid)
	case "silence":
		r.Driver.Silence(st.Dur)
	case "malformed":
		what, err := r.Driver.Malformed()
		if err != nil {
			return err
		}
		e.Detail = "sent " + what
	case "clear":
		r.Driver.ClearFaults(id)
	}
	return nil
}

func (r *Runner) expect(st *Step, e *Entry) error {
	pass, detail := false, ""
	switch st.Kind {
	case "text":
		texts, err := r.UI.Texts()
		if err != nil {
			return err
		}
		found := false
		for _, t := range texts {
			if strings.Contains(t, st.Label) {
				found = true
				break
			}
		}
		pass = found != st.Negation
		if !pass {
			detail = fmt.Sprintf("shown: %s", summarize(texts))
		}
	case "screen":
		pass = r.UI.Screen() == st.Name
		detail = "screen shown: " + r.UI.Screen()
	case "stale", "live", "value":
		id, ok := vss.Lookup(st.Path)
		if !ok {
			return fmt.Errorf("unknown signal %q", st.Path)
		}
		rd := r.Store.Get(id)
		detail = describe(id, rd)
		switch st.Kind {
		case "stale":
			pass = rd.State != vehicle.Live
		case "live":
			pass = rd.State == vehicle.Live
		case "value":
			want, err := ParseValue(id, st.Value)
			if err != nil {
				return err
			}
			pass = rd.State == vehicle.Live && matches(id, rd.Value, want, st.Tol)
		}
	}
	e.Status = StatusPass
	if !pass {
		e.Status = StatusFail
	}
	e.Detail = detail
	return nil
}

func matches(id vss.ID, got, want vehicle.Value, tol float64) bool {
	sig := vss.Get(id)
	if sig.Datatype == vss.String || len(sig.Allowed) > 0 {
		if got.Str != "" || want.Str != "" {
			return got.Str == want.Str
		}
	}
	return math.Abs(got.Num-want.Num) <= tol+1e-9
}

func describe(id vss.ID, rd vehicle.Reading) string {
	sig := vss.Get(id)
	if rd.State == vehicle.NoData {
		return sig.Path + ": no data"
	}
	v := rd.Str
	if v == "" {
		if sig.Datatype == vss.Boolean {
			v = strconv.FormatBool(rd.Bool())
		} else {
			v = strconv.FormatFloat(rd.Num, 'f', -1, 64)
			if sig.Unit != "" {
				v += " " + sig.Unit
			}
		}
	}
	return fmt.Sprintf("%s = %s (%s)", sig.Path, v, rd.State)
}

func summarize(texts []string) string {
	seen := map[string]bool{}
	var out []string
	for _, t := range texts {
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, strconv.Quote(t))
		if len(out) == 40 {
			out = append(out, "…")
			break
		}
	}
	return strings.Join(out, " ")
}

// Uniform reports whether every pixel of img has the same colour (a blank
// capture).
func Uniform(img image.Image) bool {
	b := img.Bounds()
	if b.Empty() {
		return true
	}
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, a0 := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bb, a := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bb != b0 || a != a0 {
				return false
			}
		}
	}
	return true
}

// writePNG writes an image to a temporary file renamed into place.
func writePNG(path string, img image.Image) error {
	return atomicfile.Write(path, 0o600, func(w io.Writer) error { return png.Encode(w, img) })
}

func fmtAny(v any) string { return fmt.Sprint(v) }
