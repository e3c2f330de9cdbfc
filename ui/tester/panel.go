package tester

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/app/script"
	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

// Speeds offered by the player.
var Speeds = []string{"×0.5", "×1", "×2", "×5", "×10"}

// refreshEvery is how often the panel shows the player's state.
const refreshEvery = 250 * time.Millisecond

// Panel is the tester's window content: scenario player, signal overrides
// with a control fitting each signal's catalog entry, fault injection, and
// notes. Every action runs on the panel's worker goroutine, in order, never
// on the UI goroutine (the driver may be writing to a socket).
type Panel struct {
	player *script.Player
	d      *script.Driver
	ids    []vss.ID

	cmds chan func()
	stop chan struct{}
	wg   sync.WaitGroup

	// OnSave writes the session's report and returns where; nil hides
	// nothing but the button reports that there is no report to save.
	OnSave func() (string, error)

	mu    sync.Mutex
	notes []script.Note
	log   []script.Entry // the tester's actions, for the report
	msg   string

	root      fyne.CanvasObject
	scenario  *widget.Select
	play      *widget.Button
	speed     *widget.Select
	seek      *widget.Slider
	clock     *widget.Label
	list      *widget.List
	selected  vss.ID
	editor    *fyne.Container
	sigTitle  *widget.Label
	sigInfo   *widget.Label
	status    *widget.Label
	faults    *widget.Label
	noteEntry *widget.Entry
	noteList  *widget.Label
	silence   *widget.Check
	updating  bool // the panel is setting a control itself: do not act on it

	seekTouched time.Time                // when the tester last moved the seek slider
	values      map[vss.ID]vehicle.Value // what the car sent, as of the last refresh
}

// NewPanel builds the panel for a player (on the UI goroutine, or
// headless). Start runs its goroutines.
func NewPanel(p *script.Player) *Panel {
	pn := &Panel{player: p, d: p.Driver(), cmds: make(chan func(), 64)}
	pn.ids = pn.d.Mapped()
	pn.values = pn.read().values // before the player runs, so no wait
	pn.build()
	return pn
}

// Content is the panel's canvas object.
func (p *Panel) Content() fyne.CanvasObject { return p.root }

// Notes returns the notes dropped so far.
func (p *Panel) Notes() []script.Note {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]script.Note(nil), p.notes...)
}

func (p *Panel) build() {
	p.scenario = widget.NewSelect(script.Scenarios(), func(name string) {
		if p.updating {
			return
		}
		p.do(func() error { return p.d.Load(name, 0) }, "loaded "+name)
	})
	p.scenario.PlaceHolder = "Scenario"
	p.play = widget.NewButton("Play", func() {
		if p.player.Playing() {
			p.player.Pause()
			p.play.SetText("Play")
		} else {
			p.player.Play()
			p.play.SetText("Pause")
		}
	})
	p.speed = widget.NewSelect(Speeds, func(s string) {
		x, err := strconv.ParseFloat(strings.TrimPrefix(s, "×"), 64)
		if err == nil {
			p.player.SetSpeed(x)
		}
	})
	p.updating = true
	p.speed.SetSelected("×1")
	p.updating = false
	p.seek = widget.NewSlider(0, 1)
	p.seek.Step = 1
	// While the tester drags, the refresh leaves the slider alone.
	p.seek.OnChanged = func(float64) {
		if !p.updating {
			p.seekTouched = time.Now()
		}
	}
	p.seek.OnChangeEnded = func(v float64) {
		if p.updating {
			return
		}
		t := time.Duration(v) * time.Second
		p.do(func() error { return p.player.Seek(t) }, "seek to "+clock(t))
	}
	p.clock = widget.NewLabel("0:00 / 0:00")
	player := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabel("Scenario"), p.scenario, p.play, p.speed), p.clock, p.seek)

	p.list = widget.NewList(func() int { return len(p.ids) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("Powertrain.CombustionEngine.Speed")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(strings.TrimPrefix(vss.Get(p.ids[i]).Path, "Vehicle."))
		})
	p.list.OnSelected = func(i widget.ListItemID) { p.selectSignal(p.ids[i]) }
	p.sigTitle = widget.NewLabelWithStyle("Choose a signal", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.sigInfo = widget.NewLabel("")
	p.sigInfo.Wrapping = fyne.TextWrapWord
	p.editor = container.NewVBox()

	p.silence = widget.NewCheck("Silence the bus", func(on bool) {
		if p.updating {
			return
		}
		if on {
			p.do(func() error { p.d.Silence(0); return nil }, "bus silenced")
		} else {
			p.do(func() error { p.d.ClearFaults(0); return nil }, "faults cleared")
		}
	})
	malformed := widget.NewButton("Send a malformed frame", func() {
		p.cmd(func() {
			what, err := p.d.Malformed()
			p.report(err, "sent "+what)
		})
	})
	clear := widget.NewButton("Clear all faults", func() {
		p.do(func() error { p.d.ClearFaults(0); return nil }, "faults cleared")
	})
	releaseAll := widget.NewButton("Release all overrides", func() {
		p.do(func() error { p.d.Release(0); return nil }, "overrides released")
	})
	p.faults = widget.NewLabel("No overrides, no faults")
	p.faults.Wrapping = fyne.TextWrapWord
	bus := container.NewVBox(widget.NewLabelWithStyle("Bus", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(2, p.silence, malformed, clear, releaseAll), p.faults)

	p.noteEntry = widget.NewEntry()
	p.noteEntry.SetPlaceHolder("Note at the current time…")
	addNote := widget.NewButton("Add note", p.addNote)
	save := widget.NewButton("Save report", func() {
		p.cmd(func() {
			if p.OnSave == nil {
				p.setMsg("error: this session keeps no report")
				return
			}
			path, err := p.OnSave()
			if err != nil {
				p.setMsg("error: " + err.Error())
				return
			}
			p.setMsg("report saved: " + path)
		})
	})
	p.noteEntry.OnSubmitted = func(string) { p.addNote() }
	p.noteList = widget.NewLabel("")
	p.noteList.Wrapping = fyne.TextWrapWord
	notes := container.NewVBox(widget.NewLabelWithStyle("Notes", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, container.NewHBox(addNote, save), p.noteEntry), p.noteList)

	p.status = widget.NewLabel("")
	right := container.NewVBox(p.sigTitle, p.sigInfo, p.editor, widget.NewSeparator(), bus, widget.NewSeparator(), notes)
	split := container.NewHSplit(p.list, container.NewVScroll(right))
	split.Offset = 0.38
	p.root = container.NewBorder(container.NewVBox(player, widget.NewSeparator()), p.status, nil, nil, split)
}

// cmd queues f for the worker goroutine (dropped when the queue is full:
// the tester is clicking faster than the car can take it).
func (p *Panel) cmd(f func()) {
	select {
	case p.cmds <- f:
	default:
		p.setMsg("busy: action dropped")
	}
}

// do runs f on the worker and reports its outcome in the status line.
func (p *Panel) do(f func() error, done string) {
	p.cmd(func() { p.report(f(), done) })
}

func (p *Panel) report(err error, done string) {
	e := script.Entry{At: p.d.Now(), Text: done, Status: script.StatusOK}
	if err != nil {
		e.Status, e.Detail = script.StatusError, err.Error()
		p.setMsg("error: " + err.Error())
	} else {
		p.setMsg(done)
	}
	p.mu.Lock()
	p.log = append(p.log, e)
	p.mu.Unlock()
}

// Report returns the session so far as a report: the tester's actions and
// notes on the simulated timeline.
func (p *Panel) Report() *script.Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	rep := &script.Report{Script: "tester panel", Scenario: p.d.Scenario(), Notes: append([]script.Note(nil), p.notes...),
		Entries: append([]script.Entry(nil), p.log...)}
	rep.Frames, _ = p.d.Counts()
	return rep
}

func (p *Panel) setMsg(s string) {
	p.mu.Lock()
	p.msg = s
	p.mu.Unlock()
}

func (p *Panel) addNote() {
	text := strings.TrimSpace(p.noteEntry.Text)
	if text == "" {
		return
	}
	p.noteEntry.SetText("")
	p.cmd(func() {
		n := script.Note{At: p.d.Now(), Text: text}
		p.mu.Lock()
		p.notes = append(p.notes, n)
		p.log = append(p.log, script.Entry{At: n.At, Text: "note", Status: script.StatusNote, Detail: text})
		p.mu.Unlock()
		p.setMsg("note added at " + clock(n.At))
	})
}

// signalRange is the range a signal's slider spans: the catalog's limits,
// or for signals VSS leaves open, a range that fits their unit.
func signalRange(id vss.ID) (lo, hi, step float64) {
	s := vss.Get(id)
	lo, hi = s.Limits()
	step = 0.1
	if s.Datatype.IsInteger() {
		step = 1
	}
	byUnit := map[string][2]float64{
		"km/h": {0, 250}, "rpm": {0, 8000}, "kPa": {0, 400}, "celsius": {-40, 150}, "V": {0, 16},
		"percent": {0, 100}, "km": {0, 2000}, "m": {0, 10000}, "kW": {-200, 300}, "degrees": {-540, 540},
		"s": {0, 36000}, "l/100km": {0, 40}, "A": {-200, 200}, "ml": {0, 100000}, "l": {0, 100},
	}
	if r, ok := byUnit[s.Unit]; ok {
		if math.IsInf(lo, 0) || lo < r[0] && math.IsInf(hi, 0) {
			lo = r[0]
		}
		if math.IsInf(hi, 0) || hi > 1e6 {
			hi = r[1]
		}
	}
	if math.IsInf(lo, 0) || lo < -1e6 {
		lo = 0
	}
	if math.IsInf(hi, 0) || hi > 1e6 {
		hi = lo + 1000
	}
	return lo, hi, step
}

// selectSignal shows the control that fits the signal.
func (p *Panel) selectSignal(id vss.ID) {
	p.selected = id
	s := vss.Get(id)
	p.sigTitle.SetText(s.Path)
	info := s.Datatype.String()
	if s.Unit != "" {
		info += ", " + s.Unit
	}
	p.sigInfo.SetText(info + ". " + s.Description)
	set := func(v vehicle.Value, label string) {
		p.do(func() error { p.d.Set(id, v); return nil }, "override "+s.Path+" = "+label)
	}
	cur := p.values[id] // as of the last refresh: the driver may be busy sending
	var control fyne.CanvasObject
	p.updating = true
	switch {
	case s.Datatype == vss.Boolean:
		c := widget.NewCheck("On", func(on bool) {
			if !p.updating {
				set(vehicle.BoolValue(on), strconv.FormatBool(on))
			}
		})
		c.SetChecked(cur.Bool())
		control = c
	case len(s.Allowed) > 0:
		sel := widget.NewSelect(s.Allowed, func(v string) {
			if !p.updating {
				set(vehicle.Value{Str: v}, v)
			}
		})
		if cur.Str != "" {
			sel.SetSelected(cur.Str)
		}
		control = sel
	case s.Datatype == vss.String:
		e := widget.NewEntry()
		e.SetText(cur.Str)
		e.OnSubmitted = func(v string) { set(vehicle.Value{Str: v}, v) }
		control = container.NewBorder(nil, nil, nil, widget.NewButton("Set", func() { e.OnSubmitted(e.Text) }), e)
	default:
		lo, hi, step := signalRange(id)
		sl := widget.NewSlider(lo, hi)
		sl.Step = step
		val := widget.NewLabel("")
		show := func(v float64) { val.SetText(fmtNum(v) + " " + s.Unit) }
		sl.SetValue(min(max(cur.Num, lo), hi))
		show(sl.Value)
		sl.OnChanged = func(v float64) {
			show(v)
			if !p.updating {
				set(vehicle.Value{Num: v}, strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
		unit := s.Unit
		control = container.NewBorder(nil, nil, widget.NewLabel(fmtNum(lo)), widget.NewLabel(fmtNum(hi)+" "+unit),
			container.NewBorder(nil, nil, nil, val, sl))
	}
	p.updating = false
	release := widget.NewButton("Release override", func() {
		p.do(func() error { p.d.Release(id); return nil }, "released "+s.Path)
	})
	freeze := widget.NewButton("Freeze", func() {
		p.do(func() error { p.d.Freeze(id); return nil }, "froze "+s.Path)
	})
	drop := widget.NewButton("Drop its message", func() {
		p.do(func() error {
			mid, err := p.d.MessageID(s.Path)
			if err == nil {
				p.d.Drop(mid)
			}
			return err
		}, "dropped the message of "+s.Path)
	})
	row := []fyne.CanvasObject{release, freeze, drop}
	if s.Datatype.IsNumeric() {
		lo, hi, _ := signalRange(id)
		amp := (hi - lo) / 20
		row = append(row, widget.NewButton("Add noise ±"+fmtNum(amp), func() {
			p.do(func() error { p.d.Noise(id, amp); return nil }, "noise on "+s.Path)
		}))
	}
	row = append(row, widget.NewButton("Clear its faults", func() {
		p.do(func() error { p.d.ClearFaults(id); return nil }, "cleared faults of "+s.Path)
	}))
	p.editor.Objects = []fyne.CanvasObject{control, container.NewGridWithColumns(3, row...)}
	p.editor.Refresh()
}

// fmtNum shows a number with at most two decimals.
func fmtNum(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// state is what the panel shows, read off the UI goroutine.
type state struct {
	scenario   string
	now, total time.Duration
	playing    bool
	sent, drop uint64
	faults     script.Faults
	overrides  map[vss.ID]vehicle.Value
	err        error
	msg        string
	notes      []script.Note
	values     map[vss.ID]vehicle.Value
}

func (p *Panel) read() state {
	st := state{scenario: p.d.Scenario(), now: p.d.Now(), total: p.d.Duration(), playing: p.player.Playing(),
		faults: p.d.Faults(), overrides: p.d.Overrides(), err: p.player.Err()}
	st.sent, st.drop = p.d.Counts()
	st.values = make(map[vss.ID]vehicle.Value, len(p.ids))
	for _, id := range p.ids {
		if v, ok := p.d.Value(id); ok {
			st.values[id] = v
		}
	}
	p.mu.Lock()
	st.msg = p.msg
	st.notes = append([]script.Note(nil), p.notes...)
	p.mu.Unlock()
	return st
}

// refresh reads the state and shows it; on the UI goroutine only when
// headless (Start's goroutine does it through fyne.Do).
func (p *Panel) refresh() { p.show(p.read()) }

func (p *Panel) show(st state) {
	p.updating = true
	defer func() { p.updating = false }()
	p.values = st.values
	if st.scenario != "" && p.scenario.Selected != st.scenario {
		p.scenario.SetSelected(st.scenario)
	}
	if st.playing {
		p.play.SetText("Pause")
	} else {
		p.play.SetText("Play")
	}
	if total := st.total.Seconds(); total > 0 && p.seek.Max != total {
		p.seek.Max = total
		p.seek.Refresh()
	}
	if time.Since(p.seekTouched) > time.Second {
		p.seek.SetValue(min(st.now.Seconds(), p.seek.Max))
	}
	p.clock.SetText(clock(st.now) + " / " + clock(st.total))
	p.silence.SetChecked(st.faults.Silence)
	p.faults.SetText(describeFaults(st))
	var ns []string
	for _, n := range st.notes {
		ns = append(ns, clock(n.At)+"  "+n.Text)
	}
	p.noteList.SetText(strings.Join(ns, "\n"))
	msg := fmt.Sprintf("%d frames sent, %d held back by faults", st.sent, st.drop)
	if st.err != nil {
		msg = "stopped: " + st.err.Error() + " — " + msg
	} else if st.msg != "" {
		msg = st.msg + " — " + msg
	}
	p.status.SetText(msg)
}

func describeFaults(st state) string {
	var parts []string
	names := func(m map[vss.ID]vehicle.Value) []string {
		var out []string
		for id, v := range m {
			val := v.Str
			if val == "" {
				val = fmtNum(v.Num)
			}
			out = append(out, vss.Get(id).Path+" = "+val)
		}
		sort.Strings(out)
		return out
	}
	if o := names(st.overrides); len(o) > 0 {
		parts = append(parts, "Overrides: "+strings.Join(o, ", "))
	}
	if st.faults.Silence {
		parts = append(parts, "Bus silenced")
	}
	if len(st.faults.Drop) > 0 {
		var ids []string
		for _, id := range st.faults.Drop {
			ids = append(ids, fmt.Sprintf("%#x", id))
		}
		parts = append(parts, "Dropped: "+strings.Join(ids, ", "))
	}
	if f := names(st.faults.Freeze); len(f) > 0 {
		parts = append(parts, "Frozen: "+strings.Join(f, ", "))
	}
	var noisy []string
	for id, a := range st.faults.Noise {
		noisy = append(noisy, vss.Get(id).Path+" ±"+fmtNum(a))
	}
	sort.Strings(noisy)
	if len(noisy) > 0 {
		parts = append(parts, "Noise: "+strings.Join(noisy, ", "))
	}
	if len(parts) == 0 {
		return "No overrides, no faults"
	}
	return strings.Join(parts, "\n")
}

// Start runs the worker and the refresh ticker until Stop.
func (p *Panel) Start() {
	p.stop = make(chan struct{})
	p.wg.Add(2)
	go func() {
		defer p.wg.Done()
		for {
			select {
			case <-p.stop:
				return
			case f := <-p.cmds:
				runSafe(f, p.setMsg)
			}
		}
	}()
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(refreshEvery)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				st := p.read()
				fyne.Do(func() { p.show(st) })
			}
		}
	}()
}

// runSafe runs f, turning a panic into a status message.
func runSafe(f func(), report func(string)) {
	defer func() {
		if r := recover(); r != nil {
			report(fmt.Sprint("error: panic: ", r))
		}
	}()
	f()
}

// Stop ends the panel's goroutines.
func (p *Panel) Stop() {
	if p.stop == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.stop = nil
}

// Flush runs the queued actions on the calling goroutine (headless tests).
func (p *Panel) Flush() {
	for {
		select {
		case f := <-p.cmds:
			runSafe(f, p.setMsg)
		default:
			return
		}
	}
}
