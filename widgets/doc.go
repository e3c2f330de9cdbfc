// Package widgets owns Fascia's reusable Fyne widgets: Gauge, Readout,
// Telltale, Bar, and the finger-sized controls TouchButton, Segmented and
// TouchEntry. They draw themselves with canvas primitives and theme colours
// and sizes only; the value widgets redraw only when their value changes and
// count their redraws so that the display-rate budget can be checked.
//
// The package knows nothing of cars, signals or the cockpit: it imports
// nothing of Fascia's, takes plain numbers and strings, and reads every
// colour and size from the current Fyne theme. The theme names it reads
// beyond Fyne's own are declared in names.go; a theme that does not define
// them gets sensible fallbacks from Fyne's standard names.
package widgets
