//go:build noos && linux

package display

import (
	"bytes"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// TestFyneEmbeddedDriverEndToEnd runs Fyne's own noos driver on this
// Driver: frames go through the mapped (temp-file) framebuffer, a tap
// written as evdev records reaches a button, Repaint shows a change made
// from fyne.Do, and Close ends the app's Run.
func TestFyneEmbeddedDriverEndToEnd(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	const w, h = 320, 240
	d, path := tempFramebuffer(t, w, h, w*2, RGB565, Config{Scale: 2})
	in := pipeInput(t, d, Axes{MT: true, MTX: AxisRange{0, w - 1}, MTY: AxisRange{0, h - 1}})

	a := app.NewWithID("io.fascia.display.test")
	Attach(a, d)
	win := a.NewWindow("cockpit")
	SetCanvasScale(win, d)
	if got := win.Canvas().Size(); got != fyne.NewSize(160, 120) {
		t.Fatalf("window canvas is %v dp, want 160x120", got)
	}
	tapped := make(chan int, 4)
	label := widget.NewLabel("before")
	grid := container.NewGridWithColumns(2)
	for i := range 4 {
		grid.Add(widget.NewButton("", func() { tapped <- i }))
	}
	win.SetContent(container.NewBorder(nil, label, nil, nil, grid))
	win.Show()

	frame := func() []byte {
		b, err := os.ReadFile(path) // MAP_SHARED: the file sees what Render wrote
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := frame()
	if bytes.Count(first, []byte{0x5a}) == len(first) || d.Frames() == 0 {
		t.Fatal("Show drew nothing into the framebuffer")
	}

	ran := make(chan struct{})
	go func() { a.Run(); close(ran) }()

	// Tap the bottom-right button at panel pixel (3/4 w, 5/8 h), as a
	// protocol B panel reports it. Were positions passed in pixels instead
	// of dp they would land outside the 160×120 dp canvas.
	if _, err := in.Write(encode(NativeLayout(),
		abs(absMTTrackingID, 1), abs(absMTPositionX, w*3/4), abs(absMTPositionY, h*5/8), syn,
		abs(absMTTrackingID, -1), syn)); err != nil {
		t.Fatal(err)
	}
	select {
	case i := <-tapped:
		if i != 3 {
			t.Errorf("tap reached button %d, want 3 (bottom right)", i)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the tap did not reach a button")
	}

	before := frame()
	fyne.DoAndWait(func() {
		label.SetText("after: a much longer text")
		Repaint(win, d)
	})
	if bytes.Equal(before, frame()) {
		t.Error("Repaint after a change from fyne.Do left the framebuffer unchanged")
	}

	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("app.Run did not return after Close")
	}
}
