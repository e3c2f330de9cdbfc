package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/app/media/player"
	"github.com/fascia-hmi/fascia/platform/audio"
)

func init() { mediaCommands["play"] = mediaPlay }

const mediaPlayUsage = "usage: fascia media play FILE... [--sink null|default] [--volume 0-100]"

// mediaPlay plays files through the cockpit's player and output, printing
// each track as it starts and each file it skips, and returns at the end of
// the queue or on Ctrl-C. It keeps no resume state.
func mediaPlay(args []string, stdout, stderr io.Writer) error {
	sink, volume := audio.SinkDefault, 100
	var files []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			files = append(files, a)
			continue
		}
		if name != "sink" && name != "volume" {
			return exitCode{2, fmt.Sprintf("media play: unknown flag %s\n%s", a, mediaPlayUsage)}
		}
		if !hasVal {
			if i+1 >= len(args) {
				return exitCode{2, fmt.Sprintf("media play: %s needs a value\n%s", a, mediaPlayUsage)}
			}
			i++
			val = args[i]
		}
		if name == "sink" {
			if val != audio.SinkNull && val != audio.SinkDefault {
				return exitCode{2, fmt.Sprintf("media play: --sink %q: want null or default", val)}
			}
			sink = val
		} else if _, err := fmt.Sscanf(val, "%d", &volume); err != nil || volume < 0 || volume > 100 {
			return exitCode{2, fmt.Sprintf("media play: --volume %q: want 0-100", val)}
		}
	}
	if len(files) == 0 {
		return exitCode{2, mediaPlayUsage}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	out, err := audio.Open(sink, log)
	if err != nil {
		return err
	}
	defer out.Close()
	if out.Sink() != "device" {
		fmt.Fprintf(stdout, "no audio output (%s): playing into the null sink in real time\n", out.NoOutput())
	}
	p := player.New(player.Options{Log: log})
	defer p.Close()
	out.Add(p.Streamer())
	items := make([]player.Item, len(files))
	for i, f := range files {
		items[i] = player.Item{Path: f, Title: filepath.Base(f)}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	changes, cancel := p.Subscribe()
	defer cancel()
	p.SetVolume(volume)
	p.Play(items, 0)

	played, lastIndex, lastSkip := 0, -1, ""
	start := time.Now()
	for {
		st := p.State()
		if st.Skipped != lastSkip {
			lastSkip = st.Skipped
			fmt.Fprintf(stdout, "skipped: %s\n", st.Skipped)
		}
		if st.Playing && !st.Loading && st.HasItem && st.Index != lastIndex {
			lastIndex = st.Index
			played++
			fmt.Fprintf(stdout, "playing %d/%d: %s (%s)\n", st.Index+1, st.Len, st.Item.Path, st.Duration.Round(100*time.Millisecond))
		}
		if !st.Playing && !st.Loading {
			break
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(stdout, "interrupted")
			return nil
		case <-changes:
		case <-time.After(200 * time.Millisecond):
		}
	}
	fmt.Fprintf(stdout, "%d of %d files played in %s\n", played, len(files), time.Since(start).Round(100*time.Millisecond))
	if played == 0 {
		return fmt.Errorf("media play: no file could be played")
	}
	return nil
}
