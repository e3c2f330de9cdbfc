package voice

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/vehicle"
	"github.com/fascia-hmi/fascia/app/vehicle/vss"
)

// say renders text with espeak-ng and sox as 16 kHz mono samples.
func say(t *testing.T, text string) []int16 {
	t.Helper()
	for _, tool := range []string{"espeak-ng", "sox"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	raw, wav := filepath.Join(dir, "raw.wav"), filepath.Join(dir, "16k.wav")
	if out, err := exec.Command("espeak-ng", "-v", "en-us", "-s", "150", "-w", raw, text).CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v %s", err, out)
	}
	if out, err := exec.Command("sox", "-q", raw, "-r", "16000", "-c", "1", "-b", "16", wav, "gain", "-n", "-6", "pad", "0.3", "0").CombinedOutput(); err != nil {
		t.Fatalf("sox: %v %s", err, out)
	}
	f, err := os.Open(wav)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := ReadWAV(f)
	if err != nil {
		t.Fatal(err)
	}
	return a.Samples
}

// fileMic plays utterances, one per capture, then low noise until
// stopped, in 100 ms blocks: a microphone that hears the driver.
type fileMic struct {
	mu    sync.Mutex
	utts  [][]int16
	calls int
}

func (m *fileMic) capture(ctx context.Context, fn func([]int16)) (func(), error) {
	m.mu.Lock()
	var u []int16
	if m.calls < len(m.utts) {
		u = m.utts[m.calls]
	}
	m.calls++
	m.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		quiet := make([]int16, 1600)
		for i := range quiet {
			quiet[i] = int16(i%7) - 3
		}
		for i := 0; ; i += 1600 {
			if ctx.Err() != nil {
				return
			}
			if i < len(u) {
				fn(u[i:min(i+1600, len(u))])
			} else {
				fn(quiet)
			}
		}
	}()
	return func() { cancel(); <-done }, nil
}

type navLog struct {
	mu    sync.Mutex
	calls []string
}

func (n *navLog) add(s string) error {
	n.mu.Lock()
	n.calls = append(n.calls, s)
	n.mu.Unlock()
	return nil
}
func (n *navLog) NavigateTo(p string) (Found, error) { return Found{Name: p}, n.add("to " + p) }
func (n *navLog) NavigateHome() (Found, error) {
	return Found{Name: "Home", Metres: 1234}, n.add("home")
}
func (n *navLog) NavigateWork() (Found, error) { return Found{Name: "Work"}, n.add("work") }
func (n *navLog) FindNearest(k string) (Found, error) {
	return Found{Name: "Esso", Metres: 412}, n.add("find " + k)
}
func (n *navLog) Cancel() error { return n.add("cancel") }
func (n *navLog) Zoom(d int)    { n.add("zoom") }

type focusLog struct {
	mu                 sync.Mutex
	acquired, released int
}

func (f *focusLog) Acquire(kind string) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.acquired++
	return func() { f.mu.Lock(); f.released++; f.mu.Unlock() }
}

func (f *focusLog) counts() (acquired, released int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.acquired, f.released
}

// TestServiceConfirmFlow: the steering-wheel button starts listening, the
// end-pointer ends the utterance, "navigate home" asks for confirmation,
// the service listens again, "yes" carries it out; replies hold the audio
// focus.
func TestServiceConfirmFlow(t *testing.T) {
	st := vehicle.NewStore(nil)
	mic := &fileMic{utts: [][]int16{say(t, "navigate home"), say(t, "yes")}}
	nav := &navLog{}
	focus := &focusLog{}
	svc := New(Options{Store: st, Capture: mic.capture, Nav: nav, Focus: focus, Speaker: NewEspeakTo(t.TempDir())})
	defer svc.Close()
	svc.Start()
	<-svc.Ready()
	if ok, why := svc.Available(); !ok {
		t.Skip(why)
	}
	var mu sync.Mutex
	var seen []Status
	svc.Subscribe(func(s Status) { mu.Lock(); seen = append(seen, s); mu.Unlock() })
	st.Set(vss.ChassisSteeringWheelButtonVoiceIsPressed, vehicle.BoolValue(true), time.Now())
	deadline := time.Now().Add(60 * time.Second)
	for {
		nav.mu.Lock()
		n := len(nav.calls)
		nav.mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	// the last reply (the second) may still be speaking: wait for its release
	a, r := focus.counts()
	for end := time.Now().Add(10 * time.Second); (a < 2 || a != r) && time.Now().Before(end); a, r = focus.counts() {
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(nav.calls) != 1 || nav.calls[0] != "home" {
		for _, s := range seen {
			t.Logf("%v heard %q reply %q", s.State, s.Heard, s.Reply)
		}
		t.Fatalf("navigator calls %v", nav.calls)
	}
	confirmed := false
	for _, s := range seen {
		if s.State == Confirming && s.Pending != nil && s.Pending.Kind == NavigateHome {
			confirmed = true
		}
	}
	if !confirmed || mic.calls != 2 {
		t.Fatalf("confirmation asked %v, captures %d", confirmed, mic.calls)
	}
	if a < 2 || a != r {
		t.Fatalf("focus acquired %d released %d", a, r)
	}
}

func TestServiceNoMicrophoneAndRejection(t *testing.T) {
	svc := New(Options{Speaker: NewEspeakTo(t.TempDir())})
	defer svc.Close()
	svc.Listen()
	if s := svc.Status(); s.State != Unavailable || s.Err == "" {
		t.Fatalf("no microphone: %+v", s)
	}
	svc.Handle(Result{Heard: "gbg_t gbg_eh", Rejected: "not a command"})
	if s := svc.Status(); s.Intent != nil || s.Reply != "Sorry, I didn't catch that." {
		t.Fatalf("rejected: %+v", s)
	}
	pay := Intent{Kind: PayParking}
	svc.Handle(Result{Heard: "pay for parking", Intent: &pay})
	if s := svc.Status(); s.State != Confirming || s.Reply != "Pay for parking?" {
		t.Fatalf("pay: %+v", s)
	}
	no := Intent{Kind: No}
	svc.Handle(Result{Heard: "no", Intent: &no})
	if s := svc.Status(); s.State != Idle || s.Reply != "Okay, cancelled." || s.Pending != nil {
		t.Fatalf("no: %+v", s)
	}
	// nothing wired: an honest answer, not a pretend action
	if r := svc.Do(Intent{Kind: PayParking}); r != "Paying for parking is not available." {
		t.Fatalf("unwired: %q", r)
	}
}

// screenLog records the screens a voice command asked for.
type screenLog []string

func (l *screenLog) Show(name string) { *l = append(*l, name) }

// TestSetScreens: screen commands answer "not available" until the shell is
// connected, then switch screens.
func TestSetScreens(t *testing.T) {
	svc := New(Options{})
	defer svc.Close()
	if r := svc.Do(Intent{Kind: ShowMap}); r != "Switching screens is not available." {
		t.Fatalf("before SetScreens: %q", r)
	}
	var l screenLog
	svc.SetScreens(&l)
	for _, k := range []string{ShowMap, OpenSettings, GoHome} {
		svc.Do(Intent{Kind: k})
	}
	if r := svc.Do(Intent{Kind: PayParking}); r != "Pick the car park and enter your PIN on the Store screen." {
		t.Errorf("pay for parking: %q", r)
	}
	if got := strings.Join(l, ","); got != "map,settings,home,market" {
		t.Fatalf("screens shown: %s", got)
	}
}

// TestNavigationReplies: navigation commands show the place on the map and
// say how far it is, that there is no route yet, or why it failed.
func TestNavigationReplies(t *testing.T) {
	nav := &navLog{}
	svc := New(Options{Nav: nav})
	defer svc.Close()
	var l screenLog
	svc.SetScreens(&l)
	for _, c := range []struct {
		in   Intent
		want string
	}{
		{Intent{Kind: NavigateHome}, "Home is 1.2 kilometres away, on the map now. Turn-by-turn directions are not available yet."},
		{Intent{Kind: FindGas}, "The nearest gas station, Esso, is 410 metres away, on the map now. Turn-by-turn directions are not available yet."},
		{Intent{Kind: NavigateTo, Slots: map[string]string{SlotPlace: "Rue Grimaldi"}}, "Rue Grimaldi, on the map now. Turn-by-turn directions are not available yet."},
		{Intent{Kind: ZoomOut}, "Zooming out."},
		{Intent{Kind: CancelRoute}, "Destination cleared."},
	} {
		if got := svc.Do(c.in); got != c.want {
			t.Errorf("%s: %q, want %q", c.in.Kind, got, c.want)
		}
	}
	if got := strings.Join(l, ","); got != "map,map,map,map" {
		t.Errorf("screens shown: %s", got)
	}
	if got := strings.Join(nav.calls, ","); got != "home,find gas,to Rue Grimaldi,zoom,cancel" {
		t.Errorf("navigator calls: %s", got)
	}
	svc = New(Options{Nav: &failingNav{}, Miles: true})
	defer svc.Close()
	if got := svc.Do(Intent{Kind: FindCharging}); got != "Sorry, there is no charging station on the map within 10 kilometres." {
		t.Errorf("a failed search: %q", got)
	}
	if got := distanceWords(1609.344*2.26, true); got != "2.3 miles" {
		t.Errorf("miles: %q", got)
	}
}

type failingNav struct{ navLog }

func (*failingNav) FindNearest(string) (Found, error) {
	return Found{}, errors.New("there is no charging station on the map within 10 kilometres")
}
