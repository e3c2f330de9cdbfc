package voice

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/app/nav"
)

// testArtists and testAlbums are the media slot values of the corpus.
var (
	testArtists = []string{"Miles Davis", "Daft Punk", "Édith Piaf", "Radiohead", "Nina Simone", "Fleetwood Mac", "AC/DC", "Stromae"}
	testAlbums  = []string{"Kind of Blue", "Random Access Memories", "OK Computer", "Rumours", "Back in Black", "Racine Carrée"}
)

func testSlots(t testing.TB) Slots {
	t.Helper()
	places, err := nav.DemoPlaces(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return NewSlots(places, testArtists, testAlbums)
}

type corpusItem struct {
	file, kind, cond, voice, speed, text string
}

// corpus returns the generated test corpus, building it with
// scripts/make-voice-corpus into the user cache (keyed by the phrases and
// the script) when it is not there yet.
func corpus(t testing.TB, phrases []string) []corpusItem {
	t.Helper()
	for _, tool := range []string{"espeak-ng", "sox"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: cannot build the voice corpus", tool)
		}
	}
	script, err := filepath.Abs("../../scripts/make-voice-corpus")
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	h.Write(body)
	h.Write([]byte(strings.Join(phrases, "\n")))
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "fascia", "voice-corpus", hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dir, "manifest.tsv")); err != nil {
		cmd := exec.Command(script, dir)
		cmd.Stdin = strings.NewReader(strings.Join(phrases, "\n") + "\n")
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("make-voice-corpus: %v", err)
		}
	}
	return readManifest(t, dir)
}

// readManifest reads the items of a corpus built by make-voice-corpus.
func readManifest(t testing.TB, dir string) []corpusItem {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "manifest.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var items []corpusItem
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		if len(p) != 6 {
			t.Fatalf("manifest: bad line %q", sc.Text())
		}
		items = append(items, corpusItem{filepath.Join(dir, p[0]), p[1], p[2], p[3], p[4], p[5]})
	}
	return items
}

type tally struct{ ok, n int }

func (t tally) pct() float64 {
	if t.n == 0 {
		return 0
	}
	return 100 * float64(t.ok) / float64(t.n)
}

type evaluation struct {
	in       map[string]*tally // by condition
	oog      map[string]*tally
	misses   []string
	decodeMs []float64
	rtf      []float64
	rtfDec   [3][]float64 // grammar, phone loop, word loop
}

// corpusSpeech reads a corpus file's samples.
func corpusSpeech(t testing.TB, file string) []int16 {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ReadWAV(f)
	f.Close()
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	s, err := a.Speech()
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return s
}

func evaluate(t testing.TB, r *Recognizer, g *Grammar, items []corpusItem) evaluation {
	t.Helper()
	ev := evaluation{in: map[string]*tally{}, oog: map[string]*tally{}}
	for _, it := range items {
		res, err := r.Decode(corpusSpeech(t, it.file))
		if err != nil {
			t.Fatalf("%s: %v", it.file, err)
		}
		ev.decodeMs = append(ev.decodeMs, float64(res.Decode.Microseconds())/1000)
		ev.rtf = append(ev.rtf, res.CPU.Seconds()/res.Audio.Seconds())
		for i, d := range []time.Duration{res.GrammarCPU, res.LoopCPU, res.RefCPU} {
			ev.rtfDec[i] = append(ev.rtfDec[i], d.Seconds()/res.Audio.Seconds())
		}
		m := ev.in
		var ok bool
		if it.kind == "oog" {
			m = ev.oog
			ok = res.Intent == nil
		} else {
			want, wok := g.Parse(it.text)
			if !wok {
				t.Fatalf("corpus phrase %q does not parse", it.text)
			}
			ok = res.Intent != nil && res.Intent.Equal(want)
		}
		if m[it.cond] == nil {
			m[it.cond] = &tally{}
		}
		m[it.cond].n++
		if ok {
			m[it.cond].ok++
		} else {
			ev.misses = append(ev.misses, it.kind+" "+it.cond+" "+it.voice+" "+it.speed+" "+strings.TrimSpace(it.text)+" → "+res.Heard)
		}
	}
	return ev
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	y := append([]float64{}, x...)
	sort.Float64s(y)
	return y[len(y)/2]
}

func newTestRecognizer(t testing.TB, opt RecognizerOptions) (*Recognizer, *Grammar) {
	t.Helper()
	r, err := NewRecognizer(opt)
	if err != nil {
		t.Skipf("no recognizer: %v", err)
	}
	t.Cleanup(r.Close)
	g, err := r.Build(context.Background(), "commands", Catalog, testSlots(t))
	if err != nil {
		t.Fatal(err)
	}
	return r, g
}
