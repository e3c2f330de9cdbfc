// Command demomusic synthesizes the demo music shipped in assets/music:
// short original pieces (chord progressions played by a small additive
// synthesizer written here), encoded to FLAC, Ogg Vorbis, MP3 and WAV with
// tags and PNG cover art. It is run by scripts/make-demo-music and needs
// flac/metaflac, oggenc and ffmpeg (with libmp3lame); it writes nothing but
// the files below the output folder (each to a temporary name, then renamed).
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
)

const (
	band = "Fascia Demo Band"
	year = "2026"
)

// A note of the equal-tempered scale, by MIDI number.
func hz(midi float64) float64 { return 440 * math.Pow(2, (midi-69)/12) }

// piece is a chord progression with its voicing.
type piece struct {
	bpm     float64
	chords  [][]float64 // MIDI notes per bar (4 beats)
	bass    []float64   // one root per bar
	arp     bool        // arpeggiate the chord in eighths
	bright  float64     // 0..1: amount of upper partials
	seconds float64
}

// render synthesizes a piece at rate Hz, mono, into float samples in [-1,1].
func render(p piece, rate int) []float64 {
	n := int(p.seconds * float64(rate))
	out := make([]float64, n)
	beat := 60 / p.bpm
	bar := 4 * beat
	for i := range out {
		t := float64(i) / float64(rate)
		b := int(t / bar)
		ch := p.chords[b%len(p.chords)]
		tb := t - float64(b)*bar
		// Pad: each chord note with three partials and a slow swell per bar.
		env := math.Min(1, tb/0.25) * (0.8 + 0.2*math.Cos(2*math.Pi*tb/bar))
		var s float64
		for _, m := range ch {
			f := hz(m)
			s += env * (math.Sin(2*math.Pi*f*t) + 0.3*p.bright*math.Sin(2*math.Pi*2*f*t+0.3) +
				0.12*p.bright*math.Sin(2*math.Pi*3*f*t+1.1) + 0.5*math.Sin(2*math.Pi*f*1.003*t))
		}
		s *= 0.09
		// Bass: root two octaves down, plucked on beats 1 and 3.
		root := p.bass[b%len(p.bass)]
		tbeat := math.Mod(tb, 2*beat)
		s += 0.28 * math.Exp(-tbeat*2.2) * math.Sin(2*math.Pi*hz(root)*t)
		// Arpeggio: chord tones an octave up in eighth notes.
		if p.arp {
			e := beat / 2
			k := int(tb / e)
			te := tb - float64(k)*e
			f := hz(ch[k%len(ch)] + 12)
			s += 0.16 * math.Exp(-te*7) * (math.Sin(2*math.Pi*f*t) + 0.25*math.Sin(2*math.Pi*2*f*t))
		}
		out[i] = s
	}
	return out
}

// fade applies fades of d seconds at the start and/or the end.
func fade(x []float64, rate int, in, out float64) {
	ni, no := int(in*float64(rate)), int(out*float64(rate))
	for i := 0; i < ni && i < len(x); i++ {
		x[i] *= float64(i) / float64(ni)
	}
	for i := 0; i < no && i < len(x); i++ {
		x[len(x)-1-i] *= float64(i) / float64(no)
	}
}

func normalize(x []float64, peak float64) {
	m := 0.0
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	for i := range x {
		x[i] *= peak / m
	}
}

// writeWAV writes 16-bit PCM with `channels` copies of the mono signal
// (stereo tracks get a small delay on the right for width) and an optional
// LIST/INFO chunk.
func writeWAV(path string, x []float64, rate, channels int, info [][2]string) error {
	var data bytes.Buffer
	delay := rate / 200 // 5 ms
	for i, v := range x {
		for c := 0; c < channels; c++ {
			s := v
			if c == 1 {
				s = 0
				if i >= delay {
					s = x[i-delay]
				}
				s = 0.7*v + 0.3*s
			}
			binary.Write(&data, binary.LittleEndian, int16(math.Round(s*32767)))
		}
	}
	var list bytes.Buffer
	if len(info) > 0 {
		list.WriteString("INFO")
		for _, kv := range info {
			v := append([]byte(kv[1]), 0)
			if len(v)%2 == 1 {
				v = append(v, 0)
			}
			list.WriteString(kv[0])
			binary.Write(&list, binary.LittleEndian, uint32(len(v)))
			list.Write(v)
		}
	}
	var f bytes.Buffer
	f.WriteString("RIFF")
	size := 4 + 8 + 16 + 8 + data.Len()
	if list.Len() > 0 {
		size += 8 + list.Len()
	}
	binary.Write(&f, binary.LittleEndian, uint32(size))
	f.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(channels), uint32(rate),
		uint32(rate * channels * 2), uint16(channels * 2), uint16(16)} {
		binary.Write(&f, binary.LittleEndian, v)
	}
	if list.Len() > 0 {
		f.WriteString("LIST")
		binary.Write(&f, binary.LittleEndian, uint32(list.Len()))
		f.Write(list.Bytes())
	}
	f.WriteString("data")
	binary.Write(&f, binary.LittleEndian, uint32(data.Len()))
	f.Write(data.Bytes())
	return writeFile(path, f.Bytes())
}

func writeFile(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// cover draws a 240×240 album cover: a sky gradient, a sun and a road.
func cover(top, bottom, sun color.RGBA) []byte {
	const s = 240
	img := image.NewRGBA(image.Rect(0, 0, s, s))
	for y := 0; y < s; y++ {
		f := float64(y) / s
		c := color.RGBA{lerp(top.R, bottom.R, f), lerp(top.G, bottom.G, f), lerp(top.B, bottom.B, f), 255}
		for x := 0; x < s; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	for y := 0; y < s; y++ {
		for x := 0; x < s; x++ {
			dx, dy := float64(x-s/2), float64(y-130)
			if dx*dx+dy*dy < 55*55 && y < 150 {
				// Sun with horizontal bands.
				if y < 110 || (y/6)%2 == 0 {
					img.SetRGBA(x, y, sun)
				}
			}
			if y >= 150 {
				img.SetRGBA(x, y, color.RGBA{20, 22, 36, 255})
				// Road: a trapezoid with a dashed centre line.
				half := 10 + float64(y-150)*1.1
				if math.Abs(float64(x-s/2)) < half {
					img.SetRGBA(x, y, color.RGBA{52, 56, 72, 255})
					if math.Abs(float64(x-s/2)) < 1+float64(y-150)/30 && ((y-150)/10)%2 == 0 {
						img.SetRGBA(x, y, color.RGBA{240, 220, 120, 255})
					}
				}
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func lerp(a, b uint8, f float64) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*f) }

// pictureBlock is a FLAC METADATA_BLOCK_PICTURE (front cover, PNG), as Ogg
// Vorbis comments carry it (base64).
func pictureBlock(pngData []byte) []byte {
	cfg, _ := png.DecodeConfig(bytes.NewReader(pngData))
	var b bytes.Buffer
	w := func(v uint32) { binary.Write(&b, binary.BigEndian, v) }
	w(3)
	mime := "image/png"
	w(uint32(len(mime)))
	b.WriteString(mime)
	desc := "Front cover"
	w(uint32(len(desc)))
	b.WriteString(desc)
	w(uint32(cfg.Width))
	w(uint32(cfg.Height))
	w(24)
	w(0)
	w(uint32(len(pngData)))
	b.Write(pngData)
	return b.Bytes()
}

type track struct {
	file, title, album string
	no                 int
	samples            []float64
	rate, channels     int
	format             string // flac, ogg, mp3, wav
	cover              string
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("%s %v: %v", name, args, err)
	}
}

func main() {
	out := flag.String("out", "assets/music", "output folder")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "demomusic")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)

	covers := map[string]string{
		"Demo Drive":  filepath.Join(tmp, "drive.png"),
		"Night Roads": filepath.Join(tmp, "night.png"),
	}
	must(os.WriteFile(covers["Demo Drive"], cover(color.RGBA{255, 160, 90, 255}, color.RGBA{120, 60, 150, 255}, color.RGBA{255, 230, 120, 255}), 0o644))
	must(os.WriteFile(covers["Night Roads"], cover(color.RGBA{10, 20, 60, 255}, color.RGBA{60, 40, 120, 255}, color.RGBA{255, 90, 140, 255}), 0o644))

	const rate = 44100
	// C major: I–V–vi–IV.
	first := render(piece{bpm: 96, seconds: 8, arp: true, bright: 0.6,
		chords: [][]float64{{60, 64, 67}, {59, 62, 67}, {57, 60, 64}, {57, 60, 65}},
		bass:   []float64{36, 43, 45, 41}}, rate)
	fade(first, rate, 0.05, 1.0)
	normalize(first, 0.8)
	// The gapless pair: one continuous piece (A minor: i–VI–III–VII) cut at
	// exactly 5 s, mid-chord, with no fade at the cut.
	pair := render(piece{bpm: 120, seconds: 10, arp: true, bright: 0.8,
		chords: [][]float64{{57, 60, 64}, {53, 57, 60}, {55, 60, 64}, {55, 59, 62}},
		bass:   []float64{33, 41, 36, 43}}, rate)
	fade(pair, rate, 0.05, 0.8)
	normalize(pair, 0.8)
	cut := 5 * rate
	// D dorian vamp for the Ogg track.
	dorian := render(piece{bpm: 88, seconds: 9, bright: 0.4,
		chords: [][]float64{{62, 65, 69, 72}, {60, 64, 67, 71}},
		bass:   []float64{38, 36}}, rate)
	fade(dorian, rate, 0.3, 1.5)
	normalize(dorian, 0.75)
	night := render(piece{bpm: 76, seconds: 9, arp: true, bright: 0.3,
		chords: [][]float64{{56, 60, 63}, {53, 56, 60}, {51, 55, 58}, {49, 53, 56}},
		bass:   []float64{32, 29, 39, 37}}, rate)
	fade(night, rate, 0.2, 1.5)
	normalize(night, 0.75)
	const wavRate = 22050
	outro := render(piece{bpm: 72, seconds: 3, bright: 0.2,
		chords: [][]float64{{49, 53, 56, 60}},
		bass:   []float64{37}}, wavRate)
	fade(outro, wavRate, 0.1, 1.5)
	normalize(outro, 0.7)

	tracks := []track{
		{"01-first-light.flac", "First Light", "Demo Drive", 1, first, rate, 1, "flac", covers["Demo Drive"]},
		{"02-open-road.flac", "Open Road", "Demo Drive", 2, pair[:cut], rate, 1, "flac", covers["Demo Drive"]},
		{"03-no-stopping.flac", "No Stopping", "Demo Drive", 3, pair[cut:], rate, 1, "flac", covers["Demo Drive"]},
		{"04-dorian-cruise.ogg", "Dorian Cruise", "Demo Drive", 4, dorian, rate, 2, "ogg", covers["Demo Drive"]},
		{"01-city-lights.mp3", "City Lights", "Night Roads", 1, night, rate, 2, "mp3", covers["Night Roads"]},
		{"02-last-exit.wav", "Last Exit", "Night Roads", 2, outro, wavRate, 1, "wav", covers["Night Roads"]},
	}
	for _, t := range tracks {
		dst := filepath.Join(*out, t.file)
		part := dst + ".part." + t.format
		wav := filepath.Join(tmp, t.file+".wav")
		var info [][2]string
		if t.format == "wav" {
			info = [][2]string{{"INAM", t.title}, {"IART", band}, {"IPRD", t.album}, {"IGNR", "Electronic"},
				{"ICRD", year}, {"ITRK", fmt.Sprint(t.no)}}
		}
		must(writeWAV(wav, t.samples, t.rate, t.channels, info))
		no := fmt.Sprint(t.no)
		switch t.format {
		case "flac":
			run("flac", "--silent", "--best", "-f", "-o", part,
				"-T", "TITLE="+t.title, "-T", "ARTIST="+band, "-T", "ALBUMARTIST="+band, "-T", "ALBUM="+t.album,
				"-T", "TRACKNUMBER="+no, "-T", "DISCNUMBER=1", "-T", "DATE="+year, "-T", "GENRE=Electronic",
				"--picture", "3|image/png|Front cover||"+t.cover, wav)
		case "ogg":
			pic, err := os.ReadFile(t.cover)
			must(err)
			run("oggenc", "--quiet", "-q", "2", "-o", part, "-t", t.title, "-a", band, "-l", t.album,
				"-N", no, "-d", year, "-G", "Electronic", "-c", "ALBUMARTIST="+band, "-c", "DISCNUMBER=1",
				"-c", "METADATA_BLOCK_PICTURE="+base64.StdEncoding.EncodeToString(pictureBlock(pic)), wav)
		case "mp3":
			run("ffmpeg", "-loglevel", "error", "-y", "-i", wav, "-i", t.cover, "-map", "0:a", "-map", "1:v",
				"-c:a", "libmp3lame", "-b:a", "96k", "-c:v", "copy", "-id3v2_version", "3",
				"-metadata", "title="+t.title, "-metadata", "artist="+band, "-metadata", "album_artist="+band,
				"-metadata", "album="+t.album, "-metadata", "track="+no, "-metadata", "disc=1",
				"-metadata", "date="+year, "-metadata", "genre=Electronic",
				"-metadata:s:v", "title=Album cover", "-metadata:s:v", "comment=Cover (front)",
				"-disposition:v", "attached_pic", "-f", "mp3", part)
		case "wav":
			b, err := os.ReadFile(wav)
			must(err)
			must(os.WriteFile(part, b, 0o644))
		}
		must(os.Rename(part, dst))
		fi, _ := os.Stat(dst)
		fmt.Printf("%-24s %7d bytes  %s / %s #%d\n", t.file, fi.Size(), t.album, t.title, t.no)
	}
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
