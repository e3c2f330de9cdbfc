package voice

import (
	"fmt"
	"io/fs"
	"sort"

	"github.com/fascia-hmi/fascia/app/sim"
)

// StreetNames returns the distinct street names of an embedded street
// graph (e.g. "routes/monaco.json"), sorted: the place slot's values until
// the map's search provides POIs.
func StreetNames(fsys fs.FS, path string) ([]string, error) {
	f, err := fsys.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := sim.ReadGraph(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range g.Edges {
		if e.Name != "" && !seen[e.Name] {
			seen[e.Name] = true
			out = append(out, e.Name)
		}
	}
	sort.Strings(out)
	return out, nil
}
