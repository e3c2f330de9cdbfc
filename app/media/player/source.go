package player

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gopxl/beep/v2"
	"github.com/gopxl/beep/v2/flac"
	"github.com/gopxl/beep/v2/mp3"
	"github.com/gopxl/beep/v2/vorbis"
	"github.com/gopxl/beep/v2/wav"

	"github.com/fascia-hmi/fascia/platform/audio"
)

// resampleQuality is beep's resampler quality for tracks not at the output
// rate (3: cheap and clean enough for music in a car).
const resampleQuality = 3

// source is one opened track: its decoder, resampled to the output rate.
type source struct {
	item   Item
	dec    beep.StreamSeekCloser
	format beep.Format
	s      beep.Streamer
	fresh  bool  // no sample streamed yet
	err    error // a decoder error or panic that ended it
}

// Sniff names the audio format of a file's first bytes: "flac", "vorbis",
// "wav", "mp3", or "" when it is none of them. The extension is not trusted.
func Sniff(hdr []byte) string {
	switch {
	case bytes.HasPrefix(hdr, []byte("fLaC")):
		return "flac"
	case bytes.HasPrefix(hdr, []byte("OggS")):
		return "vorbis"
	case len(hdr) >= 12 && bytes.HasPrefix(hdr, []byte("RIFF")) && string(hdr[8:12]) == "WAVE":
		return "wav"
	case bytes.HasPrefix(hdr, []byte("ID3")):
		return "mp3"
	case len(hdr) >= 2 && hdr[0] == 0xFF && hdr[1]&0xE0 == 0xE0 && hdr[1]&0x18 != 0x08 && hdr[1]&0x06 != 0:
		return "mp3"
	}
	return ""
}

// ErrFormat marks a file that is not a format the player decodes.
var ErrFormat = errors.New("not an MP3, FLAC, Ogg Vorbis or WAV file")

// openSource opens and decodes the head of a track. A decoder panic is
// recovered and returned as an error naming the file.
func openSource(open func(Item) (io.ReadSeekCloser, error), it Item) (src *source, err error) {
	rc, err := open(it)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: decoder panic: %v", it.Path, r)
		}
		if err != nil {
			rc.Close()
			src = nil
		}
	}()
	var hdr [12]byte
	n, _ := io.ReadFull(rc, hdr[:])
	if _, err := rc.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%s: %w", it.Path, err)
	}
	var dec beep.StreamSeekCloser
	var f beep.Format
	switch Sniff(hdr[:n]) {
	case "flac":
		if err := checkFLAC(rc); err != nil {
			return nil, fmt.Errorf("%s: flac: %w", it.Path, err)
		}
		dec, f, err = flac.Decode(rc)
	case "vorbis":
		dec, f, err = vorbis.Decode(rc)
	case "wav":
		dec, f, err = wav.Decode(rc)
	case "mp3":
		dec, f, err = mp3.Decode(rc)
	default:
		return nil, fmt.Errorf("%s: %w", it.Path, ErrFormat)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", it.Path, err)
	}
	if f.SampleRate <= 0 || f.SampleRate > 768000 || f.NumChannels <= 0 {
		dec.Close()
		return nil, fmt.Errorf("%s: implausible format %d Hz, %d channels", it.Path, f.SampleRate, f.NumChannels)
	}
	s := &source{item: it, dec: dec, format: f, fresh: true}
	s.build()
	if it.Duration == 0 {
		s.item.Duration = f.SampleRate.D(dec.Len())
	}
	return s, nil
}

// build puts the resampler, if any, over the decoder (again after a seek,
// so that no samples from before it linger).
func (s *source) build() {
	s.s = s.dec
	if s.format.SampleRate != audio.Rate {
		s.s = beep.Resample(resampleQuality, s.format.SampleRate, audio.Rate, s.dec)
	}
}

// stream reads decoded samples; a decoder panic ends the track with an error.
func (s *source) stream(buf [][2]float64) (n int, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			s.err = fmt.Errorf("%s: decoder panic: %v", s.item.Path, r)
			n, ok = 0, false
		}
	}()
	n, ok = s.s.Stream(buf)
	if !ok || n == 0 {
		if err := s.s.Err(); err != nil && s.err == nil {
			s.err = fmt.Errorf("%s: %w", s.item.Path, err)
		}
	}
	return n, ok
}

func (s *source) position() time.Duration { return s.format.SampleRate.D(s.dec.Position()) }

func (s *source) length() time.Duration { return s.format.SampleRate.D(s.dec.Len()) }

func (s *source) seek(d time.Duration) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: seek panic: %v", s.item.Path, r)
		}
	}()
	p := s.format.SampleRate.N(d)
	p = max(0, min(p, s.dec.Len()))
	if err := s.dec.Seek(p); err != nil {
		return fmt.Errorf("%s: seek: %w", s.item.Path, err)
	}
	s.build()
	return nil
}

func (s *source) close() {
	defer func() { _ = recover() }()
	_ = s.dec.Close()
}
