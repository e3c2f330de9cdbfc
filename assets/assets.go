// Package assets owns the files built into the fascia binary: the app icon,
// vehicle profiles, simulator scenarios and routes (and, as they arrive, the
// demo map and demo music). It only embeds; it parses nothing.
package assets

import "embed"

// FS holds the embedded files, by their path below assets/.
//
//go:embed icon.png vehicles scenarios routes maps music
var FS embed.FS
