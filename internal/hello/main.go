// Command hello is the baseline for start-up and memory figures: the
// smallest Fyne window, measured the same way as the cockpit (see
// internal/paintprobe and docs/performance.md).
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/fascia-hmi/fascia/internal/paintprobe"
)

func main() {
	exitAfter := flag.Duration("exit-after", 0, "quit this long after the first frame (0: stay open)")
	flag.Parse()
	start := paintprobe.ProcessStart()
	a := app.NewWithID("io.github.fascia_hmi.hello")
	w := a.NewWindow("Hello")
	probe := paintprobe.New(func() {
		fmt.Fprintf(os.Stderr, "first frame after %d ms\n", time.Since(start).Milliseconds())
		if *exitAfter > 0 {
			time.AfterFunc(*exitAfter, func() { fyne.Do(a.Quit) })
		}
	})
	w.SetContent(container.NewStack(widget.NewLabel("Hello, world"), container.NewWithoutLayout(probe)))
	w.Resize(fyne.NewSize(1280, 720))
	w.ShowAndRun()
}
