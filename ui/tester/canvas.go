// Package tester owns the UX tester's Fyne side: the script runner's hands
// and eyes on the cockpit (tap by label or point, drag, capture, read the
// texts shown) over a headless software canvas or a real window, and the
// tester panel window (scenario player, live overrides, fault injection,
// notes). The car itself — overrides and faults turned into CAN frames —
// is app/script's Driver; this package never encodes or decodes frames.
package tester

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/app"
	"github.com/fascia-hmi/fascia/app/script"
	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/ui/mapview"
)

// Cockpit is the script runner's view of a cockpit canvas: it implements
// script.UI. do runs a function on the UI goroutine and waits (headless:
// calls it directly).
type Cockpit struct {
	Shell  *ui.Shell
	Canvas fyne.Canvas
	do     func(func())
	// sync brings the widgets up to date with the store before the
	// canvas is read.
	sync func()
	// title is the real window's title, for captures from the X server
	// (empty headless).
	title string
	// settle, if set, waits for background drawing the last frame
	// started (map tiles) and reports whether there was any.
	settle func() bool
	// voice speaks for the script (nil: the cockpit has no scripted
	// microphone).
	voice *voiceDriver
}

// Say speaks words to the cockpit through the scripted microphone.
func (c *Cockpit) Say(words string) (string, error) {
	if c.voice == nil {
		return "", errors.New("say: this cockpit has no scripted microphone")
	}
	return c.voice.Say(words)
}

// settleMap returns a settle function for c's map: if a frame since the
// last call asked for tiles the renderer did not have, it waits (up to
// 10 s) until none are queued and gives the display pause to show them.
func settleMap(c *app.Cockpit, pause time.Duration) func() bool {
	var seen uint64
	return func() bool {
		if c.Map == nil || c.Map.Renderer == nil {
			return false
		}
		if m := c.Map.Renderer.Stats().Misses; m == seen {
			return false
		}
		mapview.Settle(c, 10*time.Second)
		time.Sleep(pause)
		seen = c.Map.Renderer.Stats().Misses
		return true
	}
}

var _ script.UI = (*Cockpit)(nil)

// node is a canvas object with its absolute position and its tappable
// ancestors.
type node struct {
	obj fyne.CanvasObject
	pos fyne.Position
	tap fyne.Tappable // nearest enabled tappable ancestor (or itself), nil if none
}

// walk visits the visible objects of the canvas (content, then overlays),
// in paint order; it skips the children of an object visit returns false
// for.
func (c *Cockpit) walk(visit func(n node) bool) {
	var rec func(o fyne.CanvasObject, origin fyne.Position, tap fyne.Tappable)
	rec = func(o fyne.CanvasObject, origin fyne.Position, tap fyne.Tappable) {
		if o == nil || !o.Visible() {
			return
		}
		pos := origin.Add(o.Position())
		if t, ok := o.(fyne.Tappable); ok {
			if d, ok := o.(fyne.Disableable); !ok || !d.Disabled() {
				tap = t
			}
		}
		if !visit(node{obj: o, pos: pos, tap: tap}) {
			return
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, ch := range x.Objects {
				rec(ch, pos, tap)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(x).Objects() {
				rec(ch, pos, tap)
			}
		}
	}
	rec(c.Canvas.Content(), fyne.Position{}, nil)
	for _, ov := range c.Canvas.Overlays().List() {
		rec(ov, fyne.Position{}, nil)
	}
}

func (c *Cockpit) prepare() {
	if c.sync != nil {
		c.sync()
	}
}

// TapLabel taps the middle of the text label (matched exactly, or else
// ignoring case) where it sits inside a tappable object; the topmost when
// several show it. Like a finger, the tap goes to whatever is on top at that
// point (the driving lockout's cover, for instance).
func (c *Cockpit) TapLabel(label string) error {
	var err error
	c.do(func() {
		c.prepare()
		var hit, fold *node
		var labels []string
		c.walk(func(n node) bool {
			t, ok := n.obj.(*canvas.Text)
			if !ok || n.tap == nil || strings.TrimSpace(t.Text) == "" {
				return true
			}
			labels = append(labels, t.Text)
			nn := n
			if t.Text == label {
				hit = &nn
			} else if strings.EqualFold(strings.TrimSpace(t.Text), label) {
				fold = &nn
			}
			return true
		})
		if hit == nil {
			hit = fold
		}
		if hit == nil {
			err = fmt.Errorf("tap %q: %w (labels shown: %s)", label, script.ErrNoLabel, list(labels))
			return
		}
		s := hit.obj.Size()
		err = c.tapPoint(hit.pos.Add(fyne.NewPos(s.Width/2, s.Height/2)))
	})
	return err
}

func list(labels []string) string {
	seen := map[string]bool{}
	var out []string
	for _, l := range labels {
		if !seen[l] {
			seen[l] = true
			out = append(out, fmt.Sprintf("%q", l))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func tapAt(cv fyne.Canvas, t fyne.Tappable, origin, rel fyne.Position) {
	if f, ok := t.(fyne.Focusable); !ok || cv.Focused() != f {
		cv.Unfocus()
	}
	t.Tapped(&fyne.PointEvent{Position: rel, AbsolutePosition: origin.Add(rel)})
}

// inside reports whether p lies within the object at pos.
func inside(o fyne.CanvasObject, pos, p fyne.Position) bool {
	s := o.Size()
	return p.X >= pos.X && p.Y >= pos.Y && p.X < pos.X+s.Width && p.Y < pos.Y+s.Height
}

// ErrNothingThere is returned when a point holds no object that takes the
// gesture.
var ErrNothingThere = errors.New("nothing there takes the gesture")

// TapAt taps the topmost tappable object at x,y.
func (c *Cockpit) TapAt(x, y float32) error {
	var err error
	c.do(func() {
		c.prepare()
		err = c.tapPoint(fyne.NewPos(x, y))
	})
	return err
}

// tapPoint taps the topmost tappable object at p; on the UI goroutine.
func (c *Cockpit) tapPoint(p fyne.Position) error {
	var hit fyne.Tappable
	var at fyne.Position
	c.walk(func(n node) bool {
		if t, ok := n.obj.(fyne.Tappable); ok && n.tap == t && inside(n.obj, n.pos, p) {
			hit, at = t, n.pos
		}
		return true
	})
	if hit == nil {
		return fmt.Errorf("tap %v,%v: %w", p.X, p.Y, ErrNothingThere)
	}
	tapAt(c.Canvas, hit, at, p.Subtract(at))
	return nil
}

// dragSteps is how many drag events a drag is cut into.
const dragSteps = 10

// Drag drags the topmost draggable object at x1,y1 to x2,y2 in equal steps.
func (c *Cockpit) Drag(x1, y1, x2, y2 float32) error {
	var err error
	p := fyne.NewPos(x1, y1)
	c.do(func() {
		c.prepare()
		var hit fyne.Draggable
		var at fyne.Position
		c.walk(func(n node) bool {
			if d, ok := n.obj.(fyne.Draggable); ok && inside(n.obj, n.pos, p) {
				hit, at = d, n.pos
			}
			return true
		})
		if hit == nil {
			err = fmt.Errorf("drag from %v,%v: %w", x1, y1, ErrNothingThere)
			return
		}
		dx, dy := (x2-x1)/dragSteps, (y2-y1)/dragSteps
		for i := 1; i <= dragSteps; i++ {
			abs := fyne.NewPos(x1+dx*float32(i), y1+dy*float32(i))
			hit.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{AbsolutePosition: abs, Position: abs.Subtract(at)}, Dragged: fyne.NewDelta(dx, dy)})
		}
		hit.DragEnd()
	})
	return err
}

// Pinch pinches at x,y in ten steps that change the fingers' distance by
// scale in all, delivered to the map (or other pinchable) under them.
func (c *Cockpit) Pinch(x, y, scale float32) error {
	var err error
	c.do(func() {
		c.prepare()
		step := float32(math.Pow(float64(scale), 1.0/dragSteps))
		for i := 0; i < dragSteps; i++ {
			if !ui.Pinch(c.Canvas, fyne.NewPos(x, y), step) {
				err = fmt.Errorf("pinch at %v,%v: %w", x, y, ErrNothingThere)
				return
			}
		}
	})
	return err
}

// Capture draws the canvas.
//
// A frame that starts background drawing (map tiles not rendered yet) is
// captured again once it is done, so that a screenshot shows the screen
// as the driver sees it a moment later, not half drawn.
func (c *Cockpit) Capture() (image.Image, error) {
	img, err := c.capture()
	for i := 0; err == nil && c.settle != nil && i < 5 && c.settle(); i++ {
		img, err = c.capture()
	}
	return img, err
}

func (c *Cockpit) capture() (image.Image, error) {
	var img image.Image
	c.do(func() {
		c.prepare()
		img = c.Canvas.Capture()
	})
	if img == nil {
		return nil, errors.New("capture: the canvas gave no image")
	}
	if c.title != "" && script.Uniform(img) {
		// Under Xvfb with Mesa's software GL, Fyne's capture reads back a
		// blank front buffer while the X server holds the frame.
		if x, err := xCapture(c.title); err == nil {
			img = x
		}
	}
	return img, nil
}

// xCapture takes this process's window titled title from the X server:
// xdotool finds it, ImageMagick's import reads it (both from install-deps).
// Each runs with a timeout; import is only given a window id, never a name
// it might not find (it would wait for a click).
func xCapture(title string) (image.Image, error) {
	if os.Getenv("DISPLAY") == "" {
		return nil, errors.New("no X display")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// This process's windows (GLFW sets _NET_WM_PID), then the one with
	// the title: xdotool's --name is a regular expression, which a UTF-8
	// title (the em dash) breaks in some locales.
	xdo := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "xdotool", args...)
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		b, err := cmd.Output()
		return string(b), err
	}
	ids, err := xdo("search", "--pid", strconv.Itoa(os.Getpid()))
	if err != nil {
		return nil, fmt.Errorf("xdotool: no window of this process: %w", err)
	}
	var id []string
	for _, w := range strings.Fields(ids) {
		if name, err := xdo("getwindowname", w); err == nil && strings.TrimSpace(name) == title {
			id = append(id, w)
		}
	}
	if len(id) == 0 {
		return nil, fmt.Errorf("xdotool: no window %q", title)
	}
	out, err := exec.CommandContext(ctx, "import", "-window", id[0], "png:-").Output()
	if err != nil {
		return nil, fmt.Errorf("import -window %s: %w", id[0], err)
	}
	return png.Decode(bytes.NewReader(out))
}

// Texts returns the visible texts, in paint order. A label's text is
// one text however it wraps (its lines are not reported apart).
func (c *Cockpit) Texts() ([]string, error) {
	var out []string
	c.do(func() {
		c.prepare()
		c.walk(func(n node) bool {
			switch x := n.obj.(type) {
			case *widget.Label:
				if x.Text != "" {
					out = append(out, x.Text)
				}
				return false
			case *canvas.Text:
				if x.Text != "" {
					out = append(out, x.Text)
				}
			}
			return true
		})
	})
	return out, nil
}

// Screen is the name of the screen shown.
func (c *Cockpit) Screen() string {
	var s string
	c.do(func() { s = c.Shell.Current() })
	return s
}
