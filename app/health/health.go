// Package health owns the cockpit's vehicle alerts: rules that watch live
// signals in the vehicle Store (door open while moving, low fuel or charge,
// tyre pressure, fault codes, low 12 V battery) and the list of active alerts
// with their acknowledgement. It reads only live values — a stale signal
// neither raises nor clears an alert — and never touches the UI.
package health

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

// Severity orders alerts.
type Severity uint8

// Severities, least to most urgent.
const (
	Info Severity = iota
	Warning
	Critical
)

func (s Severity) String() string { return [...]string{"info", "warning", "critical"}[s] }

// Alert is one active condition.
type Alert struct {
	ID       string
	Title    string
	Detail   string
	Severity Severity
	Since    time.Time
	Acked    bool
}

// Thresholds of the built-in rules.
const (
	LowFuelPercent    = 10.0  // fuel level or state of charge, %
	LowTyreKPa        = 200.0 // tyre pressure
	LowBatteryVolts   = 11.8  // 12 V system
	CriticalTyreKPa   = 150.0
	CriticalFuelRange = 20000 // m
)

var doors = []struct {
	id   vss.ID
	name string
}{
	{vss.CabinDoorRow1DriverSideIsOpen, "driver's door"},
	{vss.CabinDoorRow1PassengerSideIsOpen, "front passenger door"},
	{vss.CabinDoorRow2DriverSideIsOpen, "rear left door"},
	{vss.CabinDoorRow2PassengerSideIsOpen, "rear right door"},
	{vss.BodyTrunkRearIsOpen, "boot"},
	{vss.BodyTrunkFrontIsOpen, "front trunk"},
}

var tyres = []struct {
	id   vss.ID
	name string
}{
	{vss.ChassisAxleRow1WheelLeftTirePressure, "front left"},
	{vss.ChassisAxleRow1WheelRightTirePressure, "front right"},
	{vss.ChassisAxleRow2WheelLeftTirePressure, "rear left"},
	{vss.ChassisAxleRow2WheelRightTirePressure, "rear right"},
}

// condition is what a rule found: nil when the alert is not active. A rule
// returns keep=true when it cannot tell (its inputs are stale) so that an
// alert is neither raised nor cleared on old data.
type condition struct {
	title, detail string
	sev           Severity
}

type rule struct {
	id   string
	eval func(get func(vss.ID) vehicle.Reading) (c *condition, keep bool)
}

var rules = []rule{
	{"door-open-while-moving", func(get func(vss.ID) vehicle.Reading) (*condition, bool) {
		m := get(vss.IsMoving)
		if !m.OK() {
			return nil, true
		}
		if !m.Bool() {
			return nil, false
		}
		for _, d := range doors {
			if r := get(d.id); r.OK() && r.Bool() {
				return &condition{"Door open while driving", "The " + d.name + " is open.", Critical}, false
			}
		}
		return nil, false
	}},
	{"low-fuel", func(get func(vss.ID) vehicle.Reading) (*condition, bool) {
		type energy struct {
			id         vss.ID
			title, rng string
		}
		fuel := energy{vss.PowertrainFuelSystemRelativeLevel, "Low fuel", "fuel"}
		charge := energy{vss.PowertrainTractionBatteryStateOfChargeCurrent, "Low charge", "charge"}
		// A profile may carry both signals whatever the powertrain (the
		// demo car's DBC does): only the stores the car has count.
		stores := []energy{fuel, charge}
		if t := get(vss.PowertrainType); t.OK() {
			switch t.Str {
			case "COMBUSTION":
				stores = stores[:1]
			case "ELECTRIC":
				stores = stores[1:]
			}
		}
		stale := false
		for _, s := range stores {
			r := get(s.id)
			stale = stale || r.State == vehicle.Stale
			if !r.OK() || r.Num >= LowFuelPercent {
				continue
			}
			sev := Warning
			detail := fmt.Sprintf("%.0f %% %s left.", r.Num, s.rng)
			if rr := get(vss.PowertrainRange); rr.OK() {
				detail = fmt.Sprintf("%.0f %% %s left, about %.0f km.", r.Num, s.rng, rr.Num/1000)
				if rr.Num < CriticalFuelRange {
					sev = Critical
				}
			}
			return &condition{s.title, detail, sev}, false
		}
		return nil, stale
	}},
	{"tyre-pressure", func(get func(vss.ID) vehicle.Reading) (*condition, bool) {
		var c *condition
		stale := false
		for _, t := range tyres {
			r := get(t.id)
			if r.State == vehicle.Stale {
				stale = true
			}
			if !r.OK() || r.Num >= LowTyreKPa {
				continue
			}
			sev := Warning
			if r.Num < CriticalTyreKPa {
				sev = Critical
			}
			if c == nil || sev > c.sev {
				c = &condition{"Low tyre pressure", fmt.Sprintf("The %s tyre is at %.0f kPa.", t.name, r.Num), sev}
			}
		}
		return c, c == nil && stale
	}},
	{"fault", func(get func(vss.ID) vehicle.Reading) (*condition, bool) {
		n, mil := get(vss.DiagnosticsDTCCount), get(vss.OBDStatusIsMILOn)
		if !n.OK() && !mil.OK() {
			return nil, true
		}
		if (n.OK() && n.Num > 0) || (mil.OK() && mil.Bool()) {
			detail := "Check engine light is on."
			if n.OK() && n.Num > 0 {
				detail = fmt.Sprintf("%.0f fault code(s) stored. Have the vehicle checked.", n.Num)
			}
			return &condition{"Vehicle fault", detail, Warning}, false
		}
		return nil, false
	}},
	{"low-12v", func(get func(vss.ID) vehicle.Reading) (*condition, bool) {
		r := get(vss.LowVoltageBatteryCurrentVoltage)
		if !r.OK() {
			return nil, true
		}
		if r.Num < LowBatteryVolts {
			return &condition{"12 V battery low", fmt.Sprintf("Battery at %.1f V.", r.Num), Warning}, false
		}
		return nil, false
	}},
}

// Monitor evaluates the rules against a Store and keeps the active alerts.
type Monitor struct {
	store *vehicle.Store

	mu     sync.Mutex
	active map[string]*Alert
	acked  map[string]bool
	seq    uint64
	broken map[string]bool // rules that panicked, logged once each
}

// NewMonitor returns a monitor of store's signals. Call Evaluate, or Run it.
func NewMonitor(store *vehicle.Store) *Monitor {
	return &Monitor{store: store, active: map[string]*Alert{}, acked: map[string]bool{}, broken: map[string]bool{}}
}

// Evaluate runs every rule once against the store's current readings.
func (m *Monitor) Evaluate() {
	now := m.store.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range rules {
		c, keep := m.eval(r)
		if keep {
			continue
		}
		a, was := m.active[r.id]
		switch {
		case c == nil && was:
			delete(m.active, r.id)
			delete(m.acked, r.id)
			m.seq++
		case c != nil && !was:
			m.active[r.id] = &Alert{ID: r.id, Title: c.title, Detail: c.detail, Severity: c.sev, Since: now}
			m.seq++
		case c != nil && (a.Detail != c.detail || a.Severity != c.sev || a.Title != c.title):
			if c.sev > a.Severity {
				delete(m.acked, r.id) // worse than what was acknowledged: show again
			}
			a.Title, a.Detail, a.Severity = c.title, c.detail, c.sev
			m.seq++
		}
	}
}

// eval runs one rule. A rule that panics keeps its alert as it was, is
// logged once, and does not stop the other rules.
func (m *Monitor) eval(r rule) (c *condition, keep bool) {
	defer func() {
		if p := recover(); p != nil {
			if !m.broken[r.id] {
				m.broken[r.id] = true
				slog.Error("health: rule panicked; its alert is frozen", "rule", r.id, "panic", fmt.Sprint(p))
			}
			c, keep = nil, true
		}
	}()
	return r.eval(m.store.Get)
}

// Run evaluates the rules every interval until ctx ends.
func (m *Monitor) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		m.Evaluate()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Active returns the active alerts: unacknowledged first, then by severity
// (most urgent first), then oldest first.
func (m *Monitor) Active() []Alert {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Alert, 0, len(m.active))
	for id, a := range m.active {
		c := *a
		c.Acked = m.acked[id]
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Acked != b.Acked {
			return !a.Acked
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if !a.Since.Equal(b.Since) {
			return a.Since.Before(b.Since)
		}
		return a.ID < b.ID
	})
	return out
}

// Ack acknowledges an active alert: it stays in the list but no longer asks
// for attention until it clears or gets worse.
func (m *Monitor) Ack(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.active[id]; ok && !m.acked[id] {
		m.acked[id] = true
		m.seq++
	}
}

// Seq changes whenever the alert list or an acknowledgement changes.
func (m *Monitor) Seq() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seq
}
