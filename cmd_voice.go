package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/app/nav"
	"github.com/fascia-hmi/fascia/app/voice"
)

func init() {
	register("voice", command{
		usage: `fascia voice recognize --wav FILE [--json] [--artists FILE] [--albums FILE]
fascia voice grammar [--fsg] [--artists FILE] [--albums FILE]
fascia voice phrases [--per-slot N]`,
		run: cmdVoice,
	})
}

const voiceUsage = "voice: usage: fascia voice recognize --wav FILE [--json] | fascia voice grammar | fascia voice phrases"

func cmdVoice(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return exitCode{2, voiceUsage}
	}
	fs := newFlags("voice " + args[0])
	wav := fs.String("wav", "", "16 kHz mono 16-bit WAV file to recognize")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	artists := fs.String("artists", "", "file of artist names, one a line (the media library until it is wired)")
	albums := fs.String("albums", "", "file of album names, one a line")
	per := fs.Int("per-slot", 3, "phrases: slot values per slotted phrase")
	asFSG := fs.Bool("fsg", false, "grammar: print the word automaton the decoder loads (PocketSphinx FSG format) instead of the JSGF text")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	lines := func(path string) ([]string, error) {
		if path == "" {
			return nil, nil
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		var out []string
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" {
				out = append(out, l)
			}
		}
		return out, sc.Err()
	}
	ar, err := lines(*artists)
	if err != nil {
		return err
	}
	al, err := lines(*albums)
	if err != nil {
		return err
	}
	places, err := nav.DemoPlaces(context.Background())
	if err != nil {
		return fmt.Errorf("voice: the demo map's places: %w", err)
	}
	slots := voice.NewSlots(places, ar, al)
	switch args[0] {
	case "phrases":
		for _, p := range voice.Samples(voice.Catalog, slots, *per) {
			fmt.Fprintln(stdout, p)
		}
		return nil
	case "grammar":
		r, err := voice.NewRecognizer(voice.RecognizerOptions{})
		opt := voice.GrammarOptions{Garbage: voice.DefaultGarbage}
		if err == nil {
			defer r.Close()
			opt = r.GrammarOptions()
		} else {
			fmt.Fprintln(stderr, "fascia: note:", err)
		}
		g, err := voice.BuildGrammar(voice.CommandGrammar, voice.Catalog, slots, opt)
		if err != nil {
			return err
		}
		if *asFSG {
			if g.FSG == "" {
				return fmt.Errorf("voice grammar: no FSG for a grammar with a garbage loop")
			}
			fmt.Fprint(stdout, g.FSG)
			return nil
		}
		fmt.Fprint(stdout, g.JSGF)
		return nil
	case "recognize":
		if *wav == "" {
			return exitCode{2, "voice recognize: --wav FILE is required"}
		}
		f, err := os.Open(*wav)
		if err != nil {
			return err
		}
		a, err := voice.ReadWAV(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *wav, err)
		}
		samples, err := a.Speech()
		if err != nil {
			return fmt.Errorf("%s: %w", *wav, err)
		}
		t := time.Now()
		r, err := voice.NewRecognizer(voice.RecognizerOptions{})
		if err != nil {
			return err
		}
		defer r.Close()
		if _, err := r.Build(context.Background(), voice.CommandGrammar, voice.Catalog, slots); err != nil {
			return err
		}
		load := time.Since(t)
		res, err := r.Decode(samples)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(struct {
				voice.Result
				DecodeMS float64 `json:"decode_ms"`
				CPUMS    float64 `json:"cpu_ms"`
				AudioMS  float64 `json:"audio_ms"`
				LoadMS   float64 `json:"load_ms"`
			}{res, ms(res.Decode), ms(res.CPU), ms(res.Audio), ms(load)})
		}
		fmt.Fprintf(stdout, "heard:      %s\n", res.Heard)
		if res.Intent != nil {
			fmt.Fprintf(stdout, "transcript: %s\nintent:     %s\n", res.Transcript, res.Intent)
		} else {
			fmt.Fprintf(stdout, "rejected:   %s\n", res.Rejected)
		}
		fmt.Fprintf(stdout, "decode:     %.1f ms after end of audio; %.1f ms CPU for %.2f s of audio (RTF %.3f); model+grammar load %.0f ms\n",
			ms(res.Decode), ms(res.CPU), res.Audio.Seconds(), res.CPU.Seconds()/res.Audio.Seconds(), ms(load))
		return nil
	}
	return exitCode{2, voiceUsage}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
