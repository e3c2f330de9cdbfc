package vehicleui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	fascia "github.com/fascia-hmi/fascia/ui/theme"
	"github.com/fascia-hmi/fascia/widgets"
)

// Openings of the car, in CarView.Open order.
const (
	DoorFrontLeft = iota
	DoorFrontRight
	DoorRearLeft
	DoorRearRight
	Hood // front trunk or bonnet
	Boot // rear trunk
	openings
)

// Wheels, in CarView.Tyres order.
const (
	WheelFrontLeft = iota
	WheelFrontRight
	WheelRearLeft
	WheelRearRight
	wheels
)

// CarView draws the car from above, front up, with its doors, bonnet and
// boot open or closed, and the pressure of each tyre beside its wheel. An
// opening whose state is unknown is drawn dim; a low tyre is drawn, and its
// pressure written, in the warning colour.
type CarView struct {
	widget.BaseWidget

	// Tyres are the pressure readouts beside the wheels; set their text
	// and emphasis, then call SetTyreLow.
	Tyres [wheels]*widgets.Readout

	open [openings]widgets.LampState
	low  [wheels]widgets.LampState
}

func newCarView() *CarView {
	v := &CarView{}
	for i := range v.Tyres {
		r := widgets.NewReadout("", "kPa")
		r.TextSize = fascia.SizeNameValueText
		r.MinText = theme.SizeNameText
		r.Template = "888"
		v.Tyres[i] = r
	}
	v.Tyres[WheelFrontLeft].Alignment = fyne.TextAlignTrailing
	v.Tyres[WheelRearLeft].Alignment = fyne.TextAlignTrailing
	v.Tyres[WheelFrontRight].Alignment = fyne.TextAlignLeading
	v.Tyres[WheelRearRight].Alignment = fyne.TextAlignLeading
	v.ExtendBaseWidget(v)
	return v
}

// SetOpen shows an opening as open (LampOn), closed (LampOff) or unknown.
func (v *CarView) SetOpen(which int, st widgets.LampState) {
	if v.open[which] == st {
		return
	}
	v.open[which] = st
	v.Refresh()
}

// Open returns the state shown for an opening.
func (v *CarView) Open(which int) widgets.LampState { return v.open[which] }

// SetTyreLow shows a wheel as low (LampOn), fine (LampOff) or unknown.
func (v *CarView) SetTyreLow(wheel int, st widgets.LampState) {
	if v.low[wheel] == st {
		return
	}
	v.low[wheel] = st
	v.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (v *CarView) CreateRenderer() fyne.WidgetRenderer {
	r := &carRenderer{v: v}
	rect := func() *canvas.Rectangle { return canvas.NewRectangle(nil) }
	r.body, r.front, r.rear, r.screen, r.back = rect(), rect(), rect(), rect(), rect()
	for i := range r.wheels {
		r.wheels[i] = rect()
	}
	for i := range r.doors {
		r.doors[i] = &canvas.Line{}
	}
	r.objects = []fyne.CanvasObject{r.wheels[0], r.wheels[1], r.wheels[2], r.wheels[3], r.body, r.front, r.rear, r.screen, r.back}
	for _, d := range r.doors {
		r.objects = append(r.objects, d)
	}
	for _, t := range v.Tyres {
		r.objects = append(r.objects, t)
	}
	r.update()
	return r
}

type carRenderer struct {
	v                               *CarView
	body, front, rear, screen, back *canvas.Rectangle
	wheels                          [wheels]*canvas.Rectangle
	doors                           [4]*canvas.Line
	objects                         []fyne.CanvasObject
}

func (r *carRenderer) Destroy() {}

func (r *carRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *carRenderer) MinSize() fyne.Size {
	t := r.v.Tyres[0].MinSize()
	tt := r.v.Theme().Size(fascia.SizeNameTouchTarget)
	return fyne.NewSize(2*t.Width+2*tt, 3*tt)
}

func (r *carRenderer) Layout(s fyne.Size) {
	th := r.v.Theme()
	pad := th.Size(theme.SizeNamePadding)
	tyre := r.v.Tyres[0].MinSize()
	// The car is as long as the height allows (up to the theme's car
	// length), 0.45 as wide, and leaves room for the readouts beside it.
	L := fyne.Min(s.Height-2*pad, th.Size(fascia.SizeNameCarLength))
	W := L * 0.45
	if room := s.Width - 2*(tyre.Width+3*pad); W > room {
		W = fyne.Max(room, 0)
		L = W / 0.45
	}
	x0, y0 := (s.Width-W)/2, (s.Height-L)/2
	radius := W * 0.3
	r.body.Move(fyne.NewPos(x0, y0))
	r.body.Resize(fyne.NewSize(W, L))
	r.body.CornerRadius = radius
	r.body.StrokeWidth = fyne.Max(th.Size(theme.SizeNameInputBorder), W*0.02)
	// Bonnet and boot lids.
	r.front.Move(fyne.NewPos(x0, y0))
	r.front.Resize(fyne.NewSize(W, L*0.22))
	r.front.CornerRadius = radius
	r.rear.Move(fyne.NewPos(x0, y0+L*0.84))
	r.rear.Resize(fyne.NewSize(W, L*0.16))
	r.rear.CornerRadius = radius * 0.7
	// Windscreen and rear window.
	r.screen.Move(fyne.NewPos(x0+W*0.12, y0+L*0.27))
	r.screen.Resize(fyne.NewSize(W*0.76, L*0.09))
	r.screen.CornerRadius = W * 0.06
	r.back.Move(fyne.NewPos(x0+W*0.14, y0+L*0.74))
	r.back.Resize(fyne.NewSize(W*0.72, L*0.07))
	r.back.CornerRadius = W * 0.05
	// Wheels straddle the body sides.
	ww, wl := W*0.16, L*0.15
	for i, w := range r.wheels {
		cy := y0 + L*0.19
		if i >= WheelRearLeft {
			cy = y0 + L*0.78
		}
		x := x0 - ww*0.45
		if i == WheelFrontRight || i == WheelRearRight {
			x = x0 + W - ww*0.55
		}
		w.Move(fyne.NewPos(x, cy-wl/2))
		w.Resize(fyne.NewSize(ww, wl))
		w.CornerRadius = ww * 0.3
		t := r.v.Tyres[i]
		tw := (s.Width-W)/2 - ww*0.6 - 2*pad
		tx := x0 - ww*0.6 - pad - tw
		if i == WheelFrontRight || i == WheelRearRight {
			tx = x0 + W + ww*0.6 + pad
		}
		h := fyne.Min(tyre.Height*1.6, L*0.3)
		t.Move(fyne.NewPos(tx, cy-h/2))
		t.Resize(fyne.NewSize(fyne.Max(tw, 0), h))
	}
	// Doors hinge at their front end; open ones swing out by 40°.
	dl := L * 0.17
	hinge := [4]float32{0.38, 0.38, 0.56, 0.56}
	for i, d := range r.doors {
		left := i == DoorFrontLeft || i == DoorRearLeft
		hx, hy := x0, y0+L*hinge[i]
		side := float32(-1)
		if !left {
			hx, side = x0+W, 1
		}
		ex, ey := hx, hy+dl
		if r.v.open[i] == widgets.LampOn {
			a := 40 * math.Pi / 180
			ex, ey = hx+side*dl*float32(math.Sin(a)), hy+dl*float32(math.Cos(a))
		}
		d.Position1, d.Position2 = fyne.NewPos(hx, hy), fyne.NewPos(ex, ey)
		d.StrokeWidth = fyne.Max(th.Size(theme.SizeNameInputBorder), W*0.05)
	}
}

func (r *carRenderer) Refresh() {
	r.update()
	r.Layout(r.v.Size())
	canvas.Refresh(r.v)
}

func (r *carRenderer) update() {
	v := r.v
	th := v.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, variant) }
	state := func(st widgets.LampState, closed fyne.ThemeColorName) color.Color {
		switch st {
		case widgets.LampOn:
			return c(fascia.ColorNameCarOpen)
		case widgets.LampOff:
			return c(closed)
		}
		return c(fascia.ColorNameTelltaleOff)
	}
	r.body.FillColor = c(fascia.ColorNameCarBody)
	r.body.StrokeColor = c(fascia.ColorNameMuted)
	r.screen.FillColor, r.back.FillColor = c(fascia.ColorNameTrack), c(fascia.ColorNameTrack)
	for i, lid := range []*canvas.Rectangle{r.front, r.rear} {
		st := v.open[Hood+i]
		lid.FillColor = color.Transparent
		if st == widgets.LampOn {
			lid.FillColor = c(fascia.ColorNameCarOpen)
		}
		// A closed lid is part of the body outline; only an open or
		// unknown one is drawn.
		lid.StrokeColor = color.Transparent
		if st != widgets.LampOff {
			lid.StrokeColor = state(st, fascia.ColorNameMuted)
		}
		lid.StrokeWidth = r.body.StrokeWidth
	}
	for i, d := range r.doors {
		d.StrokeColor = state(v.open[i], theme.ColorNameForeground)
	}
	for i, w := range r.wheels {
		switch v.low[i] {
		case widgets.LampOn:
			w.FillColor = c(theme.ColorNameWarning)
		case widgets.LampOff:
			w.FillColor = c(theme.ColorNameForeground)
		default:
			w.FillColor = c(fascia.ColorNameTelltaleOff)
		}
	}
}
