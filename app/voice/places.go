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

// Names is a fixed list of slot values.
type Names []string

// Values returns the names.
func (n Names) Values() []string { return n }

// MonacoStreets are the place slot's values from the embedded Monaco
// street graph, for the cockpit and tools until the map's search offers
// POIs (nil when the asset cannot be read).
func MonacoStreets(fsys fs.FS) Names {
	n, err := StreetNames(fsys, "routes/monaco.json")
	if err != nil {
		return nil
	}
	return n
}
