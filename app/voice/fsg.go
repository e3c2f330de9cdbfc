package voice

import (
	"fmt"
	"sort"
	"strings"
)

// wordFSG writes sentences as the minimal deterministic word automaton
// that accepts exactly them, in PocketSphinx's FSG text format, every
// transition with probability 1 (as PocketSphinx's own JSGF conversion
// gives an unweighted grammar).
//
// The decoder's grammar search does work per frame for every state of
// the automaton (its word-exit history is kept per state and phone), and
// a word that leaves one state towards several (as the JSGF conversion
// builds "find the…", "find a…") is searched once per arc. The minimal
// automaton has the fewest states and one arc per word and state: for
// the demo grammar (`fascia voice grammar --fsg`) 273 states, against 574
// from PocketSphinx's conversion of the JSGF text; the grammar decoder's
// CPU fell by a quarter, with the same hypotheses (docs/voice.md).
//
// State 0 is the start; the one final state has no arcs. A state where a
// sentence ends and others go on ("play" | "play the music") reaches the
// final state by a null transition.
func wordFSG(name string, sentences [][]string) (string, error) {
	if len(sentences) == 0 {
		return "", fmt.Errorf("voice: grammar %s has no sentence", name)
	}
	// a trie of the sentences …
	type node struct {
		next  map[string]int
		final bool
	}
	trie := []node{{next: map[string]int{}}}
	for _, s := range sentences {
		if len(s) == 0 {
			return "", fmt.Errorf("voice: grammar %s has an empty sentence", name)
		}
		n := 0
		for _, w := range s {
			c, ok := trie[n].next[w]
			if !ok {
				c = len(trie)
				trie = append(trie, node{next: map[string]int{}})
				trie[n].next[w] = c
			}
			n = c
		}
		trie[n].final = true
	}
	// … minimised by merging nodes with the same finality and the same
	// arcs to (already merged) nodes, children before parents.
	type arc struct {
		word string
		to   int
	}
	type state struct {
		final bool
		arcs  []arc
	}
	var states []state
	id := map[string]int{}
	var merge func(n int) int
	merge = func(n int) int {
		var st state
		st.final = trie[n].final
		for w, c := range trie[n].next {
			st.arcs = append(st.arcs, arc{w, merge(c)})
		}
		sort.Slice(st.arcs, func(i, j int) bool { return st.arcs[i].word < st.arcs[j].word })
		var key strings.Builder
		fmt.Fprint(&key, st.final)
		for _, a := range st.arcs {
			fmt.Fprintf(&key, " %s:%d", a.word, a.to)
		}
		k, ok := id[key.String()]
		if !ok {
			k = len(states)
			id[key.String()] = k
			states = append(states, st)
		}
		return k
	}
	root := merge(0)
	// Number the states breadth-first from the start, the final state
	// (final, no arcs: every sentence's last word leads there) last.
	sink := -1
	for i, st := range states {
		if st.final && len(st.arcs) == 0 {
			sink = i
		}
	}
	num := make([]int, len(states))
	for i := range num {
		num[i] = -1
	}
	order := []int{root}
	num[root] = 0
	for i := 0; i < len(order); i++ {
		for _, a := range states[order[i]].arcs {
			if num[a.to] < 0 && a.to != sink {
				num[a.to] = len(order)
				order = append(order, a.to)
			}
		}
	}
	num[sink] = len(order)
	order = append(order, sink)
	var b strings.Builder
	fmt.Fprintf(&b, "FSG_BEGIN %s\nNUM_STATES %d\nSTART_STATE 0\nFINAL_STATE %d\n", name, len(order), num[sink])
	for _, s := range order {
		for _, a := range states[s].arcs {
			fmt.Fprintf(&b, "TRANSITION %d %d 1.0 %s\n", num[s], num[a.to], a.word)
		}
		if states[s].final && s != sink {
			fmt.Fprintf(&b, "TRANSITION %d %d 1.0\n", num[s], num[sink])
		}
	}
	b.WriteString("FSG_END\n")
	return b.String(), nil
}
