// Package settings owns the cockpit's settings screen: display units, theme
// (day, night, or auto by the sun), display scale, the CAN source, and the
// About page with the version and the licences of shipped data. It changes
// the configuration through the shell (which re-applies and saves it in the
// background) and locks the source entry while driving; it does no I/O of
// its own.
package settings

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	ftheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/ui"
	"github.com/fascia-hmi/fascia/widgets"
)

func init() {
	ui.Register(ui.Screen{Name: "settings", Title: "Settings", Icon: ftheme.SettingsIcon(), Order: 90, New: func(env *ui.Env) fyne.CanvasObject { return New(env).Content() }})
}

// Sections of the screen.
const (
	SectionUnits   = "Units"
	SectionDisplay = "Display"
	SectionSource  = "Source"
	SectionAbout   = "About"
)

var sections = []string{SectionUnits, SectionDisplay, SectionSource, SectionAbout}

// Display scales offered.
var scales = []float32{0.75, 1, 1.25, 1.5}

// Screen is the settings screen's widgets, exported for tests.
type Screen struct {
	Speed, Temperature, Distance *widgets.Segmented
	Theme, Scale                 *widgets.Segmented
	Source                       *widgets.TouchEntry
	SourceGuard                  *ui.Guarded // the entry and its Apply button
	Apply                        *widgets.TouchButton
	SourceNote                   *widget.Label
	About                        *widget.RichText
	Nav                          map[string]*widgets.TouchButton

	env     *ui.Env
	pages   map[string]fyne.CanvasObject
	page    *fyne.Container
	current string
	content fyne.CanvasObject
}

// New builds the settings screen.
func New(env *ui.Env) *Screen {
	s := &Screen{env: env, Nav: map[string]*widgets.TouchButton{}, pages: map[string]fyne.CanvasObject{}}
	cfg := env.Config()

	s.Speed = widgets.NewSegmented([]string{"km/h", "mph"}, nil, func(o string) { s.change(func() { env.Config().Units.Speed = o }) })
	s.Temperature = widgets.NewSegmented([]string{"C", "F"}, []string{"°C", "°F"}, func(o string) { s.change(func() { env.Config().Units.Temperature = o }) })
	s.Distance = widgets.NewSegmented([]string{"km", "mi"}, nil, func(o string) { s.change(func() { env.Config().Units.Distance = o }) })
	s.Speed.SetSelected(cfg.Units.Speed)
	s.Temperature.SetSelected(cfg.Units.Temperature)
	s.Distance.SetSelected(cfg.Units.Distance)
	s.pages[SectionUnits] = form("Speed", s.Speed, "Temperature", s.Temperature, "Distance", s.Distance)

	s.Theme = widgets.NewSegmented([]string{"day", "night", "auto"}, []string{"Day", "Night", "Auto"}, func(o string) { s.change(func() { env.Config().Theme = o }) })
	s.Theme.SetSelected(cfg.Theme)
	var scaleOpts, scaleLabels []string
	for _, v := range scales {
		scaleOpts = append(scaleOpts, formatScale(v))
		scaleLabels = append(scaleLabels, ui.Number(float64(v*100), 0)+" %")
	}
	s.Scale = widgets.NewSegmented(scaleOpts, scaleLabels, func(o string) {
		v, err := strconv.ParseFloat(o, 32)
		if err != nil {
			return
		}
		s.change(func() { env.Config().Scale = float32(v) })
	})
	s.Scale.SetSelected(formatScale(cfg.Scale))
	autoNote := widget.NewLabel("Auto follows the sun at the car's position, or the local time (day 07:00–19:00) when the position is unknown.")
	autoNote.Wrapping = fyne.TextWrapWord
	s.pages[SectionDisplay] = container.NewVBox(form("Theme", s.Theme, "Scale", s.Scale), autoNote)

	s.Source = widgets.NewTouchEntry()
	s.Source.SetText(cfg.CAN)
	s.Source.SetPlaceHolder("socketcan:can0, candump:FILE, sim:city")
	s.Apply = widgets.NewTouchButton("Apply", nil, s.applySource)
	s.SourceGuard = env.Lockout.Guard(container.NewBorder(nil, nil, nil, s.Apply, s.Source))
	s.SourceNote = widget.NewLabel("A new source is used the next time Fascia starts.")
	s.SourceNote.Wrapping = fyne.TextWrapWord
	s.pages[SectionSource] = container.NewVBox(s.SourceGuard, s.SourceNote)

	s.About = widget.NewRichTextFromMarkdown(about(env.Cockpit.Version))
	s.About.Wrapping = fyne.TextWrapWord
	s.pages[SectionAbout] = container.NewVScroll(s.About)

	nav := container.NewVBox()
	for _, name := range sections {
		name := name
		b := widgets.NewTouchButton(name, nil, func() { s.Show(name) })
		s.Nav[name] = b
		nav.Add(b)
	}
	s.page = container.NewStack()
	s.content = container.NewBorder(nil, nil, nav, nil, ui.NewPanel(s.page))
	s.Show(SectionUnits)
	return s
}

// Content returns the screen's canvas object.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

// Current returns the section shown.
func (s *Screen) Current() string { return s.current }

// Show switches to a section.
func (s *Screen) Show(section string) {
	p, ok := s.pages[section]
	if !ok {
		return
	}
	s.current = section
	s.page.Objects = []fyne.CanvasObject{p}
	s.page.Refresh()
	for n, b := range s.Nav {
		b.SetSelected(n == section)
	}
}

// change applies one edit of the configuration, checks it, and hands it to
// the shell; an invalid edit is undone and reported.
func (s *Screen) change(edit func()) {
	cfg := s.env.Config()
	before := *cfg
	edit()
	if err := cfg.Validate(); err != nil {
		*cfg = before
		s.env.Notify(ui.Warning, "Setting not changed", err.Error())
		s.resync()
		return
	}
	s.env.ConfigChanged()
}

// resync shows the configuration's values again after an undone edit.
func (s *Screen) resync() {
	cfg := s.env.Config()
	s.Speed.SetSelected(cfg.Units.Speed)
	s.Temperature.SetSelected(cfg.Units.Temperature)
	s.Distance.SetSelected(cfg.Units.Distance)
	s.Theme.SetSelected(cfg.Theme)
	s.Scale.SetSelected(formatScale(cfg.Scale))
	s.Source.SetText(cfg.CAN)
}

func (s *Screen) applySource() {
	src := strings.TrimSpace(s.Source.Text)
	if src == "" {
		s.env.Notify(ui.Warning, "Source not changed", "Enter a source such as socketcan:can0.")
		return
	}
	if !strings.Contains(src, ":") {
		s.env.Notify(ui.Warning, "Source not changed", fmt.Sprintf("%q has no scheme; use socketcan:, candump:, trc: or sim:.", src))
		return
	}
	s.change(func() { s.env.Config().CAN = src })
}

func formatScale(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }

// form lays out caption/control pairs in two columns.
func form(pairs ...any) fyne.CanvasObject {
	var objs []fyne.CanvasObject
	for i := 0; i+1 < len(pairs); i += 2 {
		objs = append(objs, widget.NewLabel(pairs[i].(string)), pairs[i+1].(fyne.CanvasObject))
	}
	return container.New(formLayout{}, objs...)
}

// formLayout is two columns, captions as wide as the widest and centred
// vertically on their control, controls taking the rest of the width.
type formLayout struct{}

func (formLayout) widths(objs []fyne.CanvasObject) (caption, control float32) {
	for i := 0; i+1 < len(objs); i += 2 {
		caption = fyne.Max(caption, objs[i].MinSize().Width)
		control = fyne.Max(control, objs[i+1].MinSize().Width)
	}
	return
}

func (l formLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := ftheme.Padding()
	cw, ow := l.widths(objs)
	var h float32
	for i := 0; i+1 < len(objs); i += 2 {
		if i > 0 {
			h += pad
		}
		h += fyne.Max(objs[i].MinSize().Height, objs[i+1].MinSize().Height)
	}
	return fyne.NewSize(cw+pad+ow, h)
}

func (l formLayout) Layout(objs []fyne.CanvasObject, s fyne.Size) {
	pad := ftheme.Padding()
	cw, _ := l.widths(objs)
	var y float32
	for i := 0; i+1 < len(objs); i += 2 {
		c, o := objs[i], objs[i+1]
		h := fyne.Max(c.MinSize().Height, o.MinSize().Height)
		ch := c.MinSize().Height
		c.Move(fyne.NewPos(0, y+(h-ch)/2))
		c.Resize(fyne.NewSize(cw, ch))
		o.Move(fyne.NewPos(cw+pad, y))
		o.Resize(fyne.NewSize(s.Width-cw-pad, h))
		y += h + pad
	}
}

func about(version string) string {
	return "## Fascia " + version + `

An open-source in-dash cockpit.

### Data and licences

- **Vehicle signals**: COVESA Vehicle Signal Specification 6.0, Mozilla Public License 2.0.
- **Vehicle profiles**: derived from commaai/opendbc DBC files, MIT licence.
- **Map data**: © OpenStreetMap contributors, Open Database Licence (ODbL).
- **User interface**: Fyne, BSD 3-Clause licence.
`
}
