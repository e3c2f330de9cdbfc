// Package suggest owns "did you mean" hints for error messages: which known
// names are plausible typos of an unknown one. It knows nothing of what the
// names are.
package suggest

import (
	"sort"
	"strings"
)

// Closest returns up to n candidates nearest to s by edit distance, ignoring
// case, among those close enough to be a plausible typo (at most
// max(2, len(s)/3) edits), nearest first.
func Closest(s string, candidates []string, n int) []string {
	type scored struct {
		c string
		d int
	}
	var list []scored
	seen := map[string]bool{}
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if seen[c] {
			continue
		}
		seen[c] = true
		if d := Distance(ls, strings.ToLower(c)); d <= max(2, len(s)/3) {
			list = append(list, scored{c, d})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].d < list[j].d })
	var out []string
	for i := 0; i < len(list) && i < n; i++ {
		out = append(out, list[i].c)
	}
	return out
}

// Distance is the Levenshtein distance between a and b in bytes; strings
// longer than 200 bytes are not compared (the longer length is returned).
func Distance(a, b string) int {
	if len(a) > 200 || len(b) > 200 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
