package voice

import (
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// fsgText is an FSG text read back: arcs per state (word "" = null).
type fsgText struct {
	states, start, final int
	arcs                 map[int][][2]string // from → {word, to}
}

func readFSG(t *testing.T, text string) fsgText {
	t.Helper()
	f := fsgText{arcs: map[int][][2]string{}}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if !strings.HasPrefix(lines[0], "FSG_BEGIN ") || lines[len(lines)-1] != "FSG_END" {
		t.Fatalf("not framed by FSG_BEGIN … FSG_END:\n%s", text)
	}
	for _, l := range lines[1 : len(lines)-1] {
		fs := strings.Fields(l)
		num := func(i int) int {
			n, err := strconv.Atoi(fs[i])
			if err != nil || n < 0 || (f.states > 0 && n >= f.states) {
				t.Fatalf("line %q: field %d", l, i)
			}
			return n
		}
		switch fs[0] {
		case "NUM_STATES":
			f.states = num(1)
		case "START_STATE":
			f.start = num(1)
		case "FINAL_STATE":
			f.final = num(1)
		case "TRANSITION":
			if len(fs) < 4 || len(fs) > 5 || fs[3] != "1.0" {
				t.Fatalf("line %q", l)
			}
			w := ""
			if len(fs) == 5 {
				w = fs[4]
			}
			f.arcs[num(1)] = append(f.arcs[num(1)], [2]string{w, fs[2]})
		default:
			t.Fatalf("line %q", l)
		}
	}
	return f
}

// sentences lists every word sequence from start to final.
func (f fsgText) sentences(t *testing.T) []string {
	t.Helper()
	var out []string
	var walk func(s int, words []string, depth int)
	walk = func(s int, words []string, depth int) {
		if depth > 100 {
			t.Fatal("cycle")
		}
		if s == f.final {
			out = append(out, strings.Join(words, " "))
		}
		for _, a := range f.arcs[s] {
			to, _ := strconv.Atoi(a[1])
			next := words
			if a[0] != "" {
				next = append(append([]string{}, words...), a[0])
			}
			walk(to, next, depth+1)
		}
	}
	walk(f.start, nil, 0)
	sort.Strings(out)
	return out
}

// deterministic fails when a state has two arcs with one word, or a null
// arc anywhere but into the final state.
func (f fsgText) deterministic(t *testing.T) {
	t.Helper()
	for s, as := range f.arcs {
		seen := map[string]bool{}
		for _, a := range as {
			if seen[a[0]] {
				t.Fatalf("state %d has two arcs %q", s, a[0])
			}
			seen[a[0]] = true
			if a[0] == "" && a[1] != strconv.Itoa(f.final) {
				t.Fatalf("state %d: null arc to %s, not the final state", s, a[1])
			}
		}
	}
	if len(f.arcs[f.final]) != 0 {
		t.Fatal("the final state has arcs")
	}
}

// checkedFSG builds the automaton of sentences in, read back, and fails
// unless it is deterministic and says exactly the distinct sentences.
func checkedFSG(t *testing.T, in [][]string) (fsgText, string) {
	t.Helper()
	text, err := wordFSG("g", in)
	if err != nil {
		t.Fatal(err)
	}
	f := readFSG(t, text)
	f.deterministic(t)
	if got, want := f.sentences(t), distinct(in); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sentences\n got %q\nwant %q\n%s", got, want, text)
	}
	return f, text
}

func distinct(sentences [][]string) []string {
	set := map[string]bool{}
	for _, s := range sentences {
		set[strings.Join(s, " ")] = true
	}
	var out []string
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func TestWordFSGMinimal(t *testing.T) {
	in := [][]string{
		Words("navigate to a"), Words("navigate to b c"), Words("go to a"), Words("go to b c"),
		Words("play"), Words("play the music"), Words("go to a"), // a duplicate
	}
	f, text := checkedFSG(t, in)
	// start; after navigate|go; after to; after b; after play; after the
	// music shares the final state: 0 1 2 3 4 5 + final = 7
	if f.states != 7 || f.start != 0 || f.final != 6 {
		t.Fatalf("states %d start %d final %d:\n%s", f.states, f.start, f.final, text)
	}
}

func TestWordFSGRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	vocab := strings.Fields("a b c d e")
	for round := 0; round < 200; round++ {
		var in [][]string
		for n := 1 + rng.Intn(12); n > 0; n-- {
			s := make([]string, 1+rng.Intn(5))
			for i := range s {
				s[i] = vocab[rng.Intn(len(vocab))]
			}
			in = append(in, s)
		}
		f, _ := checkedFSG(t, in)
		if tr := trieStates(in); f.states > tr+1 {
			t.Fatalf("round %d: %d states, more than the trie's %d + 1", round, f.states, tr)
		}
	}
}

func trieStates(in [][]string) int {
	seen := map[string]bool{"": true}
	for _, s := range in {
		for i := 1; i <= len(s); i++ {
			seen[strings.Join(s[:i], " ")] = true
		}
	}
	return len(seen)
}

func TestWordFSGErrors(t *testing.T) {
	if _, err := wordFSG("g", nil); err == nil {
		t.Fatal("no sentence accepted")
	}
	if _, err := wordFSG("g", [][]string{{"a"}, {}}); err == nil {
		t.Fatal("an empty sentence accepted")
	}
}

// The grammar's FSG says exactly what its JSGF text says: every phrase
// with every slot value, and nothing else.
func TestGrammarFSG(t *testing.T) {
	g, err := BuildGrammar("commands", Catalog, testSlots(t), GrammarOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := readFSG(t, g.FSG)
	f.deterministic(t)
	got := f.sentences(t)
	if len(got) < 100 {
		t.Fatalf("%d sentences", len(got))
	}
	for _, s := range got {
		if _, ok := g.Parse(s); !ok {
			t.Fatalf("%q in the FSG is no intent", s)
		}
	}
	have := map[string]bool{}
	for _, s := range got {
		have[s] = true
	}
	for _, s := range Samples(Catalog, testSlots(t), 3) {
		if !have[strings.Join(Words(s), " ")] {
			t.Fatalf("sample %q missing from the FSG", s)
		}
	}
	g2, err := BuildGrammar("commands", Catalog, testSlots(t), GrammarOptions{Garbage: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if g2.FSG != "" {
		t.Fatal("FSG for a grammar with a garbage loop")
	}
}
