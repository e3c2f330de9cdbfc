package voice

import (
	"math"
	"slices"
	"strings"

	"github.com/fascia-hmi/fascia/platform/sphinx"
)

// DefaultPostScale is the acoustic scale of the lattice posteriors:
// PocketSphinx's own (-ascale 20) in nats per PocketSphinx score unit
// (1.0001^1024 per unit).
const DefaultPostScale = 1024 * 9.9995e-5 / 20

// confidence returns the posterior probability of the best path of lat
// and of the least certain command word of segs (the best path as the
// decoder segmented it), by forward-backward over the word graph with
// acoustic scores times scale (nats per unit). PocketSphinx 5prealpha's
// own posteriors of grammar lattices are all 1. Both are 1 when lat is
// nil or has no path.
func confidence(lat *sphinx.Lattice, segs []sphinx.Segment, scale float64) (path, word float64) {
	if lat == nil || len(lat.Nodes) == 0 || len(segs) == 0 {
		return 1, 1
	}
	n := len(lat.Nodes)
	in := make([]int, n)
	out := make([][]int, n)
	for i, l := range lat.Links {
		in[l.To]++
		out[l.From] = append(out[l.From], i)
	}
	// topological order (links go forward in time; Kahn's algorithm)
	order := make([]int, 0, n)
	deg := slices.Clone(in)
	for i := range n {
		if deg[i] == 0 {
			order = append(order, i)
		}
	}
	for k := 0; k < len(order); k++ {
		for _, li := range out[order[k]] {
			to := lat.Links[li].To
			if deg[to]--; deg[to] == 0 {
				order = append(order, to)
			}
		}
	}
	inf := math.Inf(-1)
	alpha, best, beta := make([]float64, n), make([]float64, n), make([]float64, n)
	base := lat.Nodes[0].Start
	for _, nd := range lat.Nodes {
		base = min(base, nd.Start)
	}
	for i, nd := range lat.Nodes {
		alpha[i], best[i], beta[i] = inf, inf, inf
		if in[i] == 0 && nd.Start == base {
			alpha[i], best[i] = 0, 0
		}
	}
	for _, i := range order {
		for _, li := range out[i] {
			l := lat.Links[li]
			s := scale * float64(l.Acoustic)
			alpha[l.To] = logAdd(alpha[l.To], alpha[i]+s)
			best[l.To] = max(best[l.To], best[i]+s)
		}
	}
	// the end: the reached node without exits that ends last
	end := -1
	for i, nd := range lat.Nodes {
		if len(out[i]) == 0 && !math.IsInf(alpha[i], -1) && (end < 0 || nd.Last > lat.Nodes[end].Last) {
			end = i
		}
	}
	if end < 0 {
		return 1, 1
	}
	norm := alpha[end]
	if math.IsInf(norm, -1) {
		return 1, 1
	}
	beta[end] = 0
	for k := len(order) - 1; k >= 0; k-- {
		i := order[k]
		for _, li := range out[i] {
			l := lat.Links[li]
			beta[i] = logAdd(beta[i], scale*float64(l.Acoustic)+beta[l.To])
		}
	}
	path, word = math.Exp(best[end]-norm), 1
	for _, s := range segs {
		if strings.HasPrefix(s.Word, "<") || strings.HasPrefix(s.Word, "[") {
			continue
		}
		w, _, _ := strings.Cut(s.Word, "(")
		f := (s.Start+s.End)/2 - segs[0].Start + base
		p := 0.0
		for _, l := range lat.Links {
			if from := lat.Nodes[l.From]; from.Word == w && from.Start <= f && f <= l.End {
				p += math.Exp(alpha[l.From] + scale*float64(l.Acoustic) + beta[l.To] - norm)
			}
		}
		word = min(word, p)
	}
	return path, min(word, 1)
}

// logAdd returns log(exp(a) + exp(b)).
func logAdd(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}
