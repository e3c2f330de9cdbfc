// Package player owns music playback: the queue and its order (shuffle,
// repeat), the current and the next track opened and decoded ahead so that
// tracks join without a gap, volume on a perceptual gain curve, seeking,
// and the state that survives a restart. It produces one beep streamer at
// the output rate for platform/audio; it opens no device, knows nothing of
// the library's index or of the UI, and never blocks its callers on file
// I/O (opening and seeking run on its own goroutines).
package player

import (
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/gopxl/beep/v2"

	"github.com/fascia-hmi/fascia/platform/audio"
)

// Item is one queued track: what to open and what to show.
type Item struct {
	ID       int64         `json:"id,omitempty"` // the library's track ID; 0 for a bare file
	Path     string        `json:"path"`
	Title    string        `json:"title,omitempty"`
	Artist   string        `json:"artist,omitempty"`
	Album    string        `json:"album,omitempty"`
	Duration time.Duration `json:"duration,omitempty"`
}

// Repeat is the repeat mode.
type Repeat int

// Repeat modes.
const (
	RepeatOff Repeat = iota
	RepeatAll
	RepeatOne
)

func (r Repeat) String() string {
	switch r {
	case RepeatAll:
		return "all"
	case RepeatOne:
		return "one"
	}
	return "off"
}

// RestartAfter is how far into a track Previous restarts it instead of
// going back.
const RestartAfter = 3 * time.Second

// State is a snapshot of the player for the UI and the car.
type State struct {
	Item     Item // the current track (zero when the queue is empty)
	HasItem  bool
	Index    int // the current track's place in the play order
	Len      int // tracks in the queue
	Playing  bool
	Loading  bool // opening the current track
	Position time.Duration
	Duration time.Duration
	Volume   int // 0–100
	Shuffle  bool
	Repeat   Repeat
	Skipped  string // why the last unplayable track was skipped
}

// Options configure a Player.
type Options struct {
	// Open opens a track's bytes; nil opens Item.Path.
	Open func(Item) (io.ReadSeekCloser, error)
	// StatePath is the JSON file the queue, track and position are kept in
	// across restarts; empty keeps nothing.
	StatePath string
	Log       *slog.Logger
	// Seed seeds shuffling; 0 seeds from the clock.
	Seed uint64
}

// entry is a queued item with an identity that survives reordering.
type entry struct {
	Item
	uid uint64
}

// pending is a track being opened on its own goroutine.
type pending struct {
	gen  uint64
	pos  int
	uid  uint64
	done chan struct{}
	src  *source
	err  error
	// after runs with the player's lock held once the open finished; set
	// (under the lock) when the track is wanted before it is ready.
	after func(*pending)
}

// Player plays a queue of tracks into one streamer. Its methods are safe for
// concurrent use and return without waiting for file I/O.
type Player struct {
	opt Options
	log *slog.Logger

	mu        sync.Mutex // guards everything below; held while streaming
	queue     []entry    // in play order
	orig      []entry    // in the order added (for shuffle off)
	pos       int        // index in queue of the current track; -1 none
	nextUID   uint64
	gen       uint64 // bumped whenever the queue or the current track changes
	playing   bool
	cur       *source
	loading   *pending // the current track being opened
	next      *pending // the natural successor, opened ahead
	resume    time.Duration
	volume    int
	gain      float64 // the gain applied at the end of the last buffer
	shuffle   bool
	repeat    Repeat
	rng       *rand.Rand
	skipped   string
	played    int64 // samples streamed since the last save
	fails     int   // tracks that failed to open in a row
	statePath string

	stMu sync.Mutex
	st   State
	subs map[chan struct{}]struct{}

	save   chan struct{}
	stop   chan struct{}
	wg     sync.WaitGroup
	closed bool

	onFirst func(Item) // test hook: the first sample of a track was streamed
}

// New returns a player with the state kept at opt.StatePath (paused at the
// saved track and position), or an empty queue at 70 % volume.
func New(opt Options) *Player {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.Open == nil {
		opt.Open = func(it Item) (io.ReadSeekCloser, error) { return os.Open(it.Path) }
	}
	seed := opt.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	p := &Player{
		opt: opt, log: opt.Log, pos: -1, volume: 70, rng: rand.New(rand.NewPCG(seed, 0x66617363)),
		subs: map[chan struct{}]struct{}{}, save: make(chan struct{}, 1), stop: make(chan struct{}),
	}
	p.gain = Gain(p.volume)
	p.mu.Lock()
	p.publishLocked()
	p.mu.Unlock()
	if opt.StatePath != "" {
		if err := p.Restore(opt.StatePath); err != nil {
			p.log.Warn("player state not restored", "err", err)
		}
	}
	return p
}

// Gain maps a volume of 0–100 to a linear gain: linear in decibels from
// −40 dB at 1 to 0 dB at 100, silent at 0.
func Gain(volume int) float64 {
	if volume <= 0 {
		return 0
	}
	v := float64(min(volume, 100))
	return math.Pow(10, -40*(1-v/100)/20)
}

// Streamer returns the player's output: the current track at the output
// rate with the volume applied, silence when paused or empty. It never
// drains; add it to the audio output once.
func (p *Player) Streamer() beep.Streamer { return beep.StreamerFunc(p.stream) }

func (p *Player) stream(buf [][2]float64) (int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	filled := 0
	var firsts []Item
	for filled < len(buf) && p.playing && p.cur != nil {
		n, ok := p.cur.stream(buf[filled:])
		if n > 0 && p.cur.fresh {
			p.cur.fresh = false
			if p.onFirst != nil {
				firsts = append(firsts, p.cur.item)
			}
		}
		filled += n
		if n == 0 || !ok {
			p.endedLocked()
		}
	}
	clear(buf[filled:])
	// Volume: ramp from the last buffer's gain to the current one.
	g0, g1 := p.gain, Gain(p.volume)
	for i := range buf[:filled] {
		g := g1
		if g0 != g1 {
			g = g0 + (g1-g0)*float64(i+1)/float64(filled)
		}
		buf[i][0] *= g
		buf[i][1] *= g
	}
	p.gain = g1
	if p.cur != nil {
		p.stMu.Lock()
		p.st.Position = p.cur.position()
		p.stMu.Unlock()
	}
	p.played += int64(filled)
	if p.played >= int64(audio.Rate)*10 {
		p.played = 0
		p.requestSave()
	}
	for _, it := range firsts {
		p.onFirst(it)
	}
	return len(buf), true
}

// endedLocked moves on when the current track ends (or fails): to the same
// track for repeat one, else to the next in order, which was opened ahead.
func (p *Player) endedLocked() {
	if p.cur.err != nil {
		p.skipLocked(p.cur.err)
	}
	p.cur.close()
	p.cur = nil
	for tries := 0; tries <= len(p.queue); tries++ {
		nxt := p.successorLocked(p.pos)
		if nxt < 0 {
			p.playing = false
			p.resume = 0
			p.gen++
			p.publishLocked()
			return
		}
		var src *source
		var err error
		if pd := p.next; pd != nil && pd.gen == p.gen && pd.pos == nxt {
			select {
			case <-pd.done:
				p.next = nil
				src, err = pd.src, pd.err
			default:
			}
		}
		if src == nil && err == nil {
			// Not opened ahead, or not ready yet (very slow storage): the
			// audio callback never waits or opens files holding the lock;
			// the track starts when its open finishes, silence until then.
			p.jumpLocked(nxt, 0, true)
			return
		}
		p.gen++
		p.pos = nxt
		if err != nil {
			p.skipLocked(err)
			continue
		}
		p.cur = src
		p.resume = 0
		p.preloadLocked()
		p.publishLocked()
		p.requestSave()
		return
	}
	p.playing = false
	p.publishLocked()
}

func (p *Player) skipLocked(err error) {
	p.skipped = err.Error()
	p.log.Warn("track skipped", "reason", err)
}

// successorLocked returns the queue index that follows i when a track ends
// by itself, or -1.
func (p *Player) successorLocked(i int) int {
	switch {
	case len(p.queue) == 0 || i < 0:
		return -1
	case p.repeat == RepeatOne:
		return i
	case i+1 < len(p.queue):
		return i + 1
	case p.repeat == RepeatAll:
		return 0
	}
	return -1
}

// preloadLocked opens the natural successor of the current track ahead.
func (p *Player) preloadLocked() {
	if p.next != nil {
		if p.next.gen == p.gen && p.next.pos == p.successorLocked(p.pos) {
			return
		}
		go closeWhenDone(p.next)
		p.next = nil
	}
	nxt := p.successorLocked(p.pos)
	if nxt < 0 {
		return
	}
	p.next = p.openAsync(nxt, nil)
}

// openAsync opens queue[i] on a goroutine; then runs after, if any, with
// the lock held. Call it with the lock held.
func (p *Player) openAsync(i int, after func(*pending)) *pending {
	pd := &pending{gen: p.gen, pos: i, uid: p.queue[i].uid, done: make(chan struct{}), after: after}
	it := p.queue[i].Item
	go func() {
		src, err := openSource(p.opt.Open, it)
		p.mu.Lock()
		pd.src, pd.err = src, err
		close(pd.done)
		if pd.after != nil {
			pd.after(pd)
		}
		p.mu.Unlock()
	}()
	return pd
}

func closeWhenDone(pd *pending) {
	<-pd.done
	if pd.src != nil {
		pd.src.close()
	}
}

// jumpLocked makes queue[i] current, starting at at, playing or paused.
func (p *Player) jumpLocked(i int, at time.Duration, play bool) {
	if p.cur != nil {
		p.cur.close()
		p.cur = nil
	}
	if p.loading != nil {
		go closeWhenDone(p.loading)
		p.loading = nil
	}
	if i < 0 || i >= len(p.queue) {
		p.pos, p.playing, p.resume = -1, false, 0
		p.gen++
		p.publishLocked()
		return
	}
	reuse := p.next
	if reuse != nil && !(reuse.gen == p.gen && reuse.pos == i) {
		reuse = nil
	}
	p.gen++
	p.pos, p.playing, p.resume = i, play, at
	if p.next != nil && p.next != reuse {
		go closeWhenDone(p.next)
	}
	p.next = nil
	install := func(pd *pending) {
		if p.loading != pd {
			if pd.src != nil {
				pd.src.close()
			}
			return
		}
		p.loading = nil
		if pd.err != nil {
			p.skipLocked(pd.err)
			// Move on as if it had ended by itself, unless every track
			// of the queue failed in a row.
			p.fails++
			if nxt := p.successorLocked(p.pos); nxt >= 0 && nxt != p.pos && p.playing && p.fails < len(p.queue) {
				p.jumpLocked(nxt, 0, true)
				return
			}
			p.playing = false
			p.publishLocked()
			return
		}
		if p.resume > 0 {
			if err := pd.src.seek(p.resume); err != nil {
				p.log.Warn("resume position not reached", "err", err)
			}
		}
		p.fails = 0
		p.cur = pd.src
		p.preloadLocked()
		p.publishLocked()
		p.requestSave()
	}
	if reuse != nil {
		// The track opened ahead: install it now, or when its open ends.
		reuse.gen = p.gen
		p.loading = reuse
		select {
		case <-reuse.done:
			install(reuse)
		default:
			reuse.after = install
			p.publishLocked()
		}
		return
	}
	p.loading = p.openAsync(i, install)
	p.publishLocked()
}

// Play replaces the queue with items and plays items[start].
func (p *Player) Play(items []Item, start int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queue = p.queue[:0:0]
	for _, it := range items {
		p.nextUID++
		p.queue = append(p.queue, entry{Item: it, uid: p.nextUID})
	}
	p.orig = append([]entry(nil), p.queue...)
	if start < 0 || start >= len(p.queue) {
		start = 0
	}
	if p.shuffle && len(p.queue) > 0 {
		p.queue[0], p.queue[start] = p.queue[start], p.queue[0]
		p.shuffleFromLocked(1)
		start = 0
	}
	p.jumpLocked(start, 0, len(p.queue) > 0)
}

func (p *Player) shuffleFromLocked(from int) {
	rest := p.queue[from:]
	p.rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
}

// Resume plays from where the player is (the restored track after a
// restart); it is a no-op when already playing or the queue is empty.
func (p *Player) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.playing || len(p.queue) == 0 {
		return
	}
	if p.pos < 0 {
		p.pos = 0
	}
	if p.cur == nil && p.loading == nil {
		p.jumpLocked(p.pos, p.resume, true)
		return
	}
	p.playing = true
	p.publishLocked()
}

// Pause stops output at the current position.
func (p *Player) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.playing {
		return
	}
	p.playing = false
	if p.cur != nil {
		p.resume = p.cur.position()
	}
	p.publishLocked()
	p.requestSave()
}

// Toggle pauses when playing, else resumes.
func (p *Player) Toggle() {
	if p.State().Playing {
		p.Pause()
	} else {
		p.Resume()
	}
}

// Next skips to the next track in order (wrapping with repeat all; repeat
// one does not hold an explicit skip). At the end of the queue it stops.
func (p *Player) Next() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 {
		return
	}
	nxt := p.pos + 1
	if nxt >= len(p.queue) {
		if p.repeat == RepeatOff {
			p.jumpLocked(-1, 0, false)
			return
		}
		nxt = 0
	}
	p.jumpLocked(nxt, 0, true)
}

// Previous restarts the track when more than RestartAfter into it, else
// goes to the one before (wrapping with repeat all).
func (p *Player) Previous() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 {
		return
	}
	if p.cur != nil && p.cur.position() > RestartAfter {
		p.seekLocked(0)
		return
	}
	prv := p.pos - 1
	if prv < 0 {
		if p.repeat == RepeatAll {
			prv = len(p.queue) - 1
		} else {
			prv = 0
		}
	}
	p.jumpLocked(prv, 0, true)
}

// Seek moves within the current track; the file is read on a goroutine.
func (p *Player) Seek(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seekLocked(d)
}

func (p *Player) seekLocked(d time.Duration) {
	if p.cur == nil {
		p.resume = max(d, 0)
		return
	}
	src, gen := p.cur, p.gen
	p.stMu.Lock()
	p.st.Position = max(d, 0)
	p.stMu.Unlock()
	go func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.cur != src || p.gen != gen {
			return
		}
		if err := src.seek(d); err != nil {
			p.log.Warn("seek failed", "err", err)
		}
		p.publishLocked()
	}()
}

// PlayNext queues items right after the current track.
func (p *Player) PlayNext(items ...Item) { p.insert(items, true) }

// Add queues items at the end.
func (p *Player) Add(items ...Item) { p.insert(items, false) }

func (p *Player) insert(items []Item, next bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var es []entry
	for _, it := range items {
		p.nextUID++
		es = append(es, entry{Item: it, uid: p.nextUID})
	}
	if next && p.pos >= 0 {
		p.queue = append(p.queue[:p.pos+1], append(es, p.queue[p.pos+1:]...)...)
		at := len(p.orig)
		for i, e := range p.orig {
			if e.uid == p.queue[p.pos].uid {
				at = i + 1
			}
		}
		p.orig = append(p.orig[:at], append(append([]entry(nil), es...), p.orig[at:]...)...)
	} else {
		p.queue = append(p.queue, es...)
		p.orig = append(p.orig, es...)
	}
	if p.next != nil {
		p.gen++ // the successor may have changed
		if p.loading != nil {
			p.loading.gen = p.gen
		}
	}
	if p.cur != nil {
		p.preloadLocked()
	}
	p.publishLocked()
	p.requestSave()
}

// SetShuffle shuffles the tracks after the current one, or restores the
// order they were added in.
func (p *Player) SetShuffle(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on == p.shuffle {
		return
	}
	p.shuffle = on
	var uid uint64
	if p.pos >= 0 {
		uid = p.queue[p.pos].uid
	}
	if on {
		p.orig = append([]entry(nil), p.queue...)
		p.shuffleFromLocked(p.pos + 1)
	} else {
		p.queue = append([]entry(nil), p.orig...)
		for i, e := range p.queue {
			if e.uid == uid && p.pos >= 0 {
				p.pos = i
			}
		}
	}
	p.orderChangedLocked()
}

// SetRepeat sets the repeat mode.
func (p *Player) SetRepeat(r Repeat) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.repeat = max(RepeatOff, min(r, RepeatOne))
	p.orderChangedLocked()
}

func (p *Player) orderChangedLocked() {
	p.gen++
	if p.loading != nil {
		p.loading.gen = p.gen
	}
	if p.cur != nil {
		p.preloadLocked()
	}
	p.publishLocked()
	p.requestSave()
}

// SetVolume sets the volume, 0–100 (clamped).
func (p *Player) SetVolume(v int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.volume = max(0, min(v, 100))
	p.publishLocked()
	p.requestSave()
}

// Volume returns the volume, 0–100.
func (p *Player) Volume() int { return p.State().Volume }

// State returns a snapshot; it never waits for the decoder.
func (p *Player) State() State {
	p.stMu.Lock()
	defer p.stMu.Unlock()
	return p.st
}

// Queue returns the queued items in play order.
func (p *Player) Queue() []Item {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Item, len(p.queue))
	for i, e := range p.queue {
		out[i] = e.Item
	}
	return out
}

// Subscribe returns a channel that receives a value (coalesced) whenever
// the track, play state, queue, volume or modes change; the position is
// read with State. cancel ends the subscription.
func (p *Player) Subscribe() (ch <-chan struct{}, cancel func()) {
	c := make(chan struct{}, 1)
	p.stMu.Lock()
	p.subs[c] = struct{}{}
	p.stMu.Unlock()
	return c, func() {
		p.stMu.Lock()
		delete(p.subs, c)
		p.stMu.Unlock()
	}
}

// publishLocked refreshes the snapshot and wakes subscribers.
func (p *Player) publishLocked() {
	s := State{Index: p.pos, Len: len(p.queue), Playing: p.playing, Loading: p.loading != nil,
		Volume: p.volume, Shuffle: p.shuffle, Repeat: p.repeat, Skipped: p.skipped, Position: p.resume}
	if p.pos >= 0 && p.pos < len(p.queue) {
		s.Item, s.HasItem = p.queue[p.pos].Item, true
		s.Duration = s.Item.Duration
	}
	if p.cur != nil {
		s.Position = p.cur.position()
		if s.Duration == 0 {
			s.Duration = p.cur.length()
		}
		if s.Item.Duration == 0 {
			s.Item.Duration = s.Duration
		}
	}
	p.stMu.Lock()
	p.st = s
	for c := range p.subs {
		select {
		case c <- struct{}{}:
		default:
		}
	}
	p.stMu.Unlock()
}

// Close stops playback, writes the state and releases the files.
func (p *Player) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	if p.cur != nil {
		p.resume = p.cur.position()
		p.cur.close()
		p.cur = nil
	}
	for _, pd := range []*pending{p.loading, p.next} {
		if pd != nil {
			go closeWhenDone(pd)
		}
	}
	p.loading, p.next = nil, nil
	p.playing = false
	path := p.statePath
	p.mu.Unlock()
	close(p.stop)
	p.wg.Wait()
	if path != "" {
		return p.writeState()
	}
	return nil
}
