package vtile

// Name is a feature's display name in the OpenMapTiles schema: `name`,
// else `name:latin`, `name_int` or `name:en` (writers differ in which they
// fill: tilemaker writes `name:latin`, planetiler `name`).
func Name(props map[string]any) string {
	for _, k := range [...]string{"name", "name:latin", "name_int", "name:en"} {
		if s, ok := props[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
